// The benchmark's armhf figure keeps working (bench.test.mjs runs the rest of the quick run):
// each build's flashed firmware on the hardware backend under qemu-arm, its simulator bundle,
// the core station, every figure written as a number and every row printed. Whether a target
// is met is the benchmark's report, not this test's verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { failure, quickBench, rowOf, KB1 } from './lib/bench-run.mjs';

const ARMHF_HOST = fileURLToPath(new URL('../../firmware-shim/build/armhf/ocpp-host-sockets', import.meta.url));

// The armhf rows: the flashed firmware of each build against the module's budget, its
// simulator bundle beside it without a target.
const FW = 'armhf: flashed dist/firmware.min.js (bytecode, IO from --hardware, a daemon at the charger)';
const SB = 'armhf, simulator bundle dist/simulator.min.js (--scenario session, no target)';
const CO = 'armhf: Core-only build (--features core,remote-trigger), its flashed firmware (bytecode, IO from --hardware)';
const CS = 'armhf, simulator bundle of the Core-only build (--features core,remote-trigger) (--scenario session, no target)';
const V2 = 'armhf: OCPP 2.0.1 station, flashed dist/firmware-201.min.js (bytecode, IO from --hardware)';
const S2 = 'armhf, simulator bundle dist/simulator-201.min.js (OCPP 2.0.1 station, --scenario session, no target)';

test('npm run bench -- --quick --only armhf prints the armhf rows and writes their figures to the results file', () => {
  const r = quickBench(['--only', 'armhf']);
  assert.equal(r.status, 0, failure(r));
  assert.match(r.stdout, /^figure\s+value\s+target$/m);
  const res = r.results;
  assert.deepEqual(Object.keys(res.figures), ['armhf'], 'only the armhf figure measured');
  assert.ok(!/throughput ratio|^dist\/firmware/m.test(r.stdout), 'no other figure\'s row');
  const { armhf } = res.figures;
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
});
