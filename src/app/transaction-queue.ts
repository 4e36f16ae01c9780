// The persistent queue of transaction-related messages (StartTransaction,
// StopTransaction, MeterValues of a transaction). OCPP 1.6 asks that these reach the
// central system, in order, even when the link or the power fails; so each one is written
// to storage BEFORE anything tries to send it, and marked done only once the CSMS has
// answered it.
//
// Storage is one append-only record log (hal.storage.append: durable, a torn last line is
// dropped on reading), one JSON record per line:
//   {"n":7,"t":3}                                      header: next sequence number, next transaction ref
//   {"q":7,"a":"MeterValues","r":2,"u":"…","p":{…}}    a message, with its transaction ref and unique id
//   {"d":7}                                            message 7 is done (answered, or given up)
//   {"m":2,"id":17}                                    transaction ref 2 is transaction 17 at the CSMS
// When the done records outweigh the pending ones the log is rewritten (atomically) with
// only what is still pending.
//
// Transaction refs: every transaction gets a local number when it starts, before the CSMS
// has given it a transactionId (it may be offline). Messages are queued with the ref, and
// the transactionId is filled in when they are sent, from the mapping the
// StartTransaction.conf made. So a transaction started offline gets its real id on every
// later message.
//
// The cap (documented in README, "Charge point behaviour"): the pending messages may take
// `limitBytes` of storage (and as much heap). When a new message does not fit, the
// intermediate MeterValues are thinned: every second one still waiting (oldest kept) is
// dropped, as often as needed. StartTransaction and StopTransaction are never dropped,
// even beyond the cap; a MeterValues that still does not fit after thinning is dropped.

export type TransactionAction = 'StartTransaction' | 'StopTransaction' | 'MeterValues';

export interface QueuedMessage {
  /** Position in the queue (increasing, never reused). */
  seq: number;
  action: TransactionAction;
  /** The transaction this message belongs to (local ref). */
  ref: number;
  /** OCPP-J message id used on every (re)transmission, so the CSMS can spot a repeat. */
  uniqueId: string;
  /** The payload as JSON text, without transactionId (filled in at sending). */
  payloadText: string;
}

interface RecordStorage {
  append(log: string, record: string): void;
  records(log: string): string[];
  set(key: string, value: string): void;
}

export interface TransactionQueueOptions {
  /** Bytes the pending messages may take (default 32 KiB). */
  limitBytes?: number;
  /** Makes the unique ids of this station's messages differ from another boot's (e.g. the clock). */
  idPrefix?: string;
  warn?: (text: string) => void;
}

const LOG = 'transactions.log';
const DEFAULT_LIMIT = 32 * 1024;
/** Rewrite the log when it holds this many records more than the pending ones. */
const COMPACT_SLACK = 64;

export class TransactionQueue {
  private pending: QueuedMessage[] = [];
  private pendingBytes = 0;
  /** ref → CSMS transactionId, for transactions not known to be over. */
  private ids: { [ref: string]: number } = {};
  private nextSeq = 1;
  private nextRef = 1;
  private recordsInLog = 0;
  private readonly limit: number;
  private readonly idPrefix: string;
  private readonly warn: (text: string) => void;
  /** The message being sent now: thinning leaves it alone. */
  inFlight = 0;

  constructor(private readonly storage: RecordStorage, options: TransactionQueueOptions = {}) {
    this.limit = options.limitBytes || DEFAULT_LIMIT;
    this.idPrefix = options.idPrefix || '';
    this.warn = options.warn || function () {};
    this.replay();
  }

  /** Messages waiting, oldest first. */
  size(): number {
    return this.pending.length;
  }
  bytes(): number {
    return this.pendingBytes;
  }
  head(): QueuedMessage | null {
    return this.pending.length ? this.pending[0] : null;
  }
  /** The waiting messages (oldest first); do not modify. */
  list(): QueuedMessage[] {
    return this.pending;
  }

  /** A new transaction's local ref (stored, so it is never handed out twice). */
  newTransactionRef(): number {
    const ref = this.nextRef++;
    this.write({ n: this.nextSeq, t: this.nextRef });
    return ref;
  }

  /**
   * Queues a message durably; when this returns, it survives a power loss. `payload` is
   * without transactionId (except a StartTransaction, which has none). Null: a MeterValues
   * that did not fit even after thinning, dropped.
   */
  push(action: TransactionAction, ref: number, payload: object): QueuedMessage | null {
    const seq = this.nextSeq++;
    const message: QueuedMessage = {
      seq,
      action,
      ref,
      uniqueId: this.idPrefix + seq,
      payloadText: JSON.stringify(payload),
    };
    const size = sizeOf(message);
    if (this.pendingBytes + size > this.limit) {
      this.thin(this.pendingBytes + size - this.limit);
      if (this.pendingBytes + size > this.limit) {
        if (action === 'MeterValues') {
          this.warn('transaction queue full (' + this.pendingBytes + ' of ' + this.limit + ' bytes): MeterValues of transaction ref ' + ref + ' dropped');
          return null;
        }
        this.warn('transaction queue over its cap (' + (this.pendingBytes + size) + ' of ' + this.limit + ' bytes): ' + action + ' kept, it is never dropped');
      }
    }
    this.write({ q: seq, a: action, r: ref, u: message.uniqueId, p: JSON.parse(message.payloadText) });
    this.pending.push(message);
    this.pendingBytes += size;
    return message;
  }

  /** The message was answered (or given up): it is never sent again. */
  complete(seq: number): void {
    const i = this.indexOf(seq);
    if (i < 0) return; // thinned away while it was being sent
    const message = this.pending[i];
    this.pending.splice(i, 1);
    this.pendingBytes -= sizeOf(message);
    if (this.inFlight === seq) this.inFlight = 0;
    this.write({ d: seq });
    // Once its StopTransaction is through, nothing will ask for the transaction's id again.
    if (message.action === 'StopTransaction') delete this.ids[message.ref];
    this.compactIfWorthIt();
  }

  /** StartTransaction.conf: ref is `transactionId` at the CSMS. */
  mapTransaction(ref: number, transactionId: number): void {
    this.ids[ref] = transactionId;
    this.write({ m: ref, id: transactionId });
  }

  /** The CSMS's id of a transaction, or undefined while its StartTransaction is not confirmed. */
  transactionId(ref: number): number | undefined {
    return Object.prototype.hasOwnProperty.call(this.ids, String(ref)) ? this.ids[ref] : undefined;
  }

  /** Does the queue still hold a StartTransaction of this ref? */
  hasStart(ref: number): boolean {
    for (let i = 0; i < this.pending.length; i++) {
      if (this.pending[i].ref === ref && this.pending[i].action === 'StartTransaction') return true;
    }
    return false;
  }

  /** The payload to send: the stored one with the transactionId filled in (undefined: not known). */
  payloadOf(message: QueuedMessage): { payload: any; known: boolean } {
    const payload = JSON.parse(message.payloadText);
    if (message.action === 'StartTransaction') return { payload, known: true };
    const id = this.transactionId(message.ref);
    if (id === undefined) return { payload, known: false };
    payload.transactionId = id;
    return { payload, known: true };
  }

  // ---- storage -----------------------------------------------------------------------

  private write(record: object): void {
    this.storage.append(LOG, JSON.stringify(record));
    this.recordsInLog++;
  }

  private replay(): void {
    const lines = this.storage.records(LOG);
    const bySeq: { [seq: string]: QueuedMessage } = {};
    const order: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      let r: any;
      try {
        r = JSON.parse(lines[i]);
      } catch (e) {
        this.warn('transaction queue: unreadable record skipped');
        continue;
      }
      if (typeof r.n === 'number') {
        this.nextSeq = Math.max(this.nextSeq, r.n);
        this.nextRef = Math.max(this.nextRef, r.t || 1);
      } else if (typeof r.q === 'number') {
        bySeq[r.q] = { seq: r.q, action: r.a, ref: r.r, uniqueId: r.u, payloadText: JSON.stringify(r.p) };
        order.push(r.q);
        this.nextSeq = Math.max(this.nextSeq, r.q + 1);
        this.nextRef = Math.max(this.nextRef, r.r + 1);
      } else if (typeof r.d === 'number') {
        const done = bySeq[r.d];
        if (done && done.action === 'StopTransaction') delete this.ids[done.ref];
        delete bySeq[r.d];
      } else if (typeof r.m === 'number') {
        this.ids[r.m] = r.id;
      }
    }
    for (let i = 0; i < order.length; i++) {
      const m = bySeq[order[i]];
      if (m) {
        this.pending.push(m);
        this.pendingBytes += sizeOf(m);
      }
    }
    // Always start from a clean log: a record torn by a power loss would otherwise have the
    // next append glued to it, and both would be lost.
    this.compact();
  }

  private compactIfWorthIt(): void {
    if (this.recordsInLog - this.pending.length < COMPACT_SLACK) return;
    this.compact();
  }

  /** Rewrites the log with only what is pending (one atomic replace). */
  private compact(): void {
    const lines: string[] = [JSON.stringify({ n: this.nextSeq, t: this.nextRef })];
    for (const ref in this.ids) lines.push(JSON.stringify({ m: Number(ref), id: this.ids[ref] }));
    for (let i = 0; i < this.pending.length; i++) {
      const m = this.pending[i];
      lines.push('{"q":' + m.seq + ',"a":' + JSON.stringify(m.action) + ',"r":' + m.ref + ',"u":' + JSON.stringify(m.uniqueId) + ',"p":' + m.payloadText + '}');
    }
    this.storage.set(LOG, lines.join('\n') + '\n');
    this.recordsInLog = lines.length;
  }

  /** Drops every second waiting MeterValues (oldest kept) until `needed` bytes are free or none is left to drop. */
  private thin(needed: number): void {
    let freed = 0;
    while (freed < needed) {
      const meterValues: number[] = [];
      for (let i = 0; i < this.pending.length; i++) {
        const m = this.pending[i];
        if (m.action === 'MeterValues' && m.seq !== this.inFlight) meterValues.push(i);
      }
      if (!meterValues.length) break;
      const drop: { [i: string]: boolean } = {};
      // Every second one, the oldest kept; a last single one goes too.
      for (let k = meterValues.length === 1 ? 0 : 1; k < meterValues.length; k += 2) drop[meterValues[k]] = true;
      const kept: QueuedMessage[] = [];
      let dropped = 0;
      for (let i = 0; i < this.pending.length; i++) {
        if (drop[i]) {
          freed += sizeOf(this.pending[i]);
          this.pendingBytes -= sizeOf(this.pending[i]);
          dropped++;
        } else {
          kept.push(this.pending[i]);
        }
      }
      this.pending = kept;
      this.warn('transaction queue full: ' + dropped + ' intermediate MeterValues dropped (every second one)');
    }
    this.compact();
  }

  private indexOf(seq: number): number {
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].seq === seq) return i;
    return -1;
  }
}

/** What one message costs in storage (and about as much in heap). */
function sizeOf(m: QueuedMessage): number {
  return m.payloadText.length + m.uniqueId.length + 48;
}
