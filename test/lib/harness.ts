// The test API inside QuickJS: test(), assert, and a virtual clock.
// The Node-side runner (test/run.mjs) evaluates a bundled test file in a fresh QuickJS
// runtime, then drives `__harness`: it runs the promise jobs, and when nothing is left to
// run it asks the harness to advance virtual time to the next timer. Time in these tests
// is therefore virtual: a 30 s response timeout takes no wall-clock time.

declare function __report(json: string): void;
declare function __print(text: string): void;
declare function __memoryUsed(): number;
declare var __unhandledRejections: { reason: unknown; handled: boolean }[];

type TestFn = () => void | Promise<void>;
interface TestCase {
  name: string;
  fn: TestFn;
}

const tests: TestCase[] = [];
let current = -1;
let currentDone = true;
let currentError: string | null = null;

// ---- virtual clock -----------------------------------------------------------------
interface VTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}
let virtualNow = 1700000000000;
let timerSeq = 0;
let timers: VTimer[] = [];

export const clock = {
  /** Virtual wall clock (ms). */
  now: (): number => virtualNow,
  schedule(ms: number, fn: () => void): number {
    const id = ++timerSeq;
    timers.push({ id, at: virtualNow + Math.max(0, ms || 0), seq: id, fn });
    return id;
  },
  cancel(id: number): void {
    for (let i = 0; i < timers.length; i++) {
      if (timers[i].id === id) {
        timers.splice(i, 1);
        return;
      }
    }
  },
  pending: (): number => timers.length,
};

/** Resolves after `ms` of virtual time. */
export function sleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    clock.schedule(ms, resolve);
  });
}

// ---- assertions ---------------------------------------------------------------------
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
    this.message = message;
  }
}

function show(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch (e) {
    return String(v);
  }
}

function deepEq(a: any, b: any): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  const aArr = Object.prototype.toString.call(a) === '[object Array]';
  const bArr = Object.prototype.toString.call(b) === '[object Array]';
  if (aArr !== bArr) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (!Object.prototype.hasOwnProperty.call(b, ka[i]) || !deepEq(a[ka[i]], b[ka[i]])) return false;
  }
  return true;
}

function fail(message: string | undefined, fallback: string): never {
  throw new AssertionError(message ? message + ': ' + fallback : fallback);
}

export const assert = {
  ok(value: unknown, message?: string): void {
    if (!value) fail(message, 'expected a truthy value, got ' + show(value));
  },
  equal(actual: unknown, expected: unknown, message?: string): void {
    if (actual !== expected) fail(message, 'expected ' + show(expected) + ', got ' + show(actual));
  },
  notEqual(actual: unknown, expected: unknown, message?: string): void {
    if (actual === expected) fail(message, 'expected something other than ' + show(expected));
  },
  deepEqual(actual: unknown, expected: unknown, message?: string): void {
    if (!deepEq(actual, expected)) fail(message, 'expected ' + show(expected) + ', got ' + show(actual));
  },
  match(actual: string, re: RegExp, message?: string): void {
    if (typeof actual !== 'string' || !re.test(actual)) fail(message, 'expected ' + show(actual) + ' to match ' + String(re));
  },
  /** fn must throw; returns the thrown value. `check` may be an error class or a regexp of the message. */
  throws(fn: () => unknown, check?: Function | RegExp, message?: string): any {
    try {
      fn();
    } catch (e) {
      checkThrown(e, check, message);
      return e;
    }
    return fail(message, 'expected an exception');
  },
  /** The promise must reject; resolves to the rejection reason. */
  rejects(p: Promise<unknown>, check?: Function | RegExp, message?: string): Promise<any> {
    return p.then(
      (v) => fail(message, 'expected a rejection, got ' + show(v)),
      (e) => {
        checkThrown(e, check, message);
        return e;
      }
    );
  },
  fail(message: string): never {
    throw new AssertionError(message);
  },
};

function checkThrown(e: any, check: Function | RegExp | undefined, message?: string): void {
  if (!check) return;
  if (check instanceof RegExp) {
    const text = e && e.message !== undefined ? String(e.message) : String(e);
    if (!check.test(text)) fail(message, 'error ' + show(text) + ' does not match ' + String(check));
  } else if (!(e instanceof check)) {
    fail(message, 'expected a ' + ((check as any).name || 'given error class') + ', got ' + String(e && e.name) + ': ' + String(e && e.message));
  }
}

// ---- registration and driving (called by the runner) ----------------------------------
export function test(name: string, fn: TestFn): void {
  tests.push({ name, fn });
}

function errorText(e: any): string {
  if (e && typeof e === 'object' && e.message !== undefined) return (e.name ? e.name + ': ' : '') + e.message + (e.stack ? '\n' + e.stack : '');
  return String(e);
}

function finish(error: string | null): void {
  if (currentDone) return;
  currentDone = true;
  __report(JSON.stringify({ name: tests[current].name, ok: error === null, error }));
}

function startNext(): void {
  current++;
  if (current >= tests.length) return;
  currentDone = false;
  currentError = null;
  timers = [];
  const t = tests[current];
  let result: void | Promise<void>;
  try {
    result = t.fn();
  } catch (e) {
    finish(errorText(e));
    return;
  }
  if (result && typeof (result as Promise<void>).then === 'function') {
    (result as Promise<void>).then(
      () => finish(currentError),
      (e) => finish(errorText(e))
    );
  } else {
    finish(null);
  }
}

const harness = {
  count: (): number => tests.length,
  /** Starts the next test when the current one is done. Returns false when all are done. */
  step(): boolean {
    if (currentDone) startNext();
    return current < tests.length;
  },
  /** Called when the job queue is empty: fires the next virtual timer. False if none. */
  advance(): boolean {
    if (currentDone) return true;
    // Unhandled rejections fail the running test.
    const list = __unhandledRejections;
    for (let i = 0; i < list.length; i++) {
      if (!list[i].handled) {
        const reason = list[i].reason;
        list.length = 0;
        finish('unhandled promise rejection: ' + errorText(reason));
        return true;
      }
    }
    list.length = 0;
    if (!timers.length) {
      finish('test never finished: no promise job or timer left to run');
      return true;
    }
    let next = 0;
    for (let i = 1; i < timers.length; i++) {
      if (timers[i].at < timers[next].at || (timers[i].at === timers[next].at && timers[i].seq < timers[next].seq)) next = i;
    }
    const t = timers.splice(next, 1)[0];
    if (t.at > virtualNow) virtualNow = t.at;
    try {
      t.fn();
    } catch (e) {
      finish('uncaught error in a timer: ' + errorText(e));
    }
    return true;
  },
  /** Fails the running test (used by the runner for errors it sees, e.g. out of memory). */
  fail(text: string): void {
    finish(text);
  },
};

// Published for the runner (QuickJS has globalThis); test files only use the exports above.
(globalThis as any).__harness = harness;

/** Prints a line to the runner's output. */
export function log(text: string): void {
  __print(text);
}

/** The QuickJS heap in use (the runtime's memory_used_size), in bytes. */
export function memoryUsed(): number {
  return __memoryUsed();
}

/**
 * Runs QuickJS's cycle collector, which the runner has no handle on: a cyclic sentinel under
 * a WeakRef, and short-lived garbage held until the collector has taken the sentinel. Then
 * memoryUsed() is what is alive, not what waits for the next collection.
 */
export function collectGarbage(): Promise<void> {
  const WeakReference = (globalThis as any).WeakRef;
  const sentinel: any = {};
  sentinel.self = sentinel;
  const ref = new WeakReference(sentinel);
  let hold: unknown[][] = [];
  let chunks = 0;
  return new Promise<void>((resolve, reject) => {
    const step = () => {
      if (ref.deref() === undefined) {
        hold = [];
        resolve();
        return;
      }
      const chunk: unknown[] = [];
      for (let i = 0; i < 1000; i++) chunk.push([i]);
      hold.push(chunk);
      if (++chunks > 1000) reject(new Error('the cycle collector never ran'));
      else Promise.resolve().then(step);
    };
    Promise.resolve().then(step);
  });
}
