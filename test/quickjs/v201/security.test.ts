// Block A of the 2.0.1 station with the test as the CSMS: the security events (A04) — in the
// security log, the critical ones sent as SecurityEventNotification through the durable
// outbox, after the boot, in order, across a power cut — and the events the station raises:
// StartupOfTheDevice, ResetOrReboot, SettingSystemTime, InvalidCsmsCertificate /
// FailedToAuthenticateAtCsms, ReconfigurationOfSecurityParameters (A01.FR.11-12).
import { test, assert, sleep, clock } from '../../lib/harness';
import { makeStation201, startOnline201, powerCut, FEATURES, Rig201 } from './lib/station201';
import { installSecurity } from '../../../src/v201/security/security';

const SECURITY = FEATURES.concat([installSecurity]);
const station = (config: { [k: string]: unknown } = {}, files?: { [name: string]: string }) => makeStation201(config, files, SECURITY);
const log = (rig: Rig201) => (rig.host.files['security.log'] || '').split('\n').filter((l) => l);
const types = (rig: Rig201) => log(rig).map((l) => l.split(' ')[1]);

test('StartupOfTheDevice: logged at boot, sent once the BootNotification is Accepted (not before, B01.FR.08), done once answered', async () => {
  const rig = station({ firmwareVersion: '2.0.1-7' });
  assert.deepEqual(types(rig), ['StartupOfTheDevice'], 'A04.FR.04: in the security log at once');
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const boot = await rig.csms.next('BootNotification');
  await sleep(100);
  assert.equal(rig.csms.pending('SecurityEventNotification').length, 0, 'nothing but BootNotification before Accepted');
  rig.csms.answerRoutine();
  rig.csms.reply(boot, { status: 'Accepted', currentTime: new Date(clock.now()).toISOString(), interval: 300 });
  const event = await rig.csms.next('SecurityEventNotification');
  assert.equal(event[3].type, 'StartupOfTheDevice');
  assert.equal(event[3].techInfo, '2.0.1-7');
  assert.ok(Math.abs(Date.parse(event[3].timestamp) - clock.now()) < 5000);
  assert.ok(/StartupOfTheDevice/.test(rig.host.files['security-events.log'] || ''), 'queued durably until answered');
  rig.csms.reply(event, {});
  await sleep(100);
  // Answered: the next boot sends its own StartupOfTheDevice only.
  const next = station({ firmwareVersion: '2.0.1-8' }, powerCut(rig));
  await startOnline201(next);
  const again = await next.csms.next('SecurityEventNotification');
  assert.equal(again[3].techInfo, '2.0.1-8');
  next.csms.reply(again, {});
  await sleep(2000);
  assert.equal(next.csms.pending('SecurityEventNotification').length, 0, 'the answered one is not sent again');
  assert.deepEqual(types(next), ['StartupOfTheDevice', 'StartupOfTheDevice'], 'the security log keeps both boots');
});

test('A04.FR.02: events of a boot cut by a power loss before they went are sent after the next boot, in order, and ResetOrReboot after a reset', async () => {
  const first = station();
  const files = powerCut(first);
  files['boot-reason.txt'] = 'RemoteReset'; // what a Reset leaves for the next boot (B01.FR.09)
  const rig = station({}, files);
  await startOnline201(rig);
  const sent: string[] = [];
  for (let i = 0; i < 3; i++) {
    const e = await rig.csms.next('SecurityEventNotification');
    sent.push(e[3].type + (e[3].techInfo === 'RemoteReset' ? ':RemoteReset' : ''));
    rig.csms.reply(e, {});
  }
  assert.deepEqual(sent, ['StartupOfTheDevice', 'ResetOrReboot:RemoteReset', 'StartupOfTheDevice'], 'the first boot\'s event first, then this boot\'s');
  await sleep(1000);
  assert.equal(rig.csms.pending('SecurityEventNotification').length, 0, 'each once');
});

test('SettingSystemTime: the CSMS\'s time moved the clock more than TimeAdjustmentReportingThreshold; a small correction is not an event', async () => {
  const rig = station();
  await startOnline201(rig, 60);
  rig.csms.reply(await rig.csms.next('SecurityEventNotification'), {}); // StartupOfTheDevice
  const skew = (ms: number) => async () => {
    const hb = await rig.csms.next('Heartbeat');
    rig.csms.reply(hb, { currentTime: new Date(clock.now() + ms).toISOString() });
    await sleep(100);
  };
  await skew(10000)();
  assert.equal(types(rig).filter((t) => t === 'SettingSystemTime').length, 0, '10 s is below the threshold (60 s)');
  await skew(2 * 3600 * 1000)();
  const e = await rig.csms.next('SecurityEventNotification');
  assert.equal(e[3].type, 'SettingSystemTime');
  assert.ok(/ -> /.test(e[3].techInfo), 'techInfo: before and after');
  assert.equal(rig.station.model.get('ClockCtrlr/TimeAdjustmentReportingThreshold'), '60');
});

test('A00.FR.310: a CSMS certificate that does not verify is one InvalidCsmsCertificate for a run of failed attempts, sent once connected; refused credentials are logged only (not critical)', async () => {
  const rig = station({ url: 'wss://csms/ocpp', password: 'a-password-of-16-chars', securityProfile: 2, ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n' });
  rig.csms.answerRoutine();
  rig.station.start();
  for (let i = 0; i < 3; i++) {
    await sleep(0);
    rig.host.socket.refuse('certificate verify failed: unable to get local issuer certificate');
    await sleep(70000);
  }
  assert.equal(types(rig).filter((t) => t === 'InvalidCsmsCertificate').length, 1, 'once for the run');
  rig.host.socket.refuse('HTTP 401 Unauthorized');
  await sleep(70000);
  assert.equal(types(rig).filter((t) => t === 'FailedToAuthenticateAtCsms').length, 0, 'one event per run of failed attempts');
  rig.csms.accept();
  const sent: string[] = [];
  for (let i = 0; i < 2; i++) {
    const e = await rig.csms.next('SecurityEventNotification');
    sent.push(e[3].type);
    rig.csms.reply(e, {});
  }
  assert.deepEqual(sent, ['StartupOfTheDevice', 'InvalidCsmsCertificate']);
  // Connected again: a new run of failures is reported again.
  rig.host.socket.drop();
  await sleep(0);
  await sleep(70000);
  rig.host.socket.refuse('HTTP 401 Unauthorized');
  await sleep(100);
  assert.equal(types(rig).filter((t) => t === 'FailedToAuthenticateAtCsms').length, 1, 'in the security log (A04.FR.04)');
  rig.csms.accept();
  await sleep(2000);
  assert.equal(rig.csms.pending('SecurityEventNotification').length, 0, 'not sent: not critical');
});

test('A01.FR.11-12: a new BasicAuthPassword is a ReconfigurationOfSecurityParameters in the security log, without the password', async () => {
  const rig = station({ password: 'the-first-password-16' });
  await startOnline201(rig);
  const r = await rig.csms.call('SetVariables', { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'the-second-password-16' }] });
  assert.equal(r[2].setVariableResult[0].attributeStatus, 'Accepted');
  await sleep(100);
  const line = log(rig).filter((l) => / ReconfigurationOfSecurityParameters /.test(l));
  assert.equal(line.length, 1, 'logged once');
  assert.ok(/BasicAuthPassword/.test(line[0]), 'says what changed');
  assert.ok(!/the-second-password|the-first-password/.test(rig.host.files['security.log']), 'never the value');
});
