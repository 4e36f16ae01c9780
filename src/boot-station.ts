// The boot of the 1.6 station application, shared by every entry that runs it: the firmware
// (src/main.ts, on the charger's IO from the host) and the simulator (src/main-sim.ts, on the
// simulated EV and meter). Each entry gives its hardware and, optionally, what it attaches
// to the station before it starts (the simulator: its scenarios and control); the station
// itself is the same code in both bundles.
import { Hal } from '../hal/index';
import { Hardware } from '../hal/hardware';
import { Settings } from '../hal/settings';
import { Station } from './app/station';
import { StationFeature } from './app/feature';
import { BUILT_IN_FEATURES } from './app/built-in-features';
import { openChargePointLink } from './app/core/csms-link';
import { BootOptions, STATION_BASE_SETTINGS, bootOn } from './lib/station-boot';

/** The settings the station application itself acts on (hal/settings.ts). */
export const STATION_SETTINGS: Array<keyof Settings> = STATION_BASE_SETTINGS.concat(['disabledFeatureProfiles']);

export interface StationBoot<H extends Hardware> extends BootOptions<H> {
  /** Runs once the station is built, before it connects. */
  attach?: (station: Station, hardware: H) => void;
  /** The features it is built with (default: built-in-features.ts, which the build's --features cuts down). */
  features?: StationFeature[];
}

/**
 * Boots the station: declares the settings, logs the identity, builds the station on the
 * hardware and starts it. Without a CSMS URL or station id it ends the program with 2.
 * The station is built once the bundle's top level has returned (src/lib/after-top-level.ts).
 * Resolves to the running station (null: nothing to connect to, or it could not be built).
 */
export function bootStation<H extends Hardware>(hal: Hal, boot: StationBoot<H>): Promise<Station | null> {
  const identity = (s: Settings) => [
    'boot: ' + s.vendor + ' ' + s.model + ' ' + s.firmwareVersion + ' on host ' + hal.hostName + ', IMEI ' + hal.imei(),
    'station ' + (s.id || '(no id)') + ', ' + s.connectors + ' connector(s), CSMS ' + (s.url || '(none)'),
  ];
  return bootOn(hal, boot, identity, (hardware) => {
    const station = new Station(hal, hardware, openChargePointLink(hal), boot.features || BUILT_IN_FEATURES);
    // The session gave up connecting (maxConnectAttempts): the program ends, the host decides what next.
    station.events.fatal = () => hal.exit(1);
    if (boot.attach) boot.attach(station, hardware);
    station.start();
    return station;
  });
}
