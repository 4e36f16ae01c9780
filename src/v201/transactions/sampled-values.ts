// A meter reading (hal/hardware.ts) as an OCPP 2.0.1 MeterValue: one SampledValue per
// measurand a device-model variable lists (SampledDataCtrlr.Tx*Measurands,
// AlignedDataCtrlr.Measurands, ...), with context, location and unit of measure.
import { MeterReading } from '../../../hal/hardware';
import { MEASURAND_UNITS, measurandValue } from '../../lib/meter-reading';
import { MeasurandEnum, MeterValue, ReadingContextEnum, SampledValue } from '../../ocpp/v201/generated/types';

/** The measurands this station can sample: what SampledDataCtrlr / AlignedDataCtrlr lists may hold (their valuesList). */
export const SUPPORTED_MEASURANDS = Object.keys(MEASURAND_UNITS).join(',');

/** One MeterValue of a reading for a comma-separated measurand list; null when none applies (an empty list sends no meter data, part 2 E 1.5). */
export function meterValue(reading: MeterReading, measurands: string, context: ReadingContextEnum, timestampMs: number): MeterValue | null {
  if (!measurands) return null;
  const names = measurands.split(',');
  const sampledValue: SampledValue[] = [];
  for (let i = 0; i < names.length; i++) {
    const measurand = names[i].trim();
    const v = measurandValue(reading, measurand);
    if (v === null) continue;
    sampledValue.push({
      value: v,
      context,
      measurand: measurand as MeasurandEnum,
      location: measurand === 'SoC' ? 'EV' : 'Outlet',
      unitOfMeasure: { unit: MEASURAND_UNITS[measurand] },
    });
  }
  return sampledValue.length ? { timestamp: new Date(timestampMs).toISOString(), sampledValue } : null;
}
