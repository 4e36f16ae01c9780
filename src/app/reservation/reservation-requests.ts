// ReserveNow (OCPP 1.6 section 5.13) and CancelReservation (section 5.3) on the station's
// reservations (reservations.ts, resident with what a start asks of them and the expiry). The
// part reservation-requests-part.ts (src/lib/parts.ts), opened for the CALL and let go on a
// later turn.
import { CancelReservationResponse, ReservationStatus, ReserveNowRequest } from '../../ocpp/v16/generated/types';
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';

export interface Reservation {
  reservationId: number;
  /** 0: any connector. */
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  /** Wall clock ms. */
  expiresAt: number;
}

export interface ReservationContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
}

/** What the requests use of the station's reservations (reservations.ts's Reservations). */
export interface ReservationBook {
  readonly station: ReservationContext;
  list: Reservation[];
  onConnector(connectorId: number): Reservation | null;
  freeConnectors(except?: number): number;
  remove(reservationId: number): Reservation | null;
  mark(connectorId: number, r: Reservation | null): void;
  expire(): void;
  save(): void;
}

export interface ReservationRequests {
  reserve(p: ReserveNowRequest): ReservationStatus;
  cancel(reservationId: number): CancelReservationResponse['status'];
}

export function reservationRequests(reservations: ReservationBook): ReservationRequests {
  const station = reservations.station;
  return {
    reserve: (p) => {
      const hal = station.hal;
      const expiresAt = Date.parse(p.expiryDate);
      const status = decide(reservations, p.connectorId, p.reservationId, expiresAt);
      hal.log.info('ReserveNow ' + p.reservationId + ' of connector ' + p.connectorId + ' for ' + p.idTag + ': ' + status);
      if (status !== 'Accepted') return status;
      reservations.remove(p.reservationId); // the same id again: replaced
      const r: Reservation = { reservationId: p.reservationId, connectorId: p.connectorId, idTag: p.idTag, expiresAt };
      if (p.parentIdTag) r.parentIdTag = p.parentIdTag;
      reservations.list.push(r);
      reservations.save();
      reservations.mark(r.connectorId, r);
      reservations.expire();
      return 'Accepted';
    },
    cancel: (reservationId) => {
      const r = reservations.remove(reservationId);
      station.hal.log.info('CancelReservation ' + reservationId + ': ' + (r ? 'Accepted' : 'Rejected (no such reservation)'));
      if (!r) return 'Rejected';
      reservations.save();
      return 'Accepted';
    },
  };
}

function decide(reservations: ReservationBook, connectorId: number, reservationId: number, expiresAt: number): ReservationStatus {
  const { connectors, hal, config } = reservations.station;
  if (isNaN(expiresAt) || expiresAt <= hal.now()) return 'Rejected';
  if (connectorId < 0 || connectorId > connectors.length) return 'Rejected';
  if (connectorId === 0) {
    if (!config.getBool('ReserveConnectorZeroSupported')) return 'Rejected';
    let operative = 0;
    let healthy = 0;
    for (let i = 0; i < connectors.length; i++) {
      if (connectors[i].operative) operative++;
      if (connectors[i].hw.error() === 'NoError') healthy++;
    }
    if (!healthy) return 'Faulted';
    if (!operative) return 'Unavailable';
    const others = reservations.list.filter((r) => r.connectorId === 0 && r.reservationId !== reservationId).length;
    return reservations.freeConnectors() > others ? 'Accepted' : 'Occupied';
  }
  const c = connectors[connectorId - 1];
  if (c.hw.error() !== 'NoError') return 'Faulted';
  if (!c.operative) return 'Unavailable';
  const held = reservations.onConnector(connectorId);
  if (held && held.reservationId !== reservationId) return 'Occupied';
  if (c.transaction || c.awaitingCable !== null || c.hw.plugged()) return 'Occupied';
  return 'Accepted';
}
