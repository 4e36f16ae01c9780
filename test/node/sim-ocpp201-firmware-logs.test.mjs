// OCPP 2.0.1 blocks L, N and P end to end: dist/simulator-201.min.js on the simulator host
// against the strict embedded CSMS in 2.0.1 mode (every message validated both ways against
// the 2.0.1 schemas). UpdateFirmware without a signing certificate (L02): the host downloads
// the image the CSMS serves, installs it, the station restarts into it and reports Installed
// after a BootNotification with reason FirmwareUpdate; a signed one is InvalidCertificate
// (no ManufacturerRootCertificate installed). GetLog: both logs land at the CSMS under the
// names given, with Uploading / Uploaded. DataTransfer: UnknownVendorId without a handler.
// The update's and the upload's flows (and the device model's reports, block M's certificate
// actions) are parts of the flashed bundles (src/lib/parts.ts): loaded on the request, in the
// native host too, and let go once over; test/node/sim-ocpp201-device-model.test.mjs has the
// reports' answers, sim-ocpp201-security.test.mjs the certificates'.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, FIRMWARE_201, SIMULATOR_201, minifiedName } from '../../build/build.mjs';
import { readParts, mainSection } from '../../sim/bundle-parts.mjs';
import { dictionaryPath, loggedTexts, parseDictionary } from '../../sim/log-dictionary.mjs';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { stationTests, within } from './lib/stations.mjs';

const BUNDLE = fileURLToPath(new URL('../../dist/simulator-201.min.js', import.meta.url));
const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`sim-ocpp201-firmware-logs: the native host's test skipped: ${shim.reason}\n`);
const native = shim.ok ? test : test.skip;
const rig = stationTests('sim-ocpp201-firmware-logs');
let csms;

before(async () => {
  csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5 });
});

async function startStation(id) {
  const station = await rig.start({ url: csms.url, id, connectors: 1, scenario: 'none', duration: 0, reconnectMaxSeconds: 1 }, { bundle: BUNDLE });
  await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 5000 }));
  return station;
}

const calls = (id, action) => csms.records.filter((r) => r.station === id && r.type === 'CALL' && r.action === action).map((r) => r.payload);

function waitForCall(station, id, action, test, what) {
  return within(station, csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === action && test(r.payload), { timeout: 15000, what }));
}

test('UpdateFirmware (L02): downloaded, installed, the restart into the new image with BootNotification reason FirmwareUpdate, Installed with the requestId; a signed one InvalidCertificate', async () => {
  const id = 'FW-201';
  const station = await startStation(id);
  const location = csms.serveFile('fw-201.js', readFileSync(BUNDLE));
  const signed = { requestId: 9, firmware: { location, retrieveDateTime: new Date().toISOString(), signingCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', signature: 'AAAA' } };
  assert.deepEqual(await csms.call(id, 'UpdateFirmware', signed), { status: 'InvalidCertificate' });
  const request = { requestId: 10, retries: 0, firmware: { location, retrieveDateTime: new Date().toISOString() } };
  assert.deepEqual(await csms.call(id, 'UpdateFirmware', request), { status: 'Accepted' });
  await waitForCall(station, id, 'FirmwareStatusNotification', (p) => p.status === 'Installed', 'Installed');
  assert.deepEqual(
    calls(id, 'FirmwareStatusNotification'),
    ['Downloading', 'Downloaded', 'Installing', 'InstallRebooting', 'Installed'].map((status) => ({ status, requestId: 10 }))
  );
  assert.deepEqual(calls(id, 'BootNotification').map((b) => b.reason), ['PowerUp', 'FirmwareUpdate']);
  assert.equal(station.stats.restarts, 1);
  assert.deepEqual(csms.downloads.map((d) => d.name), ['fw-201.js']);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});

test('GetLog: the DiagnosticsLog and the SecurityLog land at the CSMS under the names given, Uploading / Uploaded with the requestId; DataTransfer UnknownVendorId', async () => {
  const id = 'LOG-201';
  const station = await startStation(id);
  const diagnostics = await csms.call(id, 'GetLog', { requestId: 3, logType: 'DiagnosticsLog', log: { remoteLocation: csms.diagnosticsUrl } });
  assert.equal(diagnostics.status, 'Accepted');
  await waitForCall(station, id, 'LogStatusNotification', (p) => p.status === 'Uploaded' && p.requestId === 3, 'Uploaded 3');
  const security = await csms.call(id, 'GetLog', { requestId: 4, logType: 'SecurityLog', log: { remoteLocation: csms.diagnosticsUrl } });
  assert.equal(security.status, 'Accepted');
  await waitForCall(station, id, 'LogStatusNotification', (p) => p.status === 'Uploaded' && p.requestId === 4, 'Uploaded 4');
  assert.deepEqual(calls(id, 'LogStatusNotification'), [{ status: 'Uploading', requestId: 3 }, { status: 'Uploaded', requestId: 3 }, { status: 'Uploading', requestId: 4 }, { status: 'Uploaded', requestId: 4 }]);
  const byName = (name) => csms.uploads.find((u) => u.name === name);
  const report = JSON.parse(byName(diagnostics.filename).text);
  assert.equal(report.station, id);
  assert.equal(report.evses.length, 1);
  assert.match(byName(security.filename).text, /StartupOfTheDevice/);
  assert.deepEqual(await csms.call(id, 'DataTransfer', { vendorId: 'com.example', messageId: 'x' }), { status: 'UnknownVendorId' });
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});

test('the flashed 2.0.1 bundles carry the update\'s and the upload\'s flows, the transfer flow both run on, the device model\'s reports and block M\'s certificate actions as parts behind their own code (firmware-201, log-upload-201, transfer, reports-201, certificates-201); the unminified twins keep them resident', () => {
  for (const out of [FIRMWARE_201.out, SIMULATOR_201.out]) {
    const bytes = readFileSync(join(root, minifiedName(out)));
    const layout = readParts(bytes);
    assert.ok(layout && ['firmware-201', 'log-upload-201', 'transfer', 'reports-201', 'certificates-201'].every((name) => layout.parts[name]), `${minifiedName(out)} has the five parts`);
    // A section and the texts of the log codes it calls (the bundle's log dictionary: build/log-dictionary.mjs).
    const dictionary = parseDictionary(readFileSync(dictionaryPath(join(root, minifiedName(out))), 'utf8'));
    const withLogTexts = (code) => code + '\n' + loggedTexts(code, dictionary).join('\n');
    const main = withLogTexts(mainSection(bytes).toString('utf8'));
    const part = (name) => withLogTexts(bytes.subarray(layout.parts[name][0], layout.parts[name][0] + layout.parts[name][1]).toString('utf8'));
    // Each flow's log texts are its part's, not the resident code's.
    assert.ok(part('firmware-201').includes('installed; restarting into it') && !main.includes('installed; restarting into it'), 'the update flow is in its part only');
    assert.ok(part('log-upload-201').includes('log uploaded as ') && !main.includes('log uploaded as '), 'the upload flow is in its part only');
    assert.ok(part('log-upload-201').includes('firmwareVersion') && !part('firmware-201').includes('log uploaded as '), 'the DiagnosticsLog is the upload\'s part');
    // The transfer flow the update and the upload run on is a part of its own (loaded once for both).
    for (const name of ['transfer', 'firmware-201', 'log-upload-201']) assert.equal(part(name).includes('record unreadable: dropped'), name === 'transfer', `the transfer flow is in the part transfer only (${name})`);
    assert.ok(!main.includes('record unreadable: dropped'), 'the transfer flow is not resident');
    assert.ok(part('certificates-201').includes('CertificateSigned rejected: ') && !main.includes('CertificateSigned rejected: '), 'the certificate actions are in their part only');
    assert.ok(part('reports-201').includes('supportsMonitoring:') && !main.includes('supportsMonitoring:'), 'the NotifyReport parts are built in the reports\' part only');
    assert.equal(readParts(readFileSync(join(root, out))), null, `${out} has no parts`);
  }
});

native('native host: GetLog loads the upload\'s part from the file, uploads, and lets it go once over; again, loaded again; TriggerMessage LogStatusNotification Idle meanwhile', { timeout: 120000 }, async () => {
  const id = 'LOG-201-NAT';
  const host = startHost(join(root, minifiedName(SIMULATOR_201.out)), ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--connectors', '1', '--scenario', 'none', '--log-level', 'debug'], { timeout: 100000 });
  await csms.waitForCall(id, 'StatusNotification', { timeout: 20000 });
  for (const requestId of [5, 6]) {
    const from = host.lines.length;
    const answer = await csms.call(id, 'GetLog', { requestId, logType: 'DiagnosticsLog', log: { remoteLocation: csms.diagnosticsUrl } });
    assert.equal(answer.status, 'Accepted');
    await host.waitFor(/^part log-upload-201 loaded \(\d+ bytes\)$/, { from });
    await csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'LogStatusNotification' && r.payload.status === 'Uploaded' && r.payload.requestId === requestId, { timeout: 20000, what: `Uploaded ${requestId}` });
    const released = await host.waitFor(/^part log-upload-201 released: heap \d+ -> \d+ bytes$/, { from, timeout: 20000 });
    const [, during, freed] = /heap (\d+) -> (\d+)/.exec(released.text).map(Number);
    assert.ok(freed < during - 4096, `the release freed the part's code (${during} -> ${freed})`);
    assert.ok(JSON.parse(csms.uploads.find((u) => u.name === answer.filename).text).variables['OCPPCommCtrlr/FileTransferProtocols'], 'the DiagnosticsLog');
  }
  assert.deepEqual(await csms.call(id, 'TriggerMessage', { requestedMessage: 'LogStatusNotification' }), { status: 'Accepted' });
  await csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'LogStatusNotification' && r.payload.status === 'Idle', { timeout: 10000, what: 'Idle' });
  assert.equal(host.lines.filter((l) => /^part log-upload-201 loaded/.test(l.text)).length, 2);
  assert.equal(host.lines.filter((l) => /^part transfer loaded/.test(l.text)).length, 2, 'the transfer flow loaded with each upload, so let go with it in between (one collection for both, logged by the first)');
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  const { code } = await host.stop();
  assert.equal(code, 130);
});

native('native host: an UpdateFirmware waiting for its retrieveDateTime and two GetLogs meanwhile load the transfer flow once, for all of them (a shared part); it stays while the update waits', { timeout: 120000 }, async () => {
  const id = 'SHARED-201-NAT';
  const host = startHost(join(root, minifiedName(SIMULATOR_201.out)), ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--connectors', '1', '--scenario', 'none', '--log-level', 'debug'], { timeout: 100000 });
  await csms.waitForCall(id, 'StatusNotification', { timeout: 20000 });
  const later = new Date(Date.now() + 3600e3).toISOString();
  assert.deepEqual(await csms.call(id, 'UpdateFirmware', { requestId: 7, firmware: { location: csms.diagnosticsUrl + 'fw.bin', retrieveDateTime: later } }), { status: 'Accepted' });
  await csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'FirmwareStatusNotification' && r.payload.status === 'DownloadScheduled', { timeout: 10000, what: 'DownloadScheduled' });
  for (const requestId of [8, 9]) {
    const from = host.lines.length;
    assert.equal((await csms.call(id, 'GetLog', { requestId, logType: 'DiagnosticsLog', log: { remoteLocation: csms.diagnosticsUrl } })).status, 'Accepted');
    await csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'LogStatusNotification' && r.payload.status === 'Uploaded' && r.payload.requestId === requestId, { timeout: 20000, what: `Uploaded ${requestId}` });
    await host.waitFor(/^part log-upload-201 released: heap \d+ -> \d+ bytes$/, { from, timeout: 20000 });
  }
  const lines = (re) => host.lines.filter((l) => re.test(l.text)).length;
  assert.equal(lines(/^part firmware-201 loaded/), 1);
  assert.equal(lines(/^part log-upload-201 loaded/), 2);
  assert.equal(lines(/^part transfer loaded/), 1, 'the transfer flow loaded once for the update and both uploads: held while the update waits');
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  const { code } = await host.stop();
  assert.equal(code, 130);
});
