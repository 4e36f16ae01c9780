// The transfer flow (src/lib/transfer.ts) on its own: what UpdateFirmware,
// SignedUpdateFirmware, GetDiagnostics and GetLog are built on.
import { test, assert, sleep, clock } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { createHal } from '../../../hal/index';
import { TransferFlow, HeldNotifications, fileStamp } from '../../../src/lib/transfer';
import { busyConnector, requestedTime } from '../../../src/lib/transfer-request';

interface Job {
  at: number;
  retriesLeft: number;
  retryIntervalS: number;
  step: string;
}

function flowOn(files: { [name: string]: string }, file?: string) {
  const host = new FakeHost({ files });
  const hal = createHal(host);
  return { host, hal, flow: new TransferFlow<Job>({ now: hal.now, setTimeout: hal.setTimeout, log: hal.log, storage: hal.storage }, file) };
}

test('a job is stored as it goes and found after a reboot; end() removes it; an unreadable record is dropped with a warning', () => {
  const files: { [name: string]: string } = {};
  const { flow } = flowOn(files, 'job.json');
  const job = flow.begin({ at: 5, retriesLeft: 1, retryIntervalS: 10, step: 'Waiting' });
  job.step = 'Downloaded';
  flow.save();
  const again = flowOn(files, 'job.json');
  assert.deepEqual(again.flow.restore('test job'), { at: 5, retriesLeft: 1, retryIntervalS: 10, step: 'Downloaded' });
  again.flow.end();
  assert.equal(files['job.json'], undefined);
  files['job.json'] = '{"at":';
  const torn = flowOn(files, 'job.json');
  assert.equal(torn.flow.restore('test job'), null);
  assert.equal(files['job.json'], undefined);
  assert.ok(torn.host.logs.some((l) => /test job record unreadable: dropped/.test(l.text)));
  const unstored = flowOn(files);
  unstored.flow.begin({ at: 0, retriesLeft: 0, retryIntervalS: 0, step: 'x' });
  assert.deepEqual(Object.keys(files), [], 'a flow without a file keeps nothing');
});

test('waitUntil: at the wall-clock time, also when it is days away (taken in steps) and the clock is set meanwhile', async () => {
  const { hal, flow } = flowOn({});
  let ran = 0;
  const t0 = hal.now();
  flow.waitUntil(t0 + 3 * 86400000, () => ran++);
  assert.ok(flow.waiting);
  await sleep(2 * 86400000);
  assert.equal(ran, 0);
  hal.setTime(hal.now() - 86400000); // the CSMS set the clock a day back: two days are left again
  await sleep(86400000);
  assert.equal(ran, 0, 'the step checks the wall clock, not the time it was scheduled for');
  await sleep(86400000 + 1000);
  assert.equal(ran, 1);
  assert.ok(!flow.waiting);
  flow.waitUntil(hal.now() + 1000, () => ran++);
  flow.cancel();
  await sleep(2000);
  assert.equal(ran, 1, 'cancelled');
});

test('retry: uses a retry retryInterval later (stored with retryAt) while retries are left; a replaced job is not retried', async () => {
  const files: { [name: string]: string } = {};
  const { flow } = flowOn(files, 'job.json');
  const job = flow.begin({ at: 0, retriesLeft: 2, retryIntervalS: 30, step: 'Waiting' });
  const attempts: number[] = [];
  const attempt = () => attempts.push(clock.now());
  const t0 = clock.now();
  assert.ok(flow.retry(job, attempt, (j, at) => (j.at = at)));
  assert.equal(JSON.parse(files['job.json']).at, t0 + 30000, 'the next attempt time is stored');
  await sleep(30000);
  assert.deepEqual(attempts, [t0 + 30000]);
  assert.ok(flow.retry(job, attempt));
  assert.ok(!flow.retry(job, attempt), 'no retries left');
  assert.equal(job.retriesLeft, 0);
  flow.begin({ at: 0, retriesLeft: 1, retryIntervalS: 1, step: 'new' });
  await sleep(60000);
  assert.equal(attempts.length, 1, 'the replaced job\'s retry never ran');
});

/** Two kinds of notification, as a version's generated request types would give them. */
interface Notifications {
  A: { status: string };
  B: { status: string };
}

test('held notifications: sent at once while online; while offline the latest of each kind, in the order last set', () => {
  let online = false;
  const sent: string[] = [];
  const held = new HeldNotifications<Notifications>(
    () => online,
    (action, payload) => {
      sent.push(action + ':' + payload.status);
      return Promise.resolve({});
    }
  );
  held.notify('A', { status: '1' });
  held.notify('B', { status: '1' });
  held.notify('A', { status: '2' });
  assert.deepEqual(sent, []);
  online = true;
  held.flush();
  assert.deepEqual(sent, ['B:1', 'A:2']);
  held.notify('A', { status: '3' });
  held.flush();
  assert.deepEqual(sent, ['B:1', 'A:2', 'A:3']);
});

test('held notifications: `answered` runs on the CSMS\'s answer only; one the connection lost before its answer goes again at the next flush', async () => {
  let online = true;
  const sent: string[] = [];
  const answers: ((answer: unknown) => void)[] = [];
  const held = new HeldNotifications<Notifications>(
    () => online,
    (action, payload) => {
      sent.push(action + ':' + payload.status);
      return new Promise((resolve) => answers.push(resolve));
    }
  );
  let answered = 0;
  held.notify('A', { status: 'final' }, () => answered++);
  online = false;
  answers[0](null); // the connection dropped: no answer
  await sleep(0);
  assert.equal(answered, 0);
  online = true;
  held.flush();
  assert.deepEqual(sent, ['A:final', 'A:final'], 'sent again once online');
  answers[1]({});
  await sleep(0);
  assert.equal(answered, 1);
  held.notify('B', { status: 'x' }, () => answered++);
  answers[2](null); // a CALLERROR while online: not sent again
  await sleep(0);
  held.flush();
  assert.deepEqual(sent.length, 3);
  assert.equal(answered, 1);
});

test('held notifications: under way while one is held back or waits for its answer; `settled` told at each answer', async () => {
  let online = false;
  const answers: ((answer: unknown) => void)[] = [];
  let settled = 0;
  const held = new HeldNotifications<Notifications>(
    () => online,
    () => new Promise((resolve) => answers.push(resolve)),
    () => settled++
  );
  assert.equal(held.underWay(), false);
  held.notify('A', { status: 'x' });
  assert.equal(held.underWay(), true, 'held back');
  online = true;
  held.flush();
  held.notify('B', { status: 'y' });
  assert.equal(held.underWay(), true, 'two sent, no answer yet');
  answers[0]({});
  await sleep(0);
  assert.equal(settled, 1);
  assert.equal(held.underWay(), true, 'one still waits for its answer');
  answers[1](null); // a CALLERROR or the connection lost: no answer, nothing owed (no `answered`)
  await sleep(0);
  assert.equal(settled, 2);
  assert.equal(held.underWay(), false);
});

test('held notifications: one whose answer nobody waits for (no `answered`, no `settled`) is sent with no reaction on its answer, so a flow let go as its job ends leaves nothing waiting with it', () => {
  const reactions: string[] = [];
  const waiting = { then: () => reactions.push('then') } as unknown as Promise<unknown>;
  const held = new HeldNotifications<Notifications>(
    () => true,
    () => waiting
  );
  held.notify('A', { status: 'x' });
  assert.deepEqual(reactions, [], 'no reaction on the unanswered one');
  assert.equal(held.underWay(), false, 'nothing owed');
  held.notify('B', { status: 'y' }, () => undefined);
  assert.deepEqual(reactions, ['then'], 'one whose answer is waited for has its reaction');
  assert.equal(held.underWay(), true);
});

test('requestedTime: now when unreadable, past or within 2 s ahead; later times as given', () => {
  const now = Date.parse('2024-03-05T06:07:08.000Z');
  assert.equal(requestedTime('not a time', now), now);
  assert.equal(requestedTime('2024-03-05T06:00:00Z', now), now);
  assert.equal(requestedTime('2024-03-05T06:07:10.000Z', now), now, '2 s ahead counts as now');
  assert.equal(requestedTime('2024-03-05T06:07:10.001Z', now), now + 2001);
});

test('busyConnector and fileStamp', () => {
  assert.equal(busyConnector([{ id: 1, transaction: null }, { id: 2, transaction: {} }]), 2);
  assert.equal(busyConnector([{ id: 1, transaction: null }]), null);
  assert.equal(fileStamp(Date.parse('2024-03-05T06:07:08.123Z')), '20240305T060708Z');
});
