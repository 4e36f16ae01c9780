// The Firmware Management profile as a station feature.
import { StationFeature } from '../feature';
import { Firmware } from './firmware';

export const firmwareFeature: StationFeature = {
  name: 'firmware',
  profile: 'FirmwareManagement',
  install: (station) => {
    const firmware = new Firmware(station);
    station.features.firmware = firmware;
    return {
      routes: firmware.routes(),
      start: () => firmware.start(),
      stop: () => firmware.stop(),
      online: () => firmware.online(),
      connectorChanged: () => firmware.connectorChanged(),
    };
  },
};
