// Control of the simulated OCPP 2.0.1 station from outside: the commands and the hardware
// side are control-commands.ts's (the same as 1.6's); here the 2.0.1 station's side — a card
// presented as an ISO14443 idToken to the transactions (block E, authorized by block C), the
// connectorStatus availability reports, the transaction of each EVSE (connector n is EVSE n's
// connector 1). Through the host's optional control member only (the 1.6 station's
// DataTransfer door, settings.simDataTransfer, is not offered here).
import { Hal } from '../../hal/index';
import { ID_TOKEN_MAX_LENGTH } from '../ocpp/v201/generated/types';
import { StationContext } from '../v201/context';
import { TransactionsFeature } from '../v201/transactions/transactions';
import { SimHardware } from './sim-hardware';
import { ControlledStation, listenForControl, pickConnector } from './control-commands';

/** Serves the host's control member, when it has one. */
export function startSimulatorControl201(hal: Hal, station: StationContext & { connectNow(): void }, transactions: TransactionsFeature, hw: SimHardware): void {
  let changed: () => void = () => undefined;
  const evse = (id: number) => transactions.evse(id)!;
  const controlled: ControlledStation = {
    get registration() {
      return station.registration;
    },
    get connected() {
      return station.connected;
    },
    idTagMaxLength: ID_TOKEN_MAX_LENGTH,
    connectorState: (id) => {
      const e = evse(id);
      const txId = e.transactionId();
      const a = e.authorizedFor();
      const ongoing = txId !== null ? transactions.log.transaction(txId) : null;
      return { status: station.availability.status(id, 1), charging: txId !== null && e.chargingState() === 'Charging', transactionId: txId, idTag: a ? a.idToken.idToken : null, meterStartWh: ongoing ? ongoing.meterStartWh : null };
    },
    presentIdTag: (idTag, ids) => {
      const tag = idTag.toLowerCase();
      const chosen = pickConnector(
        ids,
        hw,
        (id) => {
          const a = evse(id).authorizedFor();
          return a !== null && a.idToken.idToken.toLowerCase() === tag;
        },
        (id) => {
          const status = station.availability.status(id, 1);
          return !evse(id).authorizedFor() && !evse(id).transactionId() && station.availability.operative(id, 1) && status !== 'Faulted' && status !== 'Unavailable';
        }
      );
      // The authorization answers on a later turn: the state changes then.
      if (chosen !== null) transactions.present(chosen, { idToken: idTag, type: 'ISO14443' }).then(() => changed());
      return chosen;
    },
    connectNow: () => station.connectNow(),
  };
  listenForControl(hal, controlled, hw, (fn) => {
    changed = fn;
    station.on('connector', fn);
    station.on('online', fn);
    station.on('offline', fn);
    station.on('idle', fn);
  });
}
