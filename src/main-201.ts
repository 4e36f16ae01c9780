// Firmware entry of the OCPP 2.0.1 bundle (dist/firmware-201.js), and the 2.0.1 station's
// composition root: the station (src/v201/station.ts: session, device model, routes) and the
// features it is built with. A build leaves a feature out by leaving its line out.
//
// The charger's IO is hal/hardware.ts; this firmware has the simulated EV and meter
// (src/sim/sim-hardware.ts) behind it.
import { createHal } from '../hal/index';
import { simHardwareFor } from './sim/sim-hardware';
import { Station } from './v201/station';
import { openChargePointLink } from './v201/link';
import { deviceModel } from './v201/device-model/index';
import { provisioning } from './v201/provisioning/index';
import { availability } from './v201/availability/index';
import { installLocalAuthList } from './v201/local-auth-list/local-auth-list';
import { installAuthorization } from './v201/authorization/authorization';
import { installTransactions } from './v201/transactions/transactions';
import { installMeterValues } from './v201/meter-values/meter-values';
import { installRemoteControl } from './v201/remote-control/remote-control';
import { runScenario201 } from './sim/scenarios-201';

const hal = createHal(ocppHost);
hal.declareSettings(['url', 'id', 'vendor', 'model', 'firmwareVersion', 'connectors', 'scenario', 'idTag', 'duration', 'logLevel', 'password', 'ca', 'cert', 'key', 'securityProfile', 'maxConnectAttempts', 'reconnectMaxSeconds', 'maxCurrentA', 'cableLock', 'phases', 'voltageV', 'ev']);
const settings = hal.settings;
hal.log.info('boot: OCPP 2.0.1 station ' + settings.id + ', ' + settings.connectors + ' EVSE(s), CSMS ' + settings.url);

if (!settings.url || !settings.id) {
  hal.log.error('settings need "url" and "id": nothing to connect to');
  hal.exit(2);
} else {
  const hardware = simHardwareFor(hal);
  const station = new Station(hal, hardware, openChargePointLink(hal));
  station.install(deviceModel).install(provisioning).install(availability);
  // Blocks D, C, E, J, F: each takes what it builds on (a build without the local list passes null).
  const authorizer = installAuthorization(station, installLocalAuthList(station));
  const transactions = installTransactions(station, authorizer);
  installMeterValues(station, transactions);
  installRemoteControl(station, transactions, authorizer);
  runScenario201(hal, station, transactions, hardware);
  station.start();
  // A scenario uses `duration` itself (the session's length, idle's end).
  if (settings.duration > 0 && (!settings.scenario || settings.scenario === 'none')) {
    hal.setTimeout(() => {
      hal.log.info('duration over: closing');
      station.stop();
      hal.exit(0);
    }, settings.duration * 1000);
  }
}
