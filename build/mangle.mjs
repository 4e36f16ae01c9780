// Property names the minified bundles may shorten (esbuild's mangleProps): every property
// name is an atom in QuickJS's heap for as long as the station runs, and a short name is
// usually one the heap holds already (a minified variable's). Only names the program uses
// internally are shortened: the members of its own classes, and of those only the ones that
// never meet text from outside. A name stays as it is when it is anywhere
//   - a member of an interface or a type literal (payloads, the host ABI, the settings, stored
//     records, the control API's JSON: whatever has a declared shape),
//   - a key of an object literal (what is serialized, or handed to someone else, is written so),
//   - a string literal (looked up by name: hasOwnProperty('x'), 'x' in o, o['x']),
//   - a decorated member or an accessor (tsc's ES5 output names them in strings: __decorate,
//     Object.defineProperty),
//   - read or written on a value of type `any` (JSON.parse's results, the host's objects),
//   - an OCPP field, action or enum value of either version (the schemas ocpp-rpc ships),
//   - a property of the JavaScript built-ins (length, then, prototype, ...),
// or when it is at most 2 characters long (nothing to gain). The names are computed from the
// sources once per set of build inputs (.build/mangle-names.json).
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
 * The names that may be shortened, sorted, from the project's sources (type-checked, for the
 * `any` rule). `extra`: files outside tsconfig.json's folders (a station's own entry).
 */
export function computeMangleableNames(root, extra = []) {
  const ts = require('typescript');
  const program = ts.createProgram(projectFiles(root, extra), { target: ts.ScriptTarget.ES5, lib: ['lib.es5.d.ts', 'lib.es2015.promise.d.ts'], experimentalDecorators: true, strict: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const members = new Set();
  const kept = new Set();
  const nameOf = (n) => (n && (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) ? n.text : null);
  const keep = (n) => {
    const name = nameOf(n);
    if (name) kept.add(name);
  };
  const isAny = (expr) => {
    const t = checker.getTypeAtLocation(expr);
    return !!(t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown));
  };
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || sf.fileName.indexOf('/node_modules/') >= 0) continue;
    const visit = (n) => {
      if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) {
        for (const m of n.members) {
          if (ts.isConstructorDeclaration(m)) {
            for (const p of m.parameters) if (ts.isParameterPropertyDeclaration(p, m)) keepOrMember(p.name);
          } else if (m.name && ts.canHaveDecorators(m) && ts.getDecorators(m)) keep(m.name); // looked up by its name (routing's decorators)
          else if (ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) keep(m.name); // ES5: Object.defineProperty(prototype, "name", ...)
          else if (m.name) keepOrMember(m.name);
        }
      } else if (ts.isPropertySignature(n) || ts.isMethodSignature(n)) keep(n.name);
      else if (ts.isObjectLiteralExpression(n)) {
        for (const p of n.properties) if (p.name) keep(p.name);
      } else if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) kept.add(n.text);
      else if (ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) kept.add(n.text);
      // on `any` (or a string index signature: no declared member behind the name)
      else if (ts.isPropertyAccessExpression(n) && (isAny(n.expression) || !checker.getSymbolAtLocation(n.name))) keep(n.name);
      else if (ts.isBindingElement(n)) keep(n.propertyName || n.name);
      else if (ts.isCallExpression(n) && n.expression.getText(sf) === 'JSON.stringify' && n.arguments.length) keepShape(checker.getTypeAtLocation(n.arguments[0]), 4);
      else if (ts.isEnumMember(n)) keep(n.name);
      ts.forEachChild(n, visit);
    };
    // What is serialized keeps its names, however deep (a class instance's members too).
    function keepShape(type, depth) {
      if (depth < 0 || !type) return;
      const parts = type.isUnionOrIntersection() ? type.types : [type];
      for (const t of parts) {
        for (const p of checker.getPropertiesOfType(t)) {
          kept.add(p.getName());
          const decl = p.valueDeclaration || (p.declarations && p.declarations[0]);
          if (decl) keepShape(checker.getTypeOfSymbolAtLocation(p, decl), depth - 1);
        }
        const index = t.getNumberIndexType && t.getNumberIndexType();
        if (index) keepShape(index, depth - 1);
        const stringIndex = t.getStringIndexType && t.getStringIndexType();
        if (stringIndex) keepShape(stringIndex, depth - 1);
      }
    }
    function keepOrMember(name) {
      const text = nameOf(name);
      if (text) members.add(text);
    }
    visit(sf);
  }
  const reserved = new Set([...builtinNames(), ...ocppNames(root)]);
  return [...members].filter((n) => n.length > 2 && !kept.has(n) && !reserved.has(n) && /^[A-Za-z_$][\w$]*$/.test(n)).sort();
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
