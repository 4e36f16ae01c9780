// OCPP 2.0.1 transactions in the simulator against the strict embedded CSMS (every message
// validated both ways against the 2.0.1 schemas): `npm start -- --ocpp 2.0.1`'s session,
// remote start and stop, the CSMS gone mid-transaction (events made meanwhile delivered later
// in order with offline: true, seqNo without gaps, each once), and kill -9 mid-transaction
// (the next boot ends the transaction with PowerLoss, nothing lost or doubled).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Csms } from '../../sim/csms.mjs';
import { SimulatedStation } from '../../sim/host.mjs';
import { runDemo } from '../../sim/start.mjs';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { simulatorProcess as spawnSimulator } from './lib/stations.mjs';

const BUNDLE = fileURLToPath(new URL('../../dist/simulator-201.min.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sim-ocpp201-tx-'));
/** Short intervals: an Updated every second, reconnects within 2 s. */
const FAST = { reconnectMaxSeconds: 2, configuration: { 'SampledDataCtrlr/TxUpdatedInterval': 1 } };
const servers = [];
const running = [];

async function ownCsms() {
  const server = new Csms({ heartbeatInterval: 30, callTimeout: 5 });
  servers.push(server);
  await server.start();
  return server;
}

async function startStation(csms, id, settings = {}) {
  const station = new SimulatedStation({ settings: { url: csms.url, id, connectors: 2, scenario: 'idle', idTag: 'TAG-' + id, duration: 0, ...FAST, ...settings }, dataDir, bundle: BUNDLE });
  station.logs = [];
  station.on('log', (e) => station.logs.push(e.text));
  running.push(station);
  await station.start();
  return station;
}

/** The simulator in a process of its own (so it can be killed), one 2.0.1 station. */
function simulatorProcess(csms, id, settings) {
  return spawnSimulator({ url: csms.url, id, connectors: 2, idTag: 'TAG-' + id, ...FAST, ...settings }, dataDir, BUNDLE);
}

async function within(station, promise) {
  try {
    return await promise;
  } catch (err) {
    err.message += `\nstation log:\n  ${(station.logs || []).join('\n  ')}`;
    throw err;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const giveUp = (ms) => new Promise((r) => setTimeout(() => r({ code: 'timeout' }), ms).unref());

/**
 * The station's TransactionEvents as the CSMS processed them (repeats of an answered message
 * left out), per transaction; asserts each transaction's events came once each, in order,
 * seqNo 0, 1, 2, ... without a gap, Started first and Ended last, every message schema-valid.
 */
function deliveredOnce(csms, id) {
  const calls = csms.messages(id, { direction: 'in', type: 'CALL', action: 'TransactionEvent' });
  const byTx = new Map();
  for (const r of calls.filter((c) => !c.repeat)) {
    const txId = r.payload.transactionInfo.transactionId;
    if (!byTx.has(txId)) byTx.set(txId, []);
    byTx.get(txId).push(r.payload);
  }
  assert.ok(byTx.size >= 1, `${id}: a transaction`);
  for (const [txId, events] of byTx) {
    assert.deepEqual(events.map((e) => e.seqNo), events.map((_, i) => i), `${txId}: seqNo 0..n in order, none missing, none twice`);
    assert.equal(events[0].eventType, 'Started');
    assert.equal(events[events.length - 1].eventType, 'Ended');
    assert.ok(events.slice(1, -1).every((e) => e.eventType === 'Updated'));
    const energy = events.flatMap((e) => (e.meterValue || []).flatMap((mv) => mv.sampledValue.filter((v) => (v.measurand ?? 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register' && v.context !== 'Transaction.Begin').map((v) => v.value)));
    for (let i = 1; i < energy.length; i++) assert.ok(energy[i] >= energy[i - 1] || events[events.length - 1].meterValue, `${txId}: the register never goes down (${energy})`);
  }
  assert.deepEqual(csms.violations.filter((v) => v.station === id), [], `${id}: every message valid against the OCPP 2.0.1 schemas`);
  return { byTx, repeats: calls.filter((c) => c.repeat).length };
}

/** One transaction, each event once and in order; those made during the 3 s outage from `outage` were delivered afterwards with offline: true. */
function outageDelivered(csms, id, outage) {
  const { byTx } = deliveredOnce(csms, id);
  assert.equal(byTx.size, 1);
  const events = [...byTx.values()][0];
  const during = events.filter((e) => Date.parse(e.timestamp) > outage + 100 && Date.parse(e.timestamp) < outage + 2900);
  assert.ok(during.length >= 2, `events made during the outage were delivered afterwards (${during.length})`);
  assert.ok(during.every((e) => e.offline === true), 'each with offline: true (E12.FR.02)');
  assert.ok(events.filter((e) => Date.parse(e.timestamp) < outage - 1500).every((e) => e.offline !== true), 'the ones answered before the outage not');
}

before(() => undefined);
after(async () => {
  for (const s of running) if (s.running) await s.stop(1, 'test over');
  for (const s of servers) await s.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('npm start -- --ocpp 2.0.1: Authorize, TransactionEvent Started / Updated / Ended with meter values, exit 0', async () => {
  const lines = [];
  const code = await runDemo({ out: (l) => lines.push(l), ocpp: '2.0.1' });
  assert.equal(code, 0, lines.join('\n'));
  const summary = lines.find((l) => /npm start: session complete/.test(l));
  assert.match(summary, /TransactionEvent\(s\) \(Started, Updated(, Updated)*, Ended\)/, summary);
  assert.match(summary, /all valid against the OCPP 2\.0\.1 schemas/);
  const authorize = lines.findIndex((l) => /→ {2}Authorize /.test(l));
  const started = lines.findIndex((l) => /→ {2}TransactionEvent .*eventType=Started/.test(l));
  assert.ok(authorize > 0 && started > authorize, 'Authorize before Started');
});

test('remote start and stop: RequestStartTransaction (remoteStartId, a charging profile ignored) → Started RemoteStart; RequestStopTransaction → Ended Remote', async () => {
  const csms = await ownCsms();
  const id = 'T201-REMOTE';
  const station = await startStation(csms, id);
  await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 10000 }));
  const profile = { id: 7, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }] };
  const answer = await csms.call(id, 'RequestStartTransaction', { idToken: { idToken: 'REMOTE-1', type: 'Central' }, remoteStartId: 42, evseId: 2, chargingProfile: profile });
  assert.deepEqual(answer, { status: 'Accepted' });
  const started = await within(station, csms.waitFor((r) => r.station === id && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Started', { timeout: 10000, what: 'Started' }));
  assert.equal(started.payload.triggerReason, 'RemoteStart');
  assert.equal(started.payload.transactionInfo.remoteStartId, 42);
  assert.deepEqual(started.payload.idToken, { idToken: 'REMOTE-1', type: 'Central' });
  assert.equal(started.payload.evse.id, 2);
  const txId = started.payload.transactionInfo.transactionId;
  await within(station, csms.waitFor((r) => r.station === id && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Updated', { timeout: 10000, what: 'an Updated' }));
  const status = await csms.call(id, 'GetTransactionStatus', { transactionId: txId });
  assert.equal(status.ongoingIndicator, true, 'E14.FR.02');
  assert.deepEqual(await csms.call(id, 'RequestStartTransaction', { idToken: { idToken: 'REMOTE-2', type: 'Central' }, remoteStartId: 43, evseId: 2 }), { status: 'Rejected' }, 'EVSE 2 is in use (F01.FR.24)');
  assert.deepEqual(await csms.call(id, 'RequestStopTransaction', { transactionId: txId }), { status: 'Accepted' });
  const ended = await within(station, csms.waitFor((r) => r.station === id && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Ended', { timeout: 10000, what: 'Ended' }));
  assert.equal(ended.payload.triggerReason, 'RemoteStop');
  assert.equal(ended.payload.transactionInfo.stoppedReason, 'Remote');
  await within(station, csms.waitFor((r) => r.station === id && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.evseId === 2 && r.payload.connectorStatus === 'Available', { from: ended.seq, timeout: 10000, what: 'EVSE 2 Available again' }));
  assert.deepEqual(await csms.call(id, 'RequestStopTransaction', { transactionId: txId }), { status: 'Rejected' }, 'over');
  deliveredOnce(csms, id);
  await station.stop(0);
});

test('the CSMS gone mid-transaction: the events made meanwhile arrive afterwards in order, offline: true, seqNo without gaps, each once', async () => {
  const csms = await ownCsms();
  const id = 'T201-OUTAGE';
  const station = await startStation(csms, id, { scenario: 'session', duration: 9 });
  await within(station, csms.waitFor((r) => r.station === id && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Updated', { timeout: 15000, what: 'an Updated' }));
  await csms.stop(); // every connection cut, nobody listening
  const outage = Date.now();
  await sleep(3000);
  await csms.start();
  const result = await within(station, Promise.race([station.exited, giveUp(40000)]));
  assert.equal(result.code, 0, result.reason);
  outageDelivered(csms, id, outage);
});

test('kill -9 mid-transaction while offline, restarted on the same data dir: every event once and in order, the Ended one PowerLoss', async () => {
  const csms = await ownCsms();
  const id = 'T201-KILL';
  const first = simulatorProcess(csms, id, { scenario: 'session', duration: 60 });
  try {
    await within(first, csms.waitFor((r) => r.station === id && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Updated', { timeout: 15000, what: 'an Updated' }));
    await csms.stop(); // offline...
    await sleep(2500); // ...while it takes meter values
    first.kill('SIGKILL'); // power loss
    assert.equal((await first.exited).signal, 'SIGKILL');
  } finally {
    if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
  }
  await csms.start();
  const second = simulatorProcess(csms, id, { scenario: 'idle', duration: 0 });
  try {
    await within(second, csms.waitFor((r) => r.station === id && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Ended', { timeout: 20000, what: 'the Ended event after the restart' }));
    await sleep(500);
  } finally {
    second.kill('SIGTERM');
    await second.exited;
  }
  const { byTx } = deliveredOnce(csms, id);
  assert.equal(byTx.size, 1);
  const events = [...byTx.values()][0];
  const ended = events[events.length - 1];
  assert.equal(ended.triggerReason, 'AbnormalCondition');
  assert.equal(ended.transactionInfo.stoppedReason, 'PowerLoss');
  assert.equal(ended.offline, true);
  assert.ok(events.filter((e) => e.offline).length >= 3, 'the events made offline before the kill, and the Ended one');
});

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`sim-ocpp201-transactions: the native-host test skipped: ${shim.reason}\n`);
// A skipped test is not registered, so that it does not count as passed.
(shim.ok ? test : () => {})('the native host runs a 2.0.1 session (dist/simulator-201.min.js --scenario session): Started and Ended with meter values, exit 0', { timeout: 120000 }, async () => {
  const csms = await ownCsms();
  const id = 'NAT-201-SESSION';
  const host = startHost(BUNDLE, ['--url', csms.url, '--id', id, '--connectors', '1', '--scenario', 'session', '--duration', '3', '--data-dir', dataDir], { timeout: 60000 });
  try {
    const { code } = await host.exited;
    assert.equal(code, 0, host.output());
    const { byTx } = deliveredOnce(csms, id);
    const events = [...byTx.values()][0];
    assert.equal(events[0].triggerReason, 'Authorized');
    assert.equal(events[events.length - 1].transactionInfo.stoppedReason, 'Local');
    assert.ok(events[events.length - 1].meterValue.length >= 2, 'Transaction.Begin and .End in the Ended event');
    assert.equal(csms.calls(id, 'Authorize').length, 1);
  } finally {
    host.child.kill();
  }
});

(shim.ok ? test : () => {})('the native host: the CSMS gone mid-transaction, the events made meanwhile arrive afterwards in order, offline: true, seqNo without gaps, each once', { timeout: 120000 }, async () => {
  const csms = await ownCsms();
  const id = 'NAT-201-OUTAGE';
  const own = mkdtempSync(join(tmpdir(), 'sim-ocpp201-native-outage-'));
  const settingsFile = join(own, 'settings.json');
  writeFileSync(settingsFile, JSON.stringify(FAST));
  const host = startHost(BUNDLE, ['--url', csms.url, '--id', id, '--connectors', '1', '--scenario', 'session', '--duration', '9', '--settings', settingsFile, '--data-dir', join(own, 'data')], { timeout: 90000 });
  try {
    await csms.waitFor((r) => r.station === id && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Updated', { timeout: 30000, what: 'an Updated' });
    await csms.stop(); // every connection cut, nobody listening
    const outage = Date.now();
    await sleep(3000);
    await csms.start();
    const { code } = await host.exited;
    assert.equal(code, 0, host.output());
    outageDelivered(csms, id, outage);
  } finally {
    host.child.kill();
    rmSync(own, { recursive: true, force: true });
  }
});
