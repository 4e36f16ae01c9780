// Functional block J, Meter values: the SampledDataCtrlr variables (what the transaction
// events carry, read by evse-transaction.ts) and the AlignedDataCtrlr ones with their clock:
// at every aligned instant an EVSE in a transaction gets a TransactionEvent Updated
// (MeterValueClock, J01.FR.22), any other a MeterValuesRequest (J01.FR.14), and
// TriggerMessage(MeterValues) sends one at once.
import { StationContext } from '../context';
import { EVSE } from '../../ocpp/v201/generated/types';
import { TransactionsFeature } from '../transactions/transactions';
import { SUPPORTED_MEASURANDS, meterValue } from '../transactions/sampled-values';
import { nextAlignedTime } from '../../lib/meter-reading';

const ENERGY = 'Energy.Active.Import.Register';

export function installMeterValues(station: StationContext, transactions: TransactionsFeature): void {
  const { hal, model } = station;
  const restartSampling = () => transactions.restartSampling();
  const list = (name: string, value: string) => ({ name, type: 'MemberList' as const, mutability: 'ReadWrite' as const, value, values: SUPPORTED_MEASURANDS });
  const interval = (name: string, value: string, changed?: () => void) => ({ name, type: 'integer' as const, mutability: 'ReadWrite' as const, value, unit: 's', min: 0, changed });
  model.add('SampledDataCtrlr', [
    list('TxStartedMeasurands', ENERGY), // E01.FR.09
    list('TxUpdatedMeasurands', ENERGY + ',Power.Active.Import'), // J02.FR.11
    interval('TxUpdatedInterval', '60', restartSampling),
    list('TxEndedMeasurands', ENERGY), // E06.FR.11
    interval('TxEndedInterval', '0', restartSampling),
  ]);
  model.add('AlignedDataCtrlr', [
    list('Measurands', ENERGY),
    interval('Interval', '0', () => aligned.restart()),
    list('TxEndedMeasurands', ''),
    interval('TxEndedInterval', '0', () => alignedEnded.restart()),
    { name: 'SendDuringIdle', type: 'boolean', mutability: 'ReadWrite', value: 'false' },
  ]);

  /** MeterValuesRequest of an EVSE, AlignedDataCtrlr.Measurands (J01.FR.02, .14); false when there is nothing to send. */
  const sendMeterValues = (evseId: number, context: 'Sample.Clock' | 'Trigger', requested: boolean): boolean => {
    const hw = station.connector(evseId, 1);
    const value = hw && meterValue(hw.read(), model.get('AlignedDataCtrlr', 'Measurands'), context, hal.now());
    if (!value) return false;
    const payload = { evseId, meterValue: [value] };
    if (requested) station.sendRequested('MeterValues', payload);
    else station.send('MeterValues', payload);
    return true;
  };

  const aligned = new AlignedClock(station, () => model.getInt('AlignedDataCtrlr', 'Interval'), () => {
    // J01.FR.19 / .20: with SendDuringIdle, nothing while a transaction is ongoing.
    if (model.getBool('AlignedDataCtrlr', 'SendDuringIdle') && station.transactions.running()) return;
    for (let evseId = 1; evseId <= station.evseCount; evseId++) {
      const e = transactions.evse(evseId);
      if (!(e && e.aligned())) sendMeterValues(evseId, 'Sample.Clock', false);
    }
  });
  const alignedEnded = new AlignedClock(station, () => model.getInt('AlignedDataCtrlr', 'TxEndedInterval'), () => {
    for (let evseId = 1; evseId <= station.evseCount; evseId++) {
      const e = transactions.evse(evseId);
      if (e) e.alignedForEnded();
    }
  });
  aligned.restart();
  alignedEnded.restart();

  station.triggers.add('MeterValues', {
    send: (evse?: EVSE) => {
      for (let evseId = 1; evseId <= station.evseCount; evseId++) if (!evse || !evse.id || evse.id === evseId) sendMeterValues(evseId, 'Trigger', true);
    },
  });
}

/** A timer at the clock-aligned instants of an interval (0: none), counted from midnight UTC. */
class AlignedClock {
  private timer: { cancel(): void } | null = null;

  constructor(private readonly station: StationContext, private readonly interval: () => number, private readonly tick: () => void) {}

  restart(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
    const seconds = this.interval();
    if (seconds <= 0) return;
    const now = this.station.hal.now();
    this.timer = this.station.hal.setTimeout(() => {
      this.timer = null;
      this.tick();
      this.restart();
    }, nextAlignedTime(now, seconds) - now);
  }
}
