// Charging profiles as time functions: which period is in force when, and until when.
import { test, assert } from '../../lib/harness';
import { ChargingProfile, profileAt, convertLimit, roundLimit, checkProfile } from '../../../src/lib/charging-schedule';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const MIN = 60000;

function profile(over: any): ChargingProfile {
  const p: any = {
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: {
      startSchedule: new Date(T0).toISOString(),
      chargingRateUnit: 'A',
      chargingSchedulePeriod: [
        { startPeriod: 0, limit: 16 },
        { startPeriod: 600, limit: 8, numberPhases: 1 },
      ],
    },
  };
  for (const k in over) p[k] = over[k];
  return p;
}

test('Absolute: before the start nothing, then each period until the next one begins; after duration nothing', () => {
  const p = profile({});
  p.chargingSchedule.duration = 1200;
  assert.deepEqual(profileAt(p, T0 - MIN, 0, 0), { period: null, unit: 'A', until: T0 });
  const first = profileAt(p, T0 + MIN, 0, 0);
  assert.equal(first.period!.limit, 16);
  assert.equal(first.until, T0 + 10 * MIN);
  const second = profileAt(p, T0 + 10 * MIN, 0, 0);
  assert.equal(second.period!.limit, 8);
  assert.equal(second.period!.numberPhases, 1);
  assert.equal(second.until, T0 + 20 * MIN, 'the schedule ends after its duration');
  assert.deepEqual(profileAt(p, T0 + 20 * MIN, 0, 0), { period: null, unit: 'A', until: Infinity });
});

test('Absolute without startSchedule starts when installed; Relative starts at the origin (the transaction start)', () => {
  const p = profile({});
  delete p.chargingSchedule.startSchedule;
  assert.equal(profileAt(p, T0 + 10 * MIN, 0, T0 + MIN).period!.limit, 16, 'installed at T0+1min: the second period begins at T0+11min');
  assert.equal(profileAt(p, T0 + 10 * MIN, 0, T0 + MIN).until, T0 + 11 * MIN);
  assert.equal(profileAt(p, T0 + 11 * MIN, 0, T0 + MIN).period!.limit, 8);
  const r = profile({ chargingProfileKind: 'Relative' });
  assert.equal(profileAt(r, T0 + 5 * MIN, T0, 0).period!.limit, 16);
  assert.equal(profileAt(r, T0 + 5 * MIN, T0 - 6 * MIN, 0).period!.limit, 8, 'a transaction begun 11 minutes ago is in the second period');
});

test('Recurring Daily repeats the schedule every day from the time of day of startSchedule; Weekly every 7 days', () => {
  const p = profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' });
  p.chargingSchedule.duration = 3600;
  const day = 24 * 60 * MIN;
  assert.equal(profileAt(p, T0 + 3 * day + 5 * MIN, 0, 0).period!.limit, 16);
  assert.equal(profileAt(p, T0 + 3 * day + 15 * MIN, 0, 0).period!.limit, 8);
  const gap = profileAt(p, T0 + 3 * day + 2 * 60 * MIN, 0, 0);
  assert.equal(gap.period, null, 'after the duration until the next day');
  assert.equal(gap.until, T0 + 4 * day);
  assert.equal(profileAt(p, T0 - day + 5 * MIN, 0, 0).period!.limit, 16, 'a recurrence is a time of day, also before the anchor');
  const w = profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Weekly' });
  w.chargingSchedule.duration = 3600;
  assert.equal(profileAt(w, T0 + day + 5 * MIN, 0, 0).period, null, 'weekly: not the next day');
  assert.equal(profileAt(w, T0 + 7 * day + 5 * MIN, 0, 0).period!.limit, 16, 'weekly: a week later');
});

test('validFrom / validTo bound the profile', () => {
  const p = profile({ validFrom: new Date(T0 + 5 * MIN).toISOString(), validTo: new Date(T0 + 15 * MIN).toISOString() });
  assert.deepEqual(profileAt(p, T0 + MIN, 0, 0), { period: null, unit: 'A', until: T0 + 5 * MIN });
  assert.equal(profileAt(p, T0 + 6 * MIN, 0, 0).period!.limit, 16);
  assert.equal(profileAt(p, T0 + 12 * MIN, 0, 0).until, T0 + 15 * MIN, 'the period ends at validTo');
  assert.equal(profileAt(p, T0 + 15 * MIN, 0, 0).period, null);
});

test('units: W = A × V × phases; limits round down to 0.1', () => {
  assert.equal(convertLimit(10, 'A', 'W', 230, 3), 6900);
  assert.equal(convertLimit(6900, 'W', 'A', 230, 3), 10);
  assert.equal(convertLimit(2300, 'W', 'A', 230, 1), 10);
  assert.equal(roundLimit(13.3333), 13.3);
  assert.equal(roundLimit(7.9999999999), 8);
});

test('checkProfile refuses what the station cannot honour', () => {
  const limits = { maxStackLevel: 8, maxPeriods: 2, allowedUnits: ['Current'] };
  assert.equal(checkProfile(profile({}), limits), '');
  assert.match(checkProfile(profile({ stackLevel: 9 }), limits), /ChargeProfileMaxStackLevel/);
  const w = profile({});
  w.chargingSchedule.chargingRateUnit = 'W';
  assert.match(checkProfile(w, limits), /not allowed/);
  const many = profile({});
  many.chargingSchedule.chargingSchedulePeriod.push({ startPeriod: 900, limit: 4 });
  assert.match(checkProfile(many, limits), /ChargingScheduleMaxPeriods/);
  const late = profile({});
  late.chargingSchedule.chargingSchedulePeriod[0].startPeriod = 10;
  assert.match(checkProfile(late, limits), /start at 0/);
  const unordered = profile({});
  unordered.chargingSchedule.chargingSchedulePeriod[1].startPeriod = 0;
  assert.match(checkProfile(unordered, limits), /ascending/);
  assert.match(checkProfile(profile({ chargingProfileKind: 'Recurring' }), limits), /recurrencyKind/);
  assert.match(checkProfile(profile({ validFrom: '2026-11-25T10:00:00Z', validTo: '2026-11-25T09:00:00Z' }), limits), /validTo/);
});
