// The persistent queue of transaction-related messages (StartTransaction,
// StopTransaction, MeterValues of a transaction). OCPP 1.6 asks that these reach the
// central system, in order, even when the link or the power fails; so each one is written
// to storage BEFORE anything tries to send it, and marked done only once the CSMS has
// answered it.
//
// It is a configuration of the durable outbox (src/lib/outbox.ts): one append-only record
// log (hal.storage.append: durable, a torn last line is dropped on reading), one JSON record
// per line:
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

import { Outbox, RecordStorage } from '../../lib/outbox';
import { MeterValuesRequest, OutgoingRequests, StartTransactionRequest, StopTransactionRequest } from '../../ocpp/v16/generated/types';

export type TransactionAction = 'StartTransaction' | 'StopTransaction' | 'MeterValues';

/** What is queued per action: the generated request, without the transactionId it gets when it is sent. */
export interface QueuedPayloads {
  StartTransaction: StartTransactionRequest;
  StopTransaction: Omit<StopTransactionRequest, 'transactionId'>;
  MeterValues: Omit<MeterValuesRequest, 'transactionId'>;
}

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
  private readonly outbox: Outbox<QueuedMessage>;
  private pendingBytes = 0;
  /** ref → CSMS transactionId, for transactions not known to be over. */
  private ids: { [ref: string]: number } = {};
  private nextRef = 1;
  private readonly limit: number;
  private readonly idPrefix: string;
  private readonly warn: (text: string) => void;
  /** The message being sent now: thinning leaves it alone. */
  inFlight = 0;

  constructor(storage: RecordStorage, options: TransactionQueueOptions = {}) {
    this.limit = options.limitBytes || DEFAULT_LIMIT;
    this.idPrefix = options.idPrefix || '';
    this.warn = options.warn || function () {};
    this.outbox = new Outbox<QueuedMessage>(storage, {
      file: LOG,
      compactSlack: COMPACT_SLACK,
      encode: (seq, m) => '{"q":' + seq + ',"a":' + JSON.stringify(m.action) + ',"r":' + m.ref + ',"u":' + JSON.stringify(m.uniqueId) + ',"p":' + m.payloadText + '}',
      decode: (r) => ({ seq: r.q, action: r.a, ref: r.r, uniqueId: r.u, payloadText: JSON.stringify(r.p) }),
      ownRecords: (nextSeq) => {
        const own: object[] = [{ n: nextSeq, t: this.nextRef }];
        for (const ref in this.ids) own.push({ m: Number(ref), id: this.ids[ref] });
        return own;
      },
      replayOwn: (r) => {
        if (typeof r.n === 'number') {
          this.nextRef = Math.max(this.nextRef, r.t || 1);
          return r.n; // the header's next seq
        }
        if (typeof r.m === 'number') this.ids[r.m] = r.id;
      },
      replayEntry: (_seq, m) => {
        this.nextRef = Math.max(this.nextRef, m.ref + 1);
      },
      // Once its StopTransaction is through, nothing will ask for the transaction's id again.
      replayDone: (_seq, m) => {
        if (m.action === 'StopTransaction') delete this.ids[m.ref];
      },
      unreadable: () => this.warn('transaction queue: unreadable record skipped'),
    }).load();
    const pending = this.outbox.list();
    for (let i = 0; i < pending.length; i++) this.pendingBytes += sizeOf(pending[i].entry);
  }

  /** Messages waiting, oldest first. */
  size(): number {
    return this.outbox.size();
  }
  bytes(): number {
    return this.pendingBytes;
  }
  head(): QueuedMessage | null {
    const head = this.outbox.head();
    return head ? head.entry : null;
  }
  /** The waiting messages (oldest first). */
  list(): QueuedMessage[] {
    return this.outbox.list().map((item) => item.entry);
  }

  /** A new transaction's local ref (stored, so it is never handed out twice). */
  newTransactionRef(): number {
    const ref = this.nextRef++;
    this.outbox.appendOwn({ n: this.outbox.peekSeq(), t: this.nextRef });
    return ref;
  }

  /**
   * Queues a message durably; when this returns, it survives a power loss. `payload` is
   * without transactionId (except a StartTransaction, which has none). Null: a MeterValues
   * that did not fit even after thinning, dropped.
   */
  push<A extends TransactionAction>(action: A, ref: number, payload: QueuedPayloads[A]): QueuedMessage | null {
    const seq = this.outbox.takeSeq();
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
    this.outbox.add(seq, message);
    this.pendingBytes += size;
    return message;
  }

  /** The message was answered (or given up): it is never sent again. */
  complete(seq: number): void {
    const message = this.outbox.markDone(seq);
    if (!message) return; // thinned away while it was being sent
    this.pendingBytes -= sizeOf(message);
    if (this.inFlight === seq) this.inFlight = 0;
    // Once its StopTransaction is through, nothing will ask for the transaction's id again.
    if (message.action === 'StopTransaction') delete this.ids[message.ref];
    this.outbox.compactIfWorthIt();
  }

  /** StartTransaction.conf: ref is `transactionId` at the CSMS. */
  mapTransaction(ref: number, transactionId: number): void {
    this.ids[ref] = transactionId;
    this.outbox.appendOwn({ m: ref, id: transactionId });
  }

  /** The CSMS's id of a transaction, or undefined while its StartTransaction is not confirmed. */
  transactionId(ref: number): number | undefined {
    return Object.prototype.hasOwnProperty.call(this.ids, String(ref)) ? this.ids[ref] : undefined;
  }

  /** The payload to send: the stored one with the transactionId filled in (undefined: not known). */
  payloadOf(message: QueuedMessage): { payload: OutgoingRequests[TransactionAction]; known: boolean } {
    const payload = JSON.parse(message.payloadText);
    if (message.action === 'StartTransaction') return { payload, known: true };
    const id = this.transactionId(message.ref);
    if (id === undefined) return { payload, known: false };
    payload.transactionId = id;
    return { payload, known: true };
  }

  /** Drops every second waiting MeterValues (oldest kept) until `needed` bytes are free or none is left to drop. */
  private thin(needed: number): void {
    this.pendingBytes -= this.outbox.thin(
      needed,
      (m) => m.action === 'MeterValues' && m.seq !== this.inFlight,
      sizeOf,
      (dropped) => this.warn('transaction queue full: ' + dropped + ' intermediate MeterValues dropped (every second one)')
    );
  }
}

/** What one message costs in storage (and about as much in heap). */
function sizeOf(m: QueuedMessage): number {
  return m.payloadText.length + m.uniqueId.length + 48;
}
