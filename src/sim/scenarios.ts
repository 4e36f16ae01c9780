// The simulator's scenarios (settings.scenario) and its simulated
// driver, who plugs in and pulls cables on the simulated hardware (sim-hardware.ts).
//
//   session: booted → EV plugged in at connector 1 → idTag presented (Authorize) →
//            StartTransaction → MeterValues every MeterValueSampleInterval for `duration`
//            seconds (12 when 0) → idTag presented again (StopTransaction, Local) → cable
//            pulled → every queued message delivered → exit(0).
//   idle:    boot, heartbeat, status, serve the CSMS; the driver plugs in when a remote
//            start waits for a cable and pulls the cable when a transaction is over;
//            exit(0) after `duration` seconds (0: never).
//   none:    no simulated driver at all: only the control API (control.ts) and the CSMS act.
import { Hal } from '../../hal/index';
import { Station } from '../app/station';
import { Connector } from '../app/core/connector';
import { SimHardware } from './sim-hardware';

/** How long the simulated driver takes for each step, ms. */
const DRIVER_PAUSE_MS = 1000;
const DEFAULT_SESSION_SECONDS = 12;
const FAREWELL_MS = 500;

export function runScenario(hal: Hal, station: Station, hw: SimHardware): void {
  const scenario = hal.settings.scenario;
  if (scenario === 'session') runSession(hal, station, hw);
  else if (scenario === 'idle') runIdle(hal, station, hw);
  else if (scenario && scenario !== 'none') hal.log.warning('unknown scenario "' + scenario + '": serving the CSMS');
}

function runSession(hal: Hal, station: Station, hw: SimHardware): void {
  const idTag = hal.settings.idTag;
  const seconds = hal.settings.duration > 0 ? hal.settings.duration : DEFAULT_SESSION_SECONDS;
  const cable = hw.connector(1);
  let begun = false;
  let stopping = false;
  const fail = (why: string) => {
    hal.log.error('session failed: ' + why);
    hal.exit(1);
  };
  const finish = () => {
    hal.log.info('session: ' + station.queue.size() + ' transaction message(s) still to deliver');
    station.sender.whenEmpty().then(() => {
      // A moment for the last StatusNotification to be answered before the link goes.
      hal.setTimeout(() => {
        hal.log.info('session complete');
        station.stop(); // closes the connection (1000) before the program ends
        hal.exit(0);
      }, FAREWELL_MS);
    });
  };
  station.events.online = () => {
    if (begun) return;
    begun = true;
    hal.log.info('session: driver plugs the EV in at connector 1');
    cable.plugIn();
    hal.setTimeout(() => {
      hal.log.info('session: driver presents idTag ' + idTag);
      station.presentIdTag(1, idTag).then((ok) => {
        if (!ok) fail('idTag ' + idTag + ' was not authorized, or connector 1 is not available');
      });
    }, DRIVER_PAUSE_MS);
  };
  station.events.connector = (c: Connector) => {
    if (c.id !== 1) return;
    if (c.transaction && !stopping) {
      stopping = true;
      hal.setTimeout(() => {
        if (!c.transaction) return;
        hal.log.info('session: driver presents idTag ' + idTag + ' again to stop');
        station.presentIdTag(1, idTag);
      }, seconds * 1000);
    } else if (!c.transaction && stopping && c.hw.plugged() && c.status === 'Finishing') {
      hal.setTimeout(() => {
        hal.log.info('session: driver pulls the cable');
        cable.unplug();
      }, DRIVER_PAUSE_MS);
    } else if (!c.transaction && stopping && !c.hw.plugged() && c.status === 'Available') {
      stopping = false;
      finish();
    }
  };
}

function runIdle(hal: Hal, station: Station, hw: SimHardware): void {
  const seconds = hal.settings.duration;
  if (seconds > 0) {
    hal.setTimeout(() => {
      hal.log.info('idle: ' + seconds + ' s over');
      station.stop(); // closes the connection (1000) before the program ends
      hal.exit(0);
    }, seconds * 1000);
  }
  // The driver answers what the station waits for.
  station.events.connector = (c: Connector) => {
    const sim = hw.connector(c.id);
    if (c.awaitingCable !== null && !sim.plugged()) {
      hal.setTimeout(() => {
        if (c.awaitingCable !== null && !sim.plugged()) {
          hal.log.info('driver plugs the EV in at connector ' + c.id);
          sim.plugIn();
        }
      }, DRIVER_PAUSE_MS);
    } else if (c.status === 'Finishing') {
      hal.setTimeout(() => {
        if (c.status === 'Finishing' && !c.transaction) {
          hal.log.info('driver pulls the cable at connector ' + c.id);
          sim.unplug();
        }
      }, DRIVER_PAUSE_MS);
    }
  };
}
