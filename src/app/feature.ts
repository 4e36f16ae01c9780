// What a feature is to the station: the OCPP 1.6 feature profiles beyond Core (one folder
// each: remote-trigger/, smart-charging/, reservation/, local-auth-list/, firmware/) and the
// security extension (security/). Each folder's index.ts exports its StationFeature; the
// station installs the ones it is given (built-in-features.ts, which the build's --features
// cuts down) less those the settings switch off, so a feature that is not installed has no
// routes (its actions answer NotSupported), no configuration keys and no timers.
import { Logger } from '../../hal/index';
import { Connector } from './core/connector';
import { splitList } from './core/configuration';
import { Routes, addRoutes } from './routes';
import { SecurityContext } from './context';
import { SmartCharging } from './smart-charging/smart-charging';
import { Reservations } from './reservation/reservations';
import { LocalAuthList } from './local-auth-list/local-auth-list';
import { Firmware } from './firmware/firmware';
import { Security } from './security/security';

export type FeatureProfile = 'Core' | 'FirmwareManagement' | 'LocalAuthListManagement' | 'Reservation' | 'SmartCharging' | 'RemoteTrigger';
/** The OCPP 1.6 feature profiles, in the order SupportedFeatureProfiles lists them (section 3.3). */
export const FEATURE_PROFILES: FeatureProfile[] = ['Core', 'FirmwareManagement', 'LocalAuthListManagement', 'Reservation', 'SmartCharging', 'RemoteTrigger'];

/** The installed features other parts consult (absent: not installed). */
export interface InstalledFeatures {
  smartCharging?: SmartCharging;
  reservations?: Reservations;
  localList?: LocalAuthList;
  firmware?: Firmware;
  security?: Security;
}

/**
 * What a feature is given of the station: what the security extension needs of it (the most
 * any feature needs; the others take a narrower view), and the features installed so far,
 * where a feature puts itself for the others.
 */
export interface FeatureStation extends SecurityContext {
  readonly features: InstalledFeatures;
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

/** The features less those whose feature profile the settings switch off (Core cannot be). */
export function switchedOn(features: StationFeature[], disabled: string, log: Logger): StationFeature[] {
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
export function supportedProfiles(features: StationFeature[]): string[] {
  return FEATURE_PROFILES.filter((p) => p === 'Core' || features.some((f) => f.profile === p));
}

/** The installed features' parts in the station's life, each called in the order installed. */
export class FeatureParts {
  private readonly hooks: FeatureHooks[] = [];

  /** Installs the features on the station; their routes go into `routes`. */
  constructor(features: StationFeature[], station: FeatureStation, routes: Routes) {
    for (let i = 0; i < features.length; i++) {
      const hooks = features[i].install(station);
      this.hooks.push(hooks);
      if (hooks.routes) addRoutes(routes, hooks.routes);
    }
  }

  start(): void {
    for (let i = 0; i < this.hooks.length; i++) call(this.hooks[i].start);
  }

  stop(): void {
    for (let i = 0; i < this.hooks.length; i++) call(this.hooks[i].stop);
  }

  online(): void {
    for (let i = 0; i < this.hooks.length; i++) call(this.hooks[i].online);
  }

  connectorChanged(c: Connector): void {
    for (let i = 0; i < this.hooks.length; i++) {
      const changed = this.hooks[i].connectorChanged;
      if (changed) changed(c);
    }
  }
}

function call(hook: (() => void) | undefined): void {
  if (hook) hook();
}
