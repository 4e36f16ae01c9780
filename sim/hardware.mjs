// The charger's IO members of the host ABI (hardwareInfo … hardwareListen, hal/host-abi.ts) on
// the simulator host, over one of two backends:
//
//   StateFolder     `--hardware DIR`: the folder of state files a charger's IO daemon keeps,
//                   the same backend as the native host's (port/posix/hardware.c; README
//                   "The hardware backend"), so one daemon or test drives either host
//   HostCharger     `--hardware sim`: the simulator's own EV and meter (src/sim/sim-hardware.ts)
//                   outside the guest, for a bundle that has none (the flashed firmware),
//                   driven by the control API and the session scenario (src/sim/host-charger.ts)
//
// hardwareTexts() is the ABI glue, the same texts and error words as the native host's
// src/hardware.c (test/node/host-contract.test.mjs compares them).
import { readFileSync, renameSync, statSync, watch, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Connector ids the members accept (src/hardware.h HARDWARE_MAX_CONNECTORS). */
export const HARDWARE_MAX_CONNECTORS = 32;
/** A state file larger than this is no reading (port/posix/hardware.c STATE_MAX_BYTES). */
const STATE_MAX_BYTES = 4096;

/**
 * The five members' results as texts, over `backend` ({ info(), inputs(id), meter(id) → text
 * or null; write(id, output, value) → null or why }). `connector` is the guest's argument as a
 * number (and its text, for the error).
 */
export function hardwareTexts(backend) {
  const connectorOf = (n) => (Number.isInteger(n) && n >= 1 && n <= HARDWARE_MAX_CONNECTORS ? n : 0);
  const result = (error) => JSON.stringify(error === null ? { ok: true } : { ok: false, error });
  return {
    info: () => backend.info() ?? '',
    inputs: (n) => (connectorOf(n) ? backend.inputs(n) ?? '' : ''),
    meter: (n) => (connectorOf(n) ? backend.meter(n) ?? '' : ''),
    write: (n, shown, text) => {
      let output;
      try {
        output = JSON.parse(text);
      } catch {
        return result(`the output is not JSON: ${text.slice(0, 80)}`);
      }
      const c = connectorOf(n);
      if (!c) return result(`no connector ${shown.slice(0, 40)}`);
      if (output === null || typeof output !== 'object') return result(`unknown output ${text.slice(0, 80)}`);
      if (typeof output.relay === 'boolean') return result(backend.write(c, 'relay', output.relay ? 1 : 0));
      if (typeof output.lock === 'boolean') return result(backend.write(c, 'lock', output.lock ? 1 : 0));
      const limit = output.currentLimitA;
      if (typeof limit === 'number' && Number.isFinite(limit) && limit >= 0) return result(backend.write(c, 'current-limit', limit));
      return result(`unknown output ${text.slice(0, 80)}`);
    },
  };
}

/** hardwareWrite's error for a lock that does not move (the ABI's word, a ChargePointErrorCode). */
const LOCK_FAILURE = 'ConnectorLockFailure';

/** "inputs-N" → N (1..32), else 0: the file whose change is an input change. */
function inputsConnector(name) {
  const m = /^inputs-([1-9][0-9]?)$/.exec(name || '');
  return m && Number(m[1]) <= HARDWARE_MAX_CONNECTORS ? Number(m[1]) : 0;
}

/** `--hardware DIR`: the IO daemon's state folder (README "The hardware backend"). */
export class StateFolder {
  /** The host's callback: connector N's inputs changed. */
  onChange = null;
  #watcher;

  constructor(dir) {
    let st;
    try {
      st = statSync(dir);
    } catch (err) {
      throw new Error(`--hardware: cannot open ${dir}: ${err.code === 'ENOENT' ? 'No such file or directory' : err.message}`);
    }
    if (!st.isDirectory()) throw new Error(`--hardware: ${dir} is not a folder`);
    this.dir = dir;
    this.#watcher = watch(dir, (event, name) => {
      const c = inputsConnector(name && String(name));
      if (c && this.onChange) this.onChange(c);
    });
  }

  #read(name) {
    try {
      const bytes = readFileSync(join(this.dir, name));
      return bytes.length > STATE_MAX_BYTES ? null : bytes.toString('utf8');
    } catch {
      return null;
    }
  }

  info() {
    return this.#read('info');
  }
  inputs(c) {
    return this.#read(`inputs-${c}`);
  }
  meter(c) {
    return this.#read(`meter-${c}`);
  }
  /**
   * As the native host: the value and a newline, a temporary file renamed over the name. A
   * lock the daemon says does not move (`lock-stuck-N` is 1) is not written: ConnectorLockFailure.
   */
  write(c, output, value) {
    if (output === 'lock' && /^1\s*$/.test(this.#read(`lock-stuck-${c}`) || '')) return LOCK_FAILURE;
    const text = output === 'current-limit' ? `${Number(value.toPrecision(10))}\n` : `${value ? 1 : 0}\n`;
    const temporary = join(this.dir, `.${output}-${c}~`);
    try {
      writeFileSync(temporary, text);
      renameSync(temporary, join(this.dir, `${output}-${c}`));
      return null;
    } catch (err) {
      try {
        unlinkSync(temporary);
      } catch {
        // nothing to remove
      }
      return `${output}-${c}: ${err.message}`;
    }
  }

  close() {
    this.#watcher.close();
  }
}

let hostChargerModule = null;

/**
 * src/sim/host-charger.ts (with sim-hardware.ts and control-commands.ts) bundled for Node by
 * esbuild, once per process: the simulator's EV model and control commands, the same source
 * the simulator's bundle carries.
 */
export async function loadHostCharger() {
  if (!hostChargerModule) {
    const { build } = await import('esbuild');
    const entry = fileURLToPath(new URL('../src/sim/host-charger.ts', import.meta.url));
    const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', target: 'es2020', write: false, logLevel: 'silent' });
    hostChargerModule = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  }
  return hostChargerModule;
}

/**
 * `--hardware sim`: the simulated charger for a station with these settings (connectors,
 * maxCurrentA, cableLock, phases, voltageV, ev), its meter registers in the station's files.
 */
export async function simulatedCharger(settings, files, { connected, log }) {
  const { HostCharger } = await loadHostCharger();
  return new HostCharger({
    connectors: Math.max(1, Number(settings.connectors) || 2),
    maxCurrentA: settings.maxCurrentA,
    cableLock: settings.cableLock,
    phases: settings.phases,
    voltageV: settings.voltageV,
    ev: settings.ev,
    ticks: () => performance.now(),
    defer: (fn) => setImmediate(fn),
    setTimeout: (fn, ms) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    },
    setInterval: (fn, ms) => {
      const t = setInterval(fn, ms);
      return { cancel: () => clearInterval(t) };
    },
    storage: { get: (key) => files.read(key), set: (key, value) => files.write(key, value) },
    connected,
    log,
  });
}


