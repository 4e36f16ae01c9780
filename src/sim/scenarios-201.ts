// The simulator's scenarios for the OCPP 2.0.1 station (settings.scenario), with the simulated
// driver on the simulated hardware (sim-hardware.ts):
//
//   session: accepted → EV plugged in at EVSE 1 → idToken presented (Authorize) →
//            TransactionEvent Started → Updated every SampledDataCtrlr.TxUpdatedInterval for
//            `duration` seconds (12 when 0) → idToken presented again (Ended, StopAuthorized,
//            Local) → cable pulled → every queued event delivered → exit(0).
//   idle:    serve the CSMS; the driver plugs in when an EVSE is authorized (a remote start)
//            without a cable and pulls the cable once the authorization or transaction there
//            is over (a cable the control API plugged in stays until then, as in 1.6);
//            exit(0) after `duration` seconds (0: never).
//   none:    no simulated driver: only the CSMS acts.
import { Hal } from '../../hal/index';
import { StationContext } from '../v201/context';
import { TransactionsFeature } from '../v201/transactions/transactions';
import { IdToken } from '../ocpp/v201/generated/types';
import { SimHardware } from './sim-hardware';

const DRIVER_PAUSE_MS = 1000;
const DEFAULT_SESSION_SECONDS = 12;
const FAREWELL_MS = 500;

export function runScenario201(hal: Hal, station: StationContext & { stop(): void }, transactions: TransactionsFeature, hw: SimHardware): void {
  const scenario = hal.settings.scenario;
  const idToken: IdToken = { idToken: hal.settings.idTag, type: 'ISO14443' };
  const end = (code: number) => {
    station.stop(); // closes the connection (1000) before the program ends
    hal.exit(code);
  };
  if (scenario === 'session') {
    let begun = false;
    const seconds = hal.settings.duration > 0 ? hal.settings.duration : DEFAULT_SESSION_SECONDS;
    const fail = (why: string) => {
      hal.log.error('session failed: ' + why);
      end(1);
    };
    station.on('online', () => {
      if (begun) return;
      begun = true;
      hal.log.info('session: driver plugs the EV in at EVSE 1');
      hw.connector(1).plugIn();
      hal.setTimeout(() => {
        hal.log.info('session: driver presents idToken ' + idToken.idToken);
        transactions.present(1, idToken).then((ok) => {
          if (!ok) return fail('idToken ' + idToken.idToken + ' was not authorized, or EVSE 1 is not available');
          hal.setTimeout(() => {
            hal.log.info('session: driver presents idToken ' + idToken.idToken + ' again to stop');
            transactions.present(1, idToken).then(() =>
              hal.setTimeout(() => {
                hal.log.info('session: driver pulls the cable');
                hw.connector(1).unplug();
                hal.log.info('session: ' + transactions.log.size() + ' transaction event(s) still to deliver');
                transactions.sender.whenEmpty().then(() =>
                  // A moment for the last StatusNotification to be answered before the link goes.
                  hal.setTimeout(() => {
                    hal.log.info('session complete');
                    end(0);
                  }, FAREWELL_MS)
                );
              }, DRIVER_PAUSE_MS)
            );
          }, seconds * 1000);
        });
      }, DRIVER_PAUSE_MS);
    });
  } else if (scenario === 'idle') {
    if (hal.settings.duration > 0) {
      hal.setTimeout(() => {
        hal.log.info('idle: ' + hal.settings.duration + ' s over');
        end(0);
      }, hal.settings.duration * 1000);
    }
    // The driver answers what the station waits for. It pulls only a cable whose session is
    // over: one it saw authorized or in a transaction (1.6's driver pulls at Finishing), not a
    // cable the control API plugged in and left alone.
    const engaged: boolean[] = [];
    // A transaction can start and end between two looks; its end says it was engaged.
    station.on('idle', (evseId) => {
      engaged[evseId] = true;
    });
    hal.setInterval(() => {
      for (let evseId = 1; evseId <= station.evseCount; evseId++) {
        const e = transactions.evse(evseId);
        const cable = hw.connector(evseId);
        if (!e) continue;
        if (e.authorizedFor() || e.transactionId()) engaged[evseId] = true;
        if (e.authorizedFor() && !cable.plugged()) {
          hal.log.info('driver plugs the EV in at EVSE ' + evseId);
          cable.plugIn();
        } else if (engaged[evseId] && !e.authorizedFor() && !e.transactionId() && cable.plugged() && !cable.locked()) {
          engaged[evseId] = false;
          hal.log.info('driver pulls the cable at EVSE ' + evseId);
          cable.unplug();
        } else if (!cable.plugged() && !e.authorizedFor() && !e.transactionId()) engaged[evseId] = false;
      }
    }, DRIVER_PAUSE_MS);
  } else if (scenario && scenario !== 'none') {
    hal.log.warning('unknown scenario "' + scenario + '": serving the CSMS');
  }
}
