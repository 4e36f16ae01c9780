// Block M (InstallCertificate, GetInstalledCertificateIds, DeleteCertificate) and the
// station's own certificate of block A (TriggerMessage SignChargingStationCertificate →
// SignCertificate, its repeats, CertificateSigned, the client certificate of profile 3), on a
// fake host whose crypto reads scripted "certificates":
//   FAKE ROOT <name>                                    a CA root
//   FAKE CERT <name> issued-by:<root> key:<id> from:<ISO> to:<ISO>   a leaf for a host key
// and the TLS credentials the next connection uses (settings' ca + CSMSRootCertificates).
import { test, assert, sleep, clock } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { makeStation201, startOnline201, powerCut, FEATURES, Rig201 } from './lib/station201';
import { Feature } from '../../../src/v201/context';
import { installSecurity } from '../../../src/v201/security/security';
import { installCertificates } from '../../../src/v201/certificates/certificates';
import { installAuthorization } from '../../../src/v201/authorization/authorization';
import { installTransactions } from '../../../src/v201/transactions/transactions';
import { installRemoteControl } from '../../../src/v201/remote-control/remote-control';

const DAY = 24 * 3600 * 1000;

function fakeCrypto(host: FakeHost): void {
  const h = host as any;
  let keys = 0;
  const info = (block: string) => {
    const root = /^FAKE ROOT (\S+)/.exec(block);
    if (root) return { subject: 'CN=' + root[1], issuer: 'CN=' + root[1], serialNumber: root[1], issuerNameHash: 'n-' + root[1], issuerKeyHash: 'k-' + root[1], notBefore: '2000-01-01T00:00:00Z', notAfter: '2100-01-01T00:00:00Z', ca: true, selfSigned: true };
    const leaf = /^FAKE CERT (\S+) issued-by:(\S+).*?from:(\S+) to:(\S+)/.exec(block);
    if (leaf) return { subject: 'CN=' + leaf[1], issuer: 'CN=' + leaf[2], serialNumber: leaf[1], issuerNameHash: 'n-' + leaf[2], issuerKeyHash: 'k-' + leaf[2], notBefore: leaf[3], notAfter: leaf[4], ca: false, selfSigned: false };
    return null;
  };
  h.cryptoCreateCsr = (request: string, cb: (r: string) => void) => {
    const subject = JSON.parse(request).subject;
    const keyId = 'key-' + ++keys;
    clock.schedule(0, () => cb(JSON.stringify({ csr: 'CSR CN=' + subject.commonName + ' O=' + (subject.organizationName || '') + ' ' + keyId, keyId })));
  };
  h.cryptoCertificateInfo = (pem: string) => {
    const blocks = pem.split('\n').filter((l) => /^FAKE /.test(l));
    const certificates = blocks.map(info);
    return certificates.length && certificates.every((c) => c) ? JSON.stringify({ certificates }) : JSON.stringify({ error: 'no certificate' });
  };
  h.cryptoVerifyChain = (chain: string, trusted: string, keyId: string) => {
    const c = info(chain.split('\n')[0]);
    if (!c) return JSON.stringify({ ok: false, error: 'unreadable' });
    if (trusted.indexOf('FAKE ROOT ' + c.issuer.substring(3) + '\n') < 0) return JSON.stringify({ ok: false, error: 'unable to get local issuer certificate' });
    if (Date.parse(c.notAfter) < clock.now()) return JSON.stringify({ ok: false, error: 'certificate has expired' });
    if (keyId && chain.indexOf(' key:' + keyId + ' ') < 0) return JSON.stringify({ ok: false, error: 'key values mismatch' });
    return JSON.stringify({ ok: true });
  };
}

/** Blocks A and M, and TriggerMessage (remote control, on the transactions). */
function features(raised: string[]): Feature[] {
  return FEATURES.concat([
    (s) => {
      const security = installSecurity(s);
      installCertificates(s, (type, techInfo) => {
        raised.push(type + ': ' + techInfo);
        security.raise(type, techInfo);
      });
      const authorizer = installAuthorization(s, null);
      installRemoteControl(s, installTransactions(s, authorizer), authorizer);
    },
  ]);
}

async function online(config: { [k: string]: unknown } = {}, files?: { [name: string]: string }, raised: string[] = []): Promise<Rig201> {
  const rig = makeStation201(config, files, features(raised), fakeCrypto);
  rig.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline201(rig);
  return rig;
}

const iso = (ms: number) => new Date(ms).toISOString();
const leaf = (name: string, root: string, key: string, from: number, to: number) => 'FAKE CERT ' + name + ' issued-by:' + root + ' key:' + key + ' from:' + iso(from) + ' to:' + iso(to) + '\n';
const hashOf = (name: string, root = name) => ({ hashAlgorithm: 'SHA256', issuerNameHash: 'n-' + root, issuerKeyHash: 'k-' + root, serialNumber: name });

test('M05 / M03 / M04: install roots (again: kept once, M05.FR.17), list them by type or all, delete one; a non-CA Rejected (M05.FR.07); the store full Rejected (M05.FR.06); kept across a reboot', async () => {
  const rig = await online();
  const install = async (type: string, certificate: string) => (await rig.csms.call('InstallCertificate', { certificateType: type, certificate }))[2];
  assert.deepEqual(await install('CSMSRootCertificate', 'FAKE ROOT cso\n'), { status: 'Accepted' }, 'M05.FR.02');
  assert.deepEqual(await install('CSMSRootCertificate', 'FAKE ROOT cso\n'), { status: 'Accepted' }, 'M05.FR.17');
  assert.deepEqual(await install('ManufacturerRootCertificate', 'FAKE ROOT maker\n'), { status: 'Accepted' });
  assert.equal((await install('V2GRootCertificate', leaf('x', 'cso', 'k', 0, Date.UTC(2100, 0)))).status, 'Rejected', 'not a CA');
  assert.equal((await install('MORootCertificate', 'garbage')).status, 'Rejected', 'not a certificate');
  assert.equal(rig.station.model.get('SecurityCtrlr/CertificateEntries'), '2');

  const ids = async (payload: any) => (await rig.csms.call('GetInstalledCertificateIds', payload))[2];
  assert.deepEqual(await ids({ certificateType: ['CSMSRootCertificate'] }), { status: 'Accepted', certificateHashDataChain: [{ certificateType: 'CSMSRootCertificate', certificateHashData: hashOf('cso') }] }, 'M03.FR.03-04');
  const all = await ids({});
  assert.deepEqual(all.certificateHashDataChain.map((c: any) => c.certificateType + ':' + c.certificateHashData.serialNumber), ['CSMSRootCertificate:cso', 'ManufacturerRootCertificate:maker']);
  assert.deepEqual(await ids({ certificateType: ['V2GCertificateChain', 'MORootCertificate'] }), { status: 'NotFound' }, 'M03.FR.02');

  const del = async (h: any) => (await rig.csms.call('DeleteCertificate', { certificateHashData: h }))[2];
  assert.deepEqual(await del(hashOf('maker')), { status: 'Accepted' }, 'M04.FR.02');
  assert.deepEqual(await del(hashOf('maker')), { status: 'NotFound' }, 'M04.FR.04');
  assert.deepEqual(await del(hashOf('cso')), { status: 'Accepted' }, 'the last CSMS root may go when the connection does not rely on it (profile 0)');

  for (let i = 0; i < 10; i++) assert.equal((await install('MORootCertificate', 'FAKE ROOT mo' + i + '\n')).status, 'Accepted');
  const full = await install('MORootCertificate', 'FAKE ROOT mo10\n');
  assert.equal(full.status, 'Rejected', 'M05.FR.06: CertificateEntries.maxLimit');
  assert.equal(full.statusInfo.reasonCode, 'OutOfStorage');
  const report = await rig.csms.call('GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'CertificateEntries' } }] });
  assert.equal(report[2].getVariableResult[0].attributeValue, '10');

  const next = makeStation201({}, powerCut(rig), features([]), fakeCrypto);
  assert.equal(next.station.model.get('SecurityCtrlr/CertificateEntries'), '10', 'kept in certificates.json');
});

test('A02: TriggerMessage SignChargingStationCertificate → SignCertificate with a CSR of the station (CN id, O OrganizationName); again after CertSigningWaitMinimum, doubled, CertSigningRepeatTimes times (A02.FR.17-19)', async () => {
  const rig = await online({ vendor: 'ACME CPO' });
  await rig.csms.call('SetVariables', { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'CertSigningRepeatTimes' }, attributeValue: '2' }, { component: { name: 'SecurityCtrlr' }, variable: { name: 'CertSigningWaitMinimum' }, attributeValue: '10' }] });
  assert.deepEqual((await rig.csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' }))[2], { status: 'Accepted' });
  const first = await rig.csms.next('SignCertificate', 5000);
  assert.deepEqual(first[3], { csr: 'CSR CN=CP-201 O=ACME CPO key-1', certificateType: 'ChargingStationCertificate' });
  const t0 = clock.now();
  rig.csms.reply(first, { status: 'Accepted' });
  const again = await rig.csms.next('SignCertificate');
  assert.equal(again[3].csr, first[3].csr, 'the same CSR');
  assert.ok(Math.abs(clock.now() - t0 - 10000) < 200, 'after CertSigningWaitMinimum');
  const t1 = clock.now();
  rig.csms.reply(again, { status: 'Accepted' });
  const third = await rig.csms.next('SignCertificate');
  assert.ok(Math.abs(clock.now() - t1 - 20000) < 200, 'the wait doubled');
  rig.csms.reply(third, { status: 'Accepted' });
  await sleep(200000);
  assert.equal(rig.csms.pending('SignCertificate').length, 0, 'after CertSigningRepeatTimes no more');
});

test('A02.FR.06-08: CertificateSigned of another CA or for another key Rejected with InvalidChargingStationCertificate; a good one Accepted, then the client certificate of the next connection (profile 3) with the host key', async () => {
  const raised: string[] = [];
  const rig = await online({ url: 'wss://csms/ocpp', securityProfile: 3, ca: 'FAKE ROOT cso\n', cert: 'FAKE CERT factory issued-by:maker key:none from:2000-01-01T00:00:00Z to:2100-01-01T00:00:00Z\n', key: 'factory-key' }, undefined, raised);
  assert.equal(rig.host.socket.options.cert!.indexOf('factory') > 0, true, 'the settings\' certificate first');
  await rig.csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
  const sign = await rig.csms.next('SignCertificate', 5000);
  rig.csms.reply(sign, { status: 'Accepted' });
  const now = clock.now();
  const signedBy = async (chain: string) => (await rig.csms.call('CertificateSigned', { certificateChain: chain, certificateType: 'ChargingStationCertificate' }))[2];
  const foreign = await signedBy(leaf('CP-201', 'someone', 'key-1', now - DAY, now + 365 * DAY));
  assert.equal(foreign.status, 'Rejected');
  assert.equal(raised.length, 1, 'A02.FR.07: the security event');
  assert.ok(/InvalidChargingStationCertificate: unable to get local issuer/.test(raised[0]));
  assert.equal((await signedBy(leaf('CP-201', 'cso', 'key-9', now - DAY, now + 365 * DAY))).status, 'Rejected', 'not the CSR\'s key');
  assert.equal((await rig.csms.call('CertificateSigned', { certificateChain: 'x', certificateType: 'V2GCertificate' }))[2].status, 'Rejected', 'no ISO 15118');
  const good = leaf('CP-201', 'cso', 'key-1', now - DAY, now + 365 * DAY);
  assert.deepEqual(await signedBy(good), { status: 'Accepted' });
  await sleep(2000);
  assert.ok(rig.host.socket.closed || rig.host.sockets.length > 1, 'A02.FR.08: reconnected');
  await sleep(70000);
  const last = rig.host.sockets[rig.host.sockets.length - 1];
  assert.equal(last.options.cert, good, 'the new certificate');
  assert.equal(last.options.keyId, 'key-1', 'its key held by the host');
  assert.equal(last.options.key, undefined);
  rig.csms.accept();
  await sleep(100);
  assert.equal((await rig.csms.call('DeleteCertificate', { certificateHashData: hashOf('CP-201', 'cso') }))[2].status, 'Failed', 'M04.FR.06: not the ChargingStationCertificate');
});

test('A03.FR.02: a certificate that expires within a month is renewed at boot (SignCertificate unasked); TLS trusts the settings\' CA and the installed CSMS roots; A05.FR.02: no higher profile without a CSMS root', async () => {
  const now = clock.now();
  const rig = await online({ cert: leaf('CP-201', 'cso', 'old', now - 300 * DAY, now + 20 * DAY), key: 'k' });
  const sign = await rig.csms.next('SignCertificate', 5000);
  assert.equal(sign[3].certificateType, 'ChargingStationCertificate');
  rig.csms.reply(sign, { status: 'Rejected' });
  assert.equal(rig.station.tls.trustedCas(), '');

  const fresh = await online({ ca: 'FAKE ROOT settings-ca\n' });
  const profile = await fresh.csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://other/ocpp', messageTimeout: 30, securityProfile: 3, ocppInterface: 'Wireless0' } });
  assert.equal(profile[2].status, 'Accepted');
  const priority = async () => (await fresh.csms.call('SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' }, attributeValue: '1,0' }] }))[2].setVariableResult[0];
  const refused = await priority();
  assert.equal(refused.attributeStatus, 'Rejected', 'A05.FR.03: profile 3 without a ChargingStationCertificate');
  assert.ok(/ChargingStationCertificate/.test(refused.attributeStatusInfo.additionalInfo));
  await fresh.csms.call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: 'FAKE ROOT cso\n' });
  assert.equal(fresh.station.tls.trustedCas(), 'FAKE ROOT settings-ca\nFAKE ROOT cso\n', 'the settings\' CA and the installed root');
  const bare = await online();
  await bare.csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://other/ocpp', messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wireless0' } });
  const r = (await bare.csms.call('SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' }, attributeValue: '1,0' }] }))[2].setVariableResult[0];
  assert.equal(r.attributeStatus, 'Rejected', 'A05.FR.02: profile 2 without a CSMSRootCertificate');
  await bare.csms.call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: 'FAKE ROOT cso\n' });
  const ok = (await bare.csms.call('SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' }, attributeValue: '1,0' }] }))[2].setVariableResult[0];
  assert.equal(ok.attributeStatus, 'RebootRequired', 'A05.FR.04');
});
