// Availability of the 2.0.1 station (block G) with the test as the CSMS: connectorStatus
// from the hardware (G01), ChangeAvailability of the station, an EVSE or a connector (G03,
// G04), Scheduled while a transaction runs, kept across reboots (B01.FR.07), statuses after
// an offline period (B04), Heartbeat and StatusNotification on request.
import { test, assert, sleep } from '../../lib/harness';
import { makeStation201, startOnline201, powerCut, Rig201 } from './lib/station201';

const statusOf = (f: any) => f[3].evseId + '.' + f[3].connectorId + ':' + f[3].connectorStatus;

async function takeStatuses(rig: Rig201, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(statusOf(await rig.csms.next('StatusNotification')));
  return out;
}

test('connectorStatus follows the hardware: Occupied with a cable, Faulted on a fault, Available again (G01.FR.01)', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  assert.deepEqual(await takeStatuses(rig, 2), ['1.1:Available', '2.1:Available']);
  rig.hw.connector(2).plugIn();
  assert.deepEqual(await takeStatuses(rig, 1), ['2.1:Occupied']);
  rig.hw.connector(2).setFault('GroundFailure');
  assert.deepEqual(await takeStatuses(rig, 1), ['2.1:Faulted']);
  rig.hw.connector(2).setFault('NoError');
  rig.hw.connector(2).unplug();
  await sleep(100);
  assert.equal(statusOf(rig.csms.pending('StatusNotification').pop()), '2.1:Available');
});

test('ChangeAvailability: an EVSE, a connector, the station; unknown ones Rejected; the same state again Accepted; kept across a reboot (G03, G04, G03.FR.08)', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  await takeStatuses(rig, 2);
  const change = async (operationalStatus: string, evse?: any) => (await rig.csms.call('ChangeAvailability', evse ? { operationalStatus, evse } : { operationalStatus }))[2].status;
  assert.equal(await change('Inoperative', { id: 1 }), 'Accepted');
  assert.deepEqual(await takeStatuses(rig, 1), ['1.1:Unavailable']);
  assert.equal(await change('Inoperative', { id: 1 }), 'Accepted', 'already so (G03.FR.03)');
  assert.equal(await change('Inoperative', { id: 3 }), 'Rejected');
  assert.equal(await change('Inoperative', { id: 2, connectorId: 2 }), 'Rejected');
  assert.equal(await change('Inoperative', { id: 2, connectorId: 1 }), 'Accepted');
  assert.deepEqual(await takeStatuses(rig, 1), ['2.1:Unavailable']);
  assert.equal(rig.station.availability.operative(2), true, 'the EVSE is, its connector is not');
  assert.equal(rig.station.availability.operative(2, 1), false);
  assert.equal(await change('Operative', { id: 1 }), 'Accepted');
  assert.deepEqual(await takeStatuses(rig, 1), ['1.1:Available']);

  const next = makeStation201({}, powerCut(rig));
  await startOnline201(next);
  assert.deepEqual(await takeStatuses(next, 2), ['1.1:Available', '2.1:Unavailable'], 'Unavailable after the reboot (B11.FR.02)');
  const r = await next.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' });
  assert.deepEqual(r[2], { status: 'Accepted' });
  assert.deepEqual(await takeStatuses(next, 1), ['1.1:Unavailable'], 'the whole station (G04)');
  const state = await next.csms.call('GetVariables', { getVariableData: [{ component: { name: 'ChargingStation' }, variable: { name: 'AvailabilityState' } }] });
  assert.equal(state[2].getVariableResult[0].attributeValue, 'Unavailable');
});

test('ChangeAvailability Inoperative while a transaction runs: Scheduled; the connector stays Occupied until the transaction has ended and the cable is out, then Unavailable (G03.FR.05, G01.FR.05)', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  await takeStatuses(rig, 2);
  rig.hw.connector(1).plugIn();
  assert.deepEqual(await takeStatuses(rig, 1), ['1.1:Occupied']);
  let running = true;
  rig.station.transactions = { running: (evseId?: number) => running && (!evseId || evseId === 1), stop: () => Promise.resolve() };
  const r = await rig.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
  assert.deepEqual(r[2], { status: 'Scheduled' }, 'G03.FR.05');
  const again = await rig.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
  assert.deepEqual(again[2], { status: 'Accepted' }, 'already so: Accepted (G03.FR.03 before G03.FR.05)');
  await sleep(100);
  assert.deepEqual(rig.csms.pending('StatusNotification'), [], 'no change while the transaction runs');
  assert.equal(rig.station.availability.operative(1), false, 'no new transaction may start there');
  running = false;
  rig.station.emit('idle', 1);
  await sleep(100);
  assert.deepEqual(rig.csms.pending('StatusNotification'), [], 'the transaction over, the cable still in: Occupied still (G01.FR.05)');
  rig.hw.connector(1).unplug();
  assert.deepEqual(await takeStatuses(rig, 1), ['1.1:Unavailable'], 'Occupied → unplugged → Unavailable, as scheduled');
  rig.hw.connector(1).plugIn();
  await sleep(100);
  assert.deepEqual(rig.csms.pending('StatusNotification'), [], 'a cable into an Unavailable connector changes nothing');
  const station = await rig.csms.call('ChangeAvailability', { operationalStatus: 'Operative' });
  assert.deepEqual(station[2], { status: 'Accepted' }, 'becoming Operative needs no wait');
});

test('after an offline period: every connector when longer than OfflineThreshold, else the changed ones (B04.FR.01-02)', async () => {
  const rig = makeStation201({ reconnectMaxSeconds: 1 });
  await startOnline201(rig);
  await takeStatuses(rig, 2);
  const reconnect = async (awayMs: number) => {
    rig.host.socket.drop();
    await sleep(awayMs);
    rig.csms.accept();
    await sleep(100);
  };
  rig.host.socket.drop();
  rig.hw.connector(2).plugIn();
  await sleep(2000);
  rig.csms.accept();
  await sleep(100);
  assert.deepEqual(rig.csms.pending('StatusNotification').map(statusOf), ['2.1:Occupied'], 'only the change (within OfflineThreshold, 60 s)');
  rig.csms.inbox.length = 0;
  await reconnect(61000);
  assert.deepEqual(rig.csms.pending('StatusNotification').map(statusOf), ['1.1:Available', '2.1:Occupied'], 'all after more than 60 s');
  assert.equal(rig.csms.pending('BootNotification').length, 0, 'no new boot on a reconnect');
});

test('Heartbeat and StatusNotification on request: the trigger targets the TriggerMessage route uses', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  await takeStatuses(rig, 2);
  const hb = rig.station.triggers.target('Heartbeat')!;
  assert.equal(hb.status ? hb.status() : 'Accepted', 'Accepted');
  hb.send();
  await rig.csms.next('Heartbeat', 1000);
  const sn = rig.station.triggers.target('StatusNotification')!;
  assert.equal(sn.status!({ id: 1 }), 'Rejected', 'a connector is needed');
  assert.equal(sn.status!({ id: 2, connectorId: 1 }), 'Accepted');
  sn.send({ id: 2, connectorId: 1 });
  assert.deepEqual(await takeStatuses(rig, 1), ['2.1:Available']);
  assert.equal(rig.station.triggers.target('BootNotification')!.status!(), 'Rejected', 'no BootNotification once Accepted');
});
