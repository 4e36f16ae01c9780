// @memory-limit 2097152
// Where security events come from besides boot and configuration: connection attempts
// refused for authentication (HTTP 401) or the CSMS's certificate (once per run of failed
// attempts, delivered once a connection works again), the clock set from the CSMS
// (SettingSystemTime, not for small corrections), and messages that are not valid OCPP
// (InvalidMessages, at most one an hour, the rest counted into the next).
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline, Rig } from '../lib/station-harness';
import { TRIAL_ATTEMPTS } from '../../../../src/app/security/security';

const KEY = 'sixteen-chars-pw';
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';

async function nextSocket(rig: Rig): Promise<any> {
  const before = rig.host.sockets.length;
  for (let i = 0; i < 200 && rig.host.sockets.length === before; i++) await sleep(500);
  assert.ok(rig.host.sockets.length > before, 'the station opened a new connection');
  return rig.host.socket;
}

/** The SecurityEventNotifications the CSMS got so far (answered automatically). */
function received(rig: Rig, type?: string): any[] {
  return rig.csms.inbox.filter((f) => f[0] === 2 && f[2] === 'SecurityEventNotification' && (!type || f[3].type === type)).map((f) => f[3]);
}

test('a new AuthorizationKey the CSMS refuses (401): after the fallback, one FailedToAuthenticateAtCentralSystem event with the reason', async () => {
  const rig = makeStation({ password: KEY });
  rig.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline(rig);
  assert.equal((await rig.csms.call('ChangeConfiguration', { key: 'AuthorizationKey', value: 'a-new-key-0123456789' }))[2].status, 'Accepted');
  for (let i = 0; i < TRIAL_ATTEMPTS; i++) (await nextSocket(rig)).refuse('Unexpected server response: 401');
  await nextSocket(rig);
  rig.csms.accept();
  await sleep(5000);
  const events = received(rig, 'FailedToAuthenticateAtCentralSystem');
  assert.equal(events.length, 1, 'one event for the run of refusals');
  assert.equal(events[0].techInfo, 'Unexpected server response: 401');
});

test('profile 2: a CSMS certificate the CA does not verify is InvalidCentralSystemCertificate; a plain network error is no event; profile 0 raises none', async () => {
  const rig = makeStation({ url: 'wss://csms/ocpp', password: KEY, ca: CA, securityProfile: 2 });
  rig.csms.autoAnswer.SecurityEventNotification = () => ({});
  rig.csms.answerRoutine();
  rig.station.start();
  await sleep(0);
  rig.host.socket.refuse('ECONNREFUSED');
  (await nextSocket(rig)).refuse('unable to verify the first certificate');
  (await nextSocket(rig)).refuse('self-signed certificate in certificate chain');
  await nextSocket(rig);
  rig.csms.accept();
  await rig.csms.next('BootNotification');
  await sleep(5000);
  const events = received(rig, 'InvalidCentralSystemCertificate');
  assert.deepEqual(events.map((e) => e.techInfo), ['unable to verify the first certificate']);
  assert.equal(received(rig, 'FailedToAuthenticateAtCentralSystem').length, 0);

  const plain = makeStation({});
  plain.station.start();
  await sleep(0);
  plain.host.socket.refuse('Unexpected server response: 401');
  await nextSocket(plain);
  plain.csms.accept();
  await sleep(1000);
  assert.equal(plain.station.features.security!.events.securityLog().filter((l) => / FailedToAuthenticate/.test(l)).length, 0, 'outside the security extension');
});

test('SettingSystemTime: a clock jump from the CSMS is an event, a correction under a minute is not', async () => {
  const rig = makeStation({ password: KEY });
  rig.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline(rig);
  rig.csms.autoAnswer.Heartbeat = () => ({ currentTime: new Date(clock.now() + 20000).toISOString() });
  rig.station.session.heartbeat();
  await sleep(1000);
  assert.equal(received(rig, 'SettingSystemTime').length, 0, '20 s: drift');
  rig.csms.autoAnswer.Heartbeat = () => ({ currentTime: '2030-01-01T00:00:00.000Z' });
  rig.station.session.heartbeat();
  await sleep(1000);
  const events = received(rig, 'SettingSystemTime');
  assert.equal(events.length, 1);
  assert.match(events[0].techInfo, /-> 2030-01-01T00:00:00.000Z$/);
  assert.equal(events[0].timestamp.substring(0, 4), '2030', 'the event carries the new time');
});

test('InvalidMessages: a bad frame and a CALL against its schema; one event an hour, the next counts the ones between', async () => {
  const rig = makeStation({ password: KEY });
  rig.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline(rig);
  rig.csms.socket.deliver('[2, "x1", "Reset"');
  await sleep(1000);
  assert.equal(rig.csms.inbox.filter((f) => f[0] === 4).length, 1, 'the CALLERROR still goes');
  const call = await rig.csms.call('ChangeAvailability', { connectorId: 'one', type: 'Operative' });
  assert.equal(call[0], 4);
  await rig.csms.call('Reset', { type: 'Sideways' });
  await sleep(1000);
  let events = received(rig, 'InvalidMessages');
  assert.equal(events.length, 1, 'one event for the first hour');
  assert.match(events[0].techInfo, /^bad frame \(/);
  await sleep(3600000);
  await rig.csms.call('Reset', { type: 'Sideways' });
  await sleep(1000);
  events = received(rig, 'InvalidMessages');
  assert.equal(events.length, 2);
  assert.match(events[1].techInfo, /^CALL Reset: \w+.*\(and 2 more since the last report\)$/);
});
