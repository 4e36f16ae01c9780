// The simulator's integration scenarios under the native host: the very bundle the simulator
// runs (dist/simulator.min.js: the flashed station on the simulated charger), in build/ocpp-host, against the strict CSMS (sim/csms.mjs, every message
// schema-checked). Each scenario runs under both hosts at once and the two are compared:
// a full charging session, a link dropped in the middle of a transaction, and bad frames
// from the CSMS (answered byte for byte alike). The native host prints its peak heap.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { DEFAULT_BUNDLE } from '../../sim/host.mjs';
import { BAD_FRAMES } from './lib/bad-frames.mjs';
import { stationTests } from './lib/stations.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
// The station application is what these scenarios exercise; until it is in the
// bundle there is nothing to run them on.
const skip = !shim.ok ? shim.reason : !existsSync(join(root, 'src', 'app')) ? 'the charge-point application (src/app/) is not in the bundle yet' : false;
if (skip) process.stderr.write(`shim-scenarios skipped: ${skip}\n`);
// Skipped tests are not registered at all, so that none of them counts as passed.
const scenario = skip ? () => {} : (name, fn) => test(name, { timeout: 180000 }, fn);

const rig = stationTests('shim-scenarios');
const dataDir = rig.dataDir;

let csms;
before(async () => {
  if (skip) return;
  csms = await rig.csms({ heartbeatInterval: 300 });
});

const bundleHash = () => createHash('sha256').update(readFileSync(DEFAULT_BUNDLE)).digest('hex');

/** The native station: ocpp-host on the simulator's bundle (dist/simulator.min.js). */
function nativeStation(id, flags) {
  return startHost(DEFAULT_BUNDLE, ['--url', csms.url, '--id', id, '--data-dir', dataDir, ...flags], { timeout: 120000 });
}

/** The simulator's station on the same bundle and settings. */
async function simulatedStation(id, settings) {
  return rig.start({ url: csms.url, id, connectors: 2, idTag: 'DEMO-TAG', duration: 0, logLevel: 'info', ...settings });
}

/** The CALL actions a station sent, Heartbeats left out and repeats folded ("MeterValues" ×n → once). */
function actionsOf(station) {
  const out = [];
  for (const r of csms.messages(station, { direction: 'in', type: 'CALL' })) {
    if (r.action !== 'Heartbeat' && out[out.length - 1] !== r.action) out.push(r.action);
  }
  return out;
}

function transactionsOf(station) {
  return [...csms.transactions.entries()].filter(([, t]) => t.station === station);
}

scenario('a full charging session: the same bundle completes it under the native host as under the simulator; peak heap printed', async () => {
  const hash = bundleHash();
  const native = nativeStation('NAT-SESSION', ['--scenario', 'session']);
  const sim = await simulatedStation('SIM-SESSION', { scenario: 'session' });
  const [n, s] = await Promise.all([native.exited, sim.exited]);
  assert.equal(s.code, 0, `simulator: ${s.reason}`);
  assert.equal(n.code, 0, n.stdout + n.stderr);
  assert.equal(bundleHash(), hash, 'both ran the one dist/simulator.min.js');

  const [[, tx]] = transactionsOf('NAT-SESSION');
  assert.ok(tx.meterStop !== null && tx.meterStop >= tx.meterStart, `meter ${tx.meterStart} → ${tx.meterStop}`);
  assert.deepEqual(actionsOf('NAT-SESSION'), actionsOf('SIM-SESSION'), 'the same steps in the same order');
  for (const action of ['BootNotification', 'Authorize', 'StartTransaction', 'StopTransaction']) {
    assert.ok(actionsOf('NAT-SESSION').includes(action), `${action} was sent`);
  }
  assert.deepEqual(csms.violations.filter((v) => v.station === 'NAT-SESSION'), [], 'every message valid against the OCPP 1.6 schemas');
  assert.ok(n.heapPeak > 0 && n.heapPeak <= 1024 * 1024, `peak heap ${n.heapPeak} printed, within the 1 MiB limit`);
  process.stderr.write(`shim-scenarios: native peak heap ${n.heapPeak} bytes; simulator peak ${sim.memory().peak} bytes (memory_used_size)\n`);
});

scenario('a link dropped mid-transaction: the station reconnects and the StopTransaction still arrives, under both hosts', async () => {
  const ids = ['NAT-DROP', 'SIM-DROP'];
  const native = nativeStation(ids[0], ['--scenario', 'session']);
  const sim = await simulatedStation(ids[1], { scenario: 'session' });
  await Promise.all(
    ids.map(async (id) => {
      await csms.waitForCall(id, 'StartTransaction', { timeout: 60000 });
      await csms.disconnect(id, { terminate: true }); // a cut, as a lost cellular link
      await csms.waitForConnection(id, { after: 1, timeout: 90000 });
    })
  );
  const [n, s] = await Promise.all([native.exited, sim.exited]);
  assert.equal(s.code, 0, `simulator: ${s.reason}`);
  assert.equal(n.code, 0, n.stdout + n.stderr);
  for (const id of ids) {
    // A StartTransaction whose answer was lost in the cut may be sent again (a second id):
    // what must not be lost is the StopTransaction.
    const txs = transactionsOf(id);
    assert.ok(txs.length >= 1, `${id}: a transaction`);
    assert.ok(txs.some(([, t]) => t.meterStop !== null), `${id}: its StopTransaction arrived after the reconnect`);
  }
  assert.ok(n.heapPeak > 0, 'peak heap printed');
});

scenario('bad frames from the CSMS get the same answers under the native host as under the simulator', async () => {
  const ids = ['NAT-BAD', 'SIM-BAD'];
  const native = nativeStation(ids[0], ['--scenario', 'idle', '--duration', '120']);
  const sim = await simulatedStation(ids[1], { scenario: 'idle', duration: 120 });
  await Promise.all(ids.map((id) => csms.waitForCall(id, 'StatusNotification', { timeout: 60000 })));
  await new Promise((resolve) => setTimeout(resolve, 500)); // the boot's StatusNotifications settle

  const answers = { [ids[0]]: [], [ids[1]]: [] };
  for (const { frame } of BAD_FRAMES) {
    const from = csms.records.length;
    for (const id of ids) csms.sendRaw(id, frame);
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (const id of ids) {
      const replies = csms.records.slice(from).filter((r) => r.station === id && r.direction === 'in' && r.type !== 'CALL');
      answers[id].push({ frame, replies: replies.map((r) => r.text) });
    }
  }
  assert.deepEqual(answers[ids[0]], answers[ids[1]], 'byte-identical answers');
  const answered = answers[ids[0]].filter((a) => a.replies.length > 0);
  assert.ok(answered.length >= 4, `most bad frames get a CALLERROR: ${JSON.stringify(answers[ids[0]], null, 1)}`);
  for (const a of answered) for (const text of a.replies) assert.equal(JSON.parse(text)[0], 4, `${a.frame} → ${text} is a CALLERROR`);

  // Both stations are still alive and serving: a valid call is answered.
  for (const id of ids) assert.ok(await csms.call(id, 'GetConfiguration', { key: ['HeartbeatInterval'] }, { timeout: 10 }));
  sim.stop(0, 'test done');
  const n = await native.stop('SIGTERM');
  assert.equal(n.code, 130, n.stdout);
  assert.ok(n.heapPeak > 0, 'peak heap printed');
});
