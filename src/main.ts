// Firmware entry (dist/firmware.js, flashed as dist/firmware.min.js): the host has provided
// `ocppHost` (hal/host-abi.ts) and evaluates this bundle once per boot. The station
// (bootStation, the same as the simulator's bundle boots) runs on the charger's IO from the
// host: its optional hardware members, which the charger maker's native code provides
// (hal/host-hardware.ts). No simulator code is in it: that is src/main-sim.ts.
import { createHal } from '../hal/index';
import { hostHardwareFor } from '../hal/host-hardware';
import { bootStation, STATION_SETTINGS } from './boot-station';
import { ID_TAG_MAX_LENGTH } from './ocpp/v16/generated/types';

const hal = createHal(ocppHost);
bootStation(hal, {
  settings: STATION_SETTINGS,
  hardware: (h) => hostHardwareFor(ocppHost, h, ID_TAG_MAX_LENGTH),
  // A card at a connector's reader is presented there, as the simulator's driver presents one.
  attach: (station, hardware) => {
    hardware.onIdTag = (id, idTag) => {
      hal.log.info('connector ' + id + ': card ' + idTag + ' at the reader');
      station.presentIdTag(id, idTag);
    };
  },
});
