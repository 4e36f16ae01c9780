// Delivery of the transaction queue: in order, one at a time, each until answered; a lost
// link costs no attempt and keeps the unique id; CALLERRORs and timeouts are attempts,
// retried after TransactionMessageRetryInterval × attempts and given up after
// TransactionMessageAttempts.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { FakeHost } from '../../../lib/fake-host';
import { createHal } from '../../../../hal/index';
import { QueuedPayloads, TransactionQueue } from '../../../../src/app/core/transaction-queue';
import { StartTransactionRequest } from '../../../../src/ocpp/v16/generated/types';

/** A test's shortened payloads (the queue stores what it is given). */
type StopPayload = QueuedPayloads['StopTransaction'];
import { SendLink, TransactionSender } from '../../../../src/app/core/transaction-sender';

interface Sent {
  action: string;
  payload: any;
  uniqueId: string;
  at: number;
  resolve: (v: any) => void;
  reject: (e: any) => void;
}

/** A link whose answers the test gives by hand. */
class ManualLink implements SendLink {
  open = true;
  sent: Sent[] = [];
  call(action: string, payload: object, uniqueId?: string): Promise<any> {
    return new Promise((resolve, reject) => this.sent.push({ action, payload, uniqueId: uniqueId as string, at: clock.now(), resolve, reject }));
  }
  isOpen(): boolean {
    return this.open;
  }
  /** The link drops: the call in flight fails as the core fails it. */
  drop(): void {
    this.open = false;
    for (let i = 0; i < this.sent.length; i++) this.sent[i].reject(new Error('connection closed'));
  }
}

function setup(attempts = 3, retry = 10) {
  const host = new FakeHost();
  const hal = createHal(host);
  const queue = new TransactionQueue(hal.storage, { idPrefix: 'x-' });
  const answered: string[] = [];
  const sender = new TransactionSender({
    queue,
    attempts: () => attempts,
    retryInterval: () => retry,
    setTimeout: hal.setTimeout,
    log: hal.log,
    onAnswer: (m, payload, response) => answered.push(m.action + ':' + JSON.stringify(response)),
  });
  return { host, hal, queue, sender, answered };
}

test('in order, one at a time; StartTransaction.conf maps the id onto the later messages', async () => {
  const { queue, sender, answered } = setup();
  const ref = queue.newTransactionRef();
  queue.push('StartTransaction', ref, { connectorId: 1 } as StartTransactionRequest);
  queue.push('MeterValues', ref, { connectorId: 1, meterValue: [] });
  queue.push('StopTransaction', ref, { meterStop: 5 } as StopPayload);
  const link = new ManualLink();
  sender.online(link);
  assert.equal(link.sent.length, 1, 'one message in flight');
  assert.equal(link.sent[0].action, 'StartTransaction');
  link.sent[0].resolve({ transactionId: 42, idTagInfo: { status: 'Accepted' } });
  await sleep(0);
  assert.equal(link.sent.length, 2);
  assert.deepEqual(link.sent[1].payload, { connectorId: 1, meterValue: [], transactionId: 42 });
  link.sent[1].resolve({});
  await sleep(0);
  assert.deepEqual(link.sent[2].payload, { meterStop: 5, transactionId: 42 });
  let drained = false;
  sender.whenEmpty().then(() => (drained = true));
  link.sent[2].resolve({});
  await sleep(0);
  assert.ok(drained, 'whenEmpty resolves once all went');
  assert.equal(queue.size(), 0);
  assert.equal(answered.length, 3);
});

test('a link lost mid-call costs no attempt; the message goes again with the same unique id', async () => {
  const { queue, sender } = setup(1);
  const ref = queue.newTransactionRef();
  queue.push('StartTransaction', ref, { connectorId: 1 } as StartTransactionRequest);
  const first = new ManualLink();
  sender.online(first);
  first.drop();
  sender.offline();
  await sleep(0);
  assert.equal(queue.size(), 1, 'still queued (even with TransactionMessageAttempts 1)');
  const second = new ManualLink();
  sender.online(second);
  assert.equal(second.sent.length, 1);
  assert.equal(second.sent[0].uniqueId, first.sent[0].uniqueId);
  second.sent[0].resolve({ transactionId: 1, idTagInfo: { status: 'Accepted' } });
  await sleep(0);
  assert.equal(queue.size(), 0);
});

test('CALLERRORs are retried after RetryInterval × attempts, with new unique ids, and given up after TransactionMessageAttempts', async () => {
  const { queue, sender, host } = setup(3, 10);
  const ref = queue.newTransactionRef();
  queue.push('StartTransaction', ref, { connectorId: 1 } as StartTransactionRequest);
  queue.push('MeterValues', ref, { connectorId: 1, meterValue: [] });
  const link = new ManualLink();
  const t0 = clock.now();
  sender.online(link);
  const callError = { code: 'InternalError', message: 'database down' };
  link.sent[0].reject(callError);
  await sleep(1);
  assert.equal(link.sent.length, 1, 'no retry before the interval');
  await sleep(10000);
  assert.equal(link.sent.length, 2);
  assert.equal(link.sent[1].at - t0, 10000);
  const rejectedAt = clock.now();
  link.sent[1].reject(callError);
  await sleep(19999);
  assert.equal(link.sent.length, 2);
  await sleep(1);
  assert.equal(link.sent.length, 3);
  assert.equal(link.sent[2].at - rejectedAt, 20000, 'second wait is twice the interval');
  const ids = link.sent.map((s) => s.uniqueId);
  assert.ok(ids[0] !== ids[1] && ids[1] !== ids[2], 'a new id for each attempt on one connection: ' + ids);
  link.sent[2].reject(callError);
  await sleep(0);
  assert.match(host.logs.map((l) => l.text).join('\n'), /StartTransaction \(transaction ref 1\) given up after 3 attempt/);
  // Its MeterValues have no transactionId to carry: dropped, not sent.
  await sleep(0);
  assert.equal(link.sent.length, 3);
  assert.equal(queue.size(), 0);
});

test('offline: nothing is sent; online again: the queue resumes where it was', async () => {
  const { queue, sender } = setup();
  const ref = queue.newTransactionRef();
  queue.push('StartTransaction', ref, { connectorId: 1 } as StartTransactionRequest);
  sender.sendNext();
  await sleep(0);
  const link = new ManualLink();
  sender.online(link);
  link.sent[0].resolve({ transactionId: 7, idTagInfo: { status: 'Accepted' } });
  await sleep(0);
  sender.offline();
  queue.push('MeterValues', ref, { connectorId: 1, meterValue: [] });
  sender.sendNext();
  assert.equal(link.sent.length, 1, 'nothing sent while offline');
  const next = new ManualLink();
  sender.online(next);
  assert.equal(next.sent[0].payload.transactionId, 7);
});
