// `npm start`: the embedded CSMS on a free local port, one simulated station running
// `--scenario session` against it, and a readable log of every message and step. Exits 0
// after a complete, schema-clean session; otherwise non-zero with the reason.
// `npm start -- --ocpp 2.0.1`: the same with the OCPP 2.0.1 station (its simulator bundle, dist/simulator-201.min.js).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Csms } from './csms.mjs';
import { SimulatedStation } from './host.mjs';
import { clock } from './format.mjs';

const STATION_ID = 'CP-DEMO';
const TIME_LIMIT_MS = 30000;

const BUNDLE_201 = fileURLToPath(new URL('../dist/simulator-201.min.js', import.meta.url));

export async function runDemo({ out = (line) => console.log(line), timeLimitMs = TIME_LIMIT_MS, ocpp = '1.6' } = {}) {
  const v201 = ocpp === '2.0.1';
  const started = Date.now();
  const csms = new Csms({ heartbeatInterval: 60, log: out });
  await csms.start();
  // A fresh data folder: the demo starts from a clean station, not from a queue left by an earlier run.
  const dataDir = mkdtempSync(join(tmpdir(), 'ocpp-demo-'));
  const station = new SimulatedStation({
    settings: {
      url: csms.url,
      id: STATION_ID,
      connectors: 2,
      scenario: 'session',
      idTag: 'DEMO-TAG',
      logLevel: 'info',
      // 2.0.1: a TransactionEvent Updated with meter values every 4 s of the short session.
      ...(v201 ? { configuration: { 'SampledDataCtrlr/TxUpdatedInterval': 4 } } : {}),
    },
    dataDir,
    ...(v201 ? { bundle: BUNDLE_201 } : {}),
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
    const done = v201
      ? [...csms.transactions201.entries()].filter(([, tx]) => tx.station === STATION_ID && tx.ended).map(([id, tx]) => [id, { meterStart: tx.energyStart, meterStop: tx.energyEnd, meterValues: tx.meterValues, events: tx.events }])
      : [...csms.transactions.entries()].filter(([, tx]) => tx.station === STATION_ID && tx.meterStop !== null);
    const schemas = v201 ? 'OCPP 2.0.1' : 'OCPP 1.6';
    if (!problem && done.length === 0) problem = 'the station exited 0, but the CSMS saw no completed transaction';
    if (!problem && csms.violations.length) problem = `${csms.violations.length} message(s) failed the ${schemas} schemas (see above)`;
    if (!problem) {
      const [id, tx] = done[0];
      const m = station.memory();
      const events = tx.events ? `${tx.events.length} TransactionEvent(s) (${tx.events.map((e) => e.eventType).join(', ')}), ` : '';
      out(
        `\nnpm start: session complete — transaction ${id}, ${tx.meterStop - tx.meterStart} Wh, ${events}${tx.meterValues.length} meter value(s), ` +
          `${csms.messages(STATION_ID).length} messages, all valid against the ${schemas} schemas; ` +
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
  let ocpp;
  try {
    ({ values: { ocpp = '1.6' } } = parseArgs({ args: process.argv.slice(2), options: { ocpp: { type: 'string' } } }));
    if (ocpp !== '1.6' && ocpp !== '2.0.1') throw new Error(`--ocpp must be 1.6 or 2.0.1, got "${ocpp}"`);
  } catch (err) {
    console.error(`npm start: ${err.message}\nusage: npm start [-- --ocpp 1.6|2.0.1]`);
    process.exit(2);
  }
  runDemo({ ocpp }).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`npm start: ${err.stack || err.message}`);
      process.exit(1);
    }
  );
}
