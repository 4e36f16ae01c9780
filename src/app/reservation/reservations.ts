// Reservation profile (OCPP 1.6 sections 3.11, 5.3, 5.13): ReserveNow, CancelReservation,
// expiry. A reservation on connector n makes it Reserved: only the reserved idTag (or an
// idTag of the same parentIdTag) may start there, and that transaction's
// StartTransaction carries the reservationId, which ends the reservation. A reservation
// on connector 0 (ReserveConnectorZeroSupported) holds no connector in particular: the
// station keeps as many connectors free as it has such reservations, and lets others
// take a connector only while more are free. Reservations are kept in storage
// (reservations.json), so they survive a reboot, and end at their expiryDate. What a start
// asks of them (allows, consume) and the expiry are resident; ReserveNow and
// CancelReservation are the part reservation-requests.ts (src/lib/parts.ts), opened for the
// CALL.
import { Routes } from '../routes';
import { loadList, saveList } from '../../lib/stored-list';
import { TurnHolder } from '../../lib/turn-holder';
import { reservationRequestsPart } from './reservation-requests-part';
import type { Reservation, ReservationBook, ReservationContext, ReservationRequests } from './reservation-requests';
export type { Reservation, ReservationContext };

const FILE = 'reservations.json';
/** Longest single timer; the expiry check runs again then. */
const MAX_WAIT_MS = 86400000;

export class Reservations implements ReservationBook {
  /** The reservations (ReserveNow and CancelReservation change them: reservation-requests.ts). */
  list: Reservation[] = [];
  private timer: { cancel(): void } | null = null;
  private readonly requests: TurnHolder<ReservationBook, ReservationRequests>;

  constructor(readonly station: ReservationContext) {
    station.config.addKey('ReserveConnectorZeroSupported', { value: 'true', kind: 'bool', readonly: true }); // section 9.3
    this.list = loadList<Reservation>(station.hal.storage, station.hal.log, FILE, 'reservations');
    this.requests = new TurnHolder<ReservationBook, ReservationRequests>(station.hal, reservationRequestsPart, this);
  }

  routes(): Routes {
    return {
      ReserveNow: { on: (p) => ({ status: this.requests.open('ReserveNow').reserve(p) }) },
      CancelReservation: { on: (p) => ({ status: this.requests.open('CancelReservation').cancel(p.reservationId) }) },
    };
  }

  /** Shows the stored reservations on their connectors and arms the expiry (at boot). */
  start(): void {
    this.expire();
    for (let i = 0; i < this.list.length; i++) this.mark(this.list[i].connectorId, this.list[i]);
  }

  stop(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
  }

  all(): Reservation[] {
    return this.list.slice();
  }

  /** May this idTag (of this parent) start a transaction on the connector now? */
  allows(connectorId: number, idTag: string, parentIdTag?: string): boolean {
    this.expire();
    const own = this.onConnector(connectorId);
    if (own) return matches(own, idTag, parentIdTag);
    const anyConnector = this.list.filter((r) => r.connectorId === 0);
    for (let i = 0; i < anyConnector.length; i++) if (matches(anyConnector[i], idTag, parentIdTag)) return true;
    // Taking this connector must leave one free connector for each of them.
    return this.freeConnectors(connectorId) >= anyConnector.length;
  }

  /**
   * A transaction starts on the connector for this idTag: the reservation it fulfils (the
   * connector's, or one on connector 0) ends; its id goes into the StartTransaction.
   */
  consume(connectorId: number, idTag: string, parentIdTag?: string): number | undefined {
    let r = this.onConnector(connectorId);
    if (r && !matches(r, idTag, parentIdTag)) return undefined;
    if (!r) {
      for (let i = 0; i < this.list.length && !r; i++) if (this.list[i].connectorId === 0 && matches(this.list[i], idTag, parentIdTag)) r = this.list[i];
    }
    if (!r) return undefined;
    this.remove(r.reservationId);
    this.save();
    this.station.hal.log.info('reservation ' + r.reservationId + ' used by ' + idTag + ' on connector ' + connectorId);
    return r.reservationId;
  }

  // ---- state (also the requests') ----------------------------------------------------------

  onConnector(connectorId: number): Reservation | null {
    for (let i = 0; i < this.list.length; i++) if (this.list[i].connectorId === connectorId && connectorId !== 0) return this.list[i];
    return null;
  }

  /** Connectors (but `except`) a driver could take now and no reservation holds. */
  freeConnectors(except?: number): number {
    let n = 0;
    const connectors = this.station.connectors;
    for (let i = 0; i < connectors.length; i++) {
      const c = connectors[i];
      if (c.id !== except && c.isFree() && c.awaitingCable === null && !c.hw.plugged() && !this.onConnector(c.id)) n++;
    }
    return n;
  }

  remove(reservationId: number): Reservation | null {
    for (let i = 0; i < this.list.length; i++) {
      if (this.list[i].reservationId !== reservationId) continue;
      const r = this.list.splice(i, 1)[0];
      this.mark(r.connectorId, null);
      return r;
    }
    return null;
  }

  /** Shows (or clears) the reservation on its connector's status. */
  mark(connectorId: number, r: Reservation | null): void {
    if (connectorId === 0) return;
    const c = this.station.connectors[connectorId - 1];
    if (!c) return;
    c.reservation = r ? { reservationId: r.reservationId, idTag: r.idTag } : null;
    c.refresh();
  }

  /** Ends the reservations whose expiryDate has passed; a timer for the next one. */
  expire(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
    const now = this.station.hal.now();
    let next = Infinity;
    const expired = this.list.filter((r) => r.expiresAt <= now);
    for (let i = 0; i < expired.length; i++) {
      this.remove(expired[i].reservationId);
      this.station.hal.log.info('reservation ' + expired[i].reservationId + ' of connector ' + expired[i].connectorId + ' expired');
    }
    if (expired.length) this.save();
    for (let i = 0; i < this.list.length; i++) next = Math.min(next, this.list[i].expiresAt);
    if (next === Infinity) return;
    this.timer = this.station.hal.setTimeout(() => {
      this.timer = null;
      this.expire();
    }, Math.min(next - now, MAX_WAIT_MS));
  }

  save(): void {
    saveList(this.station.hal.storage, FILE, this.list);
  }
}

/** The reserved idTag itself, or one of the same group (parentIdTag); idTags compare case-insensitively. */
function matches(r: Reservation, idTag: string, parentIdTag?: string): boolean {
  if (r.idTag.toLowerCase() === idTag.toLowerCase()) return true;
  return !!r.parentIdTag && !!parentIdTag && r.parentIdTag.toLowerCase() === parentIdTag.toLowerCase();
}
