// A part of a bytecode bundle is read as the bundle's own code is (partLoad, JS_ReadObjectLazy,
// firmware-shim/patches/yet-unread-bodies-of-several-files.patch): its nested functions' bodies
// stay in the part's section of the file until each is first called. What an episode never
// calls costs the heap its header only; a body whose section changed or went after the load is
// an InternalError thrown in the caller, and the station goes on; a part let go leaves nothing
// of itself behind (its atoms and where its section is), so loading it again adds nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { withParts, readParts } from '../../build/parts.mjs';
import { buildShim } from '../../firmware-shim/build.mjs';
import { answersAfterChange, startHost } from '../../firmware-shim/testing.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`part-bodies skipped: ${shim.reason}\n`);
const shimTest = shim.ok ? test : () => {};

const dataDir = mkdtempSync(join(tmpdir(), 'part-bodies-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const args = (id) => ['--url', 'ws://127.0.0.1:9/ocpp', '--id', id, '--data-dir', dataDir, '--log-level', 'debug'];

/** The bundle `guest` with the part `name` of `code` behind it, compiled to bytecode by the host: its path. */
function compiled(file, guest, name, code) {
  const script = join(dataDir, file + '.js');
  const bytecode = join(dataDir, file + '.qjbc');
  writeFileSync(script, withParts(guest, [{ name, code }]));
  const r = spawnSync(shim.binary, [script, '--compile', bytecode], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(readParts(readFileSync(bytecode)).parts[name], 'the bytecode names the part');
  return bytecode;
}

// A part of N methods, each its own bytecode of a few hundred bytes.
const N = 150;
function manyMethods() {
  let code = '({\n';
  for (let k = 0; k < N; k++) {
    code += `m${k}: function (a, b) { var x = a * ${k} + b, y = [];
      for (var i = 0; i < 3; i++) { if (x > ${k}) x = x - ${k + 1}; else x = x * 2 + ${k + 2}; y.push('v' + x, x % 7); }
      try { y.push(JSON.stringify({ k: ${k}, x: x, s: y.join('-') })); } catch (e) { y.push(String(e)); }
      return y.length + ':' + y.join(',') + (b ? x.toFixed(2) : '') + (a > 1 ? 'a' : 'b'); },\n`;
  }
  return code + `count: ${N} });\n`;
}

/** The guest: loads the part, calls each of its methods (`call`) or none, logs what they gave. */
const callingGuest = (call) => `var p = ocppHost.partLoad('many'), sum = 0;
  for (var j = 0; ${call} && j < p.count; j++) sum += p['m' + j](j, 1).length;
  ocppHost.log(20, 'methods ' + p.count + ' ' + sum); ocppHost.exit(0);\n`;

shimTest('a part\'s method that is never called costs the heap its header, not its bytecode; called, it is read then and answers', async () => {
  const [uncalled, called] = await Promise.all([
    startHost(compiled('uncalled', callingGuest(false), 'many', manyMethods()), args('PART-BODIES-UNCALLED')).exited,
    startHost(compiled('called', callingGuest(true), 'many', manyMethods()), args('PART-BODIES-CALLED')).exited,
  ]);
  assert.equal(uncalled.code, 0, uncalled.stdout + uncalled.stderr);
  assert.equal(called.code, 0, called.stdout + called.stderr);
  assert.ok(uncalled.lines.some((l) => l.text === `methods ${N} 0`), uncalled.stdout);
  assert.ok(called.lines.some((l) => new RegExp(`^methods ${N} [1-9]\\d+$`).test(l.text)), called.stdout);
  // A part read whole at its load holds every body in both: the same peak.
  const perMethod = (called.heapPeak - uncalled.heapPeak) / N;
  assert.ok(perMethod >= 150, `heap peak ${uncalled.heapPeak} bytes with the part's ${N} methods never called, ${called.heapPeak} once each was called: ${perMethod.toFixed(1)} bytes a method`);
});

// The part's `stable` is called at its load (its body read then); `later` only once the file
// may have changed. 1234567.891 is one of later's constants: a double in its body.
const CHANGING_PART = `({
  stable: function () { return 'stable ' + 41.5; },
  later: function () { return 'later ' + 1234567.891; }
});\n`;
// The bundle's own `tick` is called at boot too, so that only the part's body is left unread.
const CHANGING_GUEST = `var part = ocppHost.partLoad('changing'), first = part.stable();
function tick(boot) {
  if (boot) return;
  var answers = [first];
  for (var i = 0; i < 2; i++) {
    try { answers.push(part.later()); } catch (e) { answers.push(e.name + ': ' + e.message); }
  }
  ocppHost.log(20, 'answers ' + JSON.stringify(answers));
  ocppHost.exit(0);
}
tick(true);
ocppHost.timerStart(1500, tick);
ocppHost.log(20, 'ready');\n`;

/** What the guest answers when `change(file)` has been done to its bytecode file once its part is loaded. */
function answersAfter(name, change) {
  return answersAfterChange(compiled(name, CHANGING_GUEST, 'changing', CHANGING_PART), args('PART-BODIES-' + name.toUpperCase()), change);
}

const unreadable = (why) => `InternalError: the body of function "later" cannot be read: ${why}`;

shimTest('a part\'s body read at its first call, while the file stays: what it was when read whole', async () => {
  assert.deepEqual(await answersAfter('unchanged', () => {}), ['stable 41.5', 'later 1234567.891', 'later 1234567.891']);
});

shimTest('a part\'s body whose section changed since its load is refused in the caller, not run; a file gone, too', async () => {
  const changed = await answersAfter('replaced', (file) => {
    // Another constant in later's body (the same size, valid bytecode): run, it would answer 'later 7654321.123'.
    const bytes = readFileSync(file);
    const from = Buffer.alloc(8);
    from.writeDoubleLE(1234567.891);
    const at = bytes.indexOf(from);
    const [offset, length] = readParts(bytes).parts.changing;
    assert.ok(at >= offset && at < offset + length && bytes.indexOf(from, at + 1) < 0, 'the constant is in the part\'s section, once');
    bytes.writeDoubleLE(7654321.123, at);
    writeFileSync(file, bytes);
  });
  const why = 'it is not what its file held when it was first read (replaced or damaged since?)';
  assert.deepEqual(changed, ['stable 41.5', unreadable(why), unreadable(why)]);
  const gone = await answersAfter('deleted', (file) => unlinkSync(file));
  assert.deepEqual(gone, ['stable 41.5', unreadable('its file cannot be read'), unreadable('its file cannot be read')]);
});

shimTest('a part let go leaves nothing of its unread bodies behind: loaded and let go again and again, the heap stays', async () => {
  const LOADS = 12;
  // Each turn loads the part, calls a few of its methods (the rest stay unread), lets it go
  // (the host collects and logs the heap once the turn is done).
  const guest = `var loads = 0;
    function end() { ocppHost.exit(0); }
    function turn() {
      var p = ocppHost.partLoad('many');
      p.m1(1, 1); p.m7(2, 0); p.m42(3, 1);
      p = null;
      ocppHost.partRelease('many');
      ocppHost.timerStart(50, ++loads < ${LOADS} ? turn : end);
    }
    turn();\n`;
  const r = await startHost(compiled('again', guest, 'many', manyMethods()), args('PART-BODIES-AGAIN')).exited;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const released = r.lines.map((l) => /^part many released: heap (\d+) -> (\d+) bytes$/.exec(l.text)).filter(Boolean).map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(released.length, LOADS, r.stdout);
  // The first turn's figure is its own (what the boot's first turn settles); from the second on
  // each load and release is the same as the one before: what a source left behind would add up.
  const [, secondAfter] = released[1];
  const [, lastAfter] = released[LOADS - 1];
  assert.ok(lastAfter < secondAfter + 512, `${LOADS} loads leave no more than two: ${released.map(([, a]) => a).join(', ')} bytes after each release`);
});
