// What an OCPP 2.0.1 charging station answers to bad input, row by row, and that the loop goes
// on after each: the codes of OCPP 2.0.1 part 4 (OCPP-J), section 4.3 table 8. A frame that is
// no RPC message gets RpcFrameworkError ("-1" when its message id cannot be read, 4.2.3), an
// unknown message type MessageTypeNotSupported (4.4), a payload that fails its schema
// FormatViolation / OccurrenceConstraintViolation / TypeConstraintViolation /
// PropertyConstraintViolation; 1.6's FormationViolation and OccurenceConstraintViolation are
// never sent.
import { test, assert, sleep } from '../../lib/harness';
import { rig, logged, repeat, Rig, expectCallError as expectAnswer } from './lib/rig';
import { ChargePoint, BootNotificationRequest, FormatViolationError, OccurrenceConstraintViolationError, MessageTypeNotSupportedError, RpcFrameworkError } from '../../../src/ocpp/v201/index';
import { MAX_DESCRIPTION_LENGTH, MAX_QUOTED_LENGTH } from '../../../src/ocpp/errors';
import { MAX_FRAME_DEPTH, MAX_FRAME_LENGTH } from '../../../src/ocpp/messages';
import { NotSupportedError, FormationViolationError, OccurenceConstraintViolationError, TypeConstraintViolationError, PropertyConstraintViolationError, InternalError, CallError } from '../../../src/ocpp/index';

const NOW = '2026-11-25T10:00:00Z';
const BOOT: BootNotificationRequest = { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } };

function station(invalid?: string[]): Rig<ChargePoint> {
  const r = rig<ChargePoint>({ subprotocol: 'ocpp2.0.1', onInvalid: invalid ? (d) => invalid.push(d) : undefined }, (id, ws, o) => new ChargePoint(id, ws, o));
  r.cp.on('Reset', (p) => ({ status: p.type === 'Immediate' ? 'Rejected' : 'Accepted' }));
  r.cp.on('ChangeAvailability', () => ({ status: 'Accepted' }));
  r.cp.on('GetVariables', (p) => ({ getVariableResult: p.getVariableData.map((d) => ({ attributeStatus: 'UnknownVariable' as const, component: d.component, variable: d.variable })) }));
  return r;
}

/** The loop is still serving: a valid CALL gets its CALLRESULT. */
async function stillServing(r: Rig<ChargePoint>): Promise<void> {
  assert.deepEqual(await r.exchange([2, 'ok-1', 'Reset', { type: 'OnIdle' }]), [[3, 'ok-1', { status: 'Accepted' }]], 'a valid CALL is answered');
}

/** The one frame answered: a CALLERROR with this id and code, its description within 255 characters; the loop still serving. */
async function expectCallError(r: Rig<ChargePoint>, frame: unknown, id: string, code: string): Promise<any[]> {
  const e = await expectAnswer(r, frame, id, code, stillServing);
  assert.ok(e[3].length <= MAX_DESCRIPTION_LENGTH, 'description within 255 characters: ' + e[3].length);
  return e;
}

test('not JSON, not an array, no readable message id → CALLERROR "-1" RpcFrameworkError (4.2.3, 4.3)', async () => {
  const r = station();
  for (const f of ['this is not json', '[2,"x","Reset",{"type":"OnIdle"}', '', '{"not":"an array"}', '"text"', 'null', '42']) await expectCallError(r, f, '-1', 'RpcFrameworkError');
  for (const f of [[2, 42, 'Heartbeat', {}], [2, '', 'Heartbeat', {}], [2, repeat('x', 37), 'Heartbeat', {}], [], [9, null]]) await expectCallError(r, f, '-1', 'RpcFrameworkError');
});

test('a CALL whose action cannot be read, or a frame of the wrong length → RpcFrameworkError with the frame\'s id', async () => {
  const r = station();
  await expectCallError(r, [2, 'act-1', 7, {}], 'act-1', 'RpcFrameworkError');
  await expectCallError(r, [2, 'len-1', 'Reset'], 'len-1', 'RpcFrameworkError');
  await expectCallError(r, [2, 'len-2', 'Reset', { type: 'OnIdle' }, 'extra'], 'len-2', 'RpcFrameworkError');
  await expectCallError(r, [3, 'len-3'], 'len-3', 'RpcFrameworkError');
  await expectCallError(r, [3, 'len-4', {}, {}], 'len-4', 'RpcFrameworkError');
  await expectCallError(r, [4, 'len-5'], 'len-5', 'RpcFrameworkError');
});

test('unknown message type → MessageTypeNotSupported with the frame\'s id (4.4); 2.1\'s CALLRESULTERROR (5) and SEND (6) are unknown in 2.0.1', async () => {
  const r = station();
  await expectCallError(r, [9, 'type-1', 'Reset', { type: 'OnIdle' }], 'type-1', 'MessageTypeNotSupported');
  await expectCallError(r, ['2', 'type-2', 'Reset', { type: 'OnIdle' }], 'type-2', 'MessageTypeNotSupported');
  await expectCallError(r, [5, 'type-3', 'InternalError', 'x', {}], 'type-3', 'MessageTypeNotSupported');
  await expectCallError(r, [6, 'type-4', 'NotifyPeriodicEventStream', {}], 'type-4', 'MessageTypeNotSupported');
});

test('CALL with an action OCPP 2.0.1 does not define → NotImplemented; a 2.0.1 action without handler → NotSupported', async () => {
  const r = station();
  await expectCallError(r, [2, 'ni-1', 'NoSuchAction', {}], 'ni-1', 'NotImplemented');
  await expectCallError(r, [2, 'ni-2', 'RemoteStartTransaction', { idTag: 'T' }], 'ni-2', 'NotImplemented'); // 1.6's, not 2.0.1's
  await expectCallError(r, [2, 'ni-3', '__proto__', {}], 'ni-3', 'NotImplemented');
  await expectCallError(r, [2, 'ns-1', 'ReserveNow', { id: 1, expiryDateTime: NOW, idToken: { idToken: 'T', type: 'Central' } }], 'ns-1', 'NotSupported');
  r.cp.after('UnlockConnector', () => undefined);
  await expectCallError(r, [2, 'ns-2', 'UnlockConnector', { evseId: 1, connectorId: 1 }], 'ns-2', 'NotSupported');
});

test('payload fails its schema → TypeConstraint / OccurrenceConstraint / PropertyConstraint / FormatViolation; the handler never sees it', async () => {
  const invalid: string[] = [];
  const r = station(invalid);
  const seen: any[] = [];
  r.cp.on('ChangeAvailability', (p) => {
    seen.push(p);
    return { status: 'Accepted' };
  });
  const data = (d: unknown) => ({ getVariableData: d });
  await expectCallError(r, [2, 'v-1', 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 'one' } }], 'v-1', 'TypeConstraintViolation');
  await expectCallError(r, [2, 'v-2', 'GetVariables', data('not an array')], 'v-2', 'TypeConstraintViolation');
  await expectCallError(r, [2, 'v-3', 'ChangeAvailability', {}], 'v-3', 'OccurrenceConstraintViolation');
  await expectCallError(r, [2, 'v-4', 'GetVariables', data([])], 'v-4', 'OccurrenceConstraintViolation');
  await expectCallError(r, [2, 'v-5', 'ChangeAvailability', { operationalStatus: 'Sideways' }], 'v-5', 'PropertyConstraintViolation');
  await expectCallError(r, [2, 'v-6', 'ChangeAvailability', { operationalStatus: 'Operative', extra: true }], 'v-6', 'PropertyConstraintViolation');
  await expectCallError(r, [2, 'v-7', 'GetVariables', data([{ component: { name: repeat('c', 51) }, variable: { name: 'v' } }])], 'v-7', 'PropertyConstraintViolation');
  await expectCallError(r, [2, 'v-8', 'Reset', 'OnIdle'], 'v-8', 'FormatViolation');
  await expectCallError(r, [2, 'v-9', 'Reset', null], 'v-9', 'FormatViolation');
  await expectCallError(r, [2, 'v-10', 'Reset', [{ type: 'OnIdle' }]], 'v-10', 'FormatViolation');
  assert.equal(seen.length, 0, 'no invalid payload reached the handler');
  const e = await expectCallError(r, [2, 'v-11', 'ChangeAvailability', { operationalStatus: 'Sideways' }], 'v-11', 'PropertyConstraintViolation');
  assert.match(e[3], /operationalStatus/, 'the description names the field');
  assert.ok(invalid.some((d) => d.indexOf('OccurrenceConstraintViolation') >= 0), 'onInvalid hears the 2.0.1 code: ' + invalid.join(' / '));
  // customData is open: vendor properties reach the handler.
  assert.deepEqual(await r.exchange([2, 'cd-1', 'ChangeAvailability', { operationalStatus: 'Operative', customData: { vendorId: 'com.example', x: [1] } }]), [[3, 'cd-1', { status: 'Accepted' }]]);
  assert.deepEqual(seen[0].customData, { vendorId: 'com.example', x: [1] });
});

test('a description longer than 255 characters is cut to 255', async () => {
  const r = station();
  r.cp.on('ClearCache', () => {
    throw new NotSupportedError(repeat('d', 300), { why: 1 });
  });
  const e = await expectCallError(r, [2, 'long-1', 'ClearCache', {}], 'long-1', 'NotSupported');
  assert.equal(e[3], repeat('d', 254) + '\u2026');
  assert.deepEqual(e[4], { why: 1 }, 'details kept');
  // An enum with a long value list in the description.
  const p = { eventType: 'Started', timestamp: NOW, triggerReason: 'NoSuchReason', seqNo: 0, transactionInfo: { transactionId: 't' } };
  r.cp.on('TransactionEvent', () => ({}));
  const f = await expectCallError(r, [2, 'long-2', 'TransactionEvent', p], 'long-2', 'PropertyConstraintViolation');
  assert.match(f[3], /^TransactionEvent\.req: triggerReason is not one of Authorized, /);
  assert.equal(f[3].length, MAX_DESCRIPTION_LENGTH, 'the list is cut');
  assert.equal(f[3].charAt(MAX_DESCRIPTION_LENGTH - 1), '\u2026');
  // Exactly 255 characters go out as they are.
  r.cp.on('ClearCache', () => {
    throw new NotSupportedError(repeat('e', 255));
  });
  assert.equal((await expectCallError(r, [2, 'long-3', 'ClearCache', {}], 'long-3', 'NotSupported'))[3], repeat('e', 255));
});

test('a handler throwing 1.6\'s FormationViolation / OccurenceConstraintViolation answers with the 2.0.1 code', async () => {
  const r = station();
  r.cp.on('ClearCache', () => {
    throw new FormationViolationError('bad', { a: 1 });
  });
  r.cp.on('GetLocalListVersion', () => {
    throw new OccurenceConstraintViolationError('missing');
  });
  r.cp.on('GetTransactionStatus', () => {
    throw new FormatViolationError('already 2.0.1');
  });
  const a = await expectCallError(r, [2, 'h-1', 'ClearCache', {}], 'h-1', 'FormatViolation');
  assert.deepEqual([a[3], a[4]], ['bad', { a: 1 }]);
  await expectCallError(r, [2, 'h-2', 'GetLocalListVersion', {}], 'h-2', 'OccurrenceConstraintViolation');
  await expectCallError(r, [2, 'h-3', 'GetTransactionStatus', {}], 'h-3', 'FormatViolation');
  r.cp.on('UnlockConnector', () => {
    throw new Error('secret detail');
  });
  const e = await expectCallError(r, [2, 'h-4', 'UnlockConnector', { evseId: 1, connectorId: 1 }], 'h-4', 'InternalError');
  assert.ok(JSON.stringify(e).indexOf('secret') < 0, 'nothing leaks');
});

test('handler answers a payload that fails its schema → InternalError', async () => {
  const r = station();
  r.cp.on('UnlockConnector', () => ({ status: 'Open' }) as any);
  await expectCallError(r, [2, 'bad-answer', 'UnlockConnector', { evseId: 1, connectorId: 1 }], 'bad-answer', 'InternalError');
  assert.equal(logged(r.host, 'UnlockConnector.conf: status is not one of').length, 1, 'the reason is logged');
});

test('a CALLERROR received with a 2.0.1 code becomes its typed error', async () => {
  const r = station();
  const cases: [string, Function][] = [
    ['FormatViolation', FormatViolationError],
    ['OccurrenceConstraintViolation', OccurrenceConstraintViolationError],
    ['MessageTypeNotSupported', MessageTypeNotSupportedError],
    ['RpcFrameworkError', RpcFrameworkError],
    ['TypeConstraintViolation', TypeConstraintViolationError],
    ['InternalError', InternalError],
  ];
  for (const [code, cls] of cases) {
    const p = assert.rejects(r.cp.call('Heartbeat', {}, { suppress: false }), cls, code);
    r.deliver([4, r.frames()[0][1], code, 'why', { n: 1 }]);
    const e = await p;
    assert.deepEqual([e.code, e.description, e.details, e.constructor], [code, 'why', { n: 1 }, cls]);
  }
  assert.equal(new CallError('x', 'FormatViolation', '', {}).toError().constructor, FormatViolationError);
});

test('a response that fails its schema: call() rejects with the 2.0.1 error; the loop goes on', async () => {
  const r = station();
  const cases: [object, Function][] = [
    [{ status: 'Accepted', currentTime: NOW }, OccurrenceConstraintViolationError],
    [{ status: 'Accepted', currentTime: NOW, interval: '300' }, TypeConstraintViolationError],
    [{ status: 'Maybe', currentTime: NOW, interval: 300 }, PropertyConstraintViolationError],
    [{ status: 'Accepted', currentTime: 'yesterday', interval: 300 }, PropertyConstraintViolationError],
  ];
  for (const [answer, cls] of cases) {
    const rejected = assert.rejects(r.cp.call('BootNotification', BOOT, { suppress: false }), cls, JSON.stringify(answer));
    const frame = r.frames()[0];
    assert.deepEqual(await r.exchange([3, frame[1], answer]), [], 'nothing sent back to a CALLRESULT');
    const e = await rejected;
    assert.ok(e.code !== 'OccurenceConstraintViolation', 'never 1.6\'s spelling');
  }
  await stillServing(r);
  // And a request that fails its schema is not sent.
  await assert.rejects(r.cp.call('BootNotification', { reason: 'PowerUp' } as any), OccurrenceConstraintViolationError);
  await assert.rejects(r.cp.call('Heartbeat', null as any), FormatViolationError);
  assert.deepEqual(r.frames(), [], 'nothing was sent');
});

test('the bad frames of a CSMS, in a row: each answered with its 2.0.1 code, the loop alive', async () => {
  const r = station();
  const bad = [
    'this is not json',
    '{"not":"an array"}',
    '[2,"bad-1","NoSuchAction",{}]',
    '[2,"bad-2","ChangeAvailability",{}]',
    '[2,"bad-3","ChangeAvailability",{"operationalStatus":"Inoperative","evse":{"id":"one"}}]',
    '[2,"bad-4","ChangeAvailability",{"operationalStatus":"Sideways"}]',
    '[2,"bad-5","GetVariables",{"getVariableData":"not an array"}]',
    '[2,"bad-6","Reset"]',
    '[2,42,"Heartbeat",{}]',
    '[3,"no-such-call",{}]',
    '[9,"bad-7","Reset",{"type":"OnIdle"}]',
    '[2,"bad-8","Reset",null]',
  ];
  for (const f of bad) r.deliver(f);
  await sleep(0);
  const codes = r.frames().map((f) => f[1] + ' ' + f[2]);
  assert.deepEqual(codes, [
    '-1 RpcFrameworkError',
    '-1 RpcFrameworkError',
    'bad-1 NotImplemented',
    'bad-2 OccurrenceConstraintViolation',
    'bad-3 TypeConstraintViolation',
    'bad-4 PropertyConstraintViolation',
    'bad-5 TypeConstraintViolation',
    'bad-6 RpcFrameworkError',
    '-1 RpcFrameworkError',
    'bad-7 MessageTypeNotSupported',
    'bad-8 FormatViolation',
  ]);
  assert.ok(logged(r.host, 'bad frame (RpcFrameworkError').length >= 3, 'the log names the 2.0.1 code');
  await stillServing(r);
});

test('hostile frames get the same protection in 2.0.1: the size and depth caps (RpcFrameworkError), integers beyond 2^53, quoted input cut', async () => {
  const r = station();
  const deep = (n: number) => repeat('[', n) + repeat(']', n);
  await expectCallError(r, deep(10000), '-1', 'RpcFrameworkError');
  const e = await expectCallError(r, '[2,"deep-1","DataTransfer",{"vendorId":"V","data":' + deep(MAX_FRAME_DEPTH) + '}]', 'deep-1', 'RpcFrameworkError');
  assert.match(e[3], /deeper than/);
  const big = await expectCallError(r, '[2,"big-1","DataTransfer",{"vendorId":"V","data":"' + repeat('x', MAX_FRAME_LENGTH) + '"}]', 'big-1', 'RpcFrameworkError');
  assert.match(big[3], /longer than/);
  // DataTransfer's data may be anything, but not nested past the cap; an integer past 2^53 is refused where the schema wants one.
  r.cp.on('DataTransfer', () => ({ status: 'Accepted' }));
  assert.deepEqual(await r.exchange('[2,"dt-1","DataTransfer",{"vendorId":"V","data":' + deep(MAX_FRAME_DEPTH - 3) + '}]'), [[3, 'dt-1', { status: 'Accepted' }]]);
  await expectCallError(r, '[2,"int-1","Reset",{"type":"OnIdle","evseId":99999999999999999999999}]', 'int-1', 'PropertyConstraintViolation');
  const name = await expectCallError(r, [2, 'name-1', repeat('A', 5000), {}], 'name-1', 'NotImplemented');
  assert.ok(name[3].length < MAX_QUOTED_LENGTH + 40, 'the action name is quoted cut: ' + name[3].length);
  const key = await expectCallError(r, [2, 'key-1', 'Reset', JSON.parse('{"type":"OnIdle","' + repeat('k', 65536 - 200) + '":1}')], 'key-1', 'PropertyConstraintViolation');
  assert.ok(key[3].length < MAX_QUOTED_LENGTH + 60, 'the property name is quoted cut: ' + key[3].length);
});
