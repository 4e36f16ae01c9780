// Figure 4: sequential Heartbeat round trips per second for a few seconds — the project's
// stack in QuickJS (bench/heartbeat-loop.ts on the simulator host, and on the native host
// when it is built) against an ocpp-rpc client in V8, both strict (schema-validating) and
// both against the same ocpp-rpc server in its own process, one after the other.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import ocppRpc from 'ocpp-rpc';
import { bundleFile } from '../build/build.mjs';
import { newStation, scratchDir } from './stations.mjs';

const RESULT = /heartbeats (\d+) in (\d+) ms/;

// Waits for a loop of `seconds` to end; gives it 30 s more, then stops it and fails.
function withDeadline(exited, seconds, stop) {
  let timer;
  const overran = new Promise((_, reject) => {
    timer = setTimeout(() => {
      stop();
      reject(new Error(`heartbeat loop still running ${seconds + 30} s after it started`));
    }, (seconds + 30) * 1000);
  });
  return Promise.race([exited, overran]).finally(() => clearTimeout(timer));
}

export async function loopBundle() {
  return bundleFile('bench/heartbeat-loop.ts', { minify: true });
}

export async function throughputQuickJS({ url, seconds, code }) {
  const scratch = scratchDir('rtt');
  // Heap sampling after every callback costs tens of µs; sample at most every 100 ms here.
  const station = newStation({ id: 'BENCH-RTT', url, dataDir: scratch.dir, bundle: { code, filename: 'heartbeat-loop.js' }, memorySampleMs: 100, settings: { duration: seconds, logLevel: 'info' } });
  let line = null;
  station.on('log', (e) => {
    if (RESULT.test(e.text)) line = e.text;
  });
  try {
    await station.start();
    // A loop that stalls (a lost answer, an exhausted heap) must not hang the benchmark.
    const result = await withDeadline(station.exited, seconds, () => station.stop(1, 'heartbeat loop overran'));
    if (result.code !== 0 || !line) throw new Error(`heartbeat loop exited ${result.code}: ${result.reason} ${station.problems.join('; ')}`);
    const [, n, ms] = RESULT.exec(line);
    return { roundTrips: Number(n), perSecond: (Number(n) * 1000) / Number(ms) };
  } finally {
    if (station.running) await station.stop(0, 'benchmark over');
    scratch.remove();
  }
}

export async function throughputOcppRpc({ url, seconds }) {
  const client = new ocppRpc.RPCClient({ endpoint: url, identity: 'BENCH-RPC', protocols: ['ocpp1.6'], strictMode: true, reconnect: false });
  await client.connect();
  try {
    const started = performance.now();
    const until = started + seconds * 1000;
    let n = 0;
    while (performance.now() < until) {
      await client.call('Heartbeat', {});
      n++;
    }
    return { roundTrips: n, perSecond: (n * 1000) / (performance.now() - started) };
  } finally {
    await client.close({ force: true });
  }
}

export async function throughputNative({ url, seconds, code, binary }) {
  if (!existsSync(binary)) return null;
  const scratch = scratchDir('rtt-native');
  const bundlePath = join(scratch.dir, 'heartbeat-loop.js');
  writeFileSync(bundlePath, code);
  try {
    const child = spawn(binary, [bundlePath, '--url', url, '--id', 'BENCH-NRTT', '--duration', String(seconds), '--data-dir', scratch.dir, '--log-level', 'info'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let line = null;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (l) => {
        if (RESULT.test(l)) line = l;
      });
    }
    const code = await withDeadline(new Promise((r) => child.once('exit', r)), seconds, () => child.kill('SIGKILL'));
    if (code !== 0 || !line) throw new Error(`native heartbeat loop exited ${code}`);
    const [, n, ms] = RESULT.exec(line);
    return { roundTrips: Number(n), perSecond: (Number(n) * 1000) / Number(ms) };
  } finally {
    scratch.remove();
  }
}
