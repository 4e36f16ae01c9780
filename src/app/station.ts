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
// transactions (connector.ts) and meter-value schedules (meter-values.ts), the persistent
// transaction queue (transaction-queue.ts, transaction-sender.ts), availability
// (availability.ts), reboot recovery (reboot-recovery.ts), the driver's idTag (driver.ts,
// authorization.ts), reset (reset.ts) and the answers to the CSMS (core-routes.ts, which opens
// them as a part when a CALL comes: core-requests.ts). The other feature profiles and the
// security extension are features (feature.ts, one folder each) the station installs: those
// it is given (the firmware's: built-in-features.ts, which the build's --features cuts down)
// less the feature profiles the settings switch off (disabledFeatureProfiles). Each part reacts to the configuration keys of its own.
import { Hal } from '../../hal/index';
import { Hardware } from '../../hal/hardware';
import { Configuration } from './core/configuration';
import { TransactionQueue } from './core/transaction-queue';
import { TransactionSender } from './core/transaction-sender';
import { StatusReporter } from './core/connector-status';
import { AuthorizationCache } from './core/authorization-cache';
import { Authorization } from './core/authorization';
import { Connector } from './core/connector';
import { MeterSchedules } from './core/meter-values';
import { LinkOpener } from './core/csms-link';
import { CsmsSession, SessionSecurity, StationEvents } from './core/csms-session';
import { settingsConnection } from './core/settings-connection';
import { coreRoutes, addCoreTriggers } from './core/core-routes';
import { Routes } from './routes';
import { VendorReceiver } from './context';
import { Triggers } from './remote-trigger/triggers';
import { RebootMarker } from './core/reboot-recovery';
import { Availability } from './core/availability';
import { presentIdTag } from './core/driver';
import { Restarts } from './core/reset';
import { FeatureParts, InstalledFeatures, StationFeature, supportedProfiles, switchedOn } from './feature';
import { OutgoingAction, OutgoingRequests } from '../ocpp/v16/generated/types';

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
  /** The installed features' parts in starting, stopping, going online and connector changes. */
  readonly featureParts: FeatureParts;
  /** How the session connects: the security extension's profiles, or the settings' credentials without it. */
  readonly security: SessionSecurity;
  /** What TriggerMessage / ExtendedTriggerMessage can ask for; each feature adds its messages. */
  readonly triggers: Triggers;
  /** Written before a restart, so the next boot stops open transactions with the right reason. */
  readonly rebootMarker: RebootMarker;
  /** Which connectors are Operative; connector 0. */
  readonly availability: Availability;
  /** Reset and the station's own restarts. */
  readonly restarts: Restarts;
  /** connectors[0] is connector 1. */
  readonly connectors: Connector[] = [];
  readonly events: StationEvents = {};
  /** Vendor-specific DataTransfer receivers, by vendorId (e.g. the simulated driver's). */
  readonly vendors: { [vendorId: string]: VendorReceiver } = {};
  /** The connection to the CSMS, boot, heartbeat, the clock and what may be sent when. */
  readonly session: CsmsSession;
  /** Clock-aligned meter values, sampling restarted on a new interval. */
  private readonly meterSchedules: MeterSchedules;
  /** Every action the station serves; registered on each connection's ChargePoint. */
  private readonly routes: Routes;

  /** `features`: the ones it may install (the settings may switch feature profiles off); [] is a Core-only station. */
  constructor(readonly hal: Hal, readonly hardware: Hardware, openLink: LinkOpener, features: StationFeature[]) {
    const storage = hal.storage;
    const installed = switchedOn(features, hal.settings.disabledFeatureProfiles, hal.log);
    this.config = new Configuration(storage, hardware.connectorCount, hal.settings.configuration, supportedProfiles(installed));
    this.triggers = new Triggers((id) => this.connector(id) !== null);
    this.rebootMarker = new RebootMarker(storage);
    this.session = new CsmsSession(this, openLink);
    this.queue = new TransactionQueue(storage, { idPrefix: hal.now().toString(36) + '-', warn: hal.log.warning });
    this.sender = TransactionSender.forStation(this);
    this.status = new StatusReporter({
      connectors: hardware.connectorCount,
      minimumDuration: () => this.config.getInt('MinimumStatusDuration'),
      now: hal.now,
      setTimeout: hal.setTimeout,
      log: hal.log.info,
    });
    this.cache = new AuthorizationCache(storage);
    this.authorization = new Authorization(this, (idTag) => (this.features.localList ? this.features.localList.lookup(idTag) : null));
    this.availability = new Availability(this);
    this.restarts = new Restarts(this);
    const context = {
      hal,
      config: this.config,
      queue: this.queue,
      sender: this.sender,
      status: this.status,
      sendNow: <A extends OutgoingAction>(action: A, payload: OutgoingRequests[A]) => this.session.send(action, payload),
      changed: (c: Connector) => {
        this.availability.refreshChargePoint();
        this.featureParts.connectorChanged(c);
        if (this.events.connector) this.events.connector(c);
      },
      reservationFor: (id: number, idTag: string, parent?: string) => (this.features.reservations ? this.features.reservations.consume(id, idTag, parent) : undefined),
    };
    for (let i = 1; i <= hardware.connectorCount; i++) this.connectors.push(new Connector(i, hardware.connector(i), context));
    hardware.onEvent = (id, event) => {
      const c = this.connector(id);
      if (c) c.onHardware(event);
    };
    this.meterSchedules = new MeterSchedules(hal, this.config, this.connectors);
    this.routes = coreRoutes(this);
    this.featureParts = new FeatureParts(installed, this, this.routes);
    this.security = this.features.security || settingsConnection(hal.settings);
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
    this.featureParts.start();
    for (let i = 0; i < this.connectors.length; i++) this.connectors[i].refresh();
    this.availability.refreshChargePoint();
    this.meterSchedules.start();
    this.session.start(this.routes);
  }

  /** Ends the station's activity (timers, connection); the files stay. */
  stop(): void {
    this.session.stop();
    this.meterSchedules.stop();
    this.featureParts.stop();
    this.session.close();
  }

  /**
   * A driver presents an idTag at a connector (RFID card, app): stops the transaction it
   * started there, or authorizes and starts one (at once, or when the cable comes).
   * Resolves true when something started or stopped.
   */
  presentIdTag(connectorId: number, idTag: string): Promise<boolean> {
    return presentIdTag(this, connectorId, idTag);
  }
}
