// First step of `npm start`, `npm test`, `npm run sim` and `npm run bench` on any checkout:
// install the pinned dependencies when they are missing or the lockfile changed (npm ci),
// then build — with --if-changed only when a source, generator, build script or dependency
// changed since the last build of the same bundle (build/build-inputs.mjs), or an output is
// missing. `npm run build` always builds. Uses nothing but Node itself until node_modules exists.
//   node build/setup.mjs [--if-changed] [--dry-run] [--quiet] [--no-build] [--entry FILE.ts --out dist/NAME.js] [--features core,…]
// --dry-run only says whether the bundle is up to date (exit 0) or would be built (exit 1).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputsFingerprint } from './build-inputs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.ocpp-setup-stamp');
const lockHash = createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
const args = process.argv.slice(2);
const ifChanged = args.includes('--if-changed');
const dryRun = args.includes('--dry-run');
const buildArgs = args.filter((a) => a !== '--if-changed' && a !== '--dry-run');

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  console.log('setup: installing pinned dependencies (npm ci)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
  writeFileSync(stamp, lockHash);
}

if (!buildArgs.includes('--no-build')) {
  const { build, parseBuildArgs, FIRMWARE, DEFAULT_BUNDLES, minifiedName } = await import('./build.mjs');
  let options;
  try {
    options = parseBuildArgs(buildArgs);
  } catch (err) {
    console.error('build: ' + err.message);
    process.exit(2);
  }
  const out = options.out || FIRMWARE.out;
  // One stamp per bundle: what it was last built from.
  const buildStamp = join(root, '.build', 'stamps', out.replace(/[^A-Za-z0-9._-]/g, '_') + '.sha256');
  // The entries and the features are part of it: a bundle added to the default build, or a
  // build with other features into the same file, is built at once.
  const fingerprint = inputsFingerprint(root) + ':' + (options.entry || DEFAULT_BUNDLES.map((b) => b.entry).join(',')) + ':' + (options.features ? options.features.join(',') : 'every feature') + (options.parts === false ? ':no parts' : '');
  const tscOutput = join('.build', 'tsc', (options.entry || FIRMWARE.entry).replace(/\.ts$/, '.js'));
  const bundles = options.entry ? [out] : DEFAULT_BUNDLES.map((b) => b.out);
  const outputs = [tscOutput].concat(...bundles.map((b) => [b, minifiedName(b)])).map((f) => join(root, f));
  const upToDate = existsSync(buildStamp) && readFileSync(buildStamp, 'utf8') === fingerprint && outputs.every((f) => existsSync(f));
  if ((ifChanged || dryRun) && upToDate) {
    if (!options.quiet) console.log(`build: ${out} is up to date (no source, generator or dependency changed since it was built)`);
  } else if (dryRun) {
    console.log(`build: ${out} would be built (an input changed since it was built, or an output is missing)`);
    process.exit(1);
  } else {
    try {
      await build(options);
    } catch (err) {
      console.error('build failed: ' + err.message);
      process.exit(1);
    }
    mkdirSync(dirname(buildStamp), { recursive: true });
    writeFileSync(buildStamp, fingerprint);
  }
}
