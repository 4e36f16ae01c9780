// MeterValues samples: a meter reading (hal/hardware.ts) as the OCPP 1.6 SampledValue
// list for the measurands a configuration key asks for, with unit, context and location.
import { MeterReading } from '../../../hal/hardware';
import { MEASURAND_UNITS, measurandValue } from '../../lib/meter-reading';
export { nextAlignedTime } from '../../lib/meter-reading';

export type ReadingContext =
  | 'Interruption.Begin'
  | 'Interruption.End'
  | 'Sample.Clock'
  | 'Sample.Periodic'
  | 'Transaction.Begin'
  | 'Transaction.End'
  | 'Trigger'
  | 'Other';

export interface SampledValue {
  value: string;
  context?: ReadingContext;
  measurand?: string;
  location?: string;
  unit?: string;
  phase?: string;
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

/** One MeterValue: the measurands (in the given order) of a reading; null when none applies. */
export function meterValue(reading: MeterReading, measurands: string[], context: ReadingContext, timestampMs: number): MeterValue | null {
  const sampledValue: SampledValue[] = [];
  for (let i = 0; i < measurands.length; i++) {
    const v = measurandValue(reading, measurands[i]);
    if (v === null) continue;
    sampledValue.push({
      value: String(v),
      context,
      measurand: measurands[i],
      location: measurands[i] === 'SoC' ? 'EV' : 'Outlet',
      unit: MEASURAND_UNITS[measurands[i]],
    });
  }
  return sampledValue.length ? { timestamp: new Date(timestampMs).toISOString(), sampledValue } : null;
}
