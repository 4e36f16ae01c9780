// Availability (G01-G04): each connector's status (connectorStatus) from its hardware and
// the operational state the CSMS set with ChangeAvailability (station, EVSE or connector;
// kept across reboots, G03.FR.08, G04.FR.09), StatusNotification on every change, after the boot
// (B01.FR.05) and after an offline period (B04), Heartbeat on request, and the
// ChargingStation / EVSE / Connector components of the device model.
import { ChangeAvailabilityStatusEnum, ConnectorStatusEnum, EVSE, OperationalStatusEnum } from '../../ocpp/v201/generated/types';
import { HoldOwner, StationContext } from '../context';

const FILE = 'availability.json';
const STATES = 'Available,Occupied,Reserved,Unavailable,Faulted';

/**
 * What the CSMS made Inoperative: "0" the station, "n" EVSE n, "n.c" a connector. A change is
 * stored at once; a connector whose transaction still runs shows it once the transaction has
 * ended (Scheduled), so nothing else needs to wait for it.
 */
interface Stored {
  inoperative: string[];
}

export function availability(station: StationContext): void {
  const hal = station.hal;
  const model = station.model;
  const n = station.evseCount;
  let stored: Stored = { inoperative: [] };
  try {
    const text = hal.storage.get(FILE);
    if (text) stored = JSON.parse(text);
  } catch (e) {
    hal.log.warning('availability file unreadable: everything Operative');
  }
  /** The status last reported per connector ("n.c"), and whether it changed since (to send when back). */
  const reported: { [connector: string]: ConnectorStatusEnum } = {};
  let offlineSince = -1;

  const inoperative = (target: string) => stored.inoperative.indexOf(target) >= 0;
  /** The holds of what waits for the transactions (a reset, an install), "owner evseId" (evseId 0: all); not stored. */
  const held: string[] = [];
  const isHeld = (evseId: number) => {
    for (let i = 0; i < held.length; i++) {
      const target = held[i].slice(held[i].indexOf(' ') + 1);
      if (target === '0' || target === String(evseId)) return true;
    }
    return false;
  };
  const operative = (evseId: number, connectorId?: number) =>
    !inoperative('0') && !inoperative(String(evseId)) && (connectorId === undefined || !inoperative(evseId + '.' + connectorId)) && !isHeld(evseId);

  /** EVSEs Occupied when they became Inoperative: Occupied until the cable is out, then Unavailable (G01.FR.05). */
  const occupiedUntilUnplugged: { [evseId: string]: boolean } = {};
  const statusOf = (evseId: number, connectorId: number): ConnectorStatusEnum => {
    const hw = station.connector(evseId, connectorId);
    if (!hw) return 'Unavailable';
    if (hw.error() !== 'NoError') return 'Faulted';
    // A connector in a transaction stays as it is until the transaction ends (G03.FR.05, G04.FR.06: Scheduled);
    // the station's, an EVSE's or its own Inoperative makes it Unavailable, unless Faulted (G03.FR.06, G04.FR.07).
    if (!operative(evseId, connectorId) && !station.transactions.running(evseId) && !(hw.plugged() && occupiedUntilUnplugged[evseId])) return 'Unavailable';
    return hw.plugged() ? 'Occupied' : 'Available';
  };
  /** Before a change to Inoperative: the EVSEs it concerns that are Occupied now stay so until unplugged. */
  const keepOccupied = (evseId: number) => {
    for (let e = 1; e <= n; e++) if ((!evseId || e === evseId) && statusOf(e, 1) === 'Occupied') occupiedUntilUnplugged[e] = true;
  };
  const hold = (owner: HoldOwner, evseId: number, on: boolean) => {
    if (on) keepOccupied(evseId);
    const key = owner + ' ' + evseId;
    const i = held.indexOf(key);
    if (on && i < 0) held.push(key);
    if (!on && i >= 0) held.splice(i, 1);
    report(false);
  };
  station.availability = { status: statusOf, operative, hold };

  const save = () => hal.storage.set(FILE, JSON.stringify(stored));

  const notify = (evseId: number, connectorId: number, status: ConnectorStatusEnum) =>
    station.send('StatusNotification', { timestamp: new Date(hal.now()).toISOString(), connectorStatus: status, evseId, connectorId });

  /** Reports the connectors whose status differs from the last one reported (all: every connector). */
  const report = (all: boolean) => {
    if (!station.online) return;
    for (let e = 1; e <= n; e++) {
      const key = e + '.1';
      const status = statusOf(e, 1);
      if (!all && reported[key] === status) continue;
      reported[key] = status;
      notify(e, 1, status); // G01.FR.03-05, G01.FR.07, G03.FR.04, G04.FR.05
    }
  };

  station.on('bootAccepted', () => report(true)); // B01.FR.05
  station.on('online', () => {
    // After an offline period longer than OfflineThreshold every connector, else the changed ones (B04.FR.01-02).
    const away = offlineSince < 0 ? 0 : (hal.ticks() - offlineSince) / 1000;
    offlineSince = -1;
    report(away > model.getInt('OCPPCommCtrlr', 'OfflineThreshold'));
  });
  station.on('offline', () => (offlineSince = hal.ticks()));
  station.on('connector', (evseId, _connectorId, event) => {
    if (event === 'unplugged') delete occupiedUntilUnplugged[evseId];
    report(false);
  });
  // A change the CSMS scheduled shows once the EVSE has no transaction (G01.FR.05).
  station.on('idle', () => report(false));

  const apply = (target: string, status: OperationalStatusEnum) => {
    const i = stored.inoperative.indexOf(target);
    if (status === 'Inoperative' && i < 0) stored.inoperative.push(target);
    if (status === 'Operative' && i >= 0) stored.inoperative.splice(i, 1);
  };

  station.route({
    ChangeAvailability: {
      on: (request) => ({ status: change(request.evse, request.operationalStatus) }),
      after: () => report(false),
    },
  });

  /** ChangeAvailability for the station (no EVSE, G04.FR.01), an EVSE or a connector (G03). */
  const change = (evse: EVSE | undefined, status: OperationalStatusEnum): ChangeAvailabilityStatusEnum => {
    const evseId = evse ? evse.id : 0;
    const connectorId = evse ? evse.connectorId : undefined;
    if (evseId < 0 || evseId > n || (connectorId !== undefined && (evseId === 0 || !station.connector(evseId, connectorId)))) return 'Rejected';
    const target = evseId === 0 ? '0' : connectorId !== undefined ? evseId + '.' + connectorId : String(evseId);
    // Already in that state: Accepted (G03.FR.03, G04.FR.04), the transaction or not.
    const already = inoperative(target) === (status === 'Inoperative');
    if (status === 'Inoperative') keepOccupied(evseId);
    apply(target, status);
    save();
    // A transaction on it: the change shows once it has ended (G03.FR.05, G04.FR.06); becoming Operative needs no wait.
    return !already && status === 'Inoperative' && station.transactions.running(evseId) ? 'Scheduled' : 'Accepted';
  };

  station.triggers.add('StatusNotification', {
    // F06.FR.12: a StatusNotification for one connector, which the request names.
    status: (evse) => (evse && evse.connectorId !== undefined && station.connector(evse.id, evse.connectorId) ? 'Accepted' : 'Rejected'),
    send: (evse) => {
      if (!evse || evse.connectorId === undefined) return;
      const status = statusOf(evse.id, evse.connectorId);
      reported[evse.id + '.' + evse.connectorId] = status;
      station.sendRequested('StatusNotification', { timestamp: new Date(hal.now()).toISOString(), connectorStatus: status, evseId: evse.id, connectorId: evse.connectorId });
    },
  });
  station.triggers.add('Heartbeat', { send: () => station.heartbeat() });

  // The components whose availability this reports (ChargingStation, EVSE, Connector).
  const s = hal.settings;
  const state = (read: () => string) => ({ name: 'AvailabilityState', type: 'OptionList' as const, values: STATES, read });
  const exists = { name: 'Available', type: 'boolean' as const, value: 'true', constant: true };
  const phases = { name: 'SupplyPhases', type: 'integer' as const, value: String(s.phases), constant: true };
  model.add('ChargingStation', [
    state(() => (inoperative('0') ? 'Unavailable' : 'Available')),
    exists,
    phases,
    { name: 'Model', type: 'string', value: s.model, constant: true },
    { name: 'VendorName', type: 'string', value: s.vendor, constant: true },
  ]);
  for (let e = 1; e <= n; e++) {
    const evseId = e;
    const hw = station.connector(e, 1)!;
    model.add({ name: 'EVSE', evse: e }, [
      state(() => (operative(evseId) ? (statusOf(evseId, 1) === 'Occupied' ? 'Occupied' : 'Available') : 'Unavailable')),
      exists,
      phases,
      { name: 'Power', type: 'decimal', unit: 'W', max: hw.maxCurrentA * s.voltageV * s.phases, read: () => String(hw.read().powerW) },
    ]);
    model.add({ name: 'Connector', evse: e, connector: 1 }, [
      state(() => statusOf(evseId, 1)),
      exists,
      phases,
      { name: 'ConnectorType', type: 'string', value: 'cType2', constant: true },
    ]);
  }
  model.add('OCPPCommCtrlr', [{ name: 'OfflineThreshold', type: 'integer', mutability: 'ReadWrite', value: '60', unit: 's', min: 0 }]);
}
