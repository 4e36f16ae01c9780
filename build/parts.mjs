// Parts (src/lib/parts.ts): the code of episodic operations kept out of a bundle's resident
// code. A part is declared in a module of its own, `src/**/NAME-part.ts`:
//     export const firmwarePart = definePart('firmware', (context: FirmwareUpdateContext) => new FirmwareUpdateFlow(context));
// A bundle built with parts (the minified twins, unless `--parts none`) gets that module as
// `definePart('firmware')` alone, and each part it uses is bundled on its own into an ES5
// expression whose value is `{ create }`, appended to the bundle file behind the bundle's code.
// The file's last line names them (sim/bundle-parts.mjs reads it):
//     //@ocpp-parts <build id> <bytes of the bundle's own code> <name>:<offset>:<length> ...
// (a line comment: a host that knows nothing of parts evaluates the file as one script, and the
// parts' expressions only define functions nobody keeps). The hosts evaluate the bundle's own
// code at boot, and a part when the bundle asks (HostABI.partLoad); `ocpp-host --compile`
// compiles each section and writes the same layout in bytecode.
//
// What crosses between the bundle and a part keeps its name: the part is minified with the
// bundle's mangled names (esbuild's mangleCache from the bundle's build), and a name only the
// part shortens never becomes one the bundle uses as a property (reserved in that cache, and
// checked). A part sees the station only through its context, and takes the resident code it
// runs on from it too (the transfer flows get src/lib/transfer.ts's transferKit): no module of
// the program's own is in both the bundle and a part (checked), so a running part costs its
// own code only, not a second copy of resident code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import * as acorn from 'acorn';
import { PARTS_TRAILER } from '../sim/bundle-parts.mjs';

export { readParts, mainSection } from '../sim/bundle-parts.mjs';

const PART_MODULE = /-part\.js$/;
const DEFINE = /export const (\w+) = definePart\('([a-z0-9-]+)'/;

/** The part modules of the sources: [{ module (src/…-part.ts), exportName, name }]. */
export function partModules(root) {
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/-part\.ts$/.test(e.name)) {
        const m = DEFINE.exec(readFileSync(p, 'utf8'));
        if (!m) throw new Error(`${relative(root, p)}: a part module declares its part as "export const x = definePart('name', …)"`);
        found.push({ module: relative(root, p).split(sep).join('/'), exportName: m[1], name: m[2] });
      }
    }
  };
  walk(join(root, 'src'));
  return found;
}

/** tsc's output of a source module. */
function emitted(tscDir, module) {
  return join(tscDir, module.replace(/\.ts$/, '.js'));
}

/** The esbuild plugin that serves each part module of a bundle built with parts as the part's name alone. */
export function partStubsPlugin(root, tscDir) {
  const parts = new Map(partModules(root).map((p) => [emitted(tscDir, p.module), p]));
  const lib = emitted(tscDir, 'src/lib/parts.ts');
  return {
    name: 'part-stubs',
    setup(b) {
      b.onLoad({ filter: PART_MODULE }, ({ path }) => {
        const p = parts.get(path);
        if (!p) return undefined;
        return { contents: `import { definePart } from ${JSON.stringify(lib)};\nexport var ${p.exportName} = definePart(${JSON.stringify(p.name)});\n`, loader: 'js', resolveDir: dirname(path) };
      });
    },
  };
}

/** The parts a bundle's metafile shows it uses (their stubs are in it). */
export function usedParts(root, tscDir, metafile) {
  const inputs = new Set(Object.keys(Object.values(metafile.outputs)[0].inputs).map((f) => join(root, f)));
  return partModules(root).filter((p) => inputs.has(emitted(tscDir, p.module)));
}

/** Every name an ES5 program uses as a property (a member access or an object literal's key). */
export function propertyNames(code) {
  const names = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'MemberExpression' && !node.computed) names.add(node.property.name);
    else if (node.type === 'Property' && !node.computed) names.add(node.key.type === 'Identifier' ? node.key.name : String(node.key.value));
    for (const k of Object.keys(node)) if (k !== 'type' && node[k] && typeof node[k] === 'object') walk(node[k]);
  };
  walk(acorn.parse(code, { ecmaVersion: 5 }));
  return names;
}

/**
 * The part's build options: the bundle's, with the part's entry (a module that exports the
 * part's `create`), an IIFE whose value is that module, and the bundle's mangled names, every
 * other property name of the bundle reserved.
 */
export function partOptions(mainOptions, tscDir, part, mainCode, mainCache) {
  const cache = { ...mainCache };
  if (mainOptions.mangleProps) for (const n of propertyNames(mainCode)) if (!(n in cache)) cache[n] = false;
  const entry = emitted(tscDir, part.module);
  const { entryPoints, ...options } = mainOptions;
  return {
    ...options,
    plugins: [partEntryPlugin(tscDir, part), ...mainOptions.plugins.filter((p) => p.name !== 'part-stubs')],
    stdin: { contents: `export { create } from './__part_create__';\n`, resolveDir: dirname(entry), loader: 'js' },
    format: 'iife',
    globalName: '__part',
    metafile: true,
    ...(mainOptions.mangleProps && { mangleCache: cache }),
  };
}

/** The virtual module `./__part_create__` of a part's build: `create` of its part module. */
export function partEntryPlugin(tscDir, part) {
  const module = emitted(tscDir, part.module);
  return {
    name: 'part-entry',
    setup(b) {
      b.onResolve({ filter: /^\.\/__part_create__$/ }, () => ({ path: '__part_create__', namespace: 'part-entry' }));
      b.onLoad({ filter: /.*/, namespace: 'part-entry' }, () => ({
        contents: `import { ${part.exportName} } from ${JSON.stringify(module)};\nexport var create = ${part.exportName}.create;\n`,
        loader: 'js',
        resolveDir: dirname(module),
      }));
    },
  };
}

/** esbuild's `var __part=EXPR;` as the expression alone (a part file is evaluated for its value). */
export function partExpression(code) {
  const m = /^var __part\s*=\s*([\s\S]*?);?\s*$/.exec(code);
  if (!m) throw new Error('a part bundle does not start with "var __part="');
  return '(' + m[1] + ');\n'; // a statement of its own: a host that evaluates the whole file never calls one part with the next
}

/** Modules (paths relative to the repo) whose top level holds state: more than functions, classes and constants. */
export function statefulModule(path) {
  if (/node_modules[\\/]tslib[\\/]/.test(path)) return null; // tsc's helpers: functions only (extendStatics caches a choice)
  const ast = acorn.parse(readFileSync(path, 'utf8'), { ecmaVersion: 2015, sourceType: 'module' });
  const constant = (n) => {
    if (!n) return false;
    switch (n.type) {
      case 'Literal':
      case 'FunctionExpression':
        return true;
      case 'TemplateLiteral':
        return n.expressions.every(constant);
      case 'UnaryExpression':
        return constant(n.argument);
      case 'BinaryExpression':
        return constant(n.left) && constant(n.right);
      case 'ArrayExpression':
        return n.elements.every(constant);
      case 'ObjectExpression':
        return n.properties.every((p) => !p.computed && constant(p.value));
      case 'CallExpression': // tsc's class: (function (_super) { … return X; }(Base))
        return n.callee.type === 'FunctionExpression' && n.arguments.every((a) => a.type === 'Identifier' || constant(a));
      default:
        return false;
    }
  };
  const declaration = (d) => {
    if (!d || d.type === 'FunctionDeclaration') return null;
    if (d.type === 'VariableDeclaration') {
      const bad = d.declarations.find((v) => !constant(v.init));
      return bad ? `"${bad.id.name}" is not a constant` : null;
    }
    return 'a ' + d.type;
  };
  for (const s of ast.body) {
    let why = null;
    if (s.type === 'ImportDeclaration' || (s.type === 'ExportNamedDeclaration' && !s.declaration) || s.type === 'ExportAllDeclaration') continue;
    if (s.type === 'ExportNamedDeclaration') why = declaration(s.declaration);
    else if (s.type === 'FunctionDeclaration' || s.type === 'VariableDeclaration') why = declaration(s);
    else why = 'a statement (' + s.type + ') runs at its top level';
    if (why) return why;
  }
  return null;
}

/**
 * Checks a part against the bundle it belongs to: no code of the program's own (src/, hal/)
 * is in both, so a part carries no copy of resident code (it takes what it needs of that
 * through its context) and its own code is not resident; a module of both from outside them
 * (tslib's helpers) holds no state; the names the part alone shortened are no property names
 * of the bundle. Throws with what is wrong.
 */
export function checkPart(root, tscDir, part, mainMeta, partMeta, mainCode, mainCache, partCache) {
  const inputs = (meta) => new Set(Object.entries(Object.values(meta.outputs)[0].inputs).filter(([, v]) => v.bytesInOutput > 0).map(([f]) => join(root, f)));
  const main = inputs(mainMeta);
  const problems = [];
  const declaration = [emitted(tscDir, part.module), emitted(tscDir, 'src/lib/parts.ts')]; // the bundle has the part module as its stub, and definePart
  for (const f of inputs(partMeta)) {
    if (!main.has(f) || !existsSync(f) || declaration.includes(f)) continue;
    if (f.startsWith(tscDir + sep)) {
      problems.push(`its code ${relative(tscDir, f).replace(/\.js$/, '.ts')} is resident too (a part takes resident code through its context)`);
      continue;
    }
    const why = statefulModule(f);
    if (why) problems.push(`${relative(root, f)} is in the bundle and in the part, and holds state: ${why}`);
  }
  if (mainCache && partCache) {
    const props = propertyNames(mainCode);
    for (const [name, short] of Object.entries(partCache)) {
      if (short && !(name in mainCache) && props.has(short)) problems.push(`the part shortened ${name} to ${short}, a property name of the bundle`);
    }
  }
  if (problems.length) throw new Error(`part ${part.name}: ${problems.join('; ')}`);
}

/** The parts a bundle file may have: what the native host reads of its last line (PARTS_MAX in firmware-shim/src/host.c). */
export const PARTS_MAX = 32;

/** The bundle file with its parts: its own code, each part, and the last line that names them. */
export function withParts(mainCode, parts) {
  if (parts.length > PARTS_MAX) throw new Error(`a bundle has ${parts.length} parts, more than the ${PARTS_MAX} the native host reads (PARTS_MAX)`);
  const main = mainCode.endsWith('\n') ? mainCode : mainCode + '\n';
  let offset = Buffer.byteLength(main);
  let text = main;
  const index = [];
  for (const p of parts) {
    const length = Buffer.byteLength(p.code);
    index.push(`${p.name}:${offset}:${length}`);
    text += p.code;
    offset += length;
  }
  // The build id: a host that finds another one in the file than it booted knows the file was replaced meanwhile.
  const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return text + PARTS_TRAILER + id + ' ' + Buffer.byteLength(main) + (index.length ? ' ' + index.join(' ') : '') + '\n';
}
