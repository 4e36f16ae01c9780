// The CSMS session of either OCPP version: the one connection to the CSMS and what rides on
// it, as far as both versions do the same —
//   - reconnects backed off exponentially with jitter (backoff.ts), a first connection given
//     up after the version's number of attempts;
//   - BootNotification until Accepted: the clock set from its currentTime, the heartbeat
//     interval from an Accepted answer; Pending or Rejected: BootNotification again after the
//     answer's interval (30 s when it gives none, or no answer came); Rejected: nothing goes
//     out until that interval is over, on this connection or the next one;
//   - the periodic Heartbeat (its answer sets the clock too);
//   - what may be sent when: send() only while Accepted, sendRequested() (what the CSMS asked
//     for, a triggered message) as the version allows while Pending or Rejected, call() only
//     while Accepted.
// The version's session (a subclass) builds its BootNotification, says how a connection is
// opened and what the station does on the way online and offline, and keeps its own rules.
import { Hal } from '../../hal/index';
import { ActionOf, CallOf } from '../ocpp/charge-point';
import { Backoff } from './backoff';

/** A connection, as the session needs it (Rq, Rs: the version's generated OutgoingRequests / OutgoingResponses, what the station sends). */
export interface SessionLink<Rq, Rs> {
  /** Sends a CALL; resolves with the CALLRESULT payload; rejects on CALLERROR, timeout or close. */
  call: CallOf<Rq, Rs>;
  isOpen(): boolean;
  close(): void;
}

/** What the session sends itself: the version's BootNotification and Heartbeat (their generated request types). */
export interface SessionRequests {
  BootNotification: object;
  Heartbeat: object;
}

/** What the session reads of their answers (the version's generated response types have these). */
export interface SessionResponses {
  BootNotification: BootAnswer;
  Heartbeat: { currentTime: string };
}

/** What the session reads of a BootNotification answer. */
export interface BootAnswer {
  status: string;
  interval: number;
  currentTime: string;
}

/** The events a connection attempt reports (once each): the session's linkUp / linkDown. */
export interface OpenEvents<L> {
  linkUp(link: L): void;
  linkDown(code: number, reason: string): void;
}

/** Wait before another BootNotification after one that got no answer, or an answer whose interval is 0. */
const BOOT_RETRY_SECONDS = 30;

type Timer = { cancel(): void } | null;

/**
 * Rq, Rs: the version's generated OutgoingRequests / OutgoingResponses (every call is typed by action);
 * L: its link; R: its routes.
 */
export abstract class CsmsSession<Rq extends SessionRequests, Rs extends SessionResponses, L extends SessionLink<Rq, Rs>, R> implements OpenEvents<L> {
  /** The BootNotification's answer in this boot (null: none yet). */
  registration: Rs['BootNotification']['status'] | null = null;
  protected link: L | null = null;
  /** A connection was open once in this boot. */
  protected connectedOnce = false;
  private stopped = false;
  private readonly backoff: Backoff;
  private heartbeatTimer: Timer = null;
  private bootTimer: Timer = null;
  private reconnectTimer: Timer = null;
  /** BootNotification Rejected: nothing may go out before this monotonic time (ms). */
  private rejectedUntil = 0;
  /** The reconnect timer is the backoff's wait (not the wait after a Rejected boot). */
  private backingOff = false;
  /** Every action the station serves (given at start, registered on each connection). */
  private routes: R | null = null;

  constructor(protected readonly hal: Hal) {
    this.backoff = new Backoff({ baseMs: 1000, capMs: Math.max(1, hal.settings.reconnectMaxSeconds) * 1000 });
  }

  // ---- the version's part ------------------------------------------------------------------

  /**
   * Opens a connection serving `routes`, which reports to the session itself (its OpenEvents,
   * linkUp / linkDown): no closures of its own per connection.
   */
  protected abstract open(routes: R): void;
  /** A connection is open (before the BootNotification or the way online). */
  protected abstract opened(link: L): void;
  /** The connection closed (wasConnected: it had opened; wasOnline: Accepted and open). */
  protected abstract closed(wasConnected: boolean, wasOnline: boolean, reason: string): void;
  /** Connection attempts after which a station that has not got far enough gives up (0: never). */
  protected abstract giveUpAfter(): number;
  /** The station gave up connecting (logged already). */
  protected abstract unreachable(why: string): void;
  /** The BootNotification request. */
  protected abstract bootRequest(): Rq['BootNotification'];
  protected abstract heartbeatInterval(): number;
  /** An Accepted BootNotification's interval. */
  protected abstract setHeartbeatInterval(seconds: number): void;
  /** Accepted and connected: the station's part in going online (firstTime: the boot was not Accepted before). */
  protected abstract wentOnline(link: L, firstTime: boolean): void;
  /** A later BootNotification got Pending or Rejected (wasAccepted: it had been Accepted). */
  protected abstract wentOffline(wasAccepted: boolean): void;
  /** May a message the CSMS asked for (a triggered one) go out in this registration state, the connection open? */
  protected abstract mayAnswer(registration: Rs['BootNotification']['status'] | null): boolean;
  /** What the station does while Rejected, for the log. */
  protected abstract readonly whileRejected: string;
  // Abstract too, not empty defaults a version overrides: a default each version replaced
  // would be a function in every bundle that nothing calls.
  /** Another Accepted BootNotification (a triggered one): the heartbeat is restarted already. */
  protected abstract acceptedAgain(): void;
  /** While Rejected the station keeps still on the open connection (on), until the interval is over. */
  protected abstract silence(link: L, on: boolean): void;
  /** The clock was set from the CSMS's currentTime. */
  protected abstract clockSet(before: number, after: number): void;

  // ---- state -------------------------------------------------------------------------------

  /** Connected to the CSMS (booted or not). */
  get connected(): boolean {
    return this.link !== null;
  }

  /** Booted (Accepted) and connected: messages can go now. */
  get online(): boolean {
    return this.link !== null && this.registration === 'Accepted';
  }

  /** May a message the CSMS asked for go out now (also while Pending, as the version says)? */
  get mayAnswerRequest(): boolean {
    return this.link !== null && this.mayAnswer(this.registration);
  }

  /** Connects (and keeps connecting), serving `routes` on each connection. */
  start(routes: R): void {
    this.routes = routes;
    this.connect();
  }

  /** Ends the session: timers (the connection stays until close()). */
  stop(): void {
    this.stopped = true;
    cancel(this.reconnectTimer);
    cancel(this.bootTimer);
    cancel(this.heartbeatTimer);
  }

  /** Closes the link (after stop(): for good). */
  close(): void {
    if (this.link) this.link.close();
  }

  // ---- connection -----------------------------------------------------------------------

  private connect(): void {
    if (this.stopped) return;
    this.open(this.routes as R);
  }

  /** The connection opened (OpenEvents). */
  linkUp(link: L): void {
    this.link = link;
    this.connectedOnce = true;
    this.opened(link);
    if (this.registration === 'Accepted') this.goOnline(link, false);
    else if (this.registration === 'Rejected' && this.rejectedUntil > this.hal.ticks()) this.waitOutRejection(link, this.rejectedUntil - this.hal.ticks());
    else this.sendBoot();
  }

  /** The connection closed or could not be opened (OpenEvents). */
  linkDown(code: number, reason: string): void {
    const wasConnected = this.link !== null;
    const wasOnline = this.online;
    this.link = null;
    cancel(this.heartbeatTimer);
    cancel(this.bootTimer);
    this.heartbeatTimer = this.bootTimer = null;
    this.closed(wasConnected, wasOnline, reason);
    if (this.stopped) return;
    const why = code + (reason ? ' ' + reason : '');
    const limit = this.giveUpAfter();
    if (limit > 0 && this.backoff.failures + 1 >= limit) {
      const text = 'the CSMS at ' + this.hal.settings.url + ' is unreachable after ' + limit + ' attempts (' + why + ')';
      this.hal.log.error(text);
      this.unreachable(text);
      return;
    }
    const delay = this.backoff.next();
    this.hal.log.info((wasConnected ? 'connection lost' : 'cannot connect') + ' (' + why + '); again in ' + (delay / 1000).toFixed(1) + ' s');
    this.backingOff = true;
    this.reconnectTimer = this.hal.setTimeout(() => {
      this.reconnectTimer = null;
      this.backingOff = false;
      this.connect();
    }, delay);
  }

  /** The network is back: a station waiting out its backoff connects now. */
  connectNow(): void {
    if (this.stopped || !this.backingOff || !this.reconnectTimer) return;
    cancel(this.reconnectTimer);
    this.reconnectTimer = null;
    this.backingOff = false;
    this.hal.log.info('network back: connecting now');
    this.connect();
  }

  /** Closes the connection; the station connects again. */
  reconnect(why: string): void {
    if (!this.link) return;
    this.hal.log.info('disconnecting: ' + why);
    this.link.close();
  }

  // ---- boot and heartbeat -----------------------------------------------------------------

  /** BootNotification; again after the interval while not Accepted (only it goes out before then). */
  sendBoot(): void {
    const link = this.link;
    if (!link) return;
    cancel(this.bootTimer);
    this.bootTimer = null;
    link.call('BootNotification', this.bootRequest()).then(
      (answer) => {
        if (this.link !== link) return;
        this.setClock(answer.currentTime);
        const status: Rs['BootNotification']['status'] = answer.status;
        const wasAccepted = this.registration === 'Accepted';
        this.registration = status;
        if (status !== 'Rejected') this.silence(link, false);
        if (status === 'Accepted') {
          if (answer.interval > 0) this.setHeartbeatInterval(answer.interval);
          this.hal.log.info('booted (Accepted, heartbeat ' + this.heartbeatInterval() + ' s)');
          if (!wasAccepted) this.goOnline(link, true);
          else {
            this.startHeartbeat();
            this.acceptedAgain();
          }
          return;
        }
        cancel(this.heartbeatTimer);
        this.heartbeatTimer = null;
        this.wentOffline(wasAccepted);
        const wait = answer.interval > 0 ? answer.interval : BOOT_RETRY_SECONDS;
        if (status === 'Rejected') {
          this.hal.log.info('BootNotification Rejected; ' + this.whileRejected + ', BootNotification again in ' + wait + ' s');
          this.rejectedUntil = this.hal.ticks() + wait * 1000;
          this.waitOutRejection(link, wait * 1000);
          return;
        }
        this.hal.log.info('BootNotification ' + status + '; again in ' + wait + ' s');
        this.bootLater(wait * 1000);
      },
      (error: unknown) => {
        if (this.link !== link || !link.isOpen()) return;
        this.hal.log.warning('BootNotification failed (' + describe(error) + '); again in ' + BOOT_RETRY_SECONDS + ' s');
        this.bootLater(BOOT_RETRY_SECONDS * 1000);
      }
    );
  }

  private waitOutRejection(link: L, ms: number): void {
    this.silence(link, true);
    this.bootLater(ms);
  }

  private bootLater(ms: number): void {
    cancel(this.bootTimer);
    this.bootTimer = this.hal.setTimeout(() => this.sendBoot(), ms);
  }

  private goOnline(link: L, firstTime: boolean): void {
    this.backoff.reset(); // the next drop starts again from the first, short delay
    this.startHeartbeat();
    this.wentOnline(link, firstTime);
  }

  /** (Re)starts the periodic Heartbeat at the heartbeat interval (online only). */
  startHeartbeat(): void {
    cancel(this.heartbeatTimer);
    this.heartbeatTimer = null;
    const interval = this.heartbeatInterval();
    if (interval > 0 && this.online) this.heartbeatTimer = this.hal.setInterval(() => this.heartbeat(), interval * 1000);
  }

  /** A Heartbeat (the periodic one runs only while online; a triggered one as sendRequested allows); its answer sets the clock. */
  heartbeat(): void {
    // Both versions' HeartbeatRequest is {} (2.0.1's customData is optional).
    this.sendRequested('Heartbeat', {} as Rq['Heartbeat']).then((answer) => answer && this.setClock(answer.currentTime));
  }

  private setClock(iso: string | undefined): void {
    const ms = iso ? Date.parse(iso) : NaN;
    if (isNaN(ms)) return;
    const before = this.hal.now();
    this.hal.setTime(ms);
    this.clockSet(before, ms);
  }

  // ---- messages --------------------------------------------------------------------------

  /** Sends a CALL if online; resolves with the answer, or null (not online, or it failed: logged). */
  send<A extends ActionOf<Rq, Rs>>(action: A, payload: Rq[A]): Promise<Rs[A] | null> {
    return this.online ? this.sendOn(action, payload) : Promise.resolve(null);
  }

  /** Sends a CALL the CSMS asked for (a triggered message), as the registration allows; the answer or null. */
  sendRequested<A extends ActionOf<Rq, Rs>>(action: A, payload: Rq[A]): Promise<Rs[A] | null> {
    return this.mayAnswerRequest ? this.sendOn(action, payload) : Promise.resolve(null);
  }

  private sendOn<A extends ActionOf<Rq, Rs>>(action: A, payload: Rq[A]): Promise<Rs[A] | null> {
    const link = this.link;
    if (!link) return Promise.resolve(null);
    return link.call(action, payload).then(undefined, (error: unknown) => {
      this.hal.log.warning(action + ' failed: ' + describe(error));
      return null;
    });
  }

  /** Sends a CALL now if online; rejects when not, on a CALLERROR and on a timeout. */
  call<A extends ActionOf<Rq, Rs>>(action: A, payload: Rq[A], uniqueId?: string): Promise<Rs[A]> {
    const link = this.link;
    if (!link || !this.online) return Promise.reject(new Error('offline'));
    return link.call(action, payload, uniqueId);
  }
}

function cancel(timer: Timer): void {
  if (timer) timer.cancel();
}

/** An error as one short line: "InternalError: database down", "timed out", ... */
export function describe(error: any): string {
  if (!error) return String(error);
  if (error.code && error.description !== undefined) return error.code + (error.description ? ': ' + error.description : '');
  return error.message || String(error);
}
