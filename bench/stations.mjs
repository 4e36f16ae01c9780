// Small helpers around the simulator host for the benchmark figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedStation } from '../sim/host.mjs';

/** A throw-away data folder for a figure's stations; remove() deletes it. */
export function scratchDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `ocpp-bench-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The OCPP action of a CALL frame's text, or null. */
export function callAction(text) {
  const m = /^\[\s*2\s*,\s*"[^"]*"\s*,\s*"([A-Za-z]+)"/.exec(text);
  return m ? m[1] : null;
}

/** A station that has not started yet, with warnings and errors collected for the report. */
export function newStation({ id, url, dataDir, settings = {}, bundle, heapLimit, memorySampleMs }) {
  const station = new SimulatedStation({
    settings: { url, id, connectors: 2, scenario: 'idle', duration: 0, logLevel: 'warning', ...settings },
    dataDir,
    ...(bundle ? { bundle } : {}),
    ...(heapLimit ? { heapLimit } : {}),
    ...(memorySampleMs ? { memorySampleMs } : {}),
  });
  station.problems = [];
  station.on('log', (e) => {
    if (e.level >= 30) station.problems.push(e.text);
  });
  return station;
}

/** Resolves with the time (performance.now()) the station sends its first CALL of `action`. */
export function whenSent(station, action, { timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      station.off('frame', onFrame);
      reject(new Error(`${station.id} sent no ${action} within ${timeoutMs} ms` + lastProblem(station)));
    }, timeoutMs);
    function onFrame({ direction, text }) {
      if (direction !== 'sent' || callAction(text) !== action) return;
      clearTimeout(timer);
      station.off('frame', onFrame);
      resolve(performance.now());
    }
    station.on('frame', onFrame);
  });
}

/** Resolves when the first frame received after `action` was sent arrives (its answer). */
export function whenAnswered(station, action, { timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    let sent = false;
    const timer = setTimeout(() => {
      station.off('frame', onFrame);
      reject(new Error(`${station.id}: no answer to ${action} within ${timeoutMs} ms` + lastProblem(station)));
    }, timeoutMs);
    function onFrame({ direction, text }) {
      if (direction === 'sent' && callAction(text) === action) sent = true;
      else if (sent && direction === 'received' && /^\[\s*[34]/.test(text)) {
        clearTimeout(timer);
        station.off('frame', onFrame);
        resolve(performance.now());
      }
    }
    station.on('frame', onFrame);
  });
}

function lastProblem(station) {
  const p = station.problems && station.problems[station.problems.length - 1];
  return p ? ` (last warning: ${p})` : '';
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
