// The heap limit on the native host: once QuickJS cannot allocate within it, the station
// ends with 71 at once, also when the guest catches the failure (a promise chain turns it
// into a rejection and carries on: QuickJS 2021-03-27 then kept such a chain running for
// seconds, allocations failing one after another, until the watchdog ended it with 73, or
// crashed at some limits).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildShim } from '../../firmware-shim/build.mjs';
import { runGuest } from '../../firmware-shim/testing.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`shim-heap skipped: ${shim.reason}\n`);
const shimTest = shim.ok ? test : () => {};

const dataDir = mkdtempSync(join(tmpdir(), 'shim-heap-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
let seq = 0;
const guest = (code, args) => runGuest(dataDir, code, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', `HEAP-${++seq}`, '--data-dir', dataDir, ...args], { timeout: 60000 });
const errorsOf = (r) => r.lines.filter((l) => l.level === 'error').map((l) => l.text);

// Limits at which the chain below used to linger (ended by the watchdog, or crashed).
const LIMITS = [200000, 271271, 405894, 485084, 572193, 627626];

shimTest('a promise chain that outgrows the heap ends with 71 at once, at every limit (the watchdog never has to)', async () => {
  for (const limit of LIMITS) {
    const r = await guest(`function again() { return Promise.resolve().then(again); } ocppHost.timerStart(1, again);`, ['--heap-limit', String(limit), '--watchdog-ms', '30000']);
    assert.equal(r.code, 71, `limit ${limit}: ${r.stdout}${r.stderr}`);
    assert.match(errorsOf(r)[0], new RegExp(`^exit 71: out of memory: a promise job needed more than the heap limit of ${limit} bytes`));
    assert.ok(r.heapPeak <= limit && r.heapPeak > limit * 0.9, `limit ${limit}: peak ${r.heapPeak} at the limit`);
  }
});

shimTest('a callback that catches its out-of-memory error still ends the station with 71', async () => {
  const r = await guest(
    `ocppHost.timerStart(1, function () {
       var a = [];
       try { for (;;) a.push('chunk ' + a.length); } catch (e) { a = null; ocppHost.log(20, 'caught ' + e); }
       ocppHost.timerStart(1, function () { ocppHost.log(20, 'still running'); ocppHost.exit(0); });
     });`,
    ['--heap-limit', '262144']
  );
  assert.equal(r.code, 71, r.stdout);
  assert.match(errorsOf(r)[0], /^exit 71: out of memory: a timer callback needed more than the heap limit of 262144 bytes/);
  assert.ok(!r.lines.some((l) => l.text === 'still running'), 'nothing runs after it');
});
