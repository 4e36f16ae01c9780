// Firmware entry: the host has provided `ocppHost` (hal/host-abi.ts) and evaluates this
// bundle once per boot. Read the settings through the HAL and start the station.
//
// The charger's IO is hal/hardware.ts; this firmware still has the simulated EV and meter
// (src/sim/) behind it. The simulator's own bundle is src/main-sim.ts.
import { createHal } from '../hal/index';
import { Settings } from '../hal/settings';
import { simHardwareFor } from './sim/sim-hardware';
import { runScenario } from './sim/scenarios';
import { startSimulatorControl } from './sim/control';
import { bootStation } from './boot-station';

const hal = createHal(ocppHost);
bootStation(hal, {
  settings: Object.keys(hal.settings) as Array<keyof Settings>,
  hardware: simHardwareFor,
  attach: (station, hardware) => {
    runScenario(hal, station, hardware);
    startSimulatorControl(hal, station, hardware);
  },
});
