// The benchmark keeps working: its short mode runs end to end (real stations, the real
// CSMS in its own process, the ocpp-rpc baseline) and writes every figure as a number; the
// armhf figure is bench-armhf.test.mjs's (each file a part of the run, so that neither nears
// its 300 s on a loaded machine). Whether a target is met is the benchmark's report, not this
// test's verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchWith, failure, quickBench } from './lib/bench-run.mjs';

const NATIVE_HOST = fileURLToPath(new URL('../../firmware-shim/build/ocpp-host', import.meta.url));

test('npm run bench -- --quick (its figures but armhf\'s: bench-armhf.test.mjs) prints the table and writes every figure to the results file', () => {
  const r = quickBench(['--skip', 'armhf']);
  assert.equal(r.status, 0, failure(r));
  assert.match(r.stdout, /^figure\s+value\s+target$/m);
  const res = r.results;
  const { bundle, memory, coldStart, throughput, scale } = res.figures;
  assert.ok(!('armhf' in res.figures) && !/^armhf/m.test(r.stdout), 'the armhf figure skipped: not measured, no row');
  assert.ok(bundle['firmware.min.js'].raw > 0 && bundle['firmware.min.js'].gzip < bundle['firmware.min.js'].raw);
  const sim = memory.simulator;
  assert.ok(sim.afterBoot > 0 && sim.sessionPeak >= sim.afterBoot && sim.sessionPeak <= sim.limit);
  assert.ok(memory.firmwareAfterBoot > 0 && memory.firmwareAfterBoot < sim.afterBoot, 'the flashed firmware boots from less heap than the simulator bundle (the simulated charger)');
  assert.ok(bundle['simulator.min.js'].raw > bundle['firmware.min.js'].raw, 'the simulator bundle is the firmware and more');
  // The Core-only build (Core + Remote Trigger) beside the full one: smaller, and less heap.
  assert.ok(bundle.coreOnly.raw > 0 && bundle.coreOnly.raw < bundle['firmware.min.js'].raw && bundle.coreOnly.gzip < bundle['firmware.min.js'].gzip);
  assert.match(r.stdout, /firmware\.min\.js, Core-only build \(--features core,remote-trigger\)\s+\d+\.\d KB\s+≤ 96 KB\s+(met|MISSED)/);
  const core = memory.coreOnly;
  assert.ok(core.firmwareAfterBoot > 0 && core.firmwareAfterBoot < memory.firmwareAfterBoot, 'the Core-only firmware boots from less heap');
  assert.ok(core.simulator.sessionPeak >= core.simulator.afterBoot && core.simulator.sessionPeak < sim.sessionPeak, 'the Core-only session peaks lower');
  assert.ok(core.profile.used > 0 && core.profile.used < memory.profile.used);
  assert.equal(memory.native === null, !existsSync(NATIVE_HOST), 'the native figure is there exactly when the host is built');
  if (memory.native) assert.ok(memory.nativeBytecode.sessionPeak > 0 && memory.nativeBytecode.sessionPeak < memory.native.sessionPeak, 'bytecode boots from less heap');
  assert.ok(coldStart.sim.medianMs > 0 && coldStart.sim.runs === 5);
  const { membersRam } = res.figures;
  assert.ok(membersRam !== undefined, 'the optional members\' native RAM is measured (null only without libcurl)');
  if (membersRam) {
    assert.ok(membersRam.members.afterBoot > membersRam.plain.afterBoot, 'libcurl and OpenSSL initialised cost RAM after boot');
    assert.ok(membersRam.members.afterUse >= membersRam.members.afterBoot && membersRam.members.peak >= membersRam.members.afterUse);
    assert.match(r.stdout, /native RAM after boot, x86-64: with the optional members \/ without .*\s+\d+\.\d KB \/ \d+\.\d KB/);
  }
  assert.ok(bundle['core.min.js'].raw > 0, 'core size measured');
  assert.ok(bundle['core201.min.js'].raw > bundle['core.min.js'].raw, 'the 2.0.1 core measured (its tables are the larger)');
  assert.match(r.stdout, /OCPP core \+ all 2\.0\.1 validators, minified\s+\d+\.\d KB\s+≤ 48 KB/);
  assert.ok(bundle['firmware-201.min.js'].raw > bundle['core201.min.js'].raw, 'the 2.0.1 firmware measured: the core and its station');
  const sizes = bundle.largestModules.map((m) => m.bytes);
  assert.equal(sizes.length, 5);
  assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'largest first');
  assert.ok(sizes.reduce((a, b) => a + b) < bundle['firmware.min.js'].raw);
  assert.ok(memory.profile201.used > 0 && memory.profile201.functions > 0 && memory.profile201.functions + memory.profile201.objects + memory.profile201.atoms <= memory.profile201.used, 'the 2.0.1 firmware evaluated: its parts are parts of its heap');
  const p = memory.profile;
  assert.ok(p.bytecode > 0 && p.bytecode < p.functions && p.objects > 0 && p.atoms > 0);
  assert.ok(p.functions + p.objects + p.atoms + p.strings <= p.used, 'the parts are parts of the heap');
  assert.match(r.stdout, /throughput ratio QuickJS \/ ocpp-rpc V8\s+\d+\.\d\d\s+≥ 1\.0\s+(met|MISSED)/);
  assert.ok(throughput.quickjs.roundTrips > 0 && throughput.ocppRpcV8.roundTrips > 0);
  assert.equal(throughput.ratio, throughput.quickjs.perSecond / throughput.ocppRpcV8.perSecond);
  assert.equal(throughput.native === null, !existsSync(NATIVE_HOST));
  // On time is the benchmark's verdict (a loaded machine may miss it); no station may fail.
  assert.equal(scale.steps.length, 1);
  assert.ok(scale.steps[0].ok || /off schedule|slower than|fewer than/.test(scale.steps[0].why), `20 stations ran: ${JSON.stringify(scale.steps)}`);
  assert.equal(scale.largest, scale.steps[0].ok ? 20 : 0);
  assert.ok(scale.steps[0].heapPerStation > 0);
  assert.ok(Array.isArray(res.missed));
});

test('npm run bench -- --only / --skip with a figure it does not have ends at once with 2 and the figures it has', () => {
  for (const args of [['--only', 'armhf,nonsense'], ['--skip', 'scales']]) {
    const r = benchWith(args);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^bench: no figure "(nonsense|scales)" \(bundle, memory, armhf, membersRam, coldStart, throughput, scale\)$/m);
    assert.equal(r.stdout, '', 'nothing measured');
  }
});
