// @memory-limit 2097152
// The certificate actions on a host without the optional crypto members (as the native
// shim): clean answers, nothing crashes; ExtendedTriggerMessage's other targets work. And
// the security keys' initial values from the settings, on a host with scripted crypto.
import { test, assert, sleep } from '../../../lib/harness';
import { makeStation, startOnline } from '../lib/station-harness';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const HASH = { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '11' };

test('no host crypto: InstallCertificate Rejected, none installed, CertificateSigned Rejected, SignChargePointCertificate Rejected', async () => {
  const rig = makeStation({ password: 'sixteen-chars-pw' });
  rig.csms.autoAnswer.SecurityEventNotification = () => ({});
  await startOnline(rig);
  assert.equal(rig.hal.crypto, null);
  assert.deepEqual((await rig.csms.call('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: PEM }))[2], { status: 'Rejected' });
  assert.deepEqual((await rig.csms.call('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' }))[2], { status: 'NotFound' });
  assert.deepEqual((await rig.csms.call('DeleteCertificate', { certificateHashData: HASH }))[2], { status: 'NotFound' });
  assert.deepEqual((await rig.csms.call('CertificateSigned', { certificateChain: PEM }))[2], { status: 'Rejected' });
  const log = rig.station.features.security!.events.securityLog();
  assert.match(log[log.length - 1], / InvalidChargePointCertificate this host cannot check certificates$/);
  assert.deepEqual((await rig.csms.call('ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' }))[2], { status: 'Rejected' });
});

test('ExtendedTriggerMessage: Heartbeat, StatusNotification of a connector, LogStatusNotification and (Signed)FirmwareStatusNotification Idle; unknown connector Rejected', async () => {
  const rig = makeStation();
  await startOnline(rig);
  rig.csms.autoAnswer.LogStatusNotification = () => ({});
  rig.csms.autoAnswer.SignedFirmwareStatusNotification = () => ({});
  rig.csms.inbox.length = 0;
  assert.deepEqual((await rig.csms.call('ExtendedTriggerMessage', { requestedMessage: 'Heartbeat' }))[2], { status: 'Accepted' });
  await rig.csms.next('Heartbeat', 1000);
  assert.deepEqual((await rig.csms.call('ExtendedTriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 2 }))[2], { status: 'Accepted' });
  assert.equal((await rig.csms.next('StatusNotification', 1000))[3].connectorId, 2);
  assert.deepEqual((await rig.csms.call('ExtendedTriggerMessage', { requestedMessage: 'LogStatusNotification' }))[2], { status: 'Accepted' });
  assert.deepEqual((await rig.csms.next('LogStatusNotification', 1000))[3], { status: 'Idle' });
  assert.deepEqual((await rig.csms.call('ExtendedTriggerMessage', { requestedMessage: 'FirmwareStatusNotification' }))[2], { status: 'Accepted' });
  assert.deepEqual((await rig.csms.next('SignedFirmwareStatusNotification', 1000))[3], { status: 'Idle' });
  assert.deepEqual((await rig.csms.call('ExtendedTriggerMessage', { requestedMessage: 'MeterValues', connectorId: 9 }))[2], { status: 'Rejected' });
  await sleep(0);
});

test('initial values from the settings apply to every key, the security extension\'s and read-only ones included, and the station honours them', async () => {
  const rig = makeStation(
    {
      configuration: {
        CpoName: 'ACME Charging',
        CertificateStoreMaxLength: 1,
        CertificateSignedMaxChainSize: 3000,
        AuthorizationKey: 'a-key-of-twenty-chars',
        MeterValuesSampledDataMaxLength: 2,
        LocalAuthListMaxLength: 1,
        GetConfigurationMaxKeys: 20,
      },
    },
    undefined,
    (h) => {
      // A host whose crypto calls every PEM a CA root; only the store's size matters here.
      const host = h as any;
      host.cryptoCreateCsr = (_request: string, cb: (r: string) => void) => cb(JSON.stringify({ error: 'not in this test' }));
      host.cryptoVerifyChain = () => JSON.stringify({ ok: false, error: 'not in this test' });
      host.cryptoCertificateInfo = (pem: string) =>
        JSON.stringify({
          certificates: [
            { subject: 'CN=' + pem, issuer: 'CN=' + pem, serialNumber: pem.trim(), issuerNameHash: 'aa', issuerKeyHash: 'bb', notBefore: '2000-01-01T00:00:00Z', notAfter: '2100-01-01T00:00:00Z', ca: true, selfSigned: true },
          ],
        });
    }
  );
  await startOnline(rig);
  const conf = (await rig.csms.call('GetConfiguration', { key: ['CpoName', 'CertificateStoreMaxLength', 'CertificateSignedMaxChainSize', 'MeterValuesSampledDataMaxLength', 'LocalAuthListMaxLength', 'GetConfigurationMaxKeys'] }))[2];
  const values: { [key: string]: string } = {};
  for (const k of conf.configurationKey) values[k.key] = k.value;
  assert.deepEqual(values, {
    CpoName: 'ACME Charging',
    CertificateStoreMaxLength: '1',
    CertificateSignedMaxChainSize: '3000',
    MeterValuesSampledDataMaxLength: '2',
    LocalAuthListMaxLength: '1',
    GetConfigurationMaxKeys: '20',
  });
  assert.equal(rig.station.config.get('AuthorizationKey'), 'a-key-of-twenty-chars', 'the write-only key too');
  // ... and they are what the station works with.
  const install = (certificate: string) => rig.csms.call('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate });
  assert.deepEqual((await install('ROOT-A'))[2], { status: 'Accepted' });
  assert.deepEqual((await install('ROOT-BB'))[2], { status: 'Failed' }, 'the store holds CertificateStoreMaxLength = 1');
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'MeterValuesSampledData', value: 'Voltage,Current.Import,SoC' }))[2], { status: 'Rejected' }, 'more than MeterValuesSampledDataMaxLength');
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'MeterValuesSampledData', value: 'Voltage,SoC' }))[2], { status: 'Accepted' });
  const two = [{ idTag: 'A', idTagInfo: { status: 'Accepted' } }, { idTag: 'B', idTagInfo: { status: 'Accepted' } }];
  assert.deepEqual((await rig.csms.call('SendLocalList', { listVersion: 1, updateType: 'Full', localAuthorizationList: two }))[2], { status: 'Failed' }, 'beyond LocalAuthListMaxLength');
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'CertificateStoreMaxLength', value: '5' }))[2], { status: 'Rejected' }, 'still read-only for the CSMS');
});
