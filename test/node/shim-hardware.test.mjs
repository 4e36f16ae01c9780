// The flashed firmware (dist/firmware.min.js, no simulator in it) on the native host with the
// charger's IO from `--hardware DIR` (port/posix/hardware.c: a folder of state files the
// test keeps as a charger's IO daemon would), against the strict embedded CSMS: a whole
// charging session driven at the charger (cable, card, meter, cable pulled), bad input from
// the backend on the way, and the host's answers when the folder is missing or says nothing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildShim, buildShimArmhf, socketsBinary } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { stationTests } from './lib/stations.mjs';
import { HardwareFolder, hardwareSession } from './lib/hardware-folder.mjs';
import { chargerSession } from '../../bench/hardware-daemon.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIRMWARE = join(root, 'dist', 'firmware.min.js');
const FIRMWARE_201 = join(root, 'dist', 'firmware-201.min.js');
const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`shim-hardware skipped: ${shim.reason}\n`);
const armhf = shim.ok ? buildShimArmhf({ say: (line) => process.stderr.write(line + '\n') }) : { ok: false, reason: 'no native host' };
const it = shim.ok ? (name, options, fn) => (fn ? test(name, { timeout: 180000, ...options }, fn) : test(name, { timeout: 180000 }, options)) : () => {};

const rig = stationTests('shim-hardware');
let csms;
before(async () => {
  if (shim.ok) csms = await rig.csms({ heartbeatInterval: 300 });
});

/** A settings file: one connector's worth of the station, MeterValues every second. */
function settingsFile(name) {
  const file = join(rig.dataDir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ configuration: { MeterValueSampleInterval: 1 } }));
  return file;
}

/** The session of lib/hardware-folder.mjs on one build of the host (`options`: startHost's binaryPath, runner). */
async function nativeSession(id, options = {}) {
  const hw = new HardwareFolder(join(rig.dataDir, `hw-${id}`), [{ maxCurrentA: 16 }]);
  const host = startHost(FIRMWARE, ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--settings', settingsFile(id), '--hardware', hw.dir], { timeout: 150000, ...options });
  const log = () => host.lines.map((l) => l.text).join('\n');
  await host.waitFor(/charger IO from the host: 1 connector\(s\)/, { timeout: 60000 });
  const { stop } = await hardwareSession(csms, id, hw, log);
  assert.ok(host.lines.some((l) => l.level === 'warning' && /connector 1: hardwareInputs gave no JSON object; keeping the last reading/.test(l.text)), 'the bad texts were logged and ignored');
  assert.ok(stop.payload.transactionId > 0);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), [], 'every message valid against the OCPP 1.6 schemas');
  const n = await host.stop('SIGTERM');
  assert.equal(n.code, 130, n.stdout + n.stderr);
  return n;
}

it('a charging session with dist/firmware.min.js on the native host, through --hardware: cable, card, the backend meter in MeterValues, a current limit written, cable pulled → StopTransaction with the last register; bad backend input changes nothing', async () => {
  await nativeSession('HW-NATIVE');
});

it('the same session on ocpp-host-sockets (the Quectel port\'s event loop: the watcher wakes its select loop)', async () => {
  await nativeSession('HW-SOCKETS', { binaryPath: socketsBinary });
});

it('the same session on the 32-bit ARM build under qemu-arm (the module\'s word size), heap peak printed', { skip: armhf.ok ? false : armhf.reason }, async () => {
  const n = await nativeSession('HW-ARMHF', { binaryPath: armhf.binary, runner: armhf.runner });
  assert.ok(n.heapPeak > 0 && n.heapPeak <= 1024 * 1024, `heap peak ${n.heapPeak}`);
  process.stderr.write(`shim-hardware: armhf firmware session through --hardware, heap peak ${n.heapPeak} bytes, native RAM peak ${n.nativeRamPeak} bytes\n`);
});

it('the flashed 2.0.1 firmware (dist/firmware-201.min.js) through --hardware, as the benchmark plays its session (bench/hardware-daemon.mjs): both EVSEs charge at once, cable, card, the register rising, card again, cable out', async () => {
  const id = 'HW-201';
  const hw = new HardwareFolder(join(rig.dataDir, `hw-${id}`), [{ maxCurrentA: 32 }, { maxCurrentA: 32 }]);
  const host = startHost(FIRMWARE_201, ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--hardware', hw.dir], { timeout: 150000 });
  await host.waitFor(/charger IO from the host: 2 connector\(s\)/, { timeout: 60000 });
  await csms.waitFor((r) => r.station === id && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.evseId === 2 && r.payload.connectorStatus === 'Available', { timeout: 30000, what: 'EVSE 2 Available' });
  const from = csms.records.length;
  await chargerSession({ csms, id, hw, connectors: [1, 2], version: '2.0.1', seconds: 3 });
  const events = csms.records.slice(from).filter((r) => r.station === id && r.type === 'CALL' && r.action === 'TransactionEvent');
  for (const evse of [1, 2]) assert.ok(events.some((r) => r.payload.eventType === 'Started' && r.payload.evse && r.payload.evse.id === evse), `a transaction started at EVSE ${evse}`);
  const ended = events.filter((r) => r.payload.eventType === 'Ended');
  assert.equal(ended.length, 2);
  for (const r of ended) assert.equal(r.payload.transactionInfo.stoppedReason, 'Local', 'stopped by the card at the reader');
  // The two transactions ran at once: the second started before the first ended.
  const firstEnd = events.indexOf(ended[0]);
  assert.ok(events.findIndex((r) => r.payload.eventType === 'Started' && r.payload.evse.id === 2) < firstEnd, 'EVSE 2 started while EVSE 1 charged');
  assert.equal(hw.output('relay', 1), false);
  assert.equal(hw.output('relay', 2), false);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), [], 'every message valid against the OCPP 2.0.1 schemas');
  const n = await host.stop('SIGTERM');
  assert.equal(n.code, 130, n.stdout + n.stderr);
});

it('UnlockConnector through --hardware: UnlockFailed while the daemon says the lock does not move (lock-stuck-1 is 1), lock-1 left as it was; Unlocked once it moves again (0), lock-1 0', async () => {
  const id = 'HW-UNLOCK';
  const hw = new HardwareFolder(join(rig.dataDir, `hw-${id}`), [{ maxCurrentA: 16 }]);
  hw.write('lock-1', '1\n'); // the cable locked, as a boot may find it
  hw.write('lock-stuck-1', '1\n');
  const host = startHost(FIRMWARE, ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--hardware', hw.dir], { timeout: 60000 });
  await host.waitFor(/charger IO from the host: 1 connector\(s\)/, { timeout: 30000 });
  await csms.waitForCall(id, 'StatusNotification', { timeout: 30000 });
  assert.deepEqual(await csms.call(id, 'UnlockConnector', { connectorId: 1 }), { status: 'UnlockFailed' });
  assert.equal(hw.output('lock', 1), true, 'a lock that does not move is not written');
  // The host's log line may reach us after the CALLRESULT (two pipes): wait for it, don't look once.
  const refused = await host.waitFor(/connector 1: hardwareWrite \{"lock":false\} failed: ConnectorLockFailure/, { timeout: 10000 });
  assert.equal(refused.level, 'warning', refused.text);
  hw.write('lock-stuck-1', '0\n');
  assert.deepEqual(await csms.call(id, 'UnlockConnector', { connectorId: 1 }), { status: 'Unlocked' });
  assert.equal(hw.output('lock', 1), false);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  const n = await host.stop('SIGTERM');
  assert.equal(n.code, 130, n.stdout + n.stderr);
});

it('--hardware: a folder that is not there ends the host with 1 and why; one without info runs the OCPP side with connectors without IO', async () => {
  const help = await startHost(FIRMWARE, ['--help']).exited;
  assert.match(help.stdout, /--hardware DIR +the charger's IO/);
  const missing = await startHost(FIRMWARE, ['--url', csms.url, '--id', 'HW-MISSING', '--data-dir', rig.dataDir, '--hardware', join(rig.dataDir, 'nowhere')]).exited;
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^ocpp-host: --hardware: cannot open .*nowhere: No such file or directory$/m);

  const hw = new HardwareFolder(join(rig.dataDir, 'hw-empty'), []);
  hw.write('info', 'not json');
  const host = startHost(FIRMWARE, ['--url', csms.url, '--id', 'HW-EMPTY', '--data-dir', rig.dataDir, '--connectors', '1', '--hardware', hw.dir]);
  await host.waitFor(/no charger IO: hardwareInfo lists no connector; 1 connector\(s\) without IO/);
  await csms.waitForCall('HW-EMPTY', 'StatusNotification');
  const n = await host.stop('SIGTERM');
  assert.equal(n.code, 130, n.stdout);
});
