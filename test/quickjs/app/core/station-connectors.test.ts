// A connector's life as the CSMS sees it: Preparing that times out (ConnectionTimeOut),
// a driver who changes their mind, faults during a transaction, the cable at the EV side.
import { test, assert, sleep } from '../../../lib/harness';
import { makeStation, startOnline, startCharging } from '../lib/station-harness';

/** The StatusNotifications of one connector still in the inbox, as "status" or "status/errorCode". */
function statusesOf(frames: any[], connectorId: number): string[] {
  return frames
    .filter((f) => f[0] === 2 && f[2] === 'StatusNotification' && f[3].connectorId === connectorId)
    .map((f) => f[3].status + (f[3].errorCode !== 'NoError' ? '/' + f[3].errorCode : ''));
}

test('a cable plugged in with nobody authorizing: Preparing, Available after ConnectionTimeOut; an idTag then still starts', async () => {
  const rig = makeStation({ configuration: { ConnectionTimeOut: 30 } });
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  rig.hw.connector(1).plugIn();
  await sleep(29000);
  assert.equal(rig.station.connector(1)!.status, 'Preparing');
  await sleep(1000);
  assert.equal(rig.station.connector(1)!.status, 'Available', 'the intended usage ended (state table B1)');
  assert.deepEqual(statusesOf(rig.csms.inbox, 1), ['Preparing', 'Available']);
  assert.ok(await rig.station.presentIdTag(1, 'TAG'));
  const start = await rig.csms.next('StartTransaction');
  assert.equal(start[3].connectorId, 1);
  assert.equal(rig.station.connector(1)!.status, 'Charging');
  // Unplugged before the timeout: no timer left to fire.
  rig.csms.inbox.length = 0;
  rig.hw.connector(2).plugIn();
  await sleep(1000);
  rig.hw.connector(2).unplug();
  await sleep(60000);
  assert.deepEqual(statusesOf(rig.csms.inbox, 2), ['Preparing', 'Available']);
});

test('Finishing does not time out: it lasts until the cable is pulled', async () => {
  const rig = makeStation({ configuration: { ConnectionTimeOut: 10 } });
  await startOnline(rig);
  await startCharging(rig, 1);
  await rig.station.presentIdTag(1, 'TAG');
  await rig.csms.next('StopTransaction');
  await sleep(60000);
  assert.equal(rig.station.connector(1)!.status, 'Finishing');
  rig.hw.connector(1).unplug();
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'Available');
});

test('authorized, waiting for the cable: the same idTag presented again cancels (Available); another one replaces it', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.ok(await rig.station.presentIdTag(1, 'TAG'));
  assert.equal(rig.station.connector(1)!.status, 'Preparing');
  assert.ok(await rig.station.presentIdTag(1, 'tag'), 'the second presentation is handled');
  assert.equal(rig.station.connector(1)!.status, 'Available');
  assert.equal(rig.station.connector(1)!.awaitingCable, null);
  rig.hw.connector(1).plugIn();
  await sleep(1000);
  assert.equal(rig.csms.pending('StartTransaction').length, 0, 'the cancelled authorization starts nothing');
  rig.hw.connector(1).unplug();
  await sleep(0);
  assert.ok(await rig.station.presentIdTag(2, 'A'));
  assert.ok(await rig.station.presentIdTag(2, 'B'));
  rig.hw.connector(2).plugIn();
  const start = await rig.csms.next('StartTransaction');
  assert.equal(start[3].idTag, 'B');
});

test('a fault during a transaction: Faulted (with its error code, at once), energy off; cleared: Charging again, the transaction kept', async () => {
  const rig = makeStation({ configuration: { MinimumStatusDuration: 5 } });
  await startOnline(rig);
  await startCharging(rig, 1);
  await sleep(6000);
  rig.csms.inbox.length = 0;
  rig.hw.connector(1).setFault('GroundFailure');
  await sleep(0);
  assert.deepEqual(statusesOf(rig.csms.inbox, 1), ['Faulted/GroundFailure'], 'a fault is reported without MinimumStatusDuration');
  assert.ok(!rig.hw.connector(1).relayClosed(), 'contactor open');
  assert.ok(rig.station.connector(1)!.transaction, 'transaction kept');
  assert.equal(rig.station.status.status(0), 'Available', 'connector 0 is not faulted by a connector fault');
  rig.hw.connector(1).setFault('NoError');
  await sleep(6000);
  assert.ok(rig.hw.connector(1).relayClosed(), 'energy again');
  assert.deepEqual(statusesOf(rig.csms.inbox, 1), ['Faulted/GroundFailure', 'Charging']);
});

test('EV-side disconnect: UnlockConnectorOnEVSideDisconnect unlocks the cable; false keeps it locked (transaction kept, SuspendedEV)', async () => {
  const rig = makeStation({ configuration: { StopTransactionOnEVSideDisconnect: false } });
  await startOnline(rig);
  await startCharging(rig, 1);
  // The sim can only pull an unlocked cable; lock it again before the station hears of it.
  const pullAtEv = () => {
    rig.hw.connector(1).setLock(false);
    rig.hw.connector(1).unplug();
    rig.hw.connector(1).setLock(true);
  };
  pullAtEv();
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'SuspendedEV');
  assert.ok(!rig.hw.connector(1).locked(), 'unlocked (UnlockConnectorOnEVSideDisconnect true)');
  rig.hw.connector(1).plugIn();
  await sleep(0);
  await rig.csms.call('ChangeConfiguration', { key: 'UnlockConnectorOnEVSideDisconnect', value: 'false' });
  rig.hw.connector(1).setLock(true);
  pullAtEv();
  await sleep(0);
  assert.ok(rig.hw.connector(1).locked(), 'kept locked');
  assert.ok(rig.station.connector(1)!.transaction, 'transaction kept');
});

test('the EV pauses and resumes: SuspendedEV and Charging, the transaction goes on', async () => {
  const rig = makeStation();
  await startOnline(rig);
  await startCharging(rig, 1);
  await sleep(10); // its Charging StatusNotification goes once StartTransaction is answered
  rig.csms.inbox.length = 0;
  rig.hw.connector(1).setEvRequests(false);
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'SuspendedEV');
  rig.hw.connector(1).setEvRequests(true);
  await sleep(10); // one CALL at a time: each StatusNotification after the answer to the one before
  assert.deepEqual(statusesOf(rig.csms.inbox, 1), ['SuspendedEV', 'Charging']);
  assert.equal(rig.csms.pending('StopTransaction').length, 0);
});
