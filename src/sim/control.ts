// Control of the simulated station from outside: what a driver and an electrician do to the
// simulated hardware (sim-hardware.ts) — plug a cable in, pull it (at the station or at
// the car), present a card, make the EV pause, raise a fault — and the station's state as the
// simulator's control API shows it.
//
// Two doors lead here: the host's optional control member (hal/host-abi.ts controlListen; the
// simulator's HTTP control API, README "Control API"), and, when the settings turn it on
// (simDataTransfer), a DataTransfer with vendorId "org.openocpp.sim" from the CSMS. Both run
// the same commands; a host without the member and a station without the flag simply have no
// control.
//
// Requests are objects { command, ...arguments }; replies { ok: true, ... } or
// { ok: false, error, reason } where reason is 'bad-request' | 'not-found' | 'conflict' (the
// host maps them to HTTP 400 / 404 / 409). Every command is applied to the hardware before
// the reply; the OCPP traffic it causes follows on later turns.
import { Hal } from '../../hal/index';
import { HardwareError, HARDWARE_ERRORS } from '../../hal/hardware';
import { Station, StationEvents } from '../app/station';
import { Connector } from '../app/core/connector';
import { SimHardware, SimConnector, SimEv } from './sim-hardware';

export const SIM_VENDOR_ID = 'org.openocpp.sim';

export interface ControlReply {
  ok: boolean;
  error?: string;
  reason?: 'bad-request' | 'not-found' | 'conflict';
  [key: string]: unknown;
}

/** Opens the doors the host and the settings allow. */
export function startSimulatorControl(hal: Hal, station: Station, hw: SimHardware): void {
  const control = hal.control;
  if (control) {
    control.listen((request) => simulatorCommand(station, hw, request));
    const changed = () => control.changed();
    chain(station.events, 'connector', changed);
    chain(station.events, 'online', changed);
    chain(station.events, 'offline', changed);
  }
  if (hal.settings.simDataTransfer) acceptDataTransferControl(station, hw);
}

/** Adds `fn` after what a scenario may already listen with. */
function chain(events: StationEvents, name: 'connector' | 'online' | 'offline', fn: () => void): void {
  const before = events[name] as ((c?: Connector) => void) | undefined;
  events[name] = ((c?: Connector) => {
    if (before) before(c);
    fn();
  }) as any;
}

function fail(reason: ControlReply['reason'], error: string): ControlReply {
  return { ok: false, error, reason };
}

/** One command (see the module comment); never throws. */
export function simulatorCommand(station: Station, hw: SimHardware, request: any): ControlReply {
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
  if (id < 1 || id > hw.connectorCount) return fail('not-found', 'no connector ' + id + ' (the station has 1 to ' + hw.connectorCount + ')');
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

/**
 * A card at the reader serving `connectorIds` (default: every connector). The connector:
 * the one whose transaction or pending authorization has this idTag (stop / cancel), else
 * the first listed with a cable and no authorization, else the first free listed one.
 */
function presentIdTag(station: Station, hw: SimHardware, request: any): ControlReply {
  const idTag = request.idTag;
  if (typeof idTag !== 'string' || idTag.length < 1 || idTag.length > 20) return fail('bad-request', 'idTag must be text of 1 to 20 characters (OCPP IdToken)');
  let ids: number[] = [];
  if (request.connectorIds === undefined) {
    for (let i = 1; i <= hw.connectorCount; i++) ids.push(i);
  } else {
    const given = request.connectorIds;
    if (Object.prototype.toString.call(given) !== '[object Array]' || given.length === 0) return fail('bad-request', 'connectorIds must be a list of connector numbers');
    for (let i = 0; i < given.length; i++) {
      const id = given[i];
      if (typeof id !== 'number' || id % 1 !== 0) return fail('bad-request', 'connectorIds must be whole numbers');
      if (id < 1 || id > hw.connectorCount) return fail('not-found', 'no connector ' + id + ' (the station has 1 to ' + hw.connectorCount + ')');
    }
    ids = given;
  }
  const tag = idTag.toLowerCase();
  let chosen: Connector | null = null;
  const listed: Connector[] = [];
  for (let i = 0; i < ids.length; i++) listed.push(station.connector(ids[i]) as Connector);
  for (let i = 0; i < listed.length && !chosen; i++) {
    const c = listed[i];
    if ((c.transaction && c.transaction.idTag.toLowerCase() === tag) || (c.awaitingCable !== null && c.awaitingCable.toLowerCase() === tag)) chosen = c;
  }
  for (let i = 0; i < listed.length && !chosen; i++) {
    const c = listed[i];
    if (c.isFree() && c.awaitingCable === null && c.hw.plugged()) chosen = c;
  }
  for (let i = 0; i < listed.length && !chosen; i++) {
    const c = listed[i];
    if (c.isFree() && c.awaitingCable === null) chosen = c;
  }
  if (!chosen) return fail('conflict', 'no connector of ' + ids.join(', ') + ' can take idTag ' + idTag + ' (busy, faulted or unavailable)');
  station.presentIdTag(chosen.id, idTag);
  return { ok: true, connectorId: chosen.id };
}

/** The station as the control API shows it. */
export function stationState(station: Station, hw: SimHardware): ControlReply {
  const connectors: object[] = [];
  for (let i = 0; i < station.connectors.length; i++) {
    const c = station.connectors[i];
    const sim = hw.connector(c.id);
    const reading = sim.read();
    const ev = sim.evState();
    const tx = c.transaction;
    const txId = c.transactionId();
    connectors.push({
      id: c.id,
      status: c.status,
      plugged: sim.plugged(),
      locked: sim.locked(),
      evRequests: ev ? ev.requests : false,
      error: sim.error(),
      transactionId: txId !== undefined ? txId : null,
      idTag: tx ? tx.idTag : c.awaitingCable,
      energyWh: reading.energyWh,
      sessionWh: tx ? Math.max(0, reading.energyWh - tx.meterStart) : 0,
      powerW: reading.powerW,
      socPercent: ev ? ev.socPercent : null,
    });
  }
  return { ok: true, registration: station.registration, connected: station.connected, connectors };
}

/** DataTransfer org.openocpp.sim (settings.simDataTransfer): messageId plugIn | unplug | presentIdTag | evRequests | fault. */
function acceptDataTransferControl(station: Station, hw: SimHardware): void {
  const commands: { [messageId: string]: string } = { plugIn: 'plug-in', unplug: 'unplug', presentIdTag: 'present-id-tag', evRequests: 'ev-requests', fault: 'fault' };
  station.vendors[SIM_VENDOR_ID] = (messageId, data) => {
    let args: any = {};
    try {
      args = data ? JSON.parse(data) : {};
    } catch (e) {
      return { status: 'Rejected', data: 'data must be JSON' };
    }
    if (!args || typeof args !== 'object') return { status: 'Rejected', data: 'data must be a JSON object' };
    if (!messageId || !Object.prototype.hasOwnProperty.call(commands, messageId)) return { status: 'UnknownMessageId' };
    const id = typeof args.connectorId === 'number' ? args.connectorId : 1;
    const request: any = { command: commands[messageId], connectorId: id, idTag: args.idTag, connectorIds: [id], evSide: args.evSide, vendorErrorCode: args.vendorErrorCode };
    request.value = args.value !== false;
    request.errorCode = typeof args.errorCode === 'string' ? args.errorCode : 'NoError';
    const reply = simulatorCommand(station, hw, request);
    return reply.ok ? { status: 'Accepted' } : { status: 'Rejected', data: String(reply.error).substring(0, 200) };
  };
}
