// Profile beside figures 1 and 2: where the bytes go. The flashed bundle is evaluated in a
// bare QuickJS runtime (quickjs-emscripten, as in the simulator) whose host answers nothing,
// so the station stops right after evaluation, waiting for its socket; QuickJS's own memory
// usage then splits the heap into functions, atoms and objects.
import { readFileSync } from 'node:fs';
import { getQuickJS } from 'quickjs-emscripten';
import { inertHostSource } from '../sim/inert-host.mjs';
import { memoryUsage } from '../sim/quickjs-memory.mjs';
import { mainSection } from '../sim/bundle-parts.mjs';

const HOST = inertHostSource({ name: 'heap-profile', imei: '490154203237518', settings: { url: 'ws://127.0.0.1:9/ocpp', id: 'PROFILE', connectors: 2 } });

export async function heapProfile(bundlePath) {
  const QuickJS = await getQuickJS();
  const rt = QuickJS.newRuntime();
  const ctx = rt.newContext();
  try {
    ctx.unwrapResult(ctx.evalCode(HOST)).dispose();
    // The bundle's own code, as a host evaluates it (its parts are loaded only when needed).
    ctx.unwrapResult(ctx.evalCode(mainSection(readFileSync(bundlePath)).toString('utf8'), 'firmware.js')).dispose();
    // the simulator host's own reading (no extra context in the runtime it measures)
    const u = memoryUsage(rt);
    const size = (name) => (u[name] ? u[name].size : 0);
    return {
      used: size('memory used'),
      functions: size('bytecode functions'),
      bytecode: size('bytecode'),
      atoms: size('atoms'),
      objects: size('objects') + size('properties') + size('shapes'),
      strings: size('strings'),
    };
  } finally {
    ctx.dispose();
    rt.dispose();
  }
}
