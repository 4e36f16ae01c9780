// What a meter reading (hal/hardware.ts) says for an OCPP measurand, in the unit OCPP gives
// it, and when clock-aligned readings are due. Both OCPP versions build their sampled values
// from these (src/app/core/meter-values.ts for 1.6, src/v201/meter-values/ for 2.0.1).
import { MeterReading } from '../../hal/hardware';

/** The measurands the hardware interface can read, with their units (1.6 section 7.31 / 2.0.1 part 2 appendix units of measure). */
export const MEASURAND_UNITS: { [measurand: string]: string } = {
  'Energy.Active.Import.Register': 'Wh',
  'Power.Active.Import': 'W',
  'Current.Import': 'A',
  'Current.Offered': 'A',
  'Power.Offered': 'W',
  Voltage: 'V',
  SoC: 'Percent',
};

/** A measurand's value in a reading; null when the reading has none (SoC without EV data, an unknown measurand). */
export function measurandValue(reading: MeterReading, measurand: string): number | null {
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

/**
 * The next clock-aligned instant after `nowMs` for an interval in seconds: aligned data are
 * taken at whole multiples of the interval counted from midnight UTC (1.6 section 9.1.2,
 * 2.0.1 part 2 J 2.2).
 */
export function nextAlignedTime(nowMs: number, intervalSeconds: number): number {
  const day = 86400000;
  const midnight = nowMs - (nowMs % day);
  const step = intervalSeconds * 1000;
  return midnight + (Math.floor((nowMs - midnight) / step) + 1) * step;
}
