// Figure 2b: the module's word size. The native host cross-built for 32-bit ARM
// (npm run shim -- --target armhf) runs the charging session with 2 connectors under
// qemu-arm, and reports, measured in the process itself:
//   - the QuickJS heap after boot (SIGUSR1 once BootNotification is answered) and where it
//     goes (QuickJS's JS_ComputeMemoryUsage: block headers, functions and their bytecode,
//     objects with properties and shapes, atoms, strings);
//   - the heap's peak over the session (the host's counting allocator, every block);
//   - the total native RAM: every malloc of the process (port/posix/malloc_count.c), after
//     boot and at its peak, and what it is made of.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { bundleFile } from '../build/build.mjs';
import { CORE } from '../build/features.mjs';
import { ARMHF } from '../firmware-shim/build.mjs';
import { Csms } from '../sim/csms.mjs';
import { scratchDir } from './stations.mjs';
import { chargerSession, HardwareFolder } from './hardware-daemon.mjs';

const SETTLE_MS = 300;
/** The flashed 2.0.1 station's moment to go as far as it can with each call of its episodes (measureArmhf201WithEpisodes). */
const EPISODE_SETTLE_MS = 500;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SESSION_TIMEOUT_MS = 150000;
const HEAP_NOW = /^ocpp-host: heap now (\d+) bytes in (\d+) blocks: headers (\d+), functions (\d+), bytecode (\d+), objects (\d+), arrays (\d+), atoms (\d+), strings (\d+), pool slack (\d+); QuickJS counts (\d+) in use/;
const RAM_NOW = /^ocpp-host: native RAM now (\d+) bytes in (\d+) chunks, peak (\d+) bytes; bundle buffer (\d+) bytes/;
const HEAP_PEAK = /^ocpp-host: heap peak (\d+) bytes/;
const RAM_PEAK = /^ocpp-host: native RAM peak (\d+) bytes/;
const BOOTED = /\bbooted \(Accepted/;

export const armhfBinary = ARMHF.binary;
export const armhfBuilt = () => existsSync(ARMHF.binary);

/**
 * One station of `bundle` under qemu-arm until it exits: the charging session with 2
 * connectors unless `args` says otherwise; `drive()` runs beside it (a CSMS's calls).
 * `untilBoot`: only the figures after boot, then SIGTERM. `until(booted)`: a station that
 * never ends by itself (the flashed firmware, whose session a daemon plays at its
 * `--hardware` folder): `booted` resolves once the figures after boot are in, and the station
 * is ended with SIGTERM once `until` has resolved (its peaks then are the session's).
 */
export async function measureArmhf({ url, bundle, id, args = ['--scenario', 'session', '--connectors', '2'], drive = async () => {}, untilBoot = false, until = null }) {
  const scratch = scratchDir('armhf');
  try {
    const [command, ...before] = ARMHF.runner;
    const child = spawn(command, [...before, ARMHF.binary, bundle, '--url', url, '--id', id, '--data-dir', scratch.dir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A station that never ends by itself (the flashed firmware) would outlive a bench that dies.
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.once('close', () => process.removeListener('exit', orphaned));
    const driven = drive().catch((err) => {
      child.kill('SIGKILL');
      throw err;
    });
    const out = { bundleBytes: statSync(bundle).size };
    const lines = [];
    let reported;
    const report = new Promise((resolve) => (reported = resolve));
    const booted = new Promise((resolve, reject) => {
      report.then(() => (out.nativeAfterBoot ? resolve() : reject(new Error('the station ended before its figures after boot'))));
    });
    const ended = until
      ? until(booted).then(
          () => child.kill('SIGTERM'),
          (err) => {
            child.kill('SIGKILL');
            throw err;
          }
        )
      : null;
    // Either may fail while the station still runs: awaited once it has ended, handled now.
    for (const p of [driven, ended]) if (p) p.catch(() => {});
    createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      let m;
      if (BOOTED.test(line) && !out.booted) {
        out.booted = true;
        setTimeout(() => child.kill('SIGUSR1'), SETTLE_MS);
      } else if ((m = HEAP_NOW.exec(line))) {
        const [used, blocks, headers, functions, bytecode, objects, arrays, atoms, strings, poolSlack, quickjsCount] = m.slice(1).map(Number);
        out.afterBoot = { used, blocks, headers, functions, bytecode, objects, arrays, atoms, strings, poolSlack, quickjsCount };
      } else if ((m = RAM_NOW.exec(line))) {
        out.nativeAfterBoot = Number(m[1]);
        out.bundleBuffer = Number(m[4]);
        reported();
        if (untilBoot) child.kill('SIGTERM');
      } else if ((m = HEAP_PEAK.exec(line))) out.sessionPeak = Number(m[1]);
      else if ((m = RAM_PEAK.exec(line))) out.nativePeak = Number(m[1]);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), SESSION_TIMEOUT_MS);
    const code = await new Promise((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    reported();
    await report;
    await driven;
    if (ended) await ended.catch((err) => Promise.reject(new Error(`${err.message}: ${lines.slice(-3).join(' | ')}`)));
    const whole = !!out.sessionPeak && !!out.afterBoot && !!out.nativePeak;
    if (untilBoot ? !out.afterBoot || !out.nativeAfterBoot : until ? code !== 130 || !whole : code !== 0 || !whole) {
      throw new Error(`the armhf session exited ${code}: ${lines.slice(-3).join(' | ')}`);
    }
    return out;
  } finally {
    scratch.remove();
  }
}

/**
 * The flashed firmware `bundle` (as bytecode; no simulated charger in it) under qemu-arm on
 * the hardware backend (`--hardware DIR`), its charging session played at the charger by the
 * daemon of bench/hardware-daemon.mjs (both connectors, as the simulator's `--scenario
 * session` drives connector 1) once the figures after boot are in, against a CSMS of its own
 * (its heartbeat interval 300 s unless said: no Heartbeat, whose timer runs from the boot and
 * not on the daemon's timeline, falls in the session);
 * `drive(csms, id)` (a CSMS's calls) at the daemon's fixed point, both transactions started
 * (its whileCharging: the same moment of the session in every run). The station runs the settings the
 * scenario gives the simulator's 1.6 bundle (MeterValueSampleInterval 5; 2.0.1's scenario
 * changes none) and is ended with SIGTERM once the session is over.
 */
export async function measureArmhfFlashed({ bundle, id, version = '1.6', connectors = 2, heartbeatInterval = 300, drive = null }) {
  const csms = new Csms({ heartbeatInterval });
  await csms.start();
  const scratch = scratchDir('armhf-hardware');
  // Ends the daemon when the run does (a failed step, a station that died), before its folder goes.
  const daemon = new AbortController();
  try {
    const hw = new HardwareFolder(join(scratch.dir, 'hardware'), Array.from({ length: connectors }, () => ({ maxCurrentA: 32, cableLock: true })));
    const settings = join(scratch.dir, 'settings.json');
    writeFileSync(settings, JSON.stringify(version === '1.6' ? { configuration: { MeterValueSampleInterval: 5 } } : {}));
    const ids = Array.from({ length: connectors }, (_, i) => i + 1);
    return await measureArmhf({
      url: csms.url,
      bundle,
      id,
      args: ['--settings', settings, '--hardware', hw.dir],
      until: async (booted) => {
        await booted;
        await chargerSession({ csms, id, hw, connectors: ids, version, signal: daemon.signal, whileCharging: drive && (() => drive(csms, id)) });
        const bad = csms.violations.filter((v) => v.station === id);
        if (bad.length) throw new Error(`messages the CSMS found invalid: ${JSON.stringify(bad.slice(0, 2))}`);
      },
    });
  } finally {
    daemon.abort();
    scratch.remove();
    await csms.stop();
  }
}

/**
 * The parts of the heap after boot, largest first: [name, bytes]. Functions are their
 * tables (variables, constants, closure descriptors), the bytecode apart; what
 * JS_ComputeMemoryUsage names no part of is "other" (closures' variables, C functions, the
 * runtime's own tables, the spare room of grown arrays and hash tables, size classes'
 * rounding). The allocator's own: its headers (large blocks, pool pages) and the pool
 * pages' free slots.
 */
export function heapParts(a) {
  const parts = [
    ['objects', a.objects],
    ['atoms', a.atoms],
    ['bytecode', a.bytecode],
    ['functions', a.functions],
    ['allocator headers', a.headers],
    ['pool slack', a.poolSlack],
    ['arrays', a.arrays],
    ['strings', a.strings],
  ];
  const named = parts.reduce((sum, [, n]) => sum + n, 0);
  parts.push(['other', Math.max(0, a.used - named)]);
  return parts.sort((x, y) => y[1] - x[1]);
}

/** What the native RAM after boot is made of: the QuickJS heap, the bundle buffer, the rest. */
export function nativeParts(m) {
  const bundleBuffer = m.bundleBuffer;
  return [
    ['QuickJS heap', m.afterBoot.used],
    ['bundle buffer', bundleBuffer],
    ['the rest (malloc chunk rounding, host, C library, socket buffers)', m.nativeAfterBoot - m.afterBoot.used - bundleBuffer],
  ].sort((x, y) => y[1] - x[1]);
}

/** `bundle` compiled to bytecode by the armhf host (the same bytes x86-64 makes) into `out`. */
export function compileArmhf(bundle, out) {
  const [command, ...before] = ARMHF.runner;
  const r = spawnSync(command, [...before, ARMHF.binary, bundle, '--compile', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`armhf --compile failed: ${r.stdout}${r.stderr}`);
  return out;
}

/**
 * The OCPP core alone with a 10-handler station (bench/core-station.ts, minified, built
 * with --features core, as bytecode) under qemu-arm, against a CSMS of its own that asks GetConfiguration and
 * RemoteStartTransaction once the station has booted: the QuecPython `ocpp` comparison.
 */
export async function measureArmhfCore({ dir }) {
  const script = join(dir, 'core-station.js');
  // Built as a station of one's own is with --features: the validators of the actions it names
  // only; its log calls as codes, the dictionary beside it (and beside its bytecode).
  await bundleFile('bench/core-station.ts', { minify: true, features: [CORE], outfile: script });
  const bytecode = compileArmhf(script, join(dir, 'core-station.qjbc'));
  const csms = new Csms({ heartbeatInterval: 300 });
  await csms.start();
  try {
    const id = 'BENCH-ARM-CORE';
    const drive = async () => {
      await csms.waitForCall(id, 'StatusNotification', { timeout: 60000 });
      const config = await csms.call(id, 'GetConfiguration', {}, { timeout: 30 });
      if (!config || !Array.isArray(config.configurationKey)) throw new Error('GetConfiguration unanswered');
      const started = await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'DEMO-TAG' }, { timeout: 30 });
      if (!started || started.status !== 'Accepted') throw new Error(`RemoteStartTransaction: ${JSON.stringify(started)}`);
    };
    const m = await measureArmhf({ url: csms.url, bundle: bytecode, id, args: [], drive });
    const stop = csms.messages(id, { direction: 'in', type: 'CALL' }).filter((r) => r.action === 'StopTransaction');
    if (stop.length !== 1) throw new Error('the core station sent no StopTransaction');
    return m;
  } finally {
    await csms.stop();
  }
}

/**
 * The charging session of `bundle` with `drive(csms, id)` at work in the middle of charging,
 * against a CSMS of its own: the simulator's bundle on its scenario, once its (one)
 * transaction runs, or (`flashed`) the flashed firmware on the hardware backend, its session
 * played by the daemon, at the daemon's fixed point once both transactions have started.
 */
async function sessionDriven({ bundle, id, drive, flashed = false, version = '1.6' }) {
  if (flashed) return measureArmhfFlashed({ bundle, id, version, drive });
  const started = (csms) => (version === '1.6' ? csms.waitForCall(id, 'StartTransaction', { timeout: 60000 }) : csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'TransactionEvent' && r.payload.eventType === 'Started', { timeout: 60000, what: 'TransactionEvent Started' }));
  const csms = new Csms({ heartbeatInterval: 300 });
  await csms.start();
  try {
    return await measureArmhf({
      url: csms.url,
      bundle,
      id,
      drive: async () => {
        await started(csms);
        await drive(csms, id);
      },
    });
  } finally {
    await csms.stop();
  }
}

/** The Core profile's requests of the parts runs: the whole configuration (the largest answer) and a change of it, at once. */
async function coreRequests(csms, id) {
  const [config, change] = await Promise.all([
    csms.call(id, 'GetConfiguration', {}, { timeout: 30 }),
    csms.call(id, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '300' }, { timeout: 30 }),
  ]);
  if (!config || !Array.isArray(config.configurationKey) || config.configurationKey.length < 20 || !change || change.status !== 'Accepted') throw new Error(`GetConfiguration / ChangeConfiguration: ${JSON.stringify([config, change])}`);
}

/**
 * The same session with the parts at work in the middle of charging: a GetDiagnostics (the
 * diagnostics part), a GetLog (the security extension's security-log part) and a
 * GetConfiguration with a ChangeConfiguration (the Core profile's requests) once the first
 * transaction runs (the flashed firmware's session: once both have started), the three parts loaded from the bundle file at once (and the transfer
 * flow the first two run on, once), each making its
 * answer or report and let go while the transactions go on. The peak is the session's with
 * the parts beside it: the room parts need on top of the plain session's peak. `flashed`: the
 * flashed firmware's session on the hardware backend (sessionDriven).
 */
export async function measureArmhfWithParts({ bundle, flashed = false }) {
  const ended = (csms, from, id, action, status) => csms.waitFor((r) => r.seq >= from && r.station === id && r.type === 'CALL' && r.action === action && status.test(r.payload.status), { timeout: 60000, what: action + ' ' + status });
  return sessionDriven({
    bundle,
    flashed,
    id: flashed ? 'BENCH-ARM-FW-PARTS' : 'BENCH-ARM-PARTS',
    drive: async (csms, id) => {
      const from = csms.records.length;
      const [diagnostics, log] = await Promise.all([
        csms.call(id, 'GetDiagnostics', { location: csms.diagnosticsUrl, retries: 0 }, { timeout: 30 }),
        csms.call(id, 'GetLog', { logType: 'DiagnosticsLog', requestId: 1, retries: 0, log: { remoteLocation: csms.diagnosticsUrl } }, { timeout: 30 }),
        coreRequests(csms, id),
      ]);
      if (!diagnostics || !diagnostics.fileName || !log || log.status !== 'Accepted') throw new Error(`GetDiagnostics / GetLog: ${JSON.stringify([diagnostics, log])}`);
      // The armhf host has no diagnosticsUpload (no libcurl for armhf beside amd64's): each
      // report is made and its upload fails at once; the parts ran all the same.
      await Promise.all([ended(csms, from, id, 'DiagnosticsStatusNotification', /^Upload(ed|Failed)$/), ended(csms, from, id, 'LogStatusNotification', /^(Uploaded|UploadFailure)$/)]);
    },
  });
}

/**
 * The same session of a Core-only build with its one part at work in the middle of charging:
 * a GetConfiguration with a ChangeConfiguration (the core-requests part loaded, answering).
 */
export async function measureArmhfWithCoreRequests({ bundle, flashed = false }) {
  return sessionDriven({ bundle, flashed, id: flashed ? 'BENCH-ARM-FW-CORE-REQUESTS' : 'BENCH-ARM-CORE-REQUESTS', drive: coreRequests });
}

/**
 * The OCPP 2.0.1 station's session (its simulator bundle as bytecode, 2 EVSEs) with what a CSMS
 * asks of it now and then, once the first transaction has started (the flashed firmware's
 * session: once both have), all at once: a GetBaseReport
 * FullInventory (every variable, NotifyReport part after part), a GetLog of the DiagnosticsLog and
 * an UpdateFirmware (the station's two parts loaded at once; the armhf host has no download or
 * upload member, so the update ends DownloadFailed and the upload UploadFailure, each after its
 * flow ran). The peak is the session's with all of it beside. `flashed`: the flashed 2.0.1
 * firmware's session on the hardware backend instead (sessionDriven).
 */
export async function measureArmhf201WithEpisodes({ bundle, flashed = false }) {
  const id = flashed ? 'BENCH-ARM-FW-201-EPISODES' : 'BENCH-ARM-201-EPISODES';
  return sessionDriven({
    bundle,
    flashed,
    id,
    version: '2.0.1',
    drive: async (csms) => {
      const seen = (from, action, test) => csms.waitFor((r) => r.seq >= from && r.station === id && r.type === 'CALL' && r.action === action && test(r.payload), { timeout: 60000, what: action });
      const from = csms.records.length;
      const calls = [
        ['GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }],
        ['GetLog', { logType: 'DiagnosticsLog', requestId: 2, retries: 0, log: { remoteLocation: csms.diagnosticsUrl } }],
        ['UpdateFirmware', { requestId: 3, retries: 0, firmware: { location: csms.diagnosticsUrl + 'none.bin', retrieveDateTime: new Date().toISOString() } }],
      ];
      const ask = ([action, payload]) => csms.call(id, action, payload, { timeout: 30 });
      let answers;
      if (!flashed) answers = await Promise.all(calls.map(ask));
      else {
        // The flashed firmware's at fixed points of the station's flows, so that they interleave
        // the same way in every run (the CSMS's next call and the station's own messages no
        // longer race): the report's first NotifyReport is held unanswered (the station sends
        // nothing more until it is answered), the log and the update are asked meanwhile, a
        // moment each for the station to go as far as it can, then the report goes on, and the
        // three flows' messages go out in the station's order.
        let release;
        const released = new Promise((resolve) => (release = resolve));
        csms.handle('NotifyReport', () => released.then(() => ({})));
        try {
          answers = [await ask(calls[0])];
          await seen(from, 'NotifyReport', () => true);
          for (const call of calls.slice(1)) {
            answers.push(await ask(call));
            await sleep(EPISODE_SETTLE_MS);
          }
        } finally {
          release();
        }
      }
      if (answers.some((a) => !a || a.status !== 'Accepted')) throw new Error(`GetBaseReport / GetLog / UpdateFirmware: ${JSON.stringify(answers)}`);
      await Promise.all([
        seen(from, 'NotifyReport', (p) => p.tbc === false),
        seen(from, 'LogStatusNotification', (p) => p.status === 'Uploaded' || p.status === 'UploadFailure'),
        seen(from, 'FirmwareStatusNotification', (p) => p.status === 'DownloadFailed' || p.status === 'Downloaded'),
      ]);
    },
  });
}
