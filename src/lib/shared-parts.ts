// A part other parts run on (the transfer flow, transfer-part.ts, which the 1.6 station's
// firmware flows, signed update and log upload and the 2.0.1 station's update and upload take
// from their contexts). A module of its own, so a bundle without one carries none of it.
import { Part, PartHost, closePart, openPart } from './parts';

/**
 * A part other parts run on (their contexts give its value): opened with the first of them and
 * closed with the last, so however many run at once its code is loaded once.
 */
export class SharedPart<T> {
  /** The part's value while one of its users is open, else null. */
  value: T | null = null;
  private users = 0;

  constructor(private readonly part: Part<unknown, T>) {}

  /** One more user: the part's value (opened now for the first; throws why it cannot be). */
  open(hal: PartHost): T {
    if (!this.users) this.value = openPart(hal, this.part, undefined);
    this.users++;
    return this.value!;
  }

  /** A user let go of it: closed with the last. */
  close(hal: PartHost): void {
    if (!this.users || --this.users) return;
    this.value = null;
    closePart(hal, this.part);
  }
}
