// MeterValues samples: a meter reading (hal/hardware.ts) as the OCPP 1.6 SampledValue
// list for the measurands a configuration key asks for, with unit, context and location;
// and when the connectors sample (MeterValueSampleInterval, ClockAlignedDataInterval).
import { Timer } from '../../../hal/index';
import { MeterReading } from '../../../hal/hardware';
import { Configuration } from './configuration';
import { MEASURAND_UNITS, measurandValue, nextAlignedTime } from '../../lib/meter-reading';
import { Measurand, MeterValue, ReadingContext, SampledValue, UnitOfMeasure } from '../../ocpp/v16/generated/types';
export { MeterValue, ReadingContext, SampledValue };

/** One MeterValue: the measurands (in the given order) of a reading; null when none applies. */
export function meterValue(reading: MeterReading, measurands: string[], context: ReadingContext, timestampMs: number): MeterValue | null {
  const sampledValue: SampledValue[] = [];
  for (let i = 0; i < measurands.length; i++) {
    const v = measurandValue(reading, measurands[i]);
    if (v === null) continue;
    sampledValue.push({
      value: String(v),
      context,
      // A measurand that has a value here is one of 1.6's (src/lib/meter-reading.ts knows no other), with its unit.
      measurand: measurands[i] as Measurand,
      location: measurands[i] === 'SoC' ? 'EV' : 'Outlet',
      unit: MEASURAND_UNITS[measurands[i]] as UnitOfMeasure,
    });
  }
  return sampledValue.length ? { timestamp: new Date(timestampMs).toISOString(), sampledValue } : null;
}

/** What the meter-value schedules drive: each connector's sampling (connector.ts). */
export interface SampledConnector {
  /** Restarts its periodic sampling (MeterValueSampleInterval). */
  startSampling(): void;
  /** Takes a clock-aligned reading. */
  sampleAligned(): void;
}

/**
 * The connectors' meter-value schedules: the clock-aligned readings every
 * ClockAlignedDataInterval seconds from midnight (0 = none), and each connector's periodic
 * sampling restarted when MeterValueSampleInterval changes (a transaction's own sampling
 * starts with it, connector.ts).
 */
export class MeterSchedules {
  private alignedTimer: Timer | null = null;
  private stopped = false;

  constructor(
    private readonly clock: { now(): number; setTimeout(fn: () => void, ms: number): Timer },
    private readonly config: Configuration,
    private readonly connectors: SampledConnector[]
  ) {
    config.onChange((key) => {
      if (key === 'MeterValueSampleInterval') for (let i = 0; i < connectors.length; i++) connectors[i].startSampling();
      else if (key === 'ClockAlignedDataInterval') this.start();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.alignedTimer) this.alignedTimer.cancel();
  }

  /** (Re)schedules the next clock-aligned sample: at the start, on a new ClockAlignedDataInterval, after each one. */
  start(): void {
    if (this.alignedTimer) this.alignedTimer.cancel();
    this.alignedTimer = null;
    const interval = this.config.getInt('ClockAlignedDataInterval');
    if (interval <= 0 || this.stopped) return;
    const now = this.clock.now();
    this.alignedTimer = this.clock.setTimeout(() => {
      this.alignedTimer = null;
      for (let i = 0; i < this.connectors.length; i++) this.connectors[i].sampleAligned();
      this.start();
    }, nextAlignedTime(now, interval) - now);
  }
}
