// First step of `npm start` and `npm test` on any checkout: install the pinned
// dependencies when they are missing or the lockfile changed (npm ci), then build.
// Uses nothing but Node itself, because it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.ocpp-setup-stamp');
const lockHash = createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  console.log('setup: installing pinned dependencies (npm ci)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
  writeFileSync(stamp, lockHash);
}

if (!process.argv.includes('--no-build')) {
  const { build } = await import('./build.mjs');
  try {
    await build({ quiet: process.argv.includes('--quiet') });
  } catch (err) {
    console.error('build failed: ' + err.message);
    process.exit(1);
  }
}
