// Firmware entry: the host has provided `ocppHost` (hal/host-abi.ts) and evaluates this
// bundle once per boot. Read the settings through the HAL and start the station.
//
// The charger's IO is hal/hardware.ts; this firmware has the simulated EV and meter
// (hal/sim-hardware.ts) behind it, which is what the simulator and the native shim on a
// desktop run. A charger maker's build passes its own Hardware here instead.
import { createHal } from '../hal/index';
import { simHardwareFor } from '../hal/sim-hardware';
import { Station } from './app/station';
import { runScenario } from './app/scenarios';
import { startSimulatorControl } from './app/sim-control';
import { openChargePointLink } from './app/csms-link';
import { Settings } from '../hal/settings';

const hal = createHal(ocppHost);
// The station and its scenarios act on every setting (the simulator's flags included).
hal.declareSettings(Object.keys(hal.settings) as Array<keyof Settings>);
hal.log.info('boot: ' + hal.settings.vendor + ' ' + hal.settings.model + ' ' + hal.settings.firmwareVersion + ' on host ' + hal.hostName + ', IMEI ' + hal.imei());
hal.log.info('station ' + (hal.settings.id || '(no id)') + ', ' + hal.settings.connectors + ' connector(s), CSMS ' + (hal.settings.url || '(none)'));

if (!hal.settings.url || !hal.settings.id) {
  hal.log.error('settings need "url" and "id": nothing to connect to');
  hal.exit(2);
} else {
  const hardware = simHardwareFor(hal);
  const station = new Station(hal, hardware, openChargePointLink(hal));
  runScenario(hal, station, hardware);
  startSimulatorControl(hal, station, hardware);
  station.start();
}
