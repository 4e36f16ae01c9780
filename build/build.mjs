// The one build: generate code, type-check and down-level with tsc (ES5), bundle with
// esbuild into one IIFE (dist/firmware.js + dist/firmware.min.js), prove ES5, print sizes.
//   node build/build.mjs            build the firmware
//   import { build, bundleFile }    used by the test runner and the benchmark
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { checkES5 } from './es5-check.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const tscOut = join(root, '.build', 'tsc');
const require = (await import('node:module')).createRequire(import.meta.url);

/** Runs every build/gen-*.mjs (code generators, e.g. validators from the OCPP schemas). */
async function generate() {
  const gens = readdirSync(join(root, 'build')).filter((f) => /^gen-.*\.mjs$/.test(f)).sort();
  for (const g of gens) {
    const mod = await import(pathToFileURL(join(root, 'build', g)).href);
    if (typeof mod.generate === 'function') await mod.generate();
  }
}

/** tsc: type-check everything that runs in QuickJS and emit ES5 modules to .build/tsc. */
function compile() {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tsc failed');
}

/** esbuild's options for one tsc-emitted module (path relative to the repo, .ts or .js). */
function bundleOptions(entry, minify) {
  return {
    entryPoints: [join(tscOut, entry.replace(/\.ts$/, '.js'))],
    absWorkingDir: root,
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es5',
    minify,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    // tsc's helpers (__awaiter, __generator, __extends, ...) come once from tslib's
    // ES5 module build instead of being repeated in every file.
    alias: { tslib: require.resolve('tslib/tslib.es6.js') },
    mainFields: ['module', 'main'],
  };
}

/**
 * Bundles one tsc-emitted module (path relative to the repo, .ts or .js) into an ES5 IIFE
 * and checks it. Returns the code.
 */
export async function bundleFile(entry, { minify = false, outfile } = {}) {
  const options = bundleOptions(entry, minify);
  const result = await esbuild.build(options);
  const code = result.outputFiles[0].text;
  checkES5(code, relative(root, outfile || options.entryPoints[0]));
  if (outfile) {
    mkdirSync(dirname(outfile), { recursive: true });
    writeFileSync(outfile, code);
  }
  return code;
}

/** What each source module adds to the minified bundle of `entry`, largest first. */
export async function moduleSizes(entry) {
  const result = await esbuild.build({ ...bundleOptions(entry, true), metafile: true });
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  return Object.entries(inputs)
    .map(([file, { bytesInOutput }]) => ({ module: relative(tscOut, join(root, file)).replace(/\.js$/, ''), bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
}

function kb(n) {
  return (n / 1024).toFixed(1) + ' KB';
}

export function sizes() {
  const out = {};
  for (const f of ['firmware.js', 'firmware.min.js']) {
    const buf = readFileSync(join(root, 'dist', f));
    out[f] = { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  }
  return out;
}

/** The whole build. Returns the sizes of the two bundle files. */
export async function build({ quiet = false } = {}) {
  await generate();
  compile();
  await bundleFile('src/main.ts', { outfile: join(root, 'dist', 'firmware.js') });
  await bundleFile('src/main.ts', { outfile: join(root, 'dist', 'firmware.min.js'), minify: true });
  const s = sizes();
  // The OCPP core with every 1.6 validator, alone (issue 4's budget: 48 KB minified).
  const core = Buffer.byteLength(await bundleFile('src/ocpp/v16/index.ts', { minify: true }));
  if (core > 48 * 1024) throw new Error(`the OCPP core (src/ocpp/v16, minified) is ${kb(core)}, over its 48 KB budget`);
  if (!quiet) {
    console.log('ES5 check passed (acorn ecmaVersion 5, no eval / new Function)');
    for (const [f, v] of Object.entries(s)) console.log(`dist/${f.padEnd(16)} ${kb(v.raw).padStart(9)} raw ${kb(v.gzip).padStart(9)} gzip`);
    console.log(`OCPP core + 1.6 validators ${kb(core).padStart(9)} minified (budget 48 KB)`);
  }
  return s;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  build().catch((err) => {
    console.error('build failed: ' + err.message);
    process.exit(1);
  });
}
