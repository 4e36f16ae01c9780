// A part (src/lib/parts.ts) the 2.0.1 station holds only while what it does is under way: a
// block's resident side routes the requests, answers the triggers and keeps what they report
// in between; it opens the part for a request (or at boot, when a stored job waits), looks at
// it every few seconds once held, and closes it once it is over, so a bundle built with parts
// holds the part's code only then.
import { Hal, Timer } from '../../hal/index';
import { InternalError } from '../ocpp/errors';
import { Part, closePart, openPart } from '../lib/parts';

/** How often a held part is looked at, to let it go once it is over. */
const CHECK_MS = 5000;

/** What a part's value must say: is something still under way (a job, a notification held back)? */
export interface Episodic {
  underWay(): boolean;
}

export class PartHolder<C, T extends Episodic> {
  /** The part's value while it is held, else null. */
  value: T | null = null;
  private check: Timer | null = null;

  /** `released`: told with the value as the part is let go (what the resident side keeps of it). */
  constructor(private readonly hal: Hal, private readonly part: Part<C, T>, private readonly context: C, private readonly released?: (value: T) => void) {}

  /** The part's value, opened now if it is not held; one that cannot be opened is a CALLERROR InternalError for `what`, with an error log line. */
  open(what: string): T {
    if (this.value) return this.value;
    try {
      this.value = openPart(this.hal, this.part, this.context);
    } catch (e) {
      const why = String((e && (e as Error).message) || e);
      this.hal.log.error(what + ': ' + why);
      throw new InternalError(what + ': ' + why);
    }
    this.check = this.hal.setInterval(() => this.release(), CHECK_MS);
    return this.value;
  }

  private release(): void {
    const value = this.value;
    if (!value || value.underWay()) return;
    this.value = null;
    this.check!.cancel();
    this.check = null;
    if (this.released) this.released(value);
    closePart(this.hal, this.part);
  }
}
