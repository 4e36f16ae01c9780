// @memory-limit 2097152
// SignedUpdateFirmware through the station, on a fake host whose crypto and firmware members
// are scripted: a "certificate" is trusted when the trusted text names its issuer, and the
// signature "GOOD" is the one that matches the image. Covers the whole status sequence with
// requestId, the restart and Installed after it, the refusals (untrusted signing
// certificate, no manufacturer root, a host without crypto, a bad signature) with their
// security events, AcceptedCanceled, installDateTime and the wait for a transaction.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { FakeHost } from '../../../lib/fake-host';
import { makeStation, startOnline, startCharging, powerCut, Rig } from '../lib/station-harness';

const KEY = 'sixteen-chars-pw'; // security profile 1: security events are sent
const ROOT = 'FAKE ROOT maker-root';
const SIGNING = 'FAKE CERT issued-by:maker-root';
const FOREIGN = 'FAKE CERT issued-by:someone-else';

interface Scripted {
  downloads: string[];
  installs: number;
  verified: string[];
}

/** Gives the fake host the crypto and firmware members; transfers answer 100 ms later. */
function scriptedHost(t: Scripted): (host: FakeHost) => void {
  return (h) => {
    const host = h as any;
    host.cryptoCreateCsr = (_request: string, cb: (r: string) => void) => cb(JSON.stringify({ error: 'not in this test' }));
    host.cryptoCertificateInfo = () => JSON.stringify({ error: 'not in this test' });
    host.cryptoVerifyChain = (chain: string, trusted: string) => {
      const issuer = /issued-by:(\S+)/.exec(chain);
      return JSON.stringify(issuer && trusted.indexOf(issuer[1]) >= 0 ? { ok: true } : { ok: false, error: 'not signed by a trusted root' });
    };
    host.firmwareDownload = (url: string, cb: any) => {
      t.downloads.push(url);
      clock.schedule(100, () => cb.ondone(JSON.stringify({ size: 1234, sha256: 'abcd' })));
    };
    host.firmwareVerifySignature = (certificate: string, signature: string, cb: any) => {
      t.verified.push(certificate);
      clock.schedule(100, () => (signature === 'GOOD' ? cb.ondone('{}') : cb.onerror('the signature does not match the firmware image')));
    };
    host.firmwareInstall = (cb: any) => {
      t.installs++;
      clock.schedule(100, () => cb.ondone('{}'));
    };
  };
}

/** A station with the manufacturer root installed (its certificate store file), online. */
async function onlineWithRoot(t: Scripted, files?: { [name: string]: string }): Promise<Rig> {
  const store = files || { 'certificates.json': JSON.stringify({ installed: [{ type: 'ManufacturerRootCertificate', pem: ROOT }], chargePoint: null, pendingKeyId: '' }) };
  const rig = makeStation({ password: KEY }, store, scriptedHost(t));
  rig.csms.autoAnswer.SecurityEventNotification = () => ({});
  rig.csms.autoAnswer.SignedFirmwareStatusNotification = () => ({});
  await startOnline(rig);
  return rig;
}

function request(requestId: number, signature: string, extra: { [k: string]: any } = {}, certificate: string = SIGNING): any {
  const firmware: any = { location: 'http://csms/fw-' + requestId + '.js', retrieveDateTime: new Date(clock.now()).toISOString(), signingCertificate: certificate, signature };
  if (extra.installDateTime) firmware.installDateTime = extra.installDateTime;
  if (extra.retrieveDateTime) firmware.retrieveDateTime = extra.retrieveDateTime;
  return { requestId, firmware };
}

/** The next `count` SignedFirmwareStatusNotifications, as "status/requestId". */
async function statuses(rig: Rig, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = (await rig.csms.next('SignedFirmwareStatusNotification', 300000))[3];
    out.push(p.status + '/' + p.requestId);
  }
  return out;
}

async function securityEvents(rig: Rig, type: string): Promise<any[]> {
  await sleep(1000);
  return rig.csms.inbox.filter((f) => f[0] === 2 && f[2] === 'SecurityEventNotification' && f[3].type === type).map((f) => f[3]);
}

test('accepted: DownloadScheduled until retrieveDateTime, then Downloading … SignatureVerified, Installing, InstallRebooting, restart; Installed and FirmwareUpdated after the boot', async () => {
  const t: Scripted = { downloads: [], installs: 0, verified: [] };
  const rig = await onlineWithRoot(t);
  const later = new Date(clock.now() + 60000).toISOString();
  assert.deepEqual((await rig.csms.call('SignedUpdateFirmware', request(7, 'GOOD', { retrieveDateTime: later })))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(rig, 1), ['DownloadScheduled/7']);
  await sleep(59000);
  assert.equal(t.downloads.length, 0, 'waits for retrieveDateTime');
  assert.deepEqual(await statuses(rig, 5), ['Downloading/7', 'Downloaded/7', 'SignatureVerified/7', 'Installing/7', 'InstallRebooting/7']);
  assert.deepEqual(t.verified, [SIGNING], 'the host checked the image with the signing certificate');
  await sleep(2000);
  assert.equal(t.installs, 1);
  assert.equal(rig.host.restarts, 1, 'restarted into the new firmware');

  const next = await onlineWithRoot(t, rig.host.files);
  assert.deepEqual(await statuses(next, 1), ['Installed/7']);
  const updated = await securityEvents(next, 'FirmwareUpdated');
  assert.equal(updated.length, 1);
  assert.equal(next.host.files['signed-firmware-update.json'], undefined);
  await next.csms.call('ExtendedTriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
  assert.deepEqual((await next.csms.next('SignedFirmwareStatusNotification'))[3], { status: 'Idle' }, 'nothing going on any more');
});

test('a retrieveDateTime / installDateTime of the CSMS\'s "now", which reads a little ahead on the station\'s clock (set without transit time): no DownloadScheduled / InstallScheduled', async () => {
  const t: Scripted = { downloads: [], installs: 0, verified: [] };
  const rig = await onlineWithRoot(t);
  const csmsNow = new Date(clock.now() + 1500).toISOString(); // within the 2 s tolerance
  await rig.csms.call('SignedUpdateFirmware', request(11, 'GOOD', { retrieveDateTime: csmsNow, installDateTime: csmsNow }));
  assert.deepEqual(await statuses(rig, 5), ['Downloading/11', 'Downloaded/11', 'SignatureVerified/11', 'Installing/11', 'InstallRebooting/11']);
  await sleep(2000);
  assert.equal(t.installs, 1);
  // Beyond the tolerance it is a scheduled download.
  const next = await onlineWithRoot(t, rig.host.files);
  assert.deepEqual(await statuses(next, 1), ['Installed/11']);
  await next.csms.call('SignedUpdateFirmware', request(12, 'GOOD', { retrieveDateTime: new Date(clock.now() + 3000).toISOString() }));
  assert.deepEqual(await statuses(next, 2), ['DownloadScheduled/12', 'Downloading/12']);
});

test('a power cut after the boot into the new image, before the CSMS answered Installed: the next boot reports Installed again (FirmwareUpdated once); the record goes once it is answered', async () => {
  const t: Scripted = { downloads: [], installs: 0, verified: [] };
  const rig = await onlineWithRoot(t);
  await rig.csms.call('SignedUpdateFirmware', request(8, 'GOOD'));
  assert.deepEqual(await statuses(rig, 5), ['Downloading/8', 'Downloaded/8', 'SignatureVerified/8', 'Installing/8', 'InstallRebooting/8']);
  await sleep(2000);
  assert.equal(rig.host.restarts, 1);

  const next = makeStation({ password: KEY }, rig.host.files, scriptedHost(t));
  next.csms.autoAnswer.SecurityEventNotification = () => ({});
  next.csms.autoAnswer.SignedFirmwareStatusNotification = () => undefined; // the power goes before the answer
  await startOnline(next);
  assert.deepEqual(await statuses(next, 1), ['Installed/8']);
  const files = powerCut(next);
  assert.ok(files['signed-firmware-update.json'], 'the record stays until the CSMS has answered Installed');

  const third = await onlineWithRoot(t, files);
  assert.deepEqual(await statuses(third, 1), ['Installed/8']);
  assert.equal((await securityEvents(third, 'FirmwareUpdated')).length, 1, 'the event raised at the first boot (kept in its outbox), not raised again');
  assert.equal(third.host.files['signed-firmware-update.json'], undefined, 'answered: the record is gone');
  assert.deepEqual((await third.csms.call('SignedUpdateFirmware', request(9, 'GOOD')))[2], { status: 'Accepted' }, 'a new request is not refused meanwhile');
});

test('refused: a signing certificate from no installed root (InvalidCertificate, event), none installed, a host without crypto or signature checks (Rejected)', async () => {
  const t: Scripted = { downloads: [], installs: 0, verified: [] };
  const rig = await onlineWithRoot(t);
  assert.deepEqual((await rig.csms.call('SignedUpdateFirmware', request(1, 'GOOD', {}, FOREIGN)))[2], { status: 'InvalidCertificate' });
  const events = await securityEvents(rig, 'InvalidFirmwareSigningCertificate');
  assert.equal(events.length, 1);
  assert.match(events[0].techInfo, /trusted root/);

  const bare = makeStation({ password: KEY }, {}, scriptedHost(t));
  bare.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline(bare);
  assert.deepEqual((await bare.csms.call('SignedUpdateFirmware', request(2, 'GOOD')))[2], { status: 'InvalidCertificate' }, 'no ManufacturerRootCertificate');

  const noSignatures = makeStation({ password: KEY }, {}, (host) => {
    scriptedHost(t)(host);
    delete (host as any).firmwareVerifySignature;
  });
  await startOnline(noSignatures);
  assert.deepEqual((await noSignatures.csms.call('SignedUpdateFirmware', request(3, 'GOOD')))[2], { status: 'Rejected' }, 'the host cannot check signatures');

  const noCrypto = makeStation({ password: KEY });
  noCrypto.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline(noCrypto);
  assert.deepEqual((await noCrypto.csms.call('SignedUpdateFirmware', request(3, 'GOOD')))[2], { status: 'Rejected' });
  await sleep(5000);
  assert.equal(t.downloads.length, 0, 'nothing downloaded');
  assert.equal(rig.csms.pending('SignedFirmwareStatusNotification').length, 0);
});

test('a bad signature: InvalidSignature and the InvalidFirmwareSignature event; nothing installed', async () => {
  const t: Scripted = { downloads: [], installs: 0, verified: [] };
  const rig = await onlineWithRoot(t);
  assert.deepEqual((await rig.csms.call('SignedUpdateFirmware', request(4, 'FORGED')))[2], { status: 'Accepted' });
  assert.deepEqual(await statuses(rig, 3), ['Downloading/4', 'Downloaded/4', 'InvalidSignature/4']);
  const events = await securityEvents(rig, 'InvalidFirmwareSignature');
  assert.equal(events.length, 1);
  await sleep(5000);
  assert.equal(t.installs, 0);
  assert.equal(rig.host.restarts, 0);
  assert.equal(rig.host.files['signed-firmware-update.json'], undefined);
});

test('a second request cancels a waiting one (AcceptedCanceled); installDateTime and a running transaction hold the install back', async () => {
  const t: Scripted = { downloads: [], installs: 0, verified: [] };
  const rig = await onlineWithRoot(t);
  const later = new Date(clock.now() + 3600000).toISOString();
  await rig.csms.call('SignedUpdateFirmware', request(10, 'GOOD', { retrieveDateTime: later }));
  assert.deepEqual(await statuses(rig, 1), ['DownloadScheduled/10']);
  await startCharging(rig, 1);
  const installAt = new Date(clock.now() + 120000).toISOString();
  assert.deepEqual((await rig.csms.call('SignedUpdateFirmware', request(11, 'GOOD', { installDateTime: installAt })))[2], { status: 'AcceptedCanceled' });
  assert.deepEqual(await statuses(rig, 4), ['Downloading/11', 'Downloaded/11', 'SignatureVerified/11', 'InstallScheduled/11']);
  assert.deepEqual(t.downloads, ['http://csms/fw-11.js'], 'the canceled update never downloads');
  await sleep(180000);
  assert.equal(t.installs, 0, 'not while charging');
  await rig.station.presentIdTag(1, 'TAG');
  await rig.csms.next('StopTransaction');
  assert.deepEqual(await statuses(rig, 2), ['Installing/11', 'InstallRebooting/11']);
  await sleep(2000);
  assert.equal(t.installs, 1);
  assert.equal(rig.host.restarts, 1);
  await sleep(3600000);
  assert.deepEqual(t.downloads, ['http://csms/fw-11.js'], 'still only the second one');
});
