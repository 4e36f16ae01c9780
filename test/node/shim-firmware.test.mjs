// Firmware Management under the native host (build/ocpp-host with its optional members:
// libcurl, OpenSSL, firmware images with rollback) against the strict embedded CSMS, beside
// the simulator host on the same bundle: UpdateFirmware → Downloading … Installed after the
// restart; a new image that throws at load, or never reaches an Accepted BootNotification,
// is rolled back and the station reports InstallationFailed; the host killed (a power cut)
// at every step of an install still boots a bundle and ends the update cleanly;
// GetDiagnostics uploads the report to the CSMS. The simulator (which rolls back in
// memory, for its run) gets the same answers.
import { test, before } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost, hostBinary } from '../../firmware-shim/testing.mjs';
import { DEFAULT_BUNDLE } from '../../sim/host.mjs';
import { stationTests } from './lib/stations.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`shim-firmware skipped: ${shim.reason}\n`);
const it = shim.ok ? (name, fn) => test(name, { timeout: 120000 }, fn) : () => {};

const rig = stationTests('shim-firmware');
const dataDir = rig.dataDir;
const bundle = readFileSync(DEFAULT_BUNDLE);
let csms;

before(async () => {
  if (!shim.ok) return;
  csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5 });
});

function nativeStation(id, { env } = {}) {
  const host = startHost(DEFAULT_BUNDLE, ['--url', csms.url, '--id', id, '--data-dir', dataDir, '--scenario', 'idle'], { timeout: 100000, env });
  return host;
}

const simulatedStation = (id) => rig.start({ url: csms.url, id, connectors: 2, scenario: 'idle', duration: 0, reconnectMaxSeconds: 2 });

const statuses = (id, action) => csms.calls(id, action).map((p) => p.status);

function waitForStatus(id, action, status, { timeout = 30000, from = 0 } = {}) {
  return csms.waitFor((r) => r.station === id && r.seq >= from && r.type === 'CALL' && r.action === action && r.payload.status === status, { timeout, what: `${id} ${action} ${status}` });
}

async function updateFirmware(id, location) {
  assert.deepEqual(await csms.call(id, 'UpdateFirmware', { location, retrieveDate: new Date().toISOString(), retries: 0 }), {});
}

const firmwareFolder = (id) => join(dataDir, id, 'host-firmware');

it('UpdateFirmware: the native host downloads, checks and installs the image; the station restarts into it and reports Installed, as under the simulator', async () => {
  const location = csms.serveFile('firmware-next.js', bundle);
  const native = nativeStation('NFW-OK');
  const sim = await simulatedStation('SFW-OK');
  await Promise.all(['NFW-OK', 'SFW-OK'].map((id) => csms.waitForCall(id, 'StatusNotification', { timeout: 30000 })));
  await Promise.all(['NFW-OK', 'SFW-OK'].map((id) => updateFirmware(id, location)));
  await Promise.all(['NFW-OK', 'SFW-OK'].map((id) => waitForStatus(id, 'FirmwareStatusNotification', 'Installed', { timeout: 60000 })));
  assert.deepEqual(statuses('NFW-OK', 'FirmwareStatusNotification'), ['Downloading', 'Downloaded', 'Installing', 'Installed']);
  assert.deepEqual(statuses('NFW-OK', 'FirmwareStatusNotification'), statuses('SFW-OK', 'FirmwareStatusNotification'));
  assert.equal(csms.calls('NFW-OK', 'BootNotification').length, 2, 'a new boot after the install');
  await native.waitFor(/firmware downloaded and checked: \d+ bytes, sha256 [0-9a-f]{64}/);
  await native.waitFor(/booting the new image image-1 \(trial boot 1 of 3\)/);
  await native.waitFor(/image-1 reached an Accepted BootNotification/);
  const state = readFileSync(join(firmwareFolder('NFW-OK'), 'state'), 'utf8');
  assert.match(state, /^good=image-1\ntrial=\n/, 'confirmed: the new image is the one that boots from now on');
  assert.deepEqual(readFileSync(join(firmwareFolder('NFW-OK'), 'image-1')), bundle, 'the image is the file served, byte for byte');
  assert.deepEqual(csms.violations.filter((v) => v.station === 'NFW-OK'), []);
  await sim.stop(0);
  const n = await native.stop();
  assert.equal(n.code, 130, n.stdout);
});

it('UpdateFirmware: a file that is not a script, a missing file and an unreachable server end in DownloadFailed, with the reasons the simulator gives', async () => {
  const broken = csms.serveFile('broken.js', 'function ( { this is not JavaScript');
  const native = nativeStation('NFW-BAD');
  const sim = await simulatedStation('SFW-BAD');
  const ids = ['NFW-BAD', 'SFW-BAD'];
  await Promise.all(ids.map((id) => csms.waitForCall(id, 'StatusNotification', { timeout: 30000 })));
  for (const location of [broken, `${csms.httpUrl}/firmware/none.js`, 'http://127.0.0.1:9/firmware.js', 'ftp://127.0.0.1/firmware.js']) {
    const from = csms.records.length;
    await Promise.all(ids.map((id) => updateFirmware(id, location)));
    await Promise.all(ids.map((id) => waitForStatus(id, 'FirmwareStatusNotification', 'DownloadFailed', { from })));
  }
  await native.waitFor(/download failed \(not a script QuickJS can compile: SyntaxError/);
  await native.waitFor(/download failed \(HTTP 404\)/);
  await native.waitFor(/download failed \(ECONNREFUSED\)/);
  await native.waitFor(/download failed \(FTP is not supported/);
  assert.deepEqual(statuses('NFW-BAD', 'FirmwareStatusNotification'), statuses('SFW-BAD', 'FirmwareStatusNotification'));
  assert.ok(!existsSync(join(firmwareFolder('NFW-BAD'), 'staged')), 'nothing staged');
  await sim.stop(0);
  await native.stop();
});

it('rollback: a new image that throws at load is given up, the previous bundle boots again and reports InstallationFailed, under both hosts', async () => {
  const id = 'NFW-THROWS';
  const location = csms.serveFile('throws.js', 'throw new Error("this firmware is broken");');
  const native = nativeStation(id);
  const sim = await simulatedStation('SFW-THROWS');
  await Promise.all([id, 'SFW-THROWS'].map((i) => csms.waitForCall(i, 'StatusNotification', { timeout: 30000 })));
  await Promise.all([id, 'SFW-THROWS'].map((i) => updateFirmware(i, location)));
  await Promise.all([id, 'SFW-THROWS'].map((i) => waitForStatus(i, 'FirmwareStatusNotification', 'InstallationFailed', { timeout: 60000 })));
  assert.deepEqual(statuses(id, 'FirmwareStatusNotification'), ['Downloading', 'Downloaded', 'Installing', 'InstallationFailed']);
  assert.deepEqual(statuses('SFW-THROWS', 'FirmwareStatusNotification'), statuses(id, 'FirmwareStatusNotification'), 'the simulator rolls back too');
  await native.waitFor(/rolling back from image-1 to the factory bundle: the new firmware failed \(exit 70: the bundle threw while loading: Error: this firmware is broken/);
  await native.waitFor(/firmware: installation failed \(the new firmware failed \(exit 70/);
  assert.ok(sim.logs.some((l) => /firmware: installation failed \(the new firmware failed \(exit 70: the bundle threw while loading: Error: this firmware is broken/.test(l)), 'the same reason under the simulator');
  assert.equal(csms.calls(id, 'BootNotification').length, 2, 'the previous bundle booted again');
  assert.equal(csms.calls('SFW-THROWS', 'BootNotification').length, 2);
  assert.match(readFileSync(join(firmwareFolder(id), 'state'), 'utf8'), /^good=\ntrial=\nboots=0\nnext=2\nfailed=\n$/, 'confirmed back, the record cleared');
  assert.deepEqual(readdirSync(firmwareFolder(id)).filter((f) => f.startsWith('image-')), [], 'the broken image is gone');
  await sim.stop(0);
  await native.stop();
});

it('rollback: a new image that never reaches an Accepted BootNotification gets 3 boots, then the previous one boots again, under both hosts', async () => {
  const id = 'NFW-SILENT';
  // A bundle that boots and restarts at once, never talking to the CSMS.
  const location = csms.serveFile('silent.js', 'ocppHost.log(20, "silent firmware up"); ocppHost.timerStart(10, function () { ocppHost.restart(); });');
  const native = nativeStation(id);
  const sim = await simulatedStation('SFW-SILENT');
  await Promise.all([id, 'SFW-SILENT'].map((i) => csms.waitForCall(i, 'StatusNotification', { timeout: 30000 })));
  await Promise.all([id, 'SFW-SILENT'].map((i) => updateFirmware(i, location)));
  await Promise.all([id, 'SFW-SILENT'].map((i) => waitForStatus(i, 'FirmwareStatusNotification', 'InstallationFailed', { timeout: 60000 })));
  assert.equal(native.lines.filter((l) => l.text === 'silent firmware up').length, 3, 'three trial boots');
  assert.equal(sim.logs.filter((l) => l === 'silent firmware up').length, 3, 'three trial boots under the simulator');
  await native.waitFor(/rolling back from image-1 to the factory bundle: the new firmware did not reach an Accepted BootNotification in 3 boots/);
  assert.deepEqual(statuses(id, 'FirmwareStatusNotification'), ['Downloading', 'Downloaded', 'Installing', 'InstallationFailed']);
  assert.deepEqual(statuses('SFW-SILENT', 'FirmwareStatusNotification'), statuses(id, 'FirmwareStatusNotification'));
  await sim.stop(0);
  await native.stop();
});

it('UpdateFirmware with the flashed form, bytecode (ocpp-host --compile): checked by loading it, installed, booted; a corrupt bytecode file is refused', async () => {
  const id = 'NFW-BYTECODE';
  const compiled = join(dataDir, 'next.qjbc');
  const c = spawnSync(hostBinary(), [DEFAULT_BUNDLE, '--compile', compiled], { encoding: 'utf8' });
  assert.equal(c.status, 0, c.stdout + c.stderr);
  const bytecode = readFileSync(compiled);
  const corrupt = Buffer.concat([bytecode.subarray(0, 64), Buffer.alloc(256, 0xee)]);
  const native = nativeStation(id);
  await csms.waitForCall(id, 'StatusNotification', { timeout: 30000 });
  await updateFirmware(id, csms.serveFile('corrupt.qjbc', corrupt));
  await waitForStatus(id, 'FirmwareStatusNotification', 'DownloadFailed');
  await native.waitFor(/download failed \(not bytecode this host can load: /);
  const from = csms.records.length;
  await updateFirmware(id, csms.serveFile('next.qjbc', bytecode));
  await waitForStatus(id, 'FirmwareStatusNotification', 'Installed', { timeout: 60000, from });
  assert.deepEqual(statuses(id, 'FirmwareStatusNotification'), ['Downloading', 'DownloadFailed', 'Downloading', 'Downloaded', 'Installing', 'Installed']);
  assert.deepEqual(readFileSync(join(firmwareFolder(id), 'image-1')), bytecode, 'the bytecode is the image that boots');
  await native.waitFor(/image-1 reached an Accepted BootNotification/);
  await native.stop();
});

// A power cut at each step of an install (and of the boots after it): the host is killed
// there, started again, and must boot a bundle that ends the update with a final status.
// At confirm-state the cut comes after the Accepted BootNotification of the new image and
// before its Installed was answered: the bundle keeps the update's record (with its outcome)
// until the CSMS has answered the final status, so the confirmed new image reports Installed
// at the next boot (never InstallationFailed).
const CRASH_STEPS = [
  { step: 'download-fetched', expect: ['Installed'], good: 'image-1' }, // the update starts over at the boot: downloads again
  { step: 'install-renamed', expect: ['InstallationFailed'], good: '' }, // the state still names the old image
  { step: 'install-state', expect: ['Installed'], good: 'image-1' }, // the new image is on trial: it boots
  { step: 'boot-counted', expect: ['Installed'], good: 'image-1' }, // the trial boot is counted, then the cut
  { step: 'confirm-state', expect: ['Installed'], good: 'image-1' }, // confirmed, the old image not yet removed; Installed not yet answered
  // a new image that throws at load: cut once the rollback is written, before the old one boots
  { step: 'rollback-state', expect: ['InstallationFailed'], good: '', image: 'throw new Error("broken");' },
];
const stateOf = (id) => (existsSync(join(firmwareFolder(id), 'state')) ? readFileSync(join(firmwareFolder(id), 'state'), 'utf8') : '');
for (const { step, expect, good, image = bundle } of CRASH_STEPS) {
  it(`power cut at ${step}: the host starts again on a bootable bundle, image ${good || 'factory'} boots, final status ${expect.join() || 'none'}`, async () => {
    const id = `NFW-CUT-${step}`;
    const location = csms.serveFile(`cut-${step}.js`, image);
    const first = nativeStation(id, { env: { ...process.env, OCPP_HOST_CRASH_AT: step } });
    await csms.waitForCall(id, 'StatusNotification', { timeout: 30000 });
    await updateFirmware(id, location);
    const cut = await first.exited;
    assert.equal(cut.signal, 'SIGKILL', `killed at ${step}: ${cut.stdout}`);
    assert.ok(cut.lines.some((l) => l.text.includes(`OCPP_HOST_CRASH_AT=${step}`)));
    const boots = csms.calls(id, 'BootNotification').length;
    const again = nativeStation(id);
    await csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'StatusNotification' && csms.calls(id, 'BootNotification').length > boots, { timeout: 30000, what: `${id} up again` });
    if (expect.length) await waitForStatus(id, 'FirmwareStatusNotification', expect[0], { timeout: 30000 });
    else await new Promise((resolve) => setTimeout(resolve, 1500));
    const final = statuses(id, 'FirmwareStatusNotification').filter((s) => s === 'Installed' || s === 'InstallationFailed');
    assert.deepEqual(final, expect, 'the final status');
    const state = stateOf(id);
    if (state || good) assert.match(state, new RegExp(`^good=${good}\ntrial=\n`), `no trial left once the station is up: ${state}`);
    const images = readdirSync(firmwareFolder(id)).filter((f) => f.startsWith('image-'));
    assert.deepEqual(images, good ? [good] : images, 'the image that boots is there');
    const n = await again.stop();
    assert.equal(n.code, 130, n.stdout);
  });
}

it('GetDiagnostics: the native host PUTs the report to the CSMS under the name it gave, Uploading then Uploaded', async () => {
  const id = 'NFW-DIAG';
  const native = nativeStation(id);
  await csms.waitForCall(id, 'StatusNotification', { timeout: 30000 });
  const answer = await csms.call(id, 'GetDiagnostics', { location: csms.diagnosticsUrl });
  assert.match(answer.fileName, new RegExp(`^diagnostics-${id}-`));
  await waitForStatus(id, 'DiagnosticsStatusNotification', 'Uploaded');
  assert.deepEqual(statuses(id, 'DiagnosticsStatusNotification'), ['Uploading', 'Uploaded']);
  const file = csms.uploads.find((u) => u.name === answer.fileName);
  assert.ok(file, 'uploaded under the name it gave');
  const report = JSON.parse(file.text);
  assert.equal(report.station, id);
  assert.equal(report.host, 'posix');
  assert.equal(file.size, Buffer.byteLength(file.text));
  // FTP is refused clearly, as on the simulator.
  const from = csms.records.length;
  await csms.call(id, 'GetDiagnostics', { location: 'ftp://127.0.0.1/diagnostics/', retries: 0 });
  await waitForStatus(id, 'DiagnosticsStatusNotification', 'UploadFailed', { from });
  await native.waitFor(/diagnostics upload failed \(FTP is not supported: this host transfers over http and https only, not ftp:\)/);
  await native.stop();
});
