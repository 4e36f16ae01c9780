// The persistent transaction-message queue: written before sending, replayed after a
// power loss, transaction ids mapped, the cap and its thinning policy.
import { test, assert } from '../../../lib/harness';
import { FakeHost } from '../../../lib/fake-host';
import { createHal } from '../../../../hal/index';
import { QueuedPayloads, TransactionQueue } from '../../../../src/app/core/transaction-queue';
import { MeterValuesRequest, StartTransactionRequest } from '../../../../src/ocpp/v16/generated/types';

/** A test's shortened payloads (the queue stores what it is given). */
type StopPayload = QueuedPayloads['StopTransaction'];

function queueOn(files: { [name: string]: string }, limitBytes?: number, warnings?: string[]) {
  const hal = createHal(new FakeHost({ files }));
  return new TransactionQueue(hal.storage, { limitBytes, idPrefix: 'b1-', warn: (t) => warnings && warnings.push(t) });
}

const meterValue = (wh: number) => ({ connectorId: 1, meterValue: [{ timestamp: '2024-01-01T00:00:00.000Z', sampledValue: [{ value: String(wh) }] }] });

test('a pushed message is in storage before push returns, and a new boot finds it', () => {
  const files: { [name: string]: string } = {};
  const q = queueOn(files);
  const ref = q.newTransactionRef();
  q.push('StartTransaction', ref, { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: 'x' });
  assert.match(files['transactions.log'], /StartTransaction/);
  const after = queueOn(files);
  assert.equal(after.size(), 1);
  const head = after.head()!;
  assert.equal(head.action, 'StartTransaction');
  assert.equal(head.uniqueId, 'b1-1', 'the unique id is stored with the message');
  assert.deepEqual(after.payloadOf(head), { payload: { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: 'x' }, known: true });
  assert.notEqual(after.newTransactionRef(), ref, 'refs are never handed out twice');
});

test('messages come out in order; done ones never again, across reboots', () => {
  const files: { [name: string]: string } = {};
  let q = queueOn(files);
  const ref = q.newTransactionRef();
  q.push('StartTransaction', ref, { connectorId: 1 } as StartTransactionRequest);
  q.push('MeterValues', ref, meterValue(1));
  q.push('MeterValues', ref, meterValue(2));
  q.push('StopTransaction', ref, { meterStop: 3 } as StopPayload);
  q.complete(q.head()!.seq);
  q = queueOn(files);
  assert.deepEqual(q.list().map((m) => m.action), ['MeterValues', 'MeterValues', 'StopTransaction']);
  q.complete(q.head()!.seq);
  q = queueOn(files);
  assert.deepEqual(q.list().map((m) => m.action), ['MeterValues', 'StopTransaction']);
  assert.equal(JSON.parse(q.head()!.payloadText).meterValue[0].sampledValue[0].value, '2');
  const seqs = q.list().map((m) => m.seq);
  assert.ok(seqs[0] < seqs[1]);
});

test('a transaction started offline gets its real id on every later message once StartTransaction is confirmed', () => {
  const files: { [name: string]: string } = {};
  let q = queueOn(files);
  const ref = q.newTransactionRef();
  q.push('StartTransaction', ref, { connectorId: 1 } as StartTransactionRequest);
  q.push('MeterValues', ref, meterValue(5));
  q.push('StopTransaction', ref, { meterStop: 9, reason: 'Local' } as StopPayload);
  const mv = q.list()[1];
  assert.equal(q.payloadOf(mv).known, false, 'no id before the StartTransaction.conf');
  assert.ok(q.list().some((m) => m.ref === ref && m.action === 'StartTransaction'), 'its StartTransaction is still queued');
  q.mapTransaction(ref, 4711);
  q.complete(q.head()!.seq);
  q = queueOn(files); // power loss right after
  assert.equal(q.transactionId(ref), 4711);
  const p = q.payloadOf(q.head()!);
  assert.ok(p.known);
  assert.equal((p.payload as MeterValuesRequest).transactionId, 4711);
  q.complete(q.head()!.seq);
  const stop = q.payloadOf(q.head()!).payload;
  assert.deepEqual(stop, { meterStop: 9, reason: 'Local', transactionId: 4711 });
  q.complete(q.head()!.seq);
  assert.equal(q.transactionId(ref), undefined, 'the mapping is forgotten once the stop is through');
});

test('a record torn by a power loss is dropped and does not swallow the next one', () => {
  const files: { [name: string]: string } = {};
  let q = queueOn(files);
  const ref = q.newTransactionRef();
  q.push('StartTransaction', ref, { connectorId: 1 } as StartTransactionRequest);
  files['transactions.log'] += '{"q":9,"a":"MeterVal'; // the write that was cut
  q = queueOn(files);
  q.push('StopTransaction', ref, { meterStop: 1 } as StopPayload);
  q = queueOn(files);
  assert.deepEqual(q.list().map((m) => m.action), ['StartTransaction', 'StopTransaction']);
});

test('the log is compacted when done records pile up; ids stay unique', () => {
  const files: { [name: string]: string } = {};
  const q = queueOn(files);
  const ref = q.newTransactionRef();
  const ids: { [id: string]: boolean } = {};
  for (let i = 0; i < 300; i++) {
    const m = q.push('MeterValues', ref, meterValue(i))!;
    assert.ok(!ids[m.uniqueId], 'unique id ' + m.uniqueId + ' used once');
    ids[m.uniqueId] = true;
    q.complete(m.seq);
  }
  const lines = files['transactions.log'].split('\n').length;
  assert.ok(lines < 140, 'log has ' + lines + ' lines after 600 records');
  const again = queueOn(files);
  assert.equal(again.size(), 0);
  const next = again.push('MeterValues', ref, meterValue(1))!;
  assert.ok(!ids[next.uniqueId], 'no id reused after a reboot');
});

test('cap: intermediate MeterValues are thinned (every second, oldest kept); Start and Stop never dropped', () => {
  const files: { [name: string]: string } = {};
  const warnings: string[] = [];
  const q = queueOn(files, 2000, warnings);
  const ref = q.newTransactionRef();
  q.push('StartTransaction', ref, { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: 'x' });
  for (let i = 1; i <= 40; i++) q.push('MeterValues', ref, meterValue(i));
  q.push('StopTransaction', ref, { meterStop: 41 } as StopPayload);
  assert.ok(q.bytes() <= 2000, 'within the cap: ' + q.bytes());
  const actions = q.list().map((m) => m.action);
  assert.equal(actions[0], 'StartTransaction');
  assert.equal(actions[actions.length - 1], 'StopTransaction');
  const values = q.list().filter((m) => m.action === 'MeterValues').map((m) => Number(JSON.parse(m.payloadText).meterValue[0].sampledValue[0].value));
  assert.equal(values[0], 1, 'the oldest meter value is kept');
  assert.ok(values.length >= 5 && values.length < 40, values.length + ' meter values kept');
  for (let i = 1; i < values.length; i++) assert.ok(values[i] > values[i - 1], 'still in order');
  assert.ok(warnings.length > 0 && /thinned|dropped/.test(warnings[0]), 'thinning is logged');
  // What is in storage is what is in memory.
  const again = queueOn(files, 2000);
  assert.deepEqual(again.list().map((m) => m.seq), q.list().map((m) => m.seq));

  // Only Start/Stop left over the cap: they are still kept.
  const full = queueOn({}, 300, warnings);
  for (let i = 0; i < 10; i++) {
    const r = full.newTransactionRef();
    full.push('StartTransaction', r, { connectorId: 1, idTag: 'TAG-' + i, meterStart: i, timestamp: '2024-01-01T00:00:00Z' });
    full.push('StopTransaction', r, { meterStop: i + 1, timestamp: '2024-01-01T00:00:00Z' });
  }
  assert.equal(full.size(), 20, 'no StartTransaction or StopTransaction dropped');
  assert.equal(full.push('MeterValues', 1, meterValue(1)), null, 'a MeterValues that cannot fit is dropped');
});

test('the message being sent is not thinned away', () => {
  const q = queueOn({}, 1200);
  const ref = q.newTransactionRef();
  q.push('StartTransaction', ref, { connectorId: 1 } as StartTransactionRequest);
  q.complete(q.head()!.seq);
  const first = q.push('MeterValues', ref, meterValue(0))!;
  const second = q.push('MeterValues', ref, meterValue(1))!;
  q.inFlight = second.seq;
  for (let i = 2; i < 30; i++) q.push('MeterValues', ref, meterValue(i));
  assert.ok(q.list().some((m) => m.seq === second.seq), 'in-flight message kept');
  assert.ok(q.list().some((m) => m.seq === first.seq), 'oldest kept');
});
