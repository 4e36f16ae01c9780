// Block J, meter values (the clock-aligned ones outside transactions), as a station feature.
import { StationFeature201 } from '../feature';
import { installMeterValues } from './meter-values';

export const meterValuesFeature: StationFeature201 = {
  name: 'meter-values',
  install: (station, parts) => installMeterValues(station, parts.transactions!),
};
