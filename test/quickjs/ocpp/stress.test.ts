// @memory-limit 655360
// Many bad frames in a row: every one answered, the loop never stalls, and memory stays
// bounded — 10 000 frames run in a 640 KB heap, which a leak of a few dozen bytes per frame
// would exhaust.
import { test, assert, sleep } from '../../lib/harness';
import { rig } from './lib/rig';

const BAD = [
  'not json at all',
  '{"an":"object"}',
  '[2,"s-1","NoSuchAction",{}]',
  '[2,"s-2","ChangeAvailability",{"connectorId":"x","type":"Operative"}]',
  '[2,"s-3","ChangeAvailability",{"connectorId":1,"type":"Operative","x":1}]',
  '[2,"s-4","Reset"]',
  '[9,"s-5"]',
  '[3,"nobody",{}]',
  '[4,"nobody","InternalError","",{}]',
  '[2,"s-6","ReserveNow",{"connectorId":1,"expiryDate":"2026-11-25T10:00:00Z","idTag":"T","reservationId":1}]',
];

test('10 000 bad frames in a row: each answered or ignored, the loop alive, nothing kept', async () => {
  const r = rig({ logLevel: 'error' });
  r.cp.on('ChangeAvailability', () => ({ status: 'Accepted' }));
  r.cp.on('Reset', () => ({ status: 'Accepted' }));
  let answers = 0;
  for (let i = 0; i < 10000; i++) {
    r.deliver(BAD[i % BAD.length]);
    if (i % 100 === 99) {
      await sleep(0);
      answers += r.frames().filter((f) => f[0] === 4).length;
    }
  }
  assert.equal(answers, 8000, 'every frame but the two answers to nobody got a CALLERROR');
  // Calls still work, in order, while more garbage arrives.
  const p = r.cp.call('Heartbeat', {});
  r.deliver(BAD[0]);
  const sent = r.frames();
  const call = sent.filter((f) => f[0] === 2)[0];
  r.deliver([3, call[1], { currentTime: '2026-11-25T10:00:00Z' }]);
  assert.deepEqual(await p, { currentTime: '2026-11-25T10:00:00Z' });
  assert.deepEqual(await r.exchange([2, 'last', 'Reset', { type: 'Soft' }]), [[3, 'last', { status: 'Accepted' }]]);
  const cp = r.cp as any;
  assert.equal(cp.waiting.length, 0, 'no call waiting');
  assert.equal(cp.inFlight, null, 'none in flight');
});
