// call(): one outstanding CALL at a time, timeouts, CALLERROR with / without suppress, unique
// ids, validation of what is sent; handlers that call out; after-hooks; decorators; routes
// per instance; the end of the connection.
import { test, assert, sleep, clock } from '../../lib/harness';
import { rig, repeat } from './lib/rig';
import { ChargePoint, ResetRequest, ChangeAvailabilityRequest } from '../../../src/ocpp/v16/index';
import { ChargePointOptions, Connection } from '../../../src/ocpp/charge-point';
import { on, after, OcppError, TimeoutError, InternalError, NotSupportedError, PropertyConstraintViolationError, NotImplementedError, OccurenceConstraintViolationError, GenericError } from '../../../src/ocpp/index';

const NOW = '2026-11-25T10:00:00Z';
const BOOT = { chargePointVendor: 'Vendor', chargePointModel: 'Model' };

test('call sends [2, id, action, payload] and resolves with the CALLRESULT payload', async () => {
  const r = rig();
  const p = r.cp.call('BootNotification', BOOT);
  const [frame] = r.frames();
  assert.equal(frame.length, 4);
  assert.equal(frame[0], 2);
  assert.equal(typeof frame[1], 'string');
  assert.deepEqual([frame[2], frame[3]], ['BootNotification', BOOT]);
  r.deliver([3, frame[1], { status: 'Accepted', currentTime: NOW, interval: 300 }]);
  assert.deepEqual(await p, { status: 'Accepted', currentTime: NOW, interval: 300 });
});

test('one outstanding CALL: later calls wait their turn, in order', async () => {
  const r = rig();
  const order: string[] = [];
  const a = r.cp.call('Heartbeat', {}).then(() => order.push('a'));
  const b = r.cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }).then(() => order.push('b'));
  const c = r.cp.call('Authorize', { idTag: 'T' }).then(() => order.push('c'));
  await sleep(1000);
  let sent = r.frames();
  assert.deepEqual(sent.map((f) => f[2]), ['Heartbeat'], 'only the first is on the wire');
  r.deliver([3, sent[0][1], { currentTime: NOW }]);
  await sleep(0);
  sent = r.frames();
  assert.deepEqual(sent.map((f) => f[2]), ['StatusNotification'], 'the second goes once the first is answered');
  r.deliver([3, sent[0][1], {}]);
  await sleep(0);
  sent = r.frames();
  assert.deepEqual(sent.map((f) => f[2]), ['Authorize']);
  r.deliver([3, sent[0][1], { idTagInfo: { status: 'Accepted' } }]);
  await Promise.all([a, b, c]);
  assert.deepEqual(order, ['a', 'b', 'c']);
});

test('responseTimeout really fires: TimeoutError after the given seconds, the slot is freed, a late answer is ignored', async () => {
  const r = rig({ responseTimeout: 10 });
  const t0 = clock.now();
  const first = assert.rejects(r.cp.call('Heartbeat', {}), TimeoutError);
  const second = r.cp.call('Heartbeat', {}, { suppress: false });
  const [f1] = r.frames();
  const e: TimeoutError = await first;
  assert.equal(clock.now() - t0, 10000, 'after exactly responseTimeout');
  assert.equal(e.action, 'Heartbeat');
  assert.equal(e.uniqueId, f1[1]);
  assert.ok(e instanceof Error && !(e instanceof OcppError), 'a TimeoutError is an Error, not an OCPP error');
  const [f2] = r.frames();
  assert.equal(f2[2], 'Heartbeat', 'the next call went out');
  assert.notEqual(f2[1], f1[1], 'with a new unique id');
  assert.deepEqual(await r.exchange([3, f1[1], { currentTime: NOW }]), [], 'the late answer is ignored');
  r.deliver([3, f2[1], { currentTime: NOW }]);
  assert.deepEqual(await second, { currentTime: NOW });
});

test('the default response timeout is 30 s', async () => {
  const r = rig();
  assert.equal(r.cp.responseTimeout, 30);
  const t0 = clock.now();
  await assert.rejects(r.cp.call('Heartbeat', {}), TimeoutError);
  assert.equal(clock.now() - t0, 30000);
});

test('CALLERROR: null with suppress (the default), the typed error without', async () => {
  const r = rig();
  const p1 = r.cp.call('Heartbeat', {});
  r.deliver([4, r.frames()[0][1], 'InternalError', 'database down', {}]);
  assert.equal(await p1, null);
  const p2 = assert.rejects(r.cp.call('Heartbeat', {}, { suppress: false }), InternalError);
  r.deliver([4, r.frames()[0][1], 'InternalError', 'database down', { retry: true }]);
  const e: InternalError = await p2;
  assert.equal(e.code, 'InternalError');
  assert.equal(e.description, 'database down');
  assert.deepEqual(e.details, { retry: true });
  const p3 = assert.rejects(r.cp.call('Heartbeat', {}, { suppress: false }), NotSupportedError);
  r.deliver([4, r.frames()[0][1], 'NotSupported', '', {}]);
  await p3;
  // A code 1.6 does not have (2.0's spelling) still comes back as an OcppError with that code.
  const p4 = assert.rejects(r.cp.call('Heartbeat', {}, { suppress: false }), GenericError);
  r.deliver([4, r.frames()[0][1], 'FormatViolation', 'bad', {}]);
  assert.equal((await p4).code, 'FormatViolation');
});

test('a request that fails its schema is not sent: call() rejects with its OCPP error', async () => {
  const r = rig();
  await assert.rejects(r.cp.call('BootNotification', { chargePointVendor: 'V' } as any), OccurenceConstraintViolationError);
  await assert.rejects(r.cp.call('BootNotification', { chargePointVendor: repeat('V', 21), chargePointModel: 'M' }), PropertyConstraintViolationError);
  await assert.rejects((r.cp as any).call('NoSuchAction', {}), NotImplementedError);
  assert.deepEqual(r.frames(), [], 'nothing was sent');
  // skipSchemaValidation sends it as it is.
  const p = r.cp.call('DataTransfer', { vendorId: 'V', custom: 1 } as any, { skipSchemaValidation: true });
  const [f] = r.frames();
  assert.deepEqual(f[3], { vendorId: 'V', custom: 1 });
  r.deliver([3, f[1], { status: 'Accepted' }]);
  await p;
});

test('unique ids: at most 36 characters, never reused on a connection; a given uniqueId is used as is', async () => {
  const r = rig();
  const ids: { [id: string]: boolean } = {};
  for (let i = 0; i < 300; i++) {
    const p = r.cp.call('Heartbeat', {});
    const [f] = r.frames();
    assert.ok(f[1].length >= 1 && f[1].length <= 36, 'length of ' + f[1]);
    assert.ok(!ids[f[1]], 'id ' + f[1] + ' reused');
    ids[f[1]] = true;
    r.deliver([3, f[1], { currentTime: NOW }]);
    await p;
  }
  const p = r.cp.call('Heartbeat', {}, { uniqueId: 'tx-17.2' });
  assert.equal(r.frames()[0][1], 'tx-17.2');
  r.deliver([3, 'tx-17.2', { currentTime: NOW }]);
  await p;
  await assert.rejects(r.cp.call('Heartbeat', {}, { uniqueId: repeat('x', 37) }), /1 to 36/);
  await assert.rejects(r.cp.call('Heartbeat', {}, { uniqueId: '' }), /1 to 36/);
});

test('a handler may call() and await it without deadlock, even while another call is in flight', async () => {
  const r = rig();
  const boot = r.cp.call('BootNotification', BOOT); // in flight, unanswered for now
  const [bootFrame] = r.frames();
  r.cp.on('TriggerMessage', async (p) => {
    const conf = await r.cp.call('StatusNotification', { connectorId: p.connectorId || 0, errorCode: 'NoError', status: 'Available' }, { suppress: false });
    return { status: conf ? 'Accepted' : 'Rejected' };
  });
  r.deliver([2, 'trig-1', 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }]);
  await sleep(0);
  assert.deepEqual(r.frames(), [], 'the handler waits for its turn');
  r.deliver([3, bootFrame[1], { status: 'Accepted', currentTime: NOW, interval: 300 }]);
  await boot;
  await sleep(0);
  const [status] = r.frames();
  assert.equal(status[2], 'StatusNotification', "the handler's call went out");
  r.deliver([3, status[1], {}]);
  await sleep(0);
  assert.deepEqual(r.frames(), [[3, 'trig-1', { status: 'Accepted' }]], 'then the handler answered');
});

test('after-hooks run once the answer was sent, with the unique id when asked; their errors are logged', async () => {
  const r = rig();
  const events: string[] = [];
  r.socket.onSend = (text) => events.push('sent ' + JSON.parse(text)[0]);
  r.cp.on('Reset', (p) => {
    events.push('on ' + p.type);
    return { status: 'Accepted' };
  });
  r.cp.after('Reset', (p, id) => events.push('after ' + p.type + ' ' + id), { callUniqueIdRequired: true });
  r.cp.on('ClearCache', async (_p, id) => {
    events.push('on ClearCache ' + id);
    await sleep(5);
    return { status: 'Accepted' };
  }, { callUniqueIdRequired: true });
  r.cp.after('ClearCache', (p, id) => {
    events.push('after ClearCache ' + id);
    throw new Error('hook failed');
  });
  r.deliver([2, 'r-1', 'Reset', { type: 'Soft' }]);
  await sleep(0);
  r.deliver([2, 'c-1', 'ClearCache', {}]);
  await sleep(10);
  assert.deepEqual(events, ['on Soft', 'sent 3', 'after Soft r-1', 'on ClearCache c-1', 'sent 3', 'after ClearCache undefined']);
  assert.ok(r.host.logs.some((l) => l.level === 40 && l.text.indexOf('hook failed') >= 0), 'the failing hook is logged');
  assert.deepEqual(r.frames().map((f) => f[0]), [3, 3], 'the answers stand');
});

test('after-hooks with injectResponse get the response that was sent (and the unique id when asked), as a method or a decorator', async () => {
  const r = rig();
  const seen: any[] = [];
  let next = 'Accepted';
  r.cp.on('ChangeAvailability', () => ({ status: next as 'Accepted' | 'Scheduled' }));
  r.cp.after('ChangeAvailability', (p, id, response) => seen.push([p.connectorId, id, response]), { callUniqueIdRequired: true, injectResponse: true });
  r.cp.on('GetDiagnostics', () => undefined as any); // an answer of undefined goes out as {}
  r.cp.after('GetDiagnostics', (_p, id, response) => seen.push([id, response]), { injectResponse: true });
  r.deliver([2, 'a-1', 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' }]);
  await sleep(0);
  next = 'Scheduled';
  r.deliver([2, 'a-2', 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' }]);
  await sleep(0);
  r.deliver([2, 'g-1', 'GetDiagnostics', { location: 'ftp://x/' }]);
  await sleep(0);
  assert.deepEqual(seen, [[1, 'a-1', { status: 'Accepted' }], [2, 'a-2', { status: 'Scheduled' }], [undefined, {}]]);

  class Injected extends ChargePoint {
    answers: string[] = [];
    @on('Reset')
    onReset(p: ResetRequest) {
      return { status: (p.type === 'Hard' ? 'Rejected' : 'Accepted') as 'Accepted' | 'Rejected' };
    }
    @after('Reset', { injectResponse: true })
    afterReset(p: ResetRequest, uniqueId?: string, response?: { status: string }) {
      this.answers.push(p.type + ' ' + uniqueId + ' ' + (response && response.status));
    }
  }
  const d = rig({}, (id, ws, o) => new Injected(id, ws, o));
  d.deliver([2, 'h-1', 'Reset', { type: 'Hard' }]);
  await sleep(0);
  const cp = d.cp;
  assert.deepEqual(cp.answers, ['Hard undefined Rejected']);
});

class MyChargePoint extends ChargePoint {
  resets: string[] = [];
  afters: string[] = [];
  @on('Reset')
  onReset(p: ResetRequest) {
    this.resets.push(p.type);
    return { status: 'Accepted' as const };
  }
  @after('Reset', { callUniqueIdRequired: true })
  afterReset(p: ResetRequest, uniqueId?: string) {
    this.afters.push(p.type + '@' + uniqueId);
  }
  @on('ChangeAvailability', { callUniqueIdRequired: true })
  async onChangeAvailability(p: ChangeAvailabilityRequest, uniqueId?: string) {
    await sleep(1);
    return { status: uniqueId === 'keep' ? ('Scheduled' as const) : ('Accepted' as const) };
  }
}

class StricterChargePoint extends MyChargePoint {
  @on('Reset')
  onResetStricter(p: ResetRequest) {
    return { status: p.type === 'Hard' ? ('Rejected' as const) : ('Accepted' as const) };
  }
}

const make = (cls: typeof ChargePoint) => (id: string, ws: Connection, o: ChargePointOptions) => new cls(id, ws, o);

test('decorators: @on / @after methods are the routes of every instance, bound to it', async () => {
  const a = rig<MyChargePoint>({}, make(MyChargePoint) as any);
  const b = rig<MyChargePoint>({}, make(MyChargePoint) as any);
  assert.deepEqual(await a.exchange([2, 'a-1', 'Reset', { type: 'Hard' }]), [[3, 'a-1', { status: 'Accepted' }]]);
  assert.deepEqual(await b.exchange([2, 'b-1', 'Reset', { type: 'Soft' }]), [[3, 'b-1', { status: 'Accepted' }]]);
  assert.deepEqual(a.cp.resets, ['Hard']);
  assert.deepEqual(a.cp.afters, ['Hard@a-1']);
  assert.deepEqual(b.cp.resets, ['Soft'], 'each instance its own state');
  a.socket.take();
  a.deliver([2, 'keep', 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' }]);
  await sleep(5);
  assert.deepEqual(a.frames(), [[3, 'keep', { status: 'Scheduled' }]], 'async decorated handler with the unique id');
});

test('decorators: a subclass overrides its parent route without changing the parent class', async () => {
  const s = rig<StricterChargePoint>({}, make(StricterChargePoint) as any);
  assert.deepEqual(await s.exchange([2, 's-1', 'Reset', { type: 'Hard' }]), [[3, 's-1', { status: 'Rejected' }]]);
  assert.deepEqual(s.cp.resets, [], "the subclass's handler answered");
  assert.deepEqual(s.cp.afters, ['Hard@s-1'], "the parent's after-hook is inherited");
  const p = rig<MyChargePoint>({}, make(MyChargePoint) as any);
  assert.deepEqual(await p.exchange([2, 'p-1', 'Reset', { type: 'Hard' }]), [[3, 'p-1', { status: 'Accepted' }]], 'the parent class is unchanged');
  const plain = rig();
  assert.equal((await plain.exchange([2, 'q-1', 'Reset', { type: 'Hard' }]))[0][2], 'NotSupported', 'the base class has no routes');
});

test('handlers run with the ChargePoint as this: a function given to on / after as well as a decorated method', async () => {
  const r = rig();
  const seen: unknown[] = [];
  r.cp.on('Reset', function (this: unknown) {
    seen.push(this);
    return { status: 'Accepted' };
  });
  r.cp.after('Reset', function (this: unknown) {
    seen.push(this);
  });
  assert.deepEqual(await r.exchange([2, 't-1', 'Reset', { type: 'Soft' }]), [[3, 't-1', { status: 'Accepted' }]]);
  await sleep(0);
  assert.equal(seen.length, 2);
  assert.ok(seen[0] === r.cp && seen[1] === r.cp, 'on and after ran with the ChargePoint as this');
});

test('routes belong to their instance: two ChargePoints never share handlers', async () => {
  const a = rig();
  const b = rig();
  a.cp.on('Reset', () => ({ status: 'Accepted' }));
  assert.deepEqual(await a.exchange([2, 'x', 'Reset', { type: 'Soft' }]), [[3, 'x', { status: 'Accepted' }]]);
  assert.equal((await b.exchange([2, 'y', 'Reset', { type: 'Soft' }]))[0][2], 'NotSupported');
  b.cp.on('Reset', () => ({ status: 'Rejected' }));
  assert.deepEqual(await a.exchange([2, 'z', 'Reset', { type: 'Soft' }]), [[3, 'z', { status: 'Accepted' }]]);
});

test('the connection closes: start() resolves, waiting calls reject with an Error, later calls too', async () => {
  const r = rig();
  let ended = false;
  r.cp.start().then(() => (ended = true));
  const a = assert.rejects(r.cp.call('Heartbeat', {}), /connection closed/);
  const b = assert.rejects(r.cp.call('Authorize', { idTag: 'T' }), /connection closed/);
  const t0 = clock.now();
  r.socket.drop(1006);
  const e = await a;
  await b;
  assert.ok(!(e instanceof TimeoutError) && !(e instanceof OcppError));
  assert.ok(clock.now() - t0 < 1000, 'at once, not after the timeout');
  await sleep(0);
  assert.ok(ended, 'start() resolved');
  await assert.rejects(r.cp.call('Heartbeat', {}), /connection closed/);
  assert.equal(clock.pending(), 0, 'no timer left behind');
});

test('the connection is closing (send fails): the call rejects at once and the next goes on', async () => {
  const r = rig();
  r.ws.close(1000);
  await assert.rejects(r.cp.call('Heartbeat', {}), /connection closed/);
});

test('an onclose set before the ChargePoint was made is still called', async () => {
  const r = rig();
  const fresh = r.hal.connect('ws://csms/CP-2');
  const closes: number[] = [];
  fresh.onclose = (code) => closes.push(code);
  r.host.socket.accept();
  const cp = new ChargePoint('CP-2', fresh, { log: r.hal.log, setTimeout: r.hal.setTimeout });
  const done = cp.start();
  r.host.socket.drop(1001);
  await done;
  assert.deepEqual(closes, [1001]);
});

test('options: log and setTimeout are required (no host-free defaults)', () => {
  const r = rig();
  assert.throws(() => new ChargePoint('X', r.ws, {} as any), /log and options.setTimeout/);
  assert.throws(() => new ChargePoint('X', r.ws, { log: r.hal.log } as any), /setTimeout/);
});
