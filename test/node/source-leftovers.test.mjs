// Leftovers the compiler does not catch: the generated types are the only source of OCPP enums
// (no union of string literals in src/ or hal/ spells out the members of a generated 1.6 or 2.0.1
// enum by hand: the code names the generated type, a union of both versions' types, or an
// Extract of one), and no import or local in src/ or hal/ is left unused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { root } from '../../build/build.mjs';

const GENERATED = ['src/ocpp/v16/generated/types.ts', 'src/ocpp/v201/generated/types.ts'];

function parse(file) {
  return ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2015, true);
}

/** The string literals of a union type node ('a' | 'b'), sorted, or null when it is not one of two or more. */
function literals(node) {
  if (!ts.isUnionTypeNode(node) || node.types.length < 2) return null;
  const out = [];
  for (const t of node.types) {
    if (!ts.isLiteralTypeNode(t) || !ts.isStringLiteral(t.literal)) return null;
    out.push(t.literal.text);
  }
  return out.sort().join('|');
}

/** The generated enums: their members ('a|b', sorted) → 'file: name'. */
function generatedEnums() {
  const enums = {};
  for (const file of GENERATED) {
    for (const s of parse(file).statements) {
      if (!ts.isTypeAliasDeclaration(s)) continue;
      const members = literals(s.type);
      if (members) enums[members] = (enums[members] ? enums[members] + ', ' : '') + s.name.text;
    }
  }
  return enums;
}

function sources(dir, out = []) {
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) {
      if (name !== 'generated') sources(path, out);
    } else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** 'file:line members (the generated enum)' for every hand-written copy of a generated enum. */
function handWritten(files, enums) {
  const found = [];
  for (const file of files) {
    const source = parse(file);
    const visit = (node) => {
      const members = literals(node);
      if (members && enums[members]) found.push(relative(root, join(root, file)) + ':' + (source.getLineAndCharacterOfPosition(node.getStart()).line + 1) + ' ' + members + ' (' + enums[members] + ')');
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

test('no OCPP enum of the generated types is written by hand in src/ or hal/', () => {
  const enums = generatedEnums();
  assert.ok(enums['A|W'] && enums['SHA256|SHA384|SHA512'], 'the generated enums were read');
  const files = sources('src').concat(sources('hal'));
  assert.ok(files.length > 30, 'the walk found the sources');
  assert.deepEqual(handWritten(files, enums), []);
});

test('no import or local in src/ or hal/ is left unused (tsc with noUnusedLocals)', () => {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const files = sources('src').concat(sources('hal')).map((f) => join(root, f));
  const program = ts.createProgram(files, { ...config.options, noEmit: true, noUnusedLocals: true });
  const unused = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && /^(src|hal)\//.test(relative(root, d.file.fileName)))
    .map((d) => relative(root, d.file.fileName) + ':' + (d.file.getLineAndCharacterOfPosition(d.start).line + 1) + ' ' + ts.flattenDiagnosticMessageText(d.messageText, ' '));
  assert.deepEqual(unused, []);
});
