// The CSMS session of the 1.6 station: the version-neutral session (src/lib/csms-session.ts:
// reconnects with backoff, BootNotification until Accepted, heartbeat, clock, send policy)
// on the one connection to the CSMS (csms-link.ts, on the core's ChargePoint), with the 1.6
// rules: the BootNotification's fields, HeartbeatInterval in the configuration, while
// Pending only triggered messages go out (section 4.2), while Rejected the station is silent
// on the open connection until the interval is over; and what the station does on the way
// online and offline (transaction queue, connector status, features, security extension).
import { Hal } from '../../../hal/index';
import { Configuration } from './configuration';
import { StatusReporter, StatusNotification } from './connector-status';
import { Connector } from './connector';
import { CsmsLink, LinkOpener } from './csms-link';
import { SendLink } from './transaction-sender';
import { Routes } from '../routes';
import { ConnectionTarget } from './connection';
import { BootNotificationRequest, OutgoingRequests, OutgoingResponses, RegistrationStatus } from '../../ocpp/v16/generated/types';
import { CsmsSession as Session } from '../../lib/csms-session';

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
  readonly featureParts: { online(): void };
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

export class CsmsSession extends Session<OutgoingRequests, OutgoingResponses, CsmsLink, Routes> {
  protected readonly whileRejected = 'silent on the open connection';

  constructor(private readonly station: SessionContext, private readonly openLink: LinkOpener) {
    super(station.hal);
    station.config.onChange((key) => {
      if (key === 'HeartbeatInterval') this.startHeartbeat();
    });
  }

  protected open(routes: Routes): void {
    const target = this.station.security.connection(); // URL and credentials of the security profile
    this.hal.log.debug('connecting to ' + target.url);
    this.openLink(target.url, target.options, routes, this);
  }

  /** The CSMS sent something that is not valid OCPP (LinkEvents): the security extension's InvalidMessages event. */
  invalidMessage(description: string): void {
    this.station.security.invalidMessage(description);
  }

  protected opened(): void {
    this.station.security.linkUp();
    this.hal.log.info('connected to the CSMS (' + this.hal.settings.url + ')');
  }

  protected closed(wasConnected: boolean, wasOnline: boolean, reason: string): void {
    this.station.security.linkDown(wasConnected, reason);
    this.wentOffline();
    if (wasConnected && this.station.events.offline) this.station.events.offline();
  }

  /** Only a station that never connected in this boot gives up. */
  protected giveUpAfter(): number {
    return this.connectedOnce ? 0 : this.hal.settings.maxConnectAttempts;
  }

  protected unreachable(why: string): void {
    if (this.station.events.fatal) this.station.events.fatal(why);
  }

  protected bootRequest(): BootNotificationRequest {
    const s = this.hal.settings;
    const request: BootNotificationRequest = {
      chargePointVendor: s.vendor.substring(0, 20),
      chargePointModel: s.model.substring(0, 20),
      chargePointSerialNumber: this.hal.imei().substring(0, 25),
      chargeBoxSerialNumber: s.id.substring(0, 25),
      firmwareVersion: s.firmwareVersion.substring(0, 50),
    };
    const iccid = this.hal.iccid();
    if (iccid) request.iccid = iccid.substring(0, 20);
    return request;
  }

  protected heartbeatInterval(): number {
    return this.station.config.getInt('HeartbeatInterval');
  }

  protected setHeartbeatInterval(seconds: number): void {
    this.station.config.set('HeartbeatInterval', String(seconds));
  }

  protected wentOnline(link: CsmsLink, firstTime: boolean): void {
    // One CALL at a time (OCPP-J section 4.1.1), so the order here is the order on the
    // wire: the transaction queue's head first — after a reboot mid-transaction, the
    // interrupted transaction's StopTransaction, which bills the driver — then the
    // StatusNotification of every connector, then the rest of the queue as answers come.
    this.station.sender.online(link);
    this.station.status.online((n: StatusNotification) => this.send('StatusNotification', n), firstTime);
    this.station.featureParts.online();
    this.station.security.online(link);
    if (this.station.events.online) this.station.events.online();
  }

  /** Pending / Rejected, or the link is gone: nothing but BootNotification (and, while Pending, triggered messages) goes out. */
  protected wentOffline(): void {
    this.station.sender.offline();
    this.station.status.offline();
    this.station.security.offline();
  }

  /** Another Accepted BootNotification (a triggered one): nothing more to do than the heartbeat the session restarted. */
  protected acceptedAgain(): void {}

  /** Section 4.2: while Pending a triggered message is allowed (nothing else goes out). */
  protected mayAnswer(registration: RegistrationStatus | null): boolean {
    return registration === 'Accepted' || registration === 'Pending';
  }

  /**
   * Section 4.2: while Rejected the charge point SHALL NOT send any OCPP message until the
   * interval has expired, and SHALL NOT respond to any CSMS-initiated message. It MAY close
   * the connection; it keeps it open (central systems expect that) and stays silent, then
   * boots again on the same connection. A link that drops meanwhile is reconnected as any
   * other; the new one waits out the rest of the interval the same way.
   */
  protected silence(link: CsmsLink, on: boolean): void {
    link.silence(on);
  }

  protected clockSet(before: number, after: number): void {
    this.station.security.clockSet(before, after);
  }
}
