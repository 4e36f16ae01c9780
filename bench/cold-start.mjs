// Figure 3: cold start — from evaluating the bundle to the BootNotification frame on the wire.
// Simulator host: a new QuickJS runtime per run (the WebAssembly module is loaded once before,
// as a module boots its engine before the bundle). Native host: the whole process, from spawn.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { getQuickJS } from 'quickjs-emscripten';
import { median, newStation, scratchDir, whenSent } from './stations.mjs';

export async function coldStartSim({ url, runs, bundle }) {
  await getQuickJS();
  const scratch = scratchDir('cold');
  const times = [];
  const evalTimes = [];
  try {
    for (let i = 0; i < runs; i++) {
      const station = newStation({ id: `BENCH-COLD-${i}`, url, dataDir: scratch.dir, bundle });
      const sent = whenSent(station, 'BootNotification');
      const t0 = performance.now();
      await station.start();
      evalTimes.push(performance.now() - t0);
      times.push((await sent) - t0);
      await station.stop(0, 'benchmark over');
    }
  } finally {
    scratch.remove();
  }
  return { medianMs: median(times), evalMedianMs: median(evalTimes), runs };
}

/** Same with the native host: spawn → the host logs the BootNotification frame (debug). */
export async function coldStartNative({ url, runs, binary, bundle }) {
  if (!existsSync(binary)) return null;
  const scratch = scratchDir('cold-native');
  const times = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const child = spawn(binary, [bundle, '--url', url, '--id', `BENCH-NCOLD-${i}`, '--scenario', 'idle', '--data-dir', scratch.dir, '--log-level', 'debug'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const seen = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the native host sent no BootNotification within 10 s')), 10000);
        for (const stream of [child.stdout, child.stderr]) {
          createInterface({ input: stream }).on('line', (line) => {
            if (/"BootNotification"/.test(line)) {
              clearTimeout(timer);
              resolve(performance.now());
            }
          });
        }
      });
      try {
        times.push((await seen) - t0);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      }
    }
  } finally {
    scratch.remove();
  }
  return { medianMs: median(times), runs };
}
