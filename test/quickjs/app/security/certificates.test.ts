// @memory-limit 2097152
// The certificate actions on a host without the optional crypto members (as the native
// shim): clean answers, nothing crashes; ExtendedTriggerMessage's other targets work.
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
  const log = rig.station.security.events.securityLog();
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
