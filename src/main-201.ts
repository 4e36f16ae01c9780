// Firmware entry of the OCPP 2.0.1 bundle (dist/firmware-201.js, flashed as
// dist/firmware-201.min.js): the 2.0.1 station (bootStation201, the same as the 2.0.1
// simulator's bundle boots) on the charger's IO from the host, its optional hardware members
// (hal/host-hardware.ts). No simulator code is in it: that is src/main-sim-201.ts.
import { createHal } from '../hal/index';
import { hostHardwareFor } from '../hal/host-hardware';
import { bootStation201, STATION_201_SETTINGS } from './boot-station-201';
import { ID_TOKEN_MAX_LENGTH } from './ocpp/v201/generated/types';

const hal = createHal(ocppHost);
bootStation201(hal, {
  settings: STATION_201_SETTINGS,
  hardware: (h) => hostHardwareFor(ocppHost, h, ID_TOKEN_MAX_LENGTH),
  // A card at an EVSE's reader is presented there (an ISO 14443 RFID card).
  attach: (station, transactions, hardware) => {
    hardware.onIdTag = (id, idTag) => {
      hal.log.info('EVSE ' + id + ': card ' + idTag + ' at the reader');
      transactions.present(id, { idToken: idTag, type: 'ISO14443' });
    };
  },
});
