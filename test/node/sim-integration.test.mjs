// Integration: the real bundle (dist/simulator.min.js, the simulator's default: the flashed station
// on the simulated charger) in QuickJS on the simulator host, over
// real sockets on 127.0.0.1, against the strict ocpp-rpc CSMS (every message both ways is
// validated against the official OCPP 1.6 schemas). Short intervals keep it fast.
//
// The promise the station makes is checked the same way every time (deliveredOnce): the
// CSMS processed the transaction's StartTransaction, every MeterValues the station took
// and the StopTransaction exactly once, in order, all with the CSMS's transaction id.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stationTests, within, simulatorProcess as spawnSimulator } from './lib/stations.mjs';

const rig = stationTests('sim-integration');
const dataDir = rig.dataDir;
let csms;

/** Settings that make a station quick: samples every second, reconnects within 2 s. */
const FAST = { reconnectMaxSeconds: 2, configuration: { MeterValueSampleInterval: 1 } };

/** A CSMS of the test's own, for a test that stops it or changes its answers (the tests run at once). */
const ownCsms = (options = {}) => rig.csms({ heartbeatInterval: 1, callTimeout: 5, ...options });

before(async () => {
  csms = await ownCsms();
});

/** Starts the real bundle as station `id` against the test CSMS. */
const startStation = (id, settings = {}) => rig.start({ url: csms.url, id, connectors: 2, scenario: 'idle', idTag: 'TAG-' + id, duration: 0, ...FAST, ...settings });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Resolves { code: 'timeout' } after ms, without keeping the process alive once the test is over. */
const giveUp = (ms) => new Promise((r) => setTimeout(() => r({ code: 'timeout' }), ms).unref());

/** The station's transaction CALLs the CSMS received, in order (repeats of an answered message flagged). */
function transactionCalls(id, server = csms) {
  return server.messages(id, { direction: 'in', type: 'CALL' }).filter((r) => /^(StartTransaction|MeterValues|StopTransaction)$/.test(r.action) && (r.action !== 'MeterValues' || r.payload.transactionId !== undefined));
}

/**
 * Asserts the station's transactions reached the CSMS exactly once each, in order:
 * StartTransaction, its MeterValues (register never going down), StopTransaction —
 * with the CSMS's transactionId on every later message. Returns the transactions.
 */
function deliveredOnce(id, { minMeterValues = 1, reason } = {}, server = csms) {
  const calls = transactionCalls(id, server);
  const repeats = calls.filter((r) => r.repeat);
  const processed = calls.filter((r) => !r.repeat);
  const txs = [];
  let open = null;
  for (const r of processed) {
    if (r.action === 'StartTransaction') {
      assert.equal(open, null, `${id}: a StartTransaction while transaction ${open?.id} is open`);
      const answer = server.messages(id, { direction: 'out', type: 'CALLRESULT' }).find((a) => a.id === r.id);
      open = { id: answer.payload.transactionId, start: r.payload, meterValues: [], stop: null };
      txs.push(open);
    } else {
      assert.ok(open, `${id}: ${r.action} outside a transaction`);
      assert.equal(r.payload.transactionId, open.id, `${id}: ${r.action} carries the transaction's id`);
      if (r.action === 'MeterValues') open.meterValues.push(r.payload);
      else {
        open.stop = r.payload;
        open = null;
      }
    }
  }
  assert.ok(txs.length >= 1, `${id}: a transaction`);
  for (const tx of txs) {
    assert.ok(tx.stop, `${id}: transaction ${tx.id} was stopped`);
    assert.ok(tx.meterValues.length >= minMeterValues, `${id}: transaction ${tx.id} has ${tx.meterValues.length} MeterValues, expected >= ${minMeterValues}`);
    const times = tx.meterValues.map((mv) => Date.parse(mv.meterValue[0].timestamp));
    for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1], `${id}: MeterValues in order (${times})`);
    const energy = tx.meterValues.map((mv) => Number(mv.meterValue[0].sampledValue.find((v) => (v.measurand || 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register').value));
    for (let i = 1; i < energy.length; i++) assert.ok(energy[i] >= energy[i - 1], `${id}: register never goes down (${energy})`);
    assert.ok(tx.stop.meterStop >= tx.start.meterStart, `${id}: meterStop ${tx.stop.meterStop} >= meterStart ${tx.start.meterStart}`);
    if (energy.length) assert.ok(tx.stop.meterStop >= energy[energy.length - 1], `${id}: meterStop after the last MeterValues`);
    if (reason) assert.equal(tx.stop.reason, reason);
    // The CSMS's own bookkeeping agrees: one transaction, every value counted once.
    const book = server.transactions.get(tx.id);
    assert.equal(book.meterStop, tx.stop.meterStop);
  }
  assert.deepEqual(server.violations.filter((v) => v.station === id), [], `${id}: every message valid against the OCPP 1.6 schemas`);
  return { txs, repeats: repeats.length };
}

// Timed on its own, before the tests that run at once: their stations boot and charge in this
// same process, and on a loaded machine a burst of that work can hold a heartbeat timer back
// past the bound, which would then measure the machine, not the station.
test('boot over subprotocol ocpp1.6, StatusNotification per connector, heartbeat at the interval given', async () => {
  const id = 'INT-BOOT';
  const station = await startStation(id, { connectors: 2 });
  const boot = await within(station, csms.waitForCall(id, 'BootNotification', { timeout: 5000 }));
  assert.equal(csms.connections.find((c) => c.station === id).protocol, 'ocpp1.6');
  assert.equal(boot.payload.chargeBoxSerialNumber, id);
  assert.match(boot.payload.chargePointSerialNumber, /^\d{15}$/, 'IMEI');
  const first = await within(station, csms.waitForCall(id, 'Heartbeat', { timeout: 4000 }));
  const second = await within(station, csms.waitForCall(id, 'Heartbeat', { timeout: 4000, from: first.seq + 1 }));
  const gap = second.time - first.time;
  assert.ok(gap >= 800 && gap <= 2000, `heartbeats ${gap} ms apart; the CSMS asked for 1 s`);
  const connectors = new Set(csms.calls(id, 'StatusNotification').map((p) => p.connectorId));
  for (const c of [0, 1, 2]) assert.ok(connectors.has(c), `StatusNotification for connector ${c}; got ${[...connectors]}`);
  assert.deepEqual(csms.violations, []);
  await station.stop(0);
});

// The tests run at the same time (each has its own station id, and a test that stops or
// reconfigures the CSMS has a CSMS of its own): they wait on real time, not on the CPU.
describe('the simulated station against the strict CSMS', { concurrency: true }, () => {
  test('registration against the strict CSMS: Pending (configured, triggered, no remote start), Rejected (silent on the open connection, then boots again on it), Accepted', async () => {
    const id = 'INT-PENDING';
    const strict = await ownCsms({ bootStatus: 'Pending' });
    const station = await startStation(id, { url: strict.url });
    const first = await within(station, strict.waitForCall(id, 'BootNotification', { timeout: 5000 }));
    assert.deepEqual(await strict.call(id, 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '2' }), { status: 'Accepted' });
    const conf = await strict.call(id, 'GetConfiguration', { key: ['MeterValueSampleInterval'] });
    assert.equal(conf.configurationKey[0].value, '2');
    assert.deepEqual(await strict.call(id, 'RemoteStartTransaction', { idTag: 'R', connectorId: 1 }), { status: 'Rejected' });
    assert.deepEqual(await strict.call(id, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }), { status: 'Accepted' });
    await within(station, strict.waitForCall(id, 'StatusNotification', { timeout: 3000 }));
    await within(station, strict.waitForCall(id, 'BootNotification', { timeout: 3000, from: first.seq + 1 }));
    const sent = strict.messages(id, { direction: 'in', type: 'CALL' }).map((r) => r.action);
    assert.deepEqual([...new Set(sent)].sort(), ['BootNotification', 'StatusNotification'], 'while Pending: boots and the triggered status only');
    // Rejected (interval 3 s): the connection stays open, the station answers nothing and
    // sends nothing, then boots again on the same connection.
    strict.bootStatus = 'Rejected';
    strict.heartbeatInterval = 3;
    const connections = strict.connections.filter((c) => c.station === id).length;
    const rejected = await within(station, strict.waitForCall(id, 'BootNotification', { timeout: 3000, from: strict.records.length }));
    await sleep(100);
    await assert.rejects(strict.call(id, 'GetConfiguration', {}, { timeout: 1.5 }), /timed? ?out|timeout/i, 'no answer while Rejected');
    strict.bootStatus = 'Accepted';
    strict.heartbeatInterval = 1;
    const again = await within(station, strict.waitForCall(id, 'BootNotification', { timeout: 5000, from: rejected.seq + 1 }));
    assert.ok(again.time - rejected.time >= 2900, `the next boot after the interval (${again.time - rejected.time} ms)`);
    const between = strict.messages(id, { direction: 'in', type: 'CALL' }).filter((r) => r.seq > rejected.seq && r.seq < again.seq);
    assert.deepEqual(between, [], 'nothing sent while Rejected');
    assert.equal(strict.connections.filter((c) => c.station === id).length, connections, 'on the same connection');
    assert.ok(!strict.connections.filter((c) => c.station === id)[connections - 1].closedAt, 'still open');
    await within(station, strict.waitForCall(id, 'Heartbeat', { timeout: 8000 }));
    const after = strict.calls(id, 'StatusNotification').map((p) => p.connectorId);
    for (const c of [0, 1, 2]) assert.ok(after.includes(c), `StatusNotification for connector ${c} once Accepted`);
    assert.deepEqual(strict.violations, [], 'every message valid against the OCPP 1.6 schemas');
    await station.stop(0);
  });

  test('a session with meter values: Authorize, StartTransaction, MeterValues, StopTransaction, exit 0', async () => {
    const id = 'INT-SESSION';
    const station = await startStation(id, { scenario: 'session', duration: 4 });
    const result = await within(station, Promise.race([station.exited, giveUp(30000)]));
    assert.equal(result.code, 0, `exit: ${result.reason}\n${station.logs.join('\n')}`);
    const actions = csms.messages(id, { direction: 'in', type: 'CALL' }).map((r) => r.action).filter((a) => a !== 'Heartbeat' && a !== 'StatusNotification');
    assert.deepEqual(actions.slice(0, 3), ['BootNotification', 'Authorize', 'StartTransaction']);
    const { txs, repeats } = deliveredOnce(id, { minMeterValues: 3, reason: 'Local' });
    assert.equal(repeats, 0);
    assert.equal(txs.length, 1);
    assert.equal(txs[0].stop.idTag, 'TAG-' + id);
    assert.ok(txs[0].stop.meterStop > txs[0].start.meterStart, 'energy flowed');
    const statuses = csms.calls(id, 'StatusNotification').filter((p) => p.connectorId === 1).map((p) => p.status);
    assert.deepEqual(statuses, ['Available', 'Preparing', 'Charging', 'Finishing', 'Available']);
  });

  test('remote start and stop from the CSMS (the simulated driver plugs in and out)', async () => {
    const id = 'INT-REMOTE';
    const station = await startStation(id);
    await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 5000 }));
    assert.deepEqual(await csms.call(id, 'RemoteStartTransaction', { idTag: 'REMOTE-1', connectorId: 2 }), { status: 'Accepted' });
    const start = await within(station, csms.waitForCall(id, 'StartTransaction', { timeout: 5000 }));
    assert.equal(start.payload.connectorId, 2);
    await within(station, csms.waitForCall(id, 'MeterValues', { timeout: 5000 }));
    const answer = csms.messages(id, { direction: 'out', type: 'CALLRESULT' }).find((a) => a.id === start.id);
    assert.deepEqual(await csms.call(id, 'RemoteStopTransaction', { transactionId: answer.payload.transactionId }), { status: 'Accepted' });
    await within(station, csms.waitForCall(id, 'StopTransaction', { timeout: 5000 }));
    await within(
      station,
      csms.waitFor((r) => r.station === id && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.connectorId === 2 && r.payload.status === 'Available', {
        from: start.seq,
        timeout: 5000,
        what: 'connector 2 Available again',
      })
    );
    deliveredOnce(id, { reason: 'Remote' });
    assert.deepEqual(await csms.call(id, 'RemoteStopTransaction', { transactionId: answer.payload.transactionId }), { status: 'Rejected' }, 'over');
    await station.stop(0);
  });

  test('the link dropped mid-transaction: the station reconnects and everything arrives exactly once, in order', async () => {
    const id = 'INT-DROP';
    const station = await startStation(id, { scenario: 'session', duration: 6 });
    await within(station, csms.waitForCall(id, 'StartTransaction', { timeout: 10000 }));
    await within(station, csms.waitForCall(id, 'MeterValues', { timeout: 5000 }));
    await sleep(300); // between two samples
    await csms.disconnect(id, { terminate: true }); // a cut, as a lost cellular link
    await within(station, csms.waitForConnection(id, { after: 1, timeout: 10000 }));
    const result = await within(station, Promise.race([station.exited, giveUp(30000)]));
    assert.equal(result.code, 0, result.reason);
    const { txs } = deliveredOnce(id, { minMeterValues: 4, reason: 'Local' });
    assert.equal(txs.length, 1);
    assert.equal(csms.calls(id, 'BootNotification').length, 1, 'no second boot after a reconnect');
  });

  test('the CSMS stopped for a while: meter values taken meanwhile are queued and delivered after it is back, exactly once, in order', async () => {
    const id = 'INT-OUTAGE';
    const csms = await ownCsms(); // stopped below
    const station = await startStation(id, { url: csms.url, scenario: 'session', duration: 8 });
    await within(station, csms.waitForCall(id, 'MeterValues', { timeout: 10000 }));
    const before = transactionCalls(id, csms).length;
    await csms.stop(); // every connection cut, nobody listening
    await sleep(3500);
    await csms.start();
    const result = await within(station, Promise.race([station.exited, giveUp(30000)]));
    assert.equal(result.code, 0, result.reason);
    const { txs } = deliveredOnce(id, { minMeterValues: 6, reason: 'Local' }, csms);
    assert.equal(txs.length, 1);
    assert.ok(transactionCalls(id, csms).length - before >= 4, 'the outage\'s meter values arrived afterwards');
    assert.ok(station.logs.some((l) => /cannot connect|connection lost/.test(l)), 'the outage was seen');
  });

  /** The simulator in a process of its own (so it can be killed). */
  const simulatorProcess = (id, settings) => spawnSimulator({ url: csms.url, id, connectors: 2, idTag: 'TAG-' + id, ...FAST, ...settings }, dataDir);

  test('the energy register counts by itself: after Reset Hard and after kill -9 the StopTransaction carries the stored register (nobody read the meter)', async () => {
    const id = 'INT-REGISTER';
    const wattHours = (ms) => (3 * 230 * 16 * ms) / 3600000; // the simulated EV draws 16 A on 3 phases
    const settings = { scenario: 'idle', duration: 0, configuration: { MeterValueSampleInterval: 0 } }; // no sampling: no reads
    /** A remote start at connector 1 (the idle driver plugs in), charging for `ms`: the StartTransaction record. */
    const charge = async (child, ms) => {
      const from = csms.records.length;
      assert.deepEqual(await csms.call(id, 'RemoteStartTransaction', { idTag: 'REG', connectorId: 1 }), { status: 'Accepted' });
      const start = await within(child, csms.waitForCall(id, 'StartTransaction', { timeout: 10000, from }));
      await sleep(ms);
      return start;
    };
    const stopAfter = (child, from, reason) =>
      within(child, csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'StopTransaction' && r.payload.reason === reason, { timeout: 15000, from, what: 'StopTransaction ' + reason }));

    const first = simulatorProcess(id, settings);
    try {
      await within(first, csms.waitForCall(id, 'StatusNotification', { timeout: 10000 }));
      // Reset Hard 4.5 s into a transaction (the reported case: meterStop was meterStart).
      let start = await charge(first, 4500);
      let from = csms.records.length;
      await csms.call(id, 'Reset', { type: 'Hard' });
      const resetAt = Date.now();
      let stop = await stopAfter(first, from, 'HardReset');
      const hard = stop.payload.meterStop - start.payload.meterStart;
      assert.ok(hard >= Math.floor(wattHours(resetAt - start.time - 500)), `HardReset: ${hard} Wh for ${resetAt - start.time} ms at 11040 W`);

      // kill -9 4.5 s into the next one: the register as stored (at most one tick old) survives.
      start = await charge(first, 4500);
      first.kill('SIGKILL');
      const killedAt = Date.now();
      assert.equal((await first.exited).signal, 'SIGKILL');
      const stored = JSON.parse(readFileSync(join(dataDir, id, 'sim-meters.json'), 'utf8'))[0];
      assert.ok(stored - start.payload.meterStart >= wattHours(killedAt - start.time - 3000), `stored ${stored} Wh, ${killedAt - start.time} ms after a start at ${start.payload.meterStart} Wh`);
      from = csms.records.length;
      const second = simulatorProcess(id, settings);
      try {
        stop = await stopAfter(second, from, 'PowerLoss');
      } finally {
        second.kill('SIGTERM');
        await second.exited;
      }
      assert.equal(stop.payload.meterStop, Math.floor(stored), 'the stored register');
      assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGTERM');
    }
  });

  test('the simulator process killed mid-transaction while offline, restarted on the same data dir: Start, every MeterValues and Stop (PowerLoss) exactly once, in order', async () => {
    const id = 'INT-KILL';
    const csms = await ownCsms(); // stopped below
    const first = simulatorProcess(id, { url: csms.url, scenario: 'session', duration: 60 });
    await within(first, csms.waitForCall(id, 'StartTransaction', { timeout: 15000 }));
    await within(first, csms.waitForCall(id, 'MeterValues', { timeout: 5000 }));
    await csms.stop(); // offline...
    await sleep(3000); // ...while it takes meter values
    first.kill('SIGKILL'); // power loss
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(first.logs.some((l) => /cannot connect|connection lost/.test(l)), 'it was offline when killed');
    await csms.start();
    const second = simulatorProcess(id, { url: csms.url, scenario: 'idle', duration: 0 });
    try {
      await within(
        second,
        csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'StopTransaction', { timeout: 15000, what: 'the StopTransaction after the restart' })
      );
      await sleep(500);
    } finally {
      second.kill('SIGTERM');
      await second.exited;
    }
    const { txs } = deliveredOnce(id, { minMeterValues: 3, reason: 'PowerLoss' }, csms);
    assert.equal(txs.length, 1);
    const offline = txs[0].meterValues.filter((mv) => Date.parse(mv.meterValue[0].timestamp) > csms.connections.filter((c) => c.station === id)[0].closedAt);
    assert.ok(offline.length >= 2, `meter values taken while offline were delivered after the restart (${offline.length})`);
  });
});
