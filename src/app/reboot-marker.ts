// The reboot marker: written just before the station restarts itself (Reset, a new firmware
// image), read once at the next boot. Its presence tells a restart from a power loss, its
// reason is the one the interrupted transactions are stopped with and the security event
// ResetOrReboot reports. This module is the only one that touches the file.
import { Storage } from '../../hal/index';

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

  /** The previous restart was dealt with: a power loss from now on is a power loss again. */
  clear(): void {
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
