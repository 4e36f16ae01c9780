// The station's restarts: Reset's (OCPP 1.6 section 5.14; its Soft and Hard are
// core-requests.ts's, a part) and the station's own (a firmware install, ...). Transactions
// still open are stopped by the next boot (reboot-recovery.ts).
import { Hal } from '../../../hal/index';
import { Connector, StopReason } from './connector';
import { RebootMarker } from './reboot-recovery';

export interface ResetContext {
  readonly hal: Hal;
  readonly connectors: Connector[];
  readonly rebootMarker: RebootMarker;
  /** Ends the station's activity (timers, connection). */
  stop(): void;
}

export class Restarts {
  constructor(private readonly station: ResetContext) {}

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
