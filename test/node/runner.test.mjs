// The QuickJS test runner fails what must fail, and exits non-zero when it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../../build/build.mjs';

function runner(...files) {
  const r = spawnSync(process.execPath, [join(root, 'test/run.mjs'), '--quickjs-only', ...files], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('a failing QuickJS test makes the runner exit non-zero, and each failure is named', () => {
  const { code, out } = runner('test/fixtures/failing.test.ts');
  assert.notEqual(code, 0);
  assert.match(out, /^2 passed, 4 failed$/m);
  assert.match(out, /FAIL .*fails an assertion\n\s+AssertionError: expected 5, got 4/);
  assert.match(out, /FAIL .*throws in an async test\n\s+Error: boom after sleep/);
  assert.match(out, /FAIL .*leaves a promise rejection unhandled\n\s+unhandled promise rejection: Error: nobody catches me/);
  assert.match(out, /FAIL .*never finishes\n\s+test never finished/);
  assert.match(out, /ok {3}.*passes after the broken ones/);
});

test('exceeding the QuickJS memory limit fails the test', () => {
  const { code, out } = runner('test/fixtures/memory-hog.test.ts');
  assert.notEqual(code, 0);
  assert.match(out, /memory limit of 1048576 bytes exceeded/);
  assert.match(out, /^0 passed, 1 failed$/m);
});

test('the runner passes a passing file and exits 0', () => {
  const { code, out } = runner('test/quickjs/harness.test.ts');
  assert.equal(code, 0, out);
  assert.match(out, /^4 passed, 0 failed$/m);
});
