// @memory-limit 2097152
// SecurityEventNotification: stored before it is sent, delivered in order once online,
// each until answered; nothing lost to a dropped link or a reboot; retried and given up
// like a transaction message on CALLERRORs. Every event also lands in the security log.
import { test, assert, sleep } from '../../../lib/harness';
import { makeStation, startOnline } from '../lib/station-harness';

const KEY = 'sixteen-chars-pw';

test('boot: StartupOfTheDevice goes out once the station is accepted (and not before); the security log has it', async () => {
  const rig = makeStation({ password: KEY });
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const boot = await rig.csms.next('BootNotification');
  await sleep(1000);
  assert.equal(rig.csms.pending('SecurityEventNotification').length, 0, 'nothing but BootNotification before Accepted');
  rig.csms.answerRoutine();
  rig.csms.reply(boot, { status: 'Accepted', currentTime: new Date(0).toISOString(), interval: 300 });
  const event = await rig.csms.next('SecurityEventNotification');
  assert.equal(event[3].type, 'StartupOfTheDevice');
  assert.match(event[3].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  rig.csms.reply(event, {});
  // The CSMS's currentTime (1970) moved the clock: SettingSystemTime follows.
  const clockSet = await rig.csms.next('SecurityEventNotification');
  assert.equal(clockSet[3].type, 'SettingSystemTime');
  assert.match(clockSet[3].techInfo, /-> 1970-01-01T00:00:00.000Z$/);
  rig.csms.reply(clockSet, {});
  await sleep(0);
  assert.equal(rig.station.features.security!.events.waiting().length, 0, JSON.stringify(rig.station.features.security!.events.waiting()));
  assert.match(rig.station.features.security!.events.securityLog()[0], / StartupOfTheDevice /);
});

test('a dropped link and a reboot lose no event; each goes once, in order, after the reset ResetOrReboot', async () => {
  const rig = makeStation({ password: KEY });
  await startOnline(rig);
  const startup = await rig.csms.next('SecurityEventNotification');
  rig.csms.socket.drop(); // its answer never came
  await sleep(0);
  rig.station.features.security!.events.raise('TamperDetectionActivated', 'lid opened');
  rig.station.restarts.reboot('HardReset');
  assert.equal(rig.host.restarts, 1);

  const next = makeStation({ password: KEY }, rig.host.files);
  next.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline(next);
  await sleep(1000);
  const types = next.csms.inbox.filter((f) => f[2] === 'SecurityEventNotification').map((f) => f[3].type + (f[3].techInfo ? ':' + f[3].techInfo : ''));
  assert.deepEqual(types, ['StartupOfTheDevice:0.1.0', 'TamperDetectionActivated:lid opened', 'ResetOrReboot:HardReset', 'StartupOfTheDevice:0.1.0']);
  assert.equal(startup[3].timestamp, next.csms.inbox.filter((f) => f[2] === 'SecurityEventNotification')[0][3].timestamp, 'the same event, not a new one');
  assert.equal(next.station.features.security!.events.waiting().length, 0);
  await sleep(60000);
  assert.equal(next.csms.pending('SecurityEventNotification').length, 4, 'none sent twice');
});

test('CALLERROR answers: retried after TransactionMessageRetryInterval × attempts, given up after TransactionMessageAttempts', async () => {
  const rig = makeStation({ password: KEY, configuration: { TransactionMessageAttempts: 2, TransactionMessageRetryInterval: 10 } });
  await startOnline(rig);
  const first = await rig.csms.next('SecurityEventNotification');
  rig.csms.error(first, 'InternalError');
  await sleep(9000);
  assert.equal(rig.csms.pending('SecurityEventNotification').length, 0, 'not before the retry interval');
  const second = await rig.csms.next('SecurityEventNotification', 2000);
  assert.equal(second[3].type, 'StartupOfTheDevice');
  rig.csms.error(second, 'InternalError');
  await sleep(0);
  assert.equal(rig.station.features.security!.events.waiting().length, 0, 'given up after 2 attempts');
  assert.ok(rig.host.logs.some((l) => /given up after 2 attempt/.test(l.text)));
});

test('changing the security configuration is a security event; the key itself is not in it', async () => {
  const rig = makeStation({ password: KEY });
  rig.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline(rig);
  await rig.csms.call('ChangeConfiguration', { key: 'AuthorizationKey', value: 'another-key-0123456789' });
  await sleep(5000);
  rig.csms.accept();
  await sleep(2000);
  const events = rig.csms.inbox.filter((f) => f[2] === 'SecurityEventNotification').map((f) => f[3]);
  const reconfigured = events.filter((e) => e.type === 'ReconfigurationOfSecurityParameters');
  assert.equal(reconfigured.length, 1);
  assert.equal(reconfigured[0].techInfo, 'AuthorizationKey changed');
  assert.ok(rig.host.files['security.log'].indexOf('another-key') < 0);
});

test('security profile 0 (outside the security extension): events are logged, not sent', async () => {
  const rig = makeStation();
  await startOnline(rig);
  rig.station.features.security!.events.raise('TamperDetectionActivated');
  await sleep(5000);
  assert.equal(rig.csms.pending('SecurityEventNotification').length, 0);
  assert.equal(rig.station.features.security!.events.waiting().length, 0);
  const log = rig.station.features.security!.events.securityLog();
  assert.match(log[0], / StartupOfTheDevice /);
  assert.match(log[1], / TamperDetectionActivated$/);
});
