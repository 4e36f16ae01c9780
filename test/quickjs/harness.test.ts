// The harness itself: assertions, virtual time, async tests.
import { test, assert, sleep, clock } from '../lib/harness';

test('assert.equal and deepEqual compare as documented', () => {
  assert.equal(1 + 1, 2);
  assert.deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] });
  assert.throws(() => assert.deepEqual({ a: 1 }, { a: 1, b: 2 }), /expected/);
  assert.throws(() => assert.equal('1', 1), /expected 1, got "1"/);
});

test('virtual time: a long sleep takes no wall-clock time and orders timers', async () => {
  const start = clock.now();
  const order: number[] = [];
  clock.schedule(300, () => order.push(3));
  clock.schedule(100, () => order.push(1));
  clock.schedule(200, () => order.push(2));
  await sleep(60 * 60 * 1000);
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(clock.now() - start, 60 * 60 * 1000);
});

test('assert.rejects returns the reason', async () => {
  const e = await assert.rejects(Promise.reject(new RangeError('nope')), RangeError);
  assert.equal(e.message, 'nope');
});

test('runs inside QuickJS, not V8', () => {
  // V8 has no such global; the QuickJS runtime here has no Node/browser host API either.
  assert.equal(typeof (globalThis as any).process, 'undefined');
  assert.equal(typeof (globalThis as any).setTimeout, 'undefined');
  assert.ok(typeof (globalThis as any).__harness === 'object');
});
