// Property names the minified bundles may shorten (esbuild's mangleProps): every property
// name is an atom in QuickJS's heap for as long as the station runs, and a short name is
// usually one the heap holds already (a minified variable's). Only names the program uses
// internally are shortened: the members of its own classes, interfaces and types, and of those
// only the ones that never meet text from outside. A name stays as it is when it is anywhere
//   - a member of a shape that crosses as it is (CROSSING_FILES: the host ABI, the JSON of its
//     hardware members, the settings; the generated OCPP payload types),
//   - a member of a shape that is serialized (JSON.stringify), taken from JSON or from the host
//     (a value of type `any` where a typed one is expected: JSON.parse's results) or handed on
//     as `unknown`, however deep (a class instance's members too),
//   - a key of an object literal that an `any` or an index signature takes,
//   - a name that becomes a string or is looked up by one (for in, Object.keys, o[name]),
//   - a string literal (looked up by name: hasOwnProperty('x'), 'x' in o, o['x']),
//   - a decorated member or an accessor (tsc's ES5 output names them in strings: __decorate,
//     Object.defineProperty),
//   - read or written on a value of type `any` (JSON.parse's results, the host's objects),
//   - an OCPP field, action or enum value of either version (the schemas ocpp-rpc ships),
//   - a property of the JavaScript built-ins (length, then, prototype, ...),
// or when it is at most 2 characters long (nothing to gain). The QuickJS tests' own code is not
// looked at (their bundles are not minified). The names are computed from the sources once per set of
// build inputs (.build/mangle-names.json).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Every property name of the OCPP schemas of both versions, their actions and enum values. */
export function ocppNames(root) {
  const names = new Set();
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node.properties) for (const k of Object.keys(node.properties)) names.add(k);
    if (node.required) node.required.forEach((k) => names.add(k));
    if (node.enum) node.enum.forEach((v) => names.add(String(v)));
    for (const k of Object.keys(node)) walk(node[k]);
  };
  for (const file of ['ocpp1_6.json', 'ocpp2_0_1.json']) {
    for (const schema of JSON.parse(readFileSync(join(root, 'node_modules', 'ocpp-rpc', 'lib', 'schemas', file), 'utf8'))) {
      const m = /^urn:(\w+)\.(req|conf)$/.exec(schema.$id);
      if (m) names.add(m[1]);
      walk(schema);
    }
  }
  return names;
}

/** Property names of the built-ins an ES5 + Promise bundle can reach (a superset: V8's). */
export function builtinNames() {
  const names = new Set();
  const seen = new Set();
  const add = (o) => {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) return;
    seen.add(o);
    for (const k of Object.getOwnPropertyNames(o)) {
      names.add(k);
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d && 'value' in d) add(d.value);
    }
    add(Object.getPrototypeOf(o));
  };
  add(globalThis);
  for (const v of [[], '', 0, true, Promise.resolve(), /x/, new Date(0), new Error(), function () {}]) add(v);
  return names;
}

/** The TypeScript files the project compiles (tsconfig.json's folders), plus `extra`. */
function projectFiles(root, extra = []) {
  const config = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  const folders = [...new Set(config.include.map((p) => p.split('/')[0] === 'test' ? p.split('/').slice(0, 2).join('/') : p.split('/')[0]))];
  const files = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name)) files.push(p);
    }
  };
  for (const f of folders) walk(join(root, f));
  for (const f of extra) if (!files.includes(join(root, f))) files.push(join(root, f));
  return files;
}

/**
 * Files whose declared shapes cross to the host or into JSON as they are: the host ABI (and
 * the JSON its hardware members give), the settings file, the generated OCPP payload types.
 * Their members are never shortened, however the program uses them.
 */
export const CROSSING_FILES = ['hal/host-abi.ts', 'hal/host-hardware.ts', 'hal/settings.ts'];
const UNMINIFIED_DIRS = ['test/quickjs', 'test/lib'];
const CROSSING_DIRS = [/\/src\/ocpp\/v16\/generated\//, /\/src\/ocpp\/v201\/generated\//];

/** The members an interface file of the project declares (property and method signatures). */
export function declaredMembers(root, file) {
  const ts = require('typescript');
  const sf = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES5, true);
  const names = new Set();
  const visit = (n) => {
    if ((ts.isPropertySignature(n) || ts.isMethodSignature(n)) && n.name && ts.isIdentifier(n.name)) names.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return names;
}

/**
 * The names that may be shortened, sorted, from the project's sources (type-checked, for the
 * `any` rule and for what flows into JSON). `extra`: files outside tsconfig.json's folders (a
 * station's own entry).
 */
export function computeMangleableNames(root, extra = []) {
  const ts = require('typescript');
  const program = ts.createProgram(projectFiles(root, extra), { target: ts.ScriptTarget.ES5, lib: ['lib.es5.d.ts', 'lib.es2015.promise.d.ts'], experimentalDecorators: true, strict: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const crossing = new Set(CROSSING_FILES.map((f) => join(root, f)));
  const isCrossing = (sf) => crossing.has(sf.fileName) || CROSSING_DIRS.some((d) => d.test(sf.fileName));
  const members = new Set();
  const kept = new Set();
  const nameOf = (n) => (n && (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) ? n.text : null);
  const keep = (n) => {
    const name = nameOf(n);
    if (name) kept.add(name);
  };
  const isAny = (t) => !!(t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown));
  const seenShapes = new Set();
  // What is serialized, or taken from JSON or the host, keeps its names, however deep (a class
  // instance's members too).
  function keepShape(type, depth) {
    if (depth < 0 || !type || seenShapes.has(type)) return;
    if (depth === 4) seenShapes.add(type);
    const parts = type.isUnionOrIntersection() ? type.types : [type];
    for (const t of parts) {
      if (t.flags & ts.TypeFlags.Primitive) continue;
      for (const p of checker.getPropertiesOfType(t)) {
        kept.add(p.getName());
        const decl = p.valueDeclaration || (p.declarations && p.declarations[0]);
        if (decl) keepShape(checker.getTypeOfSymbolAtLocation(p, decl), depth - 1);
      }
      const index = t.getNumberIndexType && t.getNumberIndexType();
      if (index) keepShape(index, depth - 1);
      const stringIndex = t.getStringIndexType && t.getStringIndexType();
      if (stringIndex) keepShape(stringIndex, depth - 1);
      for (const arg of checker.getTypeArguments && t.target ? checker.getTypeArguments(t) : []) keepShape(arg, depth - 1);
    }
  }
  /** A value of `from` goes where `to` is expected: into JSON or the host, or out of them. */
  function flow(from, to) {
    if (!from || !to) return;
    if (isAny(from)) keepShape(to, 4); // JSON.parse's result, a host's object, taken as `to`
    else if (isAny(to)) keepShape(from, 4); // a typed value handed on as unknown
    else {
      // a function handed on where its result is unknown (a command table's entries)
      const fs = from.getCallSignatures();
      const tsigs = to.getCallSignatures();
      if (fs.length && tsigs.length) {
        const tr = checker.getReturnTypeOfSignature(tsigs[0]);
        if (isAny(tr)) for (const sig of fs) keepShape(checker.getReturnTypeOfSignature(sig), 4);
      }
    }
  }
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || sf.fileName.indexOf('/node_modules/') >= 0) continue;
    // The QuickJS tests and their helpers are bundled unminified: their code never meets a
    // minified bundle's names (a fixture built as a station of one's own, test/fixtures/, does).
    if (UNMINIFIED_DIRS.some((d) => sf.fileName.indexOf(join(root, d) + '/') === 0)) continue;
    const crosses = isCrossing(sf);
    const visit = (n) => {
      if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) {
        for (const m of n.members) {
          if (ts.isConstructorDeclaration(m)) {
            for (const p of m.parameters) if (ts.isParameterPropertyDeclaration(p, m)) keepOrMember(p.name);
          } else if (m.name && ts.canHaveDecorators(m) && ts.getDecorators(m)) keep(m.name); // looked up by its name (routing's decorators)
          else if (ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) keep(m.name); // ES5: Object.defineProperty(prototype, "name", ...)
          else if (m.name) keepOrMember(m.name);
        }
      } else if (ts.isPropertySignature(n) || ts.isMethodSignature(n)) {
        if (crosses) keep(n.name);
        else keepOrMember(n.name);
      } else if (ts.isObjectLiteralExpression(n)) {
        // A key its expected type declares is decided there; a key an `any` or an index
        // signature takes is kept. A literal with no expected type keeps its keys where it
        // flows on (into JSON, `unknown`, a for-in, a computed lookup: see flow).
        const expected = checker.getContextualType(n);
        if (expected) {
          for (const p of n.properties) {
            const name = nameOf(p.name);
            if (name && (isAny(expected) || !(expected.isUnion() ? expected.types : [expected]).some((t) => !!checker.getPropertyOfType(t, name)))) kept.add(name);
          }
        }
      } else if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) kept.add(n.text);
      else if (ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) kept.add(n.text);
      // on `any` (or a string index signature: no declared member behind the name)
      else if (ts.isPropertyAccessExpression(n) && (isAny(checker.getTypeAtLocation(n.expression)) || !checker.getSymbolAtLocation(n.name))) keep(n.name);
      else if (ts.isBindingElement(n)) keep(n.propertyName || n.name);
      else if (ts.isCallExpression(n) && n.expression.getText(sf) === 'JSON.stringify' && n.arguments.length) keepShape(checker.getTypeAtLocation(n.arguments[0]), 4);
      else if (ts.isEnumMember(n)) keep(n.name);
      // Its names become strings, or are looked up from strings.
      else if (ts.isForInStatement(n)) keepShape(checker.getTypeAtLocation(n.expression), 0);
      else if (ts.isCallExpression(n) && n.expression.getText(sf) === 'Object.keys' && n.arguments.length) keepShape(checker.getTypeAtLocation(n.arguments[0]), 0);
      else if (ts.isElementAccessExpression(n) && !(checker.getTypeAtLocation(n.argumentExpression).flags & ts.TypeFlags.NumberLike)) keepShape(checker.getTypeAtLocation(n.expression), 0);
      if (ts.isExpression(n) && !ts.isLiteralExpression(n) && !isNameOnly(n) && !(n.parent && (ts.isAsExpression(n.parent) || ts.isTypeAssertionExpression(n.parent)))) {
        const expected = checker.getContextualType(n);
        if (expected) flow(checker.getTypeAtLocation(n), expected);
      }
      ts.forEachChild(n, visit);
    };
    function keepOrMember(name) {
      const text = nameOf(name);
      if (text) members.add(text);
    }
    visit(sf);
  }
  const reserved = new Set([...builtinNames(), ...ocppNames(root)]);
  return [...members].filter((n) => n.length > 2 && !kept.has(n) && !reserved.has(n) && /^[A-Za-z_$][\w$]*$/.test(n)).sort();

  /** An identifier that only names something (a declaration, a member after the dot). */
  function isNameOnly(n) {
    const p = n.parent;
    if (!ts.isIdentifier(n) || !p) return false;
    return (ts.isPropertyAccessExpression(p) && p.name === n) || (p.name === n && !ts.isShorthandPropertyAssignment(p)) || ts.isTypeReferenceNode(p) || ts.isQualifiedName(p);
  }
}

/** The names for the given build inputs: computed once per fingerprint, then read back. */
export function mangleableNames(root, fingerprint, extra = []) {
  const cache = join(root, '.build', 'mangle-names.json');
  const key = fingerprint + ':' + extra.join(',');
  if (existsSync(cache)) {
    const c = JSON.parse(readFileSync(cache, 'utf8'));
    if (c.key === key) return c.names;
  }
  const names = computeMangleableNames(root, extra);
  mkdirSync(dirname(cache), { recursive: true });
  writeFileSync(cache, JSON.stringify({ key, names }));
  return names;
}

/** esbuild's mangleProps for the names: exactly these, nothing else. */
export function mangleRegExp(names) {
  return new RegExp('^(?:' + (names.length ? names.join('|') : '(?!)') + ')$');
}
