// The native host reads a bytecode bundle's nested functions without their bodies
// (firmware-shim/patches/unread-function-bodies.patch): a function's bytecode and constants
// stay in the file until its first call, and are read from the file then. What a function
// never calls costs its header only; a body that can no longer be read when it is first
// called (the file gone, cut short, or changed since the boot) is an InternalError thrown in
// the caller, and the station goes on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildShim } from '../../firmware-shim/build.mjs';
import { answersAfterChange, heapNow, startHost } from '../../firmware-shim/testing.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`shim-bodies skipped: ${shim.reason}\n`);
const shimTest = shim.ok ? test : () => {};

const dataDir = mkdtempSync(join(tmpdir(), 'shim-bodies-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const args = (id) => ['--url', 'ws://127.0.0.1:9/ocpp', '--id', id, '--data-dir', dataDir];

/** `code` as a script in dataDir, compiled to bytecode by the host: the bytecode's path. */
function compiled(name, code) {
  const script = join(dataDir, name + '.js');
  const bytecode = join(dataDir, name + '.qjbc');
  writeFileSync(script, code);
  const r = spawnSync(shim.binary, [script, '--compile', bytecode], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return bytecode;
}

// N functions, each its own bytecode of a few hundred bytes, all kept; called or not.
const N = 200;
function manyFunctions(call) {
  let code = '';
  for (let k = 0; k < N; k++) {
    code += `function f${k}(a, b) { var x = a * ${k} + b, y = [];
      for (var i = 0; i < 3; i++) { if (x > ${k}) x = x - ${k + 1}; else x = x * 2 + ${k + 2}; y.push('v' + x, x % 7); }
      try { y.push(JSON.stringify({ k: ${k}, x: x, s: y.join('-') })); } catch (e) { y.push(String(e)); }
      return y.length + ':' + y.join(',') + (b ? x.toFixed(2) : '') + (a > 1 ? 'a' : 'b'); }\n`;
  }
  code += `var all = [${Array.from({ length: N }, (_, k) => 'f' + k).join(',')}];\n`;
  code += `var sum = 0; ${call ? 'for (var j = 0; j < all.length; j++) sum += all[j](j, 1).length;' : ''}\n`;
  code += 'ocppHost.log(20, "functions " + all.length + " " + sum); ocppHost.exit(0);';
  return code;
}

shimTest('a nested function that is never called costs the heap its header, not its bytecode', async () => {
  const [uncalled, called] = await Promise.all([
    startHost(compiled('uncalled', manyFunctions(false)), args('BODIES-UNCALLED')).exited,
    startHost(compiled('called', manyFunctions(true)), args('BODIES-CALLED')).exited,
  ]);
  assert.equal(uncalled.code, 0, uncalled.stdout + uncalled.stderr);
  assert.equal(called.code, 0, called.stdout + called.stderr);
  assert.ok(called.lines.some((l) => /^functions 200 [1-9]/.test(l.text)), called.stdout);
  // Read whole at boot (the unpatched engine) both heaps hold every body: the same peak.
  const perFunction = (called.heapPeak - uncalled.heapPeak) / N;
  assert.ok(perFunction >= 150, `heap peak ${uncalled.heapPeak} bytes with ${N} functions never called, ${called.heapPeak} once each was called: ${perFunction.toFixed(1)} bytes a function`);
});

// `stable` and `tick` are called at boot (their bodies read then); `later` only once the
// file may have changed. 1234567.891 is one of later's constants: a double in its body.
const CHANGING_FILE_GUEST = `
function stable() { return 'stable ' + 41.5; }
function later() { return 'later ' + 1234567.891; }
function tick(boot) {
  if (boot) return;
  var answers = [stable()];
  for (var i = 0; i < 2; i++) {
    try { answers.push(later()); } catch (e) { answers.push(e.name + ': ' + e.message); }
  }
  ocppHost.log(20, 'answers ' + JSON.stringify(answers));
  ocppHost.exit(0);
}
stable();
tick(true);
ocppHost.timerStart(1500, tick);
ocppHost.log(20, 'ready');
`;

/** What the guest answers when `change(file)` has been done to its bytecode file once it is running. */
function answersAfter(name, change) {
  return answersAfterChange(compiled(name, CHANGING_FILE_GUEST), args('BODIES-' + name.toUpperCase()), change);
}

const unreadable = (why) => `InternalError: the body of function "later" cannot be read: ${why}`;

shimTest('a body read at its first call: the same function as read at boot, while the file stays', async () => {
  assert.deepEqual(await answersAfter('unchanged', () => {}), ['stable 41.5', 'later 1234567.891', 'later 1234567.891']);
});

shimTest('a body whose file is gone or cut short throws in the caller, and the station goes on', async () => {
  const gone = await answersAfter('deleted', (file) => unlinkSync(file));
  assert.deepEqual(gone, ['stable 41.5', unreadable('its file cannot be read'), unreadable('its file cannot be read')]);
  const short = await answersAfter('truncated', (file) => truncateSync(file, 64));
  assert.deepEqual(short, ['stable 41.5', unreadable('its file cannot be read'), unreadable('its file cannot be read')]);
});

shimTest('a body that is no longer what the file held at boot is refused, not run', async () => {
  const changed = await answersAfter('replaced', (file) => {
    // The same file with another constant in later's body (the same size, valid bytecode):
    // run, it would answer 'later 7654321.123'.
    const bytes = readFileSync(file);
    const from = Buffer.alloc(8);
    from.writeDoubleLE(1234567.891);
    const at = bytes.indexOf(from);
    assert.ok(at > 0 && bytes.indexOf(from, at + 1) < 0, 'the constant is in the file once');
    bytes.writeDoubleLE(7654321.123, at);
    writeFileSync(file, bytes);
  });
  const why = 'it is not what its file held when it was first read (replaced or damaged since?)';
  assert.deepEqual(changed, ['stable 41.5', unreadable(why), unreadable(why)]);
});

// The file's atoms (unread-function-bodies.patch keeps them while a body is unread) are cut,
// once the boot has run, to those the bodies still unread name (JS_ReleaseUnreadAtoms): what
// only the top level named (here 200 texts of 60 characters) goes with the top level, where
// before it stayed while any function of the file was unread (about 80 bytes a text on
// 32-bit ARM, 90 on x86-64). The functions read after the cut answer as before: one called
// then, its nested function and the texts and property names they name.
const TEXTS = 200;
function topLevelTexts(withTexts) {
  let code = 'var total = 0;\n';
  if (withTexts) for (let k = 0; k < TEXTS; k++) code += `total += 'a text that only the top level names, number ${String(k).padStart(4, '0')} ..........'.length;\n`;
  code += `function later(o) { function inner(x) { return ' and ' + x.innerName + ' of its inner function'; } return 'the text of a body read late, ' + o.laterName + inner({ innerName: 'the name' }); }
function never() { return 'a text of a body never read'; }
ocppHost.log(20, 'total ' + total + ' ' + typeof never);
ocppHost.timerStart(20, function () {
  ocppHost.log(20, 'later: ' + later({ laterName: 'read after the cut' }));
  ocppHost.log(20, 'let go');
  ocppHost.timerStart(60000, function () { ocppHost.exit(0); });
});
`;
  return code;
}

shimTest("the file's atoms that only the code that ran at boot named go once the boot has run", async () => {
  const heapAfter = async (withTexts) => {
    const id = withTexts ? 'BODIES-ATOMS-TEXTS' : 'BODIES-ATOMS-NONE';
    const host = startHost(compiled(id.toLowerCase(), topLevelTexts(withTexts)), args(id), { timeout: 60000 });
    try {
      await host.waitFor(/let go/, { timeout: 30000 });
      const heap = await heapNow(host);
      assert.match(host.output(), /later: the text of a body read late, read after the cut and the name of its inner function/);
      assert.match(host.output(), new RegExp(`total ${withTexts ? TEXTS * 60 : 0} function`));
      return heap;
    } finally {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  };
  const [texts, none] = await Promise.all([heapAfter(true), heapAfter(false)]);
  const perText = (texts - none) / TEXTS;
  assert.ok(perText < 16, `heap after boot ${texts} bytes with ${TEXTS} texts the top level named, ${none} without: ${perText.toFixed(1)} bytes a text kept`);
});
