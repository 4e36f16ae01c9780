// The native host (firmware-shim/, POSIX port) implements the host ABI as the simulator host
// does: small guest scripts run in build/ocpp-host exactly as the bundle is, against real
// files, real timers and real websockets to the strict CSMS (sim/csms.mjs) on 127.0.0.1.
// The binary is built first (cached); without a C toolchain and libwebsockets these tests
// are skipped with the reason (CI installs them in .ci/run, so there they run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { buildShim } from '../../firmware-shim/build.mjs';
import { runGuest, startHost, makeTestPki, hasOpenssl, hostBinary } from '../../firmware-shim/testing.mjs';
import { simulatedImei, simulatedIccid } from '../../sim/host.mjs';
import { parseCliArgs } from '../../sim/cli-options.mjs';
import { Csms } from '../../sim/csms.mjs';
import { WebSocketServer } from 'ws';
import { DEEP_GUEST, DEEP_GUEST_SAYS } from './lib/bad-frames.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
const skip = !shim.ok && shim.reason;
if (skip) process.stderr.write(`shim-host tests skipped: ${skip}\n`);
// shim-sockets.test.mjs runs this file again on build/ocpp-host-sockets: its names say so.
const variant = /-sockets$/.test(hostBinary()) ? '[sockets loop] ' : '';
// Without the toolchain the tests are not registered (so none counts as passed); the reason is printed.
const shimTest = (name, fn, options = {}) => (skip ? undefined : test(variant + name, options, fn));

const dataDir = mkdtempSync(join(tmpdir(), 'shim-host-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

let seq = 0;
/** Runs guest code as the bundle of a fresh station; `say` lines are the info lines. */
async function guest(code, { id = `N-${++seq}`, args = [], url = 'ws://127.0.0.1:9/ocpp', timeout } = {}) {
  const result = await runGuest(dataDir, code, ['--url', url, '--id', id, '--data-dir', dataDir, ...args], { timeout });
  const said = result.lines.filter((l) => l.level === 'info' && !/^exited 0 \(|^restart #/.test(l.text)).map((l) => l.text);
  const errors = result.lines.filter((l) => l.level === 'error').map((l) => l.text);
  return { ...result, said, errors };
}

/** Guest prelude: say(text) logs at info. */
const SAY = `function say(t) { ocppHost.log(20, String(t)); }\n`;

shimTest('ocppHost has the ABI: version, name, identity (as the simulator derives it), settings', async () => {
  const r = await guest(
    SAY +
      `say([ocppHost.abi, ocppHost.name, ocppHost.imei(), ocppHost.iccid()].join(' '));
       say(ocppHost.config());
       var fns = ['log','now','ticks','timerStart','timerStop','imei','iccid','config','fileRead','fileWrite','fileAppend','fileRemove','wsOpen','wsSend','wsClose','exit','restart'];
       say(fns.filter(function (f) { return typeof ocppHost[f] !== 'function'; }).join(',') || 'all functions');
       say(Math.abs(ocppHost.now() - ${Date.now()}) < 60000);
       ocppHost.exit(0);`,
    { id: 'ABI-1', args: ['--connectors', '3'] }
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.said[0].split(' '), ['1', 'posix', simulatedImei('ABI-1'), simulatedIccid('ABI-1')]);
  assert.equal(r.said[2], 'all functions');
  assert.equal(r.said[3], 'true');
  // The settings are what the simulator CLI makes of the same flags.
  const [sim] = parseCliArgs(['--url', 'ws://127.0.0.1:9/ocpp', '--id', 'ABI-1', '--connectors', '3']).stations;
  assert.deepEqual(JSON.parse(r.said[1]), sim);
});

shimTest('settings: every flag lands in config() as the simulator CLI puts it, PEM text included', async () => {
  const pem = join(dataDir, 'x.pem');
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const flags = ['--url', 'wss://csms.example/ocpp//', '--id', 'SET-1', '--connectors', '4', '--scenario', 'session', '--id-tag', 'TAG1',
    '--duration', '2.5', '--password', 'pw "quoted"', '--ca', pem, '--cert', pem, '--key', pem, '--log-level', 'warning', '--security-profile', '2'];
  const r = await guest(`ocppHost.log(40, ocppHost.config()); ocppHost.exit(0);`, { id: 'SET-1', args: flags.slice(4) , url: 'wss://csms.example/ocpp//' });
  assert.equal(r.code, 0, r.stdout);
  const [sim] = parseCliArgs(flags).stations;
  assert.deepEqual(JSON.parse(r.errors[0]), sim);
});

shimTest('--settings FILE: the same settings as the simulator makes of the same file and flags (the flags given win); a bad file is refused', async () => {
  const file = join(dataDir, 'station.json');
  writeFileSync(file, JSON.stringify({
    url: 'ws://csms.example/ocpp/', id: 'FILE-1', vendor: 'Acme', model: 'Wallbox-2', connectors: 1, idTag: 'FROM-FILE',
    maxCurrentA: 20, cableLock: false, phases: 1, ev: { batteryWh: 60000 }, configuration: { MeterValueSampleInterval: 10 }, scenario: 'none',
  }));
  const flags = ['--settings', file, '--connectors', '3', '--log-level', 'warning'];
  const r = await runGuest(dataDir, `ocppHost.log(40, ocppHost.config()); ocppHost.exit(0);`, [...flags, '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stdout);
  const [sim] = parseCliArgs(flags).stations;
  const shimSettings = JSON.parse(r.lines.find((l) => l.level === 'error').text);
  assert.deepEqual(shimSettings, sim);
  assert.equal(shimSettings.connectors, 3, 'the flag wins');
  assert.equal(shimSettings.idTag, 'FROM-FILE', 'the file fills what no flag gave');
  assert.equal(shimSettings.cableLock, false);
  writeFileSync(join(dataDir, 'bad.json'), '[1, 2]');
  const bad = spawnSync(hostBinary(), ['bundle.js', '--settings', join(dataDir, 'bad.json')], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--settings: .*bad\.json must be a JSON object/);
  const missing = spawnSync(hostBinary(), ['bundle.js', '--settings', join(dataDir, 'nope.json')], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--settings: cannot read .*nope\.json/);
});

shimTest('files: atomic replace, durable append, remove, per-station folder, bad names refused', async () => {
  const r = await guest(
    SAY +
      `say(ocppHost.fileRead('state.json'));
       say(ocppHost.fileWrite('state.json', '{"v":1}'));
       say(ocppHost.fileWrite('state.json', '{"v":2} ünïcode'));
       say(ocppHost.fileRead('state.json'));
       ocppHost.fileAppend('queue.log', 'a\\n'); ocppHost.fileAppend('queue.log', 'b\\n');
       say(JSON.stringify(ocppHost.fileRead('queue.log')));
       ocppHost.fileWrite('gone', 'x');
       say(ocppHost.fileRemove('gone') + ' ' + ocppHost.fileRemove('gone') + ' ' + ocppHost.fileRead('gone'));
       try { ocppHost.fileWrite('../escape', 'x'); say('no error'); } catch (e) { say(e.name + ': ' + e.message); }
       try { ocppHost.fileRead('a/b'); say('no error'); } catch (e) { say(e.name); }
       try { ocppHost.fileRead('..'); say('no error'); } catch (e) { say(e.name); }
       ocppHost.exit(0);`,
    { id: 'FILES-1' }
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.said.slice(0, 6), ['null', 'true', 'true', '{"v":2} ünïcode', '"a\\nb\\n"', 'true false null']);
  assert.match(r.said[6], /^TypeError: bad file name "\.\.\/escape"/);
  assert.deepEqual(r.said.slice(7), ['TypeError', 'TypeError']);
  const folder = join(dataDir, 'FILES-1');
  assert.deepEqual(readdirSync(folder).sort(), ['queue.log', 'state.json'], 'no temp file left behind');
  assert.equal(readFileSync(join(folder, 'state.json'), 'utf8'), '{"v":2} ünïcode');
});

shimTest('a station id that is not a safe folder name gets the simulator\'s folder name', async () => {
  const r = await guest(`ocppHost.fileWrite('f', 'x'); ocppHost.exit(0);`, { id: '...' });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(readFileSync(join(dataDir, '_', 'f'), 'utf8'), 'x');
});

shimTest('fileRead sees files from an earlier run; restart() evaluates the bundle again with the same files', async () => {
  writeFileSync(join(dataDir, 'boots.txt'), ''); // a file outside the station folder stays invisible
  const code =
    SAY +
    `var n = Number(ocppHost.fileRead('boots') || '0') + 1;
     ocppHost.fileWrite('boots', String(n));
     say('boot ' + n + ' ' + ocppHost.fileRead('boots.txt'));
     ocppHost.timerStart(5, function () { if (n < 3) ocppHost.restart(); else ocppHost.exit(0); });`;
  const first = await guest(code, { id: 'RESTART-1' });
  assert.equal(first.code, 0, first.stdout);
  assert.deepEqual(first.said, ['boot 1 null', 'boot 2 null', 'boot 3 null']);
  assert.equal(first.lines.filter((l) => /^restart #\d: the bundle called restart\(\); evaluating the bundle again$/.test(l.text)).length, 2);
  assert.match(first.stdout, /2 restart\(s\)/);
  const again = await guest(code, { id: 'RESTART-1' });
  assert.deepEqual(again.said, ['boot 4 null']);
});

shimTest('timers fire in order, timerStop cancels, ticks is monotonic, promise jobs run after each callback', async () => {
  const r = await guest(
    SAY +
      `var t0 = ocppHost.ticks(), order = [];
       ocppHost.timerStart(40, function () { order.push('40'); });
       var cancelled = ocppHost.timerStart(20, function () { order.push('cancelled'); });
       ocppHost.timerStart(10, function () {
         order.push('10');
         Promise.resolve().then(function () { order.push('job of 10'); });
       });
       ocppHost.timerStart(10, function () { order.push('10 again'); });
       ocppHost.timerStop(cancelled);
       ocppHost.timerStop(cancelled); // twice: ignored
       ocppHost.timerStop(999);       // unknown: ignored
       try { ocppHost.timerStart(5, 'not a function'); } catch (e) { order.push(e.name); }
       ocppHost.timerStart(60, function () {
         var elapsed = ocppHost.ticks() - t0;
         say(order.join(','));
         say(elapsed >= 59 && elapsed < 1000);
         ocppHost.exit(0);
       });`
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.said, ['TypeError,10,job of 10,10 again,40', 'true']);
});

shimTest('a timer started with 0 ms inside a timer waits for the next turn; a long chain still runs', async () => {
  const r = await guest(
    SAY +
      `var n = 0;
       function tick() { if (++n < 1000) ocppHost.timerStart(0, tick); else { say(n); ocppHost.exit(0); } }
       ocppHost.timerStart(0, tick);`
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.said, ['1000']);
});

shimTest('a promise chain started at load runs to the end before the host turns its loop', async () => {
  const r = await guest(
    SAY +
      `var p = Promise.resolve(1);
       for (var i = 0; i < 100; i++) p = p.then(function (v) { return v + 1; });
       p.then(function (v) { say(v); ocppHost.exit(0); });`
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.said, ['101']);
});

shimTest('exit codes the host gives: load error 70, out of memory 71, stalled 72, watchdog 73; the bundle\'s own passes', async () => {
  const load = await guest(`throw new Error('boom at load');`);
  assert.equal(load.code, 70);
  assert.match(load.errors[0], /^exit 70: the bundle threw while loading: Error: boom at load/);

  const oom = await guest(`var a = []; ocppHost.timerStart(1, function () { for (;;) a.push('chunk ' + a.length); });`, {
    args: ['--heap-limit', '524288'],
  });
  assert.equal(oom.code, 71, oom.stdout);
  assert.match(oom.errors[0], /^exit 71: out of memory: a timer callback needed more than the heap limit of 524288 bytes/);
  assert.ok(oom.heapPeak <= 524288 && oom.heapPeak > 400000, `heap peak ${oom.heapPeak} is at the limit`);

  const stalled = await guest(SAY + `say('nothing to do');`);
  assert.equal(stalled.code, 72);
  assert.match(stalled.errors[0], /no timer and no socket left/);

  const loop = await guest(`ocppHost.timerStart(1, function () { for (;;) {} });`, { args: ['--watchdog-ms', '200'] });
  assert.equal(loop.code, 73);
  assert.match(loop.errors[0], /^exit 73: watchdog: a timer callback ran longer than 200 ms/);

  const endless = await guest(`function again() { Promise.resolve().then(again); } ocppHost.timerStart(1, again);`, {
    args: ['--watchdog-ms', '200'],
  });
  assert.equal(endless.code, 73, 'an endless promise chain is caught too');
  assert.match(endless.errors[0], /watchdog: a promise job ran longer than 200 ms/);

  // At the limit QuickJS 2021-03-27 sometimes goes on running such a chain for seconds,
  // allocations failing one after another (at some limits, not others); then the watchdog
  // ends it. Either way the station ends, and its peak is the limit.
  const growing = await guest(`function again() { return Promise.resolve().then(again); } ocppHost.timerStart(1, again);`, {
    args: ['--heap-limit', '524288', '--watchdog-ms', '2000'],
  });
  assert.ok([71, 73].includes(growing.code), 'a chain that holds on to every promise runs out of heap: ' + growing.stdout);
  assert.ok(growing.heapPeak > 500000 && growing.heapPeak <= 524288, `heap peak ${growing.heapPeak}`);

  const own = await guest(`ocppHost.timerStart(1, function () { ocppHost.exit(9); });`);
  assert.equal(own.code, 9);
  assert.match(own.errors[0], /^exit 9: the bundle called exit\(9\)$/);
});

// The context has only the intrinsics an ES5 + Promise bundle uses (about 55 KB on x86-64,
// 39 KB on 32-bit ARM): it fits the smallest limit the flags allow, so the host's refusal
// of a limit below what the context needs (exit 71, "the JS context alone needs …") is no
// longer reachable from the command line.
shimTest('the JS context alone fits the smallest --heap-limit (65536): the station boots within it', async () => {
  const r = await guest(`ocppHost.exit(0);`, { args: ['--heap-limit', '65536'] });
  assert.equal(r.code, 0, r.stdout);
  assert.ok(r.heapPeak > 0 && r.heapPeak <= 65536, `peak ${r.heapPeak} within the limit`);
});

shimTest('an error escaping a callback is logged and the station goes on', async () => {
  const r = await guest(
    SAY +
      `ocppHost.timerStart(1, function () { throw new TypeError('bad callback'); });
       ocppHost.timerStart(2, function () { Promise.reject(new RangeError('bad job')); });
       ocppHost.timerStart(20, function () { say('still alive'); ocppHost.exit(0); });`
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.said, ['still alive']);
  assert.match(r.errors[0], /^uncaught error in a timer callback: TypeError: bad callback\n\s+at /);
});

shimTest('heap: the peak is printed at exit and counts what the bundle held at its highest', async () => {
  const small = await guest(`ocppHost.timerStart(1, function () { ocppHost.exit(0); });`);
  const big = await guest(
    `var big = []; for (var i = 0; i < 2000; i++) big.push({ i: i, s: 'item ' + i });
     ocppHost.timerStart(1, function () { big = null; ocppHost.timerStart(1, function () { ocppHost.exit(0); }); });`
  );
  assert.equal(small.code, 0);
  assert.equal(big.code, 0);
  assert.ok(small.heapPeak > 50 * 1024 && small.heapPeak < 1024 * 1024, `empty runtime peak ${small.heapPeak}`);
  assert.ok(big.heapPeak > small.heapPeak + 100 * 1024, `peak ${big.heapPeak} includes the 2000 objects (empty: ${small.heapPeak})`);
  assert.match(big.stdout, /ocpp-host: heap peak \d+ bytes \(\d+ KB\) of the 1048576-byte limit/);
});

shimTest('--compile: the stripped bytecode runs as the script does, from less heap; a script that does not compile and a corrupt bytecode file are refused', async () => {
  const dir = mkdtempSync(join(dataDir, 'compile-'));
  // Enough functions with bodies that the source text QuickJS keeps for a script shows.
  const fns = Array.from({ length: 150 }, (_, i) => `function f${i}(x) { var label = 'function ${i} of the bundle'; return x + ${i} + label.length; }`).join('\n');
  const script = join(dir, 'bundle.js');
  writeFileSync(script, SAY + fns + `\nvar total = 0; ${Array.from({ length: 150 }, (_, i) => `total = f${i}(total);`).join(' ')}
    ocppHost.timerStart(1, function () { say('total ' + total); Promise.resolve(7).then(function (v) { say('job ' + v); ocppHost.exit(0); }); });`);
  const bytecode = join(dir, 'bundle.qjbc');
  const compiled = spawnSync(hostBinary(), [script, '--compile', bytecode], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stderr);
  assert.match(compiled.stdout, /compiled .*bundle\.js \(\d+ bytes\) to .*bundle\.qjbc \(\d+ bytes of bytecode\)/);

  const run = (file, id) => startHost(file, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', id, '--data-dir', dataDir]).exited;
  const fromScript = await run(script, 'CMP-1');
  const fromBytecode = await run(bytecode, 'CMP-2');
  const said = (r) => r.lines.filter((l) => l.level === 'info' && !/^exited/.test(l.text)).map((l) => l.text);
  assert.equal(fromBytecode.code, 0, fromBytecode.stdout);
  assert.deepEqual(said(fromBytecode), said(fromScript));
  let total = 0;
  for (let i = 0; i < 150; i++) total += i + `function ${i} of the bundle`.length;
  assert.deepEqual(said(fromBytecode), [`total ${total}`, 'job 7']);
  assert.ok(fromBytecode.heapPeak < fromScript.heapPeak, `bytecode peak ${fromBytecode.heapPeak} < script peak ${fromScript.heapPeak}`);

  const broken = join(dir, 'broken.js');
  writeFileSync(broken, 'var x = ;');
  const refused = spawnSync(hostBinary(), [broken, '--compile', join(dir, 'broken.qjbc')], { encoding: 'utf8' });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /broken\.js does not compile: SyntaxError/);

  const corrupt = join(dir, 'corrupt.qjbc');
  writeFileSync(corrupt, readFileSync(bytecode).subarray(0, 200));
  const r = await run(corrupt, 'CMP-3');
  assert.equal(r.code, 70, r.stdout);
  assert.match(r.stdout + r.stderr, /the bundle threw while loading: SyntaxError: read after the end of the buffer/);
});

shimTest('SIGTERM / SIGINT end the station with 130 and still print the heap', async () => {
  const dir = mkdtempSync(join(dataDir, 'sig-'));
  writeFileSync(join(dir, 'wait.js'), SAY + `say('waiting'); ocppHost.timerStart(60000, function () { ocppHost.exit(9); });`);
  for (const signal of ['SIGTERM', 'SIGINT']) {
    const host = startHost(join(dir, 'wait.js'), ['--url', 'ws://127.0.0.1:9/ocpp', '--id', 'SIG-1', '--data-dir', dataDir]);
    await host.waitFor(/^waiting$/);
    const r = await host.stop(signal);
    assert.equal(r.code, 130, r.stdout);
    assert.ok(r.heapPeak > 0, r.stdout);
  }
});

shimTest('a signal that comes while the guest runs, with no timer due for a minute, ends the station at once, not at the next wake', async () => {
  // The timer callback runs on the loop's turn just before it goes to sleep (libwebsockets
  // runs its due timers, then polls): a signal that lands in the callback must still wake
  // that sleep. The next timer is a minute away; the station must end within seconds.
  const dir = mkdtempSync(join(dataDir, 'sigbusy-'));
  writeFileSync(join(dir, 'busy.js'), SAY + `ocppHost.timerStart(60000, function () { ocppHost.exit(9); });
    ocppHost.timerStart(10, function () {
      say('busy');
      var until = ocppHost.ticks() + 700;
      while (ocppHost.ticks() < until) {}
    });`);
  for (const [round, signal] of ['SIGTERM', 'SIGINT', 'SIGTERM'].entries()) {
    const host = startHost(join(dir, 'busy.js'), ['--url', 'ws://127.0.0.1:9/ocpp', '--id', `SIGB-${round}`, '--data-dir', dataDir]);
    await host.waitFor(/^busy$/);
    const sent = Date.now();
    host.child.kill(signal);
    const r = await host.exited;
    const took = Date.now() - sent;
    assert.equal(r.code, 130, r.stdout);
    assert.ok(took < 10000, `${signal} ended the station after ${took} ms (the next timer was 60 s away)`);
  }
  // SIGUSR1 (the memory report the benchmark asks for) the same way.
  const host = startHost(join(dir, 'busy.js'), ['--url', 'ws://127.0.0.1:9/ocpp', '--id', 'SIGB-U', '--data-dir', dataDir]);
  await host.waitFor(/^busy$/);
  host.child.kill('SIGUSR1');
  const asked = Date.now();
  while (!/^ocpp-host: heap now /m.test(host.output()) && Date.now() - asked < 10000) await new Promise((r) => setTimeout(r, 50));
  const took = Date.now() - asked;
  const r = await host.stop('SIGTERM');
  assert.match(r.stdout, /^ocpp-host: heap now /m);
  assert.ok(took < 10000, `SIGUSR1 was answered after ${took} ms (the next timer was 60 s away)`);
});

// The bundles whose version decides the longest --id-tag (the subprotocol each names).
const SIMULATOR_16 = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'simulator.min.js');
const SIMULATOR_201 = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'simulator-201.min.js');

shimTest('--id-tag per build: a 2.0.1 bundle takes an idToken of 36 characters (IdTokenType), as script and as bytecode, and its session presents it whole', async () => {
  const csms = new Csms({ heartbeatInterval: 300 });
  await csms.start();
  try {
    const tag = 'ID-TOKEN-OF-36-CHARACTERS-0123456789';
    assert.equal(tag.length, 36);
    const compiled = join(dataDir, 'simulator-201.qjbc');
    const c = await startHost(SIMULATOR_201, ['--compile', compiled], { timeout: 60000 }).exited;
    assert.equal(c.code, 0, c.stdout + c.stderr);
    for (const [bundle, id] of [[SIMULATOR_201, 'TAG36-SCRIPT'], [compiled, 'TAG36-BYTECODE']]) {
      const r = await startHost(bundle, ['--url', csms.url, '--id', id, '--data-dir', dataDir, '--connectors', '1', '--scenario', 'session', '--duration', '1', '--id-tag', tag], { timeout: 90000 }).exited;
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const authorize = csms.calls(id, 'Authorize');
      assert.ok(authorize.length > 0, `${id} sent Authorize`);
      assert.equal(authorize[0].idToken.idToken, tag, 'the idToken whole, not cut');
      assert.deepEqual(csms.violations.filter((v) => v.station === id), [], 'every message valid against the 2.0.1 schemas');
    }
    const refused = spawnSync(hostBinary(), [compiled, '--url', csms.url, '--id', 'TAG37', '--id-tag', tag + 'X'], { encoding: 'utf8' });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--id-tag must be 1 to 36 characters \(OCPP IdToken of the 2\.0\.1 bundle\)/, 'the bytecode is told as 2.0.1 too');
  } finally {
    await csms.stop();
  }
});

shimTest('bad flags: exit 2 and what is wrong, in the simulator CLI\'s words', () => {
  const run = (...args) => spawnSync(hostBinary(), args, { encoding: 'utf8' });
  const base = ['x.js', '--url', 'ws://localhost:9000/ocpp', '--id', 'CP'];
  const cases = [
    [[...base, '--frobnicate'], /Unknown option '--frobnicate'/],
    [['x.js', '--id', 'A'], /--url is required/],
    [['--url', 'ws://x', '--id', 'A'], /the bundle to run is required/],
    [['x.js', '--url', 'http://x', '--id', 'A'], /--url must start with ws:\/\/ or wss:\/\//],
    [['x.js', '--url', 'not a url', '--id', 'A'], /is not a URL/],
    [[...base, '--connectors', 'two'], /--connectors must be a whole number from 1 to 100, got "two"/],
    [[...base, '--duration=-1'], /--duration must be a number of seconds >= 0, got "-1"/],
    [[...base, '--heap-limit', '1000'], /--heap-limit must be a whole number from 65536/],
    [[...base, '--scenario', 'party'], /--scenario must be idle, session or none, got "party"/],
    [[...base, '--log-level', 'loud'], /--log-level must be debug, info, warning or error/],
    [[...base, '--id-tag', 'X'.repeat(21)], /--id-tag must be 1 to 20 characters/],
    [[SIMULATOR_16, ...base.slice(1), '--id-tag', 'X'.repeat(21)], /--id-tag must be 1 to 20 characters \(OCPP IdToken of a 1\.6 bundle; 2\.0\.1's takes 36\), got "X{21}"/],
    [[SIMULATOR_201, ...base.slice(1), '--id-tag', 'X'.repeat(37)], /--id-tag must be 1 to 36 characters \(OCPP IdToken of the 2\.0\.1 bundle\), got "X{37}"/],
    [['x.js', '--url', 'ws://x', '--id', 'a b'], /"a b" is not a valid station id/],
    [[...base, '--cert', 'x.pem'], /--cert and --key go together/],
    [[...base, '--ca', '/nonexistent/ca.pem'], /--ca: cannot read \/nonexistent\/ca\.pem/],
    [[...base, '--password', ''], /--password must not be empty/],
    [[...base, 'stray'], /Unexpected argument 'stray'/],
    [[...base, '--url'], /argument missing/],
    [[...base, '--stations', '3'], /one ocpp-host runs one station/],
    [[...base, '--security-profile', '4'], /--security-profile must be a whole number from 0 to 3, got "4"/],
    [[...base, '--security-profile', '2'], /--security-profile 2 needs --password \(Basic auth\)/],
    [[...base, '--security-profile', '3'], /--security-profile 3 needs --cert and --key \(client certificate\)/],
  ];
  for (const [argv, message] of cases) {
    const r = run(...argv);
    assert.equal(r.status, 2, `${argv.join(' ')} → exit 2`);
    assert.match(r.stderr, message, argv.join(' '));
  }
  assert.equal(run('--help').status, 0);
  assert.match(run('--help').stdout, /--heap-limit BYTES/);
  const missing = run('/nonexistent/firmware.js', '--url', 'ws://x', '--id', 'A');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read the bundle \/nonexistent\/firmware\.js/);
});

// ---- websockets against the strict CSMS --------------------------------------------------

let csms;
before(async () => {
  if (skip) return;
  csms = new Csms({ heartbeatInterval: 42, password: 'sesame-sesame-16' });
  await csms.start();
});
after(() => csms && csms.stop());

/** A guest that opens a socket and logs every callback as "open <p>", "msg <t>", "error <m>", "close <c> <r>". */
function socketGuest(url, options, { onOpen = '', onMessage = '' } = {}) {
  return (
    SAY +
    `var returned = false;
     var s = ocppHost.wsOpen(${JSON.stringify(url)}, ${JSON.stringify(JSON.stringify(options))}, {
       onopen: function (p) { say('open ' + p); ${onOpen} },
       onmessage: function (t) { say('msg ' + t); ${onMessage} },
       onerror: function (m) { say('error' + (returned ? '' : ' (re-entrant!)') + ' ' + m); },
       onclose: function (c, r) { say('close ' + c + ' ' + r); ocppHost.exit(c === 1000 ? 0 : 4); }
     });
     returned = true;`
  );
}

shimTest('the guest stack limit fires inside QuickJS before the thread\'s stack ends, with the 8 MiB default and with ulimit -s 256: deep JSON and endless recursion are errors the guest catches', async () => {
  for (const kib of [null, 256]) {
    // sh's `ulimit -s` sets RLIMIT_STACK, the main thread's stack, for the host it execs.
    const runner = kib ? ['sh', '-c', `ulimit -s ${kib} && exec "$0" "$@"`] : [];
    const r = await runGuest(dataDir, DEEP_GUEST, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', `DEEP-${kib || 'default'}`, '--data-dir', dataDir], { runner });
    const said = r.lines.filter((l) => l.level === 'info' && / (JSON\.parse|recursion): /.test(l.text)).map((l) => l.text);
    assert.equal(r.code, 0, `stack ${kib || 'default'}: exit ${r.code ?? r.signal}\n${r.stdout}${r.stderr}`);
    assert.deepEqual(said, DEEP_GUEST_SAYS, `stack ${kib || 'default'}`);
  }
});

const basic = (id, password) => ({ Authorization: 'Basic ' + Buffer.from(`${id}:${password}`).toString('base64') });

shimTest('ws: subprotocol ocpp1.6 and the Basic auth header reach the CSMS; frames both ways, logged at debug; close', async () => {
  const id = 'WS-1';
  const r = await guest(
    socketGuest(`${csms.url}/${id}`, { protocols: ['ocpp1.6'], headers: basic(id, 'sesame-sesame-16') }, {
      onOpen: `say(ocppHost.wsSend(s, JSON.stringify([2, 'b1', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }])));`,
      onMessage: `var f = JSON.parse(t); if (f[0] === 3) { ocppHost.wsClose(s, 1000, 'done'); say(ocppHost.wsSend(s, 'after close')); }`,
    }),
    { id, args: ['--log-level', 'debug'] }
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.said.slice(0, 2), ['open ocpp1.6', 'true']);
  const conf = JSON.parse(r.said[2].slice(4));
  assert.deepEqual([conf[0], conf[1], conf[2].status, conf[2].interval], [3, 'b1', 'Accepted', 42]);
  assert.deepEqual(r.said.slice(3), ['false', 'close 1000 done']);
  const debug = r.lines.filter((l) => l.level === 'debug').map((l) => l.text);
  assert.ok(debug.some((t) => t.startsWith('→ [2,"b1","BootNotification"')), debug.join('\n'));
  assert.ok(debug.some((t) => t.startsWith('← [3,"b1",{')), debug.join('\n'));
  assert.ok(debug.includes(`ws#1 open ${csms.url}/${id} (subprotocol "ocpp1.6")`), debug.join('\n'));
  const connection = csms.connections.find((c) => c.station === id);
  assert.equal(connection.protocol, 'ocpp1.6');
  assert.equal(connection.authorization, basic(id, 'sesame-sesame-16').Authorization);
  if (connection.closedAt === null) await new Promise((resolve) => csms.once('disconnect', resolve));
  assert.equal(connection.code, 1000, 'the CSMS saw our close code');
  assert.deepEqual(csms.calls(id, 'BootNotification'), [{ chargePointVendor: 'V', chargePointModel: 'M' }]);
  assert.deepEqual(csms.violations, []);
});

shimTest('ws: a CALL from the CSMS reaches onmessage, the answer goes back; the CSMS\'s close code arrives', async () => {
  const id = 'WS-2';
  const dir = mkdtempSync(join(dataDir, 'ws2-'));
  writeFileSync(
    join(dir, 'answer.js'),
    socketGuest(`${csms.url}/${id}`, { protocols: ['ocpp1.6'], headers: basic(id, 'sesame-sesame-16') }, {
      onMessage: `var f = JSON.parse(t); ocppHost.wsSend(s, JSON.stringify([3, f[1], { status: 'Accepted' }]));`,
    })
  );
  const host = startHost(join(dir, 'answer.js'), ['--url', csms.url, '--id', id, '--data-dir', dataDir]);
  await csms.waitForConnection(id);
  const conf = await csms.call(id, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '5' }, { timeout: 5 });
  assert.deepEqual(conf, { status: 'Accepted' });
  await csms.disconnect(id, { code: 1000, reason: 'bye' });
  const r = await host.exited;
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.lines.at(-2).text, 'close 1000 bye');
});

shimTest('ws: a cut connection arrives as onclose 1006', async () => {
  const id = 'WS-6';
  const dir = mkdtempSync(join(dataDir, 'ws6-'));
  writeFileSync(join(dir, 'cut.js'), socketGuest(`${csms.url}/${id}`, { protocols: ['ocpp1.6'], headers: basic(id, 'sesame-sesame-16') }));
  const host = startHost(join(dir, 'cut.js'), ['--url', csms.url, '--id', id, '--data-dir', dataDir]);
  await csms.waitForConnection(id);
  await csms.disconnect(id, { terminate: true });
  const r = await host.exited;
  assert.equal(r.code, 4, r.stdout);
  assert.deepEqual(r.lines.filter((l) => l.level === 'info').map((l) => l.text), ['open ocpp1.6', 'close 1006 ']);
});

shimTest('ws: restart() closes the old runtime\'s socket with 1001 and the new boot connects again', async () => {
  const id = 'WS-8';
  const r = await guest(
    SAY +
      `var n = Number(ocppHost.fileRead('boots') || '0') + 1;
       ocppHost.fileWrite('boots', String(n));
       ocppHost.wsOpen(${JSON.stringify(`${csms.url}/${id}`)}, ${JSON.stringify(JSON.stringify({ protocols: ['ocpp1.6'], headers: basic(id, 'sesame-sesame-16') }))}, {
         onopen: function () { say('open in boot ' + n); if (n === 1) ocppHost.restart(); else ocppHost.timerStart(300, function () { ocppHost.exit(0); }); },
         onclose: function (c) { say('close ' + c); }
       });`,
    { id }
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.said, ['open in boot 1', 'open in boot 2'], 'the old socket reports nothing to the new runtime');
  const mine = csms.connections.filter((c) => c.station === id);
  assert.equal(mine.length, 2);
  if (mine[0].closedAt === null) await new Promise((resolve) => csms.once('disconnect', resolve));
  assert.deepEqual([mine[0].code, mine[0].reason], [1001, 'station going down']);
});

shimTest('ws: a wrong password, an unreachable port and a bad URL arrive as onerror then onclose, never re-entrantly', async () => {
  const wrong = await guest(socketGuest(`${csms.url}/WS-3`, { protocols: ['ocpp1.6'], headers: basic('WS-3', 'nope') }));
  assert.deepEqual(wrong.said, ['error Unexpected server response: 401', 'close 1006 ']);
  assert.equal(csms.rejections.at(-1).station, 'WS-3');

  const unreachable = await guest(socketGuest('ws://127.0.0.1:1/ocpp/WS-4', { protocols: ['ocpp1.6'] }));
  assert.equal(unreachable.said.length, 2, unreachable.stdout);
  assert.match(unreachable.said[0], /^error \S/);
  assert.equal(unreachable.said[1], 'close 1006 ');

  const badUrl = await guest(socketGuest('http//nonsense', { protocols: ['ocpp1.6'] }));
  assert.deepEqual(badUrl.said, ['error Invalid URL: http//nonsense', 'close 1006 Invalid URL: http//nonsense']);

  const badOptions = await guest(
    SAY +
      `ocppHost.wsOpen('ws://127.0.0.1:1/x', '{nope', { onerror: function (m) { say('error ' + m); }, onclose: function (c) { say('close ' + c); ocppHost.exit(0); } });`
  );
  assert.equal(badOptions.said[0], 'error wsOpen options are not JSON: {nope');
  assert.equal(badOptions.said[1], 'close 1006');
});

shimTest('ws: without a subprotocol it speaks (ocpp1.6, ocpp2.0.1) the strict CSMS refuses the connection', async () => {
  const r = await guest(socketGuest(`${csms.url}/WS-5`, { protocols: ['ocpp2.1'], headers: basic('WS-5', 'sesame-sesame-16') }));
  assert.deepEqual(r.said, ['error Unexpected server response: 400', 'close 1006 ']);
});

shimTest('ws: closing while still connecting aborts with onerror + onclose 1006, on a later turn', async () => {
  const r = await guest(
    SAY +
      `var inside = true;
       var s = ocppHost.wsOpen(${JSON.stringify(`${csms.url}/WS-7`)}, '{"protocols":["ocpp1.6"]}', {
         onopen: function () { say('open'); },
         onerror: function (m) { say('error ' + m + (inside ? ' (re-entrant!)' : '')); },
         onclose: function (c, r) { say('close ' + c); ocppHost.exit(0); }
       });
       ocppHost.wsClose(s, 1000, 'never mind');
       inside = false;`
  );
  assert.deepEqual(r.said, ['error WebSocket was closed before the connection was established', 'close 1006']);
});

shimTest('ws: messages of every length class and in fragments arrive whole; pings are answered; binary frames are dropped', async () => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'ocpp1.6' });
  await new Promise((resolve) => server.once('listening', resolve));
  const pong = new Promise((resolve) => {
    server.on('connection', (socket) => {
      socket.on('pong', (data) => resolve(data.toString()));
      socket.send('x'.repeat(125));
      socket.send('y'.repeat(126));
      socket.send('z'.repeat(70000)); // a 64-bit length
      socket.send('frag', { fin: false });
      socket.send('men', { fin: false });
      socket.send('ted', { fin: true });
      socket.send(Buffer.from([1, 2, 3]), { binary: true });
      socket.ping('are you there');
      socket.on('message', (m) => socket.close(4000, 'echo ' + m.toString()));
    });
  });
  try {
    const r = await guest(
      SAY +
        `var got = [];
         var s = ocppHost.wsOpen('ws://127.0.0.1:${server.address().port}/ocpp/X', '{"protocols":["ocpp1.6"]}', {
           onopen: function () {},
           onmessage: function (t) { got.push(t.length > 20 ? t.charAt(0) + t.length : t); if (t === 'fragmented') ocppHost.wsSend(s, got.join(',')); },
           onclose: function (c, r) { say(c + ' ' + r); ocppHost.exit(0); }
         });`
    );
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(r.said, ['4000 echo x125,y126,z70000,fragmented']);
    assert.equal(await pong, 'are you there');
  } finally {
    server.close();
  }
});

shimTest('ws: a message over 1 MiB closes the socket with 1009; a server that picks no subprotocol is refused', async () => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (offers) => (offers.has('ocpp1.6') ? 'ocpp1.6' : false) });
  await new Promise((resolve) => server.once('listening', resolve));
  const closed = new Promise((resolve) => server.on('connection', (socket) => {
    socket.on('close', (code) => resolve(code));
    socket.send('b'.repeat(1024 * 1024 + 1));
  }));
  try {
    const url = `ws://127.0.0.1:${server.address().port}/ocpp/X`;
    const big = await guest(socketGuest(url, { protocols: ['ocpp1.6'] }));
    assert.deepEqual(big.said, ['open ocpp1.6', 'close 1009 message too big']);
    assert.equal(await closed, 1009);
    const none = await guest(socketGuest(url, { protocols: ['ocpp2.0.1'] }));
    assert.equal(none.said.length, 2, none.stdout);
    assert.match(none.said[0], /^error /);
    assert.match(none.said[1], /^close 1006/);
  } finally {
    server.close();
  }
});

// ---- TLS (wss): the server must chain to the given CA; client certificates -----------------

shimTest('wss: connects with the CA given, refuses a server it cannot verify, sends a client certificate', async () => {
  const pki = makeTestPki('TLS-2');
  const secure = new Csms({ tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true } });
  await secure.start();
  try {
    const untrusted = await guest(socketGuest(`${secure.url}/TLS-1`, { protocols: ['ocpp1.6'] }));
    assert.match(untrusted.said[0], /^error .*(certificate|verify)/i, untrusted.stdout);
    assert.equal(untrusted.said[1], 'close 1006 ');

    const noClientCert = await guest(socketGuest(`${secure.url}/TLS-1`, { protocols: ['ocpp1.6'], ca: pki.ca }));
    assert.match(noClientCert.said[0], /^error /, noClientCert.stdout);
    assert.equal(noClientCert.said[1], 'close 1006 ');

    const badCa = await guest(socketGuest(`${secure.url}/TLS-1`, { protocols: ['ocpp1.6'], ca: 'not PEM' }));
    assert.equal(badCa.said[0], 'error ca: no certificate in the PEM text');
    assert.match(badCa.said[1], /^close 1006/); // at once (libwebsockets build) or after the TCP connect (sockets build)

    const ok = await guest(
      socketGuest(`${secure.url}/TLS-2`, { protocols: ['ocpp1.6'], ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }, {
        onOpen: `ocppHost.wsClose(s, 1000, 'tls ok');`,
      })
    );
    assert.deepEqual(ok.said, ['open ocpp1.6', 'close 1000 tls ok']);
    assert.equal(secure.connections.filter((c) => c.station === 'TLS-2').length, 1);
  } finally {
    await secure.stop();
    rmSync(pki.dir, { recursive: true, force: true });
  }
}, { skip: !hasOpenssl && 'openssl is not installed' });
