// Figure 2: QuickJS heap of one station after boot (BootNotification answered, the station
// idle), for the flashed firmware (dist/firmware.min.js) and the simulator's bundle
// (dist/simulator.min.js: the same station on the simulated charger), and the peak over a
// whole charging session with 2 connectors, which needs the simulated EV: the simulator's
// bundle. One station is one QuickJS runtime, so this is also the per-station figure of the
// simulator.
//
// The two hosts count differently, so both are printed: the simulator host samples QuickJS's
// own memory_used_size after every callback and at QuickJS's interrupt polls while one runs
// (so the peak includes the bundle's evaluation); the native host counts every byte QuickJS mallocs
// (the parser's too, when it is given the script rather than its bytecode) and evaluates in
// strip mode (no function source text kept), which the quickjs-emscripten build offers no
// way to do.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { newStation, scratchDir, whenAnswered } from './stations.mjs';

const SETTLE_MS = 300;
const SESSION_TIMEOUT_MS = 120000;
const NATIVE_PEAK = /heap peak (\d+) bytes/;

/** Starts `station` and resolves with its heap once the BootNotification is answered and it settled. */
async function heapAfterBoot(station) {
  const booted = whenAnswered(station, 'BootNotification');
  await station.start();
  await booted;
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return station.memory().used;
}

/** The simulator host's heap after boot of any bundle (no session: the flashed firmware has no EV to charge). */
export async function measureBoot({ url, bundle, id }) {
  const scratch = scratchDir('boot');
  const station = newStation({ id, url, dataDir: scratch.dir, bundle });
  try {
    return await heapAfterBoot(station);
  } finally {
    if (station.running) await station.stop(0, 'benchmark over');
    scratch.remove();
  }
}

export async function measureMemory({ url, bundle, id = 'BENCH-MEM' }) {
  const scratch = scratchDir('memory');
  const station = newStation({ id, url, dataDir: scratch.dir, bundle, settings: { scenario: 'session', connectors: 2, duration: 0 } });
  try {
    const afterBoot = await heapAfterBoot(station);
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('the session did not end within 120 s')), SESSION_TIMEOUT_MS).unref());
    const result = await Promise.race([station.exited, timeout]);
    if (result.code !== 0) throw new Error(`the session station exited ${result.code}: ${result.reason}`);
    return { afterBoot, sessionPeak: station.memory().peak, limit: station.memory().limit };
  } finally {
    if (station.running) await station.stop(0, 'benchmark over');
    scratch.remove();
  }
}

/** The native host's peak over the same session (it prints it at exit); null when not built. */
export async function measureMemoryNative({ url, binary, bundle, id }) {
  if (!existsSync(binary)) return null;
  const scratch = scratchDir('memory-native');
  try {
    const child = spawn(binary, [bundle, '--url', url, '--id', id, '--scenario', 'session', '--connectors', '2', '--data-dir', scratch.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peak = null;
    const lines = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        const m = NATIVE_PEAK.exec(line);
        if (m) peak = Number(m[1]);
      });
    }
    const timer = setTimeout(() => child.kill('SIGTERM'), SESSION_TIMEOUT_MS);
    const code = await new Promise((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    if (code !== 0 || peak === null) throw new Error(`the native session exited ${code}: ${lines.slice(-3).join(' | ')}`);
    return { sessionPeak: peak };
  } finally {
    scratch.remove();
  }
}
