// What the CSMS asks of the station: remote start/stop, reset, unlock, availability,
// configuration, data transfer, trigger message, cache.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline, startCharging } from '../lib/station-harness';

test('RemoteStartTransaction: Accepted, then the start when the cable comes; RemoteStopTransaction stops it (Remote)', async () => {
  const rig = makeStation();
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  const answer = await rig.csms.call('RemoteStartTransaction', { idTag: 'REMOTE', connectorId: 2 });
  assert.deepEqual(answer[2], { status: 'Accepted' });
  await sleep(0);
  assert.equal(rig.station.connector(2)!.status, 'Preparing', 'waiting for the cable');
  assert.equal(rig.csms.pending('Authorize').length, 0, 'AuthorizeRemoteTxRequests false: no Authorize');
  rig.hw.connector(2).plugIn();
  const start = await rig.csms.next('StartTransaction');
  assert.equal(start[3].idTag, 'REMOTE');
  assert.equal(start[3].connectorId, 2);
  await sleep(0);
  assert.deepEqual((await rig.csms.call('RemoteStopTransaction', { transactionId: 999 }))[2], { status: 'Rejected' }, 'unknown transaction');
  assert.deepEqual((await rig.csms.call('RemoteStopTransaction', { transactionId: 101 }))[2], { status: 'Accepted' });
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'Remote');
  assert.equal(stop[3].transactionId, 101);
});

test('RemoteStartTransaction: AuthorizeRemoteTxRequests asks first; no free connector → Rejected; ConnectionTimeOut cancels', async () => {
  const rig = makeStation({ configuration: { AuthorizeRemoteTxRequests: true, ConnectionTimeOut: 30 } });
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  assert.equal((await rig.csms.call('RemoteStartTransaction', { idTag: 'R1' }))[2].status, 'Accepted');
  const auth = await rig.csms.next('Authorize');
  assert.equal(auth[3].idTag, 'R1');
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'Preparing', 'the first free connector');
  assert.equal((await rig.csms.call('RemoteStartTransaction', { idTag: 'R2', connectorId: 1 }))[2].status, 'Rejected', 'connector 1 is taken');
  assert.equal((await rig.csms.call('RemoteStartTransaction', { idTag: 'R2', connectorId: 7 }))[2].status, 'Rejected', 'no connector 7');
  await sleep(31000);
  assert.equal(rig.station.connector(1)!.status, 'Available', 'no cable within ConnectionTimeOut');
  rig.hw.connector(1).plugIn();
  await sleep(1000);
  assert.equal(rig.csms.pending('StartTransaction').length, 0, 'a cable after the timeout starts nothing');
});

test('Reset Hard: restart at once; the next boot stops the transaction with HardReset. Reset Soft: stop (SoftReset) first, then restart', async () => {
  const rig = makeStation();
  await startOnline(rig);
  await startCharging(rig, 1);
  assert.deepEqual((await rig.csms.call('Reset', { type: 'Hard' }))[2], { status: 'Accepted' });
  await sleep(0);
  assert.equal(rig.host.restarts, 1, 'restarted');
  assert.equal(rig.csms.pending('StopTransaction').length, 0, 'no stop before a hard reset');
  const next = makeStation({}, rig.host.files);
  await startOnline(next);
  const stop = await next.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'HardReset');

  await startCharging(next, 2);
  await next.csms.call('Reset', { type: 'Soft' });
  const soft = await next.csms.next('StopTransaction');
  assert.equal(soft[3].reason, 'SoftReset');
  await sleep(100);
  assert.equal(next.host.restarts, 1, 'restarted once its stop was answered');
  const third = makeStation({}, next.host.files);
  await startOnline(third);
  await sleep(1000);
  assert.equal(third.csms.pending('StopTransaction').length, 0, 'nothing left to stop');
});

test('Reset Soft with a CSMS that does not answer the StopTransaction: restart after the grace time; the stop goes after the reboot, once', async () => {
  const rig = makeStation();
  await startOnline(rig);
  await startCharging(rig, 1);
  delete rig.csms.autoAnswer.StopTransaction;
  const t0 = clock.now();
  await rig.csms.call('Reset', { type: 'Soft' });
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'SoftReset');
  while (!rig.host.restarts) await sleep(100);
  assert.ok(clock.now() - t0 >= 9900 && clock.now() - t0 <= 10100, 'restarted after 10 s: ' + (clock.now() - t0));
  const next = makeStation({}, rig.host.files);
  await startOnline(next);
  await sleep(1000);
  const stops = next.csms.inbox.filter((f) => f[0] === 2 && f[2] === 'StopTransaction');
  assert.equal(stops.length, 1, 'the unanswered stop again, and no second one for the same transaction');
  assert.equal(stops[0][1], stop[1], 'with the same message id, so the CSMS can tell a repeat');
  assert.equal(stops[0][3].reason, 'SoftReset');
});

test('UnlockConnector: stops the transaction there (UnlockCommand) and unlocks; UnlockFailed for a jammed lock; NotSupported for no such connector', async () => {
  const rig = makeStation();
  await startOnline(rig);
  await startCharging(rig, 1);
  assert.deepEqual((await rig.csms.call('UnlockConnector', { connectorId: 1 }))[2], { status: 'Unlocked' });
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'UnlockCommand');
  assert.ok(!rig.hw.connector(1).locked());
  rig.hw.connector(2).breakLock(true);
  assert.deepEqual((await rig.csms.call('UnlockConnector', { connectorId: 2 }))[2], { status: 'UnlockFailed' });
  assert.deepEqual((await rig.csms.call('UnlockConnector', { connectorId: 3 }))[2], { status: 'NotSupported' });
});

test('ChangeAvailability: Inoperative → Unavailable (persisted across a reboot); Scheduled while a transaction runs, effective after it', async () => {
  const rig = makeStation();
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  assert.deepEqual((await rig.csms.call('ChangeAvailability', { connectorId: 2, type: 'Inoperative' }))[2], { status: 'Accepted' });
  const st = await rig.csms.next('StatusNotification');
  assert.deepEqual([st[3].connectorId, st[3].status], [2, 'Unavailable']);
  assert.ok(!(await rig.station.presentIdTag(2, 'TAG')), 'no charging on an Unavailable connector');
  await startCharging(rig, 1);
  assert.deepEqual((await rig.csms.call('ChangeAvailability', { connectorId: 0, type: 'Inoperative' }))[2], { status: 'Scheduled' });
  assert.equal(rig.station.connector(1)!.status, 'Charging', 'the transaction goes on');
  await rig.station.presentIdTag(1, 'TAG');
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'Unavailable', 'effective once the transaction ended');
  assert.equal(rig.station.status.status(0), 'Unavailable', 'connector 0 too');
  assert.deepEqual((await rig.csms.call('ChangeAvailability', { connectorId: 5, type: 'Operative' }))[2], { status: 'Rejected' });

  const after = makeStation({}, rig.host.files);
  await startOnline(after);
  assert.equal(after.station.connector(1)!.status, 'Unavailable', 'persisted');
  assert.equal(after.station.connector(2)!.status, 'Unavailable');
  await after.csms.call('ChangeAvailability', { connectorId: 0, type: 'Operative' });
  await sleep(0);
  assert.equal(after.station.connector(1)!.status, 'Available');
  assert.equal(after.station.connector(2)!.status, 'Available');
  assert.equal(after.host.files['availability.json'], undefined);
});

test('GetConfiguration / ChangeConfiguration through the link; unknown keys reported; values survive a reboot', async () => {
  const rig = makeStation();
  await startOnline(rig);
  const all = await rig.csms.call('GetConfiguration', {});
  assert.ok(all[2].configurationKey.length >= 25);
  assert.equal(all[2].unknownKey, undefined, 'no unknownKey when none was asked for');
  const some = await rig.csms.call('GetConfiguration', { key: ['MeterValueSampleInterval', 'Nope'] });
  assert.deepEqual(some[2], { configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '60' }], unknownKey: ['Nope'] });
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '15' }))[2], { status: 'Accepted' });
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' }))[2], { status: 'Rejected' });
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'Nope', value: '3' }))[2], { status: 'NotSupported' });
  const after = makeStation({}, rig.host.files);
  assert.equal(after.station.config.getInt('MeterValueSampleInterval'), 15);
});

test('TriggerMessage: StatusNotification, Heartbeat, MeterValues, Diagnostics/Firmware status; Rejected for no such connector', async () => {
  const rig = makeStation();
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  assert.equal((await rig.csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }))[2].status, 'Accepted');
  const st = await rig.csms.next('StatusNotification');
  assert.deepEqual([st[3].connectorId, st[3].status], [1, 'Available'], 'sent though unchanged');
  await rig.csms.call('TriggerMessage', { requestedMessage: 'Heartbeat' });
  await rig.csms.next('Heartbeat');
  await rig.csms.call('TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 2 });
  const mv = await rig.csms.next('MeterValues');
  assert.equal(mv[3].connectorId, 2);
  assert.equal(mv[3].meterValue[0].sampledValue[0].context, 'Trigger');
  await rig.csms.call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
  assert.deepEqual((await rig.csms.next('FirmwareStatusNotification'))[3], { status: 'Idle' });
  assert.equal((await rig.csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 9 }))[2].status, 'Rejected');
});

test('DataTransfer: UnknownVendorId for vendors it does not know; ClearCache empties the cache; unknown actions → NotImplemented', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.deepEqual((await rig.csms.call('DataTransfer', { vendorId: 'com.example', messageId: 'x' }))[2], { status: 'UnknownVendorId' });
  rig.station.cache.update('TAG', { status: 'Accepted' });
  assert.deepEqual((await rig.csms.call('ClearCache', {}))[2], { status: 'Accepted' });
  assert.equal(rig.station.cache.size(), 0);
  const notImplemented = await rig.csms.call('NoSuchAction', {});
  assert.equal(notImplemented[0], 4);
});
