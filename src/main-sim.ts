// Simulator entry (dist/simulator.js, run by the Node simulator and the native host's
// session tests): the firmware's station (the same bootStation as src/main.ts) on the
// simulated EV and meter, with the simulator's scenarios and control. It is the flashed
// firmware plus the simulated charger, so its heap is the firmware's and a little more.
import { createHal } from '../hal/index';
import { Settings } from '../hal/settings';
import { simHardwareFor } from './sim/sim-hardware';
import { runScenario } from './sim/scenarios';
import { startSimulatorControl } from './sim/control';
import { applyScenarioDefaults } from './sim/scenario-settings';
import { bootStation } from './boot-station';

const hal = createHal(ocppHost);
applyScenarioDefaults(hal.settings);
bootStation(hal, {
  // The station, its scenarios and the simulated hardware act on every setting (the simulator's flags).
  settings: Object.keys(hal.settings) as Array<keyof Settings>,
  hardware: simHardwareFor,
  attach: (station, hardware) => {
    runScenario(hal, station, hardware);
    startSimulatorControl(hal, station, hardware);
  },
});
