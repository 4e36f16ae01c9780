// ClearChargingProfile (OCPP 1.6 section 5.5) and GetCompositeSchedule (section 5.7) on the
// station's charging profiles (smart-charging.ts, resident with SetChargingProfile and the
// evaluation that sets the limits). The part smart-charging-requests-part.ts (src/lib/parts.ts),
// opened for the CALL and let go on a later turn.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';
import type { ChargingRateUnit } from '../../lib/charging-schedule';
import { ChargingProfile, ChargingProfilePurposeType as ChargingProfilePurpose, ClearChargingProfileStatus, GetCompositeScheduleResponse } from '../../ocpp/v16/generated/types';

export interface SmartChargingContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
}

export interface Installed {
  connectorId: number;
  /** Wall clock ms: the start of an Absolute schedule that gives no startSchedule. */
  installedAt: number;
  profile: ChargingProfile;
}

/** A connector's limit at an instant, and until when it holds. */
export interface Limit {
  amps: number;
  phases: number;
  until: number;
}

/** What the requests use of the station's charging profiles (smart-charging.ts's SmartCharging). */
export interface ChargingProfiles {
  readonly station: SmartChargingContext;
  installed: Installed[];
  save(): void;
  apply(): void;
  limitAt(connectorId: number, at: number, origin: number): Limit;
  voltage(): number;
  limitIn(l: Limit, unit: ChargingRateUnit, voltage: number): number;
}

export interface SmartChargingRequests {
  /** ClearChargingProfile: 'Unknown' when no profile matched. */
  clear(filter: { id?: number; connectorId?: number; chargingProfilePurpose?: ChargingProfilePurpose; stackLevel?: number }): ClearChargingProfileStatus;
  /** GetCompositeSchedule: the limits from now for `duration` seconds. */
  composite(connectorId: number, duration: number, unit?: ChargingRateUnit): GetCompositeScheduleResponse;
}

export function smartChargingRequests(smartCharging: ChargingProfiles): SmartChargingRequests {
  const station = smartCharging.station;
  return {
    clear: (filter) => {
      const before = smartCharging.installed.length;
      smartCharging.installed = smartCharging.installed.filter((i) => {
        if (filter.id !== undefined) return i.profile.chargingProfileId !== filter.id; // the id alone decides
        if (filter.connectorId !== undefined && i.connectorId !== filter.connectorId) return true;
        if (filter.chargingProfilePurpose !== undefined && i.profile.chargingProfilePurpose !== filter.chargingProfilePurpose) return true;
        if (filter.stackLevel !== undefined && i.profile.stackLevel !== filter.stackLevel) return true;
        return false;
      });
      const removed = before - smartCharging.installed.length;
      station.hal.log.info('ClearChargingProfile: ' + removed + ' profile(s) removed');
      if (!removed) return 'Unknown';
      smartCharging.save();
      smartCharging.apply();
      return 'Accepted';
    },
    composite: (connectorId, duration, unit) => {
      if (connectorId < 0 || connectorId > station.connectors.length || duration < 0) return { status: 'Rejected' };
      const wanted: ChargingRateUnit = unit || 'A';
      const start = station.hal.now();
      const end = start + duration * 1000;
      const voltage = smartCharging.voltage();
      const maxPeriods = Math.max(1, station.config.getInt('ChargingScheduleMaxPeriods'));
      const periods: { startPeriod: number; limit: number; numberPhases: number }[] = [];
      let t = start;
      while (t < end && periods.length <= maxPeriods) {
        const l = smartCharging.limitAt(connectorId, t, start);
        const limit = smartCharging.limitIn(l, wanted, voltage);
        const startPeriod = Math.round((t - start) / 1000);
        const last = periods[periods.length - 1];
        if (last && last.startPeriod === startPeriod) periods.pop();
        const previous = periods[periods.length - 1];
        if (!previous || previous.limit !== limit || previous.numberPhases !== l.phases) periods.push({ startPeriod, limit, numberPhases: l.phases });
        t = Math.max(l.until, t + 1000);
      }
      if (periods.length > maxPeriods) periods.length = maxPeriods;
      return {
        status: 'Accepted',
        connectorId,
        scheduleStart: new Date(start).toISOString(),
        chargingSchedule: { duration, chargingRateUnit: wanted, chargingSchedulePeriod: periods },
      };
    },
  };
}
