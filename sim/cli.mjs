// The simulator CLI: `npm run sim -- --url ws://host:9000/ocpp --id CP --stations 10 --scenario session`.
// Runs each station (the firmware bundle in its own QuickJS runtime, sim/host.mjs) and
// shows progress: with a few stations every step each one logs; with many, a compact
// status line every few seconds (and still every warning and error). --log-level debug
// shows everything, every frame included.
import { fileURLToPath } from 'node:url';
import { SimulatedStation, LOG_LEVELS } from './host.mjs';
import { relative } from 'node:path';
import { parseCliArgs, flagsNotHonoured, UsageError, USAGE } from './cli-options.mjs';
import { formatLog, clock } from './format.mjs';
import { Fleet } from './fleet.mjs';
import { ControlServer, HttpError } from './control.mjs';
import { checkSettings } from './settings-file.mjs';

/** Up to this many stations, every step of every station is printed. */
const EVERY_LINE_UP_TO = 4;
const STATUS_EVERY_MS = 5000;

/**
 * Runs the stations to their end. Resolves with the process exit code: 0 when all exited 0.
 * With `config.control` the control API serves the stations (and may add and remove some)
 * until Ctrl-C or `signal`, whether the stations have ended or not.
 * @param {ReturnType<typeof parseCliArgs>} config
 * @param {{ out?: (line: string) => void, statusEveryMs?: number, bundle?: object, signal?: AbortSignal,
 *   onControl?: (server: ControlServer) => void, forceExit?: (code: number) => void }} [io]
 *   `bundle` ({ code, filename }) replaces config.bundle (tests); `signal` ends the run as Ctrl-C does;
 *   `forceExit` ends the process when a second SIGINT / SIGTERM comes while the stations stop
 */
export async function runStations(
  config,
  { out = (l) => console.log(l), statusEveryMs = STATUS_EVERY_MS, bundle = config.bundle, signal, onControl, forceExit = (code) => process.exit(code) } = {}
) {
  const { stations: settingsList, logLevel } = config;
  const everyLine = settingsList.length <= EVERY_LINE_UP_TO || logLevel === 'debug';
  const bundleName = typeof bundle === 'string' ? relative(process.cwd(), bundle) : (bundle && bundle.filename) || 'the default bundle';
  out(
    `sim: ${settingsList.length} station(s) → ${config.url}/<id> (${bundleName}, scenario ${config.scenario}, ` +
      `${settingsList[0].connectors} connector(s), heap limit ${config.heapLimit} bytes, data in ${config.dataDir})`
  );

  /** Last step each station logged, for the status line. */
  const lastStep = new Map();
  const fleet = new Fleet({
    create: (settings) => {
      const station = new SimulatedStation({ settings, dataDir: config.dataDir, heapLimit: config.heapLimit, logLevel, hardware: config.hardware, ...(bundle && { bundle }) });
      station.on('log', (e) => {
        if (e.level === LOG_LEVELS.info && e.source === 'bundle') lastStep.set(station.id, e.text);
        if (everyLine || e.level >= LOG_LEVELS.warning) out(formatLog(station.id, e));
      });
      if (everyLine) station.on('exit', ({ code, reason }) => code === 0 && out(`${clock()}  ${station.id}  exited 0 (${reason})`));
      return station;
    },
  });

  const status = everyLine ? null : setInterval(() => out(statusLine(fleet.stations(), lastStep)), statusEveryMs);
  // SIGINT / SIGTERM (or `signal`) end the run cleanly: every station stops with exit 0, its
  // websocket closed with 1001 (its files are durable at every write: nothing is left to
  // flush). A second SIGINT / SIGTERM does not wait for the closes.
  /** What ended the run ('SIGINT', 'SIGTERM', 'abort'), or null. */
  let stoppedBy = null;
  /** Stations that had already failed on their own when the run was stopped. */
  let failedBefore = [];
  let endControl;
  const controlEnded = new Promise((resolve) => (endControl = resolve));
  const stopRun = (why) => {
    if (stoppedBy) {
      if (why === 'abort') return;
      out(`sim: ${why} again: exiting at once, without waiting for the connections to close`);
      forceExit(EXIT_FORCED);
      return;
    }
    stoppedBy = why;
    const stations = fleet.stations();
    failedBefore = stations.filter((s) => s.result && s.result.code !== 0);
    out(`sim: ${describeStop(why)}: stopping ${stations.filter((s) => s.running || s.poweredOff).length} station(s)${why === 'abort' ? '' : ' (again to exit at once)'}`);
    for (const s of stations) s.stop(0, `stopped by ${why}`);
    endControl();
  };
  const onAbort = () => stopRun('abort');
  process.on('SIGINT', stopRun);
  process.on('SIGTERM', stopRun);
  if (signal) signal.addEventListener('abort', onAbort, { once: true });
  let control = null;
  try {
    for (const settings of settingsList) {
      if (stoppedBy) break;
      const station = await fleet.add(settings);
      if (stoppedBy) station.stop(0, `stopped by ${stoppedBy}`); // the signal came while it booted
      if (fleet.size === 1) reportIgnoredFlags(config.givenFlags || [], actedOn(station, config), bundleName, out);
    }
    if (config.control && !stoppedBy) {
      control = new ControlServer({ fleet, ...config.control, addStations: stationAdder(config, fleet) });
      const url = await control.start();
      out(`sim: control API and dashboard on ${url}/${config.control.token ? ' (token required)' : ''}; Ctrl-C ends the run`);
      if (onControl) onControl(control);
      await controlEnded;
    }
    const stations = fleet.stations();
    const results = await Promise.all(stations.map((s) => s.exited));
    // the close frames reach the CSMS before the process ends
    await Promise.all(stations.map((s) => s.closed()));
    if (status) out(statusLine(stations, lastStep));
    const failed = stoppedBy ? failedBefore : stations.filter((s, i) => results[i].code !== 0);
    for (const s of failed) out(`sim: ${s.id} failed: exit ${s.result.code}: ${s.result.reason}`);
    if (stoppedBy) {
      out(
        `sim: stopped by ${describeStop(stoppedBy)}: ${stations.length} station(s) ended, their connections closed (1001)` +
          (failed.length ? `; ${failed.length} had failed before` : '')
      );
    } else if (!(failed.length === 1 && stations.length === 1)) {
      // (one station that failed: its reason above is the last line — the connect error of an unreachable CSMS, …)
      out(failed.length === 0 ? `sim: all ${stations.length} station(s) exited 0` : `sim: ${failed.length} of ${stations.length} station(s) failed`);
    }
    return failed.length === 0 ? 0 : 1;
  } finally {
    if (status) clearInterval(status);
    process.off('SIGINT', stopRun);
    process.off('SIGTERM', stopRun);
    if (signal) signal.removeEventListener('abort', onAbort);
    if (control) await control.stop();
    await fleet.stopAll(1, 'simulator ending');
  }
}

/** Exit status when a second signal cuts the wait for the stations' closes short. */
const EXIT_FORCED = 130;

function describeStop(why) {
  return why === 'SIGINT' ? 'SIGINT (Ctrl-C)' : why === 'abort' ? 'the caller' : why;
}

/**
 * The settings the station acts on: its bundle's, and with --hardware sim those of the
 * session or idle run the host's simulated driver runs for a bundle without scenarios.
 */
function actedOn(station, config) {
  const honoured = station.settingsHonoured;
  if (!station.charger || !honoured || honoured.includes('scenario')) return honoured;
  if (config.scenario === 'session') return [...honoured, 'scenario', 'idTag', 'duration'];
  if (config.scenario === 'idle') return [...new Set([...honoured, 'scenario', 'duration'])];
  return honoured;
}

/** Flags the bundle would ignore, said once: it declared (hal.declareSettings) what it acts on, or nothing. */
function reportIgnoredFlags(givenFlags, honoured, bundleName, out) {
  const ignored = flagsNotHonoured(givenFlags, honoured).map((f) => '--' + f);
  if (!ignored.length) return;
  if (honoured) out(`sim: warning: ${bundleName} does not act on ${ignored.join(', ')} (it acts on the settings ${honoured.join(', ')}); ignored`);
  else out(`sim: warning: ${bundleName} does not declare which settings it acts on (hal.declareSettings), so ${ignored.join(', ')} may be ignored`);
}

/**
 * POST /api/stations: `count` stations with the CLI's settings, `settings` over them; ids
 * `id` (one), `id-1` … `id-N`, or the next free `<--id>-N`.
 */
function stationAdder(config, fleet) {
  const { id: _, ...common } = config.stations[0];
  let next = config.stations.length + 1;
  return async ({ count, id, settings }) => {
    try {
      checkSettings(settings, 'settings');
    } catch (err) {
      throw new HttpError(400, err.message);
    }
    if (settings.id !== undefined) throw new HttpError(400, 'settings: give the id as "id" beside "settings"');
    let ids;
    if (id !== undefined) ids = count === 1 ? [id] : Array.from({ length: count }, (_, i) => `${id}-${i + 1}`);
    else {
      ids = [];
      while (ids.length < count) {
        const candidate = `${config.idBase}-${next++}`;
        if (!fleet.has(candidate)) ids.push(candidate);
      }
    }
    const taken = ids.filter((x) => fleet.has(x));
    if (taken.length) throw new HttpError(409, `station ${taken.join(', ')} exists already`);
    for (const stationId of ids) await fleet.add({ ...common, ...settings, id: stationId });
    return ids;
  };
}

/**
 * One compact line for many stations: counts, traffic, heap, and what they are doing
 * (their last steps, numbers folded so "transaction 7 started" and "... 9 ..." group).
 */
export function statusLine(stations, lastStep) {
  const running = stations.filter((s) => s.running).length;
  const ok = stations.filter((s) => s.result && s.result.code === 0).length;
  const failed = stations.filter((s) => s.result && s.result.code !== 0).length;
  let sent = 0;
  let received = 0;
  let peak = 0;
  for (const s of stations) {
    sent += s.stats.framesSent;
    received += s.stats.framesReceived;
    peak = Math.max(peak, s.memory().peak);
  }
  const groups = new Map();
  for (const s of stations) {
    if (!s.running || !lastStep.has(s.id)) continue;
    const step = lastStep.get(s.id).replace(/\d+/g, '#');
    groups.set(step, (groups.get(step) || 0) + 1);
  }
  const doing = [...groups.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([step, n]) => `${n}× "${step.length > 40 ? step.slice(0, 39) + '…' : step}"`)
    .join(', ');
  return (
    `${clock()}  status: ${running} running, ${ok} done, ${failed} failed | frames ${sent} sent, ${received} received | ` +
    `heap peak ${(peak / 1024).toFixed(0)} KB${doing ? ' | ' + doing : ''}`
  );
}

async function main() {
  let config;
  try {
    config = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`sim: ${err.message}\n(npm run sim -- --help lists every option)`);
    return 2;
  }
  if (config.help) {
    console.log(USAGE);
    return 0;
  }
  return runStations(config);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`sim: ${err.stack || err.message}`);
      process.exit(1);
    }
  );
}
