// The frame the Node-side station tests share: a data folder of the test file's own, the
// embedded CSMSes it starts, and simulated stations (the real bundle on the simulator host,
// by default the simulator's dist/simulator.min.js) that keep their log lines for the
// failure message. After the file's tests every station still running is stopped, then
// every CSMS, then the folder is removed.
//
//   const rig = stationTests('profiles-integration');
//   let csms;
//   before(async () => { csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5 }); });
//   const station = await rig.start({ url: csms.url, id: 'CP-1', scenario: 'idle' });
//   await within(station, csms.waitForCall('CP-1', 'StatusNotification'));
import { after } from 'node:test';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedStation } from '../../../sim/host.mjs';
import { Csms } from '../../../sim/csms.mjs';

/**
 * @param {string} name the data folder's prefix (the test file's name)
 * @returns {{
 *   dataDir: string,
 *   csms(options: object): Promise<Csms>,
 *   station(settings: object, options?: object): SimulatedStation,
 *   start(settings: object, options?: object): Promise<SimulatedStation>,
 *   stopStations(): Promise<void>,
 * }}
 */
export function stationTests(name) {
  const dataDir = mkdtempSync(join(tmpdir(), name + '-'));
  const stations = [];
  const servers = [];
  const rig = {
    dataDir,
    /** A started embedded CSMS (sim/csms.mjs) with these options, stopped after the file's tests. */
    async csms(options) {
      const server = new Csms(options);
      servers.push(server);
      await server.start();
      return server;
    },
    /**
     * A station, not started: `settings` (hal/settings.ts) and SimulatedStation's other
     * options (bundle, heapLimit, logLevel, …); files in the file's data folder. Its log
     * lines are in `station.logs`.
     */
    station(settings, options = {}) {
      const station = new SimulatedStation({ dataDir, ...options, settings });
      station.logs = [];
      station.on('log', (e) => station.logs.push(e.text));
      stations.push(station);
      return station;
    },
    /** rig.station(), started. */
    async start(settings, options) {
      const station = rig.station(settings, options);
      await station.start();
      return station;
    },
    /** Stops every station still running (a file whose CSMSes end before the file does). */
    async stopStations() {
      for (const s of stations) if (s.running) await s.stop(0, 'test over');
    },
  };
  after(async () => {
    await rig.stopStations();
    for (const server of servers) if (server.listening) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return rig;
}

/** Awaits `promise`; when it fails (a wait timed out), the station's log goes into the error: it says what the station was doing. */
export async function within(station, promise) {
  try {
    return await promise;
  } catch (err) {
    err.message += `\nstation ${station.id ?? ''} log:\n  ${(station.logs || []).join('\n  ')}`;
    throw err;
  }
}

/**
 * The simulator in a process of its own (so that a test can kill it, as a power cut would): one
 * station on SimulatedStation with these settings and data folder (and bundle, else the
 * simulator's default). `logs` collects its output; `exited` resolves with { code, signal }.
 */
export function simulatorProcess(settings, dataDir, bundle) {
  const hostUrl = new URL('../../../sim/host.mjs', import.meta.url).href;
  const code = `
    import { SimulatedStation } from ${JSON.stringify(hostUrl)};
    const station = new SimulatedStation({ settings: JSON.parse(process.argv[1]), dataDir: process.argv[2], bundle: process.argv[3] || undefined });
    station.on('log', (e) => console.log(e.text));
    await station.start();
    const { code } = await station.exited;
    process.exit(code);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, JSON.stringify(settings), dataDir, bundle || ''], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.logs = [];
  child.stdout.on('data', (d) => child.logs.push(...String(d).trimEnd().split('\n')));
  child.stderr.on('data', (d) => child.logs.push(...String(d).trimEnd().split('\n')));
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
}
