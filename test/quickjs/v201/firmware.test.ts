// @memory-limit 2097152
// OCPP 2.0.1 block L: UpdateFirmware → FirmwareStatusNotification on a station with
// transactions, availability and the firmware feature, on a fake host whose crypto and
// firmware members are scripted: a "certificate" is trusted when the trusted text names its
// issuer, the signature "GOOD" is the one that matches the image, a download of a location
// with "missing" in it fails.
import { test, assert, sleep, clock } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { makeStation201, startOnline201, powerCut, Rig201, FEATURES } from './lib/station201';
import { Feature } from '../../../src/v201/context';
import { installAuthorization } from '../../../src/v201/authorization/authorization';
import { installTransactions } from '../../../src/v201/transactions/transactions';
import { installRemoteControl } from '../../../src/v201/remote-control/remote-control';
import { installFirmware } from '../../../src/v201/firmware/firmware';
import { bootStation201, STATION_201_SETTINGS } from '../../../src/boot-station-201';
import { createHal } from '../../../hal/index';
import { simHardwareFor } from '../../../src/sim/sim-hardware';
import { FakeCsms } from '../app/lib/station-harness';

const ROOT = 'FAKE ROOT maker-root';
const SIGNING = 'FAKE CERT issued-by:maker-root';
const FOREIGN = 'FAKE CERT issued-by:someone-else';

interface Script {
  downloads: string[];
  installs: number;
  /** What firmwareState says after the restart (none: no such member). */
  state?: { trial?: boolean; rolledBack?: string };
  confirmed: number;
  crypto: boolean;
}

function scripted(t: Script): (host: FakeHost) => void {
  return (h) => {
    const host = h as any;
    if (t.crypto) {
      host.cryptoCreateCsr = (_r: string, cb: (r: string) => void) => cb(JSON.stringify({ error: 'not in this test' }));
      host.cryptoCertificateInfo = () => JSON.stringify({ error: 'not in this test' });
      host.cryptoVerifyChain = (chain: string, trusted: string) => {
        const issuer = /issued-by:(\S+)/.exec(chain);
        return JSON.stringify(issuer && trusted.indexOf(issuer[1]) >= 0 ? { ok: true } : { ok: false, error: 'not signed by a trusted root' });
      };
      host.firmwareVerifySignature = (_c: string, signature: string, cb: any) =>
        clock.schedule(100, () => (signature === 'GOOD' ? cb.ondone('{}') : cb.onerror('the signature does not match the firmware image')));
    }
    host.firmwareDownload = (url: string, cb: any) => {
      t.downloads.push(url);
      clock.schedule(100, () => (url.indexOf('missing') >= 0 ? cb.onerror('HTTP 404') : cb.ondone(JSON.stringify({ size: 1234 }))));
    };
    host.firmwareInstall = (cb: any) => {
      t.installs++;
      clock.schedule(100, () => cb.ondone('{}'));
    };
    if (t.state) host.firmwareState = () => JSON.stringify(t.state);
    host.firmwareConfirm = () => t.confirmed++;
  };
}

const script = (crypto = true): Script => ({ downloads: [], installs: 0, confirmed: 0, crypto });

/** The station's features: block L's with the manufacturer root and the security events recorded. */
function features(events: string[], roots = ROOT): Feature[] {
  return FEATURES.concat([
    (s) => {
      const authorizer = installAuthorization(s, null);
      installRemoteControl(s, installTransactions(s, authorizer), authorizer); // TriggerMessage
    },
    (s) => {
      installFirmware(s, { manufacturerRoots: () => roots, raise: (type) => events.push(type) });
    },
  ]);
}

const CONFIG = { configuration: { 'TxCtrlr/TxStartPoint': 'EVConnected' } };

async function online(t: Script, events: string[], files?: { [name: string]: string }): Promise<Rig201> {
  const rig = makeStation201(CONFIG, files, features(events), scripted(t));
  rig.csms.autoAnswer.TransactionEvent = () => ({});
  await startOnline201(rig);
  return rig;
}

function request(requestId: number, extra: { [k: string]: any } = {}): any {
  const firmware: any = { location: 'http://csms/fw-' + requestId + '.js', retrieveDateTime: new Date(clock.now()).toISOString(), signingCertificate: SIGNING, signature: 'GOOD' };
  for (const k in extra) if (k !== 'retries' && k !== 'retryInterval') firmware[k] = extra[k];
  for (const k in firmware) if (firmware[k] === null) delete firmware[k];
  const p: any = { requestId, firmware };
  if (extra.retries !== undefined) p.retries = extra.retries;
  if (extra.retryInterval !== undefined) p.retryInterval = extra.retryInterval;
  return p;
}

/** The next `count` FirmwareStatusNotifications, as "status/requestId". */
async function statuses(rig: { csms: FakeCsms }, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = (await rig.csms.next('FirmwareStatusNotification', 300000))[3];
    out.push(p.status + '/' + p.requestId);
  }
  return out;
}

async function trigger(rig: Rig201): Promise<any> {
  assert.deepEqual((await rig.csms.call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' }))[2], { status: 'Accepted' });
  return (await rig.csms.next('FirmwareStatusNotification'))[3];
}

const copyFiles = (rig: Rig201) => powerCut(rig);

test('signed update while a transaction runs: Downloading … SignatureVerified with requestId, the idle EVSE Unavailable while the install waits (L01.FR.06/07), Installing and InstallRebooting once it ended, the reboot (FirmwareUpdate); Installed from the new image, FirmwareUpdated, the image confirmed', async () => {
  const t = script();
  const events: string[] = [];
  const rig = await online(t, events);
  rig.csms.inbox = [];
  rig.hw.connector(1).plugIn();
  assert.equal((await rig.csms.next('TransactionEvent'))[3].eventType, 'Started');
  rig.csms.inbox = rig.csms.inbox.filter((f) => f[2] !== 'StatusNotification');
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(11)))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(rig, 3), ['Downloading/11', 'Downloaded/11', 'SignatureVerified/11']);
  await sleep(1000);
  assert.equal(t.installs, 0, 'L01.FR.06: not while the transaction runs');
  assert.deepEqual(rig.csms.pending('StatusNotification').map((f) => f[3].evseId + ':' + f[3].connectorStatus), ['2:Unavailable'], 'L01.FR.07: the idle EVSE');
  const triggered = await trigger(rig);
  assert.deepEqual(triggered, { status: 'SignatureVerified', requestId: 11 }, 'L01.FR.26: the last status sent');
  rig.hw.connector(1).unplug();
  assert.equal((await rig.csms.next('TransactionEvent'))[3].eventType, 'Ended');
  assert.deepEqual(await statuses(rig, 2), ['Installing/11', 'InstallRebooting/11']);
  assert.equal(t.installs, 1);
  await sleep(2000);
  assert.equal(rig.host.restarts, 1, 'restarted into the new image');
  assert.deepEqual(events, []);

  t.state = { trial: true };
  const next = await online(t, events, copyFiles(rig));
  assert.deepEqual(await statuses(next, 1), ['Installed/11'], 'L01.FR.32 (a): Installed from the new image');
  assert.deepEqual(events, ['FirmwareUpdated'], 'L01.FR.31');
  assert.ok(t.confirmed >= 1, 'the Accepted BootNotification confirms the image');
  assert.deepEqual(await trigger(next), { status: 'Idle' }, 'L01.FR.25: Idle after Installed, no requestId (L01.FR.20)');
  await sleep(1000);
  assert.ok(!next.host.files['firmware-update.json'], 'the record goes once Installed was answered');
  next.station.stop();
  next.hw.stop();
});

test('refusals: a signing certificate of another root InvalidCertificate with InvalidFirmwareSigningCertificate (L01.FR.02/22), a host without crypto Rejected, a bad signature InvalidSignature with InvalidFirmwareSignature (L01.FR.03); nothing installed', async () => {
  const t = script();
  const events: string[] = [];
  const rig = await online(t, events);
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(1, { signingCertificate: FOREIGN })))[2], { status: 'InvalidCertificate' });
  assert.deepEqual(events, ['InvalidFirmwareSigningCertificate']);
  await sleep(1000);
  assert.equal(t.downloads.length, 0);
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(2, { signature: 'FORGED' })))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(rig, 3), ['Downloading/2', 'Downloaded/2', 'InvalidSignature/2']);
  assert.deepEqual(events, ['InvalidFirmwareSigningCertificate', 'InvalidFirmwareSignature']);
  assert.deepEqual(await trigger(rig), { status: 'InvalidSignature', requestId: 2 }, 'L01.FR.26: the last status, a failure included');
  // Once the update is over its flow is let go (a part, where the bundle has parts), and a
  // refused request opens it again without a status of its own: the last status stays.
  await sleep(10000);
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(3, { signingCertificate: FOREIGN })))[2], { status: 'InvalidCertificate' });
  await sleep(10000);
  assert.deepEqual(await trigger(rig), { status: 'InvalidSignature', requestId: 2 }, 'the last status after the flow was let go and opened again');
  assert.equal(t.installs, 0);
  rig.station.stop();
  rig.hw.stop();

  const bare = makeStation201(CONFIG, {}, features([]), scripted(script(false)));
  await startOnline201(bare);
  assert.deepEqual((await bare.csms.call('UpdateFirmware', request(3)))[2], { status: 'Rejected' }, 'no way to check the signature here');
  bare.station.stop();
  bare.hw.stop();
});

test('DownloadScheduled until retrieveDateTime (L01.FR.13); a failing download retried `retries` times retryInterval apart, then DownloadFailed (L01.FR.30); a new request replaces a scheduled one (AcceptedCanceled, L01.FR.24); InstallScheduled until installDateTime (L01.FR.16)', async () => {
  const t = script();
  const rig = await online(t, []);
  const later = new Date(clock.now() + 3600000).toISOString();
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(5, { retrieveDateTime: later })))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(rig, 1), ['DownloadScheduled/5']);
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(6, { location: 'http://csms/missing.js', retries: 2, retryInterval: 30 })))[2], { status: 'AcceptedCanceled' });
  const started = clock.now();
  assert.deepEqual(await statuses(rig, 4), ['Downloading/6', 'Downloading/6', 'Downloading/6', 'DownloadFailed/6']);
  assert.ok(clock.now() - started >= 60000, 'two retries 30 s apart');
  assert.equal(t.downloads.length, 3);
  await sleep(3600000);
  assert.equal(t.downloads.length, 3, 'the replaced request never ran');
  const install = new Date(clock.now() + 600000).toISOString();
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(7, { installDateTime: install })))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(rig, 4), ['Downloading/7', 'Downloaded/7', 'SignatureVerified/7', 'InstallScheduled/7']);
  await sleep(500000);
  assert.equal(t.installs, 0, 'not before installDateTime');
  assert.deepEqual(await statuses(rig, 2), ['Installing/7', 'InstallRebooting/7']);
  assert.ok(clock.now() >= Date.parse(install));
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(8)))[2], { status: 'Rejected' }, 'L01.FR.27: too late to cancel');
  rig.station.stop();
  rig.hw.stop();
});

test('the host rolled the new image back: InstallationFailed after the reboot, no FirmwareUpdated; a power cut while downloading resumes the update at the next boot', async () => {
  const t = script();
  const events: string[] = [];
  const rig = await online(t, events);
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(21)))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(rig, 5), ['Downloading/21', 'Downloaded/21', 'SignatureVerified/21', 'Installing/21', 'InstallRebooting/21']);
  await sleep(2000);
  t.state = { rolledBack: 'the new firmware failed (exit 70)' };
  const next = await online(t, events, copyFiles(rig));
  assert.deepEqual(await statuses(next, 1), ['InstallationFailed/21']);
  assert.deepEqual(events, [], 'not updated');
  next.station.stop();
  next.hw.stop();

  const t2 = script();
  const a = await online(t2, []);
  assert.deepEqual((await a.csms.call('UpdateFirmware', request(22, { retrieveDateTime: new Date(clock.now() + 60000).toISOString() })))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(a, 1), ['DownloadScheduled/22']);
  const b = await online(t2, [], copyFiles(a));
  assert.deepEqual(await statuses(b, 4), ['DownloadScheduled/22', 'Downloading/22', 'Downloaded/22', 'SignatureVerified/22'], 'kept across the reboot, the same requestId');
  b.station.stop();
  b.hw.stop();
});

test('the 2.0.1 firmware (bootStation201): an update without signingCertificate is the non-secure L02 (no SignatureVerified), Installed after the reboot with reason FirmwareUpdate; a signed one InvalidCertificate, as no ManufacturerRootCertificate is installed', async () => {
  const t = script();
  const boot = async (files: { [name: string]: string }) => {
    const host = new FakeHost({ config: { url: 'ws://csms/ocpp', id: 'CP-FW', connectors: 1 }, files });
    scripted(t)(host);
    const csms = new FakeCsms(host, 'ocpp2.0.1');
    csms.answerRoutine();
    csms.autoAnswer.SecurityEventNotification = () => ({}); // the firmware sends its security events (block A)
    host.onConnect = () => csms.accept();
    let hw: any = null;
    const station = (await bootStation201(createHal(host), { settings: STATION_201_SETTINGS, hardware: (h) => (hw = simHardwareFor(h)) }))!;
    return { host, csms, station, stop: () => (station.stop(), hw.stop()) };
  };
  const first = await boot({});
  assert.equal((await first.csms.next('BootNotification'))[3].reason, 'PowerUp');
  assert.deepEqual((await first.csms.call('UpdateFirmware', request(31)))[2], { status: 'InvalidCertificate' });
  assert.deepEqual((await first.csms.call('UpdateFirmware', request(32, { signingCertificate: null, signature: null })))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(first, 4), ['Downloading/32', 'Downloaded/32', 'Installing/32', 'InstallRebooting/32']);
  await sleep(2000);
  assert.equal(first.host.restarts, 1);
  const files: { [name: string]: string } = {};
  for (const k in first.host.files) files[k] = first.host.files[k];
  first.stop();
  t.state = { trial: true };
  const second = await boot(files);
  assert.equal((await second.csms.next('BootNotification'))[3].reason, 'FirmwareUpdate');
  assert.deepEqual(await statuses(second, 1), ['Installed/32']);
  second.stop();
});

test('an install waiting for idle and a scheduled Reset hold the EVSEs each on its own: a replaced update lets go of its hold only, the idle EVSE stays Unavailable while the Reset waits (B12, L01.FR.07)', async () => {
  const t = script();
  const rig = await online(t, []);
  rig.csms.inbox = [];
  rig.hw.connector(1).plugIn();
  assert.equal((await rig.csms.next('TransactionEvent'))[3].eventType, 'Started');
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(21)))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(rig, 3), ['Downloading/21', 'Downloaded/21', 'SignatureVerified/21']);
  await sleep(1000);
  assert.equal(rig.station.availability.operative(2), false, 'the install waits: EVSE 2 held');
  assert.deepEqual((await rig.csms.call('Reset', { type: 'OnIdle' }))[2], { status: 'Scheduled' });
  rig.csms.inbox = rig.csms.inbox.filter((f) => f[2] !== 'StatusNotification');
  const later = new Date(clock.now() + 3600000).toISOString();
  assert.deepEqual((await rig.csms.call('UpdateFirmware', request(22, { installDateTime: later })))[2], { status: 'AcceptedCanceled' });
  await sleep(1000);
  assert.equal(rig.station.availability.operative(2), false, 'the Reset still waits: EVSE 2 stays held');
  assert.deepEqual(rig.csms.pending('StatusNotification').map((f) => f[3].evseId + ':' + f[3].connectorStatus), [], 'EVSE 2 never became Available');
  rig.station.stop();
  rig.hw.stop();
});
