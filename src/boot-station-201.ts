// The boot of the OCPP 2.0.1 station, shared by both its entries: the firmware
// (src/main-201.ts, on the charger's IO from the host) and the simulator's bundle
// (src/main-sim-201.ts, on the simulated EV and meter with the 2.0.1 scenarios). This is the
// 2.0.1 station's composition root: the station (src/v201/station.ts: session, device model,
// routes) with its core (B's provisioning, G's availability, E's transactions) and the
// features it is built with (src/v201/built-in-features.ts, what the build's --features cuts
// down, or an entry's own list; src/v201/feature.ts says what each takes of the others).
import { Hal } from '../hal/index';
import { Hardware } from '../hal/hardware';
import { Settings } from '../hal/settings';
import { Station } from './v201/station';
import { openChargePointLink } from './v201/link';
import { deviceModel } from './v201/device-model/index';
import { provisioning } from './v201/provisioning/index';
import { availability } from './v201/availability/index';
import { TransactionsFeature } from './v201/transactions/transactions';
import { transactionsFeature } from './v201/transactions/feature';
import { FeatureParts, StationFeature201 } from './v201/feature';
import { Feature } from './v201/context';
import { BUILT_IN_FEATURES } from './v201/built-in-features';
import { BootOptions, STATION_BASE_SETTINGS, bootOn } from './lib/station-boot';

/** The settings the 2.0.1 station itself acts on (hal/settings.ts). */
export const STATION_201_SETTINGS: Array<keyof Settings> = STATION_BASE_SETTINGS.concat(['duration']);

export interface Station201Boot<H extends Hardware> extends BootOptions<H> {
  /** Runs once the station is built, before it connects. */
  attach?: (station: Station, transactions: TransactionsFeature, hardware: H) => void;
  /** The features it is built with (default: built-in-features.ts, which the build's --features cuts down). */
  features?: StationFeature201[];
}

/**
 * Boots the 2.0.1 station: declares the settings, builds it with its features on the
 * hardware and starts it. Without a CSMS URL or station id it ends the program with 2.
 * The station is built once the bundle's top level has returned (src/lib/after-top-level.ts).
 * Resolves to the running station (null: nothing to connect to, or it could not be built).
 */
export function bootStation201<H extends Hardware>(hal: Hal, boot: Station201Boot<H>): Promise<Station | null> {
  const identity = (s: Settings) => ['boot: OCPP 2.0.1 station ' + s.id + ', ' + s.connectors + ' EVSE(s), CSMS ' + s.url];
  // Lists of the boot's own, which the build empties as it installs (see build): the core's
  // blocks, then the transactions (the first of the features installed after them) and the features.
  const core: Feature[] = [deviceModel, provisioning, availability];
  const features = [transactionsFeature].concat(boot.features || BUILT_IN_FEATURES);
  return bootOn(hal, boot, identity, (hardware) => build(hal, boot, hardware, core, features));
}

/**
 * The 2.0.1 station with its core and its features (each taken out of its list as it is
 * installed), started. Each install is let go once it has run: when nothing else holds it (the
 * firmware's top level, which held them, has returned), its run-once code is freed while the
 * next ones are built, not held to the end of the boot, which was the station's peak (about
 * 11 KB higher on 32-bit ARM).
 */
function build<H extends Hardware>(hal: Hal, boot: Station201Boot<H>, hardware: H, core: Feature[], features: StationFeature201[]): Station {
  const settings = hal.settings;
  const station = new Station(hal, hardware, openChargePointLink(hal));
  for (let f = core.shift(); f; f = core.shift()) station.install(f);
  // The features in their order: those the transactions build on (A, M, D, C) before them, the rest (J, F, L, N, P) after.
  const later: StationFeature201[] = [];
  const parts: FeatureParts = {};
  for (let f = features.shift(); f; f = features.shift()) {
    if (f.beforeTransactions) f.install(station, parts);
    else later.push(f);
  }
  for (let f = later.shift(); f; f = later.shift()) f.install(station, parts);
  const transactions = parts.transactions!;
  if (boot.attach) boot.attach(station, transactions, hardware);
  station.start();
  // A scenario uses `duration` itself (the session's length, idle's end); otherwise it is how long the station runs.
  if (settings.duration > 0 && (!settings.scenario || settings.scenario === 'none')) {
    hal.setTimeout(() => {
      hal.log.info('duration over: closing');
      station.stop();
      hal.exit(0);
    }, settings.duration * 1000);
  }
  return station;
}
