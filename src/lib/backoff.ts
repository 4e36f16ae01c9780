// Reconnect delays: exponential, capped, with jitter, so a fleet of charge points that lost
// their CSMS at the same moment does not come back at the same moment.
//   delay(n) = random in [d/2, d], d = min(cap, base * 2^n), n = failed attempts so far

export interface BackoffOptions {
  /** First delay, ms (before jitter). */
  baseMs: number;
  /** Largest delay, ms (before jitter). */
  capMs: number;
  /** Random number in [0, 1); Math.random by default. */
  random?: () => number;
}

export class Backoff {
  private attempts = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.random = options.random || Math.random;
  }

  /** Failed attempts since the last reset. */
  get failures(): number {
    return this.attempts;
  }

  /** The delay before the next attempt; counts one more failure. */
  next(): number {
    let d = this.options.baseMs;
    for (let i = 0; i < this.attempts && d < this.options.capMs; i++) d *= 2;
    if (d > this.options.capMs) d = this.options.capMs;
    this.attempts++;
    return Math.round(d / 2 + (this.random() * d) / 2);
  }

  /** A connection worked: start again from the first delay. */
  reset(): void {
    this.attempts = 0;
  }
}
