// Smart Charging through the station: SetChargingProfile / ClearChargingProfile /
// GetCompositeSchedule as the CSMS sends them, the limit on the (simulated) hardware, what
// the EV then draws and what the meter values show.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline, startCharging, Rig } from '../lib/station-harness';

const MEASURE = { MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import,Current.Offered', MeterValueSampleInterval: 10 };

function txDefault(id: number, stackLevel: number, periods: { startPeriod: number; limit: number; numberPhases?: number }[], over: any = {}): any {
  const p: any = {
    chargingProfileId: id,
    stackLevel,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { startSchedule: new Date(clock.now()).toISOString(), chargingRateUnit: 'A', chargingSchedulePeriod: periods },
  };
  for (const k in over) p[k] = over[k];
  return p;
}

async function setProfile(rig: Rig, connectorId: number, profile: any): Promise<string> {
  return (await rig.csms.call('SetChargingProfile', { connectorId, csChargingProfiles: profile }))[2].status;
}

function sampled(frame: any, measurand: string): number {
  const values = frame[3].meterValue[0].sampledValue;
  for (let i = 0; i < values.length; i++) if (values[i].measurand === measurand) return Number(values[i].value);
  throw new Error('no ' + measurand + ' in ' + JSON.stringify(frame[3]));
}

test('a TxDefaultProfile on connector 0 limits every transaction; the EV draws it and the meter values show it', async () => {
  const rig = makeStation({ configuration: MEASURE });
  await startOnline(rig);
  assert.equal(await setProfile(rig, 0, txDefault(1, 0, [{ startPeriod: 0, limit: 10 }])), 'Accepted');
  await startCharging(rig, 1);
  await sleep(0);
  assert.equal(rig.hw.connector(1).currentLimit(), 10);
  const mv = await rig.csms.next('MeterValues');
  assert.equal(sampled(mv, 'Current.Offered'), 10);
  assert.equal(sampled(mv, 'Power.Active.Import'), 10 * 230 * 3, 'the EV (16 A) draws the 10 A offered');
  const before = rig.hw.connector(1).read().energyWh;
  await sleep(600000);
  const drawn = rig.hw.connector(1).read().energyWh - before;
  assert.ok(Math.abs(drawn - 1150) <= 2, 'ten minutes at 10 A × 230 V × 3 = 1.15 kWh, got ' + drawn);
});

test('a TxProfile (in W) overrides the default for its transaction, a higher stack level wins, Clear returns to the default; the TxProfile ends with the transaction', async () => {
  const rig = makeStation({ configuration: MEASURE });
  await startOnline(rig);
  await setProfile(rig, 1, txDefault(1, 0, [{ startPeriod: 0, limit: 12 }]));
  const noTx = await setProfile(rig, 1, txDefault(2, 0, [{ startPeriod: 0, limit: 6 }], { chargingProfilePurpose: 'TxProfile' }));
  assert.equal(noTx, 'Rejected', 'a TxProfile needs a transaction');
  await startCharging(rig, 1);
  await sleep(0);
  assert.equal(rig.hw.connector(1).currentLimit(), 12);
  const tx = rig.station.connector(1)!.transactionId();
  const watts = txDefault(3, 0, [{ startPeriod: 0, limit: 4140 }], { chargingProfilePurpose: 'TxProfile', transactionId: tx });
  watts.chargingSchedule.chargingRateUnit = 'W';
  assert.equal(await setProfile(rig, 1, watts), 'Accepted');
  assert.equal(rig.hw.connector(1).currentLimit(), 6, '4140 W on 3 phases at 230 V');
  assert.equal(await setProfile(rig, 1, txDefault(4, 1, [{ startPeriod: 0, limit: 8 }], { chargingProfilePurpose: 'TxProfile' })), 'Accepted');
  assert.equal(rig.hw.connector(1).currentLimit(), 8, 'stack level 1 over stack level 0');
  assert.equal(await setProfile(rig, 1, txDefault(5, 0, [{ startPeriod: 0, limit: 6 }], { chargingProfilePurpose: 'TxProfile', transactionId: 9999 })), 'Rejected', 'another transaction');
  assert.deepEqual((await rig.csms.call('ClearChargingProfile', { chargingProfilePurpose: 'TxProfile', stackLevel: 1 }))[2], { status: 'Accepted' });
  assert.equal(rig.hw.connector(1).currentLimit(), 6, 'stack level 0 again');
  assert.deepEqual((await rig.csms.call('ClearChargingProfile', { id: 77 }))[2], { status: 'Unknown' });
  await rig.station.presentIdTag(1, 'TAG'); // stops
  await rig.csms.next('StopTransaction');
  const left = rig.station.features.smartCharging!.chargingProfiles().map((p) => p.profile.chargingProfileId);
  assert.deepEqual(left, [1], 'the TxProfile went with its transaction; the default stays');
  assert.equal(rig.hw.connector(1).currentLimit(), 12);
});

test('the limit follows the schedule over time: periods, duration, then the hardware maximum', async () => {
  const rig = makeStation();
  await startOnline(rig);
  const p = txDefault(1, 0, [
    { startPeriod: 0, limit: 16 },
    { startPeriod: 60, limit: 8 },
  ]);
  p.chargingSchedule.duration = 120;
  await setProfile(rig, 0, p);
  await startCharging(rig, 2);
  await sleep(0);
  assert.equal(rig.hw.connector(2).currentLimit(), 16);
  await sleep(61000);
  assert.equal(rig.hw.connector(2).currentLimit(), 8);
  await sleep(60000);
  assert.equal(rig.hw.connector(2).currentLimit(), 32, 'schedule over: the connector maximum');
});

test('a ChargePointMaxProfile caps the station: shared by the connectors that charge; a limit of 0 suspends the EVSE', async () => {
  const rig = makeStation();
  await startOnline(rig);
  const max = txDefault(9, 0, [{ startPeriod: 0, limit: 20 }], { chargingProfilePurpose: 'ChargePointMaxProfile' });
  assert.equal(await setProfile(rig, 1, max), 'Rejected', 'only on connector 0');
  assert.equal(await setProfile(rig, 0, max), 'Accepted');
  await startCharging(rig, 1);
  await sleep(0);
  assert.equal(rig.hw.connector(1).currentLimit(), 20);
  await startCharging(rig, 2, 'TAG2');
  await sleep(0);
  assert.equal(rig.hw.connector(1).currentLimit(), 10);
  assert.equal(rig.hw.connector(2).currentLimit(), 10);
  assert.equal(await setProfile(rig, 0, txDefault(9, 0, [{ startPeriod: 0, limit: 0 }], { chargingProfilePurpose: 'ChargePointMaxProfile' })), 'Accepted', 'same id: replaced');
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'SuspendedEVSE');
  assert.equal(rig.hw.connector(1).read().powerW, 0);
  rig.csms.inbox.length = 0;
  await rig.csms.call('ClearChargingProfile', {});
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'Charging');
});

test('GetCompositeSchedule: the combined limits from now, in A or W; Rejected for no such connector', async () => {
  const rig = makeStation();
  await startOnline(rig);
  const p = txDefault(1, 0, [
    { startPeriod: 0, limit: 16 },
    { startPeriod: 600, limit: 8 },
  ]);
  p.chargingSchedule.duration = 900;
  await setProfile(rig, 0, p);
  await setProfile(rig, 0, txDefault(2, 0, [{ startPeriod: 0, limit: 12 }], { chargingProfilePurpose: 'ChargePointMaxProfile' }));
  const a = (await rig.csms.call('GetCompositeSchedule', { connectorId: 1, duration: 1200 }))[2];
  assert.equal(a.status, 'Accepted');
  assert.equal(a.connectorId, 1);
  assert.equal(a.scheduleStart, new Date(clock.now()).toISOString());
  assert.deepEqual(a.chargingSchedule, {
    duration: 1200,
    chargingRateUnit: 'A',
    chargingSchedulePeriod: [
      { startPeriod: 0, limit: 12, numberPhases: 3 },
      { startPeriod: 600, limit: 8, numberPhases: 3 },
      { startPeriod: 900, limit: 12, numberPhases: 3 },
    ],
  });
  const w = (await rig.csms.call('GetCompositeSchedule', { connectorId: 1, duration: 300, chargingRateUnit: 'W' }))[2];
  assert.deepEqual(w.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 8280, numberPhases: 3 }]);
  const cp = (await rig.csms.call('GetCompositeSchedule', { connectorId: 0, duration: 60 }))[2];
  assert.deepEqual(cp.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 12, numberPhases: 3 }], 'connector 0: the station as a whole');
  assert.equal((await rig.csms.call('GetCompositeSchedule', { connectorId: 3, duration: 60 }))[2].status, 'Rejected');
});

test('SetChargingProfile refuses what the keys do not allow; profiles survive a reboot', async () => {
  const rig = makeStation({ configuration: { MaxChargingProfilesInstalled: 2 } });
  await startOnline(rig);
  assert.equal(await setProfile(rig, 0, txDefault(1, 9, [{ startPeriod: 0, limit: 10 }])), 'Rejected', 'stack level above ChargeProfileMaxStackLevel 8');
  assert.equal(await setProfile(rig, 3, txDefault(1, 0, [{ startPeriod: 0, limit: 10 }])), 'Rejected', 'no connector 3');
  const periods = [];
  for (let i = 0; i < 25; i++) periods.push({ startPeriod: i * 60, limit: 10 });
  assert.equal(await setProfile(rig, 0, txDefault(1, 0, periods)), 'Rejected', 'more than ChargingScheduleMaxPeriods 24');
  assert.equal(await setProfile(rig, 0, txDefault(1, 0, [{ startPeriod: 0, limit: 10 }])), 'Accepted');
  assert.equal(await setProfile(rig, 1, txDefault(2, 0, [{ startPeriod: 0, limit: 11 }])), 'Accepted');
  assert.equal(await setProfile(rig, 2, txDefault(3, 0, [{ startPeriod: 0, limit: 12 }])), 'Rejected', 'MaxChargingProfilesInstalled 2');
  assert.equal(await setProfile(rig, 1, txDefault(4, 0, [{ startPeriod: 0, limit: 13 }])), 'Accepted', 'same purpose and stack level on connector 1: replaces profile 2');
  const report = (await rig.csms.call('GetConfiguration', { key: ['ChargeProfileMaxStackLevel', 'ChargingScheduleAllowedChargingRateUnit', 'ChargingScheduleMaxPeriods', 'MaxChargingProfilesInstalled', 'SupportedFeatureProfiles'] }))[2];
  const values = report.configurationKey.map((k: any) => k.key + '=' + k.value + (k.readonly ? ' r' : ''));
  assert.deepEqual(values.slice(0, 4), ['ChargeProfileMaxStackLevel=8 r', 'ChargingScheduleAllowedChargingRateUnit=Current,Power r', 'ChargingScheduleMaxPeriods=24 r', 'MaxChargingProfilesInstalled=2 r']);
  assert.match(values[4], /SmartCharging/);
  rig.station.stop();
  const next = makeStation({}, rig.host.files);
  await startOnline(next);
  assert.deepEqual(next.station.features.smartCharging!.chargingProfiles().map((p) => p.profile.chargingProfileId).sort(), [1, 4]);
  assert.equal(next.hw.connector(1).currentLimit(), 13);
  assert.equal(next.hw.connector(2).currentLimit(), 10);
});

test('RemoteStartTransaction with a TxProfile: installed when its transaction starts; another purpose is Rejected', async () => {
  const rig = makeStation();
  await startOnline(rig);
  const wrong = txDefault(1, 0, [{ startPeriod: 0, limit: 7 }]);
  assert.equal((await rig.csms.call('RemoteStartTransaction', { idTag: 'R', connectorId: 1, chargingProfile: wrong }))[2].status, 'Rejected');
  const profile = txDefault(2, 0, [{ startPeriod: 0, limit: 7 }], { chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative' });
  delete profile.chargingSchedule.startSchedule;
  assert.equal((await rig.csms.call('RemoteStartTransaction', { idTag: 'R', connectorId: 1, chargingProfile: profile }))[2].status, 'Accepted');
  await sleep(0);
  assert.deepEqual(rig.station.features.smartCharging!.chargingProfiles(), [], 'not before the transaction');
  rig.hw.connector(1).plugIn();
  await rig.csms.next('StartTransaction');
  await sleep(0);
  assert.equal(rig.hw.connector(1).currentLimit(), 7);
  assert.equal(rig.station.features.smartCharging!.chargingProfiles()[0].profile.chargingProfileId, 2);
});

test('validFrom in the future: the limit changes when the profile becomes valid, and back at validTo', async () => {
  const rig = makeStation();
  await startOnline(rig);
  await startCharging(rig, 1);
  const p = txDefault(1, 0, [{ startPeriod: 0, limit: 9 }], {
    validFrom: new Date(clock.now() + 120000).toISOString(),
    validTo: new Date(clock.now() + 300000).toISOString(),
  });
  assert.equal(await setProfile(rig, 0, p), 'Accepted');
  assert.equal(rig.hw.connector(1).currentLimit(), 32, 'not valid yet');
  await sleep(121000);
  assert.equal(rig.hw.connector(1).currentLimit(), 9);
  await sleep(180000);
  assert.equal(rig.hw.connector(1).currentLimit(), 32, 'expired at validTo');
});
