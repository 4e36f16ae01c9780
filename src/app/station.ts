// The charge point: the composition root of its parts over the HAL and the hardware.
//
//   const station = new Station(hal, hardware, openChargePointLink(hal), BUILT_IN_FEATURES);
//   station.start();       // recover, connect, boot, serve
//
// The station imports no feature: the entry gives the ones it is built with (an entry of
// one's own may name its own list, e.g. [remoteTriggerFeature, smartChargingFeature], and
// only those are in its bundle).
//
// The parts, the Core profile's in core/: the CSMS session (csms-session.ts: connection,
// backoff, boot, heartbeat, clock, what may be sent when), the connectors and their
// transactions (connector.ts), the persistent transaction queue (transaction-queue.ts,
// transaction-sender.ts), availability (availability.ts), reboot recovery
// (reboot-recovery.ts), the driver's idTag (driver.ts, authorization.ts), reset (reset.ts)
// and the answers to the CSMS (core-routes.ts). The other feature profiles and the security
// extension are features (feature.ts, one folder each) the station installs: those it is
// given (the firmware's: built-in-features.ts, which the build's --features cuts down) less
// the feature profiles the settings switch off (disabledFeatureProfiles).
import { Hal } from '../../hal/index';
import { Hardware } from '../../hal/hardware';
import { Configuration, splitList } from './core/configuration';
import { TransactionQueue, QueuedMessage } from './core/transaction-queue';
import { TransactionSender } from './core/transaction-sender';
import { StatusReporter } from './core/connector-status';
import { AuthorizationCache } from './core/authorization-cache';
import { Authorization } from './core/authorization';
import { Connector, StopReason } from './core/connector';
import { nextAlignedTime } from './core/meter-values';
import { LinkOpener } from './core/csms-link';
import { CsmsSession, SessionSecurity, StationEvents } from './core/csms-session';
import { settingsConnection } from './core/settings-connection';
import { coreRoutes, addCoreTriggers, noLocalListRoutes } from './core/core-routes';
import { Routes, addRoutes } from './routes';
import { VendorReceiver } from './context';
import { Triggers } from './remote-trigger/triggers';
import { RebootMarker } from './core/reboot-recovery';
import { Availability } from './core/availability';
import { presentIdTag } from './core/driver';
import { reset, reboot } from './core/reset';
import { FEATURE_PROFILES, FeatureHooks, InstalledFeatures, StationFeature } from './feature';
import { RegistrationStatus } from '../ocpp/v16/generated/types';
export { RegistrationStatus };

export { StationEvents };

export class Station {
  readonly config: Configuration;
  readonly queue: TransactionQueue;
  readonly sender: TransactionSender;
  readonly status: StatusReporter;
  readonly cache: AuthorizationCache;
  readonly authorization: Authorization;
  /** The features installed (Smart Charging, Reservation, ..., the security extension), for the parts that consult them. */
  readonly features: InstalledFeatures = {};
  /** How the session connects: the security extension's profiles, or the settings' credentials without it. */
  readonly security: SessionSecurity;
  /** What TriggerMessage / ExtendedTriggerMessage can ask for; each feature adds its messages. */
  readonly triggers: Triggers;
  /** Written before a restart, so the next boot stops open transactions with the right reason. */
  readonly rebootMarker: RebootMarker;
  /** Which connectors are Operative; connector 0. */
  readonly availability: Availability;
  /** connectors[0] is connector 1. */
  readonly connectors: Connector[] = [];
  readonly events: StationEvents = {};
  /** Vendor-specific DataTransfer receivers, by vendorId (e.g. the simulated driver's). */
  readonly vendors: { [vendorId: string]: VendorReceiver } = {};
  /** The connection to the CSMS, boot, heartbeat and what may be sent when. */
  private readonly session: CsmsSession;
  /** Every action the station serves; registered on each connection's ChargePoint. */
  private readonly routes: Routes;
  /** The installed features' parts in the station's life, in the order installed. */
  private readonly hooks: FeatureHooks[] = [];
  private stopped = false;
  private alignedTimer: { cancel(): void } | null = null;

  /** `features`: the ones it may install (the settings may switch feature profiles off); [] is a Core-only station. */
  constructor(readonly hal: Hal, readonly hardware: Hardware, openLink: LinkOpener, features: StationFeature[]) {
    const settings = hal.settings;
    const storage = hal.storage;
    const installed = switchedOn(features, settings.disabledFeatureProfiles, hal.log);
    this.config = new Configuration(storage, hardware.connectorCount, settings.configuration, supportedProfiles(installed));
    this.triggers = new Triggers((id) => this.connector(id) !== null);
    this.rebootMarker = new RebootMarker(storage);
    this.session = new CsmsSession(this, openLink);
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
    this.authorization = new Authorization(this, (idTag) => (this.features.localList ? this.features.localList.lookup(idTag) : null));
    this.availability = new Availability(this);
    const context = {
      hal,
      config: this.config,
      queue: this.queue,
      sender: this.sender,
      status: this.status,
      sendNow: (action: string, payload: object) => this.sendNow(action, payload),
      changed: (c: Connector) => this.connectorChanged(c),
      reservationFor: (id: number, idTag: string, parent?: string) => (this.features.reservations ? this.features.reservations.consume(id, idTag, parent) : undefined),
    };
    for (let i = 1; i <= hardware.connectorCount; i++) this.connectors.push(new Connector(i, hardware.connector(i), context));
    hardware.onEvent = (id, event) => {
      const c = this.connector(id);
      if (c) c.onHardware(event);
    };
    this.config.onChange((key) => this.configurationChanged(key));
    this.routes = coreRoutes(this);
    for (let i = 0; i < installed.length; i++) {
      const hooks = installed[i].install(this);
      this.hooks.push(hooks);
      if (hooks.routes) addRoutes(this.routes, hooks.routes);
    }
    if (!this.features.localList) addRoutes(this.routes, noLocalListRoutes());
    this.security = this.features.security || settingsConnection(settings);
    addCoreTriggers(this);
  }

  /** Connector by id (1..n), or null. */
  connector(id: number): Connector | null {
    return id >= 1 && id <= this.connectors.length ? this.connectors[id - 1] : null;
  }

  /** Recovers what a reboot or power loss interrupted, then connects. */
  start(): void {
    this.availability.restore();
    this.rebootMarker.recover(this.connectors, this.hal.log);
    for (let i = 0; i < this.hooks.length; i++) call(this.hooks[i].start);
    for (let i = 0; i < this.connectors.length; i++) this.connectors[i].refresh();
    this.availability.refreshChargePoint();
    this.scheduleAligned();
    this.session.start(this.routes);
  }

  /** Ends the station's activity (timers, connection); the files stay. */
  stop(): void {
    this.stopped = true;
    this.session.stop();
    cancel(this.alignedTimer);
    for (let i = 0; i < this.hooks.length; i++) call(this.hooks[i].stop);
    this.session.close();
  }

  // ---- the CSMS session (csms-session.ts) ---------------------------------------------------

  /** The BootNotification's answer in this boot (null: none yet). */
  get registration(): RegistrationStatus | null {
    return this.session.registration;
  }

  /** Connected to the CSMS (booted or not). */
  get connected(): boolean {
    return this.session.connected;
  }

  /** Booted (Accepted) and connected: messages can go now. */
  get online(): boolean {
    return this.session.online;
  }

  /** May the station send what a TriggerMessage asked for (online, or Pending)? */
  get mayAnswerTrigger(): boolean {
    return this.session.mayAnswerRequest;
  }

  /** BootNotification; retried while not Accepted (only it goes out before then). */
  sendBoot(): void {
    this.session.sendBoot();
  }

  /** A Heartbeat (the periodic one runs only while online; a triggered one also while Pending). */
  heartbeat(): void {
    this.session.heartbeat();
  }

  /** Sends a message that is not queued (status, meter values of no transaction, ...) if online. */
  sendNow(action: string, payload: object): Promise<any> {
    return this.session.send(action, payload);
  }

  /** Sends a message a TriggerMessage asked for (online or Pending). */
  sendTriggered(action: string, payload: object): Promise<any> {
    return this.session.sendRequested(action, payload);
  }

  /** Sends a CALL now, whatever the registration (Authorize, DataTransfer, ...); rejects when offline. */
  call(action: string, payload: object): Promise<any> {
    return this.session.call(action, payload);
  }

  /** The network is back: a station waiting out its backoff connects now. */
  connectNow(): void {
    this.session.connectNow();
  }

  /** Closes the connection; the station connects again (backoff from its first step). */
  reconnect(why: string): void {
    this.session.reconnect(why);
  }

  /** The features' part in going online (the session calls it). */
  featuresOnline(): void {
    for (let i = 0; i < this.hooks.length; i++) call(this.hooks[i].online);
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
    this.availability.refreshChargePoint();
    for (let i = 0; i < this.hooks.length; i++) {
      const changed = this.hooks[i].connectorChanged;
      if (changed) changed(c);
    }
    if (this.events.connector) this.events.connector(c);
  }

  /** ChangeAvailability: 'Accepted', or 'Scheduled' when a transaction must end first. */
  changeAvailability(connectorId: number, operative: boolean): 'Accepted' | 'Rejected' | 'Scheduled' {
    return this.availability.change(connectorId, operative);
  }

  // ---- drivers and remote control -------------------------------------------------------------

  /**
   * A driver presents an idTag at a connector (RFID card, app): stops the transaction it
   * started there, or authorizes and starts one (at once, or when the cable comes).
   * Resolves true when something started or stopped.
   */
  presentIdTag(connectorId: number, idTag: string): Promise<boolean> {
    return presentIdTag(this, connectorId, idTag);
  }

  // ---- reset -------------------------------------------------------------------------------

  /** Reset (section 5.14): Soft after the stops went (a few seconds at most), Hard at once. */
  reset(type: 'Soft' | 'Hard'): void {
    reset(this, type);
  }

  /** Restarts the firmware; transactions still open are stopped with `reason` by the next boot. */
  reboot(reason: StopReason): void {
    reboot(this, reason);
  }

  // ---- configuration ------------------------------------------------------------------------

  private configurationChanged(key: string): void {
    if (key === 'HeartbeatInterval') this.session.startHeartbeat();
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

}

function cancel(timer: { cancel(): void } | null): void {
  if (timer) timer.cancel();
}

function call(hook: (() => void) | undefined): void {
  if (hook) hook();
}

/** The features less those whose feature profile the settings switch off (Core cannot be). */
function switchedOn(features: StationFeature[], disabled: string, log: { info(text: string): void; warning(text: string): void }): StationFeature[] {
  const off = splitList(disabled);
  for (let i = 0; i < off.length; i++) {
    if (off[i] === 'Core') log.warning('disabledFeatureProfiles: Core cannot be switched off');
    else if ((FEATURE_PROFILES as string[]).indexOf(off[i]) < 0) log.warning('disabledFeatureProfiles: ' + off[i] + ' is no OCPP 1.6 feature profile');
  }
  return features.filter((f) => {
    const on = !f.profile || off.indexOf(f.profile) < 0;
    if (!on) log.info('feature ' + f.name + ' (' + f.profile + ') switched off by the settings');
    return on;
  });
}

/** SupportedFeatureProfiles: Core and the profiles of the features installed, in the spec's order. */
function supportedProfiles(features: StationFeature[]): string[] {
  return FEATURE_PROFILES.filter((p) => p === 'Core' || features.some((f) => f.profile === p));
}
