// Where a bundle's functions are, per source module: once evaluated each function is a function
// object (about 80 bytes on armhf) and a table (about 70) beside its bytecode, and a function
// made inside another one (a closure) costs that again each time the outer one runs. A count
// over the bundle's modules (acorn over esbuild's output, not minified so that esbuild's
// `// path` comments tell the modules apart), not a heap measurement.
//   node bench/functions.mjs                       the three builds the armhf rows measure
//   node bench/functions.mjs --entry src/main-sim.ts --features core,remote-trigger
//   node bench/functions.mjs --list src/lib/csms-session.ts   that module's functions, by line
// "run once": called where it is defined (a class's ES5 wrapper): gone once the top level
// has run; "once": made when the module (or such a wrapper) is evaluated: a method, a module's
// function; "nested": made each time the function around it runs (a closure, an arrow, tsc's
// loop functions) — once per station for a factory called once (createHal), per call or per
// message elsewhere.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import * as acorn from 'acorn';
import { bundleFile } from '../build/build.mjs';
import { CORE } from '../build/features.mjs';

/** The builds of the armhf rows: the OCPP core's 10-handler station, the Core-only build, the full station. */
export const CENSUS_BUILDS = [
  { name: 'core 10-handler station (bench/core-station.ts, --features core)', entry: 'bench/core-station.ts', features: [CORE] },
  { name: 'Core-only build (src/main-sim.ts, --features core,remote-trigger)', entry: 'src/main-sim.ts', features: [CORE, 'remote-trigger'] },
  { name: 'full 1.6 station (src/main-sim.ts)', entry: 'src/main-sim.ts' },
];

const MODULE_COMMENT = /^ {2}\/\/ (?:\.build\/tsc\/)?(.+?)(?:\.js)?$/gm;

/** The modules of an esbuild bundle as [start offset, source path], in order. */
function moduleStarts(code) {
  const starts = [];
  for (const m of code.matchAll(MODULE_COMMENT)) {
    const path = m[1];
    starts.push([m.index, /^(src|hal|bench|examples|test|sim)\//.test(path) ? path + '.ts' : path]);
  }
  return starts;
}

/** The name a function is known by in the code: its own, its variable's, its property's, else '(anonymous)'. */
function nameOf(node, parent) {
  if (node.id) return node.id.name;
  if (!parent) return '(anonymous)';
  const text = (n) => (n.type === 'Identifier' ? n.name : n.type === 'Literal' ? String(n.value) : n.type === 'MemberExpression' ? text(n.object) + '.' + text(n.property) : n.type === 'ThisExpression' ? 'this' : '…');
  if (parent.type === 'VariableDeclarator') return text(parent.id);
  if (parent.type === 'AssignmentExpression') return text(parent.left);
  if (parent.type === 'Property') return text(parent.key);
  if (parent.type === 'CallExpression' && parent.callee !== node) return '(argument of ' + text(parent.callee) + ')';
  return '(anonymous)';
}

/**
 * Every function of an ES5 bundle: { module, line, name, once }. `once`: every function
 * around it runs once (the bundle's wrapper, an immediately called function such as tsc's
 * class wrappers), so it is made once.
 */
export function functionsOf(code) {
  const starts = moduleStarts(code);
  const moduleAt = (offset) => {
    let found = '(bundle)';
    for (const [start, path] of starts) if (start <= offset) found = path;
    return found;
  };
  const found = [];
  const walk = (node, parent, once) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, parent, once));
    if (!node || typeof node.type !== 'string') return;
    let inner = once;
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') {
      const called = parent && parent.type === 'CallExpression' && parent.callee === node;
      if (parent) found.push({ module: moduleAt(node.start), line: node.loc.start.line, name: nameOf(node, parent), once, called });
      // Made once, and run once when called at once: what it makes is made once too.
      inner = once && (called || !parent);
    }
    for (const k of Object.keys(node)) {
      if (k === 'type' || k === 'loc') continue;
      const v = node[k];
      if (v && typeof v === 'object') walk(v, node, inner);
    }
  };
  const ast = acorn.parse(code, { ecmaVersion: 5, locations: true });
  // The bundle's own wrapper: `(function() { … })();`
  const wrapper = ast.body.find((s) => s.type === 'ExpressionStatement' && s.expression.type === 'CallExpression');
  walk(wrapper ? wrapper.expression.callee.body : ast, null, true);
  return found;
}

/** Per module: { module, functions, runOnce, once, nested }, most functions first. */
export function census(functions) {
  const byModule = new Map();
  for (const f of functions) {
    const m = byModule.get(f.module) || { module: f.module, functions: 0, runOnce: 0, once: 0, nested: 0 };
    m.functions++;
    m[kindOf(f)]++;
    byModule.set(f.module, m);
  }
  return [...byModule.values()].sort((a, b) => b.functions - a.functions || a.module.localeCompare(b.module));
}

/** 'runOnce', 'once' or 'nested' (see the head of this file). */
export function kindOf(f) {
  return !f.once ? 'nested' : f.called ? 'runOnce' : 'once';
}

const KIND_TEXT = { runOnce: 'run once', once: 'once', nested: 'nested' };

/** The census of one build (not minified: the module comments). */
export async function censusOf({ entry, features }) {
  const code = await bundleFile(entry, { features });
  const functions = functionsOf(code);
  const count = (kind) => functions.filter((f) => kindOf(f) === kind).length;
  return { total: functions.length, runOnce: count('runOnce'), once: count('once'), nested: count('nested'), modules: census(functions), functions };
}

const pad = (n) => String(n).padStart(4);

function print(name, result, top) {
  console.log(`${name}: ${result.total} functions (${result.runOnce} run once, ${result.once} once, ${result.nested} nested)`);
  console.log('  total  run once  once  nested  module');
  for (const m of result.modules.slice(0, top)) console.log(`  ${pad(m.functions)}  ${pad(m.runOnce)}      ${pad(m.once)}  ${pad(m.nested)}    ${m.module}`);
}

async function main() {
  const { values } = parseArgs({
    options: { entry: { type: 'string' }, features: { type: 'string' }, top: { type: 'string', default: '12' }, list: { type: 'string' } },
  });
  const top = Number(values.top);
  const builds = values.entry ? [{ name: values.entry, entry: values.entry, features: values.features && values.features.split(',') }] : CENSUS_BUILDS;
  for (const b of builds) {
    const result = await censusOf(b);
    if (values.list) {
      console.log(`${b.name}: ${values.list}`);
      for (const f of result.functions.filter((f) => f.module === values.list)) console.log(`  ${String(f.line).padStart(5)}  ${KIND_TEXT[kindOf(f)].padEnd(8)}  ${f.name}`);
    } else print(b.name, result, top);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
