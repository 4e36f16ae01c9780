// Reservation profile (OCPP 1.6 sections 3.11, 5.3, 5.13): ReserveNow, CancelReservation,
// expiry. A reservation on connector n makes it Reserved: only the reserved idTag (or an
// idTag of the same parentIdTag) may start there, and that transaction's
// StartTransaction carries the reservationId, which ends the reservation. A reservation
// on connector 0 (ReserveConnectorZeroSupported) holds no connector in particular: the
// station keeps as many connectors free as it has such reservations, and lets others
// take a connector only while more are free. Reservations are kept in storage
// (reservations.json), so they survive a reboot, and end at their expiryDate.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';
import { Routes } from '../routes';
import { loadList, saveList } from '../../lib/stored-list';
import { CancelReservationResponse, ReservationStatus } from '../../ocpp/v16/generated/types';
export { ReservationStatus };

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

const FILE = 'reservations.json';
/** Longest single timer; the expiry check runs again then. */
const MAX_WAIT_MS = 86400000;

export class Reservations {
  private list: Reservation[] = [];
  private timer: { cancel(): void } | null = null;

  constructor(private readonly station: ReservationContext) {
    station.config.addKey('ReserveConnectorZeroSupported', { value: 'true', kind: 'bool', readonly: true }); // section 9.3
    this.list = loadList<Reservation>(station.hal.storage, station.hal.log, FILE, 'reservations');
  }

  routes(): Routes {
    return {
      ReserveNow: { on: (p) => ({ status: this.reserve(p) }) },
      CancelReservation: { on: (p) => ({ status: this.cancel(p.reservationId) }) },
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

  /** ReserveNow (section 5.13). */
  reserve(p: { connectorId: number; expiryDate: string; idTag: string; parentIdTag?: string; reservationId: number }): ReservationStatus {
    const hal = this.station.hal;
    const expiresAt = Date.parse(p.expiryDate);
    const status = this.decide(p.connectorId, p.reservationId, expiresAt);
    hal.log.info('ReserveNow ' + p.reservationId + ' of connector ' + p.connectorId + ' for ' + p.idTag + ': ' + status);
    if (status !== 'Accepted') return status;
    this.remove(p.reservationId); // the same id again: replaced
    const r: Reservation = { reservationId: p.reservationId, connectorId: p.connectorId, idTag: p.idTag, expiresAt };
    if (p.parentIdTag) r.parentIdTag = p.parentIdTag;
    this.list.push(r);
    this.save();
    this.mark(r.connectorId, r);
    this.expire();
    return 'Accepted';
  }

  /** CancelReservation (section 5.3). */
  cancel(reservationId: number): CancelReservationResponse['status'] {
    const r = this.remove(reservationId);
    this.station.hal.log.info('CancelReservation ' + reservationId + ': ' + (r ? 'Accepted' : 'Rejected (no such reservation)'));
    if (!r) return 'Rejected';
    this.save();
    return 'Accepted';
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

  // ---- state ------------------------------------------------------------------------------

  private decide(connectorId: number, reservationId: number, expiresAt: number): ReservationStatus {
    const connectors = this.station.connectors;
    if (isNaN(expiresAt) || expiresAt <= this.station.hal.now()) return 'Rejected';
    if (connectorId < 0 || connectorId > connectors.length) return 'Rejected';
    if (connectorId === 0) {
      if (!this.station.config.getBool('ReserveConnectorZeroSupported')) return 'Rejected';
      let operative = 0;
      let healthy = 0;
      for (let i = 0; i < connectors.length; i++) {
        if (connectors[i].operative) operative++;
        if (connectors[i].hw.error() === 'NoError') healthy++;
      }
      if (!healthy) return 'Faulted';
      if (!operative) return 'Unavailable';
      const others = this.list.filter((r) => r.connectorId === 0 && r.reservationId !== reservationId).length;
      return this.freeConnectors() > others ? 'Accepted' : 'Occupied';
    }
    const c = connectors[connectorId - 1];
    if (c.hw.error() !== 'NoError') return 'Faulted';
    if (!c.operative) return 'Unavailable';
    const held = this.onConnector(connectorId);
    if (held && held.reservationId !== reservationId) return 'Occupied';
    if (c.transaction || c.awaitingCable !== null || c.hw.plugged()) return 'Occupied';
    return 'Accepted';
  }

  private onConnector(connectorId: number): Reservation | null {
    for (let i = 0; i < this.list.length; i++) if (this.list[i].connectorId === connectorId && connectorId !== 0) return this.list[i];
    return null;
  }

  /** Connectors (but `except`) a driver could take now and no reservation holds. */
  private freeConnectors(except?: number): number {
    let n = 0;
    const connectors = this.station.connectors;
    for (let i = 0; i < connectors.length; i++) {
      const c = connectors[i];
      if (c.id !== except && c.isFree() && c.awaitingCable === null && !c.hw.plugged() && !this.onConnector(c.id)) n++;
    }
    return n;
  }

  private remove(reservationId: number): Reservation | null {
    for (let i = 0; i < this.list.length; i++) {
      if (this.list[i].reservationId !== reservationId) continue;
      const r = this.list.splice(i, 1)[0];
      this.mark(r.connectorId, null);
      return r;
    }
    return null;
  }

  /** Shows (or clears) the reservation on its connector's status. */
  private mark(connectorId: number, r: Reservation | null): void {
    if (connectorId === 0) return;
    const c = this.station.connectors[connectorId - 1];
    if (!c) return;
    c.reservation = r ? { reservationId: r.reservationId, idTag: r.idTag } : null;
    c.refresh();
  }

  /** Ends the reservations whose expiryDate has passed; a timer for the next one. */
  private expire(): void {
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

  private save(): void {
    saveList(this.station.hal.storage, FILE, this.list);
  }
}

/** The reserved idTag itself, or one of the same group (parentIdTag); idTags compare case-insensitively. */
function matches(r: Reservation, idTag: string, parentIdTag?: string): boolean {
  if (r.idTag.toLowerCase() === idTag.toLowerCase()) return true;
  return !!r.parentIdTag && !!parentIdTag && r.parentIdTag.toLowerCase() === parentIdTag.toLowerCase();
}
