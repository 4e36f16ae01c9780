// The atoms a bundle brings into QuickJS's heap, classified: QuickJS makes every property
// name, every identifier and every string literal of the code an atom, and keeps it as long
// as the bytecode that names it, so every one of them stays for the whole run.
//
//   node bench/atoms.mjs [bundle.min.js ...] [--features a,b] [--list CLASS] [--json]
//
// The atoms are the bytecode's own table (what JS_ReadObject creates, read from the file the
// native host's --compile writes; the atoms QuickJS predefines are not in it), each
// classified by how the minified bundle uses it (acorn): a property name (an OCPP field,
// action or enum value; a host-ABI member; a settings key; a built-in's; the program's own),
// a string literal (a log text, an error text, the generated schema tables' text, another
// literal) or only a variable's name. A string literal's use is read in the readable bundle
// of the same entry (its module and the call it is an argument of). Bytes are what QuickJS's
// JS_ComputeMemoryUsage counts for an atom on 32-bit ARM (the "atoms" of the benchmark's
// heap parts): a 16-byte string header, the text and its NUL, a 4-byte slot in the atom
// array and about 2 bytes of hash table (4 bytes a bucket, 2 to 4 atoms a bucket).
// Without a bundle: the flashed firmware of both versions.
//
// A minified bundle built with log codes (build/log-dictionary.mjs) holds no text of the log
// calls the build coded: what the "log texts" class counts is the texts it left (passed-on
// callbacks as `options.warn`, texts built before they are logged).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as acorn from 'acorn';
import { root, FIRMWARE, FIRMWARE_201, SIMULATOR, SIMULATOR_201, bundleFile, minifiedName } from '../build/build.mjs';
import { builtinNames, declaredMembers, ocppNames } from '../build/mangle.mjs';
import { binary as NATIVE_HOST, ARMHF } from '../firmware-shim/build.mjs';

/** Bytes QuickJS counts for one atom of `text` on a 32-bit target (see above). */
export function atomBytes(text) {
  const wide = /[^\u0000-\u00ff]/.test(text);
  return 16 + (wide ? 2 * text.length : text.length + 1) + 4 + 2;
}

/** The atom table at the start of a QuickJS bytecode file (JS_WriteObjectAtoms). */
export function bytecodeAtoms(bytes) {
  let at = 1; // the format version
  const leb = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
  };
  const count = leb();
  const atoms = [];
  for (let i = 0; i < count; i++) {
    const n = leb();
    const len = n >>> 1;
    if (n & 1) {
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCharCode(bytes[at + 2 * j] | (bytes[at + 2 * j + 1] << 8));
      atoms.push(s);
      at += 2 * len;
    } else {
      atoms.push(bytes.toString('latin1', at, at + len));
      at += len;
    }
  }
  return atoms;
}

/** `bundle` compiled by the native host (x86-64, else the armhf one under qemu: the same bytes). */
export function compile(bundle) {
  const dir = mkdtempSync(join(tmpdir(), 'ocpp-atoms-'));
  const out = join(dir, 'bundle.qjbc');
  try {
    const [command, args] = existsSync(NATIVE_HOST)
      ? [NATIVE_HOST, [bundle, '--compile', out]]
      : existsSync(ARMHF.binary)
        ? [ARMHF.runner[0], [...ARMHF.runner.slice(1), ARMHF.binary, bundle, '--compile', out]]
        : [null];
    if (!command) throw new Error('no native host to compile with: npm run shim (or npm run shim -- --target armhf) first');
    const r = spawnSync(command, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`--compile failed: ${r.stdout}${r.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


/** Walks an acorn tree, calling visit(node, ancestors). */
function walk(node, visit, ancestors = []) {
  if (!node || typeof node.type !== 'string') return;
  visit(node, ancestors);
  ancestors.push(node);
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (Array.isArray(v)) for (const c of v) walk(c, visit, ancestors);
    else if (v && typeof v.type === 'string') walk(v, visit, ancestors);
  }
  ancestors.pop();
}

// The Logger's methods, and the warn callbacks a module is given (options.warn: log.warning).
const LOG_METHODS = new Set(['debug', 'info', 'warning', 'error', 'warn']);
const GENERATED = /\/generated\//;

/** How the code uses each name: { props, idents, literals: Map(text -> Set of contexts) }. */
function uses(code, { modules = false } = {}) {
  const props = new Set();
  const idents = new Set();
  const literals = new Map();
  const comments = [];
  const tree = acorn.parse(code, { ecmaVersion: 5, onComment: modules ? (block, text, start) => !block && /^ (\.build\/tsc\/)?(src|hal|bench|examples)\//.test(text) && comments.push([start, text.trim()]) : undefined });
  const moduleAt = (pos) => {
    let lo = 0;
    let hi = comments.length - 1;
    let found = '';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (comments[mid][0] <= pos) (found = comments[mid][1]), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found;
  };
  walk(tree, (n, up) => {
    if (n.type === 'MemberExpression' && !n.computed) props.add(n.property.name);
    else if (n.type === 'Property' && !n.computed && n.key.type === 'Identifier') props.add(n.key.name);
    else if (n.type === 'Identifier') {
      const parent = up[up.length - 1];
      if (!(parent && ((parent.type === 'MemberExpression' && parent.property === n && !parent.computed) || (parent.type === 'Property' && parent.key === n && !parent.computed)))) idents.add(n.name);
    } else if (n.type === 'Literal' && typeof n.value === 'string') {
      let context = 'literal';
      const parent = up[up.length - 1];
      if (parent && parent.type === 'Property' && parent.key === n) context = 'key';
      else if (parent && parent.type === 'MemberExpression' && parent.property === n) context = 'key';
      else if (modules && GENERATED.test(moduleAt(n.start))) context = 'schema';
      else {
        for (let i = up.length - 1; i >= 0; i--) {
          const a = up[i];
          if (a.type === 'CallExpression' && a.callee.type === 'MemberExpression' && !a.callee.computed && LOG_METHODS.has(a.callee.property.name) && a.arguments.some((x) => x === up[i + 1] || x === n)) {
            context = 'log';
            break;
          }
          if (a.type === 'ThrowStatement' || (a.type === 'NewExpression' && a.callee.type === 'Identifier' && /Error$|Malformed|Violation/.test(a.callee.name))) {
            context = 'error';
            break;
          }
          if (/Function/.test(a.type)) break;
        }
      }
      if (!literals.has(n.value)) literals.set(n.value, new Set());
      literals.get(n.value).add(context);
    }
  });
  return { props, idents, literals };
}

export const CLASSES = [
  ['ocpp', 'OCPP names (fields, actions, enum values)'],
  ['abi', 'host-ABI members'],
  ['settings', 'settings keys'],
  ['builtin', 'built-ins\' property names'],
  ['internal', 'the program\'s own property names'],
  ['short', 'names of 1 or 2 characters (minified, shortened)'],
  ['log', 'log texts (literals in log calls)'],
  ['error', 'error texts (thrown, CALLERROR descriptions)'],
  ['schema', 'generated schema tables\' text'],
  ['literal', 'other string literals'],
  ['ident', 'variable and function names (longer)'],
];

/**
 * The census of `minified` (a bundle as flashed) with `readable` (the same entry unminified,
 * for the literals' uses): { atoms: [{ text, bytes, cls }], classes: [{ cls, label, count, bytes }] }.
 */
export function census(minified, readable) {
  const atoms = bytecodeAtoms(compile(minified));
  const min = uses(readFileSync(minified, 'utf8'));
  const read = uses(readFileSync(readable, 'utf8'), { modules: true });
  const ocpp = ocppNames(root);
  const abi = declaredMembers(root, 'hal/host-abi.ts');
  const settings = declaredMembers(root, 'hal/settings.ts');
  const builtins = builtinNames();
  const classify = (text) => {
    const asProp = min.props.has(text) || (min.literals.get(text) && min.literals.get(text).has('key'));
    const lit = read.literals.get(text) || min.literals.get(text);
    if (ocpp.has(text) && (asProp || lit)) return 'ocpp';
    if (asProp) return abi.has(text) ? 'abi' : settings.has(text) ? 'settings' : builtins.has(text) ? 'builtin' : text.length <= 2 ? 'short' : 'internal';
    if (lit) {
      for (const c of ['log', 'error', 'schema']) if (lit.has(c)) return c;
      if (abi.has(text)) return 'abi';
      if (settings.has(text)) return 'settings';
      return 'literal';
    }
    return text.length <= 2 ? 'short' : 'ident';
  };
  const list = atoms.map((text) => ({ text, bytes: atomBytes(text), cls: classify(text) }));
  const classes = CLASSES.map(([cls, label]) => {
    const of = list.filter((a) => a.cls === cls);
    return { cls, label, count: of.length, bytes: of.reduce((s, a) => s + a.bytes, 0) };
  }).sort((a, b) => b.bytes - a.bytes);
  return { atoms: list, classes };
}

const KB = 1024;
const kb = (n) => (n / KB).toFixed(1) + ' KB';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { features: { type: 'string' }, list: { type: 'string' }, json: { type: 'boolean' } } });
  const features = values.features ? values.features.split(',') : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ocpp-atoms-bundles-'));
  try {
    // [minified, readable]: a named bundle's readable twin is the same name without .min
    // (dist/), else the default bundles' entries (with --features, built here).
    const pairs = [];
    const byEntry = async ({ entry, out }) => {
      if (!features) return [join(root, minifiedName(out)), join(root, out)];
      const name = out.split('/').pop().replace(/\.js$/, '');
      const m = join(dir, name + '.min.js');
      const r = join(dir, name + '.js');
      await bundleFile(entry, { minify: true, outfile: m, features });
      writeFileSync(r, await bundleFile(entry, { minify: false, features }));
      return [m, r, `${name}.min.js (--features ${features.join(',')})`];
    };
    if (positionals.length) {
      for (const p of positionals) pairs.push([p, p.replace(/\.min\.js$/, '.js')]);
    } else {
      for (const b of features ? [FIRMWARE, SIMULATOR] : [FIRMWARE, FIRMWARE_201]) pairs.push(await byEntry(b));
    }
    const results = [];
    for (const [minified, readable, label = minified.replace(root + '/', '')] of pairs) {
      const c = census(minified, readable);
      results.push({ bundle: minified, ...c });
      if (values.json) continue;
      const total = c.atoms.reduce((s, a) => s + a.bytes, 0);
      console.log(`${label}: ${c.atoms.length} atoms of its own, ${kb(total)} on 32-bit ARM (QuickJS's predefined ones and the context's not counted)`);
      for (const k of c.classes) if (k.count) console.log(`  ${k.label.padEnd(48)} ${String(k.count).padStart(5)} atoms ${kb(k.bytes).padStart(9)}`);
      console.log(`  the five largest: ${c.classes.slice(0, 5).map((k) => `${k.cls} ${kb(k.bytes)}`).join(', ')}`);
      if (values.list) {
        const of = c.atoms.filter((a) => a.cls === values.list).sort((a, b) => b.bytes - a.bytes);
        for (const a of of) console.log(`    ${String(a.bytes).padStart(4)} ${JSON.stringify(a.text)}`);
      }
    }
    if (values.json) console.log(JSON.stringify(results.map((r) => ({ bundle: r.bundle, classes: r.classes, atoms: r.atoms })), null, 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
