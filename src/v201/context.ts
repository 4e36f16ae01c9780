// What the 2.0.1 station's features need of the station, as one narrow interface. Features
// import this (never station.ts, which installs them), so the station is their composition
// root without an import cycle. Only modules below the station are named here: the HAL, the
// hardware, the device model, the routes and the trigger registry.
import { Hal } from '../../hal/index';
import { ConnectorHardware, Hardware, HardwareEvent } from '../../hal/hardware';
import { DeviceModel } from './device-model/model';
import { Routes } from './routes';
import { Triggers } from './triggers';
import { BootReasonEnum, ConnectorStatusEnum, OutgoingAction, OutgoingRequests, OutgoingResponses, ReasonEnum, RegistrationStatusEnum } from '../ocpp/v201/generated/types';

/** What features can hook, with the arguments each hook gets. */
export interface StationEvents {
  /** The first BootNotification Accepted of this boot (before `online`). */
  bootAccepted: () => void;
  /** Accepted and connected: messages may go now (after the boot, and after each reconnect). */
  online: () => void;
  /** The link dropped (or the CSMS answered a later BootNotification with other than Accepted). */
  offline: () => void;
  /** Something happened at a connector's hardware (the EVSE and connector it belongs to). */
  connector: (evseId: number, connectorId: number, event: HardwareEvent) => void;
  /** An EVSE has no transaction any more (the transactions feature says so): what waited for it may go on. */
  idle: (evseId: number) => void;
  /** A connection attempt did not open; `reason`: the host's words (an HTTP status, a TLS error); the attempt's security profile. */
  connectFailed: (reason: string, securityProfile: number) => void;
  /** The station set its clock from the CSMS (BootNotification, Heartbeat), ms before and after. */
  clock: (before: number, after: number) => void;
  /** A security parameter changed (BasicAuthPassword, SecurityProfile): what, in words. */
  securityChanged: (what: string) => void;
}

export type StationEvent = keyof StationEvents;

/**
 * The transactions as other features see them (availability, reset). The transactions
 * feature replaces the station's default (no transaction ever) with its own.
 */
export interface Transactions {
  /** Is a transaction running on the EVSE (undefined or 0: on any EVSE)? */
  running(evseId?: number): boolean;
  /**
   * Ends the transactions on the EVSE (undefined or 0: all) with this stoppedReason (e.g.
   * ImmediateReset): resolves once their TransactionEvent Ended is durable (queued).
   */
  stop(evseId: number | undefined, reason: ReasonEnum): Promise<void>;
}

/**
 * The availability as other features see it (transactions may start only on an operative,
 * available connector). The availability feature replaces the default (all Available).
 */
export interface Availability {
  /** The connector's status (ConnectorStatusEnum) as last reported or about to be. */
  status(evseId: number, connectorId: number): ConnectorStatusEnum;
  /** Is the EVSE (connectorId given: and that connector) Operative? */
  operative(evseId: number, connectorId?: number): boolean;
  /**
   * Holds the EVSE (0: every EVSE) Unavailable for `owner`, each once its transaction has ended,
   * or lets that owner's hold go (on false): a reset (B12) or a firmware install (L01.FR.07)
   * waiting for the transactions. An EVSE stays held while any owner's hold on it or on the
   * station remains; not kept across a reboot.
   */
  hold(owner: HoldOwner, evseId: number, on: boolean): void;
}

/** Who holds EVSEs Unavailable: each lets go only of its own hold. */
export type HoldOwner = 'reset' | 'firmware';

/**
 * What a TLS connection to the CSMS uses besides the URL: the CAs its certificate may chain
 * to and the station's own certificate (security profile 3). The certificates feature
 * replaces the default (the settings' `ca`, `cert`, `key`).
 */
export interface TlsCredentials {
  trustedCas(): string;
  /** `keyId`: a key pair the host holds (CertificateSigned's), instead of `key`. */
  clientCertificate(): { cert: string; key: string; keyId: string };
}

export interface StationContext {
  readonly hal: Hal;
  readonly hardware: Hardware;
  /** The device model: features add their components' variables and read their values. */
  readonly model: DeviceModel;
  /** What TriggerMessage can ask for; each feature adds the messages it sends. */
  readonly triggers: Triggers;
  /** EVSEs 1..evseCount, each with one connector (connector 1 of EVSE n is the hardware's connector n). */
  readonly evseCount: number;
  /** The hardware of a connector, or null when there is no such EVSE / connector. */
  connector(evseId: number, connectorId: number): ConnectorHardware | null;

  /** Why this boot happened (the BootNotification's reason: PowerUp, RemoteReset, ...). */
  readonly bootReason: BootReasonEnum;
  /** The BootNotification's answer in this boot (null: none yet). */
  readonly registration: RegistrationStatusEnum | null;
  /** Accepted and connected: messages can go now. */
  readonly online: boolean;
  /** Connected (booted or not). */
  readonly connected: boolean;

  /** Serves these actions (a later route of an action replaces an earlier one). */
  route(routes: Routes): void;
  on<E extends StationEvent>(event: E, hook: StationEvents[E]): void;
  emit<E extends StationEvent>(event: E, ...args: Parameters<StationEvents[E]>): void;

  /** Transactions (the transactions feature sets its own). */
  transactions: Transactions;
  /** Availability (the availability feature sets its own). */
  availability: Availability;
  /** The TLS credentials of the next connection (the certificates feature sets its own). */
  tls: TlsCredentials;

  /** Sends a CALL if online, typed by action; resolves with the answer, or null (not online, CALLERROR, timeout: logged). */
  send<A extends OutgoingAction>(action: A, payload: OutgoingRequests[A]): Promise<OutgoingResponses[A] | null>;
  /**
   * Sends a CALL the CSMS asked for (TriggerMessage, GetBaseReport, GetReport): also while
   * Pending (B02.FR.02), never while Rejected; resolves as send().
   */
  sendRequested<A extends OutgoingAction>(action: A, payload: OutgoingRequests[A]): Promise<OutgoingResponses[A] | null>;
  /**
   * Sends a CALL now if online; rejects when not, and on a CALLERROR (its OcppError) or
   * timeout. `uniqueId`: the message id to use (a transaction message sent again after a
   * dropped link keeps its id, so the CSMS can tell the repeat).
   */
  call<A extends OutgoingAction>(action: A, payload: OutgoingRequests[A], uniqueId?: string): Promise<OutgoingResponses[A]>;
  /** BootNotification now (TriggerMessage); only while not yet Accepted or when the CSMS asks. */
  sendBoot(): void;
  /** A Heartbeat now (TriggerMessage, or the interval's). */
  heartbeat(): void;
  /** Closes the connection; the station connects again (e.g. a new network profile). */
  reconnect(why: string): void;
  /** Restarts the firmware; the next BootNotification gives `reason` (B11, B12). */
  reboot(reason: BootReasonEnum): void;
}

/** A feature installs itself into the station: registers variables, routes, triggers and hooks. */
export type Feature = (station: StationContext) => void;
