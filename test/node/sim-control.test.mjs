// The control API (sim/control.mjs) over real HTTP and a real websocket, with the simulator
// CLI's runStations and the real bundle in QuickJS against the strict embedded CSMS: each
// command's effect on the OCPP traffic, bad requests, the token, the events stream, adding
// and removing stations.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { parseCliArgs, UsageError } from '../../sim/cli-options.mjs';
import { startRun, endRun, endAllRuns, http, post, until } from './lib/control-run.mjs';
import { ControlServer, MAX_BODY_BYTES } from '../../sim/control.mjs';
import { SETTINGS_FIELDS } from '../../sim/settings-file.mjs';

after(endAllRuns);

describe('control API commands and their OCPP effect', () => {
  let run;
  before(async () => {
    run = await startRun(['--stations', '2']);
    await run.csms.waitForCall('CP-1', 'StatusNotification');
    await run.csms.waitForCall('CP-2', 'StatusNotification');
  });
  after(() => endRun(run));

  test('GET /api/stations lists every station with its connectors; GET /api/stations/{id} one', async () => {
    const list = await http(run.url + '/api/stations');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((s) => s.id), ['CP-1', 'CP-2']);
    const one = await until('registration', async () => {
      const r = await http(run.url + '/api/stations/CP-1');
      return r.body.registration === 'Accepted' && r;
    });
    assert.equal(one.status, 200);
    assert.equal(one.body.power, 'on');
    assert.equal(one.body.connected, true);
    assert.equal(one.body.connectors.length, 2);
    assert.deepEqual(Object.keys(one.body.connectors[0]).sort(), ['charging', 'energyWh', 'error', 'evRequests', 'id', 'idTag', 'locked', 'plugged', 'powerW', 'sessionWh', 'socPercent', 'status', 'transactionId'].sort());
    assert.equal(one.body.connectors[0].status, 'Available');
  });

  test('plug-in + present-id-tag → Authorize and StartTransaction; the station then shows the transaction; unplug at the EV mid-transaction → StopTransaction EVDisconnected', async () => {
    const from = run.csms.records.length;
    const plug = await post(run, '/api/stations/CP-1/plug-in', { connectorId: 1, ev: { maxCurrentA: 16, socPercent: 40 } });
    assert.equal(plug.status, 200, JSON.stringify(plug.body));
    assert.equal(plug.body.ok, true);
    assert.equal(plug.body.station.connectors[0].plugged, true, 'applied before the reply');
    const card = await post(run, '/api/stations/CP-1/present-id-tag', { idTag: 'CARD-7' });
    assert.equal(card.status, 200);
    assert.equal(card.body.connectorId, 1, 'the connector with the cable');
    const authorize = await run.csms.waitForCall('CP-1', 'Authorize', { from });
    assert.equal(authorize.payload.idTag, 'CARD-7');
    const start = await run.csms.waitForCall('CP-1', 'StartTransaction', { from });
    assert.equal(start.payload.connectorId, 1);
    const state = await until('Charging', async () => {
      const c = (await http(run.url + '/api/stations/CP-1')).body.connectors[0];
      return c.status === 'Charging' && c.transactionId !== null && c;
    });
    assert.equal(state.idTag, 'CARD-7');
    assert.equal(state.powerW, 3 * 230 * 16);
    assert.equal(state.charging, true, 'status Charging');
    const locked = await post(run, '/api/stations/CP-1/unplug', { connectorId: 1 });
    assert.equal(locked.status, 409);
    assert.equal(locked.body.ok, false);
    assert.match(locked.body.error, /locked/);
    const pulled = await post(run, '/api/stations/CP-1/unplug', { connectorId: 1, evSide: true });
    assert.equal(pulled.status, 200);
    const stop = await run.csms.waitForCall('CP-1', 'StopTransaction', { from });
    assert.equal(stop.payload.reason, 'EVDisconnected');
    assert.equal(stop.payload.transactionId, state.transactionId);
  });

  test('fault → StatusNotification Faulted with the vendor code; NoError clears it', async () => {
    const from = run.csms.records.length;
    const r = await post(run, '/api/stations/CP-2/fault', { connectorId: 2, errorCode: 'HighTemperature', vendorErrorCode: 'T-91' });
    assert.equal(r.status, 200);
    const faulted = await run.csms.waitFor((m) => m.station === 'CP-2' && m.action === 'StatusNotification' && m.type === 'CALL' && m.payload.status === 'Faulted', { from });
    assert.equal(faulted.payload.connectorId, 2);
    assert.equal(faulted.payload.errorCode, 'HighTemperature');
    assert.equal(faulted.payload.vendorErrorCode, 'T-91');
    await post(run, '/api/stations/CP-2/fault', { connectorId: 2, errorCode: 'NoError' });
    await run.csms.waitFor((m) => m.station === 'CP-2' && m.action === 'StatusNotification' && m.type === 'CALL' && m.payload.connectorId === 2 && m.payload.status === 'Available', { from: faulted.seq });
  });

  test('ev-requests false → SuspendedEV, true → Charging', async () => {
    await post(run, '/api/stations/CP-2/plug-in', { connectorId: 1 });
    await post(run, '/api/stations/CP-2/present-id-tag', { idTag: 'EV-PAUSE', connectorIds: [1] });
    const from = (await run.csms.waitForCall('CP-2', 'StartTransaction')).seq;
    assert.equal((await post(run, '/api/stations/CP-2/ev-requests', { connectorId: 1, value: false })).status, 200);
    await run.csms.waitFor((m) => m.station === 'CP-2' && m.type === 'CALL' && m.action === 'StatusNotification' && m.payload.status === 'SuspendedEV', { from });
    await post(run, '/api/stations/CP-2/ev-requests', { connectorId: 1, value: true });
    await run.csms.waitFor((m) => m.station === 'CP-2' && m.type === 'CALL' && m.action === 'StatusNotification' && m.payload.status === 'Charging' && m.seq > from + 1, { from });
    await post(run, '/api/stations/CP-2/present-id-tag', { idTag: 'EV-PAUSE' });
    await run.csms.waitFor((m) => m.station === 'CP-2' && m.type === 'CALL' && m.action === 'StopTransaction', { from });
  });

  test('bad requests: 4xx with {"ok":false,"error"} and a clear message, and the server goes on', async () => {
    const cases = [
      [await http(run.url + '/api/stations/NOPE'), 404, /no station "NOPE"/],
      [await post(run, '/api/stations/NOPE/plug-in', { connectorId: 1 }), 404, /no station/],
      [await post(run, '/api/stations/CP-1/teleport', {}), 404, /unknown command "teleport"/],
      [await post(run, '/api/stations/CP-1/plug-in', { connectorId: 7 }), 404, /no connector 7/],
      [await post(run, '/api/stations/CP-1/plug-in', '{"connectorId":'), 400, /not JSON/],
      [await post(run, '/api/stations/CP-1/plug-in', '[1]'), 400, /JSON object/],
      [await post(run, '/api/stations/CP-1/plug-in', { connectorId: 1, colour: 'red' }), 400, /not colour/],
      [await post(run, '/api/stations/CP-1/plug-in', { connectorId: 'one' }), 400, /connectorId/],
      [await post(run, '/api/stations/CP-1/fault', { connectorId: 1, errorCode: 'Smoke' }), 400, /errorCode must be one of/],
      [await post(run, '/api/stations/CP-1/network', { up: 'yes' }), 400, /up must be true or false/],
      [await post(run, '/api/stations/CP-1/plug-in', 'x'.repeat(MAX_BODY_BYTES + 1)), 413, /larger than/],
      [await post(run, '/api/stations/CP-1/plug-in', 'connectorId=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/],
      [await http(run.url + '/api/stations/CP-1/plug-in'), 405, /not allowed/],
      [await http(run.url + '/api/stations/CP-1', { method: 'PUT', body: {} }), 405, /not allowed/],
      [await http(run.url + '/api/nothing'), 404, /no route/],
      [await post(run, '/api/stations/CP-1/plug-in', { connectorId: 1 }, { origin: 'http://evil.example' }), 403, /not allowed/],
      [await post(run, '/api/stations/CP-1/plug-in', { connectorId: 1 }, { host: 'rebound.example:80' }), 403, /Host/],
      [await post(run, '/api/stations', { count: 0 }), 400, /count/],
      [await post(run, '/api/stations', { id: 'bad id' }), 400, /id must be/],
      [await post(run, '/api/stations', { settings: { connectors: 'two' } }), 400, /"connectors" must be a whole number/],
      [await post(run, '/api/stations', { settings: { warpDrive: true } }), 400, /unknown field "warpDrive"/],
      [await post(run, '/api/stations', { id: 'CP-1' }), 409, /exists already/],
    ];
    for (const [r, status, message] of cases) {
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.ok, false);
      assert.match(r.body.error, message);
    }
    assert.equal((await http(run.url + '/api/stations')).status, 200, 'still serving');
  });
});

describe('control API of the OCPP 2.0.1 simulator (--ocpp 2.0.1)', () => {
  let run;
  before(async () => {
    run = await startRun(['--ocpp', '2.0.1', '--connectors', '2']);
    await run.csms.waitForCall('CP', 'StatusNotification');
  });
  after(() => endRun(run));

  test('the same station shape, with the connectorStatus; plug-in + present-id-tag → Authorize and TransactionEvent Started; unplug at the EV → Ended EVDisconnected', async () => {
    const idle = await until('registration', async () => {
      const r = await http(run.url + '/api/stations/CP');
      return r.body.registration === 'Accepted' && r.body.connectors.every((c) => c.status === 'Available') && r.body;
    });
    assert.equal(idle.connected, true);
    assert.equal(idle.connectors.length, 2);
    assert.deepEqual(Object.keys(idle.connectors[0]).sort(), ['charging', 'energyWh', 'error', 'evRequests', 'id', 'idTag', 'locked', 'plugged', 'powerW', 'sessionWh', 'socPercent', 'status', 'transactionId'].sort());
    const from = run.csms.records.length;
    const plug = await post(run, '/api/stations/CP/plug-in', { connectorId: 2, ev: { maxCurrentA: 16, socPercent: 40 } });
    assert.equal(plug.status, 200, JSON.stringify(plug.body));
    assert.equal(plug.body.station.connectors[1].plugged, true, 'applied before the reply');
    await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'StatusNotification' && m.payload.evseId === 2 && m.payload.connectorStatus === 'Occupied', { from });
    const card = await post(run, '/api/stations/CP/present-id-tag', { idTag: 'CARD-201' });
    assert.equal(card.status, 200, JSON.stringify(card.body));
    assert.equal(card.body.connectorId, 2, 'the connector with the cable');
    const authorize = await run.csms.waitForCall('CP', 'Authorize', { from });
    assert.deepEqual(authorize.payload.idToken, { idToken: 'CARD-201', type: 'ISO14443' });
    const started = await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'TransactionEvent' && m.payload.eventType === 'Started', { from });
    assert.equal(started.payload.evse.id, 2);
    const state = await until('the transaction in the state', async () => {
      const c = (await http(run.url + '/api/stations/CP')).body.connectors[1];
      return c.transactionId !== null && c.powerW > 0 && c;
    });
    assert.equal(state.transactionId, started.payload.transactionInfo.transactionId);
    assert.equal(state.idTag, 'CARD-201');
    assert.equal(state.status, 'Occupied');
    assert.equal(state.powerW, 3 * 230 * 16);
    assert.equal(state.charging, true, 'the transaction in chargingState Charging');
    assert.equal(idle.connectors[0].charging, false);
    assert.equal((await post(run, '/api/stations/CP/ev-requests', { connectorId: 2, value: false })).status, 200);
    await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'TransactionEvent' && m.payload.transactionInfo.chargingState === 'SuspendedEV', { from });
    assert.equal((await http(run.url + '/api/stations/CP')).body.connectors[1].charging, false, 'the EV paused: SuspendedEV');
    assert.equal((await post(run, '/api/stations/CP/ev-requests', { connectorId: 2, value: true })).status, 200);
    assert.equal((await http(run.url + '/api/stations/CP')).body.connectors[1].charging, true, 'charging again');
    const locked = await post(run, '/api/stations/CP/unplug', { connectorId: 2 });
    assert.equal(locked.status, 409);
    assert.match(locked.body.error, /locked/);
    assert.equal((await post(run, '/api/stations/CP/unplug', { connectorId: 2, evSide: true })).status, 200);
    const ended = await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'TransactionEvent' && m.payload.eventType === 'Ended', { from });
    assert.equal(ended.payload.transactionInfo.transactionId, state.transactionId);
    assert.equal(ended.payload.transactionInfo.stoppedReason, 'EVDisconnected');
    const after = await until('no transaction', async () => {
      const c = (await http(run.url + '/api/stations/CP')).body.connectors[1];
      return c.transactionId === null && !c.plugged && c.status === 'Available' && c;
    });
    assert.equal(after.idTag, null);
  });

  test('bad requests: the documented 4xx with {"ok":false,"error"}; 2.0.1 idTokens take up to 36 characters', async () => {
    const cases = [
      [await post(run, '/api/stations/CP/present-id-tag', { idTag: 'T'.repeat(37) }), 400, /idTag must be text of 1 to 36 characters/],
      [await post(run, '/api/stations/CP/present-id-tag', { idTag: 'CARD', connectorIds: [3] }), 404, /no connector 3/],
      [await post(run, '/api/stations/CP/teleport', {}), 404, /unknown command "teleport"/],
      [await post(run, '/api/stations/CP/fault', { connectorId: 1, errorCode: 'Smoke' }), 400, /errorCode must be one of/],
      [await post(run, '/api/stations/CP/unplug', { connectorId: 1 }), 409, /no cable is plugged in/],
    ];
    for (const [r, status, message] of cases) {
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.ok, false);
      assert.match(r.body.error, message);
    }
    const long = await post(run, '/api/stations/CP/present-id-tag', { idTag: 'T'.repeat(36), connectorIds: [1] });
    assert.equal(long.status, 200, JSON.stringify(long.body));
    await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'Authorize' && m.payload.idToken.idToken === 'T'.repeat(36));
  });

  test('fault → StatusNotification Faulted, NoError → Available; network down and up → the station connects again', async () => {
    const from = run.csms.records.length;
    assert.equal((await post(run, '/api/stations/CP/fault', { connectorId: 1, errorCode: 'HighTemperature' })).status, 200);
    await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'StatusNotification' && m.payload.evseId === 1 && m.payload.connectorStatus === 'Faulted', { from });
    assert.equal((await until('Faulted in the state', async () => (await http(run.url + '/api/stations/CP')).body.connectors[0].status === 'Faulted')), true);
    await post(run, '/api/stations/CP/fault', { connectorId: 1, errorCode: 'NoError' });
    await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'StatusNotification' && m.payload.evseId === 1 && m.payload.connectorStatus === 'Available', { from });
    assert.equal((await post(run, '/api/stations/CP/network', { up: false })).status, 200);
    await until('disconnected', async () => (await http(run.url + '/api/stations/CP')).body.connected === false);
    assert.equal((await post(run, '/api/stations/CP/network', { up: true })).status, 200);
    await until('connected again', async () => (await http(run.url + '/api/stations/CP')).body.connected === true);
  });
});

describe('the 2.0.1 simulator\'s idle driver (--ocpp 2.0.1 --scenario idle) and the control API', () => {
  let run;
  before(async () => {
    run = await startRun(['--ocpp', '2.0.1', '--connectors', '2', '--scenario', 'idle']);
    await run.csms.waitForCall('CP', 'StatusNotification');
  });
  after(() => endRun(run));

  test('a cable plugged through the control API stays until the control API unplugs it; one whose transaction is over, the driver pulls', async () => {
    const connector = async (id) => (await http(run.url + '/api/stations/CP')).body.connectors[id - 1];
    await until('registration', async () => (await http(run.url + '/api/stations/CP')).body.registration === 'Accepted');
    assert.equal((await post(run, '/api/stations/CP/plug-in', { connectorId: 1 })).status, 200);
    // The driver looks every second: three looks, and the cable is still in.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.equal((await connector(1)).plugged, true, 'the idle driver left the control API\'s cable alone');
    const unplug = await post(run, '/api/stations/CP/unplug', { connectorId: 1 });
    assert.equal(unplug.status, 200, JSON.stringify(unplug.body));
    assert.equal((await connector(1)).plugged, false);

    // A session on a control API cable: once its transaction ends, the driver pulls the cable.
    const from = run.csms.records.length;
    assert.equal((await post(run, '/api/stations/CP/plug-in', { connectorId: 2 })).status, 200);
    assert.equal((await post(run, '/api/stations/CP/present-id-tag', { idTag: 'IDLE-CARD', connectorIds: [2] })).status, 200);
    await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'TransactionEvent' && m.payload.eventType === 'Started', { from });
    await until('the transaction in the state', async () => (await connector(2)).transactionId !== null);
    assert.equal((await post(run, '/api/stations/CP/present-id-tag', { idTag: 'IDLE-CARD', connectorIds: [2] })).status, 200);
    await run.csms.waitFor((m) => m.station === 'CP' && m.type === 'CALL' && m.action === 'TransactionEvent' && m.payload.eventType === 'Ended', { from });
    await until('the driver pulled the cable', async () => (await connector(2)).plugged === false);
  });
});

describe('power and network', () => {
  let run;
  before(async () => {
    run = await startRun(['--connectors', '1']);
    await run.csms.waitForCall('CP', 'StatusNotification');
    // meter values every second, for a queue with something in it
    await post(run, '/api/stations', { id: 'NET', settings: { connectors: 1, configuration: { MeterValueSampleInterval: 1 } } });
    await run.csms.waitForCall('NET', 'StatusNotification');
  });
  after(() => endRun(run));

  test('power-off mid-transaction: the socket drops with no OCPP message; power-on boots on the same files and stops it with PowerLoss', async () => {
    await post(run, '/api/stations/CP/plug-in', { connectorId: 1 });
    await post(run, '/api/stations/CP/present-id-tag', { idTag: 'PWR' });
    const start = await run.csms.waitForCall('CP', 'StartTransaction');
    await until('the transaction id', async () => (await http(run.url + '/api/stations/CP')).body.connectors[0].transactionId !== null);
    const connections = run.csms.connections.filter((c) => c.station === 'CP').length;
    const seq = run.csms.records.length;
    const off = await post(run, '/api/stations/CP/power-off');
    assert.equal(off.status, 200);
    assert.equal(off.body.station.power, 'off');
    assert.equal(off.body.station.connected, false);
    await until('the CSMS to see the connection lost', () => !run.csms.connected('CP'));
    assert.equal(run.csms.messages('CP').filter((m) => m.seq >= seq && m.direction === 'in').length, 0, 'nothing said on the way down');
    assert.equal((await post(run, '/api/stations/CP/plug-in', { connectorId: 1 })).status, 409, 'a station without power takes no commands');
    assert.equal((await post(run, '/api/stations/CP/power-off')).status, 409);
    const on = await post(run, '/api/stations/CP/power-on');
    assert.equal(on.status, 200);
    await run.csms.waitForConnection('CP', { after: connections });
    const stop = await run.csms.waitForCall('CP', 'StopTransaction', { from: seq });
    assert.equal(stop.payload.reason, 'PowerLoss');
    assert.equal(stop.payload.transactionId, await transactionIdOf(run, start));
  });

  test('network down: sockets drop (1006) and connects fail; what happens meanwhile is queued; network up: the station connects at once and delivers the queue in order', async () => {
    await until('online', async () => (await http(run.url + '/api/stations/NET')).body.registration === 'Accepted' && run.csms.connected('NET'));
    await post(run, '/api/stations/NET/plug-in', { connectorId: 1 });
    await post(run, '/api/stations/NET/present-id-tag', { idTag: 'NET' });
    const start = await run.csms.waitFor((m) => m.station === 'NET' && m.type === 'CALL' && m.action === 'StartTransaction' && m.payload.idTag === 'NET');
    const txId = await transactionIdOf(run, start);
    await until('Charging', async () => (await http(run.url + '/api/stations/NET')).body.connectors[0].transactionId === txId);
    const connections = run.csms.connections.filter((c) => c.station === 'NET').length;
    const down = await post(run, '/api/stations/NET/network', { up: false });
    assert.equal(down.status, 200);
    await until('the CSMS to lose the station', () => !run.csms.connected('NET'));
    const seq = run.csms.records.length;
    await new Promise((r) => setTimeout(r, 2500)); // meter samples (every second) and failed connects
    await post(run, '/api/stations/NET/present-id-tag', { idTag: 'NET' }); // stops it, offline
    await until('stopped locally', async () => (await http(run.url + '/api/stations/NET')).body.connectors[0].transactionId === null);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(run.csms.connections.filter((c) => c.station === 'NET').length, connections, 'no connection while down');
    const t0 = Date.now();
    assert.equal((await post(run, '/api/stations/NET/network', { up: true })).status, 200);
    await run.csms.waitForConnection('NET', { after: connections, timeout: 5000 });
    assert.ok(Date.now() - t0 < 1500, `connected ${Date.now() - t0} ms after network up, not after the backoff`);
    const stop = await run.csms.waitForCall('NET', 'StopTransaction', { from: seq });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason, 'Local');
    const delivered = run.csms.messages('NET', { direction: 'in', type: 'CALL' }).filter((m) => m.seq >= seq && (m.action === 'MeterValues' || m.action === 'StopTransaction'));
    assert.equal(delivered[delivered.length - 1].action, 'StopTransaction', 'the stop after the meter values taken before it');
    const times = delivered.filter((m) => m.action === 'MeterValues').map((m) => Date.parse(m.payload.meterValue[0].timestamp));
    assert.ok(times.length >= 2, `the samples taken offline were delivered (${times.length})`);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in the order they were taken');
  });
});

async function transactionIdOf(run, startRecord) {
  const answer = await run.csms.waitFor((m) => m.station === startRecord.station && m.type === 'CALLRESULT' && m.id === startRecord.id);
  return answer.payload.transactionId;
}

describe('adding and removing stations, the events stream', () => {
  let run;
  before(async () => {
    run = await startRun([]);
  });
  after(() => endRun(run));

  test('POST /api/stations adds stations with settings over the CLI ones; DELETE removes one', async () => {
    const added = await post(run, '/api/stations', { count: 2, settings: { connectors: 1, vendor: 'Acme' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(added.body.stations, ['CP-2', 'CP-3']);
    const boot = await run.csms.waitForCall('CP-3', 'BootNotification');
    assert.equal(boot.payload.chargePointVendor, 'Acme');
    assert.equal((await http(run.url + '/api/stations/CP-3')).body.connectors.length, 1);
    const named = await post(run, '/api/stations', { id: 'LAB-A' });
    assert.deepEqual(named.body.stations, ['LAB-A']);
    await run.csms.waitForCall('LAB-A', 'BootNotification');
    const del = await http(run.url + '/api/stations/CP-2', { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.deepEqual((await http(run.url + '/api/stations')).body.map((s) => s.id), ['CP', 'CP-3', 'LAB-A']);
    await until('CP-2 gone from the CSMS', () => !run.csms.connected('CP-2'));
    assert.equal((await http(run.url + '/api/stations/CP-2', { method: 'DELETE' })).status, 404);
  });

  test('/api/events: the full state first, then station changes, OCPP frames both ways and log lines; a client may narrow frames', async () => {
    const ws = new WebSocket(run.url.replace('http', 'ws') + '/api/events');
    const events = [];
    // a change comes as {type: 'station'}, several of one moment as {type: 'stations'}: one list here
    ws.on('message', (d) => {
      const e = JSON.parse(d.toString());
      if (e.type === 'stations') for (const station of e.stations) events.push({ type: 'station', station });
      else events.push(e);
    });
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const first = await until('the state', () => events[0]);
    assert.equal(first.type, 'state');
    assert.ok(first.stations.some((s) => s.id === 'CP' && s.connectors.length === 2));
    ws.send(JSON.stringify({ frames: ['CP'] }));
    await new Promise((r) => setTimeout(r, 100));
    await post(run, '/api/stations/CP/plug-in', { connectorId: 2 });
    const changed = await until('a station event', () => events.find((e) => e.type === 'station' && e.station.id === 'CP' && e.station.connectors[1].status === 'Preparing'));
    assert.equal(changed.station.connectors[1].plugged, true);
    const sent = await until('a frame sent', () => events.find((e) => e.type === 'frame' && e.direction === 'sent' && /StatusNotification/.test(e.text)));
    assert.equal(sent.station, 'CP');
    assert.ok(sent.time > 0);
    await until('a frame received', () => events.find((e) => e.type === 'frame' && e.direction === 'received' && e.station === 'CP'));
    await until('a log line', () => events.find((e) => e.type === 'log' && e.station === 'CP' && /connector 2: Preparing/.test(e.text)));
    // While energy flows the stream carries it without any status change (the poll).
    await post(run, '/api/stations/CP/present-id-tag', { idTag: 'FLOW', connectorIds: [2] });
    const charging = await until('Charging', () => events.find((e) => e.type === 'station' && e.station.id === 'CP' && e.station.connectors[1].status === 'Charging'));
    assert.ok(charging.station.connectors[1].powerW > 0);
    const later = await until('the energy growing', () =>
      events.find((e) => e.type === 'station' && e.station.id === 'CP' && e.station.connectors[1].status === 'Charging' && e.station.connectors[1].sessionWh > charging.station.connectors[1].sessionWh)
    );
    assert.ok(later.station.connectors[1].energyWh >= charging.station.connectors[1].energyWh);
    await post(run, '/api/stations/LAB-A/plug-in', { connectorId: 1 });
    await until('LAB-A state', () => events.find((e) => e.type === 'station' && e.station.id === 'LAB-A' && e.station.connectors[0].plugged));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(events.filter((e) => e.type === 'frame' && e.station !== 'CP').length, 0, 'frames of the selected station only');
    await http(run.url + '/api/stations/LAB-A', { method: 'DELETE' });
    await until('removed', () => events.find((e) => e.type === 'removed' && e.id === 'LAB-A'));
    const frames = await http(run.url + '/api/stations/CP/frames');
    assert.ok(frames.body.length > 3 && frames.body.every((f) => f.station === 'CP' && (f.direction === 'sent' || f.direction === 'received')));
    ws.close();
  });
});

describe('the token and the address', () => {
  test('--control on an address that is not loopback needs --control-token; a short token is refused', () => {
    const base = ['--url', 'ws://127.0.0.1:9/ocpp', '--id', 'CP'];
    assert.throws(() => parseCliArgs([...base, '--control', '0.0.0.0:8180']), (e) => e instanceof UsageError && /needs --control-token/.test(e.message));
    assert.throws(() => parseCliArgs([...base, '--control', '0.0.0.0:8180', '--control-token', 'short']), /at least 8/);
    assert.throws(() => parseCliArgs([...base, '--control-token', 'long-enough-token']), /goes with --control/);
    assert.throws(() => parseCliArgs([...base, '--control', 'nonsense']), /ADDR:PORT/);
    assert.deepEqual(parseCliArgs([...base, '--control', '0.0.0.0:8180', '--control-token', 'long-enough-token']).control, { host: '0.0.0.0', port: 8180, token: 'long-enough-token' });
    assert.deepEqual(parseCliArgs([...base, '--control', ':0']).control, { host: '127.0.0.1', port: 0, token: null });
    assert.throws(() => new ControlServer({ fleet: null, host: '0.0.0.0' }), /only with a token/);
  });

  test('with a token every request needs Authorization: Bearer (the websocket may give ?token=); the page itself loads without', async () => {
    const run = await startRun(['--control-token', 'sesame-1234']);
    try {
      const none = await http(run.url + '/api/stations');
      assert.equal(none.status, 401);
      assert.equal(none.body.ok, false);
      assert.match(none.headers['www-authenticate'], /Bearer/);
      assert.equal((await http(run.url + '/api/stations', { headers: { authorization: 'Bearer wrong-token' } })).status, 401);
      assert.equal((await post(run, '/api/stations/CP/plug-in', { connectorId: 1 })).status, 401);
      const ok = await http(run.url + '/api/stations', { headers: { authorization: 'Bearer sesame-1234' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.body[0].id, 'CP');
      assert.equal((await http(run.url + '/')).status, 200, 'the page (no data in it) asks for the token itself');
      const refused = await new Promise((resolve) => {
        const ws = new WebSocket(run.url.replace('http', 'ws') + '/api/events');
        ws.on('unexpected-response', (req, res) => resolve(res.statusCode));
        ws.on('open', () => resolve('open'));
        ws.on('error', () => {});
      });
      assert.equal(refused, 401);
      const ws = new WebSocket(run.url.replace('http', 'ws') + '/api/events?token=sesame-1234');
      const first = await new Promise((resolve, reject) => {
        ws.once('message', (d) => resolve(JSON.parse(d.toString())));
        ws.once('error', reject);
      });
      assert.equal(first.type, 'state');
      ws.close();
    } finally {
      await endRun(run);
    }
  });
});

test("the simulator's settings table has exactly hal/settings.ts's fields, of the same types", () => {
  const source = readFileSync(new URL('../../hal/settings.ts', import.meta.url), 'utf8');
  const block = /export const DEFAULT_SETTINGS: Settings = \{([^;]*)\};/.exec(source)[1];
  const defaults = {};
  for (const [, name, value] of block.matchAll(/^\s*(\w+): (.+),$/gm)) {
    defaults[name] = /^'/.test(value) ? 'string' : /^(true|false)$/.test(value) ? 'boolean' : /^\{/.test(value) ? 'object' : 'number';
  }
  assert.deepEqual(Object.keys(SETTINGS_FIELDS).sort(), Object.keys(defaults).sort());
  for (const [name, kind] of Object.entries(SETTINGS_FIELDS)) assert.equal(kind === 'integer' ? 'number' : kind, defaults[name], name);
});

describe('--settings FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-settings-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name, value) => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };

  test('the file is the base of every station\'s settings; the flags given override it; a bad file is a UsageError naming the field', () => {
    const path = file('lab.json', {
      url: 'ws://csms.example/ocpp/',
      id: 'LAB',
      vendor: 'Acme',
      model: 'Wallbox-2',
      connectors: 1,
      maxCurrentA: 20,
      cableLock: false,
      phases: 1,
      ev: { batteryWh: 60000 },
      configuration: { MeterValueSampleInterval: 10 },
      scenario: 'none',
    });
    const config = parseCliArgs(['--settings', path, '--stations', '2', '--connectors', '3']);
    assert.deepEqual(config.stations.map((s) => s.id), ['LAB-1', 'LAB-2']);
    const s = config.stations[0];
    assert.equal(s.url, 'ws://csms.example/ocpp');
    assert.equal(s.vendor, 'Acme');
    assert.equal(s.model, 'Wallbox-2');
    assert.equal(s.connectors, 3, 'the flag wins');
    assert.equal(s.maxCurrentA, 20);
    assert.equal(s.cableLock, false);
    assert.equal(s.phases, 1);
    assert.deepEqual(s.ev, { batteryWh: 60000 });
    assert.deepEqual(s.configuration, { MeterValueSampleInterval: 10 });
    assert.equal(config.scenario, 'none');
    assert.equal(parseCliArgs(['--settings', path, '--url', 'ws://other/ocpp', '--id', 'X']).stations[0].url, 'ws://other/ocpp');
    const bad = [
      [file('a.json', '{"id":'), /not JSON/],
      [file('b.json', [1]), /must be a JSON object/],
      [file('c.json', { id: 'A', url: 'ws://x', colour: 'red' }), /unknown field "colour"/],
      [file('d.json', { id: 'A', url: 'ws://x', connectors: '2' }), /"connectors" must be a whole number/],
      [file('e.json', { id: 'A', url: 'ws://x', cableLock: 'no' }), /"cableLock" must be a boolean/],
      [file('f.json', { id: 'A', url: 'ws://x', ev: { socPercent: 130 } }), /"ev.socPercent" must be a number from 0 to 100/],
      [file('g.json', { id: 'A', url: 'ws://x', phases: 2 }), /"phases" must be 1 or 3/],
      [file('h.json', { id: 'A' }), /--url is required/],
      [join(dir, 'missing.json'), /cannot read .*ENOENT/],
    ];
    for (const [p, message] of bad) assert.throws(() => parseCliArgs(['--settings', p]), (e) => e instanceof UsageError && message.test(e.message), `${p} → ${message}`);
  });

  test('hardware options from the file: no cable lock (UnlockConnector NotSupported, the cable pulls at any time), maxCurrentA and phases in the power', async () => {
    const path = file('hw.json', { connectors: 1, cableLock: false, maxCurrentA: 10, phases: 1, ev: { maxCurrentA: 32 } });
    const run = await startRun(['--settings', path]);
    try {
      await run.csms.waitForCall('CP', 'StatusNotification');
      await post(run, '/api/stations/CP/plug-in', { connectorId: 1 });
      await post(run, '/api/stations/CP/present-id-tag', { idTag: 'HW' });
      await run.csms.waitForCall('CP', 'StartTransaction');
      const c = await until('Charging', async () => {
        const x = (await http(run.url + '/api/stations/CP')).body.connectors[0];
        return x.status === 'Charging' && x;
      });
      assert.equal(c.locked, false);
      assert.equal(c.powerW, 230 * 10, 'one phase at the station\'s 10 A');
      assert.deepEqual(await run.csms.call('CP', 'UnlockConnector', { connectorId: 1 }), { status: 'NotSupported' });
      assert.equal((await post(run, '/api/stations/CP/unplug', { connectorId: 1 })).status, 200, 'no lock holds the cable');
      const stop = await run.csms.waitForCall('CP', 'StopTransaction');
      assert.equal(stop.payload.reason, 'EVDisconnected');
    } finally {
      await endRun(run);
    }
  });
});
