// The CSMS session: the one connection to the CSMS (csms-link.ts, on the core's
// ChargePoint) and what rides on it — reconnects backed off exponentially with jitter
// (src/lib/backoff.ts), BootNotification until Accepted (the clock and HeartbeatInterval from the
// answer; Pending: only triggered messages; Rejected: silent on the open connection until
// the interval is over), the heartbeat, and the send policy (what may go out in which state).
import { Hal } from '../../../hal/index';
import { Configuration } from './configuration';
import { StatusReporter, StatusNotification } from './connector-status';
import { Backoff } from '../../lib/backoff';
import { Connector } from './connector';
import { CsmsLink, LinkOpener } from './csms-link';
import { SendLink } from '../../lib/outbox-sender';
import { Routes } from '../routes';
import { ConnectionTarget } from './connection';
import { RegistrationStatus } from '../../ocpp/v16/generated/types';

/** Wait before retrying a BootNotification that got no answer at all, or an interval of 0. */
const BOOT_RETRY_SECONDS = 30;

/** What a scenario or an embedding firmware may listen to. */
export interface StationEvents {
  /** BootNotification accepted (once per boot) or the link is back after that. */
  online?: () => void;
  offline?: () => void;
  /** A connector's state changed. */
  connector?: (connector: Connector) => void;
  /** The station cannot go on (e.g. the CSMS never reachable); it exits with this code. */
  fatal?: (reason: string) => void;
}

/** What the session needs of the station. */
export interface SessionContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly status: StatusReporter;
  readonly events: StationEvents;
  readonly sender: { online(link: SendLink): void; offline(): void };
  /** The features' part in going online (booted and connected, first time or again). */
  featuresOnline(): void;
  readonly security: SessionSecurity;
}

/** How the session connects, and what it tells the security extension (or its stand-in, settings-connection.ts). */
export interface SessionSecurity {
  /** Where and how to connect now. */
  connection(): ConnectionTarget;
  linkUp(): void;
  linkDown(wasUp: boolean, reason: string): void;
  online(link: CsmsLink): void;
  offline(): void;
  invalidMessage(description: string): void;
  clockSet(before: number, after: number): void;
}

export class CsmsSession {
  /** The BootNotification's answer in this boot (null: none yet). */
  registration: RegistrationStatus | null = null;
  private readonly hal: Hal;
  private link: CsmsLink | null = null;
  private connectedOnce = false;
  private stopped = false;
  private readonly backoff: Backoff;
  private heartbeatTimer: { cancel(): void } | null = null;
  private bootTimer: { cancel(): void } | null = null;
  private reconnectTimer: { cancel(): void } | null = null;
  /** BootNotification Rejected: nothing may go out before this monotonic time (ms). */
  private rejectedUntil = 0;
  /** The reconnect timer is the backoff's wait (not the wait after a Rejected boot). */
  private backingOff = false;

  /** Every action the station serves (given at start, registered on each connection). */
  private routes: Routes = {};

  constructor(private readonly station: SessionContext, private readonly openLink: LinkOpener) {
    this.hal = station.hal;
    this.backoff = new Backoff({ baseMs: 1000, capMs: Math.max(1, station.hal.settings.reconnectMaxSeconds) * 1000 });
  }

  /** Connected to the CSMS (booted or not). */
  get connected(): boolean {
    return this.link !== null;
  }

  /** Booted (Accepted) and connected: messages can go now. */
  get online(): boolean {
    return this.link !== null && this.registration === 'Accepted';
  }

  /** Connects (and keeps connecting), serving `routes` on each connection. */
  start(routes: Routes): void {
    this.routes = routes;
    this.connect();
  }

  /** Ends the session: timers, connection. */
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
    const target = this.station.security.connection(); // URL and credentials of the security profile
    this.hal.log.debug('connecting to ' + target.url);
    this.openLink(target.url, target.options, this.routes, {
      opened: (link) => this.linkUp(link),
      closed: (code, reason) => this.linkDown(code, reason),
      invalid: (description) => this.station.security.invalidMessage(description),
    });
  }

  private linkUp(link: CsmsLink): void {
    this.link = link;
    this.connectedOnce = true;
    this.station.security.linkUp();
    this.hal.log.info('connected to the CSMS (' + this.hal.settings.url + ')');
    if (this.registration === 'Accepted') this.goOnline(false);
    else if (this.registration === 'Rejected' && this.rejectedUntil > this.hal.ticks()) this.waitOutRejection(link, this.rejectedUntil - this.hal.ticks());
    else this.sendBoot();
  }

  private linkDown(code: number, reason: string): void {
    const wasUp = this.link !== null;
    this.link = null;
    this.station.security.linkDown(wasUp, reason);
    cancel(this.heartbeatTimer);
    cancel(this.bootTimer);
    this.heartbeatTimer = this.bootTimer = null;
    this.station.sender.offline();
    this.station.status.offline();
    this.station.security.offline();
    if (wasUp && this.station.events.offline) this.station.events.offline();
    if (this.stopped) return;
    const limit = this.maxConnectAttempts();
    if (!this.connectedOnce && limit > 0 && this.backoff.failures + 1 >= limit) {
      const why = 'the CSMS at ' + this.hal.settings.url + ' is unreachable after ' + limit + ' attempts (' + code + (reason ? ' ' + reason : '') + ')';
      this.hal.log.error(why);
      if (this.station.events.fatal) this.station.events.fatal(why);
      return;
    }
    const delay = this.backoff.next();
    this.hal.log.info((wasUp ? 'connection lost' : 'cannot connect') + ' (' + code + (reason ? ' ' + reason : '') + '); again in ' + (delay / 1000).toFixed(1) + ' s');
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

  private maxConnectAttempts(): number {
    const s = this.hal.settings;
    if (s.maxConnectAttempts > 0) return s.maxConnectAttempts;
    return s.scenario ? 5 : 0;
  }

  // ---- boot and heartbeat -----------------------------------------------------------------

  /** BootNotification; retried while not Accepted (only it goes out before then). */
  sendBoot(): void {
    const link = this.link;
    if (!link) return;
    cancel(this.bootTimer);
    this.bootTimer = null;
    const s = this.hal.settings;
    const payload: any = {
      chargePointVendor: s.vendor.substring(0, 20),
      chargePointModel: s.model.substring(0, 20),
      chargePointSerialNumber: this.hal.imei().substring(0, 25),
      chargeBoxSerialNumber: s.id.substring(0, 25),
      firmwareVersion: s.firmwareVersion.substring(0, 50),
    };
    const iccid = this.hal.iccid();
    if (iccid) payload.iccid = iccid.substring(0, 20);
    link.call('BootNotification', payload).then(
      (conf: any) => {
        if (this.link !== link) return;
        this.setClock(conf.currentTime);
        const status: RegistrationStatus = conf.status;
        const wasAccepted = this.registration === 'Accepted';
        this.registration = status;
        if (status !== 'Rejected') link.silence(false);
        if (status === 'Accepted') {
          if (conf.interval > 0) this.station.config.set('HeartbeatInterval', String(conf.interval));
          this.hal.log.info('booted (Accepted, heartbeat ' + this.station.config.getInt('HeartbeatInterval') + ' s)');
          if (!wasAccepted) this.goOnline(true);
          else this.startHeartbeat();
          return;
        }
        const wait = conf.interval > 0 ? conf.interval : BOOT_RETRY_SECONDS;
        this.goOffline();
        if (status === 'Rejected') {
          this.hal.log.info('BootNotification Rejected; silent on the open connection, BootNotification again in ' + wait + ' s');
          this.rejectedUntil = this.hal.ticks() + wait * 1000;
          this.waitOutRejection(link, wait * 1000);
          return;
        }
        this.hal.log.info('BootNotification ' + status + '; again in ' + wait + ' s');
        this.bootTimer = this.hal.setTimeout(() => this.sendBoot(), wait * 1000);
      },
      (error: any) => {
        if (this.link !== link || !link.isOpen()) return;
        this.hal.log.warning('BootNotification failed (' + describe(error) + '); again in ' + BOOT_RETRY_SECONDS + ' s');
        this.bootTimer = this.hal.setTimeout(() => this.sendBoot(), BOOT_RETRY_SECONDS * 1000);
      }
    );
  }

  /**
   * Section 4.2: while Rejected the charge point SHALL NOT send any OCPP message until the
   * interval has expired, and SHALL NOT respond to any CSMS-initiated message. It MAY close
   * the connection; it keeps it open (central systems expect that) and stays silent, then
   * boots again on the same connection. A link that drops meanwhile is reconnected as any
   * other; the new one waits out the rest of the interval the same way.
   */
  private waitOutRejection(link: CsmsLink, ms: number): void {
    link.silence(true);
    cancel(this.bootTimer);
    this.bootTimer = this.hal.setTimeout(() => this.sendBoot(), ms);
  }

  private goOnline(firstTime: boolean): void {
    const link = this.link;
    if (!link) return;
    this.backoff.reset(); // the next drop starts again from the first, short delay
    this.startHeartbeat();
    // One CALL at a time (OCPP-J section 4.1.1), so the order here is the order on the
    // wire: the transaction queue's head first — after a reboot mid-transaction, the
    // interrupted transaction's StopTransaction, which bills the driver — then the
    // StatusNotification of every connector, then the rest of the queue as answers come.
    this.station.sender.online({ call: (action, payload, uniqueId) => link.call(action, payload, uniqueId), isOpen: () => link.isOpen() });
    this.station.status.online((n: StatusNotification) => this.sendNow('StatusNotification', n), firstTime);
    this.station.featuresOnline();
    this.station.security.online(link);
    if (this.station.events.online) this.station.events.online();
  }

  /** Pending / Rejected after having been accepted: nothing but BootNotification goes out. */
  private goOffline(): void {
    cancel(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.station.sender.offline();
    this.station.status.offline();
    this.station.security.offline();
  }

  /** (Re)starts the periodic Heartbeat at HeartbeatInterval (online only). */
  startHeartbeat(): void {
    cancel(this.heartbeatTimer);
    this.heartbeatTimer = null;
    const interval = this.station.config.getInt('HeartbeatInterval');
    if (interval > 0 && this.online) this.heartbeatTimer = this.hal.setInterval(() => this.heartbeat(), interval * 1000);
  }

  /** A Heartbeat (the periodic one runs only while online; a triggered one also while Pending). */
  heartbeat(): void {
    const link = this.link;
    if (!link || !this.mayAnswerTrigger) return;
    link.call('Heartbeat', {}).then(
      (conf: any) => this.setClock(conf && conf.currentTime),
      (error: any) => this.hal.log.warning('Heartbeat failed: ' + describe(error))
    );
  }

  private setClock(iso: string | undefined): void {
    if (!iso) return;
    const ms = Date.parse(iso);
    if (isNaN(ms)) return;
    const before = this.hal.now();
    this.hal.setTime(ms);
    this.station.security.clockSet(before, ms);
  }

  // ---- messages --------------------------------------------------------------------------

  /**
   * May the station send what a TriggerMessage asked for? Online, and also while Pending:
   * then it sends nothing else (section 4.2), but a triggered message is allowed.
   */
  get mayAnswerTrigger(): boolean {
    return this.link !== null && (this.registration === 'Accepted' || this.registration === 'Pending');
  }

  /** Sends a message that is not queued (status, meter values of no transaction, ...) if online. */
  sendNow(action: string, payload: object): Promise<any> {
    return this.online ? this.sendUnqueued(action, payload) : Promise.resolve(null);
  }

  /** Sends a message a TriggerMessage asked for (online or Pending). */
  sendTriggered(action: string, payload: object): Promise<any> {
    return this.mayAnswerTrigger ? this.sendUnqueued(action, payload) : Promise.resolve(null);
  }

  private sendUnqueued(action: string, payload: object): Promise<any> {
    const link = this.link;
    if (!link) return Promise.resolve(null);
    return link.call(action, payload).then(
      (conf: any) => conf,
      (error: any) => {
        this.hal.log.warning(action + ' failed: ' + describe(error));
        return null;
      }
    );
  }

  /** Sends a CALL now, whatever the registration (Authorize, DataTransfer, ...); rejects when offline. */
  call(action: string, payload: object): Promise<any> {
    const link = this.link;
    if (!link || !this.online) return Promise.reject(new Error('offline'));
    return link.call(action, payload);
  }

  /** Closes the connection; the station connects again (backoff from its first step). */
  reconnect(why: string): void {
    if (!this.link) return;
    this.hal.log.info('disconnecting: ' + why);
    this.link.close();
  }
}

function cancel(timer: { cancel(): void } | null): void {
  if (timer) timer.cancel();
}

/** An error as one short line: "InternalError: database down", "timed out", ... */
export function describe(error: any): string {
  if (!error) return String(error);
  if (error.code && error.description !== undefined) return error.code + (error.description ? ': ' + error.description : '');
  return error.message || String(error);
}
