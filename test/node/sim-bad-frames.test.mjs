// Integration: what the real bundle answers when the CSMS sends it bad frames, over a real
// socket from the strict ocpp-rpc CSMS (sendRaw bypasses its own validation). The answers
// are the OCPP core's table (README, "What the receiver answers"): the right CALLERROR for
// every frame that has an id to answer to, nothing for a result nobody asked for, and the
// station goes on serving.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BAD_FRAMES, MAX_DESCRIPTION_LENGTH } from './lib/bad-frames.mjs';
import { stationTests } from './lib/stations.mjs';

const rig = stationTests('sim-bad-frames');
let csms;
let station;

before(async () => {
  csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5 });
  station = await rig.start({ url: csms.url, id: 'BAD-1', connectors: 2, scenario: 'idle', duration: 0 });
  await csms.waitForCall('BAD-1', 'StatusNotification', { timeout: 20000 });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What the station sent back (not its own CALLs) after `from` in the CSMS's records. */
const repliesSince = (from) => csms.records.slice(from).filter((r) => r.station === 'BAD-1' && r.direction === 'in' && r.type !== 'CALL');

test('bad frames from the CSMS get the CALLERROR the core specifies, and the station goes on', async () => {
  const heapBefore = station.memory().used;
  for (const { frame, ids, codes } of BAD_FRAMES) {
    const from = csms.records.length;
    csms.sendRaw('BAD-1', frame);
    await sleep(200);
    const replies = repliesSince(from).map((r) => JSON.parse(r.text));
    if (!ids.length) {
      assert.deepEqual(replies, [], `${frame.slice(0, 80)} is ignored`);
      continue;
    }
    assert.equal(replies.length, 1, `${frame.slice(0, 80)} gets one answer: ${JSON.stringify(replies)}`);
    const [type, id, code, description, details] = replies[0];
    assert.equal(type, 4, `${frame.slice(0, 80)} → a CALLERROR: ${JSON.stringify(replies[0])}`);
    assert.ok(ids.includes(id), `${frame.slice(0, 80)} → unique id ${id}, expected ${ids.join(' or ')}`);
    assert.ok(codes.includes(code), `${frame.slice(0, 80)} → ${code}, expected ${codes.join(' or ')}`);
    assert.equal(typeof description, 'string');
    assert.ok(description.length <= MAX_DESCRIPTION_LENGTH, `${frame.slice(0, 60)} → a description of ${description.length} characters`);
    assert.doesNotMatch(description, /\n\s*at |\.js:\d+/, 'no stack trace leaks');
    assert.equal(typeof details, 'object');
  }
  // Still connected, still serving, and the Reset with a bad payload did not happen.
  const conf = await csms.call('BAD-1', 'GetConfiguration', { key: ['HeartbeatInterval'] }, { timeout: 10 });
  assert.equal(conf.configurationKey[0].key, 'HeartbeatInterval');
  assert.ok(station.running);
  assert.equal(station.uncaughtErrors, 0, 'no error escaped the bundle');
  const growth = station.memory().used - heapBefore;
  assert.ok(growth < 32 * 1024, `heap grew ${growth} bytes over the bad frames`);
});

test('a flood of bad frames neither stalls the station nor grows its heap', async () => {
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
