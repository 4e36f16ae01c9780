// MeterValues samples: a meter reading (hal/hardware.ts) as the OCPP 1.6 SampledValue
// list for the measurands a configuration key asks for, with unit, context and location.
import { MeterReading } from '../../../hal/hardware';

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

const UNITS: { [measurand: string]: string } = {
  'Energy.Active.Import.Register': 'Wh',
  'Power.Active.Import': 'W',
  'Current.Import': 'A',
  'Current.Offered': 'A',
  'Power.Offered': 'W',
  Voltage: 'V',
  SoC: 'Percent',
};

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
      // What the EV may draw now: the offered current on every phase wired (3 when the
      // hardware does not say, as smart charging assumes for a W limit).
      return Math.round(reading.offeredA * reading.voltageV * (reading.phases || 3));
    case 'Voltage':
      return reading.voltageV;
    case 'SoC':
      return reading.socPercent >= 0 ? reading.socPercent : null; // no EV data: left out
    default:
      return null;
  }
}

/** One MeterValue: the measurands (in the given order) of a reading; null when none applies. */
export function meterValue(reading: MeterReading, measurands: string[], context: ReadingContext, timestampMs: number): MeterValue | null {
  const sampledValue: SampledValue[] = [];
  for (let i = 0; i < measurands.length; i++) {
    const v = valueOf(reading, measurands[i]);
    if (v === null) continue;
    sampledValue.push({
      value: String(v),
      context,
      measurand: measurands[i],
      location: measurands[i] === 'SoC' ? 'EV' : 'Outlet',
      unit: UNITS[measurands[i]],
    });
  }
  return sampledValue.length ? { timestamp: new Date(timestampMs).toISOString(), sampledValue } : null;
}

/**
 * The next clock-aligned instant after `nowMs` for an interval in seconds: aligned data are
 * taken at whole multiples of the interval counted from midnight UTC (section 9.1.2).
 */
export function nextAlignedTime(nowMs: number, intervalSeconds: number): number {
  const day = 86400000;
  const midnight = nowMs - (nowMs % day);
  const step = intervalSeconds * 1000;
  const since = nowMs - midnight;
  return midnight + (Math.floor(since / step) + 1) * step;
}
