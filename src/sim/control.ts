// Control of the simulated OCPP 1.6 station from outside (control-commands.ts: the commands,
// the hardware side; here the 1.6 station's side: presenting a card, the status, the
// transaction) — and the station's state as the simulator's control API shows it.
//
// Two doors lead here: the host's optional control member (hal/host-abi.ts controlListen; the
// simulator's HTTP control API, README "Control API"), and, when the settings turn it on
// (simDataTransfer), a DataTransfer with vendorId "org.openocpp.sim" from the CSMS. Both run
// the same commands; a host without the member and a station without the flag simply have no
// control.
import { Hal } from '../../hal/index';
import { Station, StationEvents } from '../app/station';
import { Connector } from '../app/core/connector';
import { ID_TAG_MAX_LENGTH } from '../ocpp/v16/generated/types';
import { SimHardware } from './sim-hardware';
import { ControlledStation, listenForControl, pickConnector, simulatorCommand } from './control-commands';

export const SIM_VENDOR_ID = 'org.openocpp.sim';

/** Opens the doors the host and the settings allow. */
export function startSimulatorControl(hal: Hal, station: Station, hw: SimHardware): void {
  const controlled = controlledStation(station, hw);
  listenForControl(hal, controlled, hw, (changed) => {
    chain(station.events, 'connector', changed);
    chain(station.events, 'online', changed);
    chain(station.events, 'offline', changed);
  });
  if (hal.settings.simDataTransfer) acceptDataTransferControl(station, controlled, hw);
}

/** Adds `fn` after what a scenario may already listen with. */
function chain(events: StationEvents, name: 'connector' | 'online' | 'offline', fn: () => void): void {
  const before: ((c: Connector) => void) | undefined = events[name];
  // One function for the three: online and offline pass no connector, and their handlers take none.
  events[name] = (c?: Connector) => {
    if (before) before(c as Connector);
    fn();
  };
}

/** The 1.6 station's side of the control. */
function controlledStation(station: Station, hw: SimHardware): ControlledStation {
  const at = (id: number) => station.connector(id) as Connector;
  return {
    get registration() {
      return station.session.registration;
    },
    get connected() {
      return station.session.connected;
    },
    idTagMaxLength: ID_TAG_MAX_LENGTH,
    connectorState: (id) => {
      const c = at(id);
      const tx = c.transaction;
      const txId = c.transactionId();
      return { status: c.status, charging: c.status === 'Charging', transactionId: txId !== undefined ? txId : null, idTag: tx ? tx.idTag : c.awaitingCable, meterStartWh: tx ? tx.meterStart : null };
    },
    presentIdTag: (idTag, ids) => {
      const tag = idTag.toLowerCase();
      const chosen = pickConnector(
        ids,
        hw,
        (id) => {
          const c = at(id);
          return (c.transaction !== null && c.transaction.idTag.toLowerCase() === tag) || (c.awaitingCable !== null && c.awaitingCable.toLowerCase() === tag);
        },
        (id) => at(id).isFree() && at(id).awaitingCable === null
      );
      if (chosen !== null) station.presentIdTag(chosen, idTag);
      return chosen;
    },
    connectNow: () => station.session.connectNow(),
  };
}

/** DataTransfer org.openocpp.sim (settings.simDataTransfer): messageId plugIn | unplug | presentIdTag | evRequests | fault. */
function acceptDataTransferControl(station: Station, controlled: ControlledStation, hw: SimHardware): void {
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
    const reply = simulatorCommand(controlled, hw, request);
    return reply.ok ? { status: 'Accepted' } : { status: 'Rejected', data: String(reply.error).substring(0, 200) };
  };
}
