// The charge point: OCPP 1.6J Core profile behaviour over the HAL and the hardware.
//
//   const station = new Station(hal, hardware);
//   station.start();       // recover, connect, boot, serve
//
// It keeps one connection to the CSMS (csms-link.ts, on the core's ChargePoint), boots
// (BootNotification until Accepted; the clock and HeartbeatInterval from the answer),
// heartbeats, reports connector status, authorizes drivers (authorization.ts), runs the
// connectors' transactions (connector.ts) and answers what the CSMS asks (handlers.ts).
// Transaction messages go through the persistent queue (transaction-queue.ts,
// transaction-sender.ts), so nothing is lost to a dropped link, a CSMS outage or a power
// loss. Reconnects back off exponentially with jitter (backoff.ts).
import { Hal } from '../../hal/index';
import { Hardware } from '../../hal/hardware';
import { Configuration } from './configuration';
import { TransactionQueue, QueuedMessage } from './transaction-queue';
import { TransactionSender } from './transaction-sender';
import { StatusReporter, StatusNotification } from './connector-status';
import { AuthorizationCache } from './authorization-cache';
import { Authorization } from './authorization';
import { Backoff } from './backoff';
import { Connector, StopReason } from './connector';
import { nextAlignedTime } from './meter-values';
import { CsmsLink, LinkOpener } from './csms-link';
import { coreRoutes, addCoreTriggers } from './handlers';
import { Routes, addRoutes } from './routes';
import { VendorReceiver } from './context';
import { Security } from './security/security';
import { securityRoutes } from './security/security-handlers';
import { Triggers } from './triggers';
import { RebootMarker } from './reboot-marker';
import { Profiles } from './profiles';
import { RegistrationStatus } from '../ocpp/v16/generated/types';
export { RegistrationStatus };

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

const AVAILABILITY_FILE = 'availability.json';
/** Wait before retrying a BootNotification that got no answer at all, or an interval of 0. */
const BOOT_RETRY_SECONDS = 30;
/** How long a soft reset waits for the stops to be delivered before it restarts anyway. */
const SOFT_RESET_GRACE_MS = 10000;

export class Station {
  readonly config: Configuration;
  readonly queue: TransactionQueue;
  readonly sender: TransactionSender;
  readonly status: StatusReporter;
  readonly cache: AuthorizationCache;
  readonly authorization: Authorization;
  /** Security profiles, security events, certificates (OCPP 1.6 security whitepaper). */
  readonly security: Security;
  /** Smart Charging, Reservation, ... (profiles.ts). */
  readonly profiles: Profiles;
  /** What TriggerMessage / ExtendedTriggerMessage can ask for; each feature adds its messages. */
  readonly triggers: Triggers;
  /** Written before a restart, so the next boot stops open transactions with the right reason. */
  readonly rebootMarker: RebootMarker;
  /** connectors[0] is connector 1. */
  readonly connectors: Connector[] = [];
  readonly events: StationEvents = {};
  /** Vendor-specific DataTransfer receivers, by vendorId (e.g. the simulated driver's). */
  readonly vendors: { [vendorId: string]: VendorReceiver } = {};
  /** The BootNotification's answer in this boot (null: none yet). */
  registration: RegistrationStatus | null = null;
  private readonly routes: Routes;
  private link: CsmsLink | null = null;
  private connectedOnce = false;
  private stopped = false;
  private readonly backoff: Backoff;
  private heartbeatTimer: { cancel(): void } | null = null;
  private bootTimer: { cancel(): void } | null = null;
  private reconnectTimer: { cancel(): void } | null = null;
  /** BootNotification Rejected: nothing may go out before this monotonic time (ms). */
  private rejectedUntil = 0;
  private alignedTimer: { cancel(): void } | null = null;
  /** The reconnect timer is the backoff's wait (not the wait after a Rejected boot). */
  private backingOff = false;

  constructor(readonly hal: Hal, readonly hardware: Hardware, private readonly openLink: LinkOpener) {
    const settings = hal.settings;
    const storage = hal.storage;
    this.config = new Configuration(storage, hardware.connectorCount, defaultsFor(settings.scenario, settings.configuration));
    this.triggers = new Triggers((id) => this.connector(id) !== null);
    this.rebootMarker = new RebootMarker(storage);
    this.security = new Security(this);
    this.queue = new TransactionQueue(storage, {
      idPrefix: hal.now().toString(36) + '-',
      warn: (text) => hal.log.warning(text),
    });
    this.sender = new TransactionSender({
      queue: this.queue,
      attempts: () => this.config.getInt('TransactionMessageAttempts'),
      retryInterval: () => this.config.getInt('TransactionMessageRetryInterval'),
      setTimeout: hal.setTimeout,
      log: hal.log,
      onAnswer: (message, payload, response) => this.answered(message, payload, response),
    });
    this.status = new StatusReporter({
      connectors: hardware.connectorCount,
      minimumDuration: () => this.config.getInt('MinimumStatusDuration'),
      now: hal.now,
      setTimeout: hal.setTimeout,
      log: (text) => hal.log.info(text),
    });
    this.cache = new AuthorizationCache(storage);
    this.authorization = new Authorization(this, (idTag) => this.profiles.localList.lookup(idTag));
    this.backoff = new Backoff({ baseMs: 1000, capMs: Math.max(1, settings.reconnectMaxSeconds) * 1000 });
    const context = {
      hal,
      config: this.config,
      queue: this.queue,
      sender: this.sender,
      status: this.status,
      sendNow: (action: string, payload: object) => this.sendNow(action, payload),
      changed: (c: Connector) => this.connectorChanged(c),
      reservationFor: (id: number, idTag: string, parent?: string) => this.profiles.reservations.consume(id, idTag, parent),
    };
    for (let i = 1; i <= hardware.connectorCount; i++) this.connectors.push(new Connector(i, hardware.connector(i), context));
    hardware.onEvent = (id, event) => {
      const c = this.connector(id);
      if (c) c.onHardware(event);
    };
    this.config.onChange((key) => this.configurationChanged(key));
    this.profiles = new Profiles(this);
    addCoreTriggers(this);
    // Every action the station serves; registered on each connection's ChargePoint.
    this.routes = this.profiles.addRoutes(addRoutes(coreRoutes(this), securityRoutes(this.security, this.triggers)));
  }

  /** Connector by id (1..n), or null. */
  connector(id: number): Connector | null {
    return id >= 1 && id <= this.connectors.length ? this.connectors[id - 1] : null;
  }

  /** Connected to the CSMS (booted or not). */
  get connected(): boolean {
    return this.link !== null;
  }

  /** Booted (Accepted) and connected: messages can go now. */
  get online(): boolean {
    return this.link !== null && this.registration === 'Accepted';
  }

  /** Recovers what a reboot or power loss interrupted, then connects. */
  start(): void {
    this.restoreAvailability();
    this.recoverTransactions();
    this.profiles.start();
    this.security.start();
    for (let i = 0; i < this.connectors.length; i++) this.connectors[i].refresh();
    this.refreshChargePoint();
    this.scheduleAligned();
    this.connect();
  }

  /** Ends the station's activity (timers, connection); the files stay. */
  stop(): void {
    this.stopped = true;
    cancel(this.reconnectTimer);
    cancel(this.bootTimer);
    cancel(this.heartbeatTimer);
    cancel(this.alignedTimer);
    this.profiles.stop();
    this.security.stop();
    if (this.link) this.link.close();
  }

  // ---- connection -----------------------------------------------------------------------

  private connect(): void {
    if (this.stopped) return;
    const target = this.security.connection(); // URL and credentials of the security profile
    this.hal.log.debug('connecting to ' + target.url);
    this.openLink(target.url, target.options, this.routes, {
      opened: (link) => this.linkUp(link),
      closed: (code, reason) => this.linkDown(code, reason),
      invalid: (description) => this.security.invalidMessage(description),
    });
  }

  private linkUp(link: CsmsLink): void {
    this.link = link;
    this.connectedOnce = true;
    this.security.linkUp();
    this.hal.log.info('connected to the CSMS (' + this.hal.settings.url + ')');
    if (this.registration === 'Accepted') this.goOnline(false);
    else if (this.registration === 'Rejected' && this.rejectedUntil > this.hal.ticks()) this.waitOutRejection(link, this.rejectedUntil - this.hal.ticks());
    else this.sendBoot();
  }

  private linkDown(code: number, reason: string): void {
    const wasUp = this.link !== null;
    this.link = null;
    this.security.linkDown(wasUp, reason);
    cancel(this.heartbeatTimer);
    cancel(this.bootTimer);
    this.heartbeatTimer = this.bootTimer = null;
    this.sender.offline();
    this.status.offline();
    this.security.offline();
    if (wasUp && this.events.offline) this.events.offline();
    if (this.stopped) return;
    const limit = this.maxConnectAttempts();
    if (!this.connectedOnce && limit > 0 && this.backoff.failures + 1 >= limit) {
      const why = 'the CSMS at ' + this.hal.settings.url + ' is unreachable after ' + limit + ' attempts (' + code + (reason ? ' ' + reason : '') + ')';
      this.hal.log.error(why);
      if (this.events.fatal) this.events.fatal(why);
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
          if (conf.interval > 0) this.config.set('HeartbeatInterval', String(conf.interval));
          this.hal.log.info('booted (Accepted, heartbeat ' + this.config.getInt('HeartbeatInterval') + ' s)');
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
    this.sender.online({ call: (action, payload, uniqueId) => link.call(action, payload, uniqueId), isOpen: () => link.isOpen() });
    this.status.online((n: StatusNotification) => this.sendNow('StatusNotification', n), firstTime);
    this.profiles.online();
    this.security.online(link);
    if (this.events.online) this.events.online();
  }

  /** Pending / Rejected after having been accepted: nothing but BootNotification goes out. */
  private goOffline(): void {
    cancel(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.sender.offline();
    this.status.offline();
    this.security.offline();
  }

  private startHeartbeat(): void {
    cancel(this.heartbeatTimer);
    this.heartbeatTimer = null;
    const interval = this.config.getInt('HeartbeatInterval');
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
    this.security.clockSet(before, ms);
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

  /** The CSMS answered a queued transaction message. */
  private answered(message: QueuedMessage, payload: any, response: any): void {
    const info = response && response.idTagInfo;
    if (message.action === 'StartTransaction') {
      if (info) this.authorization.remember(payload.idTag, info);
      const c = this.connector(payload.connectorId);
      if (c) c.startConfirmed(message.ref, info ? info.status : 'Accepted');
    } else if (message.action === 'StopTransaction') {
      if (info && payload.idTag) this.authorization.remember(payload.idTag, info);
    }
  }

  // ---- connectors --------------------------------------------------------------------------

  private connectorChanged(c: Connector): void {
    this.refreshChargePoint();
    this.profiles.connectorChanged(c);
    this.security.connectorChanged();
    if (this.events.connector) this.events.connector(c);
  }

  /** Connector 0, the charge point as a whole: Unavailable when every connector is Inoperative. */
  private refreshChargePoint(): void {
    let anyOperative = false;
    for (let i = 0; i < this.connectors.length; i++) if (this.connectors[i].operative) anyOperative = true;
    if (this.connectors.length) this.status.set(0, anyOperative ? 'Available' : 'Unavailable', 'NoError');
  }

  /** ChangeAvailability: 'Accepted', or 'Scheduled' when a transaction must end first. */
  changeAvailability(connectorId: number, operative: boolean): 'Accepted' | 'Rejected' | 'Scheduled' {
    if (connectorId < 0 || connectorId > this.connectors.length) return 'Rejected';
    let scheduled = false;
    for (let i = 0; i < this.connectors.length; i++) {
      const c = this.connectors[i];
      if (connectorId !== 0 && c.id !== connectorId) continue;
      if (c.transaction && !operative) {
        c.scheduled = operative;
        scheduled = true;
      } else {
        c.scheduled = null;
        c.operative = operative;
        if (!operative) c.awaitingCable = null;
        c.refresh();
      }
    }
    this.saveAvailability(operative, connectorId);
    return scheduled ? 'Scheduled' : 'Accepted';
  }

  private saveAvailability(operative: boolean, connectorId: number): void {
    // What is stored is what the connectors will be after their transactions (persistent, section 5.2).
    const inoperative: number[] = [];
    for (let i = 0; i < this.connectors.length; i++) {
      const c = this.connectors[i];
      const target = connectorId === 0 || c.id === connectorId ? operative : c.scheduled !== null ? c.scheduled : c.operative;
      if (!target) inoperative.push(c.id);
    }
    if (inoperative.length) this.hal.storage.set(AVAILABILITY_FILE, JSON.stringify(inoperative));
    else this.hal.storage.remove(AVAILABILITY_FILE);
  }

  private restoreAvailability(): void {
    const text = this.hal.storage.get(AVAILABILITY_FILE);
    if (!text) return;
    try {
      const ids: number[] = JSON.parse(text);
      for (let i = 0; i < ids.length; i++) {
        const c = this.connector(ids[i]);
        if (c) c.operative = false;
      }
    } catch (e) {
      this.hal.log.warning('availability file unreadable: every connector Operative');
    }
  }

  /** Stops transactions a reboot or power loss interrupted (reason from the reboot marker, else PowerLoss). */
  private recoverTransactions(): void {
    const marker = this.rebootMarker.found;
    const reason = (marker ? this.rebootMarker.reason || 'Reboot' : 'PowerLoss') as StopReason;
    for (let i = 0; i < this.connectors.length; i++) {
      const record = this.connectors[i].recover(reason);
      if (record) this.hal.log.info('connector ' + (i + 1) + ': transaction of ' + record.idTag + ' interrupted by ' + (marker ? 'a reboot' : 'a power loss') + ', stopped (' + reason + ')');
    }
    this.rebootMarker.clear();
  }

  // ---- drivers and remote control -------------------------------------------------------------

  /**
   * A driver presents an idTag at a connector (RFID card, app): stops the transaction it
   * started there, or authorizes and starts one (at once, or when the cable comes).
   * Resolves true when something started or stopped.
   */
  presentIdTag(connectorId: number, idTag: string): Promise<boolean> {
    const c = this.connector(connectorId);
    if (!c) return Promise.resolve(false);
    const tx = c.transaction;
    if (tx && tx.idTag.toLowerCase() === idTag.toLowerCase()) {
      c.stopTransaction('Local', idTag);
      return Promise.resolve(true);
    }
    if (!tx && c.awaitingCable !== null && c.awaitingCable.toLowerCase() === idTag.toLowerCase()) {
      c.cancelAuthorization(); // a second presentation while the station waits for the cable
      return Promise.resolve(true);
    }
    if (!tx && !c.isFree()) {
      this.hal.log.info('connector ' + connectorId + ' is ' + c.status + ': idTag ' + idTag + ' ignored');
      return Promise.resolve(false);
    }
    return this.authorization.authorize(idTag).then((info) => {
      if (info.status !== 'Accepted') return false;
      const now = c.transaction;
      if (now) {
        // Another card of the same group (parentIdTag) may stop it.
        if (!info.parentIdTag || !now.parentIdTag || info.parentIdTag !== now.parentIdTag) return false;
        c.stopTransaction('Local', idTag);
        return true;
      }
      if (!c.isFree()) return false;
      if (!this.profiles.reservations.allows(c.id, idTag, info.parentIdTag)) {
        this.hal.log.info('connector ' + connectorId + ' is reserved for another idTag: ' + idTag + ' may not start');
        return false;
      }
      c.authorized(idTag, info.parentIdTag);
      return true;
    });
  }

  // ---- reset -------------------------------------------------------------------------------

  /**
   * Reset (section 5.14): Soft stops the transactions (SoftReset), lets their stops go
   * (at most a few seconds) and restarts; Hard restarts at once, and the next boot stops
   * the transactions with reason HardReset.
   */
  reset(type: 'Soft' | 'Hard'): void {
    this.hal.log.info('reset (' + type + ')');
    if (type === 'Hard') {
      this.reboot('HardReset');
      return;
    }
    for (let i = 0; i < this.connectors.length; i++) this.connectors[i].stopTransaction('SoftReset');
    let done = false;
    const restart = () => {
      if (done) return;
      done = true;
      this.reboot('SoftReset');
    };
    this.sender.whenEmpty().then(restart);
    this.hal.setTimeout(restart, SOFT_RESET_GRACE_MS);
  }

  /**
   * Restarts the firmware; transactions still open are stopped with `reason` by the next
   * boot. The contactors open first, as they do when the controller restarts: the meter
   * stands still and keeps the register the next boot's StopTransaction carries.
   */
  reboot(reason: StopReason): void {
    for (let i = 0; i < this.connectors.length; i++) this.connectors[i].hw.setRelay(false);
    this.rebootMarker.write(reason);
    this.stop();
    this.hal.restart();
  }

  // ---- configuration ------------------------------------------------------------------------

  private configurationChanged(key: string): void {
    if (key === 'HeartbeatInterval') this.startHeartbeat();
    else if (key === 'MeterValueSampleInterval') for (let i = 0; i < this.connectors.length; i++) this.connectors[i].startSampling();
    else if (key === 'ClockAlignedDataInterval') this.scheduleAligned();
    else if (key === 'AuthorizationCacheEnabled' && !this.config.getBool(key)) this.cache.clear();
  }

  /** Clock-aligned meter values (ClockAlignedDataInterval, 0 = none). */
  private scheduleAligned(): void {
    cancel(this.alignedTimer);
    this.alignedTimer = null;
    const interval = this.config.getInt('ClockAlignedDataInterval');
    if (interval <= 0 || this.stopped) return;
    const now = this.hal.now();
    this.alignedTimer = this.hal.setTimeout(() => {
      this.alignedTimer = null;
      for (let i = 0; i < this.connectors.length; i++) this.connectors[i].sampleAligned();
      this.scheduleAligned();
    }, nextAlignedTime(now, interval) - now);
  }

  /** Closes the connection; the station connects again (backoff from its first step). */
  reconnect(why: string): void {
    if (!this.link) return;
    this.hal.log.info('disconnecting: ' + why);
    this.link.close();
  }

}

/** Configuration defaults: a simulator scenario samples every 5 s; the settings' values win. */
function defaultsFor(scenario: string, given: { [key: string]: unknown }): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  if (scenario) out.MeterValueSampleInterval = 5;
  for (const k in given) out[k] = given[k];
  return out;
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
