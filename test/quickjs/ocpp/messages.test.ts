// OCPP-J framing: pack and unpack of the three message types, malformed frames, unique ids,
// and the error classes.
import { test, assert } from '../../lib/harness';
import {
  Call, CallResult, CallError, Malformed, pack, unpack, uniqueIds,
  OcppError, NotImplementedError, NotSupportedError, InternalError, ProtocolError, SecurityError, FormationViolationError,
  PropertyConstraintViolationError, OccurenceConstraintViolationError, TypeConstraintViolationError, GenericError, TimeoutError, UnknownMessageTypeError,
} from '../../../src/ocpp/index';

test('pack: CALL [2,id,action,payload], CALLRESULT [3,id,payload], CALLERROR [4,id,code,description,details]', () => {
  assert.equal(pack(new Call('1', 'Heartbeat', {})), '[2,"1","Heartbeat",{}]');
  assert.equal(pack(new CallResult('1', { currentTime: 'x' })), '[3,"1",{"currentTime":"x"}]');
  assert.equal(pack(new CallError('1', 'NotSupported', 'no', {})), '[4,"1","NotSupported","no",{}]');
  assert.equal(CallError.from('9', new SecurityError('bad cert', { n: 1 })).pack(), '[4,"9","SecurityError","bad cert",{"n":1}]');
});

test('unpack gives the message back; CALLERROR becomes its typed error', () => {
  const call = unpack('[2,"a","Reset",{"type":"Soft"}]') as Call;
  assert.ok(call instanceof Call);
  assert.deepEqual([call.uniqueId, call.action, call.payload], ['a', 'Reset', { type: 'Soft' }]);
  const result = unpack('[3,"a",{"status":"Accepted"}]') as CallResult;
  assert.ok(result instanceof CallResult);
  assert.deepEqual(result.payload, { status: 'Accepted' });
  const error = unpack('[4,"a","OccurenceConstraintViolation","missing",{"f":"x"}]') as CallError;
  assert.ok(error instanceof CallError);
  const typed = error.toError();
  assert.ok(typed instanceof OccurenceConstraintViolationError && typed instanceof OcppError && typed instanceof Error);
  assert.deepEqual([typed.code, typed.description, typed.details], ['OccurenceConstraintViolation', 'missing', { f: 'x' }]);
  const short = unpack('[4,"b","GenericError"]') as CallError;
  assert.deepEqual([short.code, short.description, short.details], ['GenericError', '', {}], 'a CALLERROR without description and details is accepted');
});

test('unpack never throws: malformed frames come back with their error and the id to answer to', () => {
  const cases: [string, string, Function][] = [
    ['{', '-1', FormationViolationError],
    ['{}', '-1', FormationViolationError],
    ['[2]', '-1', FormationViolationError],
    ['[2,null,"Reset",{}]', '-1', FormationViolationError],
    ['[2,"id","Reset"]', 'id', ProtocolError],
    ['[2,"id",{},{}]', 'id', FormationViolationError],
    ['[3,"id"]', 'id', ProtocolError],
    ['[4,"id",5,"",{}]', 'id', ProtocolError],
    ['[7,"id",{}]', 'id', ProtocolError],
  ];
  for (const [text, id, cls] of cases) {
    const m = unpack(text) as Malformed;
    assert.ok(m instanceof Malformed, text);
    assert.equal(m.uniqueId, id, text);
    assert.ok(m.error instanceof cls, text + ': ' + m.error.code);
  }
  // An unknown message type is a ProtocolError in 1.6 that 2.0.1 can tell apart (MessageTypeNotSupported).
  const unknown = unpack('[7,"id",{}]') as Malformed;
  assert.ok(unknown.error instanceof UnknownMessageTypeError && unknown.error.code === 'ProtocolError');
  assert.ok(!((unpack('[3,"id"]') as Malformed).error instanceof UnknownMessageTypeError), 'a wrong length is not an unknown type');
});

test('one error class per OCPP-J 1.6 code, each a real Error with code, description and details', () => {
  const table: [any, string][] = [
    [NotImplementedError, 'NotImplemented'],
    [NotSupportedError, 'NotSupported'],
    [InternalError, 'InternalError'],
    [ProtocolError, 'ProtocolError'],
    [SecurityError, 'SecurityError'],
    [FormationViolationError, 'FormationViolation'],
    [PropertyConstraintViolationError, 'PropertyConstraintViolation'],
    [OccurenceConstraintViolationError, 'OccurenceConstraintViolation'],
    [TypeConstraintViolationError, 'TypeConstraintViolation'],
    [GenericError, 'GenericError'],
  ];
  for (const [cls, code] of table) {
    const e = new cls('why', { a: 1 });
    assert.ok(e instanceof cls && e instanceof OcppError && e instanceof Error, code);
    assert.equal(e.code, code);
    assert.equal(e.description, 'why');
    assert.equal(e.message, 'why');
    assert.deepEqual(e.details, { a: 1 });
    assert.deepEqual(new cls().details, {}, 'details default to {}');
    assert.equal(new CallError('x', code, 'd', {}).toError().constructor, cls, 'the CALLERROR code maps back to ' + code);
    for (const [other] of table) if (other !== cls) assert.ok(!(e instanceof other), code + ' is not another code');
  }
  const t = new TimeoutError('late', 'Heartbeat', 'id-1');
  assert.ok(t instanceof TimeoutError && t instanceof Error && !(t instanceof OcppError));
  assert.equal(t.name, 'TimeoutError');
});

test('an error class of one code is a constructor a class can extend; its name is the code\'s', () => {
  const e = new NotSupportedError('no');
  assert.equal(e.name, 'NotSupportedError');
  assert.equal(String(e), 'NotSupportedError: no');
  class VendorRefusal extends NotSupportedError {
    readonly vendor = 'acme';
  }
  const v = new VendorRefusal('refused', { reason: 'x' });
  assert.ok(v instanceof VendorRefusal && v instanceof NotSupportedError && v instanceof OcppError && v instanceof Error);
  assert.equal(v.code, 'NotSupported');
  assert.equal(v.description, 'refused');
  assert.deepEqual(v.details, { reason: 'x' });
  assert.equal(v.vendor, 'acme');
  assert.ok(!(new NotImplementedError('x') instanceof VendorRefusal));
});

test('unique ids: at most 36 characters, none repeated; two connections get different ones', () => {
  const a = uniqueIds();
  const b = uniqueIds();
  const seen: { [id: string]: boolean } = {};
  for (let i = 0; i < 5000; i++) {
    const id = a();
    assert.ok(id.length <= 36 && !seen[id], id);
    seen[id] = true;
  }
  assert.notEqual(a(), b());
});
