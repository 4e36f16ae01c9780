// Frames a hostile central system sends: nesting thousands deep, frames over the size cap,
// foreign text of any length in the places a description or a log line quotes it, integers
// beyond 2^53. Each gets its CALLERROR, nothing unbounded is sent or logged, nothing is
// kept, and the loop goes on.
import { test, assert, memoryUsed } from '../../lib/harness';
import { rig, repeat, Rig } from './lib/rig';
import { ChargePoint } from '../../../src/ocpp/v16/index';
import { MAX_FRAME_DEPTH, MAX_FRAME_LENGTH, nestsDeeperThan } from '../../../src/ocpp/messages';
import { MAX_DESCRIPTION_LENGTH, MAX_QUOTED_LENGTH, quote } from '../../../src/ocpp/errors';

function station(logLevel = 'error'): Rig<ChargePoint> & { seen: any[] } {
  const r = rig({ logLevel });
  const seen: any[] = [];
  r.cp.on('Reset', () => ({ status: 'Accepted' }));
  r.cp.on('DataTransfer', (p) => {
    seen.push(p);
    return { status: 'Accepted' };
  });
  r.cp.on('GetCompositeSchedule', (p) => {
    seen.push(p);
    return { status: 'Rejected' };
  });
  r.cp.on('GetLog', (p) => {
    seen.push(p);
    return { status: 'Rejected' };
  });
  (r as Rig<ChargePoint> & { seen: any[] }).seen = seen;
  return r as Rig<ChargePoint> & { seen: any[] };
}

/** The one answer to `frame`: a CALLERROR with this id and code; the loop still serves after it. */
async function expectCallError(r: Rig<ChargePoint>, frame: unknown, id: string, code: string): Promise<any[]> {
  const out = await r.exchange(frame);
  const shown = typeof frame === 'string' ? frame.substring(0, 80) : JSON.stringify(frame).substring(0, 80);
  assert.equal(out.length, 1, 'one answer to ' + shown + ', got ' + JSON.stringify(out).substring(0, 300));
  assert.deepEqual([out[0][0], out[0][1], out[0][2]], [4, id, code], 'answer to ' + shown + ': ' + JSON.stringify(out[0]).substring(0, 300));
  assert.ok(out[0][3].length <= MAX_DESCRIPTION_LENGTH, 'description of ' + out[0][3].length + ' characters');
  assert.deepEqual(await r.exchange([2, 'ok', 'Reset', { type: 'Soft' }]), [[3, 'ok', { status: 'Accepted' }]], 'the loop still serves');
  return out[0];
}

function nested(open: string, inner: string, close: string, depth: number): string {
  return repeat(open, depth) + inner + repeat(close, depth);
}

test('nesting thousands deep: FormationViolation ("-1" or the frame\'s own id), the loop goes on, the heap unchanged', async () => {
  const r = station();
  const frames = [nested('[', '', ']', 10000), nested('{"a":', '1', '}', 10000), '[2,"deep-1","DataTransfer",{"vendorId":"V","data":' + nested('[', '', ']', 30000) + '}]'];
  const ids = ['-1', '-1', 'deep-1'];
  for (let i = 0; i < frames.length; i++) {
    const e = await expectCallError(r, frames[i], ids[i], 'FormationViolation');
    assert.match(e[3], /deeper than/, 'the description says why');
  }
  // Synchronously (no promise job in between, whose garbage waits for the collector): what
  // the heap holds after each deep frame is what it held before.
  let answered = 0;
  const before = memoryUsed();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < frames.length; i++) {
      r.deliver(frames[i]);
      if (r.socket.sent.length === 1 && r.socket.sent[0].indexOf('[4,"' + ids[i] + '","FormationViolation"') === 0) answered++;
      r.socket.sent.length = 0;
    }
  }
  const growth = memoryUsed() - before;
  assert.equal(answered, 9, 'each answered with its CALLERROR');
  assert.ok(growth <= 0, 'heap grew ' + growth + ' bytes over 9 deep frames');
  assert.equal(r.seen.length, 0, 'no deep payload reached a handler');
  assert.deepEqual(await r.exchange([2, 'ok', 'Reset', { type: 'Soft' }]), [[3, 'ok', { status: 'Accepted' }]], 'the loop still serves');
});

test('the depth cap leaves OCPP payloads alone: ' + MAX_FRAME_DEPTH + ' levels are parsed, brackets inside strings do not count', async () => {
  const r = station();
  // The frame, its payload, then arrays down to level MAX_FRAME_DEPTH: parsed, then refused by the schema (data is a string).
  const deepest = '[2,"d-1","DataTransfer",{"vendorId":"V","data":' + nested('[', '', ']', MAX_FRAME_DEPTH - 2) + '}]';
  await expectCallError(r, deepest, 'd-1', 'TypeConstraintViolation');
  const tooDeep = '[2,"d-2","DataTransfer",{"vendorId":"V","data":' + nested('[', '', ']', MAX_FRAME_DEPTH - 1) + '}]';
  await expectCallError(r, tooDeep, 'd-2', 'FormationViolation');
  const brackets = nested('[', '\\"{', ']', 5000);
  assert.deepEqual(await r.exchange('[2,"d-3","DataTransfer",{"vendorId":"V","data":"' + brackets + '"}]'), [[3, 'd-3', { status: 'Accepted' }]]);
  assert.equal(r.seen[0].data.length, 10002, 'the string arrived whole');
  assert.equal(nestsDeeperThan('["\\\\",[[["\\"]"]]]]', 3), true, 'an escaped backslash ends the string, an escaped quote does not');
  assert.equal(nestsDeeperThan('["\\\\",[["\\"]"]]]', 3), false);
});

test('a frame over the size cap: FormationViolation with its own id when readable, "-1" when not', async () => {
  const r = station();
  const big = '[2,"big-1","DataTransfer",{"vendorId":"V","data":"' + repeat('x', MAX_FRAME_LENGTH) + '"}]';
  const e = await expectCallError(r, big, 'big-1', 'FormationViolation');
  assert.match(e[3], /longer than/, 'the description says why');
  await expectCallError(r, ' [ 2 , "big-2" , "Reset", {"type":"Soft", "x":"' + repeat('y', MAX_FRAME_LENGTH) + '"}]', 'big-2', 'FormationViolation');
  await expectCallError(r, repeat('z', MAX_FRAME_LENGTH + 1), '-1', 'FormationViolation');
  await expectCallError(r, '[2,"esc\\"aped","Reset",{"x":"' + repeat('y', MAX_FRAME_LENGTH) + '"}]', '-1', 'FormationViolation');
  assert.equal(r.seen.length, 0, 'nothing reached a handler');
  // Just under the cap is an ordinary frame.
  const under = '[2,"big-3","DataTransfer",{"vendorId":"V","data":"' + repeat('x', MAX_FRAME_LENGTH - 60) + '"}]';
  assert.ok(under.length <= MAX_FRAME_LENGTH);
  assert.deepEqual(await r.exchange(under), [[3, 'big-3', { status: 'Accepted' }]]);
});

test('foreign text in a description or a log line is cut to ' + MAX_QUOTED_LENGTH + ' characters then "…", without control characters', async () => {
  const r = station('warning');
  const long = repeat('A', 65000);
  const cases: [unknown, string, string][] = [
    [[2, 'q-1', long, {}], 'q-1', 'NotImplemented'],
    [[2, 'q-2', 'Reset', { type: 'Soft', [long]: 1 }], 'q-2', 'PropertyConstraintViolation'],
    [[long, 'q-3', 'Reset', { type: 'Soft' }], 'q-3', 'ProtocolError'],
    [[{ nested: [long] }, 'q-4'], 'q-4', 'ProtocolError'],
    [[2, 'q-5', 'Bad\nAction\r\u0000' + long, {}], 'q-5', 'NotImplemented'],
  ];
  for (let i = 0; i < cases.length; i++) {
    const e = await expectCallError(r, cases[i][0], cases[i][1], cases[i][2]);
    const runs = e[3].match(/A+/g) || [];
    for (let j = 0; j < runs.length; j++) assert.ok(runs[j].length <= MAX_QUOTED_LENGTH, cases[i][1] + ': a quote of ' + runs[j].length + ' characters: ' + e[3]);
    assert.ok(e[3].indexOf('\u2026') > 0, cases[i][1] + ': the cut is marked: ' + e[3]);
    assert.ok(!/[\u0000-\u001f]/.test(e[3]), cases[i][1] + ': no control characters: ' + JSON.stringify(e[3]));
  }
  // A CALLERROR answering our CALL: its code and description are quoted in the log line.
  const p = r.cp.call('Heartbeat', {});
  const call = r.frames()[0];
  const half = long.substring(0, 30000);
  r.deliver([4, call[1], 'Gen\neric' + half, 'line one\nline two' + half, {}]);
  assert.equal(await p, null);
  r.deliver([3, 'unknown\nid', {}]);
  await r.exchange([2, 'q-6', long, {}]);
  const lines = r.host.logs.filter((l) => l.level >= 30);
  assert.ok(lines.length >= 7, lines.length + ' warnings logged');
  for (let i = 0; i < lines.length; i++) {
    assert.ok(lines[i].text.length <= 2 * MAX_DESCRIPTION_LENGTH, 'a log line of ' + lines[i].text.length + ' characters: ' + lines[i].text.substring(0, 200));
    assert.ok(!/[\n\r\u0000]/.test(lines[i].text), 'no forged line: ' + JSON.stringify(lines[i].text));
  }
  assert.equal(quote('x' + repeat('\ud83d\ude00', 40)), 'x' + repeat('\ud83d\ude00', 31) + '\u2026', 'a surrogate pair is never split');
});

test('integers beyond ±(2^53-1) are refused with PropertyConstraintViolation, never stored or echoed; the largest safe one passes', async () => {
  const r = station();
  await expectCallError(r, '[2,"i-1","GetCompositeSchedule",{"connectorId":1,"duration":99999999999999999999999}]', 'i-1', 'PropertyConstraintViolation');
  await expectCallError(r, '[2,"i-2","GetLog",{"log":{"remoteLocation":"ftp://x/"},"logType":"DiagnosticsLog","requestId":1000000000000000000000000000000}]', 'i-2', 'PropertyConstraintViolation');
  await expectCallError(r, '[2,"i-3","GetCompositeSchedule",{"connectorId":-9007199254740993,"duration":60}]', 'i-3', 'PropertyConstraintViolation');
  await expectCallError(r, '[2,"i-4","GetCompositeSchedule",{"connectorId":1,"duration":1e400}]', 'i-4', 'TypeConstraintViolation');
  assert.equal(r.seen.length, 0, 'no handler saw them');
  assert.deepEqual(await r.exchange('[2,"i-5","GetCompositeSchedule",{"connectorId":-9007199254740991,"duration":9007199254740991}]'), [[3, 'i-5', { status: 'Rejected' }]]);
  assert.equal(r.seen[0].duration, 9007199254740991);
});

test('an answer to our call that is over the size cap or too deep fails that call at once (no CALLERROR back, no wait for the timeout); one to no call is ignored', async () => {
  const r = station('warning');
  const tooBig = (id: string) => '[3,"' + id + '",{"currentTime":"' + repeat('x', MAX_FRAME_LENGTH) + '"}]';
  const tooDeep = (id: string) => '[4,"' + id + '","GenericError","",{"x":' + nested('[', '', ']', 100) + '}]';
  const makers = [tooBig, tooDeep];
  for (let i = 0; i < makers.length; i++) {
    const started = r.host.now();
    let outcome: any = null;
    r.cp.call('Heartbeat', {}).then(
      (v) => (outcome = { resolved: v }),
      (e) => (outcome = { rejected: e })
    );
    const call = r.frames()[0];
    assert.deepEqual(await r.exchange(makers[i](call[1])), [], 'nothing sent back');
    assert.ok(outcome && outcome.rejected, 'the call failed: ' + JSON.stringify(outcome));
    assert.equal(outcome.rejected.code, 'FormationViolation');
    assert.ok(r.host.now() - started < 1000, 'at once, not after the response timeout');
    assert.deepEqual(await r.exchange(makers[i]('nobody')), [], 'an answer to no call: ignored');
  }
  assert.ok(r.host.logs.some((l) => l.text.indexOf('unknown unique id nobody') >= 0), 'and logged');
  // The next call goes out and is answered as usual.
  const p = r.cp.call('Heartbeat', {});
  const call = r.frames()[0];
  r.deliver([3, call[1], { currentTime: '2026-11-25T10:00:00Z' }]);
  assert.deepEqual(await p, { currentTime: '2026-11-25T10:00:00Z' });
});
