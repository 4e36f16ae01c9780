// Secure firmware update end to end: the real bundle on the simulator host against the
// strict embedded CSMS (security profile 1, so security events are sent). The CSMS installs
// a throw-away manufacturer root, serves the real bundle over HTTP and asks for it with
// SignedUpdateFirmware; the host downloads it and checks its signature (Node's crypto) with
// the signing certificate, which the bundle has checked against the root. A forged
// signature ends in InvalidSignature and a security event, and nothing is installed.
// GetLog: both logs are uploaded to the CSMS over HTTP.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPrivateKey, sign } from 'node:crypto';
import { makeCa, issue } from './lib/pki.mjs';
import { stationTests, within } from './lib/stations.mjs';

const KEY = 'firmware-test-key-16';
const rig = stationTests('security-firmware');
// The image a module is flashed with (the readable dist/simulator.js needs more than the simulator's 1 MiB heap to load).
const bundle = readFileSync(fileURLToPath(new URL('../../dist/simulator.min.js', import.meta.url)));
let csms;
let maker;
let signing;

before(async () => {
  maker = await makeCa('Maker Firmware Root');
  signing = await issue(maker, { cn: 'Maker Firmware Signing' });
  csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5, password: KEY });
});

const signatureOf = (bytes) => sign('sha256', bytes, createPrivateKey(signing.key)).toString('base64');

async function startStation(id) {
  const station = await rig.start({ url: csms.url, id, scenario: 'idle', duration: 0, reconnectMaxSeconds: 1, password: KEY, securityProfile: 1 });
  await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 5000 }));
  assert.deepEqual(await csms.call(id, 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: maker.cert }), { status: 'Accepted' });
  return station;
}

const calls = (id, action) => csms.records.filter((r) => r.station === id && r.type === 'CALL' && r.action === action).map((r) => r.payload);

function waitForCall(station, id, action, test, what) {
  return within(station, csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === action && test(r.payload), { timeout: 15000, what }));
}

test('SignedUpdateFirmware: the signed bundle is downloaded, its signature verified by the host, installed; the station restarts into it, reports Installed and FirmwareUpdated', async () => {
  const id = 'SEC-FW';
  const station = await startStation(id);
  const location = csms.serveFile('signed-1.js', bundle);
  const request = { requestId: 42, retries: 0, firmware: { location, retrieveDateTime: new Date().toISOString(), signingCertificate: signing.cert, signature: signatureOf(bundle) } };
  assert.deepEqual(await csms.call(id, 'SignedUpdateFirmware', request), { status: 'Accepted' });
  await waitForCall(station, id, 'SignedFirmwareStatusNotification', (p) => p.status === 'Installed', 'Installed');
  assert.deepEqual(
    calls(id, 'SignedFirmwareStatusNotification'),
    ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed'].map((status) => ({ status, requestId: 42 }))
  );
  assert.equal(station.stats.restarts, 1);
  assert.ok(station.logs.some((l) => /firmware signature verified/.test(l)), 'the host checked the signature');
  await waitForCall(station, id, 'SecurityEventNotification', (p) => p.type === 'FirmwareUpdated', 'FirmwareUpdated');

  // A signing certificate from another root: refused before anything is downloaded.
  const stranger = await issue(await makeCa('Stranger'), { cn: 'Stranger Signing' });
  const refused = { requestId: 43, firmware: { ...request.firmware, signingCertificate: stranger.cert } };
  assert.deepEqual(await csms.call(id, 'SignedUpdateFirmware', refused), { status: 'InvalidCertificate' });
  await waitForCall(station, id, 'SecurityEventNotification', (p) => p.type === 'InvalidFirmwareSigningCertificate', 'InvalidFirmwareSigningCertificate');
  assert.deepEqual(csms.downloads.map((d) => d.name), ['signed-1.js']);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});

test('SignedUpdateFirmware with a signature of other bytes: InvalidSignature, InvalidFirmwareSignature, nothing installed', async () => {
  const id = 'SEC-FW-FORGED';
  const station = await startStation(id);
  const location = csms.serveFile('signed-2.js', bundle);
  const forged = signatureOf(Buffer.concat([bundle, Buffer.from('\n// tampered\n')]));
  const request = { requestId: 7, retries: 0, firmware: { location, retrieveDateTime: new Date().toISOString(), signingCertificate: signing.cert, signature: forged } };
  assert.deepEqual(await csms.call(id, 'SignedUpdateFirmware', request), { status: 'Accepted' });
  await waitForCall(station, id, 'SignedFirmwareStatusNotification', (p) => p.status === 'InvalidSignature', 'InvalidSignature');
  await waitForCall(station, id, 'SecurityEventNotification', (p) => p.type === 'InvalidFirmwareSignature', 'InvalidFirmwareSignature');
  assert.deepEqual(calls(id, 'SignedFirmwareStatusNotification').map((p) => p.status), ['Downloading', 'Downloaded', 'InvalidSignature']);
  assert.equal(station.stats.restarts, 0);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});

test('GetLog: the SecurityLog and the DiagnosticsLog land at the CSMS under the names given, with Uploading / Uploaded', async () => {
  const id = 'SEC-LOG';
  const station = await startStation(id);
  const security = await csms.call(id, 'GetLog', { logType: 'SecurityLog', requestId: 3, log: { remoteLocation: csms.diagnosticsUrl } });
  assert.equal(security.status, 'Accepted');
  await waitForCall(station, id, 'LogStatusNotification', (p) => p.status === 'Uploaded' && p.requestId === 3, 'SecurityLog Uploaded');
  const securityFile = csms.uploads.find((u) => u.name === security.filename);
  assert.ok(securityFile, 'uploaded under the name it gave');
  assert.match(securityFile.text, /^\S+Z StartupOfTheDevice /m);

  const diagnostics = await csms.call(id, 'GetLog', { logType: 'DiagnosticsLog', requestId: 4, log: { remoteLocation: csms.diagnosticsUrl } });
  await waitForCall(station, id, 'LogStatusNotification', (p) => p.status === 'Uploaded' && p.requestId === 4, 'DiagnosticsLog Uploaded');
  assert.equal(JSON.parse(csms.uploads.find((u) => u.name === diagnostics.filename).text).station, id);
  assert.deepEqual(calls(id, 'LogStatusNotification'), [
    { status: 'Uploading', requestId: 3 },
    { status: 'Uploaded', requestId: 3 },
    { status: 'Uploading', requestId: 4 },
    { status: 'Uploaded', requestId: 4 },
  ]);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});
