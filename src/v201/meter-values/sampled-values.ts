// A meter reading (hal/hardware.ts) as an OCPP 2.0.1 MeterValue: one SampledValue per
// measurand a device-model variable lists (SampledDataCtrlr.Tx*Measurands,
// AlignedDataCtrlr.Measurands, ...), with context, location and unit of measure.
import { MeterReading } from '../../../hal/hardware';
import { MeasurandEnum, MeterValue, ReadingContextEnum, SampledValue } from '../../ocpp/v201';

/** The measurands the hardware interface can read, with their units (part 2 appendices, units of measure). */
const UNITS: { [measurand: string]: string } = {
  'Energy.Active.Import.Register': 'Wh',
  'Power.Active.Import': 'W',
  'Current.Import': 'A',
  'Current.Offered': 'A',
  'Power.Offered': 'W',
  Voltage: 'V',
  SoC: 'Percent',
};

/** The measurands this station can sample: what SampledDataCtrlr / AlignedDataCtrlr lists may hold (their valuesList). */
export const SUPPORTED_MEASURANDS = Object.keys(UNITS).join(',');

/** Is every entry of a measurand list one this station can sample? (SetVariables answers Rejected otherwise.) */
export function supportedMeasurands(list: string): boolean {
  if (list === '') return true;
  const items = list.split(',');
  for (let i = 0; i < items.length; i++) if (!Object.prototype.hasOwnProperty.call(UNITS, items[i].trim())) return false;
  return true;
}

function valueOf(reading: MeterReading, measurand: string): number | null {
  switch (measurand) {
    case 'Energy.Active.Import.Register':
      return reading.energyWh;
    case 'Power.Active.Import':
      return reading.powerW;
    case 'Current.Import':
      return reading.currentA;
    case 'Current.Offered':
      return reading.offeredA;
    case 'Power.Offered':
      return Math.round(reading.offeredA * reading.voltageV * (reading.phases || 3));
    case 'Voltage':
      return reading.voltageV;
    case 'SoC':
      return reading.socPercent >= 0 ? reading.socPercent : null; // no EV data: left out
    default:
      return null;
  }
}

/** One MeterValue of a reading for a comma-separated measurand list; null when none applies (an empty list sends no meter data, part 2 E 1.5). */
export function meterValue(reading: MeterReading, measurands: string, context: ReadingContextEnum, timestampMs: number): MeterValue | null {
  if (!measurands) return null;
  const names = measurands.split(',');
  const sampledValue: SampledValue[] = [];
  for (let i = 0; i < names.length; i++) {
    const measurand = names[i].trim();
    const v = valueOf(reading, measurand);
    if (v === null) continue;
    sampledValue.push({
      value: v,
      context,
      measurand: measurand as MeasurandEnum,
      location: measurand === 'SoC' ? 'EV' : 'Outlet',
      unitOfMeasure: { unit: UNITS[measurand] },
    });
  }
  return sampledValue.length ? { timestamp: new Date(timestampMs).toISOString(), sampledValue } : null;
}

/**
 * The next clock-aligned instant after `nowMs` for an interval in seconds: aligned data are
 * taken at whole multiples of the interval counted from midnight UTC (part 2 J 2.2).
 */
export function nextAlignedTime(nowMs: number, intervalSeconds: number): number {
  const day = 86400000;
  const midnight = nowMs - (nowMs % day);
  const step = intervalSeconds * 1000;
  return midnight + (Math.floor((nowMs - midnight) / step) + 1) * step;
}
