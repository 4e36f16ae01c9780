// The HAL over the host ABI, with the fake host.
import { test, assert, sleep, clock } from '../lib/harness';
import { FakeHost } from '../lib/fake-host';
import { createHal } from '../../hal/index';

test('settings come from the host as JSON, with defaults for what is missing or mistyped', () => {
  const hal = createHal(new FakeHost({ config: { id: 'CP-1', connectors: 3, duration: 'ten' } }));
  assert.equal(hal.settings.id, 'CP-1');
  assert.equal(hal.settings.connectors, 3);
  assert.equal(hal.settings.duration, 0);
  assert.equal(hal.settings.idTag, 'DEMO-TAG');
});

test('storage: atomic values and record logs; a torn last record is dropped', () => {
  const host = new FakeHost();
  const hal = createHal(host);
  hal.storage.set('config.json', '{"a":1}');
  assert.equal(hal.storage.get('config.json'), '{"a":1}');
  hal.storage.append('queue.log', 'one');
  hal.storage.append('queue.log', 'two');
  host.files['queue.log'] += '{"torn'; // power lost in the middle of a write
  assert.deepEqual(hal.storage.records('queue.log'), ['one', 'two']);
  assert.throws(() => hal.storage.append('queue.log', 'a\nb'), /newline/);
  assert.throws(() => hal.storage.set('../etc/passwd', 'x'), /bad storage name/);
  hal.storage.remove('config.json');
  assert.equal(hal.storage.get('config.json'), null);
});

test('timers: setTimeout, cancel and setInterval run on the host clock', async () => {
  const hal = createHal(new FakeHost());
  const seen: number[] = [];
  const t0 = clock.now();
  hal.setTimeout(() => seen.push(-1), 50).cancel();
  const every = hal.setInterval(() => seen.push(clock.now() - t0), 100);
  await sleep(350);
  every.cancel();
  await sleep(500);
  assert.deepEqual(seen, [100, 200, 300]);
});

test('wall clock can be set (from the CSMS) without touching the monotonic clock', () => {
  const hal = createHal(new FakeHost());
  const ticks = hal.ticks();
  hal.setTime(Date.UTC(2030, 0, 1));
  assert.equal(hal.now(), Date.UTC(2030, 0, 1));
  assert.equal(hal.ticks(), ticks);
});

test('websocket: options cross as JSON; events reach the callbacks; send only while open', async () => {
  const host = new FakeHost();
  const hal = createHal(host);
  const events: string[] = [];
  const ws = hal.connect('ws://csms/CP-1', { protocols: ['ocpp1.6'], headers: { Authorization: 'Basic eDp5' } });
  ws.onopen = () => events.push('open ' + ws.protocol);
  ws.onmessage = (t) => events.push('msg ' + t);
  ws.onclose = (code) => events.push('close ' + code);
  assert.equal(ws.send('too early'), false);
  const sock = host.socket;
  assert.deepEqual(sock.options, { protocols: ['ocpp1.6'], headers: { Authorization: 'Basic eDp5' } });
  sock.accept('ocpp1.6');
  assert.equal(ws.send('[2,"1","Heartbeat",{}]'), true);
  sock.deliver('[3,"1",{}]');
  ws.close();
  await sleep(0);
  assert.deepEqual(events, ['open ocpp1.6', 'msg [3,"1",{}]', 'close 1000']);
  assert.deepEqual(sock.sent, ['[2,"1","Heartbeat",{}]']);
  assert.equal(ws.readyState, 'closed');
});

test('log levels filter below the configured level', () => {
  const host = new FakeHost({ config: { logLevel: 'warning' } });
  const hal = createHal(host);
  hal.log.info('hidden');
  hal.log.error('shown');
  hal.setLogLevel('debug');
  hal.log.debug('now shown');
  assert.deepEqual(host.logs, [
    { level: 40, text: 'shown' },
    { level: 10, text: 'now shown' },
  ]);
});

// A bundle built with log codes calls a logger member with the code of its text and the
// arguments its places take (build/log-dictionary.mjs); the HAL turns them into text as `+` does.
type CodedLog = (code: number, ...args: unknown[]) => void;

test('log codes: the arguments as text to the host\'s logCode, filtered by level like texts', () => {
  const host = new FakeHost({ config: { logLevel: 'info' } });
  const coded: unknown[][] = [];
  (host as any).logCode = function (this: unknown, ...args: unknown[]) {
    assert.equal(this, host, 'called as a method of the host');
    coded.push(args);
  };
  const hal = createHal(host);
  (hal.log.info as unknown as CodedLog)(17, 2, { toString: () => 'OBJ' }, null, undefined, true, ['a', 'b']);
  (hal.log.debug as unknown as CodedLog)(18, 'hidden');
  (hal.log.error as unknown as CodedLog)(19);
  hal.log.warning('a text as ever');
  assert.deepEqual(coded, [
    [20, 17, '2', 'OBJ', 'null', 'undefined', 'true', 'a,b'],
    [40, 19],
  ]);
  assert.deepEqual(host.logs, [{ level: 30, text: 'a text as ever' }]);
});

test('log codes on a host without logCode: the raw line through log()', () => {
  const host = new FakeHost();
  const hal = createHal(host);
  (hal.log.warning as unknown as CodedLog)(17, 'CP-1', 3, 'say "hi"\n');
  assert.deepEqual(host.logs, [{ level: 30, text: 'log#17 "CP-1" "3" "say \\"hi\\"\\n"' }]);
});

test('startTask runs the function with its arguments on the loop, not inline', async () => {
  const hal = createHal(new FakeHost());
  const got: string[] = [];
  hal.startTask((a: string, b: string) => got.push(a + b), ['x', 'y']);
  assert.deepEqual(got, []);
  await sleep(0);
  assert.deepEqual(got, ['xy']);
});
