// The security extension's flows under the native host (OpenSSL keys, CSRs, chains and
// signatures; libcurl transfers) against the strict embedded CSMS, each run under the
// simulator host too with the same inputs and compared: SignCertificate → CertificateSigned
// → the reconnect of profile 3 on the host-made key and the CSMS-signed certificate;
// SignedUpdateFirmware with a good and a forged signature; GetLog's two logs uploaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { DEFAULT_BUNDLE } from '../../sim/host.mjs';
import { makeCa, issue, csmsTls, signCsr } from './lib/pki.mjs';
import { stationTests } from './lib/stations.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`shim-security skipped: ${shim.reason}\n`);
const it = shim.ok ? (name, fn) => test(name, { timeout: 150000 }, fn) : () => {};

const rig = stationTests('shim-security');
const dataDir = rig.dataDir;
const KEY = 'native-security-key-16';
const bundle = readFileSync(DEFAULT_BUNDLE);
const serialOf = (pem) => new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, '');
const pemFile = (name, text) => {
  const file = join(dataDir, name);
  writeFileSync(file, text);
  return file;
};

/** One station under either host, started the same way: { id, stop(), log() }. */
async function station(kind, id, csms, { ca, cert, key, securityProfile, password }) {
  if (kind === 'native') {
    const args = ['--url', csms.url, '--id', id, '--data-dir', dataDir, '--scenario', 'idle', '--security-profile', String(securityProfile)];
    if (ca) args.push('--ca', pemFile(`${id}-ca.pem`, ca));
    if (cert) args.push('--cert', pemFile(`${id}-cert.pem`, cert), '--key', pemFile(`${id}-key.pem`, key));
    if (password) args.push('--password', password);
    const host = startHost(DEFAULT_BUNDLE, args, { timeout: 140000 });
    return { id, stop: () => host.stop(), log: () => host.output() };
  }
  const s = await rig.start({ url: csms.url, id, scenario: 'idle', reconnectMaxSeconds: 1, ca, cert, key, securityProfile, password });
  return { id, stop: () => s.stop(0), log: () => s.logs.join('\n') };
}

async function within(stations, promise) {
  try {
    return await promise;
  } catch (err) {
    for (const s of stations) err.message += `\n--- ${s.id}:\n${s.log().split('\n').slice(-30).join('\n')}`;
    throw err;
  }
}

it('profile 3: SignCertificate → CertificateSigned → the reconnect uses the host-made key and the signed certificate, under both hosts with the same answers', async () => {
  const ca = await makeCa('Native Security Root');
  const otherCa = await makeCa('Not Ours');
  const csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5, tls: await csmsTls(ca, { requireClientCert: true }) });
  const stations = [];
  try {
    const answers = {};
    for (const [kind, id] of [['native', 'NSEC-CERT'], ['sim', 'SSEC-CERT']]) {
      const first = await issue(ca, { cn: id, client: true });
      const s = await station(kind, id, csms, { ca: ca.cert, cert: first.cert, key: first.key, securityProfile: 3 });
      stations.push(s);
      await within(stations, csms.waitForCall(id, 'StatusNotification', { timeout: 30000 }));
      const got = (answers[kind] = []);
      got.push(await csms.call(id, 'InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: ca.cert }));
      got.push(await csms.call(id, 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: first.cert }));
      const ids = await csms.call(id, 'GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
      got.push(ids);
      const from = csms.records.length;
      got.push(await csms.call(id, 'ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' }));
      const request = await within(stations, csms.waitForCall(id, 'SignCertificate', { from, timeout: 15000 }));
      assert.match(request.payload.csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
      got.push(await csms.call(id, 'CertificateSigned', { certificateChain: await signCsr(otherCa, request.payload.csr) }));
      const signed = await signCsr(ca, request.payload.csr);
      got.push(await csms.call(id, 'CertificateSigned', { certificateChain: signed }));
      got.push(await csms.call(id, 'CertificateSigned', { certificateChain: signed }));
      await csms.disconnect(id);
      const again = await within(stations, csms.waitForConnection(id, { after: 1, timeout: 30000 }));
      assert.equal(again.clientCertificate.subject, id);
      assert.equal(again.clientCertificate.serialNumber.toLowerCase().replace(/^0+/, ''), serialOf(signed), `${kind}: the signed certificate on the reconnect`);
      const folder = join(dataDir, id);
      for (const name of readdirSync(folder)) {
        if (statSync(join(folder, name)).isFile()) assert.ok(!readFileSync(join(folder, name), 'utf8').includes('PRIVATE KEY'), `${kind}: ${name} holds no private key`);
      }
      assert.equal(readdirSync(join(folder, 'host-keys')).length, 1, `${kind}: the key pair in the host's folder`);
      got.push(await csms.call(id, 'DeleteCertificate', { certificateHashData: ids.certificateHashData[0] }));
    }
    assert.deepEqual(answers.native.map((a) => a.status), ['Accepted', 'Rejected', 'Accepted', 'Accepted', 'Rejected', 'Accepted', 'Rejected', 'Accepted']);
    assert.deepEqual(answers.native, answers.sim, 'the same answers');
    assert.equal(csms.violations.length, 0, JSON.stringify(csms.violations));
  } finally {
    for (const s of stations) await s.stop();
    await csms.stop();
  }
});

it('SignedUpdateFirmware: a good signature is verified by the native host and installed (Installed after the restart); a forged one ends in InvalidSignature; the same as the simulator; GetLog uploads both logs', async () => {
  const maker = await makeCa('Native Maker Root');
  const signing = await issue(maker, { cn: 'Native Maker Signing' });
  const csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5, password: KEY });
  const stations = [];
  const signatureOf = (bytes) => sign('sha256', bytes, createPrivateKey(signing.key)).toString('base64');
  const calls = (id, action) => csms.records.filter((r) => r.station === id && r.type === 'CALL' && r.action === action).map((r) => r.payload);
  const waitForCall = (id, action, test, what, from = 0) => within(stations, csms.waitFor((r) => r.station === id && r.seq >= from && r.type === 'CALL' && r.action === action && test(r.payload), { timeout: 60000, what: `${id} ${what}` }));
  try {
    const results = {};
    for (const [kind, id] of [['native', 'NSEC-FW'], ['sim', 'SSEC-FW']]) {
      const s = await station(kind, id, csms, { password: KEY, securityProfile: 1 });
      stations.push(s);
      await within(stations, csms.waitForCall(id, 'StatusNotification', { timeout: 30000 }));
      assert.deepEqual(await csms.call(id, 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: maker.cert }), { status: 'Accepted' });
      const location = csms.serveFile(`${id}-signed.js`, bundle);
      const good = { requestId: 42, retries: 0, firmware: { location, retrieveDateTime: new Date().toISOString(), signingCertificate: signing.cert, signature: signatureOf(bundle) } };
      assert.deepEqual(await csms.call(id, 'SignedUpdateFirmware', good), { status: 'Accepted' });
      await waitForCall(id, 'SignedFirmwareStatusNotification', (p) => p.status === 'Installed', 'Installed');
      await waitForCall(id, 'SecurityEventNotification', (p) => p.type === 'FirmwareUpdated', 'FirmwareUpdated');
      const from = csms.records.length;
      const forged = { requestId: 7, retries: 0, firmware: { ...good.firmware, signature: signatureOf(Buffer.concat([bundle, Buffer.from('\n// tampered\n')])) } };
      assert.deepEqual(await csms.call(id, 'SignedUpdateFirmware', forged), { status: 'Accepted' });
      await waitForCall(id, 'SignedFirmwareStatusNotification', (p) => p.status === 'InvalidSignature', 'InvalidSignature', from);
      await waitForCall(id, 'SecurityEventNotification', (p) => p.type === 'InvalidFirmwareSignature', 'InvalidFirmwareSignature', from);

      const security = await csms.call(id, 'GetLog', { logType: 'SecurityLog', requestId: 3, log: { remoteLocation: csms.diagnosticsUrl } });
      await waitForCall(id, 'LogStatusNotification', (p) => p.status === 'Uploaded' && p.requestId === 3, 'SecurityLog Uploaded');
      const securityFile = csms.uploads.find((u) => u.name === security.filename);
      assert.ok(securityFile, `${kind}: the security log under the name given`);
      assert.match(securityFile.text, /^\S+Z StartupOfTheDevice /m);
      const diagnostics = await csms.call(id, 'GetLog', { logType: 'DiagnosticsLog', requestId: 4, log: { remoteLocation: csms.diagnosticsUrl } });
      await waitForCall(id, 'LogStatusNotification', (p) => p.status === 'Uploaded' && p.requestId === 4, 'DiagnosticsLog Uploaded');
      assert.equal(JSON.parse(csms.uploads.find((u) => u.name === diagnostics.filename).text).station, id);
      results[kind] = {
        signed: calls(id, 'SignedFirmwareStatusNotification'),
        events: calls(id, 'SecurityEventNotification').map((p) => p.type).filter((t) => /Firmware/.test(t)),
        logs: calls(id, 'LogStatusNotification'),
        boots: calls(id, 'BootNotification').length,
      };
    }
    assert.deepEqual(results.native.signed.map((p) => p.status), ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed', 'Downloading', 'Downloaded', 'InvalidSignature']);
    assert.equal(results.native.boots, 2, 'one restart, into the new image');
    assert.deepEqual(results.native, results.sim, 'the same notifications under both hosts');
    assert.deepEqual(csms.violations, []);
  } finally {
    for (const s of stations) await s.stop();
    await csms.stop();
  }
});
