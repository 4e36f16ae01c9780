// The dashboard (GET / of the control API, sim/dashboard/) in a real browser: Debian's
// chromium, driven by puppeteer-core. The page loads, shows the stations live, and a click on
// "Plug in" and "Present card" starts a transaction at the strict CSMS that the page then
// shows; the screenshot is saved as test/artifacts/dashboard.png. Then the page with 1,000
// stations changing every second: its figures are measured and printed (and saved as
// test/artifacts/dashboard-1000.json). Skipped, with the reason, where chromium is absent.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ControlServer } from '../../sim/control.mjs';
import { startRun, endRun, endAllRuns, post } from './lib/control-run.mjs';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const skip = CHROMIUM ? false : 'chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)';

let browser = null;
after(async () => {
  if (browser) await browser.close();
  await endAllRuns();
});

async function launch() {
  const { default: puppeteer } = await import('puppeteer-core');
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  return browser;
}

test('the page shows the stations live; Plug in + Present card start a transaction the page then shows', { skip, timeout: 120000 }, async () => {
  const run = await startRun(['--stations', '3']);
  try {
    await run.csms.waitForCall('CP-3', 'StatusNotification');
    const page = await (browser || (await launch())).newPage();
    await page.setViewport({ width: 1280, height: 860 });
    const problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(run.url + '/');
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 3 && document.getElementById('link').textContent === 'live');
    const ids = await page.$$eval('#rows tr', (rows) => rows.map((r) => r.dataset.id));
    assert.deepEqual(ids, ['CP-1', 'CP-2', 'CP-3']);
    await page.waitForFunction(() => [...document.querySelectorAll('#rows tr')].every((r) => /Accepted/.test(r.textContent)));

    await page.click('tr[data-id="CP-2"]');
    await page.waitForSelector('#connectors .connector[data-connector="1"]');
    const from = run.csms.records.length;
    await page.click('#connectors .connector[data-connector="1"] button[data-command="plug-in"]');
    await page.waitForFunction(() => /cable in/.test(document.querySelector('#connectors .connector[data-connector="1"] .figures').textContent));
    await page.$eval('#card-tag', (input) => (input.value = 'BROWSER-1'));
    await page.click('#present');
    const start = await run.csms.waitForCall('CP-2', 'StartTransaction', { from });
    assert.equal(start.payload.idTag, 'BROWSER-1');
    assert.equal(start.payload.connectorId, 1);
    const answer = await run.csms.waitFor((m) => m.type === 'CALLRESULT' && m.id === start.id);
    const txId = answer.payload.transactionId;
    await page.waitForFunction(
      (tx) => new RegExp('transaction ' + tx + ' · BROWSER-1').test(document.querySelector('#connectors .connector[data-connector="1"] .tx').textContent),
      {},
      txId
    );
    await page.waitForFunction(() => /Charging/.test(document.querySelector('tr[data-id="CP-2"]').textContent));
    const chip = await page.$eval('tr[data-id="CP-2"] .chip[data-connector="1"]', (c) => c.textContent);
    assert.match(chip, new RegExp(`Charging.*tx ${txId}.*BROWSER-1`));
    // The selected station's frames, newest first, as expandable JSON.
    await page.waitForFunction(() => [...document.querySelectorAll('#frames summary')].some((s) => /CALL StartTransaction/.test(s.textContent)));
    await page.evaluate(() => {
      const s = [...document.querySelectorAll('#frames summary')].find((x) => /CALL StartTransaction/.test(x.textContent));
      s.parentElement.open = true;
    });
    const pretty = await page.$$eval('#frames details[open] pre', (p) => p.map((x) => x.textContent).join('\n'));
    assert.match(pretty, /"idTag": "BROWSER-1"/);
    // What the API does shows too: a fault elsewhere, a cable waiting; a little charging for the power chart, then the picture.
    await post(run, '/api/stations/CP-3/fault', { connectorId: 2, errorCode: 'GroundFailure', vendorErrorCode: 'RCD-30mA' });
    await post(run, '/api/stations/CP-1/plug-in', { connectorId: 2 });
    await page.waitForFunction(() => /Faulted/.test(document.querySelector('tr[data-id="CP-3"]').textContent) && /Preparing/.test(document.querySelector('tr[data-id="CP-1"]').textContent));
    await page.waitForFunction(() => /1 charging, 1 faulted/.test(document.getElementById('summary').textContent));
    await new Promise((r) => setTimeout(r, 5000));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: ARTIFACTS + 'dashboard.png' });
    assert.deepEqual(problems, [], 'no script errors on the page');
    await page.close();
  } finally {
    await endRun(run);
  }
});

test('2.0.1 stations: the summary counts a connector whose transaction is in chargingState Charging (its status is Occupied), not one the EV paused', { skip, timeout: 120000 }, async () => {
  const run = await startRun(['--ocpp', '2.0.1', '--stations', '2']);
  try {
    await run.csms.waitForCall('CP-2', 'StatusNotification');
    const page = await (browser || (await launch())).newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(run.url + '/');
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 2 && /2 connected, 0 charging/.test(document.getElementById('summary').textContent));
    const from = run.csms.records.length;
    await post(run, '/api/stations/CP-1/plug-in', { connectorId: 1 });
    await post(run, '/api/stations/CP-1/present-id-tag', { idTag: 'CARD-201' });
    await run.csms.waitFor((m) => m.station === 'CP-1' && m.type === 'CALL' && m.action === 'TransactionEvent' && m.payload.transactionInfo.chargingState === 'Charging', { from });
    await page.waitForFunction(() => /2 connected, 1 charging/.test(document.getElementById('summary').textContent));
    assert.match(await page.$eval('tr[data-id="CP-1"] .chip[data-connector="1"]', (c) => c.textContent), /Occupied/, 'the 2.0.1 status as it is');
    await post(run, '/api/stations/CP-1/ev-requests', { connectorId: 1, value: false });
    await page.waitForFunction(() => /2 connected, 0 charging/.test(document.getElementById('summary').textContent));
    assert.deepEqual(problems, [], 'no script errors on the page');
    await page.close();
  } finally {
    await endRun(run);
  }
});

/**
 * Stations as the control API shows them, without a simulator behind them: the page's cost
 * with many stations is the page's own, so the stations are made up and change every second.
 */
class MadeUpFleet extends EventEmitter {
  constructor(count) {
    super();
    this.setMaxListeners(0);
    this.list = Array.from({ length: count }, (_, i) => ({
      id: `CP-${String(i + 1).padStart(4, '0')}`,
      power: 'on',
      network: 'up',
      connected: true,
      registration: 'Accepted',
      exit: null,
      heap: 540000,
      connectors: [1, 2].map((id) => ({ id, status: 'Charging', charging: true, plugged: true, locked: true, evRequests: true, error: 'NoError', transactionId: i * 2 + id, idTag: 'TAG-' + i, energyWh: 1000 * i, sessionWh: 500, powerW: 11040, socPercent: 40 })),
    }));
  }
  states() {
    return this.list;
  }
  has(id) {
    return this.list.some((s) => s.id === id);
  }
  state(id) {
    return this.list.find((s) => s.id === id) || null;
  }
  frames() {
    return [];
  }
  watch() {
    this.timer = setInterval(() => {
      for (const s of this.list) {
        for (const c of s.connectors) {
          c.powerW = 5000 + Math.round(Math.random() * 6000);
          c.energyWh += 3;
        }
        this.emit('station', s);
      }
    }, 1000);
    return () => clearInterval(this.timer);
  }
}

test('1,000 stations, each changing every second: the page draws one page of them and stays responsive (measured)', { skip, timeout: 120000 }, async () => {
  const fleet = new MadeUpFleet(1000);
  const server = new ControlServer({ fleet, addStations: async () => [] });
  await server.start();
  try {
    const page = await (browser || (await launch())).newPage();
    await page.setViewport({ width: 1280, height: 860 });
    const t0 = Date.now();
    await page.goto(server.url + '/');
    await page.waitForFunction(() => document.getElementById('page-info').textContent === '1–50 of 1000');
    const firstPaintMs = Date.now() - t0;
    assert.equal(await page.$$eval('#rows tr', (r) => r.length), 50, 'one page of 50 rows, not 1,000');
    // Five seconds of 1,000 updates a second, while a script on the page measures how late
    // a 50 ms timer fires (the page's responsiveness to a click).
    const lag = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const late = [];
          let last = performance.now();
          const tick = setInterval(() => {
            const now = performance.now();
            late.push(now - last - 50);
            last = now;
          }, 50);
          setTimeout(() => {
            clearInterval(tick);
            late.sort((a, b) => a - b);
            resolve({ median: late[Math.floor(late.length / 2)], p95: late[Math.floor(late.length * 0.95)], max: late[late.length - 1] });
          }, 5000);
        })
    );
    const stats = await page.evaluate(() => window.dashboardStats);
    assert.ok(stats.updates >= 4000, `the page got the updates (${stats.updates} station updates in ${stats.events} messages)`);
    // Filtering and paging work across all of them.
    await page.type('#filter', 'CP-0999');
    await page.waitForFunction(() => document.getElementById('page-info').textContent === '1–1 of 1');
    const t1 = Date.now();
    await page.$eval('#filter', (f) => {
      f.value = '';
      f.dispatchEvent(new Event('input'));
    });
    await page.click('#next');
    await page.waitForFunction(() => document.getElementById('page-info').textContent === '51–100 of 1000');
    const pageSwitchMs = Date.now() - t1;
    const figures = {
      stations: 1000,
      updatesPerSecond: 1000,
      firstFullPageMs: firstPaintMs,
      renderMsMax: Math.round(stats.maxRenderMs * 10) / 10,
      renderMsLast: Math.round(stats.lastRenderMs * 10) / 10,
      renders: stats.renders,
      messages: stats.events,
      timerLateMs: { median: Math.round(lag.median), p95: Math.round(lag.p95), max: Math.round(lag.max) },
      pageSwitchMs,
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(ARTIFACTS + 'dashboard-1000.json', JSON.stringify(figures, null, 2) + '\n');
    console.log(`dashboard with 1,000 stations: ${JSON.stringify(figures)}`);
    await page.close();
  } finally {
    await server.stop();
  }
});

test('with a token the page asks for it once and keeps it for the tab', { skip, timeout: 60000 }, async () => {
  const fleet = new MadeUpFleet(3);
  const server = new ControlServer({ fleet, token: 'page-token-123', addStations: async () => [] });
  await server.start();
  try {
    const page = await (browser || (await launch())).newPage();
    await page.goto(server.url + '/');
    await page.waitForSelector('#token-form:not([hidden])');
    assert.equal(await page.$$eval('#rows tr', (r) => r.length), 0, 'nothing shown without the token');
    await page.type('#token', 'page-token-123');
    await page.click('#token-form button');
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 3 && document.getElementById('link').textContent === 'live');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('ocpp-sim-token')), 'page-token-123');
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 3);
    assert.equal(await page.$eval('#token-form', (f) => f.hidden), true, 'not asked again in this tab');
    await page.close();
  } finally {
    await server.stop();
  }
});
