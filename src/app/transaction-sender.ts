// Delivers the transaction queue (transaction-queue.ts) to the CSMS: one message at a
// time, oldest first, each until the CSMS answered it.
//
// - The link drops while a message waits for its answer: nothing is counted; the message
//   goes again, with the same unique id, on the next connection (the CSMS may have seen it
//   and can tell a repeat by its id).
// - The CSMS answers with a CALLERROR, or not at all within the response timeout, while
//   the link stays up: that is a failed attempt. The message goes again after
//   TransactionMessageRetryInterval × attempts so far (section 4.10 / 9.1.37), with a new
//   unique id as OCPP-J wants on one connection, and after TransactionMessageAttempts
//   failed attempts it is given up (logged) so the ones behind it can go.
import { QueuedMessage, TransactionQueue } from './transaction-queue';

/** One connection to the CSMS, as the sender needs it. */
export interface SendLink {
  /** Sends a CALL; resolves with the CALLRESULT payload, rejects on CALLERROR, timeout or close. */
  call(action: string, payload: object, uniqueId: string): Promise<any>;
  /** Is this connection still open? */
  isOpen(): boolean;
}

export interface TransactionSenderOptions {
  queue: TransactionQueue;
  /** TransactionMessageAttempts. */
  attempts: () => number;
  /** TransactionMessageRetryInterval, seconds. */
  retryInterval: () => number;
  setTimeout: (fn: () => void, ms: number) => { cancel(): void };
  log: { info(text: string): void; warning(text: string): void; error(text: string): void };
  /** The CSMS answered a message (after the queue recorded it as done). */
  onAnswer: (message: QueuedMessage, payload: any, response: any) => void;
}

export class TransactionSender {
  private link: SendLink | null = null;
  private busy = false;
  private retry: { cancel(): void } | null = null;
  /** Failed attempts of the head message. */
  private failures = 0;
  private drained: (() => void)[] = [];

  constructor(private readonly o: TransactionSenderOptions) {}

  /** A connection is up and the station is accepted: start delivering. */
  online(link: SendLink): void {
    this.link = link;
    this.kick();
  }

  /** The connection is gone: stop; what is in flight goes again on the next one. */
  offline(): void {
    this.link = null;
    if (this.retry) this.retry.cancel();
    this.retry = null;
  }

  get isOnline(): boolean {
    return this.link !== null;
  }

  /** Resolves once the queue is empty (now, or after the next deliveries). */
  whenEmpty(): Promise<void> {
    if (!this.o.queue.size()) return Promise.resolve();
    return new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /** Something was queued, or a wait is over: send the head message if nothing else is going. */
  kick(): void {
    const queue = this.o.queue;
    while (this.link && !this.busy && !this.retry) {
      const message = queue.head();
      if (!message) {
        const waiting = this.drained;
        this.drained = [];
        for (let i = 0; i < waiting.length; i++) waiting[i]();
        return;
      }
      const prepared = queue.payloadOf(message);
      if (!prepared.known) {
        // Its StartTransaction was given up: the CSMS has no id for this transaction.
        this.o.log.error('transaction ref ' + message.ref + ' has no transactionId (its StartTransaction was given up): ' + message.action + ' dropped');
        queue.complete(message.seq);
        continue;
      }
      this.send(this.link, message, prepared.payload);
    }
  }

  private send(link: SendLink, message: QueuedMessage, payload: any): void {
    const queue = this.o.queue;
    this.busy = true;
    queue.inFlight = message.seq;
    const uniqueId = message.uniqueId + (this.failures ? '.' + this.failures : '');
    link.call(message.action, payload, uniqueId).then(
      (response) => {
        this.busy = false;
        this.failures = 0;
        // The mapping is written before the message is marked done: after a power loss in
        // between, the StartTransaction goes again rather than its id being lost.
        if (message.action === 'StartTransaction' && response && typeof response.transactionId === 'number') {
          queue.mapTransaction(message.ref, response.transactionId);
        }
        queue.complete(message.seq);
        try {
          this.o.onAnswer(message, payload, response);
        } catch (e) {
          this.o.log.error('handling the answer to ' + message.action + ' failed: ' + String(e));
        }
        this.kick();
      },
      (error) => {
        this.busy = false;
        queue.inFlight = 0;
        if (this.link !== link || !link.isOpen()) return; // the link went: again on the next one
        this.failed(message, error);
        this.kick();
      }
    );
  }

  private failed(message: QueuedMessage, error: any): void {
    this.failures++;
    const why = error && error.message ? (error.code ? error.code + ': ' : '') + error.message : String(error);
    if (this.failures >= this.o.attempts()) {
      this.o.log.error(message.action + ' (transaction ref ' + message.ref + ') given up after ' + this.failures + ' attempt(s): ' + why);
      this.failures = 0;
      this.o.queue.complete(message.seq);
      return;
    }
    const wait = this.o.retryInterval() * this.failures;
    this.o.log.warning(message.action + ' attempt ' + this.failures + ' failed (' + why + '); again in ' + wait + ' s');
    this.retry = this.o.setTimeout(() => {
      this.retry = null;
      this.kick();
    }, wait * 1000);
  }
}
