// Certificate flows of the security extension end to end: the real bundle on the
// simulator host (which makes the key pair and CSR; the private key stays in the host)
// against the strict embedded CSMS over TLS with client certificates (profile 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { makeCa, issue, csmsTls, signCsr, makeV1Certificate } from './lib/pki.mjs';
import { stationTests } from './lib/stations.mjs';

const rig = stationTests('security-certificates');
const dataDir = rig.dataDir;

const serialOf = (pem) => new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, '');

test('profile 3: install a root, SignCertificate by trigger, CertificateSigned, the new certificate on the next connection; bad ones refused', async () => {
  const ca = await makeCa('Certificates Root');
  const otherCa = await makeCa('Not Ours');
  const csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5, tls: await csmsTls(ca, { requireClientCert: true }) });
  const first = await issue(ca, { cn: 'CERT-1', client: true });
  const station = rig.station(
    { url: csms.url, id: 'CERT-1', scenario: 'idle', reconnectMaxSeconds: 1, ca: ca.cert, cert: first.cert, key: first.key, securityProfile: 3 },
    { logLevel: 'debug' }
  );
  try {
    await station.start();
    await csms.waitForCall('CERT-1', 'BootNotification');
    assert.equal(csms.connections[0].clientCertificate.serialNumber.toLowerCase().replace(/^0+/, ''), serialOf(first.cert));

    // Root certificates: install, list, refuse what is not one, delete.
    assert.deepEqual(await csms.call('CERT-1', 'GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' }), { status: 'NotFound' });
    assert.deepEqual(await csms.call('CERT-1', 'InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: ca.cert }), { status: 'Accepted' });
    assert.deepEqual(await csms.call('CERT-1', 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: first.cert }), { status: 'Rejected' }, 'not a CA');
    assert.deepEqual(await csms.call('CERT-1', 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: 'garbage' }), { status: 'Rejected' });
    const ids = await csms.call('CERT-1', 'GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
    assert.equal(ids.status, 'Accepted');
    assert.equal(ids.certificateHashData.length, 1);
    assert.equal(ids.certificateHashData[0].hashAlgorithm, 'SHA256');
    assert.equal(ids.certificateHashData[0].serialNumber, serialOf(ca.cert));
    assert.match(ids.certificateHashData[0].issuerNameHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(await csms.call('CERT-1', 'GetInstalledCertificateIds', { certificateType: 'ManufacturerRootCertificate' }), { status: 'NotFound' });

    // A new charge point certificate: the CSMS triggers, the station sends a CSR, the CA signs it.
    const from = csms.records.length;
    assert.deepEqual(await csms.call('CERT-1', 'ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' }), { status: 'Accepted' });
    const sign = await csms.waitForCall('CERT-1', 'SignCertificate', { from });
    assert.match(sign.payload.csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
    const foreign = await signCsr(otherCa, sign.payload.csr);
    assert.deepEqual(await csms.call('CERT-1', 'CertificateSigned', { certificateChain: foreign }), { status: 'Rejected' }, 'not from a trusted root');
    const event = await csms.waitFor((r) => r.action === 'SecurityEventNotification' && r.type === 'CALL' && r.payload.type === 'InvalidChargePointCertificate', { from });
    assert.ok(event.payload.techInfo);
    const signed = await signCsr(ca, sign.payload.csr);
    assert.equal(new X509Certificate(signed).subject, 'CN=CERT-1');
    assert.deepEqual(await csms.call('CERT-1', 'CertificateSigned', { certificateChain: signed }), { status: 'Accepted' });
    assert.deepEqual(await csms.call('CERT-1', 'CertificateSigned', { certificateChain: signed }), { status: 'Rejected' }, 'no CSR waits any more');

    await csms.disconnect('CERT-1');
    const second = await csms.waitForConnection('CERT-1', { after: 1, timeout: 15000 });
    assert.equal(second.clientCertificate.subject, 'CERT-1');
    assert.equal(second.clientCertificate.serialNumber.toLowerCase().replace(/^0+/, ''), serialOf(signed), 'the signed certificate is used');

    // The private key never entered the bundle's files (only the host's own key folder).
    const stationDir = join(dataDir, 'CERT-1');
    for (const name of readdirSync(stationDir)) {
      if (statSync(join(stationDir, name)).isFile()) assert.ok(!readFileSync(join(stationDir, name), 'utf8').includes('PRIVATE KEY'), `${name} holds no private key`);
    }
    assert.equal(readdirSync(join(stationDir, 'host-keys')).length, 1);

    // Delete the installed root (the settings' CA still verifies the CSMS).
    assert.deepEqual(await csms.call('CERT-1', 'DeleteCertificate', { certificateHashData: ids.certificateHashData[0] }), { status: 'Accepted' });
    assert.deepEqual(await csms.call('CERT-1', 'DeleteCertificate', { certificateHashData: ids.certificateHashData[0] }), { status: 'NotFound' });
    assert.equal(csms.violations.length, 0, JSON.stringify(csms.violations));
  } catch (err) {
    err.message += `\nstation log (last lines):\n  ${station.logs.slice(-25).join('\n  ')}`;
    throw err;
  } finally {
    await station.stop(0, 'test over');
    await csms.stop();
  }
});

test('InstallCertificate takes a self-signed X.509 v1 root as a trust anchor (as OpenSSL does); a v1 certificate that is not self-signed is no CA', async () => {
  const csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5 });
  const station = rig.station({ url: csms.url, id: 'CERT-V1', scenario: 'idle', reconnectMaxSeconds: 1 });
  try {
    await station.start();
    await csms.waitForCall('CERT-V1', 'BootNotification');
    const root = makeV1Certificate('V1 Root');
    const leaf = makeV1Certificate('V1 Leaf', root);
    assert.equal(new X509Certificate(root.cert).ca, false, 'no basicConstraints in a v1 certificate');
    assert.deepEqual(await csms.call('CERT-V1', 'InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: root.cert }), { status: 'Accepted' });
    assert.deepEqual(await csms.call('CERT-V1', 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: leaf.cert }), { status: 'Rejected' });
    const ids = await csms.call('CERT-V1', 'GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
    assert.equal(ids.certificateHashData.length, 1);
    assert.equal(ids.certificateHashData[0].serialNumber, serialOf(root.cert));
    assert.deepEqual(csms.violations, []);
  } finally {
    await station.stop(0);
    await csms.stop();
  }
});
