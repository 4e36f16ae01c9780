// A part (parts.ts) held for the turn that opened it: a CALL's answer and what follows it on the
// same turn (the 1.6 station's certificate requests, local list updates, reservations,
// composite schedules). Opened when such a CALL arrives and let go on a later turn, once the
// answer has gone: a bundle built with parts holds its code only while it answers. One that
// cannot be opened is a CALLERROR InternalError for the CALL, with an error log line.
import { Hal } from '../../hal/index';
import { Part, closePart } from './parts';
import { openOrFail } from './part-holder';

export class TurnHolder<C, T> {
  private value: T | null = null;

  constructor(private readonly hal: Hal, private readonly part: Part<C, T>, private readonly context: C) {}

  /** The part's value for this turn (opened now for the first CALL of it); `what`: the CALL it serves. */
  open(what: string): T {
    if (!this.value) {
      this.value = openOrFail(this.hal, this.part, this.context, what);
      // A task runs once this turn's promise jobs are done: the answer and what follows it have run.
      this.hal.startTask(() => {
        this.value = null;
        closePart(this.hal, this.part);
      });
    }
    return this.value;
  }
}
