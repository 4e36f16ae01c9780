// OCPP 2.0.1 block F (RequestStartTransaction, RequestStopTransaction, UnlockConnector,
// TriggerMessage) and block J's clock-aligned meter values and TriggerMessage(MeterValues).
import { test, assert, sleep } from '../../lib/harness';
import { FakeStation } from './lib/fake-station';
import { installTransactions, TransactionsFeature } from '../../../src/v201/transactions/transactions';
import { installMeterValues } from '../../../src/v201/meter-values/meter-values';
import { installAuthorization } from '../../../src/v201/authorization/authorization';
import { installRemoteControl } from '../../../src/v201/remote-control/remote-control';

function build(evses = 2): { station: FakeStation; tx: TransactionsFeature } {
  const station = new FakeStation({ evses });
  const auth = installAuthorization(station, null);
  const tx = installTransactions(station, auth);
  installMeterValues(station, tx);
  installRemoteControl(station, tx, auth);
  station.up = false;
  station.linkUp();
  return { station, tx };
}

const REMOTE = { idToken: 'APP-USER', type: 'Central' as const };
const types = (events: any[]) => events.map((e) => e.eventType + ':' + e.triggerReason);

test('RequestStartTransaction before the cable: Accepted, then Started RemoteStart with remoteStartId and the idToken at the plug-in (F02); RequestStopTransaction: Ended Remote (F03)', async () => {
  const { station, tx } = build();
  assert.deepEqual(station.request('RequestStartTransaction', { idToken: REMOTE, remoteStartId: 7, evseId: 2 }), { status: 'Accepted' });
  await sleep(1);
  assert.equal(station.events().length, 0, 'TxStartPoint PowerPathClosed: not before the cable');
  assert.equal(station.sent.filter((c) => c.action === 'Authorize').length, 0, 'AuthorizeRemoteStart false: not authorized first (F02.FR.10)');
  station.hardware.connector(2).plugIn();
  await sleep(1);
  const started = station.events()[0];
  assert.equal(started.triggerReason, 'RemoteStart');
  assert.equal(started.transactionInfo.remoteStartId, 7);
  assert.deepEqual(started.idToken, REMOTE);
  assert.deepEqual(started.evse, { id: 2, connectorId: 1 });
  assert.deepEqual(station.request('RequestStartTransaction', { idToken: REMOTE, remoteStartId: 8, evseId: 2 }), { status: 'Rejected' }, 'F01.FR.24: authorized already');
  assert.deepEqual(station.request('RequestStopTransaction', { transactionId: 'nope' }), { status: 'Rejected' });
  assert.deepEqual(station.request('RequestStopTransaction', { transactionId: started.transactionInfo.transactionId }), { status: 'Accepted' });
  await sleep(1);
  const ended = station.events()[station.events().length - 1];
  assert.equal(ended.triggerReason, 'RemoteStop');
  assert.equal(ended.transactionInfo.stoppedReason, 'Remote');
  assert.ok(!tx.evse(2)!.transactionId());
});

test('RequestStartTransaction: the first free EVSE without evseId (F01.FR.20), Rejected on an Inoperative one (F01.FR.23), a chargingProfile ignored (F01.FR.12), the running transaction id returned (F01.FR.13)', async () => {
  const { station, tx } = build();
  station.model.put('TxCtrlr/TxStartPoint', 'EVConnected');
  station.hardware.connector(1).plugIn();
  await sleep(1);
  const id = tx.evse(1)!.transactionId();
  assert.ok(id, 'started at the plug-in, not authorized');
  const profile = { id: 1, stackLevel: 0, chargingProfilePurpose: 'TxProfile' as const, chargingProfileKind: 'Relative' as const, chargingSchedule: [{ id: 1, chargingRateUnit: 'A' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] }] };
  assert.deepEqual(station.request('RequestStartTransaction', { idToken: REMOTE, remoteStartId: 9, evseId: 1, chargingProfile: profile }), { status: 'Accepted', transactionId: id });
  await sleep(1);
  const updated = station.events()[1];
  assert.equal(updated.triggerReason, 'RemoteStart');
  assert.equal(updated.transactionInfo.remoteStartId, 9, 'F01.FR.25');
  assert.ok(station.hardware.connector(1).relayClosed());
  station.availability = { status: () => 'Available', operative: (evseId) => evseId !== 2, hold: () => undefined };
  assert.deepEqual(station.request('RequestStartTransaction', { idToken: REMOTE, remoteStartId: 10 }), { status: 'Rejected' }, 'EVSE 1 authorized, EVSE 2 Inoperative: none free');
  station.availability = { status: () => 'Available', operative: () => true, hold: () => undefined };
  assert.deepEqual(station.request('RequestStartTransaction', { idToken: REMOTE, remoteStartId: 11 }), { status: 'Accepted' });
  assert.ok(tx.evse(2)!.authorizedFor(), 'EVSE 2 picked');
});

test('AuthorizeRemoteStart true: the idToken is authorized first; one the CSMS refuses starts nothing (F02.FR.09)', async () => {
  const { station, tx } = build();
  station.model.put('AuthCtrlr/AuthorizeRemoteStart', 'true');
  station.answer = (action) => (action === 'Authorize' ? { idTokenInfo: { status: 'Blocked' } } : {});
  assert.deepEqual(station.request('RequestStartTransaction', { idToken: REMOTE, remoteStartId: 1, evseId: 1 }), { status: 'Accepted' });
  await sleep(1);
  assert.equal(station.sent[0].action, 'Authorize');
  assert.equal(tx.evse(1)!.authorizedFor(), null);
});

test('UnlockConnector: UnknownConnector, OngoingAuthorizedTransaction, Unlocked (F05)', async () => {
  const { station, tx } = build();
  assert.deepEqual(station.request('UnlockConnector', { evseId: 3, connectorId: 1 }), { status: 'UnknownConnector' });
  station.hardware.connector(1).plugIn();
  await tx.present(1, { idToken: 'X', type: 'ISO14443' });
  assert.ok(station.hardware.connector(1).locked());
  assert.deepEqual(station.request('UnlockConnector', { evseId: 1, connectorId: 1 }), { status: 'OngoingAuthorizedTransaction' });
  station.hardware.connector(2).setLock(true);
  assert.deepEqual(station.request('UnlockConnector', { evseId: 2, connectorId: 1 }), { status: 'Unlocked' });
  assert.ok(!station.hardware.connector(2).locked());
});

test('TriggerMessage: NotImplemented for what nothing sends, Rejected for an EVSE that does not exist, MeterValues sent after the answer', async () => {
  const { station } = build();
  assert.deepEqual(station.request('TriggerMessage', { requestedMessage: 'SignV2GCertificate' }), { status: 'NotImplemented' });
  assert.deepEqual(station.request('TriggerMessage', { requestedMessage: 'MeterValues', evse: { id: 9 } }), { status: 'Rejected' });
  assert.deepEqual(station.request('TriggerMessage', { requestedMessage: 'TransactionEvent' }), { status: 'Rejected' }, 'no transaction');
  assert.deepEqual(station.request('TriggerMessage', { requestedMessage: 'MeterValues', evse: { id: 2 } }), { status: 'Accepted' });
  await sleep(1);
  const mv = station.sent.filter((c) => c.action === 'MeterValues');
  assert.equal(mv.length, 1);
  assert.equal(mv[0].payload.evseId, 2);
  assert.equal(mv[0].payload.meterValue[0].sampledValue[0].context, 'Trigger');
});

test('clock-aligned meter values: MeterValues for an idle EVSE (J01.FR.14), an Updated MeterValueClock for one in a transaction (J01.FR.22), the TxEndedMeasurands at TxEndedInterval in the Ended event', async () => {
  const { station, tx } = build();
  station.model.put('SampledDataCtrlr/TxUpdatedInterval', '0');
  station.model.put('AlignedDataCtrlr/Interval', '900');
  station.model.put('AlignedDataCtrlr/TxEndedMeasurands', 'Energy.Active.Import.Register');
  station.model.put('AlignedDataCtrlr/TxEndedInterval', '900');
  station.hardware.connector(1).plugIn();
  await tx.present(1, { idToken: 'X', type: 'ISO14443' });
  const now = station.hal.now();
  const next = now - (now % 900000) + 900000;
  await sleep(next - now + 1);
  const mv = station.sent.filter((c) => c.action === 'MeterValues');
  assert.equal(mv.length, 1, 'only EVSE 2 (idle) gets a MeterValuesRequest');
  assert.equal(mv[0].payload.evseId, 2);
  assert.equal(mv[0].payload.meterValue[0].timestamp, new Date(next).toISOString(), 'at the aligned instant');
  assert.equal(mv[0].payload.meterValue[0].sampledValue[0].context, 'Sample.Clock');
  assert.deepEqual(types(station.events()), ['Started:Authorized', 'Updated:MeterValueClock']);
  station.model.put('AlignedDataCtrlr/SendDuringIdle', 'true');
  await sleep(900000);
  assert.equal(station.sent.filter((c) => c.action === 'MeterValues').length, 1, 'SendDuringIdle: nothing while a transaction runs (J01.FR.20)');
  await tx.present(1, { idToken: 'X', type: 'ISO14443' });
  await sleep(1);
  const ended = station.events()[station.events().length - 1];
  assert.deepEqual(ended.meterValue.map((m: any) => m.sampledValue[0].context), ['Transaction.Begin', 'Sample.Clock', 'Sample.Clock', 'Transaction.End']);
});
