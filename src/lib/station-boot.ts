// What booting a station is, whatever its OCPP version: the 1.6 boot (src/boot-station.ts)
// and the 2.0.1 one (src/boot-station-201.ts) each give their settings, the identity they
// log and how their station is built; this declares the settings the bundle acts on, logs
// the identity, ends the program with 2 when there is nothing to connect to, and makes the
// hardware and the station once the bundle's top level has returned (after-top-level.ts).
import { Hal } from '../../hal/index';
import { Hardware } from '../../hal/hardware';
import { Settings } from '../../hal/settings';
import { afterTopLevel } from './after-top-level';

/** The settings a station of either version acts on (hal/settings.ts); each version adds its own. */
export const STATION_BASE_SETTINGS: Array<keyof Settings> = [
  'url',
  'id',
  'connectors',
  'password',
  'ca',
  'cert',
  'key',
  'securityProfile',
  'logLevel',
  'vendor',
  'model',
  'firmwareVersion',
  'maxConnectAttempts',
  'reconnectMaxSeconds',
  'configuration',
];

/** What an entry gives its version's boot. */
export interface BootOptions<H extends Hardware> {
  /** The settings this bundle acts on: its version's and those of what it attaches. */
  settings: Array<keyof Settings>;
  /** The charger's IO, made once per boot. */
  hardware: (hal: Hal) => H;
}

/**
 * Declares the settings, logs `identity(settings)`, and builds the station on the hardware
 * once the top level has returned (`build`, which also starts it). Without a CSMS URL or
 * station id it ends the program with 2. Resolves to the station (null: nothing to connect
 * to, or it could not be built).
 */
export function bootOn<H extends Hardware, S>(hal: Hal, boot: BootOptions<H>, identity: (settings: Settings) => string[], build: (hardware: H) => S): Promise<S | null> {
  hal.declareSettings(boot.settings);
  const lines = identity(hal.settings);
  for (let i = 0; i < lines.length; i++) hal.log.info(lines[i]);
  if (!hal.settings.url || !hal.settings.id) {
    hal.log.error('settings need "url" and "id": nothing to connect to');
    hal.exit(2);
    return Promise.resolve(null);
  }
  return afterTopLevel(hal, () => build(boot.hardware(hal)));
}
