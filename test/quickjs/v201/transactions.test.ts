// OCPP 2.0.1 block E (with J's sampled values): TransactionEvent Started / Updated / Ended,
// seqNo, triggerReason, TxStartPoint / TxStopPoint, the offline flag across a dropped link,
// a power loss mid-transaction, retries, GetTransactionStatus.
import { test, assert, sleep } from '../../lib/harness';
import { FakeStation } from './lib/fake-station';
import { installTransactions, TransactionsFeature } from '../../../src/v201/transactions/transactions';
import { installMeterValues } from '../../../src/v201/meter-values/meter-values';
import { installAuthorization } from '../../../src/v201/authorization/authorization';
import { installLocalAuthList } from '../../../src/v201/local-auth-list/local-auth-list';

const TOKEN = { idToken: 'DRIVER-1', type: 'ISO14443' as const };

function build(files: { [name: string]: string } = {}, online = true): { station: FakeStation; tx: TransactionsFeature } {
  const station = new FakeStation({ files });
  const tx = installTransactions(station, installAuthorization(station, installLocalAuthList(station)));
  installMeterValues(station, tx);
  station.up = false;
  if (online) station.linkUp(); // booted and accepted
  return { station, tx };
}

const seqNos = (events: any[]) => events.map((e) => e.seqNo);
const types = (events: any[]) => events.map((e) => e.eventType + ':' + e.triggerReason);

test('a session: Authorize, Started with the idToken and Transaction.Begin, periodic Updated, Ended with stoppedReason Local', async () => {
  const { station, tx } = build();
  station.model.put('SampledDataCtrlr/TxUpdatedInterval', '10');
  station.hardware.connector(1).plugIn();
  await sleep(1);
  assert.equal(station.events().length, 0, 'TxStartPoint PowerPathClosed: nothing at the plug-in alone');
  assert.ok(await tx.present(1, TOKEN));
  assert.deepEqual(station.sent.map((c) => c.action).slice(0, 2), ['Authorize', 'TransactionEvent']);
  const started = station.events()[0];
  assert.equal(started.eventType, 'Started');
  assert.equal(started.triggerReason, 'Authorized');
  assert.equal(started.seqNo, 0);
  assert.deepEqual(started.idToken, TOKEN);
  assert.deepEqual(started.evse, { id: 1, connectorId: 1 });
  assert.equal(started.transactionInfo.chargingState, 'Charging');
  assert.equal(started.meterValue[0].sampledValue[0].context, 'Transaction.Begin');
  assert.equal(started.meterValue[0].sampledValue[0].measurand, 'Energy.Active.Import.Register');
  assert.ok(station.hardware.connector(1).relayClosed() && station.hardware.connector(1).locked(), 'energy offered, cable locked');
  await sleep(25000);
  const updated = station.events().filter((e) => e.eventType === 'Updated');
  assert.equal(updated.length, 2, 'one Updated per TxUpdatedInterval');
  assert.equal(updated[0].triggerReason, 'MeterValuePeriodic');
  assert.equal(updated[0].idToken, undefined, 'the idToken goes once (E03.FR.01)');
  assert.equal(updated[1].meterValue[0].sampledValue.length, 2, 'energy and power');
  assert.ok(updated[1].meterValue[0].sampledValue[0].value > started.meterValue[0].sampledValue[0].value, 'the register grew');
  assert.ok(await tx.present(1, { idToken: 'driver-1', type: 'ISO14443' }), 'the same token (case-insensitive) stops');
  await sleep(1);
  const events = station.events();
  const ended = events[events.length - 1];
  assert.equal(ended.eventType, 'Ended');
  assert.equal(ended.triggerReason, 'StopAuthorized');
  assert.equal(ended.transactionInfo.stoppedReason, 'Local');
  assert.equal(ended.transactionInfo.transactionId, started.transactionInfo.transactionId);
  assert.deepEqual(ended.meterValue.map((m: any) => m.sampledValue[0].context), ['Transaction.Begin', 'Transaction.End']);
  assert.deepEqual(seqNos(events), [0, 1, 2, 3], 'seqNo without gaps');
  assert.ok(!events.some((e) => e.offline), 'nothing offline');
  assert.ok(!station.hardware.connector(1).relayClosed() && !station.hardware.connector(1).locked(), 'relay open, cable unlocked (E06.FR.10)');
  assert.equal(tx.log.size(), 0, 'every event answered and done');
  assert.equal(station.transactions.running(), false);
});

test('TxStartPoint EVConnected: Started at the plug-in, Updated Authorized with the idToken, Ended EVCommunicationLost / EVDisconnected', async () => {
  const { station, tx } = build();
  station.model.put('TxCtrlr/TxStartPoint', 'EVConnected,Authorized');
  station.hardware.connector(1).plugIn();
  await sleep(1);
  let events = station.events();
  assert.deepEqual(types(events), ['Started:CablePluggedIn']);
  assert.equal(events[0].idToken, undefined);
  assert.equal(events[0].transactionInfo.chargingState, 'EVConnected');
  await tx.present(1, TOKEN);
  await sleep(1);
  events = station.events();
  assert.equal(events[1].triggerReason, 'Authorized');
  assert.deepEqual(events[1].idToken, TOKEN);
  assert.equal(events[1].transactionInfo.chargingState, 'Charging');
  station.hardware.connector(1).unplug(true); // at the EV: the station side is locked
  await sleep(1);
  events = station.events();
  const ended = events[events.length - 1];
  assert.equal(ended.eventType, 'Ended');
  assert.equal(ended.triggerReason, 'EVCommunicationLost');
  assert.equal(ended.transactionInfo.stoppedReason, 'EVDisconnected');
  assert.deepEqual(seqNos(events), [0, 1, 2]);
});

test('a dropped link mid-transaction: events made offline go later in order with offline true, the one in flight again with its message id', async () => {
  const { station, tx } = build();
  station.model.put('SampledDataCtrlr/TxUpdatedInterval', '10');
  station.hardware.connector(1).plugIn();
  await tx.present(1, TOKEN);
  await sleep(11000); // one Updated answered
  station.holdAnswers = true;
  await sleep(10000); // the next Updated goes, its answer is held
  const inFlight = station.sent[station.sent.length - 1];
  assert.equal(inFlight.payload.eventType, 'Updated');
  station.linkDown();
  await sleep(30000); // three periodic Updated while offline
  await tx.present(1, TOKEN); // stops while offline (E08)
  await sleep(1);
  assert.equal(station.sent[station.sent.length - 1], inFlight, 'nothing sent while offline');
  const before = station.sent.length;
  station.holdAnswers = false;
  station.linkUp();
  await sleep(1);
  const after = station.sent.slice(before);
  assert.equal(after[0].uniqueId, inFlight.uniqueId, 'the event without an answer goes again with the same message id');
  assert.equal(after[0].payload.seqNo, inFlight.payload.seqNo);
  assert.ok(after.every((c) => c.payload.offline === true), 'every event still queued when the link went is offline (E11.FR.07, E12.FR.02)');
  assert.deepEqual(types(after.map((c) => c.payload)), ['Updated:MeterValuePeriodic', 'Updated:MeterValuePeriodic', 'Updated:MeterValuePeriodic', 'Updated:MeterValuePeriodic', 'Ended:StopAuthorized']);
  const all = station.events();
  const firstTransmissions = all.filter((e, i) => all.map((x) => x.seqNo).indexOf(e.seqNo) === i);
  assert.deepEqual(seqNos(firstTransmissions), [0, 1, 2, 3, 4, 5, 6], 'seqNo without gaps, in order');
  assert.equal(tx.log.size(), 0);
});

test('a power loss mid-transaction: the next boot ends it (PowerLoss, AbnormalCondition) with the next seqNo and the meter register', async () => {
  const files: { [name: string]: string } = {};
  let { station, tx } = build(files);
  station.model.put('SampledDataCtrlr/TxUpdatedInterval', '10');
  station.hardware.connector(1).plugIn();
  await tx.present(1, TOKEN);
  await sleep(20500);
  const sent = station.events();
  assert.deepEqual(seqNos(sent), [0, 1, 2]);
  station.linkDown();
  await sleep(10000); // one more Updated, stored and never sent
  station.hardware.stop();
  // Power loss: nothing more runs; a new boot reads the same files.
  const copy: { [name: string]: string } = {};
  for (const name in files) copy[name] = files[name];
  ({ station, tx } = build(copy, false)); // boots offline
  await sleep(0);
  assert.equal(tx.log.ongoing().length, 0, 'the interrupted transaction was ended at boot');
  assert.equal(tx.log.size(), 2, 'the Updated made offline and the Ended are queued');
  station.linkUp();
  await sleep(1);
  const after = station.events();
  assert.deepEqual(seqNos(after), [3, 4]);
  const ended = after[1];
  assert.equal(ended.eventType, 'Ended');
  assert.equal(ended.triggerReason, 'AbnormalCondition');
  assert.equal(ended.transactionInfo.stoppedReason, 'PowerLoss');
  assert.equal(ended.transactionInfo.transactionId, sent[0].transactionInfo.transactionId);
  assert.ok(ended.offline === true && after[0].offline === true);
  const begin = ended.meterValue[0].sampledValue[0];
  const end = ended.meterValue[ended.meterValue.length - 1].sampledValue[0];
  assert.equal(begin.context, 'Transaction.Begin');
  assert.equal(end.context, 'Transaction.End');
  assert.ok(end.value >= sent[2].meterValue[0].sampledValue[0].value, 'the register is the meter\'s, kept across the power loss');
  assert.equal(station.transactions.running(), false);
});

test('the CSMS answers the idToken Invalid: the transaction ends (Deauthorized, DeAuthorized), energy stops', async () => {
  const { station, tx } = build();
  station.answer = (action, payload) => (action === 'TransactionEvent' && payload.idToken ? { idTokenInfo: { status: 'Invalid' } } : action === 'Authorize' ? { idTokenInfo: { status: 'Accepted' } } : {});
  station.hardware.connector(1).plugIn();
  await tx.present(1, TOKEN);
  await sleep(1);
  const events = station.events();
  assert.deepEqual(types(events), ['Started:Authorized', 'Ended:Deauthorized']);
  assert.equal(events[1].transactionInfo.stoppedReason, 'DeAuthorized');
  assert.ok(!station.hardware.connector(1).relayClosed());
});

test('an idToken the CSMS does not accept starts nothing; another driver cannot stop a transaction', async () => {
  const { station, tx } = build();
  station.answer = (action, payload) => (action === 'Authorize' ? { idTokenInfo: { status: payload.idToken.idToken === 'BAD' ? 'Blocked' : 'Accepted' } } : {});
  station.hardware.connector(1).plugIn();
  assert.equal(await tx.present(1, { idToken: 'BAD', type: 'ISO14443' }), false);
  assert.equal(station.events().length, 0);
  assert.ok(await tx.present(1, TOKEN));
  assert.equal(await tx.present(1, { idToken: 'OTHER', type: 'ISO14443' }), false);
  assert.ok(station.transactions.running(1));
});

test('a CALLERROR answer: the event goes again after MessageAttemptInterval × attempts, and is dropped after MessageAttempts (E13)', async () => {
  const { station, tx } = build();
  station.model.put('OCPPCommCtrlr/MessageAttempts#TransactionEvent', '3');
  station.model.put('OCPPCommCtrlr/MessageAttemptInterval#TransactionEvent', '10');
  station.model.put('SampledDataCtrlr/TxUpdatedInterval', '0');
  let failing = true;
  station.answer = (action) => {
    if (action === 'TransactionEvent' && failing) throw new Error('InternalError');
    return action === 'Authorize' ? { idTokenInfo: { status: 'Accepted' } } : {};
  };
  station.hardware.connector(1).plugIn();
  await tx.present(1, TOKEN);
  await sleep(1);
  assert.equal(station.events().length, 1);
  await sleep(10000);
  assert.equal(station.events().length, 2, 'again after 10 s');
  assert.notEqual(station.sent[2].uniqueId, station.sent[1].uniqueId, 'a new message id for a retry on the same link');
  await sleep(20000);
  assert.equal(station.events().length, 3, 'again after 20 s more');
  await sleep(60000);
  assert.equal(station.events().length, 3, 'given up after 3 attempts');
  assert.equal(tx.log.size(), 0);
  failing = false;
});

test('GetTransactionStatus: ongoing and queued messages per transaction, and for none (E14)', async () => {
  const { station, tx } = build();
  station.hardware.connector(1).plugIn();
  await tx.present(1, TOKEN);
  await sleep(1);
  const id = station.events()[0].transactionInfo.transactionId;
  assert.deepEqual(station.request('GetTransactionStatus', { transactionId: id }), { ongoingIndicator: true, messagesInQueue: false });
  assert.deepEqual(station.request('GetTransactionStatus', { transactionId: 'nope' }), { ongoingIndicator: false, messagesInQueue: false }); // E14.FR.01
  station.linkDown();
  await tx.present(1, TOKEN);
  assert.deepEqual(station.request('GetTransactionStatus', { transactionId: id }), { ongoingIndicator: false, messagesInQueue: true });
  assert.deepEqual(station.request('GetTransactionStatus', {}), { messagesInQueue: true }, 'no ongoingIndicator without an id (E14.FR.06)');
});

test('the stop of a transaction by the station (reset) and TriggerMessage TransactionEvent', async () => {
  const { station, tx } = build();
  station.hardware.connector(1).plugIn();
  await tx.present(1, TOKEN);
  const trigger = station.triggers.target('TransactionEvent')!;
  assert.equal(trigger.status!({ id: 1 }), 'Accepted');
  trigger.send({ id: 1 });
  await station.transactions.stop(undefined, 'ImmediateReset');
  await sleep(1);
  assert.deepEqual(types(station.events()), ['Started:Authorized', 'Updated:Trigger', 'Ended:ResetCommand']);
  assert.equal(station.events()[2].transactionInfo.stoppedReason, 'ImmediateReset');
  assert.equal(trigger.status!({ id: 1 }), 'Rejected', 'no transaction to report');
});

test('a token of the same group stops the transaction (E07.FR.01, the group known from the local list); TxStopPoint EVConnected: StopAuthorized is an Updated, the unplug ends it Local', async () => {
  const { station, tx } = build();
  station.model.put('TxCtrlr/TxStopPoint', 'EVConnected');
  const group = { idToken: 'FLEET-7', type: 'Central' as const };
  station.request('SendLocalList', {
    versionNumber: 1,
    updateType: 'Full',
    localAuthorizationList: [
      { idToken: TOKEN, idTokenInfo: { status: 'Accepted', groupIdToken: group } },
      { idToken: { idToken: 'COLLEAGUE', type: 'ISO14443' }, idTokenInfo: { status: 'Accepted', groupIdToken: group } },
    ],
  });
  station.answer = (action) => (action === 'Authorize' ? { idTokenInfo: { status: 'Accepted', groupIdToken: group } } : {});
  station.hardware.connector(1).plugIn();
  await tx.present(1, TOKEN);
  assert.ok(await tx.present(1, { idToken: 'COLLEAGUE', type: 'ISO14443' }), 'the colleague of the same group stops');
  await sleep(1);
  let events = station.events();
  const last = events[events.length - 1];
  assert.equal(last.eventType, 'Updated');
  assert.equal(last.triggerReason, 'StopAuthorized');
  assert.deepEqual(last.idToken, { idToken: 'COLLEAGUE', type: 'ISO14443' }, 'E07.FR.02: the token that stopped');
  assert.ok(!station.hardware.connector(1).relayClosed(), 'energy stops with the authorization');
  assert.ok(station.transactions.running(1), 'the transaction waits for its stop point');
  station.hardware.connector(1).unplug(true);
  await sleep(1);
  events = station.events();
  assert.equal(events[events.length - 1].eventType, 'Ended');
  assert.equal(events[events.length - 1].transactionInfo.stoppedReason, 'Local', 'the driver ended it');
});

test('a transaction started while offline (E04): the token from the cache, every event offline, delivered in order once the link is back', async () => {
  const { station, tx } = build();
  station.model.put('SampledDataCtrlr/TxUpdatedInterval', '10');
  station.hardware.connector(1).plugIn();
  await tx.present(1, TOKEN); // online: Authorize, the answer cached
  await tx.present(1, TOKEN);
  await sleep(1);
  const before = station.sent.length;
  station.linkDown();
  station.hardware.connector(1).unplug();
  await sleep(1);
  station.hardware.connector(1).plugIn();
  assert.ok(await tx.present(1, TOKEN), 'LocalAuthorizeOffline: the cached Accepted token');
  await sleep(25000);
  await tx.present(1, TOKEN);
  await sleep(1);
  assert.equal(station.sent.length, before, 'nothing sent while offline');
  station.linkUp();
  await sleep(1);
  const offline = station.sent.slice(before).map((c) => c.payload);
  assert.deepEqual(types(offline), ['Started:Authorized', 'Updated:MeterValuePeriodic', 'Updated:MeterValuePeriodic', 'Ended:StopAuthorized']);
  assert.ok(offline.every((e) => e.offline === true), 'offline: true (E04, E12.FR.02)');
  assert.deepEqual(seqNos(offline), [0, 1, 2, 3]);
  assert.notEqual(offline[0].transactionInfo.transactionId, station.events()[0].transactionInfo.transactionId, 'a transaction of its own');
});
