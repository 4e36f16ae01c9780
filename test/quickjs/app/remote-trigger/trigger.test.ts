// Remote Trigger: every TriggerMessage target, and which connectors each one reports.
import { test, assert, sleep } from '../../../lib/harness';
import { makeStation, startOnline, startCharging } from '../lib/station-harness';

test('TriggerMessage StatusNotification: one connector, connector 0 (the charge point), or all when none is given', async () => {
  const rig = makeStation();
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  await rig.csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 0 });
  await sleep(0);
  assert.deepEqual(rig.csms.pending('StatusNotification').map((f) => f[3].connectorId), [0]);
  rig.csms.inbox.length = 0;
  await rig.csms.call('TriggerMessage', { requestedMessage: 'StatusNotification' });
  await sleep(10); // one CALL at a time: each after the answer to the one before
  assert.deepEqual(rig.csms.pending('StatusNotification').map((f) => f[3].connectorId), [0, 1, 2]);
});

test('TriggerMessage MeterValues: the transaction\'s id on a charging connector; every connector when none is given; BootNotification again', async () => {
  const rig = makeStation();
  await startOnline(rig);
  await startCharging(rig, 2);
  await sleep(0);
  rig.csms.inbox.length = 0;
  await rig.csms.call('TriggerMessage', { requestedMessage: 'MeterValues' });
  await sleep(0);
  const sent = rig.csms.pending('MeterValues').map((f) => [f[3].connectorId, f[3].transactionId]);
  assert.deepEqual(sent, [[1, undefined], [2, 101]]);
  assert.equal((await rig.csms.call('TriggerMessage', { requestedMessage: 'BootNotification' }))[2].status, 'Accepted');
  await rig.csms.next('BootNotification');
  assert.equal((await rig.csms.call('TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 5 }))[2].status, 'Rejected');
});
