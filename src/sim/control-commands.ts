// The version-neutral part of the simulator's control (README "Control API"): what a driver
// and an electrician do to the simulated hardware (sim-hardware.ts) — plug a cable in, pull
// it (at the station or at the car), make the EV pause, raise a fault — and the connectors'
// hardware state. The station's part (presenting a card, the status, the transaction, the
// registration) is its OCPP version's: control.ts for 1.6, control-201.ts for 2.0.1, each a
// ControlledStation.
//
// Requests are objects { command, ...arguments }; replies { ok: true, ... } or
// { ok: false, error, reason } where reason is 'bad-request' | 'not-found' | 'conflict' (the
// host maps them to HTTP 400 / 404 / 409). Every command is applied to the hardware before
// the reply; the OCPP traffic it causes follows on later turns.
import { Hal } from '../../hal/index';
import { HardwareError, HARDWARE_ERRORS } from '../../hal/hardware';
import { SimHardware, SimConnector, SimEv } from './sim-hardware';

export interface ControlReply {
  ok: boolean;
  error?: string;
  reason?: 'bad-request' | 'not-found' | 'conflict';
  [key: string]: unknown;
}

/** A connector as the station (not the hardware) knows it. */
export interface StationConnectorState {
  /** The last status the station reported (its OCPP version's). */
  status: string | null;
  /** Energy flows in a transaction (1.6: the status Charging; 2.0.1: the transaction's chargingState Charging). */
  charging: boolean;
  transactionId: string | number | null;
  /** Of the transaction, or of the authorization waiting for the cable. */
  idTag: string | null;
  /** The meter register when the transaction started, or null without one. */
  meterStartWh: number | null;
}

/** The station's side of the control, per OCPP version. */
export interface ControlledStation {
  readonly registration: string | null;
  readonly connected: boolean;
  /** The longest idTag the version's IdToken takes. */
  readonly idTagMaxLength: number;
  connectorState(id: number): StationConnectorState;
  /**
   * A card at the reader serving `ids`: the station picks the connector (see README) and
   * presents the idTag there; the connector, or null when none can take it.
   */
  presentIdTag(idTag: string, ids: number[]): number | null;
  /** The network is back: connect now, not after the backoff. */
  connectNow(): void;
}

/** Serves the host's control member (when it has one); `changes` subscribes to the station's changes. */
export function listenForControl(hal: Hal, station: ControlledStation, hw: SimHardware, changes: (changed: () => void) => void): void {
  const control = hal.control;
  if (!control) return;
  control.listen((request) => simulatorCommand(station, hw, request));
  changes(() => control.changed());
}

export function fail(reason: ControlReply['reason'], error: string): ControlReply {
  return { ok: false, error, reason };
}

/** One command (see the module comment); never throws. */
export function simulatorCommand(station: ControlledStation, hw: SimHardware, request: any): ControlReply {
  if (!request || typeof request !== 'object') return fail('bad-request', 'a command is an object');
  const command = request.command;
  if (command === 'state') return stationState(station, hw);
  if (command === 'network') {
    // The host cuts and restores the sockets; back up, the station connects at once.
    if (request.up === true) station.connectNow();
    return { ok: true };
  }
  if (command === 'present-id-tag') return presentIdTag(station, hw, request);
  const known = command === 'plug-in' || command === 'unplug' || command === 'ev-requests' || command === 'fault';
  if (!known) return fail('not-found', 'unknown command "' + command + '"');
  const id = request.connectorId;
  if (typeof id !== 'number' || id % 1 !== 0) return fail('bad-request', 'connectorId must be a whole number');
  if (id < 1 || id > hw.connectorCount) return noConnector(id, hw);
  const sim = hw.connector(id);
  switch (command) {
    case 'plug-in':
      return plugIn(sim, request.ev);
    case 'unplug':
      return unplug(sim, request.evSide);
    case 'ev-requests':
      if (typeof request.value !== 'boolean') return fail('bad-request', 'value must be true (resume) or false (pause)');
      if (!sim.plugged()) return fail('conflict', 'no EV is plugged in at connector ' + id);
      sim.setEvRequests(request.value);
      return { ok: true };
    default:
      return fault(sim, request.errorCode, request.vendorErrorCode);
  }
}

function noConnector(id: number, hw: SimHardware): ControlReply {
  return fail('not-found', 'no connector ' + id + ' (the station has 1 to ' + hw.connectorCount + ')');
}

function plugIn(sim: SimConnector, ev: any): ControlReply {
  if (sim.plugged()) return fail('conflict', 'a cable is already plugged in at connector ' + sim.id);
  let given: Partial<SimEv> | undefined;
  if (ev !== undefined && ev !== null) {
    if (typeof ev !== 'object') return fail('bad-request', 'ev must be an object {maxCurrentA?, socPercent?, batteryWh?}');
    given = {};
    const fields: ('maxCurrentA' | 'socPercent' | 'batteryWh')[] = ['maxCurrentA', 'socPercent', 'batteryWh'];
    for (let i = 0; i < fields.length; i++) {
      const v = ev[fields[i]];
      if (v === undefined) continue;
      const range = fields[i] === 'socPercent' ? v >= 0 && v <= 100 : v > 0;
      if (typeof v !== 'number' || !range) return fail('bad-request', 'ev.' + fields[i] + (fields[i] === 'socPercent' ? ' must be 0 to 100' : ' must be a number above 0'));
      given[fields[i]] = v;
    }
  }
  sim.plugIn(given);
  return { ok: true };
}

function unplug(sim: SimConnector, evSide: any): ControlReply {
  if (evSide !== undefined && typeof evSide !== 'boolean') return fail('bad-request', 'evSide must be true or false');
  if (!sim.plugged()) return fail('conflict', 'no cable is plugged in at connector ' + sim.id);
  if (!sim.unplug(evSide === true)) {
    return fail('conflict', 'the cable is locked at connector ' + sim.id + ' (a transaction holds it): stop it first, or pull the cable at the car (evSide: true)');
  }
  return { ok: true };
}

function fault(sim: SimConnector, errorCode: any, vendorErrorCode: any): ControlReply {
  if (typeof errorCode !== 'string' || HARDWARE_ERRORS.indexOf(errorCode as HardwareError) < 0) {
    return fail('bad-request', 'errorCode must be one of ' + HARDWARE_ERRORS.join(', '));
  }
  if (vendorErrorCode !== undefined && (typeof vendorErrorCode !== 'string' || vendorErrorCode.length > 50)) {
    return fail('bad-request', 'vendorErrorCode must be text of at most 50 characters');
  }
  sim.setFault(errorCode as HardwareError, vendorErrorCode);
  return { ok: true };
}

/** A card at the reader serving `connectorIds` (default: every connector); the station picks the connector. */
function presentIdTag(station: ControlledStation, hw: SimHardware, request: any): ControlReply {
  const idTag = request.idTag;
  const max = station.idTagMaxLength;
  if (typeof idTag !== 'string' || idTag.length < 1 || idTag.length > max) return fail('bad-request', 'idTag must be text of 1 to ' + max + ' characters (OCPP IdToken)');
  let ids: number[] = [];
  if (request.connectorIds === undefined) {
    for (let i = 1; i <= hw.connectorCount; i++) ids.push(i);
  } else {
    const given = request.connectorIds;
    if (Object.prototype.toString.call(given) !== '[object Array]' || given.length === 0) return fail('bad-request', 'connectorIds must be a list of connector numbers');
    for (let i = 0; i < given.length; i++) {
      const id = given[i];
      if (typeof id !== 'number' || id % 1 !== 0) return fail('bad-request', 'connectorIds must be whole numbers');
      if (id < 1 || id > hw.connectorCount) return noConnector(id, hw);
    }
    ids = given;
  }
  const chosen = station.presentIdTag(idTag, ids);
  if (chosen === null) return fail('conflict', 'no connector of ' + ids.join(', ') + ' can take idTag ' + idTag + ' (busy, faulted or unavailable)');
  return { ok: true, connectorId: chosen };
}

/**
 * The connector the station's reader gives a card: among `ids`, the one whose transaction
 * or pending authorization has this idTag (stop / cancel), else the first with a cable and
 * no authorization, else the first free one; null when none.
 */
export function pickConnector(ids: number[], hw: SimHardware, holds: (id: number) => boolean, free: (id: number) => boolean): number | null {
  for (let i = 0; i < ids.length; i++) if (holds(ids[i])) return ids[i];
  for (let i = 0; i < ids.length; i++) if (free(ids[i]) && hw.connector(ids[i]).plugged()) return ids[i];
  for (let i = 0; i < ids.length; i++) if (free(ids[i])) return ids[i];
  return null;
}

/** The station as the control API shows it. */
export function stationState(station: ControlledStation, hw: SimHardware): ControlReply {
  const connectors: object[] = [];
  for (let id = 1; id <= hw.connectorCount; id++) {
    const sim = hw.connector(id);
    const reading = sim.read();
    const ev = sim.evState();
    const c = station.connectorState(id);
    connectors.push({
      id,
      status: c.status,
      charging: c.charging,
      plugged: sim.plugged(),
      locked: sim.locked(),
      evRequests: ev ? ev.requests : false,
      error: sim.error(),
      transactionId: c.transactionId,
      idTag: c.idTag,
      energyWh: reading.energyWh,
      sessionWh: c.meterStartWh !== null ? Math.max(0, reading.energyWh - c.meterStartWh) : 0,
      powerW: reading.powerW,
      socPercent: ev ? ev.socPercent : null,
    });
  }
  return { ok: true, registration: station.registration, connected: station.connected, connectors };
}
