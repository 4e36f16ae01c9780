// The station's boot, heartbeat, status reporting and reconnects, with the test as the CSMS.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline } from '../lib/station-harness';

function actions(frames: any[]): string[] {
  return frames.filter((f) => f[0] === 2).map((f) => f[2]);
}

test('BootNotification carries vendor, model, firmware, IMEI and ICCID; Accepted sets the clock and the heartbeat interval', async () => {
  const rig = makeStation({ vendor: 'ACME', model: 'Wallbox-1', firmwareVersion: '9.9' });
  rig.station.start();
  await sleep(0);
  assert.equal(rig.host.socket.url, 'ws://csms/ocpp/CP-T', 'station id appended to the URL');
  assert.deepEqual(rig.host.socket.options.protocols, ['ocpp1.6']);
  rig.csms.accept();
  const boot = await rig.csms.next('BootNotification');
  assert.deepEqual(boot[3], {
    chargePointVendor: 'ACME',
    chargePointModel: 'Wallbox-1',
    chargePointSerialNumber: '861234567890123',
    chargeBoxSerialNumber: 'CP-T',
    firmwareVersion: '9.9',
  });
  assert.equal(rig.csms.inbox.length, 0, 'nothing else before the answer');
  const csmsTime = Date.UTC(2030, 5, 1, 12, 0, 0);
  rig.csms.reply(boot, { status: 'Accepted', currentTime: new Date(csmsTime).toISOString(), interval: 60 });
  await sleep(0);
  assert.ok(Math.abs(rig.hal.now() - csmsTime) < 1000, 'clock taken from currentTime');
  assert.equal(rig.station.config.getInt('HeartbeatInterval'), 60);
  const statuses: any[] = [];
  // One CALL at a time (OCPP-J): each StatusNotification goes once the one before is answered.
  for (let i = 0; i < 3; i++) {
    statuses.push(await rig.csms.next('StatusNotification'));
    rig.csms.reply(statuses[i], {});
  }
  assert.deepEqual(
    statuses.map((f) => f[3].connectorId + ':' + f[3].status + ':' + f[3].errorCode),
    ['0:Available:NoError', '1:Available:NoError', '2:Available:NoError'],
    'a StatusNotification per connector, 0 included'
  );
  const t0 = clock.now();
  const hb1 = await rig.csms.next('Heartbeat');
  assert.equal(clock.now() - t0, 60000, 'first heartbeat after the interval');
  rig.csms.reply(hb1, { currentTime: new Date(csmsTime + 3600000).toISOString() });
  await sleep(0);
  assert.ok(Math.abs(rig.hal.now() - (csmsTime + 3600000)) < 1000, 'heartbeat answers set the clock too');
  const hb2 = await rig.csms.next('Heartbeat');
  assert.equal(clock.now() - t0, 120000);
  rig.csms.reply(hb2, { currentTime: new Date(clock.now()).toISOString() });
  assert.match(rig.host.logs.map((l) => l.text).join('\n'), /booted \(Accepted, heartbeat 60 s\)/);
});

test('Pending: only BootNotification goes out, again after the interval; the CSMS may read and configure, not start or stop', async () => {
  const rig = makeStation();
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const first = await rig.csms.next('BootNotification');
  rig.csms.reply(first, { status: 'Pending', currentTime: new Date(clock.now()).toISOString(), interval: 20 });
  await sleep(0);
  // While Pending the CSMS may still ask things, and is answered.
  const conf = await rig.csms.call('GetConfiguration', { key: ['HeartbeatInterval'] });
  assert.equal(conf[2].configurationKey[0].value, '300');
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '30' }))[2], { status: 'Accepted' });
  assert.deepEqual((await rig.csms.call('RemoteStartTransaction', { idTag: 'R', connectorId: 1 }))[2], { status: 'Rejected' }, 'no remote start while Pending');
  assert.deepEqual((await rig.csms.call('RemoteStopTransaction', { transactionId: 1 }))[2], { status: 'Rejected' });
  assert.equal(rig.station.connector(1)!.status, 'Available', 'nothing started');
  rig.hw.connector(1).plugIn(); // a status change while Pending is not sent...
  const t0 = clock.now();
  const second = await rig.csms.next('BootNotification');
  assert.ok(clock.now() - t0 >= 19900, 'waited the interval');
  assert.deepEqual(actions(rig.csms.inbox), [], 'no status, no heartbeat while Pending');
  rig.csms.reply(second, { status: 'Accepted', currentTime: new Date(clock.now()).toISOString(), interval: 300 });
  const statuses: any[] = [];
  // One CALL at a time (OCPP-J): each StatusNotification goes once the one before is answered.
  for (let i = 0; i < 3; i++) {
    statuses.push(await rig.csms.next('StatusNotification'));
    rig.csms.reply(statuses[i], {});
  }
  assert.equal(statuses[1][3].status, 'Preparing', '...but once Accepted');
});

test('Pending: what a TriggerMessage asks for is sent (StatusNotification, Heartbeat, MeterValues), and nothing else', async () => {
  const rig = makeStation();
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const first = await rig.csms.next('BootNotification');
  rig.csms.reply(first, { status: 'Pending', currentTime: new Date(clock.now()).toISOString(), interval: 3600 });
  await sleep(0);
  // The triggered messages are answered (one CALL at a time: the next waits for the answer).
  rig.csms.autoAnswer.StatusNotification = rig.csms.autoAnswer.MeterValues = () => ({});
  rig.csms.autoAnswer.Heartbeat = () => ({ currentTime: new Date(clock.now()).toISOString() });
  assert.equal((await rig.csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 2 }))[2].status, 'Accepted');
  const st = await rig.csms.next('StatusNotification', 1000);
  assert.deepEqual([st[3].connectorId, st[3].status], [2, 'Available']);
  await rig.csms.call('TriggerMessage', { requestedMessage: 'Heartbeat' });
  await rig.csms.next('Heartbeat', 1000);
  await rig.csms.call('TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 });
  const mv = await rig.csms.next('MeterValues', 1000);
  assert.equal(mv[3].meterValue[0].sampledValue[0].context, 'Trigger');
  await rig.csms.call('TriggerMessage', { requestedMessage: 'StatusNotification' });
  await sleep(100);
  assert.equal(rig.csms.pending('StatusNotification').length, 3, 'connectors 0, 1 and 2');
  rig.csms.inbox.length = 0;
  await sleep(600000);
  assert.deepEqual(actions(rig.csms.inbox), [], 'no heartbeat of its own while Pending');
});

test('Rejected: the connection stays open, the station answers nothing and sends nothing until the interval is over, then boots again on it', async () => {
  const rig = makeStation();
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const first = await rig.csms.next('BootNotification');
  const socket = rig.host.socket;
  rig.csms.reply(first, { status: 'Rejected', currentTime: new Date(clock.now()).toISOString(), interval: 40 });
  const t0 = clock.now();
  await sleep(10);
  assert.ok(!socket.closed, 'the connection stays open');
  socket.deliver(JSON.stringify([2, 'c1', 'GetConfiguration', {}]));
  socket.deliver(JSON.stringify([2, 'c2', 'TriggerMessage', { requestedMessage: 'BootNotification' }]));
  socket.deliver('not json');
  await sleep(39000);
  assert.deepEqual(socket.take().map((f) => f[0] + ' ' + f[1]), ['2 ' + first[1]], 'nothing after the boot: no answer, no CALL');
  const second = await rig.csms.next('BootNotification', 2000);
  assert.ok(clock.now() - t0 >= 40000 && clock.now() - t0 <= 40050, 'the boot again after the interval: ' + (clock.now() - t0));
  assert.equal(rig.host.sockets.length, 1, 'on the same connection');
  rig.csms.reply(second, { status: 'Accepted', currentTime: new Date(clock.now()).toISOString(), interval: 300 });
  await rig.csms.next('StatusNotification');
  const answer = await rig.csms.call('GetConfiguration', { key: ['HeartbeatInterval'] });
  assert.equal(answer[0], 3, 'answers again once Accepted');
  assert.match(rig.host.logs.map((l) => l.text).join('\n'), /BootNotification Rejected; silent on the open connection, BootNotification again in 40 s/);
});

test('Rejected, then the link drops: the station reconnects, and the new connection too waits out the interval before it boots', async () => {
  const rig = makeStation();
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const first = await rig.csms.next('BootNotification');
  rig.csms.reply(first, { status: 'Rejected', currentTime: new Date(clock.now()).toISOString(), interval: 60 });
  const t0 = clock.now();
  await sleep(5000);
  rig.csms.socket.drop(1006);
  while (rig.host.sockets.length === 1) await sleep(100);
  assert.ok(clock.now() - t0 < 10000, 'reconnected with the backoff, not after the interval');
  rig.csms.accept();
  rig.csms.socket.deliver(JSON.stringify([2, 'c1', 'Heartbeat', {}]));
  await sleep(1000);
  assert.deepEqual(rig.csms.socket.take(), [], 'silent on the new connection too');
  await rig.csms.next('BootNotification');
  assert.ok(clock.now() - t0 >= 60000 && clock.now() - t0 <= 60100, 'not before the interval: ' + (clock.now() - t0));
});

test('TriggerMessage BootNotification while Pending gets the boot at once', async () => {
  const rig = makeStation();
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const first = await rig.csms.next('BootNotification');
  rig.csms.reply(first, { status: 'Pending', currentTime: new Date(clock.now()).toISOString(), interval: 3600 });
  await sleep(0);
  const t0 = clock.now();
  const answer = await rig.csms.call('TriggerMessage', { requestedMessage: 'BootNotification' });
  assert.equal(answer[2].status, 'Accepted');
  await rig.csms.next('BootNotification');
  assert.ok(clock.now() - t0 < 1000);
});

test('a dropped link: reconnect with growing, jittered delays; no second BootNotification; status changes made meanwhile reported', async () => {
  const rig = makeStation();
  await startOnline(rig, 300);
  rig.csms.inbox.length = 0;
  rig.host.socket.drop(1006);
  await sleep(0);
  rig.hw.connector(2).plugIn(); // status changes while offline
  const opened: number[] = [];
  const t0 = clock.now();
  for (let i = 0; i < 4; i++) {
    const before = rig.host.sockets.length;
    while (rig.host.sockets.length === before) await sleep(10);
    opened.push(clock.now() - t0);
    if (i < 3) rig.host.socket.refuse();
  }
  const gaps = [opened[0], opened[1] - opened[0], opened[2] - opened[1], opened[3] - opened[2]];
  assert.ok(gaps[0] >= 500 && gaps[0] <= 1010, 'first retry within [0.5, 1] s: ' + gaps);
  assert.ok(gaps[3] >= 4000 && gaps[3] <= 8010, 'fourth within [4, 8] s: ' + gaps);
  rig.csms.accept();
  const status = await rig.csms.next('StatusNotification');
  assert.deepEqual([status[3].connectorId, status[3].status], [2, 'Preparing']);
  await sleep(100);
  assert.equal(rig.csms.pending('BootNotification').length, 0, 'no new BootNotification after a reconnect');
  assert.equal(rig.csms.pending('StatusNotification').length, 0, 'unchanged connectors not reported again');
  const up = clock.now();
  await rig.csms.next('Heartbeat');
  assert.ok(clock.now() - up <= 300000, 'heartbeats resume on the new connection: ' + (clock.now() - up));
  // Back online, the delays start again from the first, short one.
  const count = rig.host.sockets.length;
  const dropped = clock.now();
  rig.host.socket.drop(1006);
  while (rig.host.sockets.length === count) await sleep(10);
  assert.ok(clock.now() - dropped <= 1010, 'first retry after a working connection within 1 s: ' + (clock.now() - dropped));
});

/** Starts the station and refuses its first `attempts` connections; then the fatal error it reported ('' for none). */
async function refused(rig: ReturnType<typeof makeStation>, attempts: number): Promise<() => string> {
  let fatal = '';
  rig.station.events.fatal = (why) => (fatal = why);
  rig.station.start();
  for (let i = 1; i <= attempts; i++) {
    while (rig.host.sockets.length < i) await sleep(10);
    rig.host.socket.refuse('ECONNREFUSED');
  }
  return () => fatal;
}

test('never reachable: after maxConnectAttempts the station reports a fatal error', async () => {
  const rig = makeStation({ maxConnectAttempts: 3 });
  const fatal = await refused(rig, 3);
  await sleep(60000);
  assert.equal(rig.host.sockets.length, 3, 'no fourth attempt');
  assert.match(fatal(), /unreachable after 3 attempts/);
});

test('the station does not act on `scenario` (the firmware has none; the simulator entry applies its defaults): the default MeterValueSampleInterval, no give-up after 5 attempts', async () => {
  const plain = makeStation().station.config.getInt('MeterValueSampleInterval');
  const rig = makeStation({ scenario: 'session' });
  assert.equal(rig.station.config.getInt('MeterValueSampleInterval'), plain);
  assert.equal((await refused(rig, 6))(), '', 'still connecting after 6 attempts');
  while (rig.host.sockets.length < 7) await sleep(10);
  rig.station.stop();
});

test('HeartbeatInterval changed by the CSMS takes effect at once; MinimumStatusDuration holds back a short-lived status', async () => {
  const rig = makeStation();
  await startOnline(rig, 300);
  let answer = await rig.csms.call('ChangeConfiguration', { key: 'HeartbeatInterval', value: '10' });
  assert.deepEqual(answer[2], { status: 'Accepted' });
  const t0 = clock.now();
  await rig.csms.next('Heartbeat');
  assert.equal(clock.now() - t0, 10000);
  answer = await rig.csms.call('ChangeConfiguration', { key: 'MinimumStatusDuration', value: '5' });
  rig.csms.inbox.length = 0;
  rig.hw.connector(1).plugIn();
  await sleep(2000);
  rig.hw.connector(1).unplug();
  await sleep(10000);
  assert.equal(rig.csms.pending('StatusNotification').length, 0, 'Preparing for 2 s was never reported');
});
