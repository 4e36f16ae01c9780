// The benchmark keeps working: its short mode runs end to end (real stations, the real
// CSMS in its own process, the ocpp-rpc baseline) and writes every figure as a number.
// Whether a target is met is the benchmark's report, not this test's verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));
const NATIVE_HOST = fileURLToPath(new URL('../../firmware-shim/build/ocpp-host', import.meta.url));
const ARMHF_HOST = fileURLToPath(new URL('../../firmware-shim/build/armhf/ocpp-host-sockets', import.meta.url));

// The armhf rows: the flashed firmware of each build against the module's budget, its
// simulator bundle beside it without a target.
const FW = 'armhf: flashed dist/firmware.min.js (bytecode, IO from --hardware, a daemon at the charger)';
const SB = 'armhf, simulator bundle dist/simulator.min.js (--scenario session, no target)';
const CO = 'armhf: Core-only build (--features core,remote-trigger), its flashed firmware (bytecode, IO from --hardware)';
const CS = 'armhf, simulator bundle of the Core-only build (--features core,remote-trigger) (--scenario session, no target)';
const V2 = 'armhf: OCPP 2.0.1 station, flashed dist/firmware-201.min.js (bytecode, IO from --hardware)';
const S2 = 'armhf, simulator bundle dist/simulator-201.min.js (OCPP 2.0.1 station, --scenario session, no target)';
const KB1 = '\\d+\\.\\d KB';
const KB2 = `${KB1} / ${KB1}`;
/** The table's row `figure` (the text, not a pattern): its value (two figures unless said), then the target and met / MISSED, or (no target) nothing after the value. */
function rowOf(figure, target = null, value = KB2) {
  const text = (t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^${text(figure)}\\s+${value}${target ? `[^\\n]*?\\s+${text(target)}\\s+(met|MISSED)$` : ' *$'}`, 'm');
}

test('npm run bench -- --quick prints the table and writes every figure to the results file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
  try {
    const out = join(dir, 'results.json');
    const r = spawnSync(process.execPath, [RUN, '--quick', '--out', out], { encoding: 'utf8', timeout: 300000 });
    assert.equal(r.status, 0, `bench failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^figure\s+value\s+target$/m);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    const { bundle, memory, armhf, coldStart, throughput, scale } = res.figures;
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
    assert.equal(armhf === null, !existsSync(ARMHF_HOST), 'the armhf figures are there exactly when the armhf host is built');
    assert.match(r.stdout, new RegExp(`${rowOf(FW + ': QuickJS heap after boot / peak, session with 2 connectors (both charging)', '≤ 256 KB').source}|armhf \\(32-bit ARM, qemu-arm\\)\\s+not built`, 'm'));
    if (armhf) {
      const bc = armhf.bytecode;
      assert.ok(bc.afterBoot.used > 0 && bc.sessionPeak >= bc.afterBoot.used && bc.sessionPeak < armhf.script.sessionPeak, 'bytecode boots from less heap on armhf too');
      assert.ok(armhf.firmware.afterBoot.used > 0 && armhf.firmware.afterBoot.used < bc.afterBoot.used, 'on armhf too the flashed firmware boots from less heap than the simulator bundle');
      assert.ok(armhf.firmware.nativeAfterBoot > armhf.firmware.afterBoot.used);
      // The flashed firmware's own session (IO from --hardware, the bench's daemon at the charger).
      const fw = armhf.firmware;
      assert.ok(fw.sessionPeak > fw.afterBoot.used && fw.nativePeak > fw.sessionPeak && fw.nativePeak >= fw.nativeAfterBoot, 'the flashed firmware ran its session on armhf');
      assert.ok(armhf.firmwareWithParts.sessionPeak > fw.sessionPeak, 'the flashed firmware with its parts at work peaks above its plain session');
      assert.equal(armhf.firmwareHeapParts.reduce((sum, [, n]) => sum + n, 0), fw.afterBoot.used, 'the flashed firmware\'s heap parts add up to its heap');
      assert.equal(armhf.firmwareNativeParts.reduce((sum, [, n]) => sum + n, 0), fw.nativeAfterBoot);
      assert.match(r.stdout, rowOf(`${FW}: all the process's RAM (every malloc) after boot / peak, same session`, '≤ 384 KB'));
      assert.match(r.stdout, rowOf(`${FW}: QuickJS heap / native RAM peak, same session with a GetDiagnostics, a GetLog and a GetConfiguration in the middle of charging (the three parts loaded at once)`, '≤ 256 KB'));
      // The parts at work in the middle of charging take room beside the session's own.
      assert.ok(armhf.withParts.sessionPeak > armhf.withParts.afterBoot.used && armhf.withParts.sessionPeak > bc.sessionPeak, 'the session with its parts at work peaks above the plain one');
      // The simulator bundle's rows beside them, without a target.
      assert.match(r.stdout, rowOf(`${SB}: QuickJS heap / native RAM peak, same session with a GetDiagnostics, a GetLog and a GetConfiguration in the middle of charging (the three parts loaded at once), bytecode`));
      assert.match(r.stdout, rowOf(`${SB}: QuickJS heap peak, same session, bytecode`, null, KB1));
      assert.ok(bc.nativePeak >= bc.nativeAfterBoot && bc.nativeAfterBoot > bc.afterBoot.used, 'every malloc of the process counts the QuickJS heap and more');
      assert.equal(armhf.heapParts.reduce((sum, [, n]) => sum + n, 0), bc.afterBoot.used, 'the heap parts add up to the heap');
      assert.equal(armhf.nativeParts.reduce((sum, [, n]) => sum + n, 0), bc.nativeAfterBoot, 'the native parts add up to the native RAM');
      assert.ok(bc.afterBoot.quickjsCount > 0 && bc.afterBoot.quickjsCount < bc.afterBoot.used, "QuickJS's own estimate leaves the block headers out");
      assert.ok(armhf.core.sessionPeak > 0 && armhf.core.sessionPeak < bc.sessionPeak, 'the core alone needs less than the full station');
      assert.match(r.stdout, /armhf: OCPP core alone, 10-handler station .*\s+\d+\.\d KB .*≤ 96 KB\s+(met|MISSED)/);
      const coreArm = armhf.coreOnly;
      assert.ok(coreArm.sessionPeak >= coreArm.afterBoot.used && coreArm.sessionPeak < bc.sessionPeak, 'the Core-only build needs less than the full station on armhf');
      assert.ok(coreArm.nativePeak > coreArm.sessionPeak && coreArm.nativePeak < bc.nativePeak);
      assert.match(r.stdout, rowOf(`${CS}: QuickJS heap after boot / peak, session with 2 connectors, bytecode`));
      assert.match(r.stdout, rowOf(`${CS}: total native RAM after boot / peak, same session`));
      // Its part (the Core profile's requests) at work in the middle of charging: beside the plain session's heap after boot.
      assert.ok(armhf.coreOnlyWithParts.sessionPeak > coreArm.afterBoot.used, 'the Core-only session with its part at work peaks above its heap after boot');
      assert.match(r.stdout, rowOf(`${CS}: QuickJS heap / native RAM peak, same session with a GetConfiguration and a ChangeConfiguration in the middle of charging (its part core-requests loaded), bytecode`));
      // The Core-only build's flashed firmware, its session on --hardware, with its part and without.
      const coreFw = armhf.coreOnlyFirmware;
      assert.ok(coreFw.sessionPeak > coreFw.afterBoot.used && coreFw.nativePeak > coreFw.sessionPeak && coreFw.sessionPeak < fw.sessionPeak, 'the Core-only firmware ran its session, below the full one');
      assert.ok(armhf.coreOnlyFirmwareWithParts.sessionPeak > coreFw.afterBoot.used);
      assert.match(r.stdout, rowOf(`${CO}: QuickJS heap after boot / peak, session with 2 connectors (both charging)`, '≤ 160 KB'));
      assert.match(r.stdout, rowOf(`${CO}: all the process's RAM after boot / peak, same session`, '≤ 256 KB'));
      assert.match(r.stdout, rowOf(`${CO}: QuickJS heap / native RAM peak, same session with a GetConfiguration and a ChangeConfiguration in the middle of charging (its part core-requests loaded)`, '≤ 160 KB'));
      // The 2.0.1 firmware runs on the hardware backend too: its session, and with its episodes.
      const fw201 = armhf.v201Firmware;
      assert.ok(fw201.sessionPeak > fw201.afterBoot.used && fw201.nativePeak > fw201.sessionPeak, 'the flashed 2.0.1 firmware ran its session on armhf');
      assert.ok(armhf.v201FirmwareEpisodes.sessionPeak > fw201.sessionPeak, 'the flashed 2.0.1 firmware with a report, a log and an update peaks above its plain session');
      assert.match(r.stdout, rowOf(`${V2}: QuickJS heap after boot / peak, session with 2 EVSEs (both charging)`, '≤ 256 KB'));
      assert.match(r.stdout, rowOf(`${V2}: all the process's RAM after boot / peak, same session`, '≤ 384 KB'));
      assert.match(r.stdout, rowOf(`${V2}: QuickJS heap / native RAM peak, same session with a GetBaseReport FullInventory, a GetLog and an UpdateFirmware in the middle of charging (both parts loaded at once)`, '≤ 256 KB'));
      const v201 = armhf.v201;
      assert.ok(v201.afterBoot.used > 0 && v201.sessionPeak >= v201.afterBoot.used && v201.nativePeak > v201.sessionPeak, 'the 2.0.1 session measured on armhf');
      // A full report, a log and an update in the middle of charging take room beside the 2.0.1 session's own.
      const episodes = armhf.v201Episodes;
      assert.ok(episodes.sessionPeak > v201.sessionPeak && episodes.nativePeak > episodes.sessionPeak, 'the 2.0.1 session with a report, a log and an update peaks above the plain one');
      assert.match(r.stdout, rowOf(`${S2}: QuickJS heap / native RAM peak, same session with a GetBaseReport FullInventory, a GetLog and an UpdateFirmware in the middle of charging (both parts loaded at once), bytecode`));
      assert.match(r.stdout, rowOf(`${S2}: QuickJS heap after boot / peak, session with 2 EVSEs, bytecode`));
      assert.match(r.stdout, rowOf(`${S2}: total native RAM after boot / peak, same session`));
    }
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
