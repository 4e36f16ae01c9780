// Outgoing OCPP calls stay typed by action: test/types/typed-calls.ts (a type-level fixture,
// not run) must compile with the project's options, and each of its `// @ts-expect-error
// TSnnnn` lines must mark the line below as exactly that error — compiled without the
// directives, the errors are those lines' and no others (so a directive cannot be satisfied
// by a typo, and a typing that turns `any` again fails the first check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { root } from '../../build/build.mjs';

const FIXTURE = join(root, 'test', 'types', 'typed-calls.ts');
const DIRECTIVE = /^\s*\/\/ @ts-expect-error TS(\d+)\b/;

/** The diagnostics of the fixture compiled from `text`, as { line (1-based), code, text }. */
function diagnostics(text) {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile;
  host.readFile = (f) => (resolve(f) === FIXTURE ? text : readFile(f));
  const program = ts.createProgram([FIXTURE], { ...config.options, noEmit: true }, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file ? resolve(d.file.fileName) : '',
    line: d.file ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

const source = readFileSync(FIXTURE, 'utf8');
const lines = source.split('\n');
/** line below the directive (1-based) → the error code it expects */
const expected = new Map();
lines.forEach((line, i) => {
  const m = DIRECTIVE.exec(line);
  if (m) expected.set(i + 2, Number(m[1]));
});

test('the typed-calls fixture compiles: every expected error is there, nothing else fails', () => {
  assert.ok(expected.size >= 12, 'the fixture expects its errors');
  const problems = diagnostics(source).map((d) => `${d.file === FIXTURE ? 'test/types/typed-calls.ts' : d.file}:${d.line}: TS${d.code} ${d.text}`);
  assert.deepEqual(problems, []);
});

test('without its directives, the fixture fails exactly on the expected lines, with the expected codes', () => {
  const stripped = lines.map((line) => (DIRECTIVE.test(line) ? '//' : line)).join('\n');
  const found = new Map();
  for (const d of diagnostics(stripped)) {
    assert.equal(d.file, FIXTURE, `an error outside the fixture: ${d.file}:${d.line}: ${d.text}`);
    if (!found.has(d.line)) found.set(d.line, []);
    found.get(d.line).push(d.code);
  }
  const unexpected = [...found.keys()].filter((line) => !expected.has(line)).map((line) => `line ${line}: TS${found.get(line).join(', TS')}`);
  assert.deepEqual(unexpected, [], 'errors where none is expected');
  for (const [line, code] of expected) {
    assert.ok((found.get(line) || []).includes(code), `line ${line} (${lines[line - 1].trim()}): expected TS${code}, got ${found.has(line) ? 'TS' + found.get(line).join(', TS') : 'no error'}`);
  }
});
