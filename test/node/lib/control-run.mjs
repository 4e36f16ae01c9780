// A simulator run with the control API, for the tests that drive it (sim-control, dashboard):
// the strict embedded CSMS, runStations (the CLI's own path) on a free loopback port, and
// small HTTP helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { Csms } from '../../../sim/csms.mjs';
import { runStations } from '../../../sim/cli.mjs';
import { parseCliArgs } from '../../../sim/cli-options.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'sim-control-'));
const runs = [];

/** A CSMS and a simulator run with the control API on a free loopback port. */
export async function startRun(flags = [], csmsOptions = {}) {
  const csms = new Csms({ heartbeatInterval: 300, callTimeout: 5, log: () => {}, ...csmsOptions });
  await csms.start();
  const dir = mkdtempSync(join(dataDir, 'run-'));
  const config = parseCliArgs(['--url', csms.url, '--id', 'CP', '--scenario', 'none', '--data-dir', dir, '--control', '127.0.0.1:0', ...flags]);
  const abort = new AbortController();
  const run = { csms, abort, dir };
  runs.push(run);
  let server;
  const ready = new Promise((resolve, reject) => {
    run.done = runStations(config, { out: () => {}, signal: abort.signal, onControl: (s) => resolve((server = s)) });
    run.done.then(() => reject(new Error('the run ended before the control API was up')), reject);
  });
  await ready;
  run.server = server;
  run.url = server.url;
  return run;
}

export async function endRun(run) {
  run.abort.abort();
  await run.done;
  await run.csms.stop();
}

/** One HTTP request; resolves { status, headers, body (parsed JSON or text) }. */
export function http(url, { method = 'GET', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const h = { ...(text !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }), ...headers };
    for (const k of Object.keys(h)) if (h[k] === null) delete h[k];
    const req = request(url, { method, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let parsed = raw;
        try {
          parsed = JSON.parse(raw);
        } catch {
          // not JSON: the text
        }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

export const post = (run, path, body, headers) => http(run.url + path, { method: 'POST', body: body ?? {}, headers });

export async function until(what, check, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Ends every run still going and removes their files (a test file's after()). */
export async function endAllRuns() {
  for (const run of runs) if (!run.abort.signal.aborted) await endRun(run).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}
