// What the receiver answers to bad input (README's table, row by row), and that the loop
// goes on after each.
import { test, assert, sleep } from '../../lib/harness';
import { rig, logged, repeat, Rig, expectCallError as expectAnswer } from './lib/rig';
import { ChargePoint } from '../../../src/ocpp/v16/index';
import { NotSupportedError, SecurityError, TypeConstraintViolationError, OccurenceConstraintViolationError, PropertyConstraintViolationError } from '../../../src/ocpp/index';

function station(): Rig<ChargePoint> {
  const r = rig();
  r.cp.on('Reset', (p) => ({ status: p.type === 'Hard' ? 'Rejected' : 'Accepted' }));
  r.cp.on('ChangeAvailability', () => ({ status: 'Accepted' }));
  r.cp.on('GetConfiguration', () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
  return r;
}

/** The loop is still serving: a valid CALL gets its CALLRESULT. */
async function stillServing(r: Rig<ChargePoint>): Promise<void> {
  assert.deepEqual(await r.exchange([2, 'ok-1', 'Reset', { type: 'Soft' }]), [[3, 'ok-1', { status: 'Accepted' }]], 'a valid CALL is answered');
}

/** The one frame answered: a CALLERROR with this id and code; the loop still serving. */
function expectCallError(r: Rig<ChargePoint>, frame: unknown, id: string, code: string): Promise<any[]> {
  return expectAnswer(r, frame, id, code, stillServing);
}

test('not JSON → CALLERROR "-1" FormationViolation; the loop goes on', async () => {
  const r = station();
  await expectCallError(r, 'this is not json', '-1', 'FormationViolation');
  await expectCallError(r, '[2,"x","Reset",{"type":"Soft"}', '-1', 'FormationViolation');
  await expectCallError(r, '', '-1', 'FormationViolation');
});

test('not an array → CALLERROR "-1" FormationViolation', async () => {
  const r = station();
  await expectCallError(r, '{"not":"an array"}', '-1', 'FormationViolation');
  await expectCallError(r, '"text"', '-1', 'FormationViolation');
  await expectCallError(r, 'null', '-1', 'FormationViolation');
  await expectCallError(r, '42', '-1', 'FormationViolation');
});

test('no readable unique id → "-1" FormationViolation; unreadable action → FormationViolation with the id', async () => {
  const r = station();
  await expectCallError(r, [2, 42, 'Heartbeat', {}], '-1', 'FormationViolation');
  await expectCallError(r, [2, '', 'Heartbeat', {}], '-1', 'FormationViolation');
  await expectCallError(r, [2, repeat('x', 37), 'Heartbeat', {}], '-1', 'FormationViolation');
  await expectCallError(r, [], '-1', 'FormationViolation');
  await expectCallError(r, [2, 'act-1', 7, {}], 'act-1', 'FormationViolation');
});

test('wrong length → ProtocolError with the frame\'s unique id', async () => {
  const r = station();
  await expectCallError(r, [2, 'len-1', 'Reset'], 'len-1', 'ProtocolError');
  await expectCallError(r, [2, 'len-2', 'Reset', { type: 'Soft' }, 'extra'], 'len-2', 'ProtocolError');
  await expectCallError(r, [3, 'len-3'], 'len-3', 'ProtocolError');
  await expectCallError(r, [3, 'len-4', {}, {}], 'len-4', 'ProtocolError');
  await expectCallError(r, [4, 'len-5'], 'len-5', 'ProtocolError');
});

test('unknown message type → ProtocolError with the frame\'s unique id', async () => {
  const r = station();
  await expectCallError(r, [9, 'type-1', 'Reset', { type: 'Soft' }], 'type-1', 'ProtocolError');
  await expectCallError(r, ['2', 'type-2', 'Reset', { type: 'Soft' }], 'type-2', 'ProtocolError');
  await expectCallError(r, [5, 'type-3'], 'type-3', 'ProtocolError');
});

test('CALL with an action OCPP 1.6 does not define → NotImplemented', async () => {
  const r = station();
  await expectCallError(r, [2, 'ni-1', 'NoSuchAction', {}], 'ni-1', 'NotImplemented');
  await expectCallError(r, [2, 'ni-2', 'toString', {}], 'ni-2', 'NotImplemented');
  await expectCallError(r, [2, 'ni-3', '__proto__', {}], 'ni-3', 'NotImplemented');
  // A handler for a name 1.6 does not know does not make it known.
  (r.cp as any).on('MadeUp', () => ({}));
  await expectCallError(r, [2, 'ni-4', 'MadeUp', {}], 'ni-4', 'NotImplemented');
});

test('CALL with a 1.6 action that has no handler → NotSupported', async () => {
  const r = station();
  await expectCallError(r, [2, 'ns-1', 'ReserveNow', { connectorId: 1, expiryDate: '2026-11-25T10:00:00Z', idTag: 'T', reservationId: 1 }], 'ns-1', 'NotSupported');
  // An after-hook alone is no handler.
  r.cp.after('UnlockConnector', () => undefined);
  await expectCallError(r, [2, 'ns-2', 'UnlockConnector', { connectorId: 1 }], 'ns-2', 'NotSupported');
});

test('payload fails its schema → TypeConstraint / OccurenceConstraint / PropertyConstraint / FormationViolation', async () => {
  const r = station();
  const seen: any[] = [];
  r.cp.on('ChangeAvailability', (p) => {
    seen.push(p);
    return { status: 'Accepted' };
  });
  await expectCallError(r, [2, 'v-1', 'ChangeAvailability', { connectorId: 'one', type: 'Inoperative' }], 'v-1', 'TypeConstraintViolation');
  await expectCallError(r, [2, 'v-2', 'ChangeAvailability', { connectorId: 1.5, type: 'Inoperative' }], 'v-2', 'TypeConstraintViolation');
  await expectCallError(r, [2, 'v-3', 'GetConfiguration', { key: 'not an array' }], 'v-3', 'TypeConstraintViolation');
  await expectCallError(r, [2, 'v-4', 'ChangeAvailability', {}], 'v-4', 'OccurenceConstraintViolation');
  await expectCallError(r, [2, 'v-5', 'ChangeAvailability', { connectorId: 1 }], 'v-5', 'OccurenceConstraintViolation');
  await expectCallError(r, [2, 'v-6', 'ChangeAvailability', { connectorId: 1, type: 'Sideways' }], 'v-6', 'PropertyConstraintViolation');
  await expectCallError(r, [2, 'v-7', 'GetConfiguration', { key: [repeat('x', 51)] }], 'v-7', 'PropertyConstraintViolation');
  await expectCallError(r, [2, 'v-8', 'ChangeAvailability', { connectorId: 1, type: 'Operative', extra: true }], 'v-8', 'PropertyConstraintViolation');
  await expectCallError(r, [2, 'v-9', 'Reset', 'Soft'], 'v-9', 'FormationViolation');
  await expectCallError(r, [2, 'v-10', 'Reset', null], 'v-10', 'FormationViolation');
  await expectCallError(r, [2, 'v-11', 'Reset', [{ type: 'Soft' }]], 'v-11', 'FormationViolation');
  assert.equal(seen.length, 0, 'no invalid payload reached the handler');
  const e = await expectCallError(r, [2, 'v-12', 'ChangeAvailability', { connectorId: 1, type: 'Sideways' }], 'v-12', 'PropertyConstraintViolation');
  assert.match(e[3], /type/, 'the description names the field');
});

test('skipSchemaValidation: the handler gets the payload as sent, and its answer goes out unchecked', async () => {
  const r = station();
  r.cp.on('DataTransfer', (p: any) => ({ status: 'Whatever', echo: p.anything }) as any, { skipSchemaValidation: true });
  assert.deepEqual(await r.exchange([2, 'sk-1', 'DataTransfer', { anything: 5 }]), [[3, 'sk-1', { status: 'Whatever', echo: 5 }]]);
});

test('handler throws an OCPP error → that CALLERROR; any other error → InternalError without its message or stack', async () => {
  const r = station();
  r.cp.on('UnlockConnector', () => {
    throw new NotSupportedError('no lock on this model', { connector: 1 });
  });
  r.cp.on('ClearCache', async () => {
    await sleep(10);
    throw new SecurityError('not allowed');
  });
  r.cp.on('RemoteStopTransaction', () => {
    throw new Error('secret detail at /src/app/x.ts:12');
  });
  r.cp.on('CancelReservation', () => Promise.reject(new TypeError('undefined is not a function')));
  r.cp.on('GetLocalListVersion', () => {
    throw 'a string';
  });
  const a = await expectCallError(r, [2, 'h-1', 'UnlockConnector', { connectorId: 1 }], 'h-1', 'NotSupported');
  assert.equal(a[3], 'no lock on this model');
  assert.deepEqual(a[4], { connector: 1 });
  r.socket.take();
  r.deliver([2, 'h-2', 'ClearCache', {}]);
  await sleep(20);
  const b = r.frames();
  assert.deepEqual([b[0][0], b[0][1], b[0][2], b[0][3]], [4, 'h-2', 'SecurityError', 'not allowed'], 'async OCPP error');
  for (const [id, action, payload] of [
    ['h-3', 'RemoteStopTransaction', { transactionId: 1 }],
    ['h-4', 'CancelReservation', { reservationId: 1 }],
    ['h-5', 'GetLocalListVersion', {}],
  ] as [string, string, object][]) {
    const e = await expectCallError(r, [2, id, action, payload], id, 'InternalError');
    const text = JSON.stringify(e);
    assert.ok(text.indexOf('secret') < 0 && text.indexOf('.ts') < 0 && text.indexOf('function') < 0 && text.indexOf('a string') < 0, 'nothing leaks: ' + text);
  }
  assert.ok(logged(r.host, 'secret detail').length === 1, 'the charge point logs the real error');
});

test('handler answers a payload that fails its schema → InternalError (and no after-hook)', async () => {
  const r = station();
  let afters = 0;
  r.cp.on('UnlockConnector', () => ({ status: 'Open' } as any));
  r.cp.after('UnlockConnector', () => afters++);
  r.cp.on('ClearCache', () => undefined as any);
  await expectCallError(r, [2, 'bad-answer', 'UnlockConnector', { connectorId: 1 }], 'bad-answer', 'InternalError');
  await expectCallError(r, [2, 'no-answer', 'ClearCache', {}], 'no-answer', 'InternalError');
  assert.equal(afters, 0);
  assert.equal(logged(r.host, 'UnlockConnector.conf: status is not one of').length, 1, 'the reason is logged');
});

test('CALLRESULT or CALLERROR with an unknown unique id → ignored and logged', async () => {
  const r = station();
  assert.deepEqual(await r.exchange([3, 'no-such-call', {}]), []);
  assert.deepEqual(await r.exchange([4, 'no-such-call-2', 'InternalError', 'x', {}]), []);
  assert.equal(logged(r.host, 'unknown unique id no-such-call').length, 2);
  await stillServing(r);
  // And while a call is in flight, an answer to another id does not settle it.
  const p = r.cp.call('Heartbeat', {}, { suppress: false });
  const id = r.frames()[0][1];
  assert.deepEqual(await r.exchange([3, id + 'x', { currentTime: '2026-11-25T10:00:00Z' }]), []);
  r.deliver([3, id, { currentTime: '2026-11-25T10:00:01Z' }]);
  assert.deepEqual(await p, { currentTime: '2026-11-25T10:00:01Z' });
});

test('a response that fails its schema: call() rejects with the typed error; the loop goes on', async () => {
  const r = station();
  const cases: [object, Function][] = [
    [{ status: 'Accepted', currentTime: '2026-11-25T10:00:00Z' }, OccurenceConstraintViolationError],
    [{ status: 'Accepted', currentTime: '2026-11-25T10:00:00Z', interval: '300' }, TypeConstraintViolationError],
    [{ status: 'Maybe', currentTime: '2026-11-25T10:00:00Z', interval: 300 }, PropertyConstraintViolationError],
    [{ status: 'Accepted', currentTime: 'yesterday', interval: 300 }, PropertyConstraintViolationError],
  ];
  for (const [answer, cls] of cases) {
    for (const suppress of [true, false]) {
      const rejected = assert.rejects(r.cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }, { suppress }), cls, JSON.stringify(answer));
      const frame = r.frames()[0];
      assert.deepEqual(await r.exchange([3, frame[1], answer]), [], 'nothing sent back to a CALLRESULT');
      await rejected;
    }
  }
  await stillServing(r);
  const ok = r.cp.call('Heartbeat', {});
  r.deliver([3, r.frames()[0][1], { currentTime: '2026-11-25T10:00:00Z' }]);
  assert.deepEqual(await ok, { currentTime: '2026-11-25T10:00:00Z' }, 'the next call works');
});

test('the bad frames of the native-shim scenario, in a row: each answered, the loop alive', async () => {
  const r = station();
  const bad = [
    'this is not json',
    '{"not":"an array"}',
    '[2,"bad-1","NoSuchAction",{}]',
    '[2,"bad-2","ChangeAvailability",{}]',
    '[2,"bad-3","ChangeAvailability",{"connectorId":"one","type":"Inoperative"}]',
    '[2,"bad-4","ChangeAvailability",{"connectorId":1,"type":"Sideways"}]',
    '[2,"bad-5","GetConfiguration",{"key":"not an array"}]',
    '[2,"bad-6","Reset"]',
    '[2,42,"Heartbeat",{}]',
    '[3,"no-such-call",{}]',
    '[9,"bad-7","Reset",{"type":"Soft"}]',
  ];
  for (const f of bad) r.deliver(f);
  await sleep(0);
  const codes = r.frames().map((f) => f[1] + ' ' + f[2]);
  assert.deepEqual(codes, [
    '-1 FormationViolation',
    '-1 FormationViolation',
    'bad-1 NotImplemented',
    'bad-2 OccurenceConstraintViolation',
    'bad-3 TypeConstraintViolation',
    'bad-4 PropertyConstraintViolation',
    'bad-5 TypeConstraintViolation',
    'bad-6 ProtocolError',
    '-1 FormationViolation',
    'bad-7 ProtocolError',
  ]);
  await stillServing(r);
});
