// What a feature is to the station: the OCPP 1.6 feature profiles beyond Core (one folder
// each: remote-trigger/, smart-charging/, reservation/, local-auth-list/, firmware/) and the
// security extension (security/). Each folder's index.ts exports its StationFeature; the
// station installs the ones it is given (built-in-features.ts, which the build's --features
// cuts down) less those the settings switch off, so a feature that is not installed has no
// routes (its actions answer NotSupported), no configuration keys and no timers.
import { Hal } from '../../hal/index';
import { Configuration } from './core/configuration';
import { Connector, StopReason } from './core/connector';
import { Triggers } from './remote-trigger/triggers';
import { RebootMarker } from './core/reboot-recovery';
import { Routes } from './routes';
import { SendUnqueued } from './context';
import { SmartCharging } from './smart-charging/smart-charging';
import { Reservations } from './reservation/reservations';
import { LocalAuthList } from './local-auth-list/local-auth-list';
import { Firmware } from './firmware/firmware';
import { Security } from './security/security';

/** The OCPP 1.6 feature profiles, in the order SupportedFeatureProfiles lists them (section 3.3). */
export const FEATURE_PROFILES = ['Core', 'FirmwareManagement', 'LocalAuthListManagement', 'Reservation', 'SmartCharging', 'RemoteTrigger'];
export type FeatureProfile = 'Core' | 'FirmwareManagement' | 'LocalAuthListManagement' | 'Reservation' | 'SmartCharging' | 'RemoteTrigger';

/** The installed features other parts consult (absent: not installed). */
export interface InstalledFeatures {
  smartCharging?: SmartCharging;
  reservations?: Reservations;
  localList?: LocalAuthList;
  firmware?: Firmware;
  security?: Security;
}

/** What a feature is given of the station. */
export interface FeatureStation {
  readonly hal: Hal;
  readonly config: Configuration;
  /** connectors[0] is connector 1. */
  readonly connectors: Connector[];
  /** Booted (Accepted) and connected. */
  readonly online: boolean;
  readonly triggers: Triggers;
  readonly rebootMarker: RebootMarker;
  /** The features installed so far; a feature puts itself here for the others. */
  readonly features: InstalledFeatures;
  /** Sends a message that is not queued, if online. */
  sendNow: SendUnqueued;
  /** Sends a message a TriggerMessage asked for (online or Pending). */
  sendTriggered: SendUnqueued;
  /** Sends a CALL now; rejects when offline or on a CALLERROR. */
  call(action: string, payload: object): Promise<any>;
  /** Closes the connection; the station connects again. */
  reconnect(why: string): void;
  reboot(reason: StopReason): void;
}

/** An installed feature's part in the station's life. */
export interface FeatureHooks {
  /** The CSMS-initiated actions it serves. */
  routes?: Routes;
  /** At boot, after the interrupted transactions were stopped. */
  start?(): void;
  stop?(): void;
  /** Booted and connected (first time or again). */
  online?(): void;
  connectorChanged?(c: Connector): void;
}

export interface StationFeature {
  /** Its folder, the name --features and the README use ('smart-charging'). */
  readonly name: string;
  /** The feature profile it implements; null: the security extension (no profile of its own). */
  readonly profile: FeatureProfile | null;
  /** Builds it on the station (once, in the station's constructor). */
  install(station: FeatureStation): FeatureHooks;
}
