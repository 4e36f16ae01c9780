// A part (parts.ts) a station holds only while what it does is under way (the 1.6 security
// extension's signed update and log upload, the 2.0.1 station's firmware update and log
// upload): a feature's resident side routes the requests, answers the triggers and keeps what
// they report in between; it opens the part for a request (or at boot, when a stored job
// waits), looks at it every few seconds once held, and closes it once it is over, so a bundle
// built with parts holds the part's code only then.
import { Hal, Timer } from '../../hal/index';
import { InternalError } from '../ocpp/errors';
import { Part, closePart, openPart } from './parts';
import type { SharedPart } from './shared-parts';

/** How often a held part is looked at, to let it go once it is over. */
const CHECK_MS = 5000;

/** What a part's value must say: is something still under way (a job, a notification held back)? And, if it runs timers of its own, how it stops. */
export interface Episodic {
  underWay(): boolean;
  stop?(): void;
}

export class PartHolder<C, T extends Episodic> {
  /** The part's value while it is held, else null. */
  value: T | null = null;
  private check: Timer | null = null;

  /**
   * `released`: told with the value as the part is let go (what the resident side keeps of it).
   * `runsOn`: a part this one's code runs on (its context gives that one's value), held with it.
   */
  constructor(private readonly hal: Hal, private readonly part: Part<C, T>, private readonly context: C, private readonly released?: (value: T) => void, private readonly runsOn?: SharedPart<unknown>) {}

  /** The part's value, opened now if it is not held; one that cannot be opened is a CALLERROR InternalError for `what`, with an error log line. */
  open(what: string): T {
    if (this.value) return this.value;
    this.value = openOrFail(this.hal, this.part, this.context, what, this.runsOn);
    this.check = this.hal.setInterval(() => this.release(), CHECK_MS);
    return this.value;
  }

  /** The station stops: the held value stops, no more looks (the part stays held until the station is gone). */
  stop(): void {
    const value = this.value;
    if (value && value.stop) value.stop();
    if (this.check) this.check.cancel();
    this.check = null;
  }

  /** Lets the part go now if it is held and over (what the look every few seconds does; a flow that says it ended asks sooner). */
  release(): void {
    const value = this.value;
    if (!value || value.underWay()) return;
    this.value = null;
    this.check!.cancel();
    this.check = null;
    if (this.released) this.released(value);
    closePart(this.hal, this.part);
    if (this.runsOn) this.runsOn.close(this.hal);
  }
}

/**
 * `part` opened on `context` (with `runsOn` first, when its code runs on a shared part); one
 * that cannot be opened is a CALLERROR InternalError for `what` (the request it serves), with
 * an error log line.
 */
export function openOrFail<C, T>(hal: Hal, part: Part<C, T>, context: C, what: string, runsOn?: SharedPart<unknown>): T {
  let shared = false;
  try {
    if (runsOn) {
      runsOn.open(hal);
      shared = true;
    }
    return openPart(hal, part, context);
  } catch (e) {
    if (shared) runsOn!.close(hal);
    const why = String((e && (e as Error).message) || e);
    hal.log.error(what + ': ' + why);
    throw new InternalError(what + ': ' + why);
  }
}
