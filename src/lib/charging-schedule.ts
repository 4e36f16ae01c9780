// Charging profiles as time functions (OCPP 1.6 section 3.13, OCPP 2.0.1 K01): which period
// of a profile's schedule is in force at an instant, and until when. Pure logic, no state:
// the station's smart charging keeps the installed profiles and combines them. The types
// are the fields both versions' profiles share, so a 1.6 ChargingProfile is one as it is
// and a 2.0.1 one is with one of its chargingSchedule entries as `chargingSchedule`.
//
// A schedule's periods start `startPeriod` seconds after the schedule's start, which is
//   Absolute:  startSchedule (the time the profile was installed when none is given),
//   Relative:  the start of the transaction (or the `origin` the caller gives),
//   Recurring: startSchedule moved by whole days (Daily) or weeks (Weekly) to the last
//              recurrence at or before the instant.
// It ends after `duration` seconds (when given), and the profile only counts between
// validFrom and validTo.

import { ChargingProfileKindType, ChargingRateUnitType, RecurrencyKindType } from '../ocpp/v16/generated/types';
import { ChargingProfileKindEnum, ChargingRateUnitEnum, RecurrencyKindEnum } from '../ocpp/v201/generated/types';

/** A limit's unit: amperes or watts. */
export type ChargingRateUnit = ChargingRateUnitType | ChargingRateUnitEnum;
export type ChargingProfileKind = ChargingProfileKindType | ChargingProfileKindEnum;

export interface ChargingSchedulePeriod {
  /** Seconds from the schedule's start. */
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

export interface ChargingSchedule {
  /** Seconds. */
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: ChargingRateUnit;
  chargingSchedulePeriod: ChargingSchedulePeriod[];
}

export interface ChargingProfile {
  stackLevel: number;
  chargingProfileKind: ChargingProfileKind;
  recurrencyKind?: RecurrencyKindType | RecurrencyKindEnum;
  validFrom?: string;
  validTo?: string;
  chargingSchedule: ChargingSchedule;
}

/** What a profile says at an instant. */
export interface ProfileState {
  /** The period in force, or null: the profile says nothing now. */
  period: ChargingSchedulePeriod | null;
  unit: ChargingRateUnit;
  /** The next instant (ms) at which this may change; Infinity: never. */
  until: number;
}

const DAY_MS = 86400000;

/** ISO date-time → ms; undefined (absent or unreadable) → fallback. */
function time(iso: string | undefined, fallback: number): number {
  if (!iso) return fallback;
  const ms = Date.parse(iso);
  return isNaN(ms) ? fallback : ms;
}

/**
 * The period of `profile` in force at `at` (ms).
 * @param origin start of a Relative schedule (the transaction's start), ms
 * @param installedAt when the profile was installed: an Absolute schedule without startSchedule starts then
 */
export function profileAt(profile: ChargingProfile, at: number, origin: number, installedAt: number): ProfileState {
  const schedule = profile.chargingSchedule;
  const unit = schedule.chargingRateUnit;
  const validFrom = time(profile.validFrom, -Infinity);
  const validTo = time(profile.validTo, Infinity);
  if (at >= validTo) return { period: null, unit, until: Infinity };
  if (at < validFrom) return { period: null, unit, until: validFrom };

  let start: number;
  let recurrence = Infinity; // length of one recurrence, ms
  if (profile.chargingProfileKind === 'Relative') {
    start = origin;
  } else if (profile.chargingProfileKind === 'Recurring') {
    recurrence = profile.recurrencyKind === 'Weekly' ? 7 * DAY_MS : DAY_MS;
    const anchor = time(schedule.startSchedule, installedAt);
    start = anchor + Math.floor((at - anchor) / recurrence) * recurrence;
  } else {
    start = time(schedule.startSchedule, installedAt);
  }
  if (at < start) return { period: null, unit, until: Math.min(start, validTo) };

  const offset = at - start;
  const end = start + Math.min(schedule.duration !== undefined ? schedule.duration * 1000 : Infinity, recurrence);
  const nextRecurrence = start + recurrence;
  if (at >= end) return { period: null, unit, until: Math.min(nextRecurrence, validTo) };

  const periods = schedule.chargingSchedulePeriod;
  let current: ChargingSchedulePeriod | null = null;
  let next = Infinity;
  for (let i = 0; i < periods.length; i++) {
    const begins = periods[i].startPeriod * 1000;
    if (begins <= offset) {
      if (!current || periods[i].startPeriod >= current.startPeriod) current = periods[i];
    } else if (start + begins < next) {
      next = start + begins;
    }
  }
  // Before the first period (a schedule whose first period does not start at 0): nothing yet.
  return { period: current, unit, until: Math.min(next, end, validTo) };
}

/** A limit in `to` units: W = A × V × phases. */
export function convertLimit(limit: number, from: ChargingRateUnit, to: ChargingRateUnit, voltageV: number, phases: number): number {
  if (from === to) return limit;
  return from === 'A' ? limit * voltageV * phases : limit / (voltageV * phases);
}

/** A limit as OCPP carries it: a multiple of 0.1, rounded down (never above what was allowed). */
export function roundLimit(limit: number): number {
  return Math.floor(limit * 10 + 1e-9) / 10;
}

/** Why a profile cannot be installed, or '' when it is well-formed. Limits come from the configuration. */
export function checkProfile(
  profile: ChargingProfile,
  limits: { maxStackLevel: number; maxPeriods: number; allowedUnits: string[] }
): string {
  const schedule = profile.chargingSchedule;
  const periods = schedule.chargingSchedulePeriod;
  if (profile.stackLevel < 0 || profile.stackLevel > limits.maxStackLevel) return 'stackLevel ' + profile.stackLevel + ' beyond ChargeProfileMaxStackLevel ' + limits.maxStackLevel;
  if (limits.allowedUnits.indexOf(schedule.chargingRateUnit === 'A' ? 'Current' : 'Power') < 0) return 'chargingRateUnit ' + schedule.chargingRateUnit + ' not allowed';
  if (!periods.length) return 'no chargingSchedulePeriod';
  if (periods.length > limits.maxPeriods) return periods.length + ' periods, ChargingScheduleMaxPeriods is ' + limits.maxPeriods;
  if (periods[0].startPeriod !== 0) return 'the first period must start at 0';
  for (let i = 0; i < periods.length; i++) {
    if (i > 0 && periods[i].startPeriod <= periods[i - 1].startPeriod) return 'periods must start in ascending order';
    if (periods[i].limit < 0) return 'negative limit';
    const phases = periods[i].numberPhases;
    if (phases !== undefined && (phases < 1 || phases > 3)) return 'numberPhases must be 1 to 3';
  }
  if (schedule.duration !== undefined && schedule.duration < 0) return 'negative duration';
  if (profile.chargingProfileKind === 'Recurring' && (!profile.recurrencyKind || !schedule.startSchedule)) return 'a Recurring profile needs recurrencyKind and startSchedule';
  if (profile.validFrom && profile.validTo && time(profile.validTo, 0) <= time(profile.validFrom, 0)) return 'validTo before validFrom';
  return '';
}
