// The built bundle (dist/firmware.js and its minified twin) boots in QuickJS on a minimal
// host and reads its settings through the HAL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getQuickJS } from 'quickjs-emscripten';
import { root } from '../../build/build.mjs';

// A minimal host ABI written in JS inside the guest; only __print crosses to Node.
const HOST = `
globalThis.ocppHost = {
  abi: 1, name: 'boot-test',
  log: function (level, text) { __print(level + ' ' + text); },
  now: function () { return 0; }, ticks: function () { return 0; },
  timerStart: function () { return 1; }, timerStop: function () {},
  imei: function () { return '860000000000001'; }, iccid: function () { return ''; },
  config: function () { return JSON.stringify({ id: 'BOOT-1', url: 'ws://127.0.0.1:1/ocpp', scenario: 'none' }); },
  fileRead: function () { return null; }, fileWrite: function () { return true; },
  fileAppend: function () { return true; }, fileRemove: function () { return false; },
  wsOpen: function () { return 1; }, wsSend: function () { return false; }, wsClose: function () {},
  exit: function () {}, restart: function () {}
};`;

for (const file of ['dist/firmware.js', 'dist/firmware.min.js']) {
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
  });
}
