// Connector status (the 1.6 state table and StatusNotification reporting with
// MinimumStatusDuration), the authorization cache and the reconnect backoff.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { FakeHost } from '../../../lib/fake-host';
import { createHal } from '../../../../hal/index';
import { ConnectorState, StatusNotification, StatusReporter, statusOf } from '../../../../src/app/core/connector-status';
import { AuthorizationCache } from '../../../../src/app/core/authorization-cache';
import { Backoff } from '../../../../src/lib/backoff';

function state(over: Partial<ConnectorState>): ConnectorState {
  const s: ConnectorState = {
    operative: true,
    errorCode: 'NoError',
    plugged: false,
    awaitingCable: false,
    transaction: false,
    finishing: false,
    evseSuspended: false,
    evRequestsEnergy: false,
  };
  for (const k in over) (s as any)[k] = (over as any)[k];
  return s;
}

test('status follows the connector state (1.6 state table)', () => {
  assert.equal(statusOf(state({})), 'Available');
  assert.equal(statusOf(state({ plugged: true })), 'Preparing', 'cable in, nobody authorized yet');
  assert.equal(statusOf(state({ awaitingCable: true })), 'Preparing', 'authorized, waiting for the cable');
  assert.equal(statusOf(state({ plugged: true, transaction: true, evRequestsEnergy: true })), 'Charging');
  assert.equal(statusOf(state({ plugged: true, transaction: true })), 'SuspendedEV');
  assert.equal(statusOf(state({ plugged: true, transaction: true, evRequestsEnergy: true, evseSuspended: true })), 'SuspendedEVSE');
  assert.equal(statusOf(state({ plugged: false, transaction: true })), 'SuspendedEV', 'EV side disconnected, transaction kept');
  assert.equal(statusOf(state({ plugged: true, finishing: true })), 'Finishing');
  assert.equal(statusOf(state({ plugged: true, finishing: true, awaitingCable: true })), 'Preparing');
  assert.equal(statusOf(state({ plugged: true, pluggedIdle: true })), 'Available', 'cable in, nobody authorized within ConnectionTimeOut');
  assert.equal(statusOf(state({ plugged: true, finishing: true, pluggedIdle: true })), 'Finishing');
  assert.equal(statusOf(state({ operative: false })), 'Unavailable');
  assert.equal(statusOf(state({ operative: false, plugged: true, transaction: true, evRequestsEnergy: true })), 'Charging', 'Inoperative waits for the transaction');
  assert.equal(statusOf(state({ errorCode: 'GroundFailure', transaction: true })), 'Faulted');
});

function reporter(minimum: number) {
  const hal = createHal(new FakeHost());
  const sent: StatusNotification[] = [];
  const r = new StatusReporter({ connectors: 2, minimumDuration: () => minimum, now: hal.now, setTimeout: hal.setTimeout, log: () => {} });
  return { r, sent, send: (n: StatusNotification) => sent.push(n) };
}

test('StatusNotification on every change while online; all connectors (0 included) at boot; changes made offline told on reconnect', () => {
  const { r, sent, send } = reporter(0);
  r.set(1, 'Preparing', 'NoError');
  assert.equal(sent.length, 0, 'offline: nothing sent');
  r.online(send, true);
  assert.deepEqual(sent.map((n) => n.connectorId + ':' + n.status), ['0:Available', '1:Preparing', '2:Available']);
  assert.equal(sent[1].timestamp, new Date(clock.now()).toISOString(), 'timestamp is when it changed');
  r.set(1, 'Charging', 'NoError');
  r.set(1, 'Charging', 'NoError');
  assert.equal(sent.length, 4, 'a repeat is not a change');
  r.offline();
  r.set(2, 'Faulted', 'GroundFailure');
  sent.length = 0;
  r.online(send, false);
  assert.deepEqual(sent, [{ connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted', timestamp: new Date(clock.now()).toISOString() }], 'only what changed while offline');
  sent.length = 0;
  r.trigger(1);
  assert.deepEqual(sent.map((n) => n.connectorId + ':' + n.status), ['1:Charging'], 'TriggerMessage reports an unchanged status');
});

test('MinimumStatusDuration: only a status that lasts is reported; faults at once', async () => {
  const { r, sent, send } = reporter(5);
  r.online(send, true);
  await sleep(5000);
  sent.length = 0;
  r.set(1, 'Preparing', 'NoError');
  await sleep(2000);
  r.set(1, 'Available', 'NoError'); // a flap: back where it was
  await sleep(6000);
  assert.equal(sent.length, 0, 'the flap was never reported');
  r.set(1, 'Preparing', 'NoError');
  await sleep(4999);
  assert.equal(sent.length, 0);
  await sleep(1);
  assert.deepEqual(sent.map((n) => n.status), ['Preparing']);
  r.set(2, 'Faulted', 'OverVoltage');
  assert.deepEqual(sent.map((n) => n.status), ['Preparing', 'Faulted']);
});

test('authorization cache: stored, expiry honoured, bounded, cleared', () => {
  const host = new FakeHost();
  const storage = createHal(host).storage;
  const cache = new AuthorizationCache(storage, 3);
  const now = Date.UTC(2024, 0, 1);
  cache.update('TAG-A', { status: 'Accepted', expiryDate: new Date(now + 60000).toISOString() });
  cache.update('TAG-B', { status: 'Blocked' });
  assert.deepEqual(cache.lookup('tag-a', now), { status: 'Accepted', expiryDate: new Date(now + 60000).toISOString() }, 'idTags compare case-insensitively');
  assert.equal(cache.lookup('TAG-A', now + 60000)!.status, 'Expired');
  assert.equal(cache.lookup('TAG-B', now)!.status, 'Blocked');
  assert.equal(cache.lookup('TAG-C', now), null);
  const again = new AuthorizationCache(createHal(new FakeHost({ files: host.files })).storage, 3);
  assert.equal(again.lookup('TAG-B', now)!.status, 'Blocked', 'survives a reboot');
  cache.update('TAG-C', { status: 'Accepted' });
  cache.update('TAG-D', { status: 'Accepted' });
  assert.equal(cache.size(), 3);
  assert.equal(cache.lookup('TAG-A', now), null, 'the oldest entry went');
  cache.clear();
  assert.equal(cache.size(), 0);
  assert.equal(host.files['authorization-cache.json'], undefined);
});

test('backoff: exponential, capped, jittered within [d/2, d], reset after success', () => {
  let r = 0;
  const b = new Backoff({ baseMs: 1000, capMs: 8000, random: () => r });
  const low: number[] = [];
  for (let i = 0; i < 6; i++) low.push(b.next());
  assert.deepEqual(low, [500, 1000, 2000, 4000, 4000, 4000]);
  b.reset();
  r = 0.999999;
  const high: number[] = [];
  for (let i = 0; i < 5; i++) high.push(b.next());
  assert.deepEqual(high, [1000, 2000, 4000, 8000, 8000]);
  const real = new Backoff({ baseMs: 1000, capMs: 60000 });
  const spread: { [ms: string]: boolean } = {};
  for (let i = 0; i < 20; i++) {
    real.reset();
    spread[real.next()] = true;
  }
  assert.ok(Object.keys(spread).length > 5, 'Math.random jitter spreads the first delay');
});
