// Smart Charging profile (OCPP 1.6 sections 3.13, 5.5, 5.7, 5.16): the charging profiles
// the CSMS installs (SetChargingProfile, ClearChargingProfile), the composite schedule
// they make (GetCompositeSchedule), and the current limit that follows from them, applied
// to each connector's hardware (hal/hardware.ts setCurrentLimit) — so the simulated EV
// draws less and Current.Offered / Power.Active.Import in the meter values show it.
//
// How profiles combine, at any instant, for connector n:
//   - transaction limit: the TxProfile of the running transaction if one is in force, else
//     the TxDefaultProfile of connector n, else the TxDefaultProfile of connector 0;
//     within one purpose the highest stackLevel whose schedule has a period now wins;
//   - ChargePointMaxProfile (connector 0) caps the whole charge point: its limit is shared
//     equally by the connectors with a transaction;
//   - the result is the lowest of these and the connector's hardware maximum.
// Limits in W become A with the period's numberPhases (3 when absent) and the meter's
// voltage. Profiles are kept in storage (charging-profiles.json); a TxProfile ends with
// its transaction. SetChargingProfile's table and the evaluation that sets the limits are
// resident; ClearChargingProfile and GetCompositeSchedule are the part
// smart-charging-requests.ts (src/lib/parts.ts), opened for the CALL.
import { Connector } from '../core/connector';
import { Routes } from '../routes';
import { loadList, saveList } from '../../lib/stored-list';
import { ChargingRateUnit, profileAt, convertLimit, roundLimit, checkProfile } from '../../lib/charging-schedule';
import { ChargingProfile, ChargingProfilePurposeType as ChargingProfilePurpose, ChargingProfileStatus } from '../../ocpp/v16/generated/types';
import { TurnHolder } from '../../lib/turn-holder';
import { smartChargingRequestsPart } from './smart-charging-requests-part';
import type { ChargingProfiles, Installed, Limit, SmartChargingContext, SmartChargingRequests } from './smart-charging-requests';
export type { SmartChargingContext };

const FILE = 'charging-profiles.json';
const DEFAULT_PHASES = 3;
/** Longest single timer (host timers stop at about 24.8 days); the limit is re-evaluated then. */
const MAX_WAIT_MS = 86400000;

export class SmartCharging implements ChargingProfiles {
  /** The installed profiles (ClearChargingProfile removes some: smart-charging-requests.ts). */
  installed: Installed[] = [];
  private timer: { cancel(): void } | null = null;
  private applying = false;
  /** TxProfiles of accepted remote starts, waiting for their transaction. */
  private remoteStarts: { connectorId: number; idTag: string; profile: ChargingProfile }[] = [];

  private readonly requests: TurnHolder<ChargingProfiles, SmartChargingRequests>;

  constructor(readonly station: SmartChargingContext) {
    // Section 9.4.
    station.config.addKeys({
      ChargeProfileMaxStackLevel: { value: '8', kind: 'int', readonly: true },
      ChargingScheduleAllowedChargingRateUnit: { value: 'Current,Power', kind: 'csl', readonly: true },
      ChargingScheduleMaxPeriods: { value: '24', kind: 'int', readonly: true },
      MaxChargingProfilesInstalled: { value: '16', kind: 'int', readonly: true },
    });
    this.load();
    this.requests = new TurnHolder<ChargingProfiles, SmartChargingRequests>(station.hal, smartChargingRequestsPart, this);
  }

  routes(): Routes {
    return {
      SetChargingProfile: { on: (p) => ({ status: this.set(p.connectorId, p.csChargingProfiles) }) },
      ClearChargingProfile: { on: (p) => ({ status: this.requests.open('ClearChargingProfile').clear(p) }) },
      GetCompositeSchedule: { on: (p) => this.requests.open('GetCompositeSchedule').composite(p.connectorId, p.duration, p.chargingRateUnit) },
    };
  }

  /** Installed profiles (connector, profile), for tests and diagnostics. */
  chargingProfiles(): { connectorId: number; profile: ChargingProfile }[] {
    return this.installed.map((i) => ({ connectorId: i.connectorId, profile: i.profile }));
  }

  /** SetChargingProfile (section 5.16). */
  set(connectorId: number, profile: ChargingProfile): ChargingProfileStatus {
    const why = this.refusal(connectorId, profile);
    const name = profile.chargingProfilePurpose + ' ' + profile.chargingProfileId + ' (stack level ' + profile.stackLevel + ')';
    if (why) {
      this.station.hal.log.info('SetChargingProfile ' + name + ' on connector ' + connectorId + ' rejected: ' + why);
      return 'Rejected';
    }
    // Replaced: the profile with the same id, and the one with the same purpose and stack level on the connector.
    this.installed = this.installed.filter(
      (i) =>
        i.profile.chargingProfileId !== profile.chargingProfileId &&
        !(i.connectorId === connectorId && i.profile.stackLevel === profile.stackLevel && i.profile.chargingProfilePurpose === profile.chargingProfilePurpose)
    );
    if (this.installed.length >= this.station.config.getInt('MaxChargingProfilesInstalled')) {
      this.station.hal.log.info('SetChargingProfile ' + name + ' rejected: MaxChargingProfilesInstalled reached');
      this.load(); // undo the replacement
      return 'Rejected';
    }
    const copy: ChargingProfile = JSON.parse(JSON.stringify(profile));
    if (copy.chargingProfilePurpose === 'TxProfile' && copy.transactionId === undefined) {
      const c = this.connector(connectorId);
      const id = c ? c.transactionId() : undefined;
      if (id !== undefined) copy.transactionId = id;
    }
    this.installed.push({ connectorId, installedAt: this.station.hal.now(), profile: copy });
    this.save();
    this.station.hal.log.info('charging profile ' + name + ' installed on connector ' + connectorId);
    this.apply();
    return 'Accepted';
  }

  /** A TxProfile that came with a RemoteStartTransaction: installed when that transaction starts on the connector. */
  forRemoteStart(connectorId: number, idTag: string, profile: ChargingProfile): void {
    this.remoteStarts = this.remoteStarts.filter((r) => r.connectorId !== connectorId);
    this.remoteStarts.push({ connectorId, idTag, profile });
  }

  /** A connector changed (transaction started or ended): its TxProfiles end with the transaction; limits follow. */
  connectorChanged(c: Connector): void {
    if (this.applying) return;
    const tx = c.transaction;
    for (let i = 0; tx && i < this.remoteStarts.length; i++) {
      const r = this.remoteStarts[i];
      if (r.connectorId !== c.id) continue;
      this.remoteStarts.splice(i, 1);
      if (r.idTag === tx.idTag && this.set(c.id, r.profile) !== 'Accepted') this.station.hal.log.warning('connector ' + c.id + ': the remote start\'s charging profile was not installed');
      break;
    }
    if (!tx) {
      const before = this.installed.length;
      this.installed = this.installed.filter((i) => !(i.connectorId === c.id && i.profile.chargingProfilePurpose === 'TxProfile'));
      if (this.installed.length !== before) {
        this.save();
        this.station.hal.log.info('connector ' + c.id + ': the transaction\'s TxProfile ended with it');
      }
    }
    this.apply();
  }

  /** Sets every connector's current limit for now, and a timer for the next change. */
  apply(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
    const hal = this.station.hal;
    const now = hal.now();
    let next = Infinity;
    this.applying = true;
    try {
      const connectors = this.station.connectors;
      for (let i = 0; i < connectors.length; i++) {
        const c = connectors[i];
        const l = this.limitAt(c.id, now, now);
        const amps = Math.min(c.hw.maxCurrentA, roundLimit(l.amps));
        if (c.transaction) next = Math.min(next, l.until); // no energy flows without one: its limit can wait for the start
        if (c.hw.currentLimit() === amps) continue;
        c.hw.setCurrentLimit(amps);
        hal.log.info('connector ' + c.id + ': current limit ' + amps + ' A');
        c.refresh(); // a limit of 0 suspends the EVSE
      }
    } finally {
      this.applying = false;
    }
    if (next === Infinity) return;
    this.timer = hal.setTimeout(() => {
      this.timer = null;
      this.apply();
    }, Math.min(Math.max(0, next - now), MAX_WAIT_MS));
  }

  stop(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
  }

  // ---- combining profiles ---------------------------------------------------------------

  /** The limit (A) for a connector (0: the charge point) at `at`; `origin`: Relative start when no transaction. */
  limitAt(connectorId: number, at: number, origin: number): Limit {
    const connectors = this.station.connectors;
    let hardwareMax = 0;
    let charging = 0;
    for (let i = 0; i < connectors.length; i++) {
      if (connectorId === 0 || connectors[i].id === connectorId) hardwareMax += connectors[i].hw.maxCurrentA;
      if (connectors[i].transaction) charging++;
    }
    let result: Limit = { amps: hardwareMax, phases: DEFAULT_PHASES, until: Infinity };
    const cap = (l: Limit | null, share: number) => {
      if (!l) return;
      result.until = Math.min(result.until, l.until);
      if (l.amps >= 0 && l.amps / share < result.amps) result = { amps: l.amps / share, phases: l.phases, until: result.until };
    };
    const max = this.stack('ChargePointMaxProfile', 0, at, origin, undefined);
    if (connectorId === 0) {
      cap(max, 1);
      return result;
    }
    const c = this.connector(connectorId);
    if (!c) return result;
    const tx = c.transaction;
    const txOrigin = tx ? tx.startedAt : origin;
    // The first layer with a period in force now decides; the ones above it tell when that may change.
    const layers: [ChargingProfilePurpose, number][] = [['TxDefaultProfile', connectorId], ['TxDefaultProfile', 0]];
    if (tx) layers.unshift(['TxProfile', connectorId]);
    let until = Infinity;
    for (let i = 0; i < layers.length; i++) {
      const l = this.stack(layers[i][0], layers[i][1], at, txOrigin, c.transactionId());
      if (!l) continue;
      until = Math.min(until, l.until);
      if (l.amps < 0) continue;
      cap(l, 1);
      break;
    }
    result.until = Math.min(result.until, until);
    cap(max, Math.max(1, charging));
    return result;
  }

  /**
   * The highest stack level of one purpose on one connector that has a period at `at`.
   * amps < 0: no profile of the stack has one now (until: when one may).
   * null: the connector has no profile of this purpose.
   */
  private stack(purpose: ChargingProfilePurpose, connectorId: number, at: number, origin: number, transactionId: number | undefined): Limit | null {
    const candidates = this.installed.filter(
      (i) =>
        i.connectorId === connectorId &&
        i.profile.chargingProfilePurpose === purpose &&
        (purpose !== 'TxProfile' || i.profile.transactionId === undefined || i.profile.transactionId === transactionId)
    );
    if (!candidates.length) return null;
    candidates.sort((a, b) => b.profile.stackLevel - a.profile.stackLevel);
    let until = Infinity;
    const voltage = this.voltage();
    for (let i = 0; i < candidates.length; i++) {
      const state = profileAt(candidates[i].profile, at, origin, candidates[i].installedAt);
      until = Math.min(until, state.until);
      if (!state.period) continue;
      const phases = state.period.numberPhases || DEFAULT_PHASES;
      return { amps: convertLimit(state.period.limit, state.unit, 'A', voltage, phases), phases, until };
    }
    return { amps: -1, phases: DEFAULT_PHASES, until };
  }

  // ---- checks and storage ---------------------------------------------------------------

  private refusal(connectorId: number, profile: ChargingProfile): string {
    const config = this.station.config;
    if (connectorId < 0 || connectorId > this.station.connectors.length) return 'no connector ' + connectorId;
    const purpose = profile.chargingProfilePurpose;
    if (purpose === 'ChargePointMaxProfile' && connectorId !== 0) return 'a ChargePointMaxProfile belongs to connector 0';
    if (purpose === 'TxProfile') {
      const c = this.connector(connectorId);
      if (!c) return 'a TxProfile needs a connector with a transaction';
      if (!c.transaction) return 'no transaction on connector ' + connectorId;
      if (profile.transactionId !== undefined && profile.transactionId !== c.transactionId()) return 'transaction ' + profile.transactionId + ' is not running there';
    }
    return checkProfile(profile, {
      maxStackLevel: config.getInt('ChargeProfileMaxStackLevel'),
      maxPeriods: config.getInt('ChargingScheduleMaxPeriods'),
      allowedUnits: config.getList('ChargingScheduleAllowedChargingRateUnit'),
    });
  }

  private connector(id: number): Connector | null {
    const list = this.station.connectors;
    return id >= 1 && id <= list.length ? list[id - 1] : null;
  }

  /** A limit in `unit` at `voltage`, rounded as a schedule gives it. */
  limitIn(l: Limit, unit: ChargingRateUnit, voltage: number): number {
    return roundLimit(unit === 'A' ? l.amps : convertLimit(l.amps, 'A', 'W', voltage, l.phases));
  }

  voltage(): number {
    const c = this.station.connectors[0];
    const v = c ? c.hw.read().voltageV : 0;
    return v > 0 ? v : 230;
  }

  save(): void {
    saveList(this.station.hal.storage, FILE, this.installed);
  }

  private load(): void {
    this.installed = loadList<Installed>(this.station.hal.storage, this.station.hal.log, FILE, 'charging profiles');
  }
}
