// Profile beside figures 1 and 2: where the bytes go. The flashed bundle is evaluated in a
// bare QuickJS runtime (quickjs-emscripten, as in the simulator) whose host answers nothing,
// so the station stops right after evaluation, waiting for its socket; QuickJS's own memory
// usage then splits the heap into functions, atoms and objects.
import { readFileSync } from 'node:fs';
import { getQuickJS } from 'quickjs-emscripten';
import { inertHostSource } from '../sim/inert-host.mjs';

const HOST = inertHostSource({ name: 'heap-profile', imei: '490154203237518', settings: { url: 'ws://127.0.0.1:9/ocpp', id: 'PROFILE', connectors: 2 } });

export async function heapProfile(bundlePath) {
  const QuickJS = await getQuickJS();
  const rt = QuickJS.newRuntime();
  const ctx = rt.newContext();
  try {
    ctx.unwrapResult(ctx.evalCode(HOST)).dispose();
    ctx.unwrapResult(ctx.evalCode(readFileSync(bundlePath, 'utf8'), 'firmware.js')).dispose();
    const u = rt.computeMemoryUsage().consume((h) => ctx.dump(h));
    return {
      used: u.memory_used_size,
      functions: u.js_func_size,
      bytecode: u.js_func_code_size,
      atoms: u.atom_size,
      objects: u.obj_size + u.prop_size + u.shape_size,
      strings: u.str_size,
    };
  } finally {
    ctx.dispose();
    rt.dispose();
  }
}
