// The durable log of TransactionEventRequests: the OCPP 2.0.1 configuration of the outbox
// (src/lib/outbox.ts). Each event is written to storage BEFORE anything tries to send it and
// marked done once the CSMS answered it (or it was given up, E13.FR.04), so nothing is lost
// or sent twice across a dropped link or a power loss, and the order is kept.
//
// The log is also where the running transactions live: a transaction begins durably with the
// append of its Started event and is over once its Ended event is appended. A power loss in
// between leaves it in the log, and the next boot ends it (stoppedReason PowerLoss). Records,
// one JSON object per line:
//   {"n":12}                                        header: the next entry position
//   {"q":7,"u":"…","x":"<transactionId>","o":1,"p":{…}}  an event: message id, transaction, offline flag, the request
//   {"d":7}                                         event 7 is done (answered, or given up)
//   {"t":{…OngoingTransaction}}                     a running transaction (written when the log is rewritten)
//   {"v":"<transactionId>","m":{…MeterValue}}       a sample kept for the transaction's Ended event
//
// seqNo (part 2 E 1.3.2.1): 0 for the Started event, one more for each later event of the
// same transaction. The number is given when the event is appended, in the same record, so
// that after a power loss the next event continues without a gap or a repeat.
//
// The offline flag (E08.FR.07, E11.FR.02, E12.FR.02): an event that occurred while the
// station was offline is marked offline when it is appended; when the link goes, every event
// still in the log is marked offline too (E11.FR.07), and so is every event found in the log
// at boot (a power loss or a reboot took the station offline).
//
// The cap: the pending events may take `limitBytes` of storage (and about as much heap).
// When a new event does not fit, every second pending Updated event (the oldest kept) is
// dropped, as often as needed (E11.FR.04/05, E12.FR.04/05); Started and Ended are never
// dropped, even beyond the cap.
import { Outbox, RecordStorage } from '../../lib/outbox';
import { MeterValue, TransactionEventRequest } from '../../ocpp/v201';

/** What the log keeps of a running transaction (what the next boot needs to end it). */
export interface OngoingTransaction {
  id: string;
  evseId: number;
  connectorId: number;
  /** The seqNo the next event of this transaction gets. */
  nextSeqNo: number;
  /** Energy register when it started, Wh. */
  meterStartWh: number;
  startedAt: number;
}

export interface LoggedEvent {
  /** Position in the log (increasing, never reused). */
  seq: number;
  /** OCPP-J message id, the same on every transmission after a dropped link. */
  messageId: string;
  transactionId: string;
  eventType: TransactionEventRequest['eventType'];
  /** The request as JSON text, without `offline`. */
  payloadText: string;
  offline: boolean;
  /** A Started event: the transaction it begins (in the same record, so both are stored at once). */
  start?: OngoingTransaction;
}

export interface TransactionLogOptions {
  /** Bytes the pending events may take (default 32 KiB). */
  limitBytes?: number;
  /** Makes this boot's message ids differ from another boot's. */
  idPrefix?: string;
  warn?: (text: string) => void;
}

const LOG = 'transaction-events.log';
const DEFAULT_LIMIT = 32 * 1024;
const COMPACT_SLACK = 64;
/** Samples kept per transaction for its Ended event; beyond it intermediate ones go first (E06.FR.13). */
export const MAX_ENDED_SAMPLES = 24;

export class TransactionLog {
  private readonly outbox: Outbox<LoggedEvent>;
  private readonly running: { [id: string]: OngoingTransaction } = {};
  private readonly samples: { [id: string]: MeterValue[] } = {};
  private pendingBytes = 0;
  private readonly limit: number;
  private readonly idPrefix: string;
  private readonly warn: (text: string) => void;
  /** The event being sent now: thinning leaves it alone. */
  inFlight = 0;

  constructor(storage: RecordStorage, options: TransactionLogOptions = {}) {
    this.limit = options.limitBytes || DEFAULT_LIMIT;
    this.idPrefix = options.idPrefix || '';
    this.warn = options.warn || function () {};
    this.outbox = new Outbox<LoggedEvent>(storage, {
      file: LOG,
      compactSlack: COMPACT_SLACK,
      encode: (seq, e) =>
        '{"q":' + seq + ',"u":' + JSON.stringify(e.messageId) + ',"x":' + JSON.stringify(e.transactionId) + (e.offline ? ',"o":1' : '') + (e.start ? ',"t":' + JSON.stringify(e.start) : '') + ',"p":' + e.payloadText + '}',
      decode: (r) => {
        if (typeof r.u !== 'string' || typeof r.x !== 'string' || !r.p || typeof r.p !== 'object') return null;
        // Found at boot: the station was offline since (E11.FR.07).
        const e: LoggedEvent = { seq: r.q, messageId: r.u, transactionId: r.x, eventType: r.p.eventType, payloadText: JSON.stringify(r.p), offline: true };
        if (r.t && typeof r.t.id === 'string') e.start = r.t;
        return e;
      },
      ownRecords: (nextSeq) => {
        const own: object[] = [{ n: nextSeq }];
        for (const id in this.running) {
          own.push({ t: this.running[id] });
          const kept = this.samples[id] || [];
          for (let i = 0; i < kept.length; i++) own.push({ v: id, m: kept[i] });
        }
        return own;
      },
      replayOwn: (r) => {
        if (typeof r.n === 'number') return r.n;
        if (r.t && typeof r.t.id === 'string') this.resume(r.t);
        else if (typeof r.v === 'string' && r.m) this.keep(r.v, r.m);
      },
      replayEntry: (_seq, e) => {
        if (e.start) e.start = this.resume(e.start);
        const tx = this.running[e.transactionId];
        if (e.eventType === 'Ended') this.forget(e.transactionId);
        else if (tx) tx.nextSeqNo = Math.max(tx.nextSeqNo, (JSON.parse(e.payloadText) as TransactionEventRequest).seqNo + 1);
      },
      unreadable: () => this.warn('transaction event log: unreadable record skipped'),
    }).load();
    const pending = this.outbox.list();
    for (let i = 0; i < pending.length; i++) this.pendingBytes += sizeOf(pending[i].entry);
  }

  /** Transactions the log holds as running (after a boot: those a power loss interrupted). */
  ongoing(): OngoingTransaction[] {
    const list: OngoingTransaction[] = [];
    for (const id in this.running) list.push(this.running[id]);
    return list;
  }

  transaction(id: string): OngoingTransaction | null {
    return Object.prototype.hasOwnProperty.call(this.running, id) ? this.running[id] : null;
  }

  /** The samples kept for the transaction's Ended event, oldest first. */
  endedSamples(id: string): MeterValue[] {
    return this.samples[id] || [];
  }

  /**
   * Appends an event of a transaction, with the next seqNo; when this returns it survives a
   * power loss. A Started event begins the transaction (`start` says what to keep of it), an
   * Ended event ends it. Null: an Updated event that did not fit even after thinning.
   */
  append(event: Omit<TransactionEventRequest, 'seqNo'>, offline: boolean, start?: OngoingTransaction): LoggedEvent | null {
    const id = event.transactionInfo.transactionId;
    if (start) this.running[id] = start;
    const tx = this.running[id];
    if (!tx) {
      this.warn('transaction ' + id + ' is not running: ' + event.eventType + ' event dropped');
      return null;
    }
    const payload = event as TransactionEventRequest;
    payload.seqNo = tx.nextSeqNo;
    const seq = this.outbox.takeSeq();
    const logged: LoggedEvent = { seq, messageId: this.idPrefix + seq, transactionId: id, eventType: event.eventType, payloadText: JSON.stringify(payload), offline };
    if (start) logged.start = start;
    const size = sizeOf(logged);
    if (this.pendingBytes + size > this.limit) {
      this.thin(this.pendingBytes + size - this.limit);
      if (this.pendingBytes + size > this.limit) {
        if (event.eventType === 'Updated') {
          this.warn('transaction event log full (' + this.pendingBytes + ' of ' + this.limit + ' bytes): Updated event of ' + id + ' dropped');
          return null;
        }
        this.warn('transaction event log over its cap: ' + event.eventType + ' event kept, it is never dropped');
      }
    }
    this.outbox.add(seq, logged);
    tx.nextSeqNo++;
    this.pendingBytes += size;
    if (event.eventType === 'Ended') this.forget(id);
    return logged;
  }

  /** Keeps a sample for the transaction's Ended event (TxEndedMeasurands), durably. */
  keepSample(id: string, value: MeterValue): void {
    if (!this.running[id]) return;
    this.keep(id, value);
    this.outbox.appendOwn({ v: id, m: value });
  }

  /** Replay: a running transaction read back (the highest seqNo counter wins). */
  private resume(t: OngoingTransaction): OngoingTransaction {
    const known = this.running[t.id];
    if (known) {
      known.nextSeqNo = Math.max(known.nextSeqNo, t.nextSeqNo);
      return known;
    }
    return (this.running[t.id] = t);
  }

  private keep(id: string, value: MeterValue): void {
    const kept = this.samples[id] || (this.samples[id] = []);
    kept.push(value);
    // The first (Transaction.Begin) stays; intermediate ones go first (E06.FR.13).
    if (kept.length > MAX_ENDED_SAMPLES) kept.splice(1, 1);
  }

  private forget(id: string): void {
    delete this.running[id];
    delete this.samples[id];
  }

  /** The link went: every event still waiting goes with offline = true (E11.FR.07). */
  markAllOffline(): void {
    const pending = this.outbox.list();
    for (let i = 0; i < pending.length; i++) pending[i].entry.offline = true;
  }

  head(): LoggedEvent | null {
    const head = this.outbox.head();
    return head ? head.entry : null;
  }

  size(): number {
    return this.outbox.size();
  }

  /** The position the next event gets: stored, and never handed out twice (not even after a power loss). */
  nextPosition(): number {
    return this.outbox.peekSeq();
  }

  bytes(): number {
    return this.pendingBytes;
  }

  /** Events waiting, oldest first (do not modify). */
  list(): LoggedEvent[] {
    return this.outbox.list().map((item) => item.entry);
  }

  /** Are events of this transaction (any, without an id) still to be delivered? (E14.FR.04/05/07/08) */
  messagesInQueue(transactionId?: string): boolean {
    const pending = this.outbox.list();
    for (let i = 0; i < pending.length; i++) if (transactionId === undefined || pending[i].entry.transactionId === transactionId) return true;
    return false;
  }

  /** The event was answered or given up: never sent again. */
  complete(seq: number): void {
    const done = this.outbox.markDone(seq);
    if (!done) return; // thinned away while it was being sent
    this.pendingBytes -= sizeOf(done);
    if (this.inFlight === seq) this.inFlight = 0;
    this.outbox.compactIfWorthIt();
  }

  /** The request to send for an event: the stored one, with offline when it applies. */
  payloadOf(e: LoggedEvent): TransactionEventRequest {
    const payload = JSON.parse(e.payloadText) as TransactionEventRequest;
    if (e.offline) payload.offline = true;
    return payload;
  }

  /** Drops every second waiting Updated event (oldest kept) until `needed` bytes are free or none is left. */
  private thin(needed: number): void {
    this.pendingBytes -= this.outbox.thin(
      needed,
      (e, seq) => e.eventType === 'Updated' && seq !== this.inFlight,
      sizeOf,
      (dropped) => this.warn('transaction event log full: ' + dropped + ' Updated event(s) dropped (every second one)')
    );
  }
}

function sizeOf(e: LoggedEvent): number {
  return e.payloadText.length + e.messageId.length + e.transactionId.length + 40;
}
