// OCPP 2.0.1 blocks A and M end to end: dist/simulator-201.min.js on the simulator host
// (which makes the key pair and the CSR) against the strict embedded CSMS in 2.0.1 mode with
// security profile 2 — TLS with a server certificate of a throw-away CA made for the run, and
// Basic auth. The station verifies the CSMS's certificate (another CA: InvalidCsmsCertificate),
// sends its security events, takes a new BasicAuthPassword (A01), installs and lists a CSMS
// root (M05, M03), and gets its own certificate signed (A02: TriggerMessage →
// SignCertificate → CertificateSigned; one of another CA Rejected).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from 'node:crypto';
import { makeCa, csmsTls, signCsr } from './lib/pki.mjs';
import { stationTests, within } from './lib/stations.mjs';

const BUNDLE = fileURLToPath(new URL('../../dist/simulator-201.min.js', import.meta.url));
const PASSWORD = 'sp2-password-0123456789';
const rig = stationTests('sim-ocpp201-security');
let ca;
let otherCa;

before(async () => {
  ca = await makeCa('CSO Root 2.0.1');
  otherCa = await makeCa('Someone Else 2.0.1');
});

const basic = (id, password) => 'Basic ' + Buffer.from(`${id}:${password}`).toString('base64');
const securityLog = (id) => {
  const file = join(rig.dataDir, id, 'security.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};
const serialOf = (pem) => new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, '');

test('security profile 2 (TLS + Basic auth): the CSMS certificate verified, StartupOfTheDevice sent, a new BasicAuthPassword, a CSMS root installed and listed, the station certificate signed', { timeout: 120000 }, async () => {
  const csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5, password: PASSWORD, tls: await csmsTls(ca) });
  assert.match(csms.url, /^wss:/);
  const id = 'SEC-201';
  const station = await rig.start({ url: csms.url, id, scenario: 'idle', duration: 0, reconnectMaxSeconds: 1, password: PASSWORD, securityProfile: 2, ca: ca.cert, vendor: 'CSO Test' }, { bundle: BUNDLE, logLevel: 'debug' });
  await within(station, csms.waitForCall(id, 'BootNotification'));
  const connection = csms.connections.find((c) => c.station === id);
  assert.equal(connection.protocol, 'ocpp2.0.1');
  assert.equal(connection.authorization, basic(id, PASSWORD), 'A00.FR.302: Basic auth over TLS');
  const startup = await within(station, csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'SecurityEventNotification' && r.payload.type === 'StartupOfTheDevice'));
  assert.ok(startup.payload.timestamp);

  // A01: a new password; the station reconnects with it.
  const NEW = 'sp2-new-password-987654321';
  const set = await csms.call(id, 'SetVariables', { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: NEW }] });
  assert.equal(set.setVariableResult[0].attributeStatus, 'Accepted');
  csms.password = NEW;
  const second = await within(station, csms.waitForConnection(id, { after: 1, timeout: 20000 }));
  assert.equal(second.authorization, basic(id, NEW));
  assert.ok(!station.logs.join('\n').includes(NEW), 'A01.FR.12: not in the log');
  await new Promise((r) => setTimeout(r, 1500)); // the reconnected station online again (Accepted in this boot: no new BootNotification)

  // M05 / M03: a CSMS root.
  assert.deepEqual(await csms.call(id, 'GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] }), { status: 'NotFound' });
  assert.deepEqual(await csms.call(id, 'InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: ca.cert }), { status: 'Accepted' });
  const ids = await csms.call(id, 'GetInstalledCertificateIds', {});
  assert.equal(ids.status, 'Accepted');
  assert.equal(ids.certificateHashDataChain.length, 1);
  assert.equal(ids.certificateHashDataChain[0].certificateType, 'CSMSRootCertificate');
  assert.equal(ids.certificateHashDataChain[0].certificateHashData.serialNumber, serialOf(ca.cert));
  assert.match(ids.certificateHashDataChain[0].certificateHashData.issuerNameHash, /^[0-9a-f]{64}$/);

  // A02: the station's certificate, signed by the CSO's CA.
  const from = csms.records.length;
  assert.equal((await csms.call(id, 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).status, 'Accepted');
  const sign = await within(station, csms.waitForCall(id, 'SignCertificate', { from }));
  assert.match(sign.payload.csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
  assert.equal(sign.payload.certificateType, 'ChargingStationCertificate');
  const foreign = await signCsr(otherCa, sign.payload.csr);
  assert.equal((await csms.call(id, 'CertificateSigned', { certificateChain: foreign, certificateType: 'ChargingStationCertificate' })).status, 'Rejected');
  await within(station, csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'SecurityEventNotification' && r.payload.type === 'InvalidChargingStationCertificate', { from }));
  const signed = await signCsr(ca, sign.payload.csr);
  assert.match(new X509Certificate(signed).subject, new RegExp('CN=' + id));
  assert.match(new X509Certificate(signed).subject, /O=CSO Test/, 'O: OrganizationName');
  assert.equal((await csms.call(id, 'CertificateSigned', { certificateChain: signed, certificateType: 'ChargingStationCertificate' })).status, 'Accepted');
  assert.match(securityLog(id), / InvalidChargingStationCertificate /);
  assert.deepEqual(csms.violations, [], 'every message valid against the 2.0.1 schemas');
});

test('security profile 2: a CSMS certificate of another CA is refused, InvalidCsmsCertificate in the security log (A00.FR.310/311)', { timeout: 60000 }, async () => {
  const csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5, password: PASSWORD, tls: await csmsTls(ca) });
  const id = 'SEC-201-WRONG-CA';
  const station = await rig.start({ url: csms.url, id, scenario: 'idle', duration: 0, reconnectMaxSeconds: 1, password: PASSWORD, securityProfile: 2, ca: otherCa.cert, maxConnectAttempts: 2 }, { bundle: BUNDLE });
  assert.equal((await station.exited).code, 1, 'never connects');
  assert.equal(csms.connections.filter((c) => c.station === id).length, 0);
  assert.equal(securityLog(id).match(/ InvalidCsmsCertificate /g).length, 1, 'once for the run of failed attempts');
});
