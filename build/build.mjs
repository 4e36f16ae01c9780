// The one build: generate code, type-check and down-level with tsc (ES5), bundle with
// esbuild into one IIFE per entry (dist/firmware.js + dist/firmware.min.js, the simulator's
// dist/simulator.js + .min.js, the 2.0.1 firmware's), prove ES5, print sizes.
//   node build/build.mjs                                   build the firmware
//   node build/build.mjs --entry my-station.ts --out dist/my-station.js
//                                                          build a station of one's own (and dist/my-station.min.js)
//   node build/build.mjs --features core,remote-trigger    leave the other features out (build/features.mjs)
//   node build/build.mjs --config my-build.json            the same options from a file: {"entry", "out", "features"}
//   import { build, bundleFile }    used by the test runner and the benchmark
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { checkES5 } from './es5-check.mjs';
import { inputsFingerprint } from './build-inputs.mjs';
import { mangleableNames, mangleRegExp } from './mangle.mjs';
import { buildFeatures, featuresPlugin, isStation201, leftOutModules, namedActions, noTablesPlugin, parseFeatures, schemasPlugin, stationsOf } from './features.mjs';
import { halMembers as membersOfHal, halMembersPlugin, unnamedHalMembers } from './hal-members.mjs';
import { codedDictionary, codedDir, compileProject, writeDictionaryBeside } from './log-dictionary.mjs';
import { checkPart, partExpression, partOptions, partStubsPlugin, readParts, usedParts, withParts } from './parts.mjs';
import * as v16 from './gen-ocpp16.mjs';
import * as v201 from './gen-ocpp201.mjs';

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

/** The firmware: what `npm run build` bundles when no --entry is given. */
export const FIRMWARE = { entry: 'src/main.ts', out: 'dist/firmware.js' };
/** Built beside the firmware when no --entry is given: the simulator's bundle (the firmware's station on the simulated charger). */
export const SIMULATOR = { entry: 'src/main-sim.ts', out: 'dist/simulator.js' };
/** Built beside the firmware when no --entry is given: the OCPP 2.0.1 firmware, a bundle of its own. */
export const FIRMWARE_201 = { entry: 'src/main-201.ts', out: 'dist/firmware-201.js' };
/** The 2.0.1 station's simulator bundle (its firmware's station on the simulated charger, with the 2.0.1 scenarios). */
export const SIMULATOR_201 = { entry: 'src/main-sim-201.ts', out: 'dist/simulator-201.js' };
/** What `npm run build` builds without --entry, the firmware first. */
export const DEFAULT_BUNDLES = [FIRMWARE, SIMULATOR, FIRMWARE_201, SIMULATOR_201];

/** The minified twin of a bundle file: dist/x.js -> dist/x.min.js. */
export function minifiedName(out) {
  return out.replace(/(\.js)?$/, '.min.js');
}

/**
 * tsc: type-check everything that runs in QuickJS (tsconfig.json) and emit ES5 modules to
 * `tscDir`; an entry outside tsconfig.json's folders is compiled too, with the same options.
 * The same program is emitted a second time with log codes (build/log-dictionary.mjs), for the
 * minified bundles.
 */
function compile(entry, tscDir) {
  return compileProject(root, tscDir, [entry]);
}

/** Where tsc puts the ES5 module of a source file (path relative to the repo). */
function tscOutput(entry, tscDir = tscOut) {
  return join(tscDir, entry.replace(/\.ts$/, '.js'));
}

/** A path given on the command line, relative to the repo; it must lie inside it (tsc's rootDir). */
function insideRepo(path, flag) {
  const rel = relative(root, resolve(path));
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${flag} ${path} is outside the project folder (${root})`);
  return rel.split(sep).join('/');
}

/**
 * The generated tables' decoded form (generated/schemas.ts's `schemas`, for tests and tools)
 * is marked pure again, as the generator wrote it (tsc's removeComments drops the mark): a
 * bundle that does not use it leaves it out instead of building every schema at boot.
 */
const decodedTablesArePure = {
  name: 'decoded-tables-are-pure',
  setup(b) {
    b.onLoad({ filter: /[\\/]generated[\\/]schemas\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const marked = text.replace(/= decodeTable\(/g, '= /* @__PURE__ */ decodeTable(');
      if (marked === text) throw new Error(`${relative(root, path)}: no decodeTable( call to mark pure`);
      return { contents: marked, loader: 'js' };
    });
  },
};

/** The property names a minified bundle of `entry` may shorten (build/mangle.mjs), for the sources as they are. */
function internalNames(entry) {
  const inProject = /^(src|hal|bench|examples|test)\//.test(entry);
  const extra = inProject ? [] : [entry];
  const key = inputsFingerprint(root) + (inProject ? '' : ':' + createHash('sha256').update(readFileSync(join(root, entry))).digest('hex'));
  return mangleableNames(root, key, extra);
}

/**
 * esbuild's options for one tsc-emitted module (path relative to the repo, .ts or .js);
 * `features`: the features to keep (build/features.mjs), absent: every built-in one;
 * `tables`: plugins serving generated tables in place of tsc's (build/features.mjs).
 */
function bundleOptions(entry, minify, tscDir, features, tables = []) {
  return {
    // A minified bundle shortens the property names only the program itself uses (build/mangle.mjs).
    ...(minify && { mangleProps: mangleRegExp(internalNames(entry)) }),
    ...(features && { metafile: true }),
    plugins: [...tables, decodedTablesArePure, ...(features ? [featuresPlugin(tscDir, features)] : [])],
    entryPoints: [tscOutput(entry, tscDir)],
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
 * and checks it. Returns the code. `served201`: which 2.0.1 validator tables it carries (see
 * servedTables): false every one (a test's bundle, the OCPP core alone), true only those of
 * the actions its code names, 'station' only those when it is a 2.0.1 station or is built
 * with `features` (what a build of an entry does). `stations`: an array that gets, with
 * `features`, the stations the bundle holds with the features each left out (stationsOf).
 * `logCodes` (default: a minified bundle written to `outfile`): its log calls as codes, the
 * dictionary written beside `outfile` (build/log-dictionary.mjs).
 */
export async function bundleFile(entry, { minify = false, outfile, tscDir = tscOut, features, served201 = false, stations, parts = false, logCodes = minify && !!outfile } = {}) {
  // From the emit with log codes beside tscDir; where there is none (a folder of tsc's output
  // alone), with the texts.
  const dictionary = logCodes ? codedDictionary(tscDir) : null;
  if (dictionary) tscDir = codedDir(tscDir);
  const tables = await servedTables(entry, tscDir, features, served201);
  const options = bundleOptions(entry, minify, tscDir, features, [...tables, ...(await halMembers(entry, tscDir, features, tables))]);
  if (parts) {
    options.plugins = [partStubsPlugin(root, tscDir), ...options.plugins];
    options.metafile = true;
    if (options.mangleProps) options.mangleCache = {};
  }
  const result = await esbuild.build(options);
  let code = result.outputFiles[0].text;
  if (parts) code = await appendParts(code, options, result, tscDir);
  if (features) {
    const stayed = leftOutModules(result.metafile, tscDir, root, features);
    if (stayed.length) throw new Error(`${entry}: modules of left-out features are still in the bundle: ${stayed.join(', ')}`);
    if (stations) stations.push(...stationsOf(result.metafile, tscDir, root, features));
  }
  checkES5(code, relative(root, outfile || options.entryPoints[0]));
  if (outfile) {
    mkdirSync(dirname(outfile), { recursive: true });
    writeFileSync(outfile, code);
    if (dictionary) writeDictionaryBeside(outfile, dictionary);
  }
  return code;
}

/**
 * The bundle's code with the parts it uses behind it (build/parts.mjs), each bundled on its own
 * with the bundle's options and mangled names, and checked; the code as it is when it uses none.
 */
async function appendParts(code, options, result, tscDir) {
  const used = usedParts(root, tscDir, result.metafile);
  const built = [];
  // Each part is built with the names the bundle and the parts before it shortened, so a name
  // two parts share (what one gives the other: the transfer flow's members) is shortened alike.
  let names = result.mangleCache;
  for (const part of used) {
    const r = await esbuild.build(partOptions(options, tscDir, part, code, names));
    checkPart(root, tscDir, part, result.metafile, r.metafile, code, names, r.mangleCache);
    if (r.mangleCache) names = { ...names, ...r.mangleCache };
    built.push({ name: part.name, code: partExpression(r.outputFiles[0].text) });
  }
  return built.length ? withParts(code, built) : code;
}

/**
 * The plugins serving only the tables of the actions a bundle's code names (see
 * build/features.mjs), found in the bundle built once with those tables empty: the 1.6
 * tables in a build that leaves features out, the 2.0.1 tables in a 2.0.1 station's bundle
 * (it routes and sends fewer than the 64 actions: smart charging, reservations, monitoring,
 * display messages and ISO 15118 not at all; `served201` says when, see bundleFile) and in
 * a build with features. None when it names them all.
 */
async function servedTables(entry, tscDir, features, served201) {
  const versions = [...(features ? [['v16', v16]] : []), ...(served201 ? [['v201', v201]] : [])];
  if (!versions.length) return [];
  const probe = await esbuild.build({ ...bundleOptions(entry, false, tscDir, features, versions.map(([folder]) => noTablesPlugin(tscDir, folder))), metafile: true });
  const plugins = [];
  for (const [folder, gen] of versions) {
    if (folder === 'v201' && served201 === 'station' && !features && !isStation201(probe.metafile, tscDir, root)) continue;
    const all = gen.actionNames();
    const served = namedActions(probe.outputFiles[0].text, all);
    if (served.length < all.length) plugins.push(schemasPlugin(tscDir, gen.servedSchemasModule(served), folder));
  }
  return plugins;
}

/**
 * The plugin cutting the HAL members the bundle's code never names out of its HAL (see
 * build/hal-members.mjs), found in the bundle built once with the whole HAL; none when it
 * names them all (or has no HAL).
 */
async function halMembers(entry, tscDir, features, tables) {
  const members = membersOfHal(tscDir);
  if (!members) return [];
  const probe = await esbuild.build(bundleOptions(entry, false, tscDir, features, tables));
  const left = unnamedHalMembers(probe.outputFiles[0].text, relative(root, tscDir).split(sep).join('/'), members);
  return left.length ? [halMembersPlugin(tscDir, left)] : [];
}

/** Both bundles of `b` ({ entry, out }: the bundle and its minified twin) as a build makes them. */
export async function bundleEntry(b, { tscDir = tscOut, features, stations, parts = true } = {}) {
  await bundleFile(b.entry, { outfile: join(root, b.out), tscDir, features, served201: 'station', stations });
  await bundleFile(b.entry, { outfile: join(root, minifiedName(b.out)), minify: true, tscDir, features, served201: 'station', parts });
}

/** What each source module adds to the minified bundle of `entry`, largest first. */
export async function moduleSizes(entry, features) {
  const result = await esbuild.build({ ...bundleOptions(entry, true, tscOut, features, await servedTables(entry, tscOut, features, 'station')), metafile: true });
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  return Object.entries(inputs)
    .map(([file, { bytesInOutput }]) => ({ module: relative(tscOut, join(root, file)).replace(/\.js$/, ''), bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
}

// The OCPP core with every validator of one version, alone, per version: each within 48 KB
// minified (what every station on that version carries, whatever else it leaves out).
const CORES = [
  { version: '1.6', entry: 'src/ocpp/v16/index.ts' },
  { version: '2.0.1', entry: 'src/ocpp/v201/index.ts' },
];
const CORE_BUDGET = 48 * 1024;

function kb(n) {
  return (n / 1024).toFixed(1) + ' KB';
}

/**
 * Raw and gzip sizes of a bundle and its minified twin, keyed by file name
 * (default the firmware's: { 'firmware.js': …, 'firmware.min.js': … }).
 */
export function sizes(out = FIRMWARE.out) {
  const sized = {};
  for (const f of [out, minifiedName(out)]) {
    const buf = readFileSync(join(root, f));
    sized[f.split('/').pop()] = { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  }
  return sized;
}

/**
 * The whole build of one bundle: `entry` (a .ts file in the project) → `out` and its
 * minified twin, both proved ES5. Returns their sizes (see sizes()).
 * @param {{ quiet?: boolean, entry?: string, out?: string, tscDir?: string, features?: string[] }} [options]
 *   `tscDir`: where tsc's ES5 modules go (default .build/tsc, which the test runner bundles
 *   from; a test that builds while other tests run uses a folder of its own); `features`:
 *   the features the 1.6 station is built with (core first; default every one)
 */
export async function build({ quiet = false, entry = FIRMWARE.entry, out = FIRMWARE.out, tscDir = tscOut, features, parts = true } = {}) {
  entry = insideRepo(entry, '--entry');
  out = insideRepo(out, '--out');
  if (!/\.ts$/.test(entry)) throw new Error(`--entry ${entry}: a TypeScript file (.ts) is needed`);
  if (!/\.js$/.test(out) || /\.min\.js$/.test(out)) throw new Error(`--out ${out}: a .js file name is needed (its minified twin gets .min.js)`);
  if (!existsSync(join(root, entry))) throw new Error(`--entry ${entry}: no such file`);
  await generate();
  compile(entry, tscDir);
  const bundles = entry === FIRMWARE.entry && out === FIRMWARE.out ? DEFAULT_BUNDLES : [{ entry, out }];
  const stations = [];
  for (const b of bundles) await bundleEntry(b, { tscDir, features, stations, parts });
  const s = sizes(out);
  const cores = [];
  for (const { version, entry: core } of CORES) {
    const bytes = Buffer.byteLength(await bundleFile(core, { minify: true, tscDir }));
    if (bytes > CORE_BUDGET) throw new Error(`the OCPP core with the ${version} validators (${core}, minified) is ${kb(bytes)}, over its 48 KB budget`);
    cores.push({ version, bytes });
  }
  if (!quiet) {
    console.log('ES5 check passed (acorn ecmaVersion 5, no eval / new Function)');
    if (features) {
      for (const version of ['1.6', '2.0.1']) {
        const station = stations.find((st) => st.version === version);
        if (!station) continue;
        const what = version === '1.6' ? 'left out' : 'left out of the 2.0.1 station';
        console.log(`features: ${features.join(', ')}; ${what}, and none of their modules in the bundle: ${station.leftOut.join(', ') || 'none'}`);
      }
    }
    const names = bundles.map((b) => [b.out, minifiedName(b.out)]).reduce((a, b) => a.concat(b), []);
    const width = Math.max(21, ...names.map((n) => n.length + 1));
    bundles.forEach((b, i) => Object.values(i ? sizes(b.out) : s).forEach((v, j) => console.log(`${names[2 * i + j].padEnd(width)} ${kb(v.raw).padStart(9)} raw ${kb(v.gzip).padStart(9)} gzip`)));
    for (const c of cores) console.log(`OCPP core + ${(c.version + ' validators').padEnd(16)} ${kb(c.bytes).padStart(9)} minified (budget 48 KB)`);
    for (const b of bundles) {
      const layout = readParts(readFileSync(join(root, minifiedName(b.out))));
      if (layout) console.log(`${minifiedName(b.out)}: its own code ${kb(layout.mainLength)}, parts behind it: ${Object.entries(layout.parts).map(([name, [, length]]) => `${name} ${kb(length)}`).join(', ')}`);
    }
  }
  return s;
}

/** A build config file's fields (--config): the flags of the same names; a flag given wins. */
const CONFIG_FIELDS = ['entry', 'out', 'features', 'parts'];

function readBuildConfig(file) {
  let config;
  try {
    config = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (err) {
    throw new Error(`--config ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error(`--config ${file}: must be a JSON object`);
  const values = {};
  for (const [name, value] of Object.entries(config)) {
    if (!CONFIG_FIELDS.includes(name)) throw new Error(`--config ${file}: unknown field "${name}" (fields: ${CONFIG_FIELDS.join(', ')})`);
    const text = name === 'features' && Array.isArray(value) ? value.join(',') : value;
    if (typeof text !== 'string') throw new Error(`--config ${file}: "${name}" must be a string${name === 'features' ? ' or an array of names' : ''}`);
    values[name] = text;
  }
  return values;
}

/** The build's command-line options (`npm run build -- --entry … --out …`); unknown ones are refused. */
export function parseBuildArgs(argv) {
  const { values: flags } = parseArgs({
    args: argv,
    options: { entry: { type: 'string' }, out: { type: 'string' }, features: { type: 'string' }, parts: { type: 'string' }, config: { type: 'string' }, quiet: { type: 'boolean' }, 'no-build': { type: 'boolean' } },
    strict: true,
  });
  const values = { ...(flags.config !== undefined && readBuildConfig(flags.config)), ...flags };
  if (values.entry !== undefined && values.out === undefined) throw new Error('--entry needs --out (e.g. --out dist/my-station.js)');
  if (values.parts !== undefined && values.parts !== 'none' && values.parts !== 'all') throw new Error(`--parts ${values.parts}: "all" (the minified twins carry their parts, the default) or "none" (every part resident)`);
  return {
    quiet: !!values.quiet,
    ...(values.entry !== undefined && { entry: values.entry }),
    ...(values.out !== undefined && { out: values.out }),
    ...(values.features !== undefined && { features: parseFeatures(values.features, buildFeatures(root)) }),
    ...(values.parts === 'none' && { parts: false }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  Promise.resolve()
    .then(() => build(parseBuildArgs(process.argv.slice(2))))
    .catch((err) => {
      console.error('build failed: ' + err.message);
      process.exit(1);
    });
}
