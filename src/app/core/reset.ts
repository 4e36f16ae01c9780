// Reset (OCPP 1.6 section 5.14) and the station's own restarts: Soft stops the transactions
// (SoftReset), lets their stops go (at most a few seconds) and restarts; Hard restarts at
// once, and the next boot stops the transactions with reason HardReset (reboot-recovery.ts).
import { Hal } from '../../../hal/index';
import { Connector, StopReason } from './connector';
import { RebootMarker } from './reboot-recovery';
import { ResetType } from '../../ocpp/v16/generated/types';

/** How long a soft reset waits for the stops to be delivered before it restarts anyway. */
const SOFT_RESET_GRACE_MS = 10000;

export interface ResetContext {
  readonly hal: Hal;
  readonly connectors: Connector[];
  readonly rebootMarker: RebootMarker;
  readonly sender: { whenEmpty(): Promise<void> };
  /** Ends the station's activity (timers, connection). */
  stop(): void;
}

export class Restarts {
  constructor(private readonly station: ResetContext) {}

  /** Reset: Soft after the stops went (a few seconds at most), Hard at once. */
  reset(type: ResetType): void {
    const station = this.station;
    station.hal.log.info('reset (' + type + ')');
    if (type === 'Hard') {
      this.reboot('HardReset');
      return;
    }
    for (let i = 0; i < station.connectors.length; i++) station.connectors[i].stopTransaction('SoftReset');
    let done = false;
    const restart = () => {
      if (done) return;
      done = true;
      this.reboot('SoftReset');
    };
    station.sender.whenEmpty().then(restart);
    station.hal.setTimeout(restart, SOFT_RESET_GRACE_MS);
  }

  /**
   * Restarts the firmware; transactions still open are stopped with `reason` by the next
   * boot. The contactors open first, as they do when the controller restarts: the meter
   * stands still and keeps the register the next boot's StopTransaction carries.
   */
  reboot(reason: StopReason): void {
    const station = this.station;
    for (let i = 0; i < station.connectors.length; i++) station.connectors[i].hw.setRelay(false);
    station.rebootMarker.write(reason);
    station.stop();
    station.hal.restart();
  }
}
