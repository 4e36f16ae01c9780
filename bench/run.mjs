// `npm run bench`: the figures that decide whether the runtime fits a cellular module and
// whether the simulator scales, each printed beside its target and written to
// bench/results.json. The baseline runs in the same run: an ocpp-rpc client in V8 against the
// same ocpp-rpc server as our stack in QuickJS.
//   npm run bench [-- --quick] [--out FILE] [--max-stations N] [--only F,...] [--skip F,...]
// --quick is the short run CI makes (fewer runs, shorter windows, a small scale step) so the
// benchmark keeps working; its figures are rougher. --only / --skip measure some of the
// figures (bundle, memory, armhf, membersRam, coldStart, throughput, scale) and print their
// rows only (the tests run the armhf figure apart, so that neither half of a run on a loaded
// machine nears a test file's time limit). A missed target is printed plainly; the exit
// status is non-zero only when a measurement itself failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { moduleSizes, root, FIRMWARE_201, SIMULATOR, SIMULATOR_201, minifiedName } from '../build/build.mjs';
import { measureSize } from './size.mjs';
import { measureBoot, measureMemory, measureMemoryNative } from './memory.mjs';
import { heapProfile } from './heap-profile.mjs';
import { armhfBuilt, compileArmhf, heapParts, measureArmhf, measureArmhfCore, measureArmhfFlashed, measureArmhfWithCoreRequests, measureArmhfWithParts, measureArmhf201WithEpisodes, nativeParts } from './armhf.mjs';
import { coldStartNative, coldStartSim } from './cold-start.mjs';
import { measureMembersRam } from './members-ram.mjs';
import { loopBundle, throughputNative, throughputOcppRpc, throughputQuickJS } from './throughput.mjs';
import { scaleStep } from './scale.mjs';
import { startCsmsProcess } from './peer.mjs';
import { buildCoreOnly, CORE_ONLY } from './core-only.mjs';
import { buildShim, buildShimArmhf } from '../firmware-shim/build.mjs';

const KB = 1024;
const NATIVE_HOST = join(root, 'firmware-shim', 'build', 'ocpp-host');
// What gets flashed: its size, its heap after boot and its cold start are measured on it.
const FLASHED = join(root, 'dist', 'firmware.min.js');
// The flashed station on the simulated charger (minified as flashed): what a charging
// session runs on, since the firmware has no EV of its own to charge.
const SIM_BUNDLE = join(root, minifiedName(SIMULATOR.out));

const USAGE = 'usage: npm run bench [-- --quick] [--out FILE] [--max-stations N] [--only F,...] [--skip F,...]';
const FIGURES = ['bundle', 'memory', 'armhf', 'membersRam', 'coldStart', 'throughput', 'scale'];
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'bench', 'results.json') },
    'max-stations': { type: 'string', default: '10000' },
    only: { type: 'string', default: FIGURES.join(',') },
    skip: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = flags.quick;
const listed = (text) => text.split(',').filter(Boolean);
for (const name of [...listed(flags.only), ...listed(flags.skip)]) {
  if (!FIGURES.includes(name)) {
    console.error(`bench: no figure "${name}" (${FIGURES.join(', ')})\n${USAGE}`);
    process.exit(2);
  }
}
const measured = new Set(listed(flags.only).filter((name) => !listed(flags.skip).includes(name)));
// A native host built before the sources changed (a checkout moved on, a worktree's older
// build) would be measured as if it were this code's, or fail on a host-ABI member it lacks:
// each host that is built is brought up to date first (make: nothing to do when it is). One
// that is not built stays so (its rows say how to build it); a failing build ends the run.
for (const [built, build] of [[existsSync(NATIVE_HOST), buildShim], [armhfBuilt(), buildShimArmhf]]) {
  if (built) build({ say: (line) => console.log(line) });
}
const maxStations = Number(flags['max-stations']);
const plan = quick
  ? { coldRuns: 5, seconds: 1, steps: [20], intervalS: 2 }
  : { coldRuns: 20, seconds: 5, steps: [100, 1000, 5000, 10000].filter((n) => n <= maxStations), intervalS: 10 };

const rows = []; // { figure, value, target, met } for the table
// seconds: how long each figure took (a loaded machine's run shows where its time went).
const results = { date: new Date().toISOString(), quick, node: process.version, figures: {}, missed: [], seconds: {} };
let broken = 0;
const log = (line) => console.log(line);

/** One table row. `met` null means the figure has no target (context only). */
function row(figure, value, target = '', met = null) {
  rows.push({ figure, value, target, met });
  if (met === false) results.missed.push(`${figure}: ${value} (target ${target})`);
}

async function figure(name, fn) {
  if (!measured.has(name)) return;
  log(`· ${name} …`);
  const started = Date.now();
  try {
    await fn();
  } catch (err) {
    broken++;
    row(name, `FAILED: ${err.message}`, '', false);
    results.figures[name] = { error: err.message };
  }
  results.seconds[name] = (Date.now() - started) / 1000;
}

const kb = (n) => `${(n / KB).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(1)} ms`;

/** A bundle compiled by the native host (ocpp-host --compile), as it is flashed; one file per bundle. */
const bytecodeFiles = {};
let bytecodeDir = null;
async function bytecodeOf(bundle) {
  if (bytecodeFiles[bundle]) return bytecodeFiles[bundle];
  bytecodeDir = bytecodeDir || mkdtempSync(join(tmpdir(), 'ocpp-bench-qjbc-'));
  const out = join(bytecodeDir, bundle.split('/').pop().replace(/\.js$/, '.qjbc'));
  const r = spawnSync(NATIVE_HOST, [bundle, '--compile', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ocpp-host --compile failed: ${r.stderr}`);
  return (bytecodeFiles[bundle] = out);
}

/** The Core-only build (bench/core-only.mjs), built once for the figures that compare it. */
let coreOnlyBuild = null;
let coreOnlyDir = null;
function coreOnly() {
  coreOnlyDir = coreOnlyDir || mkdtempSync(join(tmpdir(), 'ocpp-bench-core-only-'));
  return (coreOnlyBuild = coreOnlyBuild || buildCoreOnly(coreOnlyDir));
}
const CORE_ONLY_NAME = `Core-only build (--features ${CORE_ONLY.join(',')})`;

const csms = await startCsmsProcess({ heartbeatInterval: plan.intervalS });
try {
  await figure('bundle', async () => {
    const s = await measureSize();
    results.figures.bundle = s;
    row('dist/firmware.js', `${kb(s['firmware.js'].raw)} raw, ${kb(s['firmware.js'].gzip)} gzip`);
    row('dist/firmware.min.js (flashed)', kb(s['firmware.min.js'].raw), '≤ 96 KB', s['firmware.min.js'].raw <= 96 * KB);
    row('dist/firmware.min.js gzip', kb(s['firmware.min.js'].gzip), '≤ 24 KB', s['firmware.min.js'].gzip <= 24 * KB);
    const core = (await coreOnly()).size;
    s.coreOnly = core;
    row(`firmware.min.js, ${CORE_ONLY_NAME}`, kb(core.raw), '≤ 96 KB', core.raw <= 96 * KB);
    row(`firmware.min.js gzip, ${CORE_ONLY_NAME}`, kb(core.gzip), '≤ 24 KB', core.gzip <= 24 * KB);
    row('dist/simulator.min.js (the flashed station + the simulated charger)', `${kb(s['simulator.min.js'].raw)} raw, ${kb(s['simulator.min.js'].gzip)} gzip`);
    row('OCPP core + all 1.6 validators, minified', kb(s['core.min.js'].raw), '≤ 48 KB', s['core.min.js'].raw <= 48 * KB);
    row('OCPP core + all 2.0.1 validators, minified', kb(s['core201.min.js'].raw), '≤ 48 KB', s['core201.min.js'].raw <= 48 * KB);
    row('dist/firmware-201.min.js (OCPP 2.0.1 station)', `${kb(s['firmware-201.min.js'].raw)} raw, ${kb(s['firmware-201.min.js'].gzip)} gzip`);
    const largest = (await moduleSizes('src/main.ts')).slice(0, 5);
    results.figures.bundle.largestModules = largest;
    row('  its largest modules (KB)', largest.map((m) => `${m.module.split('/').pop()} ${(m.bytes / KB).toFixed(1)}`).join(', '));
  });

  await figure('memory', async () => {
    // The three sessions run side by side (separate runtimes; the heap figures do not mix).
    // The sessions need the simulated EV: they run the simulator's bundle.
    const bytecode = existsSync(NATIVE_HOST) ? await bytecodeOf(SIM_BUNDLE) : null;
    const built = await coreOnly();
    const [m, firmwareBoot, native, nativeBytecode, coreSession, coreBoot] = await Promise.all([
      measureMemory({ url: csms.url, bundle: SIM_BUNDLE }),
      measureBoot({ url: csms.url, bundle: FLASHED, id: 'BENCH-BOOT-FW' }),
      measureMemoryNative({ url: csms.url, binary: NATIVE_HOST, bundle: SIM_BUNDLE, id: 'BENCH-NMEM-JS' }),
      bytecode && measureMemoryNative({ url: csms.url, binary: NATIVE_HOST, bundle: bytecode, id: 'BENCH-NMEM-BC' }),
      measureMemory({ url: csms.url, bundle: built.simulator, id: 'BENCH-MEM-CORE' }),
      measureBoot({ url: csms.url, bundle: built.firmware, id: 'BENCH-BOOT-CORE' }),
    ]);
    results.figures.memory = { simulator: m, firmwareAfterBoot: firmwareBoot, native, nativeBytecode, coreOnly: { firmwareAfterBoot: coreBoot, simulator: coreSession } };
    row('QuickJS heap after boot, simulator host: dist/firmware.min.js (flashed) / dist/simulator.min.js', `${kb(firmwareBoot)} / ${kb(m.afterBoot)} (the simulated charger: ${kb(m.afterBoot - firmwareBoot)})`);
    row(`  the same, ${CORE_ONLY_NAME}`, `${kb(coreBoot)} / ${kb(coreSession.afterBoot)}`);
    const p = await heapProfile(FLASHED);
    results.figures.memory.profile = p;
    // Functions: bytecode, and variable tables, constants, source text and line tables;
    // objects: with their properties and shapes.
    row('  once evaluated: functions (bytecode), objects, atoms', `${kb(p.functions)} (${kb(p.bytecode)}), ${kb(p.objects)}, ${kb(p.atoms)}`);
    // The 2.0.1 firmware beside it, evaluated the same way.
    const p201 = await heapProfile(join(root, minifiedName(FIRMWARE_201.out)));
    results.figures.memory.profile201 = p201;
    row('dist/firmware-201.min.js once evaluated (OCPP 2.0.1 station): QuickJS heap', `${kb(p201.used)} (functions ${kb(p201.functions)}, objects ${kb(p201.objects)}, atoms ${kb(p201.atoms)})`);
    row('QuickJS heap peak, session with 2 connectors, simulator host (= per station; dist/simulator.min.js)', kb(m.sessionPeak), '≤ 256 KB', m.sessionPeak <= 256 * KB);
    row(`  the same session, ${CORE_ONLY_NAME}`, kb(coreSession.sessionPeak), '≤ 256 KB', coreSession.sessionPeak <= 256 * KB);
    const pCore = await heapProfile(built.firmware);
    results.figures.memory.coreOnly.profile = pCore;
    row(`  ${CORE_ONLY_NAME} once evaluated: functions (bytecode), objects, atoms`, `${kb(pCore.functions)} (${kb(pCore.bytecode)}), ${kb(pCore.objects)}, ${kb(pCore.atoms)}`);
    if (native) {
      row('QuickJS heap peak, same session, native host, script (parser included)', kb(native.sessionPeak));
      row('QuickJS heap peak, same session, native host, bytecode (--compile)', kb(nativeBytecode.sessionPeak), '≤ 256 KB', nativeBytecode.sessionPeak <= 256 * KB);
    } else row('QuickJS heap peak, native host', 'not built (npm run shim)');
  });

  await figure('armhf', async () => {
    // The module's word size: the native host cross-built for 32-bit ARM, under qemu-arm.
    // The budget of the flashed bytecode: QuickJS heap peak ≤ 256 KB, native RAM ≤ 384 KB.
    if (!armhfBuilt()) {
      results.figures.armhf = null;
      row('armhf (32-bit ARM, qemu-arm)', 'not built (npm run shim -- --target armhf)', '≤ 256 KB heap, ≤ 384 KB native RAM', false);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ocpp-bench-armhf-'));
    try {
      // The simulator's bundle (the flashed station and the simulated EV) on its session scenario.
      const bytecode = compileArmhf(SIM_BUNDLE, join(dir, 'simulator.qjbc'));
      // What a module runs: the flashed firmware, its charger's IO from the hardware backend
      // (--hardware DIR), its session played at the charger by a daemon (bench/hardware-daemon.mjs).
      const firmwareBytecode = compileArmhf(FLASHED, join(dir, 'firmware.qjbc'));
      // Each build's sessions run at once, each station in a process and a runtime of its own
      // (the heap figures do not mix; most of a session is waiting): the plain session, and
      // the parts (GetDiagnostics, GetLog, GetConfiguration) at work in the middle of
      // charging, their room too, on both bundles.
      const [script, bc, firmware, withParts, firmwareWithParts] = await Promise.all([
        measureArmhf({ url: csms.url, bundle: SIM_BUNDLE, id: 'BENCH-ARM-JS' }),
        measureArmhf({ url: csms.url, bundle: bytecode, id: 'BENCH-ARM-BC' }),
        measureArmhfFlashed({ bundle: firmwareBytecode, id: 'BENCH-ARM-FW' }),
        measureArmhfWithParts({ bundle: bytecode }),
        measureArmhfWithParts({ bundle: firmwareBytecode, flashed: true }),
      ]);
      const heap = heapParts(bc.afterBoot);
      const native = nativeParts(bc);
      const firmwareHeap = heapParts(firmware.afterBoot);
      const firmwareNative = nativeParts(firmware);
      results.figures.armhf = { script, bytecode: bc, firmware, withParts, heapParts: heap, nativeParts: native, firmwareWithParts, firmwareHeapParts: firmwareHeap, firmwareNativeParts: firmwareNative };
      const parts = (list) => list.slice(0, 5).map(([name, n]) => `${name} ${(n / KB).toFixed(1)}`).join(', ');
      // The module's budget is the flashed firmware's: heap ≤ 256 KB, all the process's RAM
      // ≤ 384 KB. The simulator bundle's rows stay beside it, without a target, as they were
      // measured until the flashed firmware had a session of its own (their history in README).
      const FW = 'armhf: flashed dist/firmware.min.js (bytecode, IO from --hardware, a daemon at the charger)';
      row(`${FW}: QuickJS heap after boot / peak, session with 2 connectors (both charging)`, `${kb(firmware.afterBoot.used)} / ${kb(firmware.sessionPeak)}, ${firmware.afterBoot.blocks} blocks`, '≤ 256 KB', firmware.sessionPeak <= 256 * KB);
      row('  armhf: its five largest parts after boot (KB)', parts(firmwareHeap));
      row(`${FW}: QuickJS heap / native RAM peak, same session with a GetDiagnostics, a GetLog and a GetConfiguration in the middle of charging (the three parts loaded at once)`, `${kb(firmwareWithParts.sessionPeak)} / ${kb(firmwareWithParts.nativePeak)}`, '≤ 256 KB', firmwareWithParts.sessionPeak <= 256 * KB);
      row(`${FW}: all the process's RAM (every malloc) after boot / peak, same session`, `${kb(firmware.nativeAfterBoot)} / ${kb(firmware.nativePeak)}`, '≤ 384 KB', firmware.nativePeak <= 384 * KB);
      row('  armhf: made of, after boot (KB)', parts(firmwareNative));
      const SB = 'armhf, simulator bundle dist/simulator.min.js (--scenario session, no target)';
      row(`${SB}: QuickJS heap after boot, bytecode (script)`, `${kb(bc.afterBoot.used)} (${kb(script.afterBoot.used)}), ${bc.afterBoot.blocks} blocks (the simulated charger and its scenario: ${kb(bc.afterBoot.used - firmware.afterBoot.used)} more than the firmware)`);
      row('  armhf: its five largest parts (KB)', parts(heap));
      row(`${SB}: QuickJS heap peak, session with 2 connectors, script (parser included)`, kb(script.sessionPeak));
      row(`${SB}: QuickJS heap peak, same session, bytecode`, kb(bc.sessionPeak));
      row(`${SB}: QuickJS heap / native RAM peak, same session with a GetDiagnostics, a GetLog and a GetConfiguration in the middle of charging (the three parts loaded at once), bytecode`, `${kb(withParts.sessionPeak)} / ${kb(withParts.nativePeak)}`);
      row(`${SB}: total native RAM after boot, bytecode: every malloc of the process`, kb(bc.nativeAfterBoot));
      row('  armhf: made of (KB)', parts(native));
      row(`${SB}: total native RAM peak, same session, bytecode (script)`, `${kb(bc.nativePeak)} (${kb(script.nativePeak)})`);
      // What the two hosts' --heap-limit count: the native host every block with its header,
      // the simulator QuickJS's own estimate (memory_used_size) — here both for armhf.
      const sim = results.figures.memory && results.figures.memory.simulator;
      row(
        '  armhf after boot: the host\'s count / QuickJS\'s memory_used_size (the simulator\'s --heap-limit count: simulator host)',
        `${kb(bc.afterBoot.used)} / ${kb(bc.afterBoot.quickjsCount)}${sim ? ` (${kb(sim.afterBoot)})` : ''}`
      );
      // The budget's other rows: the OCPP core alone (the QuecPython comparison), and a
      // Core-only build, which needs the build to leave the features out.
      // The Core-only build's sessions, as bytecode: its flashed firmware on the hardware
      // backend and its simulator bundle on the scenario, side by side (and the core station
      // beside them: its own CSMS); its own budget.
      const built = await coreOnly();
      const coreBytecode = compileArmhf(built.simulator, join(dir, 'simulator-core-only.qjbc'));
      const coreFirmwareBytecode = compileArmhf(built.firmware, join(dir, 'firmware-core-only.qjbc'));
      const [core, coreOnlyArm, coreOnlyFirmware, coreOnlyRequests, coreOnlyFirmwareRequests] = await Promise.all([
        measureArmhfCore({ dir }),
        measureArmhf({ url: csms.url, bundle: coreBytecode, id: 'BENCH-ARM-CORE-ONLY' }),
        measureArmhfFlashed({ bundle: coreFirmwareBytecode, id: 'BENCH-ARM-FW-CORE-ONLY' }),
        // Its part (the Core profile's requests) at work in the middle of charging: its room too.
        measureArmhfWithCoreRequests({ bundle: coreBytecode }),
        measureArmhfWithCoreRequests({ bundle: coreFirmwareBytecode, flashed: true }),
      ]);
      results.figures.armhf.core = core;
      row('armhf: OCPP core alone, 10-handler station (bench/core-station.ts, --features core), bytecode: QuickJS heap peak', `${kb(core.sessionPeak)} (after boot ${kb(core.afterBoot.used)})`, '≤ 96 KB', core.sessionPeak <= 96 * KB);
      row('  armhf: its five largest parts after boot (KB)', parts(heapParts(core.afterBoot)));
      Object.assign(results.figures.armhf, { coreOnly: coreOnlyArm, coreOnlyWithParts: coreOnlyRequests, coreOnlyFirmware, coreOnlyFirmwareWithParts: coreOnlyFirmwareRequests });
      const CO = `armhf: ${CORE_ONLY_NAME}, its flashed firmware (bytecode, IO from --hardware)`;
      row(`${CO}: QuickJS heap after boot / peak, session with 2 connectors (both charging)`, `${kb(coreOnlyFirmware.afterBoot.used)} / ${kb(coreOnlyFirmware.sessionPeak)}`, '≤ 160 KB', coreOnlyFirmware.sessionPeak <= 160 * KB);
      row('  armhf: its five largest parts after boot (KB)', parts(heapParts(coreOnlyFirmware.afterBoot)));
      row(`${CO}: all the process's RAM after boot / peak, same session`, `${kb(coreOnlyFirmware.nativeAfterBoot)} / ${kb(coreOnlyFirmware.nativePeak)}`, '≤ 256 KB', coreOnlyFirmware.nativePeak <= 256 * KB);
      row(`${CO}: QuickJS heap / native RAM peak, same session with a GetConfiguration and a ChangeConfiguration in the middle of charging (its part core-requests loaded)`, `${kb(coreOnlyFirmwareRequests.sessionPeak)} / ${kb(coreOnlyFirmwareRequests.nativePeak)}`, '≤ 160 KB', coreOnlyFirmwareRequests.sessionPeak <= 160 * KB);
      const CS = `armhf, simulator bundle of the ${CORE_ONLY_NAME} (--scenario session, no target)`;
      row(`${CS}: QuickJS heap after boot / peak, session with 2 connectors, bytecode`, `${kb(coreOnlyArm.afterBoot.used)} / ${kb(coreOnlyArm.sessionPeak)}`);
      row('  armhf: its five largest parts after boot (KB)', parts(heapParts(coreOnlyArm.afterBoot)));
      row(`${CS}: total native RAM after boot / peak, same session`, `${kb(coreOnlyArm.nativeAfterBoot)} / ${kb(coreOnlyArm.nativePeak)}`);
      row(`${CS}: QuickJS heap / native RAM peak, same session with a GetConfiguration and a ChangeConfiguration in the middle of charging (its part core-requests loaded), bytecode`, `${kb(coreOnlyRequests.sessionPeak)} / ${kb(coreOnlyRequests.nativePeak)}`);
      // The OCPP 2.0.1 station's sessions (its flashed firmware on the hardware backend, its
      // simulator bundle on the scenario; both as bytecode), with the budget of the full 1.6 station.
      const bytecode201 = compileArmhf(join(root, minifiedName(SIMULATOR_201.out)), join(dir, 'simulator-201.qjbc'));
      const firmwareBytecode201 = compileArmhf(join(root, minifiedName(FIRMWARE_201.out)), join(dir, 'firmware-201.qjbc'));
      const [v201, v201Firmware, episodes201, v201FirmwareEpisodes] = await Promise.all([
        measureArmhf({ url: csms.url, bundle: bytecode201, id: 'BENCH-ARM-201' }),
        measureArmhfFlashed({ bundle: firmwareBytecode201, id: 'BENCH-ARM-FW-201', version: '2.0.1' }),
        // What a CSMS asks now and then (a full report, a log, an update: the two parts at once) in the middle of charging.
        measureArmhf201WithEpisodes({ bundle: bytecode201 }),
        measureArmhf201WithEpisodes({ bundle: firmwareBytecode201, flashed: true }),
      ]);
      Object.assign(results.figures.armhf, { v201, v201Episodes: episodes201, v201Firmware, v201FirmwareEpisodes });
      const V2 = 'armhf: OCPP 2.0.1 station, flashed dist/firmware-201.min.js (bytecode, IO from --hardware)';
      row(`${V2}: QuickJS heap after boot / peak, session with 2 EVSEs (both charging)`, `${kb(v201Firmware.afterBoot.used)} / ${kb(v201Firmware.sessionPeak)}`, '≤ 256 KB', v201Firmware.sessionPeak <= 256 * KB);
      row('  armhf: its five largest parts after boot (KB)', parts(heapParts(v201Firmware.afterBoot)));
      row(`${V2}: all the process's RAM after boot / peak, same session`, `${kb(v201Firmware.nativeAfterBoot)} / ${kb(v201Firmware.nativePeak)}`, '≤ 384 KB', v201Firmware.nativePeak <= 384 * KB);
      row(`${V2}: QuickJS heap / native RAM peak, same session with a GetBaseReport FullInventory, a GetLog and an UpdateFirmware in the middle of charging (both parts loaded at once)`, `${kb(v201FirmwareEpisodes.sessionPeak)} / ${kb(v201FirmwareEpisodes.nativePeak)}`, '≤ 256 KB', v201FirmwareEpisodes.sessionPeak <= 256 * KB);
      const S2 = 'armhf, simulator bundle dist/simulator-201.min.js (OCPP 2.0.1 station, --scenario session, no target)';
      row(`${S2}: QuickJS heap after boot / peak, session with 2 EVSEs, bytecode`, `${kb(v201.afterBoot.used)} / ${kb(v201.sessionPeak)}`);
      row('  armhf: its five largest parts after boot (KB)', parts(heapParts(v201.afterBoot)));
      row(`${S2}: total native RAM after boot / peak, same session`, `${kb(v201.nativeAfterBoot)} / ${kb(v201.nativePeak)}`);
      row(`${S2}: QuickJS heap / native RAM peak, same session with a GetBaseReport FullInventory, a GetLog and an UpdateFirmware in the middle of charging (both parts loaded at once), bytecode`, `${kb(episodes201.sessionPeak)} / ${kb(episodes201.nativePeak)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  await figure('membersRam', async () => {
    // What the optional host-ABI members keep resident (bench/members-ram.mjs): x86-64, every
    // malloc of the process; the armhf build has no libcurl / OpenSSL to link them with.
    const r = await measureMembersRam();
    results.figures.membersRam = r;
    if (!r) {
      row('native RAM of the optional members', 'not built (libcurl missing)');
      return;
    }
    row('native RAM after boot, x86-64: with the optional members / without (libcurl, OpenSSL initialised)', `${kb(r.members.afterBoot)} / ${kb(r.plain.afterBoot)}`);
    row('  after a 200 KB firmware download, a CSR and a 50 KB upload: kept / peak while they ran', `${kb(r.members.afterUse)} / ${kb(r.members.peak)}`);
  });

  await figure('coldStart', async () => {
    const sim = await coldStartSim({ url: csms.url, runs: plan.coldRuns, bundle: FLASHED });
    const native = existsSync(NATIVE_HOST) ? await coldStartNative({ url: csms.url, runs: plan.coldRuns, binary: NATIVE_HOST, bundle: await bytecodeOf(FLASHED) }) : null;
    results.figures.coldStart = { sim, native };
    row(`cold start to BootNotification, simulator host (median of ${sim.runs})`, `${ms(sim.medianMs)} (evaluation ${ms(sim.evalMedianMs)})`, '≤ 20 ms', sim.medianMs <= 20);
    if (native) row(`cold start to BootNotification, native host, bytecode, process spawn included (median of ${native.runs})`, ms(native.medianMs));
    else row('cold start, native host', 'not built (npm run shim)');
  });

  await figure('throughput', async () => {
    const code = await loopBundle();
    const ours = await throughputQuickJS({ url: csms.url, seconds: plan.seconds, code });
    const base = await throughputOcppRpc({ url: csms.url, seconds: plan.seconds });
    const native = await throughputNative({ url: csms.url, seconds: plan.seconds, code, binary: NATIVE_HOST });
    const ratio = ours.perSecond / base.perSecond;
    results.figures.throughput = { quickjs: ours, ocppRpcV8: base, native, ratio, nativeRatio: native ? native.perSecond / base.perSecond : null };
    row(`Heartbeat round trips/s, ocpp-rpc client in V8 (baseline, ${plan.seconds} s)`, base.perSecond.toFixed(0));
    row('Heartbeat round trips/s, this stack in QuickJS (simulator host)', ours.perSecond.toFixed(0));
    row('throughput ratio QuickJS / ocpp-rpc V8', ratio.toFixed(2), '≥ 1.0', ratio >= 1.0);
    if (native) row('throughput ratio native host / ocpp-rpc V8', (native.perSecond / base.perSecond).toFixed(2), '≥ 1.0', native.perSecond >= base.perSecond);
  });

  await figure('scale', async () => {
    const steps = [];
    for (const count of plan.steps) {
      const step = await scaleStep({ url: csms.url, count, intervalS: plan.intervalS, log });
      steps.push(step);
      log(`  ${count} stations: ${step.ok ? 'all heartbeats on time' : step.why}; ${kb(step.heapPerStation)} QuickJS heap and ${kb(step.rssPerStation)} RSS per station`);
      if (!step.ok) break;
    }
    const best = steps.filter((s) => s.ok).pop() || null;
    results.figures.scale = { intervalS: plan.intervalS, steps, largest: best ? best.count : 0 };
    const target = quick ? `${plan.steps[0]} in --quick (5,000 in a full run)` : '≥ 5,000';
    const goal = quick ? plan.steps[0] : 5000;
    row(`stations in one process, heartbeats within 1 s (interval ${plan.intervalS} s)`, best ? String(best.count) : `none (${steps[0].why})`, target, !!best && best.count >= goal);
    if (best) row(`memory per station at ${best.count} (dist/simulator.min.js, the simulator's default)`, `${kb(best.heapPerStation)} QuickJS heap, ${kb(best.rssPerStation)} process RSS`);
  });
} finally {
  await csms.stop();
  if (bytecodeDir) rmSync(bytecodeDir, { recursive: true, force: true });
  if (coreOnlyDir) rmSync(coreOnlyDir, { recursive: true, force: true });
}

const width = Math.max(...rows.map((r) => r.figure.length));
const vwidth = Math.max(...rows.map((r) => String(r.value).length));
log('');
log(`${'figure'.padEnd(width)}  ${'value'.padEnd(vwidth)}  target`);
for (const r of rows) {
  const verdict = r.met === null ? '' : r.met ? '  met' : '  MISSED';
  log(`${r.figure.padEnd(width)}  ${String(r.value).padEnd(vwidth)}  ${r.target}${verdict}`);
}
if (results.missed.length) log(`\n${results.missed.length} target(s) missed:\n  ${results.missed.join('\n  ')}`);
writeFileSync(flags.out, JSON.stringify(results, null, 2) + '\n');
log(`\nwritten to ${flags.out}${quick ? ' (quick run: rough figures)' : ''}`);
process.exit(broken ? 1 : 0);
