// The build's ES5 proof refuses later syntax and dynamic code, and accepts the real bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkES5, ES5CheckError } from '../../build/es5-check.mjs';
import { root } from '../../build/build.mjs';

test('refuses non-ES5 syntax', () => {
  for (const snippet of ['let x = 1;', 'var f = () => 1;', 'class A {}', 'var s = `t`;', 'var {a} = o;', 'async function f() {}', 'for (var x of y) {}']) {
    assert.throws(() => checkES5(snippet, 'snippet'), ES5CheckError, snippet);
  }
});

test('refuses eval and new Function', () => {
  assert.throws(() => checkES5('eval("1+1");'), /eval\(\.\.\.\)/);
  assert.throws(() => checkES5('var f = new Function("return 1");'), /Function\(\.\.\.\)/);
  assert.throws(() => checkES5('var f = Function("return 1");'), /Function\(\.\.\.\)/);
});

test('accepts ES5, and the built bundles pass', () => {
  checkES5('var a = [1, 2].map(function (x) { return x * 2; }); var o = { get b() { return 1; } };');
  for (const f of ['dist/firmware.js', 'dist/firmware.min.js', 'dist/simulator.js', 'dist/simulator.min.js', 'dist/firmware-201.js', 'dist/firmware-201.min.js', 'dist/simulator-201.js', 'dist/simulator-201.min.js']) checkES5(readFileSync(join(root, f), 'utf8'), f);
});
