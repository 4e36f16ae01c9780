// `npm start`: the embedded CSMS on a free local port, one simulated station running
// `--scenario session` against it, and a readable log of every message and step. Exits 0
// after a complete, schema-clean session; otherwise non-zero with the reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Csms } from './csms.mjs';
import { SimulatedStation } from './host.mjs';
import { clock } from './format.mjs';

const STATION_ID = 'CP-DEMO';
const TIME_LIMIT_MS = 30000;

export async function runDemo({ out = (line) => console.log(line), timeLimitMs = TIME_LIMIT_MS } = {}) {
  const started = Date.now();
  const csms = new Csms({ heartbeatInterval: 60, log: out });
  await csms.start();
  // A fresh data folder: the demo starts from a clean station, not from a queue left by an earlier run.
  const dataDir = mkdtempSync(join(tmpdir(), 'ocpp-demo-'));
  const station = new SimulatedStation({
    settings: { url: csms.url, id: STATION_ID, connectors: 2, scenario: 'session', idTag: 'DEMO-TAG', logLevel: 'info' },
    dataDir,
  });
  station.on('log', (e) => out(`${clock(e.time)}  ${STATION_ID}  ·  ${e.level > 20 ? `[${e.level >= 40 ? 'error' : 'warning'}] ` : ''}${e.text}`));
  out(`${clock()}  ${STATION_ID}  ·  simulated station starting (firmware bundle in QuickJS, heap limit ${station.heapLimit} bytes)`);

  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ code: null, reason: `the session did not finish within ${timeLimitMs / 1000} s` }), timeLimitMs);
  });
  let problem = null;
  try {
    await station.start();
    const result = await Promise.race([station.exited, timedOut]);
    // The station closed its websocket (1000) as it ended: the CSMS hears the close before the summary.
    if (result.code !== null) await station.closed();
    if (result.code === null) problem = result.reason;
    else if (result.code !== 0) problem = `the station ended with exit ${result.code}: ${result.reason}`;
    const done = [...csms.transactions.entries()].filter(([, tx]) => tx.station === STATION_ID && tx.meterStop !== null);
    if (!problem && done.length === 0) problem = 'the station exited 0, but the CSMS saw no completed transaction';
    if (!problem && csms.violations.length) problem = `${csms.violations.length} message(s) failed the OCPP 1.6 schemas (see above)`;
    if (!problem) {
      const [id, tx] = done[0];
      const m = station.memory();
      out(
        `\nnpm start: session complete — transaction ${id}, ${tx.meterStop - tx.meterStart} Wh, ${tx.meterValues.length} meter value(s), ` +
          `${csms.messages(STATION_ID).length} messages, all valid against the OCPP 1.6 schemas; ` +
          `heap peak ${(m.peak / 1024).toFixed(0)} KB of ${(m.limit / 1024).toFixed(0)} KB; ${((Date.now() - started) / 1000).toFixed(1)} s`
      );
    }
  } catch (err) {
    problem = err.message;
  } finally {
    clearTimeout(timer);
    if (station.running) await station.stop(1, problem || 'demo over');
    await csms.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (problem) out(`\nnpm start: FAILED — ${problem}`);
  return problem ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runDemo().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`npm start: ${err.stack || err.message}`);
      process.exit(1);
    }
  );
}
