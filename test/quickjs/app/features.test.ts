// The station's features: SupportedFeatureProfiles says what it serves, and a feature profile
// switched off by the settings (disabledFeatureProfiles) is not served at all: its actions
// answer NotSupported, its configuration keys are unknown, GetLocalListVersion answers -1.
import { test, assert, sleep } from '../../lib/harness';
import { makeStation, startOnline } from './lib/station-harness';
import { remoteTriggerFeature } from '../../../src/app/remote-trigger/index';

const ALL = 'Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger';
const PROFILE_KEYS = ['ChargeProfileMaxStackLevel', 'ChargingScheduleAllowedChargingRateUnit', 'ChargingScheduleMaxPeriods', 'MaxChargingProfilesInstalled', 'ReserveConnectorZeroSupported', 'LocalAuthListEnabled', 'LocalAuthListMaxLength', 'SendLocalListMaxLength'];
const inAnHour = () => new Date(Date.now() + 3600000).toISOString();

async function supported(rig: ReturnType<typeof makeStation>): Promise<string> {
  const conf = (await rig.csms.call('GetConfiguration', { key: ['SupportedFeatureProfiles'] }))[2];
  return conf.configurationKey[0].value;
}

test('every built-in feature profile is served and reported; a CSMS cannot change the list, nor can the settings', async () => {
  const rig = makeStation({ configuration: { SupportedFeatureProfiles: 'Core' } });
  await startOnline(rig);
  assert.equal(await supported(rig), ALL);
  assert.equal((await rig.csms.call('ChangeConfiguration', { key: 'SupportedFeatureProfiles', value: 'Core' }))[2].status, 'Rejected');
  const keys = (await rig.csms.call('GetConfiguration', { key: PROFILE_KEYS }))[2];
  assert.deepEqual(keys.unknownKey, undefined);
  assert.equal(keys.configurationKey.length, PROFILE_KEYS.length);
});

test('disabledFeatureProfiles: each profile switched off answers NotSupported, its keys are unknown, GetLocalListVersion -1', async () => {
  const rig = makeStation({ disabledFeatureProfiles: 'FirmwareManagement, LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger' });
  await startOnline(rig);
  assert.equal(await supported(rig), 'Core');
  const calls: [string, any][] = [
    ['ReserveNow', { connectorId: 1, expiryDate: inAnHour(), idTag: 'A', reservationId: 1 }],
    ['CancelReservation', { reservationId: 1 }],
    ['SetChargingProfile', { connectorId: 0, csChargingProfiles: { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] } } }],
    ['ClearChargingProfile', {}],
    ['GetCompositeSchedule', { connectorId: 1, duration: 60 }],
    ['UpdateFirmware', { location: 'http://example.com/fw.js', retrieveDate: inAnHour() }],
    ['GetDiagnostics', { location: 'http://example.com/up' }],
    ['TriggerMessage', { requestedMessage: 'Heartbeat' }],
  ];
  for (const [action, payload] of calls) {
    const answer = await rig.csms.call(action, payload);
    assert.deepEqual([answer[0], answer[2]], [4, 'NotSupported'], action);
  }
  // Section 5.10: -1 for a charge point without a local list; UpdateStatus NotSupported.
  assert.deepEqual((await rig.csms.call('GetLocalListVersion', {}))[2], { listVersion: -1 });
  assert.deepEqual((await rig.csms.call('SendLocalList', { listVersion: 1, updateType: 'Full', localAuthorizationList: [] }))[2], { status: 'NotSupported' });
  const keys = (await rig.csms.call('GetConfiguration', { key: PROFILE_KEYS }))[2];
  assert.deepEqual(keys.unknownKey, PROFILE_KEYS);
  const all = (await rig.csms.call('GetConfiguration', {}))[2].configurationKey.map((k: any) => k.key);
  for (const key of PROFILE_KEYS) assert.equal(all.indexOf(key), -1, key + ' not listed');
  assert.equal((await rig.csms.call('ChangeConfiguration', { key: 'LocalAuthListEnabled', value: 'false' }))[2].status, 'NotSupported');
  // Without Smart Charging a RemoteStartTransaction's profile is ignored (section 5.11), whatever its purpose.
  const remote = await rig.csms.call('RemoteStartTransaction', { idTag: 'R', connectorId: 1, chargingProfile: { chargingProfileId: 2, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] } } });
  assert.equal(remote[2].status, 'Accepted');
  rig.hw.connector(1).plugIn();
  const start = await rig.csms.next('StartTransaction');
  assert.equal(start[3].idTag, 'R');
  assert.equal(rig.hw.connector(1).currentLimit(), 32, 'no limit from the ignored profile');
  // The security extension is no feature profile: still served.
  assert.equal((await rig.csms.call('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' }))[2].status, 'NotFound');
});

test('one profile switched off leaves the others; Core cannot be switched off, an unknown name is a warning', async () => {
  const rig = makeStation({ disabledFeatureProfiles: 'Reservation,Core,Bogus' });
  await startOnline(rig);
  assert.equal(await supported(rig), 'Core,FirmwareManagement,LocalAuthListManagement,SmartCharging,RemoteTrigger');
  assert.equal((await rig.csms.call('ReserveNow', { connectorId: 1, expiryDate: inAnHour(), idTag: 'A', reservationId: 1 }))[2], 'NotSupported');
  assert.equal((await rig.csms.call('GetLocalListVersion', {}))[2].listVersion, 0);
  assert.equal((await rig.csms.call('TriggerMessage', { requestedMessage: 'Heartbeat' }))[2].status, 'Accepted');
  const warnings = rig.host.logs.filter((l) => /disabledFeatureProfiles/.test(l.text)).map((l) => l.text);
  assert.deepEqual(warnings, ['disabledFeatureProfiles: Core cannot be switched off', 'disabledFeatureProfiles: Bogus is no OCPP 1.6 feature profile']);
  assert.ok(rig.host.logs.some((l) => l.text === 'feature reservation (Reservation) switched off by the settings'));
});

test('a station composed of the features it is given: Core and Remote Trigger only', async () => {
  const core = makeStation({}, {}, undefined, [remoteTriggerFeature]);
  const station = core.station;
  await startOnline(core);
  assert.equal(await supported(core), 'Core,RemoteTrigger');
  assert.equal((await core.csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }))[2].status, 'Accepted');
  await sleep(0);
  assert.equal((await core.csms.call('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' }))[2], 'NotSupported', 'no security extension');
  assert.equal((await core.csms.call('ExtendedTriggerMessage', { requestedMessage: 'Heartbeat' }))[2], 'NotSupported');
  assert.equal(station.features.security, undefined);
});
