// Reboot recovery: what a restart of the station's own (Reset, a new firmware image) or a
// power loss interrupted. The reboot marker is written just before the station restarts
// itself and read once at the next boot; its presence tells a restart from a power loss, its
// reason is the one the interrupted transactions are stopped with and the security event
// ResetOrReboot reports. This module is the only one that touches the marker file.
import { Logger, Storage } from '../../../hal/index';
import { Connector, StopReason } from './connector';

const FILE = 'reboot.json';

export class RebootMarker {
  /** Did the previous run end in a restart of the station's own (marker found at boot)? */
  readonly found: boolean;
  /** The reason it wrote ('' when none could be read). */
  readonly reason: string;

  constructor(private readonly storage: Pick<Storage, 'get' | 'set' | 'remove'>) {
    const text = storage.get(FILE);
    this.found = !!text;
    this.reason = text ? reasonOf(text) : '';
  }

  /** Before a restart: the next boot finds `reason`. */
  write(reason: string): void {
    this.storage.set(FILE, JSON.stringify({ reason }));
  }

  /**
   * At boot: stops the transactions a reboot or power loss interrupted (with the marker's
   * reason, else PowerLoss); then the marker is dealt with, a later power loss is one again.
   */
  recover(connectors: Connector[], log: Logger): void {
    const reason = (this.found ? this.reason || 'Reboot' : 'PowerLoss') as StopReason;
    for (let i = 0; i < connectors.length; i++) {
      const record = connectors[i].recover(reason);
      if (record) log.info('connector ' + (i + 1) + ': transaction of ' + record.idTag + ' interrupted by ' + (this.found ? 'a reboot' : 'a power loss') + ', stopped (' + reason + ')');
    }
    if (this.found) this.storage.remove(FILE);
  }
}

function reasonOf(text: string): string {
  try {
    return String(JSON.parse(text).reason || '');
  } catch (e) {
    return '';
  }
}
