// The built bundles (dist/firmware.js, the simulator's dist/simulator.js and their minified
// twins) boot in QuickJS on a minimal host and read their settings through the HAL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getQuickJS } from 'quickjs-emscripten';
import { root } from '../../build/build.mjs';
import { inertHostSource } from '../../sim/inert-host.mjs';

// A minimal host ABI written in JS inside the guest; only __print crosses to Node.
const HOST = inertHostSource({ name: 'boot-test', imei: '860000000000001', settings: { id: 'BOOT-1', url: 'ws://127.0.0.1:1/ocpp', scenario: 'none' }, print: true });

for (const file of ['dist/firmware.js', 'dist/firmware.min.js', 'dist/simulator.js', 'dist/simulator.min.js']) {
  test(`${file} boots in QuickJS and logs its identity`, async () => {
    const QuickJS = await getQuickJS();
    const rt = QuickJS.newRuntime();
    rt.setMemoryLimit(1024 * 1024);
    const ctx = rt.newContext();
    const lines = [];
    const print = ctx.newFunction('__print', (h) => {
      lines.push(ctx.getString(h));
    });
    ctx.setProp(ctx.global, '__print', print);
    print.dispose();
    ctx.unwrapResult(ctx.evalCode(HOST, 'host.js')).dispose();
    ctx.unwrapResult(ctx.evalCode(readFileSync(join(root, file), 'utf8'), file)).dispose();
    rt.executePendingJobs(-1);
    ctx.dispose();
    rt.dispose();
    const log = lines.join('\n');
    assert.match(log, /^20 boot: .* on host boot-test, IMEI 860000000000001$/m);
    assert.match(log, /BOOT-1/);
    // The firmware's hardware is the host's; this host has none of its members.
    if (file.includes('firmware')) assert.match(log, /^30 no charger IO: this host has no hardwareInfo, /m);
    else assert.doesNotMatch(log, /no charger IO/);
  });
}
