// Delivers an outbox (outbox.ts) over a link: one entry at a time, oldest first, each until
// the other side answered it.
//
// - The link drops while an entry waits for its answer: nothing is counted; the entry goes
//   again on the next link (with the same unique id when the configuration gives one, so the
//   other side can tell a repeat).
// - An error answer, or none within the response timeout, while the link stays up: a failed
//   attempt. The entry goes again after retryInterval × attempts so far, and after `attempts`
//   failed attempts it is given up (logged) so the ones behind it can go.
//
// Typed by action: Rq, Rs are the version's generated OutgoingRequests / OutgoingResponses,
// A the actions the outbox holds.
import { ActionOf, CallOf } from '../ocpp/charge-point';

/** One connection, as the sender needs it. */
export interface SendLink<Rq, Rs> {
  /** Sends a request; resolves with the answer's payload, rejects on an error answer, timeout or close. */
  call: CallOf<Rq, Rs>;
  /** Is this connection still open? */
  isOpen(): boolean;
}

/** What goes out for an entry. */
export interface Delivery<Rq, A extends keyof Rq> {
  action: A;
  payload: Rq[A];
  /** The request's unique id (absent: the link picks one). */
  uniqueId?: string;
}

export interface OutboxSenderOptions<M, Rq, Rs, A extends ActionOf<Rq, Rs>> {
  /** The entry to deliver next, or null when nothing waits. */
  head(): M | null;
  /**
   * What goes out for the entry, after `failures` failed attempts; null: it cannot be sent
   * (prepare has dealt with it, e.g. completed it) and the next one is tried.
   */
  prepare(entry: M, failures: number): Delivery<Rq, A> | null;
  /** Answered: the configuration records it as done (and does what the answer says). */
  answered(entry: M, delivery: Delivery<Rq, A>, response: Rs[A]): void;
  /** Given up after the last failed attempt: the configuration records it as done. */
  givenUp(entry: M): void;
  /** The entry in log lines ("StartTransaction (transaction ref 3)"). */
  describe(entry: M): string;
  /** An error as the log shows it. */
  why(error: any): string;
  /** Told which entry is in flight (null: none). */
  sending?(entry: M | null): void;
  /** Failed attempts before an entry is given up (at least 1). */
  attempts: () => number;
  /** Seconds; the wait after the n-th failed attempt is n times this. */
  retryInterval: () => number;
  setTimeout: (fn: () => void, ms: number) => { cancel(): void };
  log: { warning(text: string): void; error(text: string): void };
}

export class OutboxSender<M, Rq, Rs, A extends ActionOf<Rq, Rs>> {
  private link: SendLink<Rq, Rs> | null = null;
  private busy = false;
  private retry: { cancel(): void } | null = null;
  /** Failed attempts of the head entry. */
  private failures = 0;
  private drained: (() => void)[] = [];

  constructor(private readonly options: OutboxSenderOptions<M, Rq, Rs, A>) {}

  /** A link is up and delivery allowed: start delivering. */
  online(link: SendLink<Rq, Rs>): void {
    this.link = link;
    this.sendNext();
  }

  /** The link is gone: stop; what is in flight goes again on the next one. */
  offline(): void {
    this.link = null;
    if (this.retry) this.retry.cancel();
    this.retry = null;
  }

  get isOnline(): boolean {
    return this.link !== null;
  }

  /** Resolves once nothing waits (now, or after the next deliveries). */
  whenEmpty(): Promise<void> {
    if (!this.options.head()) return Promise.resolve();
    return new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /** Something was stored, or a wait is over: send the head entry if nothing else is going. */
  sendNext(): void {
    while (this.link && !this.busy && !this.retry) {
      const entry = this.options.head();
      if (entry === null) {
        const waiting = this.drained;
        this.drained = [];
        for (let i = 0; i < waiting.length; i++) waiting[i]();
        return;
      }
      const delivery = this.options.prepare(entry, this.failures);
      if (delivery) this.send(this.link, entry, delivery);
    }
  }

  private send(link: SendLink<Rq, Rs>, entry: M, delivery: Delivery<Rq, A>): void {
    const options = this.options;
    this.busy = true;
    if (options.sending) options.sending(entry);
    link.call(delivery.action, delivery.payload, delivery.uniqueId).then(
      (response) => {
        this.busy = false;
        this.failures = 0;
        options.answered(entry, delivery, response);
        this.sendNext();
      },
      (error) => {
        this.busy = false;
        if (options.sending) options.sending(null);
        if (this.link !== link || !link.isOpen()) return; // the link went: again on the next one
        this.failed(entry, delivery, error);
        this.sendNext();
      }
    );
  }

  private failed(entry: M, delivery: Delivery<Rq, A>, error: unknown): void {
    const options = this.options;
    this.failures++;
    const why = options.why(error);
    if (this.failures >= Math.max(1, options.attempts())) {
      options.log.error(options.describe(entry) + ' given up after ' + this.failures + ' attempt(s): ' + why);
      this.failures = 0;
      options.givenUp(entry);
      return;
    }
    const wait = options.retryInterval() * this.failures;
    options.log.warning(delivery.action + ' attempt ' + this.failures + ' failed (' + why + '); again in ' + wait + ' s');
    this.retry = options.setTimeout(() => {
      this.retry = null;
      this.sendNext();
    }, wait * 1000);
  }
}
