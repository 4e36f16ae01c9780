// Firmware Management through the station: UpdateFirmware (retrieveDate, retries,
// retryInterval, install after the transactions, restart, Installed after the boot),
// GetDiagnostics (upload, retries), TriggerMessage of both status notifications, and a
// host without the optional ABI members (the flows end in DownloadFailed / UploadFailed).
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline, startCharging, powerCut, Rig } from '../lib/station-harness';
import { FakeHost } from '../../../lib/fake-host';

interface FakeTransfers {
  downloads: string[];
  installs: number;
  uploads: { location: string; fileName: string; data: string }[];
  /** Outcome of the next downloads / uploads, in order ('' = success); success once empty. */
  downloadErrors: string[];
  uploadErrors: string[];
}

/** Gives the fake host the optional firmware members; each answers 100 ms later. */
function withTransfers(rig: Rig): FakeTransfers {
  const t: FakeTransfers = { downloads: [], installs: 0, uploads: [], downloadErrors: [], uploadErrors: [] };
  const host = rig.host as any;
  host.firmwareDownload = (url: string, cb: any) => {
    t.downloads.push(url);
    const error = t.downloadErrors.shift();
    clock.schedule(100, () => (error ? cb.onerror(error) : cb.ondone(JSON.stringify({ size: 1234, sha256: 'abcd' }))));
  };
  host.firmwareInstall = (cb: any) => {
    t.installs++;
    clock.schedule(100, () => cb.ondone('{}'));
  };
  host.diagnosticsUpload = (location: string, fileName: string, data: string, cb: any) => {
    t.uploads.push({ location, fileName, data });
    const error = t.uploadErrors.shift();
    clock.schedule(100, () => (error ? cb.onerror(error) : cb.ondone('{}')));
  };
  return t;
}

async function statuses(rig: Rig, action: string, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await rig.csms.next(action, 300000))[3].status);
  return out;
}

test('UpdateFirmware: nothing before retrieveDate; then Downloading, Downloaded, Installing, a restart, and Installed after the boot', async () => {
  const rig = makeStation();
  const t = withTransfers(rig);
  await startOnline(rig);
  assert.deepEqual((await rig.csms.call('UpdateFirmware', { location: 'http://csms/fw.js', retrieveDate: new Date(clock.now() + 60000).toISOString() }))[2], {});
  await sleep(59000);
  assert.equal(rig.csms.pending('FirmwareStatusNotification').length, 0, 'waits for retrieveDate');
  assert.deepEqual(await statuses(rig, 'FirmwareStatusNotification', 3), ['Downloading', 'Downloaded', 'Installing']);
  assert.deepEqual(t.downloads, ['http://csms/fw.js']);
  await sleep(2000);
  assert.equal(t.installs, 1);
  assert.equal(rig.host.restarts, 1, 'restarted into the new firmware');
  const next = makeStation({}, rig.host.files);
  await startOnline(next);
  assert.deepEqual(await statuses(next, 'FirmwareStatusNotification', 1), ['Installed']);
  await next.csms.call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
  assert.deepEqual(await statuses(next, 'FirmwareStatusNotification', 1), ['Idle'], 'nothing going on any more');
  assert.equal(next.host.files['firmware-update.json'], undefined);
});

test('UpdateFirmware on a host with rollback: the new image on trial reports Installed and confirms its boot once online; a rolled-back one reports InstallationFailed with the reason', async () => {
  for (const outcome of [{ trial: true, rolledBack: '' }, { trial: false, rolledBack: 'the new firmware failed (exit 70: boom)' }]) {
    const rig = makeStation();
    withTransfers(rig);
    await startOnline(rig);
    await rig.csms.call('UpdateFirmware', { location: 'http://csms/fw.js', retrieveDate: new Date(clock.now()).toISOString() });
    assert.deepEqual(await statuses(rig, 'FirmwareStatusNotification', 3), ['Downloading', 'Downloaded', 'Installing']);
    await sleep(2000);
    assert.equal(rig.host.restarts, 1);
    const next = makeStation({}, rig.host.files);
    const host = next.host as any;
    let confirms = 0;
    host.firmwareState = () => JSON.stringify(outcome);
    host.firmwareConfirm = () => confirms++;
    await startOnline(next);
    assert.deepEqual(await statuses(next, 'FirmwareStatusNotification', 1), [outcome.trial ? 'Installed' : 'InstallationFailed']);
    assert.equal(confirms, 1, 'the boot is confirmed once the BootNotification is Accepted');
    if (!outcome.trial) assert.ok(next.host.logs.some((l) => l.text.indexOf('installation failed (the new firmware failed (exit 70: boom))') >= 0), 'the reason is logged');
  }
});

test('UpdateFirmware: a power cut after the host installed but before it said so — the new image on trial still reports Installed', async () => {
  const rig = makeStation();
  withTransfers(rig);
  await startOnline(rig);
  rig.host.files['firmware-update.json'] = JSON.stringify({ location: 'http://csms/fw.js', retrieveAt: clock.now(), retriesLeft: 0, retryIntervalS: 60, phase: 'Installing' });
  const next = makeStation({}, rig.host.files);
  (next.host as any).firmwareState = () => JSON.stringify({ trial: true, rolledBack: '' });
  (next.host as any).firmwareConfirm = () => {};
  await startOnline(next);
  assert.deepEqual(await statuses(next, 'FirmwareStatusNotification', 1), ['Installed']);
});

test('UpdateFirmware: a power cut after the boot into the new image, before the CSMS answered Installed — the next boot reports Installed again; the record goes once it is answered', async () => {
  const rig = makeStation();
  withTransfers(rig);
  await startOnline(rig);
  await rig.csms.call('UpdateFirmware', { location: 'http://csms/fw.js', retrieveDate: new Date(clock.now()).toISOString() });
  assert.deepEqual(await statuses(rig, 'FirmwareStatusNotification', 3), ['Downloading', 'Downloaded', 'Installing']);
  await sleep(2000);
  assert.equal(rig.host.restarts, 1);
  // The host's rollback state outlives the power cut: on trial until the first confirm.
  let confirms = 0;
  const rollbackHost = (host: FakeHost) => {
    (host as any).firmwareState = () => JSON.stringify({ trial: confirms === 0, rolledBack: '' });
    (host as any).firmwareConfirm = () => confirms++;
  };
  const next = makeStation({}, rig.host.files, rollbackHost);
  next.csms.autoAnswer.FirmwareStatusNotification = () => undefined; // the power goes before the answer
  await startOnline(next);
  assert.deepEqual(await statuses(next, 'FirmwareStatusNotification', 1), ['Installed']);
  assert.equal(confirms, 1);
  const files = powerCut(next);
  assert.ok(files['firmware-update.json'], 'the record stays until the CSMS has answered Installed');

  const third = makeStation({}, files, rollbackHost);
  await startOnline(third);
  assert.deepEqual(await statuses(third, 'FirmwareStatusNotification', 1), ['Installed'], 'the new image (confirmed now) still reports Installed');
  await sleep(1000);
  assert.equal(third.host.files['firmware-update.json'], undefined, 'answered: the record is gone');
  const fourth = makeStation({}, powerCut(third), rollbackHost);
  await startOnline(fourth);
  await sleep(5000);
  assert.equal(fourth.csms.pending('FirmwareStatusNotification').length, 0, 'told once answered, not again');
});

test('UpdateFirmware retries: a failed download is tried again retryInterval later, retries times; then DownloadFailed', async () => {
  const rig = makeStation();
  const t = withTransfers(rig);
  await startOnline(rig);
  t.downloadErrors = ['HTTP 503', 'HTTP 503'];
  await rig.csms.call('UpdateFirmware', { location: 'http://csms/fw.js', retrieveDate: new Date(clock.now()).toISOString(), retries: 2, retryInterval: 30 });
  assert.deepEqual(await statuses(rig, 'FirmwareStatusNotification', 4), ['Downloading', 'Downloading', 'Downloading', 'Downloaded']);
  assert.equal(t.downloads.length, 3);
  await statuses(rig, 'FirmwareStatusNotification', 1); // Installing
  await sleep(5000);

  const other = makeStation();
  const t2 = withTransfers(other);
  await startOnline(other);
  t2.downloadErrors = ['HTTP 404', 'HTTP 404'];
  const started = clock.now();
  await other.csms.call('UpdateFirmware', { location: 'http://csms/none.js', retrieveDate: new Date(clock.now()).toISOString(), retries: 1, retryInterval: 20 });
  assert.deepEqual(await statuses(other, 'FirmwareStatusNotification', 3), ['Downloading', 'Downloading', 'DownloadFailed']);
  assert.ok(clock.now() - started >= 20000, 'the retry waited retryInterval');
  assert.equal(t2.installs, 0);
  assert.equal(other.host.restarts, 0);
});

test('the install waits until no transaction runs', async () => {
  const rig = makeStation();
  const t = withTransfers(rig);
  await startOnline(rig);
  await startCharging(rig, 1);
  await rig.csms.call('UpdateFirmware', { location: 'http://csms/fw.js', retrieveDate: new Date(clock.now()).toISOString() });
  assert.deepEqual(await statuses(rig, 'FirmwareStatusNotification', 2), ['Downloading', 'Downloaded']);
  await sleep(60000);
  assert.equal(t.installs, 0, 'not while charging');
  assert.equal(rig.csms.pending('FirmwareStatusNotification').length, 0);
  await rig.station.presentIdTag(1, 'TAG');
  await rig.csms.next('StopTransaction');
  assert.deepEqual(await statuses(rig, 'FirmwareStatusNotification', 1), ['Installing']);
  await sleep(2000);
  assert.equal(t.installs, 1);
  assert.equal(rig.host.restarts, 1);
});

test('GetDiagnostics: a fileName at once, then Uploading (also when triggered) and Uploaded; the file holds the station state without secrets; retries', async () => {
  const rig = makeStation();
  const t = withTransfers(rig);
  await startOnline(rig);
  t.uploadErrors = ['connection refused'];
  const answer = (await rig.csms.call('GetDiagnostics', { location: 'http://csms/uploads/', retries: 1, retryInterval: 10 }))[2];
  assert.match(answer.fileName, /^diagnostics-CP-T-\d{8}T\d{6}Z\.json$/);
  assert.deepEqual(await statuses(rig, 'DiagnosticsStatusNotification', 1), ['Uploading']);
  await rig.csms.call('TriggerMessage', { requestedMessage: 'DiagnosticsStatusNotification' });
  assert.deepEqual(await statuses(rig, 'DiagnosticsStatusNotification', 1), ['Uploading'], 'triggered while busy');
  assert.deepEqual(await statuses(rig, 'DiagnosticsStatusNotification', 2), ['Uploading', 'Uploaded'], 'the retry after 10 s');
  assert.equal(t.uploads.length, 2);
  assert.equal(t.uploads[1].fileName, answer.fileName);
  assert.equal(t.uploads[1].location, 'http://csms/uploads/');
  const report = JSON.parse(t.uploads[1].data);
  assert.equal(report.station, 'CP-T');
  assert.equal(report.connectors.length, 2);
  assert.ok(report.configuration.length > 20);
  // Every key as GetConfiguration lists it (a write-only key without its value), in its order.
  const listed = (await rig.csms.call('GetConfiguration', {}))[2];
  assert.deepEqual(report.configuration, listed.configurationKey);
  assert.ok(report.configuration.some((k: { key: string; value?: string }) => k.key === 'AuthorizationKey' && k.value === undefined), 'a write-only key listed without its value');
  await rig.csms.call('TriggerMessage', { requestedMessage: 'DiagnosticsStatusNotification' });
  assert.deepEqual(await statuses(rig, 'DiagnosticsStatusNotification', 1), ['Idle']);
});

test('a host without the optional firmware members: DownloadFailed and UploadFailed, each with a log line that says why', async () => {
  const rig = makeStation();
  await startOnline(rig);
  await rig.csms.call('UpdateFirmware', { location: 'http://csms/fw.js', retrieveDate: new Date(clock.now()).toISOString(), retries: 0 });
  assert.deepEqual(await statuses(rig, 'FirmwareStatusNotification', 2), ['Downloading', 'DownloadFailed']);
  assert.ok(rig.host.logs.some((l) => /firmware: download failed \(this host has no firmwareDownload/.test(l.text)), 'logged');
  await rig.csms.call('GetDiagnostics', { location: 'http://csms/uploads/', retries: 0 });
  assert.deepEqual(await statuses(rig, 'DiagnosticsStatusNotification', 2), ['Uploading', 'UploadFailed']);
  assert.ok(rig.host.logs.some((l) => /diagnostics upload failed \(this host has no diagnosticsUpload/.test(l.text)));
  assert.equal(rig.host.restarts, 0);
});

test('an update waiting for its retrieveDate survives a reboot; a newer UpdateFirmware replaces it', async () => {
  const rig = makeStation();
  withTransfers(rig);
  await startOnline(rig);
  await rig.csms.call('UpdateFirmware', { location: 'http://csms/old.js', retrieveDate: new Date(clock.now() + 3600000).toISOString() });
  await rig.csms.call('UpdateFirmware', { location: 'http://csms/new.js', retrieveDate: new Date(clock.now() + 7200000).toISOString() });
  rig.station.stop();
  const next = makeStation({}, rig.host.files);
  const t = withTransfers(next);
  await startOnline(next);
  await sleep(3700000);
  assert.deepEqual(t.downloads, [], 'the older one was replaced');
  await sleep(3600000);
  assert.deepEqual(t.downloads, ['http://csms/new.js']);
});
