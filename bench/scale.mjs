// Figure 5: how many stations one simulator process carries. For each N (stepping up), N
// stations boot against the CSMS (in its own process) and heartbeat at the interval the CSMS
// gives them; the step passes when, over a window of two intervals after the last station
// booted, every station sent every heartbeat within 1 s of its schedule (previous heartbeat +
// interval) and got every answer within 1 s. The figure is the largest N that passed, with
// the memory per station at that N: QuickJS heap (mean of the runtimes) and process RSS.
// Each step runs in a process of its own (this file as a script), so that its RSS is its
// stations' and nothing left over from an earlier step or figure.
//   node bench/scale.mjs --url URL --count N --interval S   → progress lines, then `result {json}`
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { getQuickJS } from 'quickjs-emscripten';
import { callAction, newStation, scratchDir } from './stations.mjs';

const TOLERANCE_MS = 1000;
const SELF = fileURLToPath(import.meta.url);

/** One step, in a child process. */
export function scaleStep({ url, count, intervalS, log }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, '--url', url, '--count', String(count), '--interval', String(intervalS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let result = null;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('result ')) result = JSON.parse(line.slice(7));
      else log(line);
    });
    child.once('close', (code) => (result ? resolve(result) : reject(new Error(`the ${count}-station step exited ${code} without a result`))));
  });
}

async function measureStep({ url, count, intervalS, log }) {
  const scratch = scratchDir(`scale-${count}`);
  await getQuickJS(); // the WebAssembly module is loaded before the baseline
  const rssBefore = process.memoryUsage().rss;
  const stations = [];
  const beats = new Map(); // id -> [{ sent, answered }]
  let late = 0;
  let slowAnswers = 0;
  let failed = null;
  const intervalMs = intervalS * 1000;
  try {
    const t0 = performance.now();
    for (let i = 1; i <= count; i++) {
      const station = newStation({ id: `BENCH-S${i}`, url, dataDir: scratch.dir, memorySampleMs: 1000, settings: { connectors: 2 } });
      const mine = [];
      beats.set(station.id, mine);
      let pending = null;
      station.on('frame', ({ direction, text }) => {
        const now = performance.now();
        if (direction === 'sent' && callAction(text) === 'Heartbeat') {
          pending = { sent: now, answered: null };
          mine.push(pending);
        } else if (direction === 'received' && pending && /^\[\s*3/.test(text)) {
          pending.answered = now;
          pending = null;
        }
      });
      station.exited.then((r) => {
        if (!failed && r.code !== 0) failed = `${station.id} exited ${r.code}: ${r.reason}`;
      });
      stations.push(station);
      await station.start();
      // Let sockets open and answers come in between boots, as stations spread out in reality.
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const bootedAt = performance.now();
    log(`  ${count} stations started in ${((bootedAt - t0) / 1000).toFixed(1)} s; watching heartbeats for ${(2 * intervalS + 2).toFixed(0)} s`);
    await new Promise((r) => setTimeout(r, 2 * intervalMs + 2000));
    const windowStart = bootedAt;
    let missing = 0;
    for (const [, mine] of beats) {
      const inWindow = mine.filter((b) => b.sent >= windowStart);
      if (inWindow.length < 2) missing++;
      for (let k = 1; k < mine.length; k++) {
        if (mine[k].sent < windowStart) continue;
        if (Math.abs(mine[k].sent - mine[k - 1].sent - intervalMs) > TOLERANCE_MS) late++;
      }
      for (const b of inWindow) if (b.answered === null || b.answered - b.sent > TOLERANCE_MS) slowAnswers++;
    }
    const heap = stations.reduce((sum, s) => sum + s.memory().used, 0) / count;
    const rssPerStation = (process.memoryUsage().rss - rssBefore) / count;
    const ok = !failed && late === 0 && slowAnswers === 0 && missing === 0;
    const why = failed || [late && `${late} heartbeat(s) off schedule by > 1 s`, slowAnswers && `${slowAnswers} answer(s) slower than 1 s`, missing && `${missing} station(s) sent fewer than 2 heartbeats`].filter(Boolean).join(', ');
    return { count, ok, why: ok ? '' : why, heapPerStation: heap, rssPerStation, bootSeconds: (bootedAt - t0) / 1000 };
  } finally {
    await Promise.all(stations.map((s) => (s.running ? s.stop(0, 'benchmark over') : null)));
    scratch.remove();
  }
}

if (process.argv[1] === SELF) {
  const { values } = parseArgs({ options: { url: { type: 'string' }, count: { type: 'string' }, interval: { type: 'string' } } });
  const result = await measureStep({ url: values.url, count: Number(values.count), intervalS: Number(values.interval), log: (line) => console.log(line) });
  console.log('result ' + JSON.stringify(result));
  process.exit(0);
}
