// The Smart Charging profile as a station feature.
import { StationFeature } from '../feature';
import { SmartCharging } from './smart-charging';

export const smartChargingFeature: StationFeature = {
  name: 'smart-charging',
  profile: 'SmartCharging',
  install: (station) => {
    const smartCharging = new SmartCharging(station);
    station.features.smartCharging = smartCharging;
    return {
      routes: smartCharging.routes(),
      start: () => smartCharging.apply(),
      stop: () => smartCharging.stop(),
      connectorChanged: (c) => smartCharging.connectorChanged(c),
    };
  },
};
