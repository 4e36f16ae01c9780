// Simulator entry of the OCPP 2.0.1 station (dist/simulator-201.js, what `npm run sim --
// --ocpp 2.0.1` and `npm start -- --ocpp 2.0.1` run): the firmware's 2.0.1 station (the same
// bootStation201 as src/main-201.ts) on the simulated EV and meter, with the 2.0.1 scenarios
// and the simulator's control.
import { createHal } from '../hal/index';
import { Settings } from '../hal/settings';
import { simHardwareFor } from './sim/sim-hardware';
import { runScenario201 } from './sim/scenarios-201';
import { startSimulatorControl201 } from './sim/control-201';
import { bootStation201, STATION_201_SETTINGS } from './boot-station-201';

const hal = createHal(ocppHost);
bootStation201(hal, {
  // The station, the scenarios (scenario, idTag) and the simulated charger's settings.
  settings: (STATION_201_SETTINGS as Array<keyof Settings>).concat(['scenario', 'idTag', 'maxCurrentA', 'cableLock', 'phases', 'voltageV', 'ev']),
  hardware: simHardwareFor,
  attach: (station, transactions, hardware) => {
    runScenario201(hal, station, transactions, hardware);
    startSimulatorControl201(hal, station, transactions, hardware);
  },
});
