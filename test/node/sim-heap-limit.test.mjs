// --heap-limit holds in the simulator host: the station ends with 71 once the QuickJS heap
// (by QuickJS's own count, heapInUse) goes above the limit, and memory() reports those same
// bytes. quickjs-emscripten's allocator alone would not hold it: its counter grows by 8 bytes
// per block, whatever the block's size.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { HOST_EXIT, DEFAULT_BUNDLE } from '../../sim/host.mjs';
import { stationTests } from './lib/stations.mjs';

const rig = stationTests('sim-heap');
const MiB = 1024 * 1024;
let csms;
before(async () => {
  csms = await rig.csms({ heartbeatInterval: 60 });
});

let seq = 0;
async function run(bundle, { heapLimit, settings = {} }) {
  const station = await rig.start({ id: `HEAP-${++seq}`, url: csms.url, ...settings }, { heapLimit, bundle });
  const result = await station.exited;
  return { station, result };
}

test('many small allocations in one callback beyond the limit end the station with 71', async () => {
  // about 3 MB of small objects: QuickJS's counter would see 8 bytes each
  const { station, result } = await run(
    { code: `var keep = []; ocppHost.timerStart(1, function () { for (var i = 0; i < 60000; i++) keep.push({ i: i, s: 'x' + i }); ocppHost.exit(0); });` },
    { heapLimit: MiB }
  );
  assert.equal(result.code, HOST_EXIT.OUT_OF_MEMORY, result.reason);
  assert.match(result.reason, /^out of memory: a timer callback needed more than the heap limit of 1048576 bytes \(--heap-limit\): the heap grew to \d+ bytes$/);
  const m = station.memory();
  const crossed = Number(/grew to (\d+) bytes/.exec(result.reason)[1]);
  assert.ok(m.peak > m.limit, `peak ${m.peak}`);
  assert.equal(m.peak, crossed, 'memory() reports the figure the limit was checked against');
  // checked while the callback ran (at QuickJS's interrupt polls), not only after it: the
  // loop did not get to allocate its 3 MB
  assert.ok(m.peak < 2 * MiB, `stopped at ${m.peak}`);
});

test('a heap that grows across callbacks ends with 71 after the one that crossed the limit', async () => {
  const { station, result } = await run(
    { code: `var keep = []; function more() { for (var i = 0; i < 500; i++) keep.push('chunk ' + keep.length); ocppHost.timerStart(0, more); } more();` },
    { heapLimit: 512 * 1024 }
  );
  assert.equal(result.code, HOST_EXIT.OUT_OF_MEMORY, result.reason);
  assert.ok(station.memory().peak > 512 * 1024);
});

test('the firmware session: a limit below its peak fails with 71, one above it passes; memory() is the figure checked', async () => {
  const session = { scenario: 'session', duration: 1, connectors: 2 };
  const first = await run(DEFAULT_BUNDLE, { heapLimit: MiB, settings: session });
  assert.equal(first.result.code, 0, first.result.reason);
  const peak = first.station.memory().peak;
  assert.ok(peak > 256 * 1024 && peak < MiB, `session peak ${peak}`);
  const [below, above] = await Promise.all([
    run(DEFAULT_BUNDLE, { heapLimit: Math.floor(peak * 0.95), settings: session }),
    run(DEFAULT_BUNDLE, { heapLimit: Math.ceil(peak * 1.05), settings: session }),
  ]);
  assert.equal(below.result.code, HOST_EXIT.OUT_OF_MEMORY, `limit ${Math.floor(peak * 0.95)}: ${below.result.reason}`);
  assert.match(below.result.reason, /needed more than the heap limit of \d+ bytes/);
  assert.equal(above.result.code, 0, `limit ${Math.ceil(peak * 1.05)}: ${above.result.reason}`);
  const m = above.station.memory();
  assert.ok(m.peak <= m.limit, `peak ${m.peak} within the limit ${m.limit}`);
});
