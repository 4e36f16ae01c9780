// Runs bundled test files inside QuickJS (quickjs-emscripten), one fresh runtime per file,
// with a memory limit. Drives the guest harness (test/lib/harness.ts): promise jobs first,
// then virtual time. Fails a test on an uncaught error, an unhandled promise rejection, a
// test that can never finish, the memory limit or the time limit.
import { getQuickJS } from 'quickjs-emscripten';
import { heapInUse } from '../sim/quickjs-memory.mjs';

export const DEFAULT_MEMORY_LIMIT = 1024 * 1024;
/** sim/host.mjs GUEST_STACK_BYTES (not imported: that module loads the whole simulator). */
const GUEST_STACK_BYTES = 64 * 1024;

// Unhandled-rejection tracking. quickjs-emscripten does not expose QuickJS's host
// promise-rejection tracker, so the runner swaps in a Promise subclass (before the test
// bundle runs) that records rejections and marks them handled when a handler attaches.
// This prelude is runner infrastructure, not bundle code, so it may use ES2020.
const PRELUDE = `
(() => {
  const list = [];
  globalThis.__unhandledRejections = list;
  const NativePromise = Promise;
  class TrackedPromise extends NativePromise {
    constructor(executor) {
      const box = { early: null, promise: null };
      super((resolve, reject) => executor(resolve, (reason) => {
        if (box.promise) box.promise.__track(reason); else box.early = { reason };
        reject(reason);
      }));
      box.promise = this;
      if (box.early) this.__track(box.early.reason);
    }
    __track(reason) {
      const rec = { reason, handled: !!this.__handled };
      this.__rec = rec;
      list.push(rec);
    }
    then(onFulfilled, onRejected) {
      this.__handled = true;
      if (this.__rec) this.__rec.handled = true;
      return super.then(onFulfilled, onRejected);
    }
  }
  globalThis.Promise = TrackedPromise;
})();
`;

let quickjs;

/**
 * Runs one bundled test file. Returns { results: [{name, ok, error}], fileError, memoryUsed }.
 */
export async function runTestBundle(code, { filename = 'test.js', memoryLimit = DEFAULT_MEMORY_LIMIT, timeLimitMs = 60000, print = console.log } = {}) {
  quickjs = quickjs || (await getQuickJS());
  const rt = quickjs.newRuntime();
  rt.setMemoryLimit(memoryLimit);
  rt.setMaxStackSize(GUEST_STACK_BYTES); // the simulator host's: tests run the guest as it does
  const deadline = Date.now() + timeLimitMs;
  let timedOut = false;
  rt.setInterruptHandler(() => {
    if (Date.now() > deadline) timedOut = true;
    return timedOut;
  });
  const ctx = rt.newContext();
  const results = [];
  let fileError = null;

  const fns = {
    __report: (h) => {
      const r = JSON.parse(ctx.getString(h));
      // Out of memory surfaces as an InternalError the harness may catch; name the cause.
      if (!r.ok && /out of memory/.test(r.error)) r.error = `memory limit of ${memoryLimit} bytes exceeded (${r.error.split('\n')[0]})`;
      results.push(r);
    },
    __print: (h) => {
      print(ctx.getString(h));
    },
    __memoryUsed: () => ctx.newNumber(heapInUse(rt)),
  };
  for (const [name, fn] of Object.entries(fns)) {
    const handle = ctx.newFunction(name, fn);
    ctx.setProp(ctx.global, name, handle);
    handle.dispose();
  }

  const describe = (errHandle) => {
    const e = ctx.dump(errHandle);
    errHandle.dispose();
    if (timedOut) return `time limit of ${timeLimitMs} ms exceeded`;
    const text = e && typeof e === 'object' ? `${e.name || 'Error'}: ${e.message}${e.stack ? '\n' + e.stack : ''}` : String(e);
    return /out of memory/i.test(text) ? `memory limit of ${memoryLimit} bytes exceeded (${text.split('\n')[0]})` : text;
  };

  const evalOrFail = (src, name) => {
    const r = ctx.evalCode(src, name);
    if (r.error) return describe(r.error);
    r.value.dispose();
    return null;
  };

  let count = 0;
  fileError = evalOrFail(PRELUDE, 'prelude.js') || evalOrFail(code, filename);
  const harness = fileError ? null : ctx.getProp(ctx.global, '__harness');
  if (harness && ctx.typeof(harness) !== 'object') fileError = 'the test file did not load the harness (import from test/lib/harness)';

  const callMethod = (name) => {
    const fn = ctx.getProp(harness, name);
    const r = ctx.callFunction(fn, harness);
    fn.dispose();
    if (r.error) return { error: describe(r.error) };
    const v = ctx.dump(r.value);
    r.value.dispose();
    return { value: v };
  };
  const failCurrent = (text) => {
    const fn = ctx.getProp(harness, 'fail');
    const arg = ctx.newString(text);
    const r = ctx.callFunction(fn, harness, arg);
    arg.dispose();
    fn.dispose();
    if (r.error) r.error.dispose();
    else r.value.dispose();
  };

  if (!fileError) {
    count = callMethod('count').value;
    for (;;) {
      const step = callMethod('step');
      if (step.error) {
        fileError = step.error;
        break;
      }
      if (!step.value) break;
      const jobs = rt.executePendingJobs(-1);
      if (jobs.error) {
        const text = describe(jobs.error);
        if (/memory limit|time limit/.test(text)) {
          fileError = text;
          failCurrent(text);
          break;
        }
        failCurrent('uncaught error in a promise job: ' + text);
        continue;
      }
      const adv = callMethod('advance');
      if (adv.error) {
        fileError = adv.error;
        failCurrent(adv.error);
        break;
      }
    }
  }

  let memoryUsed = 0;
  try {
    memoryUsed = heapInUse(rt);
  } catch {
    // runtime may be unusable after out-of-memory
  }
  if (harness) harness.dispose();
  // Tests that were registered but never reported (file crashed) count as failed.
  for (let i = results.length; i < count; i++) results.push({ name: `(test #${i + 1} did not run)`, ok: false, error: fileError || 'did not run' });
  try {
    ctx.dispose();
    rt.dispose();
  } catch {
    // a runtime that hit its memory limit may refuse to free cleanly; it is garbage anyway
  }
  return { results, fileError, memoryUsed };
}
