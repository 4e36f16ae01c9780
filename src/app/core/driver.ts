// The driver at the connector (RFID card, app): an idTag presented stops the transaction it
// started there, or is authorized (authorization.ts) and starts one — at once, or when the
// cable comes. A card of the same group (parentIdTag) may stop another's transaction; a
// reserved connector takes only its reservation's idTag.
import { Logger } from '../../../hal/index';
import { Connector } from './connector';
import { Authorization } from './authorization';

export interface DriverContext {
  readonly hal: { readonly log: Logger };
  readonly authorization: Authorization;
  readonly features: { readonly reservations?: { allows(connectorId: number, idTag: string, parentIdTag?: string): boolean } };
  connector(id: number): Connector | null;
}

/** Resolves true when something started or stopped. */
export function presentIdTag(station: DriverContext, connectorId: number, idTag: string): Promise<boolean> {
  const c = station.connector(connectorId);
  if (!c) return Promise.resolve(false);
  const tx = c.transaction;
  if (tx && tx.idTag.toLowerCase() === idTag.toLowerCase()) {
    c.stopTransaction('Local', idTag);
    return Promise.resolve(true);
  }
  if (!tx && c.awaitingCable !== null && c.awaitingCable.toLowerCase() === idTag.toLowerCase()) {
    c.cancelAuthorization(); // a second presentation while the station waits for the cable
    return Promise.resolve(true);
  }
  if (!tx && !c.isFree()) {
    station.hal.log.info('connector ' + connectorId + ' is ' + c.status + ': idTag ' + idTag + ' ignored');
    return Promise.resolve(false);
  }
  return station.authorization.authorize(idTag).then((info) => {
    if (info.status !== 'Accepted') return false;
    const now = c.transaction;
    if (now) {
      // Another card of the same group (parentIdTag) may stop it.
      if (!info.parentIdTag || !now.parentIdTag || info.parentIdTag !== now.parentIdTag) return false;
      c.stopTransaction('Local', idTag);
      return true;
    }
    if (!c.isFree()) return false;
    const reservations = station.features.reservations;
    if (reservations && !reservations.allows(c.id, idTag, info.parentIdTag)) {
      station.hal.log.info('connector ' + connectorId + ' is reserved for another idTag: ' + idTag + ' may not start');
      return false;
    }
    c.authorized(idTag, info.parentIdTag);
    return true;
  });
}
