// The simulator's control of the simulated hardware (src/sim/control.ts) through the
// optional host ABI members controlListen / controlChanged, and the DataTransfer control
// behind settings.simDataTransfer: each command's effect on the OCPP traffic, bad requests.
import { test, assert, sleep } from '../../lib/harness';
import { makeStation, startOnline, Rig } from '../app/lib/station-harness';
import { startSimulatorControl } from '../../../src/sim/control';

interface Controlled extends Rig {
  /** Sends one request as the host would (JSON text) and parses the reply. */
  send(request: any): any;
  changes: number;
}

function controlled(config: { [k: string]: unknown } = {}): Controlled {
  let handler: ((request: string) => string) | null = null;
  const out: any = {};
  const rig = makeStation(config, undefined, (host: any) => {
    host.controlListen = (h: (request: string) => string) => (handler = h);
    host.controlChanged = () => out.changes++;
  });
  startSimulatorControl(rig.hal, rig.station, rig.hw);
  out.changes = 0;
  for (const k in rig) out[k] = (rig as any)[k];
  out.send = (request: any) => {
    if (!handler) throw new Error('the bundle gave no control handler');
    return JSON.parse(handler(typeof request === 'string' ? request : JSON.stringify(request)));
  };
  return out;
}

function connectorState(c: Controlled, id: number): any {
  return c.send({ command: 'state' }).connectors[id - 1];
}

test('plug-in then present-id-tag: Authorize and StartTransaction; the reply names the connector; state shows the transaction', async () => {
  const c = controlled();
  await startOnline(c);
  assert.deepEqual(c.send({ command: 'plug-in', connectorId: 2, ev: { maxCurrentA: 10, socPercent: 50 } }), { ok: true });
  await sleep(0);
  assert.equal(connectorState(c, 2).plugged, true);
  assert.equal(connectorState(c, 2).status, 'Preparing');
  const reply = c.send({ command: 'present-id-tag', idTag: 'CARD-1' });
  assert.deepEqual(reply, { ok: true, connectorId: 2 }, 'the connector with a cable and nobody authorized');
  const authorize = await c.csms.next('Authorize');
  assert.equal(authorize[3].idTag, 'CARD-1');
  const start = await c.csms.next('StartTransaction');
  assert.equal(start[3].connectorId, 2);
  await sleep(60000);
  const state = c.send({ command: 'state' });
  assert.equal(state.registration, 'Accepted');
  assert.equal(state.connected, true);
  const s2 = state.connectors[1];
  assert.equal(s2.status, 'Charging');
  assert.equal(s2.transactionId, 101);
  assert.equal(s2.idTag, 'CARD-1');
  assert.equal(s2.locked, true);
  assert.equal(s2.powerW, 3 * 230 * 10, 'the EV draws its own maximum');
  assert.ok(s2.energyWh >= 114 && s2.sessionWh >= 114, 'a minute at 6.9 kW: ' + s2.energyWh);
  assert.ok(c.changes > 0, 'the host was told of the changes');
  // The same card again: the connector whose transaction it started stops it.
  assert.deepEqual(c.send({ command: 'present-id-tag', idTag: 'card-1', connectorIds: [1, 2] }), { ok: true, connectorId: 2 });
  const stop = await c.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'Local');
});

test('present-id-tag with no cable anywhere takes the first free listed connector; a second card goes to the next', async () => {
  const c = controlled();
  await startOnline(c);
  assert.deepEqual(c.send({ command: 'present-id-tag', idTag: 'A', connectorIds: [2, 1] }), { ok: true, connectorId: 2 });
  await c.csms.next('Authorize');
  await sleep(100);
  assert.equal(connectorState(c, 2).status, 'Preparing');
  assert.equal(connectorState(c, 2).idTag, 'A', 'the pending authorization');
  assert.deepEqual(c.send({ command: 'present-id-tag', idTag: 'B', connectorIds: [2, 1] }), { ok: true, connectorId: 1 });
  await c.csms.next('Authorize');
  await sleep(100);
  assert.deepEqual(c.send({ command: 'present-id-tag', idTag: 'A' }), { ok: true, connectorId: 2 }, 'A again cancels its authorization');
  await sleep(0);
  assert.equal(connectorState(c, 2).status, 'Available');
  c.send({ command: 'plug-in', connectorId: 1 });
  const start = await c.csms.next('StartTransaction');
  assert.equal(start[3].idTag, 'B');
  const busy = c.send({ command: 'present-id-tag', idTag: 'C', connectorIds: [1] });
  assert.equal(busy.ok, false);
  assert.equal(busy.reason, 'conflict');
});

test('unplug at the station is refused while the lock holds the cable; at the car (evSide) it stops the transaction with EVDisconnected', async () => {
  const c = controlled();
  await startOnline(c);
  c.send({ command: 'plug-in', connectorId: 1 });
  c.send({ command: 'present-id-tag', idTag: 'TAG', connectorIds: [1] });
  await c.csms.next('StartTransaction');
  const refused = c.send({ command: 'unplug', connectorId: 1 });
  assert.equal(refused.ok, false);
  assert.equal(refused.reason, 'conflict');
  assert.ok(/locked/.test(refused.error), refused.error);
  assert.deepEqual(c.send({ command: 'unplug', connectorId: 1, evSide: true }), { ok: true });
  const stop = await c.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'EVDisconnected');
  await sleep(0);
  const s1 = connectorState(c, 1);
  assert.equal(s1.plugged, false);
  assert.equal(s1.locked, false, 'UnlockConnectorOnEVSideDisconnect');
  assert.equal(s1.status, 'Available');
  assert.equal(c.send({ command: 'unplug', connectorId: 1 }).reason, 'conflict', 'nothing left to pull');
});

test('ev-requests pauses (SuspendedEV) and resumes; fault raises Faulted with the vendor code and NoError clears it', async () => {
  const c = controlled();
  await startOnline(c);
  c.send({ command: 'plug-in', connectorId: 1 });
  c.send({ command: 'present-id-tag', idTag: 'TAG' });
  await c.csms.next('StartTransaction');
  c.csms.inbox.length = 0;
  assert.deepEqual(c.send({ command: 'ev-requests', connectorId: 1, value: false }), { ok: true });
  await sleep(0);
  assert.equal(connectorState(c, 1).status, 'SuspendedEV');
  assert.equal(connectorState(c, 1).evRequests, false);
  assert.equal(connectorState(c, 1).powerW, 0);
  c.send({ command: 'ev-requests', connectorId: 1, value: true });
  await sleep(0);
  assert.equal(connectorState(c, 1).status, 'Charging');
  assert.deepEqual(c.send({ command: 'fault', connectorId: 1, errorCode: 'GroundFailure', vendorErrorCode: 'RCD-7' }), { ok: true });
  await sleep(0);
  let status = await c.csms.next('StatusNotification');
  while (status[3].status !== 'Faulted') status = await c.csms.next('StatusNotification');
  assert.equal(status[3].errorCode, 'GroundFailure');
  assert.equal(status[3].vendorErrorCode, 'RCD-7');
  assert.equal(connectorState(c, 1).error, 'GroundFailure');
  c.send({ command: 'fault', connectorId: 1, errorCode: 'NoError' });
  await sleep(0);
  assert.equal(connectorState(c, 1).status, 'Charging');
});

test('bad requests get a reason and a clear error, never a throw', async () => {
  const c = controlled();
  await startOnline(c);
  const cases: [any, string, RegExp][] = [
    ['not json', 'bad-request', /not JSON/],
    [[1, 2], 'not-found', /unknown command/],
    [{ command: 'jump' }, 'not-found', /unknown command "jump"/],
    [{ command: 'plug-in' }, 'bad-request', /connectorId/],
    [{ command: 'plug-in', connectorId: 3 }, 'not-found', /no connector 3/],
    [{ command: 'plug-in', connectorId: 1.5 }, 'bad-request', /whole number/],
    [{ command: 'plug-in', connectorId: 1, ev: { socPercent: 120 } }, 'bad-request', /socPercent/],
    [{ command: 'plug-in', connectorId: 1, ev: 'big' }, 'bad-request', /ev must be an object/],
    [{ command: 'unplug', connectorId: 1, evSide: 'yes' }, 'bad-request', /evSide/],
    [{ command: 'ev-requests', connectorId: 1, value: 'no' }, 'bad-request', /value/],
    [{ command: 'ev-requests', connectorId: 1, value: false }, 'conflict', /no EV/],
    [{ command: 'fault', connectorId: 1, errorCode: 'Smoke' }, 'bad-request', /errorCode must be one of/],
    [{ command: 'fault', connectorId: 1, errorCode: 'OtherError', vendorErrorCode: 7 }, 'bad-request', /vendorErrorCode/],
    [{ command: 'present-id-tag' }, 'bad-request', /idTag/],
    [{ command: 'present-id-tag', idTag: 'XXXXXXXXXXXXXXXXXXXXX' }, 'bad-request', /idTag/],
    [{ command: 'present-id-tag', idTag: 'T', connectorIds: [] }, 'bad-request', /connectorIds/],
    [{ command: 'present-id-tag', idTag: 'T', connectorIds: [9] }, 'not-found', /no connector 9/],
  ];
  for (const [request, reason, error] of cases) {
    const reply = c.send(request);
    assert.equal(reply.ok, false, JSON.stringify(request));
    assert.equal(reply.reason, reason, JSON.stringify(request) + ' → ' + JSON.stringify(reply));
    assert.ok(error.test(reply.error), JSON.stringify(request) + ' → ' + reply.error);
  }
  c.send({ command: 'plug-in', connectorId: 1 });
  assert.equal(c.send({ command: 'plug-in', connectorId: 1 }).reason, 'conflict', 'already plugged in');
});

test('network up: a station waiting out its backoff connects at once', async () => {
  const c = controlled({ reconnectMaxSeconds: 60 });
  await startOnline(c);
  const sockets = c.host.sockets.length;
  for (let i = 0; i < 5; i++) {
    c.host.socket.drop(1006);
    await sleep(70000); // past any backoff delay: the next attempt comes and fails
    if (c.host.sockets.length > sockets + i) c.host.socket.refuse('network down');
  }
  const before = c.host.sockets.length;
  await sleep(100);
  assert.equal(c.host.sockets.length, before, 'waiting');
  c.send({ command: 'network', up: true });
  await sleep(0);
  assert.equal(c.host.sockets.length, before + 1, 'a new connection attempt at once');
  c.csms.accept();
  await sleep(0);
  assert.equal(c.send({ command: 'state' }).connected, true);
});

test('hardware options: no cable lock → UnlockConnector NotSupported and the cable pulls at any time; maxCurrentA and the EV defaults', async () => {
  const c = controlled({ cableLock: false, maxCurrentA: 10, phases: 1, ev: { maxCurrentA: 32, socPercent: 80 } });
  await startOnline(c);
  c.send({ command: 'plug-in', connectorId: 1 });
  c.send({ command: 'present-id-tag', idTag: 'TAG' });
  await c.csms.next('StartTransaction');
  await sleep(1000);
  const s1 = connectorState(c, 1);
  assert.equal(s1.locked, false);
  assert.equal(s1.powerW, 230 * 10, 'one phase, the station offers at most 10 A');
  assert.equal(s1.socPercent, 80);
  const unlock = await c.csms.call('UnlockConnector', { connectorId: 1 });
  assert.equal(unlock[2].status, 'NotSupported');
  assert.ok(c.station.connector(1)!.transaction, 'nothing to unlock: the transaction goes on');
  assert.deepEqual(c.send({ command: 'unplug', connectorId: 1 }), { ok: true }, 'no lock holds it');
  const stop = await c.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'EVDisconnected');
});

test('DataTransfer org.openocpp.sim is off by default (UnknownVendorId); settings.simDataTransfer turns it on', async () => {
  const off = controlled();
  await startOnline(off);
  const refused = await off.csms.call('DataTransfer', { vendorId: 'org.openocpp.sim', messageId: 'plugIn', data: '{"connectorId":1}' });
  assert.equal(refused[2].status, 'UnknownVendorId');
  assert.equal(off.hw.connector(1).plugged(), false);

  const on = controlled({ simDataTransfer: true });
  await startOnline(on);
  const plug = await on.csms.call('DataTransfer', { vendorId: 'org.openocpp.sim', messageId: 'plugIn', data: '{"connectorId":2}' });
  assert.equal(plug[2].status, 'Accepted');
  assert.equal(on.hw.connector(2).plugged(), true);
  const card = await on.csms.call('DataTransfer', { vendorId: 'org.openocpp.sim', messageId: 'presentIdTag', data: '{"connectorId":2,"idTag":"TAG"}' });
  assert.equal(card[2].status, 'Accepted');
  await on.csms.next('StartTransaction');
  const pull = await on.csms.call('DataTransfer', { vendorId: 'org.openocpp.sim', messageId: 'unplug', data: '{"connectorId":2}' });
  assert.equal(pull[2].status, 'Rejected', 'locked');
  const unknown = await on.csms.call('DataTransfer', { vendorId: 'org.openocpp.sim', messageId: 'fly' });
  assert.equal(unknown[2].status, 'UnknownMessageId');
});

test('a host without the control members: no control, the station runs as before', async () => {
  const rig = makeStation();
  assert.equal(rig.hal.control, null);
  startSimulatorControl(rig.hal, rig.station, rig.hw);
  await startOnline(rig);
  assert.equal(rig.station.session.registration, 'Accepted');
});
