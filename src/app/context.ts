// What the station's parts need of the station, as narrow interfaces. The parts import these
// instead of station.ts (which imports them), so the station can be their composition root
// without an import cycle. Only modules below the station in the import graph are named
// here (the HAL, configuration, connectors, authorization, the trigger registry); a part's
// own context stays beside it (FirmwareContext, AvailabilityContext, ResetContext, ...).
import { Hal } from '../../hal/index';
import { Configuration } from './core/configuration';
import { Connector, StopReason } from './core/connector';
import { StatusReporter } from './core/connector-status';
import { AuthorizationCache } from './core/authorization-cache';
import { Authorization } from './core/authorization';
import { Triggers } from './remote-trigger/triggers';
import { RebootMarker } from './core/reboot-recovery';
import { SendOf } from '../ocpp/charge-point';
import { ChargingProfile, DataTransferResponse, OutgoingAction, OutgoingRequests, OutgoingResponses, RegistrationStatus } from '../ocpp/v16/generated/types';

/** Sends a message that is not queued, typed by action; resolves with the answer, or null (not sent, CALLERROR, ...). */
export type SendUnqueued = SendOf<OutgoingRequests, OutgoingResponses>;

/** What the station's parts use of the CSMS session (core/csms-session.ts): its state and what may be sent when. */
export interface SessionView {
  /** The BootNotification's answer in this boot (null: none yet). */
  readonly registration: RegistrationStatus | null;
  /** Booted (Accepted) and connected: messages can go now. */
  readonly online: boolean;
  /** BootNotification; retried while not Accepted (only it goes out before then). */
  sendBoot(): void;
  /** A Heartbeat (the periodic one runs only while online; a triggered one also while Pending). */
  heartbeat(): void;
  /** Sends a message that is not queued (status, meter values of no transaction, ...) if online. */
  send: SendUnqueued;
  /** Sends a message the CSMS asked for (TriggerMessage: online or Pending). */
  sendRequested: SendUnqueued;
  /** Sends a CALL now, typed by action, whatever the registration; rejects when offline or on a CALLERROR. */
  call<A extends OutgoingAction>(action: A, payload: OutgoingRequests[A]): Promise<OutgoingResponses[A]>;
  /** Closes the connection; the station connects again (backoff from its first step). */
  reconnect(why: string): void;
}

/** A vendor's DataTransfer receiver. */
export type VendorReceiver = (messageId: string | undefined, data: string | undefined) => DataTransferResponse;

/** What the Core profile's routes and answers (core/core-routes.ts, core/core-requests.ts) need of the station. */
export interface CoreContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly cache: AuthorizationCache;
  readonly status: StatusReporter;
  readonly authorization: Authorization;
  /** connectors[0] is connector 1. */
  readonly connectors: Connector[];
  readonly vendors: { [vendorId: string]: VendorReceiver };
  readonly session: Pick<SessionView, 'registration' | 'sendBoot' | 'heartbeat' | 'sendRequested'>;
  readonly triggers: Triggers;
  /** The features the Core's answers consult, when installed. */
  readonly features: {
    readonly reservations?: { allows(connectorId: number, idTag: string, parentIdTag?: string): boolean };
    readonly smartCharging?: { forRemoteStart(connectorId: number, idTag: string, profile: ChargingProfile): void };
  };
  /** What ChangeAvailability stores (core/availability.ts). */
  readonly availability: { save(operative: boolean, connectorId: number): void };
  /** Reset's restart (core/reset.ts). */
  readonly restarts: StationRestarts;
  /** The transaction messages' sender: a soft reset waits for it to be empty. */
  readonly sender: { whenEmpty(): Promise<void> };
  connector(id: number): Connector | null;
}

/** What the security extension (security/security.ts) needs of the station. */
export interface SecurityContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
  readonly session: SessionView;
  readonly triggers: Triggers;
  readonly rebootMarker: RebootMarker;
  /** The station's own restarts (core/reset.ts). */
  readonly restarts: StationRestarts;
}

/** Restarts the firmware; transactions still open are stopped with `reason` by the next boot (core/reset.ts). */
export interface StationRestarts {
  reboot(reason: StopReason): void;
}
