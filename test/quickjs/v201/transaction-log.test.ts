// The durable TransactionEvent log: stored before it is sent, seqNo continued across reboots
// and rewrites, the running transactions and their Ended samples kept, a torn last record
// dropped, every event found at boot offline, the cap thinning Updated events only.
import { test, assert } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { createHal } from '../../../hal/index';
import { OngoingTransaction, TransactionLog } from '../../../src/v201/transactions/transaction-log';

function logOn(files: { [name: string]: string }, limitBytes?: number, warnings?: string[]) {
  return new TransactionLog(createHal(new FakeHost({ files })).storage, { limitBytes, idPrefix: 'b-', warn: (t) => warnings && warnings.push(t) });
}

const start = (id: string): OngoingTransaction => ({ id, evseId: 1, connectorId: 1, nextSeqNo: 0, meterStartWh: 100, startedAt: 0 });
const event = (id: string, eventType: 'Started' | 'Updated' | 'Ended', pad = '') => ({
  eventType,
  timestamp: '2024-01-01T00:00:00.000Z',
  triggerReason: eventType === 'Updated' ? ('MeterValuePeriodic' as const) : ('Authorized' as const),
  transactionInfo: { transactionId: id + pad },
});

test('an event is in storage before append returns; the next boot finds it, offline, with its message id and seqNo', () => {
  const files: { [name: string]: string } = {};
  const log = logOn(files);
  const e = log.append(event('T1', 'Started'), false, start('T1'))!;
  assert.equal(e.offline, false);
  assert.match(files['transaction-events.log'], /"Started"/);
  const after = logOn(files);
  assert.equal(after.size(), 1);
  const head = after.head()!;
  assert.equal(head.messageId, e.messageId);
  assert.equal(after.payloadOf(head).seqNo, 0);
  assert.equal(after.payloadOf(head).offline, true, 'found at boot: the station was offline since (E11.FR.07)');
  assert.deepEqual(after.ongoing().map((t) => t.id), ['T1']);
});

test('seqNo continues across reboots and rewrites of the log, and ends with the transaction', () => {
  const files: { [name: string]: string } = {};
  let log = logOn(files);
  log.append(event('T1', 'Started'), false, start('T1'));
  for (let i = 0; i < 100; i++) {
    const e = log.append(event('T1', 'Updated'), false)!;
    log.complete(e.seq); // answered: the log is rewritten now and then
  }
  log.complete(log.head()!.seq);
  assert.equal(log.size(), 0);
  log = logOn(files);
  assert.deepEqual(log.ongoing().map((t) => t.nextSeqNo), [101], 'the counter kept though every event is done');
  const ended = log.append(event('T1', 'Ended'), true)!;
  assert.equal(log.payloadOf(ended).seqNo, 101);
  assert.equal(log.ongoing().length, 0);
  log = logOn(files);
  assert.equal(log.ongoing().length, 0, 'over across a reboot too');
  assert.equal(log.append(event('T1', 'Updated'), false), null, 'no event for a transaction that is over');
});

test('the samples kept for the Ended event survive a reboot; a torn last record is dropped', () => {
  const files: { [name: string]: string } = {};
  const warnings: string[] = [];
  let log = logOn(files, undefined, warnings);
  log.append(event('T1', 'Started'), false, start('T1'));
  log.keepSample('T1', { timestamp: '2024-01-01T00:00:00.000Z', sampledValue: [{ value: 100, context: 'Transaction.Begin' }] });
  log.keepSample('T1', { timestamp: '2024-01-01T00:05:00.000Z', sampledValue: [{ value: 150, context: 'Sample.Periodic' }] });
  files['transaction-events.log'] += '{"q":9,"u":"b-9","x":"T1","p":{"eventTy';
  log = logOn(files, undefined, warnings);
  assert.deepEqual(log.endedSamples('T1').map((m) => m.sampledValue[0].value), [100, 150]);
  assert.equal(log.size(), 1, 'the torn record is not an event (the HAL drops a torn last line)');
  log.append(event('T1', 'Updated'), false);
  assert.equal(logOn(files).size(), 2, 'the next append is not glued to the torn line');
});

test('over the cap every second waiting Updated goes (the oldest kept); Started and Ended never (E11.FR.05)', () => {
  const files: { [name: string]: string } = {};
  const warnings: string[] = [];
  const log = logOn(files, 3000, warnings);
  log.append(event('T1', 'Started'), true, start('T1'));
  for (let i = 0; i < 30; i++) log.append(event('T1', 'Updated', ''), true);
  log.append(event('T1', 'Ended'), true);
  const kinds = log.list().map((e) => e.eventType);
  assert.equal(kinds[0], 'Started');
  assert.equal(kinds[kinds.length - 1], 'Ended');
  assert.ok(kinds.length < 32, 'some Updated dropped: ' + kinds.length);
  assert.ok(log.bytes() <= 3000 + 400, 'within the cap (an Ended may exceed it)');
  const seqNos = log.list().map((e) => log.payloadOf(e).seqNo);
  assert.equal(seqNos[1], 1, 'the oldest Updated kept');
  for (let i = 1; i < seqNos.length; i++) assert.ok(seqNos[i] > seqNos[i - 1], 'order kept');
  assert.ok(warnings.some((w) => /dropped \(every second one\)/.test(w)));
  assert.equal(logOn(files).size(), log.size(), 'what was dropped stays dropped after a reboot');
});

test('markAllOffline: every waiting event goes with offline: true; messagesInQueue per transaction', () => {
  const log = logOn({});
  log.append(event('T1', 'Started'), false, start('T1'));
  log.append(event('T2', 'Started'), false, start('T2'));
  assert.ok(log.messagesInQueue('T2') && log.messagesInQueue() && !log.messagesInQueue('T3'));
  log.markAllOffline();
  assert.ok(log.list().every((e) => log.payloadOf(e).offline === true));
});
