// Reservation through the station: ReserveNow, CancelReservation, expiry, connector 0,
// Reserved status, and who may start on a reserved connector.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline, Rig } from '../lib/station-harness';

function inMinutes(n: number): string {
  return new Date(clock.now() + n * 60000).toISOString();
}

async function reserve(rig: Rig, connectorId: number, idTag: string, reservationId: number, minutes: number = 30, parentIdTag?: string): Promise<string> {
  const p: any = { connectorId, expiryDate: inMinutes(minutes), idTag, reservationId };
  if (parentIdTag) p.parentIdTag = parentIdTag;
  return (await rig.csms.call('ReserveNow', p))[2].status;
}

/** The next StatusNotification of a connector with this status. */
async function statusOf(rig: Rig, connectorId: number, status: string): Promise<any> {
  for (;;) {
    const n = await rig.csms.next('StatusNotification', 120000);
    if (n[3].connectorId === connectorId && n[3].status === status) return n;
  }
}

test('ReserveNow makes the connector Reserved; another idTag may not start there; the reserved one starts with the reservationId, which ends the reservation', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.equal(await reserve(rig, 1, 'RES', 7), 'Accepted');
  await statusOf(rig, 1, 'Reserved');
  rig.hw.connector(1).plugIn();
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'Reserved', 'a cable alone does not end it');
  assert.equal(await rig.station.presentIdTag(1, 'OTHER'), false, 'OTHER is authorized, but the connector is reserved');
  assert.equal(rig.csms.pending('StartTransaction').length, 0);
  assert.equal(await rig.station.presentIdTag(1, 'res'), true, 'idTags compare case-insensitively');
  const start = await rig.csms.next('StartTransaction');
  assert.equal(start[3].reservationId, 7);
  await statusOf(rig, 1, 'Charging');
  assert.deepEqual(rig.station.features.reservations!.all(), []);
  assert.deepEqual((await rig.csms.call('CancelReservation', { reservationId: 7 }))[2], { status: 'Rejected' }, 'used up');
});

test('a reservation expires at its expiryDate; CancelReservation ends one at once', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.equal(await reserve(rig, 1, 'RES', 1, 2), 'Accepted');
  assert.equal(await reserve(rig, 2, 'RES2', 2, 60), 'Accepted');
  await statusOf(rig, 2, 'Reserved');
  await sleep(119000);
  assert.equal(rig.station.connector(1)!.status, 'Reserved');
  await sleep(2000);
  assert.equal(rig.station.connector(1)!.status, 'Available', 'expired');
  await statusOf(rig, 1, 'Available');
  assert.deepEqual((await rig.csms.call('CancelReservation', { reservationId: 2 }))[2], { status: 'Accepted' });
  await statusOf(rig, 2, 'Available');
  assert.deepEqual((await rig.csms.call('CancelReservation', { reservationId: 2 }))[2], { status: 'Rejected' });
});

test('ReserveNow answers Occupied, Faulted, Unavailable, Rejected; the same reservationId replaces', async () => {
  const rig = makeStation({ connectors: 3, configuration: { ReserveConnectorZeroSupported: false } });
  await startOnline(rig);
  rig.hw.connector(1).plugIn();
  await sleep(0);
  assert.equal(await reserve(rig, 1, 'X', 1), 'Occupied', 'a cable is in');
  rig.hw.connector(2).setFault('GroundFailure');
  await sleep(0);
  assert.equal(await reserve(rig, 2, 'X', 1), 'Faulted');
  await rig.csms.call('ChangeAvailability', { connectorId: 3, type: 'Inoperative' });
  assert.equal(await reserve(rig, 3, 'X', 1), 'Unavailable');
  await rig.csms.call('ChangeAvailability', { connectorId: 3, type: 'Operative' });
  assert.equal(await reserve(rig, 4, 'X', 1), 'Rejected', 'no connector 4');
  assert.equal(await reserve(rig, 0, 'X', 1), 'Rejected', 'ReserveConnectorZeroSupported false');
  assert.equal(await reserve(rig, 3, 'X', 1, -1), 'Rejected', 'already expired');
  assert.equal(await reserve(rig, 3, 'X', 1), 'Accepted');
  assert.equal(await reserve(rig, 3, 'Y', 2), 'Occupied', 'reserved for someone else');
  assert.equal(await reserve(rig, 3, 'Y', 1), 'Accepted', 'the same reservation, renewed');
  assert.deepEqual(rig.station.features.reservations!.all().map((r) => r.idTag), ['Y']);
});

test('parentIdTag: an idTag of the reserved group may use the reservation', async () => {
  const rig = makeStation();
  rig.csms.autoAnswer.Authorize = (p) => ({ idTagInfo: { status: 'Accepted', parentIdTag: p.idTag === 'MEMBER' ? 'FLEET' : 'OTHERS' } });
  await startOnline(rig);
  assert.equal(await reserve(rig, 2, 'DRIVER', 3, 30, 'FLEET'), 'Accepted');
  rig.hw.connector(2).plugIn();
  await sleep(0);
  assert.equal(await rig.station.presentIdTag(2, 'STRANGER'), false);
  assert.equal(await rig.station.presentIdTag(2, 'MEMBER'), true);
  assert.equal((await rig.csms.next('StartTransaction'))[3].reservationId, 3);
});

test('connector 0: the station keeps a connector free for the reservation; the reserved idTag takes any', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.equal(await reserve(rig, 0, 'RES', 5), 'Accepted');
  assert.equal(rig.station.connector(1)!.status, 'Available', 'no connector in particular is held');
  rig.hw.connector(1).plugIn();
  await sleep(0);
  assert.equal(await rig.station.presentIdTag(1, 'A'), true, 'two free connectors, one reservation: A may take one');
  await rig.csms.next('StartTransaction');
  assert.equal(await reserve(rig, 0, 'RES2', 6), 'Occupied', 'one free connector is held already');
  rig.hw.connector(2).plugIn();
  await sleep(0);
  assert.equal(await rig.station.presentIdTag(2, 'B'), false, 'the last free connector is kept for RES');
  assert.equal((await rig.csms.call('RemoteStartTransaction', { idTag: 'B' }))[2].status, 'Rejected');
  assert.equal(await rig.station.presentIdTag(2, 'RES'), true);
  const start = await rig.csms.next('StartTransaction');
  assert.equal(start[3].connectorId, 2);
  assert.equal(start[3].reservationId, 5);
});

test('RemoteStartTransaction on a reserved connector: only for the reserved idTag; reservations survive a reboot', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.equal(await reserve(rig, 1, 'RES', 8), 'Accepted');
  assert.equal((await rig.csms.call('RemoteStartTransaction', { idTag: 'OTHER', connectorId: 1 }))[2].status, 'Rejected');
  assert.equal((await rig.csms.call('RemoteStartTransaction', { idTag: 'OTHER' }))[2].status, 'Accepted', 'connector 2 is free');
  await sleep(0);
  assert.equal(rig.station.connector(2)!.status, 'Preparing');
  rig.station.stop();
  const next = makeStation({}, rig.host.files);
  await startOnline(next);
  assert.equal(next.station.connector(1)!.status, 'Reserved', 'after a reboot');
  assert.equal((await next.csms.call('RemoteStartTransaction', { idTag: 'RES', connectorId: 1 }))[2].status, 'Accepted');
  next.hw.connector(1).plugIn();
  assert.equal((await next.csms.next('StartTransaction'))[3].reservationId, 8);
});

test('damaged reservation and charging-profile files: the station boots with none, and says so', async () => {
  const rig = makeStation({}, { 'reservations.json': '[{"reservationId":', 'charging-profiles.json': '{"not":"a list"}' });
  await startOnline(rig);
  assert.deepEqual(rig.station.features.reservations!.all(), []);
  assert.deepEqual(rig.station.features.smartCharging!.chargingProfiles(), []);
  assert.ok(rig.host.logs.some((l) => /reservations unreadable \(reservations\.json\)/.test(l.text)));
  assert.ok(rig.host.logs.some((l) => /charging profiles unreadable/.test(l.text)));
  assert.equal(await reserve(rig, 1, 'RES', 1), 'Accepted', 'and works');
});
