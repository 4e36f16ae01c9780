// A bundle's HAL has the members its code names, no others: createHal builds the Hal as one
// object literal (hal/index.ts), and every member of it that no other module of the bundle
// names (`hal.storage`, `{ storage }`, 'storage' as a string: any word `storage`) is cut out
// of that literal, so what only it used (hal/storage.ts, hal/firmware-hooks.ts, the crypto and
// control members' code, setInterval's, startTask's...) is left out of the bundle by esbuild
// as unused. A station that never stores, updates firmware or runs a task (the OCPP core's
// 10-handler station, bench/core-station.ts) does not carry their functions; a station that
// names every member is built as before. What a bundle's code names is read in the bundle
// built once with the whole HAL, not minified, its modules apart but the HAL's own (which name
// the members to build them) and the generated OCPP tables (whose field names are OCPP's).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as acorn from 'acorn';

/** The HAL's modules: createHal's (whose object literal is cut) and those that only build its members. */
const HAL_INDEX = 'hal/index.js';
const HAL_OWN = [HAL_INDEX, 'hal/storage.js', 'hal/firmware-hooks.js'];

/** The generated OCPP tables and types: data whose field names (a 1.6 `firmware` object) are no HAL member. */
const GENERATED = /[\\/]generated[\\/]/;

/** esbuild's comment before each module of a bundle that is not minified: `  // path`. */
const MODULE_COMMENT = /^ {2}\/\/ (\S+)$/gm;

/** createHal's `var hal = { … }` in hal/index.js as tsc emits it: the literal and its properties. */
export function halLiteral(code) {
  const ast = acorn.parse(code, { ecmaVersion: 5, sourceType: 'module' });
  let found = null;
  const visit = (node) => {
    if (found || !node || typeof node.type !== 'string') return;
    if (node.type === 'VariableDeclarator' && node.id.name === 'hal' && node.init && node.init.type === 'ObjectExpression') {
      found = node.init;
      return;
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v.type === 'string') visit(v);
    }
  };
  const createHal = ast.body.map((s) => (s.type === 'ExportNamedDeclaration' ? s.declaration : s)).find((s) => s && s.type === 'FunctionDeclaration' && s.id.name === 'createHal');
  if (createHal) visit(createHal.body);
  if (!found) throw new Error(`${HAL_INDEX}: no "var hal = { … }" object literal in createHal`);
  return { node: found, members: found.properties.map((p) => p.key.name || p.key.value) };
}

/**
 * The HAL members no module of a bundle names: `code` the bundle built with the whole HAL, not
 * minified (esbuild names each module in a comment before its code), its modules read from a
 * tsc folder `tscRel` (relative to the repo); `members` the Hal's (halLiteral). None when the
 * bundle has no HAL.
 */
export function unnamedHalMembers(code, tscRel, members) {
  const own = new Set(HAL_OWN.map((m) => tscRel + '/' + m));
  const starts = [...code.matchAll(MODULE_COMMENT)].map((m) => [m.index, m[1]]);
  if (!starts.some(([, path]) => path === tscRel + '/' + HAL_INDEX)) return [];
  let others = '';
  starts.forEach(([at, path], i) => {
    if (!own.has(path) && !GENERATED.test(path)) others += code.substring(at + path.length + 6, i + 1 < starts.length ? starts[i + 1][0] : code.length);
  });
  return members.filter((member) => !new RegExp('\\b' + member + '\\b').test(others));
}

/** hal/index.js's text with the members `left` cut out of createHal's object literal. */
export function withoutMembers(code, left) {
  if (!left.length) return code;
  const { node } = halLiteral(code);
  const kept = node.properties.filter((p) => !left.includes(p.key.name || p.key.value)).map((p) => code.substring(p.start, p.end));
  return code.substring(0, node.start) + '{\n' + kept.map((p) => '        ' + p).join(',\n') + '\n    }' + code.substring(node.end);
}

/** The members of the Hal as the tsc folder `tscDir` has hal/index.js (null when it has none). */
export function halMembers(tscDir) {
  try {
    return halLiteral(readFileSync(join(tscDir, HAL_INDEX), 'utf8')).members;
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
}

/** The esbuild plugin that serves hal/index.js with the members `left` (from unnamedHalMembers) cut out. */
export function halMembersPlugin(tscDir, left) {
  const path = join(tscDir, HAL_INDEX);
  return {
    name: 'unnamed-hal-members',
    setup(b) {
      b.onLoad({ filter: /[\\/]hal[\\/]index\.js$/ }, (args) => {
        if (args.path !== path) return undefined;
        return { contents: withoutMembers(readFileSync(path, 'utf8'), left), loader: 'js', resolveDir: dirname(path) };
      });
    },
  };
}
