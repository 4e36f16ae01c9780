// A build that leaves features out (`npm run build -- --features core,remote-trigger,…`): each
// station installs the features of its built-in-features module (the 1.6 station's
// src/app/built-in-features.ts, the 2.0.1 station's src/v201/built-in-features.ts); this
// replaces that module in the bundle by one that imports only the named ones, so the others'
// modules are never imported and are not in the bundle at all (checked against esbuild's
// metafile). Each import of a built-in-features module names its feature by its folder
// (./smart-charging/index → smart-charging); the core is the station itself and always in.
// The names of both versions are one list: a name is the feature of the version that has it
// (local-auth-list, firmware and security are in both), and each station keeps its named ones.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import * as acorn from 'acorn';

/** The 1.6 station's features module, and the folder its features are in. */
export const FEATURES_MODULE = 'src/app/built-in-features.ts';
/** Each version's features module: [version, module]. */
export const FEATURES_MODULES = [
  ['1.6', FEATURES_MODULE],
  ['2.0.1', 'src/v201/built-in-features.ts'],
];
export const CORE = 'core';

/** `import { x } from './folder/…';` lines of the module (TypeScript source or tsc's ES5 output). */
const IMPORT = /^import \{ (\w+) \} from '\.\/([a-z0-9-]+)\/[^']*';$/;
const LIST = /^export (?:const|var) BUILT_IN_FEATURES(?:: \w+\[\])? = \[([^\]]*)\];$/m;

/** The features of one features module (default the 1.6 station's), core first (from the TypeScript source). */
export function availableFeatures(root, module = FEATURES_MODULE) {
  const text = readFileSync(join(root, module), 'utf8');
  const names = [CORE];
  for (const line of text.split('\n')) {
    const m = IMPORT.exec(line);
    if (m) names.push(m[2]);
  }
  return names;
}

/** The features a build can name: both versions' (1.6's first), core first, each once. */
export function buildFeatures(root) {
  const names = [];
  for (const [, module] of FEATURES_MODULES) for (const n of availableFeatures(root, module)) if (!names.includes(n)) names.push(n);
  return names;
}

/** `--features a,b`: the names checked (known, core among them), in the order given, without repeats. */
export function parseFeatures(text, available) {
  const names = String(text).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !available.includes(n));
  if (unknown.length) throw new Error(`--features: unknown feature ${unknown.join(', ')} (features: ${available.join(', ')})`);
  if (!names.includes(CORE)) throw new Error(`--features must name ${CORE} (the Core profile is the station itself; e.g. --features core,remote-trigger)`);
  return names.filter((n, i) => names.indexOf(n) === i);
}

/** built-in-features.js (tsc's output) with only the imports and list entries of `features`. */
export function selectFeatures(code, features) {
  const kept = [];
  const lines = code.split('\n').filter((line) => {
    const m = IMPORT.exec(line.trim());
    if (!m) return true;
    if (features.includes(m[2])) kept.push(m[1]);
    return features.includes(m[2]);
  });
  const out = lines.join('\n');
  if (!LIST.test(out)) throw new Error(`${FEATURES_MODULE}: no "export const BUILT_IN_FEATURES = [...]" to cut down`);
  return out.replace(LIST, (all, items) => {
    const entries = items.split(',').map((s) => s.trim()).filter((s) => kept.includes(s));
    return `export var BUILT_IN_FEATURES = [${entries.join(', ')}];`;
  });
}

/** The esbuild plugin that serves the cut-down features modules instead of tsc's. */
export function featuresPlugin(tscDir, features) {
  const paths = FEATURES_MODULES.map(([, module]) => join(tscDir, module.replace(/\.ts$/, '.js')));
  return {
    name: 'features',
    setup(build) {
      build.onLoad({ filter: /built-in-features\.js$/ }, (args) => {
        if (!paths.includes(args.path)) return undefined;
        return { contents: selectFeatures(readFileSync(args.path, 'utf8'), features), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * The versions whose station a bundle (its metafile) holds, each with the features it left
 * out: [{ version, leftOut }] (the features of its module not in `features`).
 */
export function stationsOf(metafile, tscDir, root, features) {
  const inputs = new Set();
  for (const output of Object.values(metafile.outputs)) for (const file of Object.keys(output.inputs)) inputs.add(relative(tscDir, join(root, file)).split(sep).join('/'));
  return FEATURES_MODULES.filter(([, module]) => inputs.has(module.replace(/\.ts$/, '.js'))).map(([version, module]) => ({
    version,
    leftOut: availableFeatures(root, module).filter((n) => !features.includes(n)),
  }));
}

/** Is a bundle (its metafile) a 2.0.1 station: does it hold src/v201/station.ts? */
export function isStation201(metafile, tscDir, root) {
  const station = relative(root, join(tscDir, 'src', 'v201', 'station.js')).split(sep).join('/');
  return Object.values(metafile.outputs).some((output) => Object.keys(output.inputs).includes(station));
}

/** The modules of left-out features (src/app/<feature>/…, src/v201/<feature>/…) that still add bytes to a bundle (metafile). */
export function leftOutModules(metafile, tscDir, root, features) {
  const out = [];
  const folders = FEATURES_MODULES.map(([, module]) => [dirname(module), availableFeatures(root, module).filter((n) => !features.includes(n))]);
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const module = relative(tscDir, join(root, file)).split(sep).join('/');
      const leftOut = folders.some(([dir, names]) => {
        const folder = new RegExp('^' + dir + '/([a-z0-9-]+)/').exec(module);
        return folder && names.includes(folder[1]);
      });
      if (leftOut && bytesInOutput > 0) out.push(module);
    }
  }
  return out;
}

// A build that leaves features out validates only the OCPP 1.6 actions it serves: the
// generated tables of the others (their schemas' text, enum lists and shared nodes) are not
// in its bundle. What it serves is what its code names: an action's name as a string or a
// property name (a route's key, call('StatusNotification', …), a trigger), found in the
// bundle built once with empty tables. The other actions stay actions of the version: a CALL
// of one is answered NotSupported (no feature routes it), an unknown name NotImplemented.
// A 2.0.1 station's bundle (the firmware's, the simulator's, an entry of one's own on it) is
// built the same way with the 2.0.1 tables, and so is any build with --features (build/build.mjs).
const NO_TABLES = "export var tables = \"\\n\\n0\";\nexport var enums = [];\nexport var compactSchemas = { shared: [], actions: {} };\nexport var schemas = {};\n";

/**
 * The esbuild plugin that serves a version's generated tables (`version`: its folder under
 * src/ocpp/, v16 or v201) as `contents` (a module's text).
 */
export function schemasPlugin(tscDir, contents, version = 'v16') {
  const path = join(tscDir, 'src', 'ocpp', version, 'generated', 'schemas.js');
  return {
    name: 'served-schemas-' + version,
    setup(build) {
      build.onLoad({ filter: new RegExp('[\\\\/]' + version + '[\\\\/]generated[\\\\/]schemas\\.js$') }, (args) => (args.path === path ? { contents, loader: 'js', resolveDir: dirname(path) } : undefined));
    },
  };
}

/** The esbuild plugin for the build that finds what a bundle serves: the version's tables empty. */
export function noTablesPlugin(tscDir, version = 'v16') {
  return schemasPlugin(tscDir, NO_TABLES, version);
}

/** The actions of `actions` that an ES5 bundle's code names, as a string or a property name. */
export function namedActions(code, actions) {
  const named = new Set();
  const name = (v) => {
    if (typeof v === 'string' && actions.includes(v)) named.add(v);
  };
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'Literal') name(node.value);
    else if ((node.type === 'Property' || node.type === 'MemberExpression') && !node.computed) {
      const key = node.type === 'Property' ? node.key : node.property;
      name(key.type === 'Identifier' ? key.name : key.value);
    }
    for (const k of Object.keys(node)) if (k !== 'type' && node[k] && typeof node[k] === 'object') walk(node[k]);
  };
  walk(acorn.parse(code, { ecmaVersion: 5 }));
  return actions.filter((a) => named.has(a));
}
