// Integration: what the real bundle answers when the CSMS sends it bad frames, over a real
// socket from the strict ocpp-rpc CSMS (sendRaw bypasses its own validation). The answers
// are the OCPP core's table (issue 4): the right CALLERROR for every frame that has an id
// to answer to, nothing for a result nobody asked for, and the station goes on serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatedStation } from '../../sim/host.mjs';
import { Csms } from '../../sim/csms.mjs';

// Schema validation and error answers are the OCPP core's (src/ocpp/).
const hasCore = existsSync(fileURLToPath(new URL('../../src/ocpp', import.meta.url)));
// The runner counts a skipped test as passed, so without the core these are not registered.
if (!hasCore) process.stderr.write('sim-bad-frames skipped: the OCPP core (src/ocpp/) is not in the bundle yet\n');
const coreTest = hasCore ? test : () => {};

const FRAME_ERRORS = ['FormationViolation', 'ProtocolError'];

/** [frame, unique ids it may be answered with (none: no answer), error codes allowed]. */
const CASES = [
  ['this is not json', ['-1'], FRAME_ERRORS],
  ['{"not":"an array"}', ['-1'], FRAME_ERRORS],
  ['[2,"bad-1","NoSuchAction",{}]', ['bad-1'], ['NotImplemented']],
  ['[2,"bad-2","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]', ['bad-2'], ['NotSupported']],
  ['[2,"bad-3","ChangeAvailability",{}]', ['bad-3'], ['OccurenceConstraintViolation']],
  ['[2,"bad-4","ChangeAvailability",{"connectorId":"one","type":"Inoperative"}]', ['bad-4'], ['TypeConstraintViolation']],
  ['[2,"bad-5","ChangeAvailability",{"connectorId":1,"type":"Sideways"}]', ['bad-5'], ['PropertyConstraintViolation']],
  ['[2,"bad-6","Reset",{"type":"Soft","when":"now"}]', ['bad-6'], ['PropertyConstraintViolation']],
  ['[2,"bad-7","GetConfiguration",{"key":"not an array"}]', ['bad-7'], ['TypeConstraintViolation']],
  ['[2,"bad-8","Reset",["Soft"]]', ['bad-8'], ['FormationViolation']],
  ['[2,"bad-9","Reset"]', ['bad-9'], FRAME_ERRORS],
  ['[2,42,"Heartbeat",{}]', ['-1', '42'], FRAME_ERRORS],
  ['[9,"bad-10","Reset",{"type":"Soft"}]', ['bad-10'], FRAME_ERRORS],
  ['[3,"no-such-call",{}]', [], []],
  ['[4,"no-such-call","GenericError","",{}]', [], []],
];

const dataDir = mkdtempSync(join(tmpdir(), 'sim-bad-frames-'));
let csms;
let station;

before(async () => {
  if (!hasCore) return;
  csms = new Csms({ heartbeatInterval: 60, callTimeout: 5 });
  await csms.start();
  station = new SimulatedStation({ settings: { url: csms.url, id: 'BAD-1', connectors: 2, scenario: 'idle', duration: 0 }, dataDir });
  await station.start();
  await csms.waitForCall('BAD-1', 'StatusNotification', { timeout: 20000 });
});
after(async () => {
  if (station?.running) await station.stop(0, 'test over');
  if (csms?.listening) await csms.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What the station sent back (not its own CALLs) after `from` in the CSMS's records. */
const repliesSince = (from) => csms.records.slice(from).filter((r) => r.station === 'BAD-1' && r.direction === 'in' && r.type !== 'CALL');

coreTest('bad frames from the CSMS get the CALLERROR the core specifies, and the station goes on', async () => {
  for (const [frame, ids, codes] of CASES) {
    const from = csms.records.length;
    csms.sendRaw('BAD-1', frame);
    await sleep(200);
    const replies = repliesSince(from).map((r) => JSON.parse(r.text));
    if (!ids.length) {
      assert.deepEqual(replies, [], `${frame} is ignored`);
      continue;
    }
    assert.equal(replies.length, 1, `${frame} gets one answer: ${JSON.stringify(replies)}`);
    const [type, id, code, description, details] = replies[0];
    assert.equal(type, 4, `${frame} → a CALLERROR: ${JSON.stringify(replies[0])}`);
    assert.ok(ids.includes(id), `${frame} → unique id ${id}, expected ${ids.join(' or ')}`);
    assert.ok(codes.includes(code), `${frame} → ${code}, expected ${codes.join(' or ')}`);
    assert.equal(typeof description, 'string');
    assert.doesNotMatch(description, /\n\s*at |\.js:\d+/, 'no stack trace leaks');
    assert.equal(typeof details, 'object');
  }
  // Still connected, still serving, and the Reset with a bad payload did not happen.
  const conf = await csms.call('BAD-1', 'GetConfiguration', { key: ['HeartbeatInterval'] }, { timeout: 10 });
  assert.equal(conf.configurationKey[0].key, 'HeartbeatInterval');
  assert.ok(station.running);
});

coreTest('a flood of bad frames neither stalls the station nor grows its heap', async () => {
  await sleep(300);
  const before = station.memory().used;
  const from = csms.records.length;
  for (let i = 0; i < 500; i++) csms.sendRaw('BAD-1', i % 2 ? `garbage ${i}` : `[2,"flood-${i}","NoSuchAction",{"n":${i}}]`);
  const conf = await csms.call('BAD-1', 'GetConfiguration', { key: ['HeartbeatInterval'] }, { timeout: 10 });
  assert.equal(conf.configurationKey.length, 1);
  await sleep(300);
  const answered = repliesSince(from).filter((r) => r.type === 'CALLERROR').length;
  assert.equal(answered, 500, 'every bad frame answered');
  const growth = station.memory().used - before;
  assert.ok(growth < 32 * 1024, `heap grew ${growth} bytes over 500 bad frames`);
});
