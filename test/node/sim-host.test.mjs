// The simulator host (sim/host.mjs) implements the host ABI (hal/host-abi.ts): exercised
// with small guest scripts evaluated in QuickJS exactly as the bundle is, against real
// files, real timers and real websockets to the strict CSMS (sim/csms.mjs) on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SimulatedStation, HOST_EXIT, simulatedImei, wasmModuleReservations } from '../../sim/host.mjs';
import { Csms } from '../../sim/csms.mjs';
import { DEEP_GUEST, DEEP_GUEST_SAYS } from './lib/bad-frames.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'sim-host-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

let seq = 0;
/** Evaluates `code` as the bundle of a fresh station; resolves when it ends. */
async function runGuest(code, { id = `H-${++seq}`, settings = {}, timeout = 5000, ...options } = {}) {
  const station = new SimulatedStation({ settings: { id, ...settings }, dataDir, bundle: { code, filename: 'guest.js' }, logLevel: 'debug', ...options });
  const logs = [];
  const hostLogs = [];
  station.on('log', (e) => (e.source === 'bundle' ? logs : hostLogs).push(e.text));
  await station.start();
  let timer;
  const result = await Promise.race([
    station.exited,
    new Promise((_, reject) => {
      timer = setTimeout(() => {
        station.stop(1, 'test timeout');
        reject(new Error(`guest did not exit within ${timeout} ms; logs: ${logs.join(' | ')}`));
      }, timeout);
    }),
  ]);
  clearTimeout(timer);
  return { station, result, logs, hostLogs };
}

/** Guest prelude: say(text) logs at info. */
const SAY = `function say(t) { ocppHost.log(20, String(t)); }\n`;

test('ocppHost has the ABI: version, name, identity, settings', async () => {
  const { result, logs } = await runGuest(
    SAY +
      `say([ocppHost.abi, ocppHost.name, ocppHost.imei(), ocppHost.iccid().length, ocppHost.config()].join(' '));
       var fns = ['log','now','ticks','timerStart','timerStop','imei','iccid','config','fileRead','fileWrite','fileAppend','fileRemove','wsOpen','wsSend','wsClose','exit','restart'];
       say(fns.filter(function (f) { return typeof ocppHost[f] !== 'function'; }).join(',') || 'all functions');
       say(Math.abs(ocppHost.now() - ${Date.now()}) < 60000);
       ocppHost.exit(0);`,
    { id: 'ABI-1', settings: { url: 'ws://127.0.0.1:9/ocpp', connectors: 3 } }
  );
  assert.deepEqual(result, { code: 0, reason: 'the bundle called exit(0)' });
  const [abi, name, imei, iccidLength, config] = logs[0].split(' ');
  assert.equal(abi, '1');
  assert.equal(name, 'node-sim');
  assert.match(imei, /^\d{15}$/);
  assert.equal(imei, simulatedImei('ABI-1'), 'IMEI is stable per station id');
  assert.equal(iccidLength, '20');
  assert.deepEqual(JSON.parse(config), { id: 'ABI-1', url: 'ws://127.0.0.1:9/ocpp', connectors: 3, logLevel: 'debug' });
  assert.equal(logs[1], 'all functions');
  assert.equal(logs[2], 'true');
});

test('files: atomic replace, durable append, remove, per-station folder, bad names refused', async () => {
  const { result, logs } = await runGuest(
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
       ocppHost.exit(0);`,
    { id: 'FILES-1' }
  );
  assert.equal(result.code, 0);
  assert.deepEqual(logs.slice(0, 6), ['null', 'true', 'true', '{"v":2} ünïcode', '"a\\nb\\n"', 'true false null']);
  assert.match(logs[6], /^TypeError: bad file name "\.\.\/escape"/);
  assert.equal(logs[7], 'TypeError');
  const folder = join(dataDir, 'FILES-1');
  assert.deepEqual(readdirSync(folder).sort(), ['queue.log', 'state.json'], 'no temp file left behind');
  assert.equal(readFileSync(join(folder, 'state.json'), 'utf8'), '{"v":2} ünïcode');
});

test('fileRead sees files from an earlier run; restart() evaluates the bundle again with the same files', async () => {
  writeFileSync(join(dataDir, 'boots.txt'), ''); // a file outside the station folder stays invisible
  const code =
    SAY +
    `var n = Number(ocppHost.fileRead('boots') || '0') + 1;
     ocppHost.fileWrite('boots', String(n));
     say('boot ' + n + ' ' + ocppHost.fileRead('boots.txt'));
     ocppHost.timerStart(5, function () { if (n < 3) ocppHost.restart(); else ocppHost.exit(0); });`;
  const first = await runGuest(code, { id: 'RESTART-1' });
  assert.equal(first.result.code, 0);
  assert.deepEqual(first.logs, ['boot 1 null', 'boot 2 null', 'boot 3 null']);
  assert.equal(first.station.stats.restarts, 2);
  const again = await runGuest(code, { id: 'RESTART-1' });
  assert.deepEqual(again.logs, ['boot 4 null']);
});

test('timers fire in order, timerStop cancels, ticks is monotonic, promise jobs run after each callback', async () => {
  const { result, logs } = await runGuest(
    SAY +
      `var t0 = ocppHost.ticks(), order = [];
       ocppHost.timerStart(40, function () { order.push('40'); });
       var cancelled = ocppHost.timerStart(20, function () { order.push('cancelled'); });
       ocppHost.timerStart(10, function () {
         order.push('10');
         Promise.resolve().then(function () { order.push('job of 10'); });
       });
       ocppHost.timerStop(cancelled);
       ocppHost.timerStop(cancelled); // twice: ignored
       ocppHost.timerStop(999);       // unknown: ignored
       ocppHost.timerStart(60, function () {
         var elapsed = ocppHost.ticks() - t0;
         say(order.join(','));
         say(elapsed >= 59 && elapsed < 1000);
         ocppHost.exit(0);
       });`
  );
  assert.equal(result.code, 0);
  assert.deepEqual(logs, ['10,job of 10,40', 'true']);
});

test('a promise chain started at load runs to the end before the host returns to Node', async () => {
  const { result, logs } = await runGuest(
    SAY +
      `var p = Promise.resolve(1);
       for (var i = 0; i < 100; i++) p = p.then(function (v) { return v + 1; });
       p.then(function (v) { say(v); ocppHost.exit(0); });`
  );
  assert.equal(result.code, 0);
  assert.deepEqual(logs, ['101']);
});

test('exit codes the host gives: load error 70, out of memory 71, stalled 72, watchdog 73', async () => {
  const load = await runGuest(`throw new Error('boom at load');`);
  assert.equal(load.result.code, HOST_EXIT.LOAD_ERROR);
  assert.match(load.result.reason, /the bundle threw while loading: Error: boom at load/);

  const oom = await runGuest(`var a = []; ocppHost.timerStart(1, function () { for (;;) a.push('chunk ' + a.length); });`, { heapLimit: 512 * 1024 });
  assert.equal(oom.result.code, HOST_EXIT.OUT_OF_MEMORY);
  assert.match(oom.result.reason, /out of memory: a timer callback needed more than the heap limit of 524288 bytes/);

  const stalled = await runGuest(SAY + `say('nothing to do');`);
  assert.equal(stalled.result.code, HOST_EXIT.STALLED);
  assert.match(stalled.result.reason, /no timer and no socket left/);

  const loop = await runGuest(`ocppHost.timerStart(1, function () { for (;;) {} });`, { watchdogMs: 200 });
  assert.equal(loop.result.code, HOST_EXIT.WATCHDOG);
  assert.match(loop.result.reason, /watchdog: a timer callback ran longer than 200 ms/);
});

test('an error escaping a callback is logged and the station goes on', async () => {
  const { station, result, logs, hostLogs } = await runGuest(
    SAY +
      `ocppHost.timerStart(1, function () { throw new TypeError('bad callback'); });
       ocppHost.timerStart(20, function () { say('still alive'); ocppHost.exit(0); });`
  );
  assert.equal(result.code, 0);
  assert.deepEqual(logs, ['still alive']);
  assert.ok(hostLogs.some((l) => /uncaught error in a timer callback: TypeError: bad callback/.test(l)), hostLogs.join('\n'));
  assert.equal(station.uncaughtErrors, 1);
});

test('the guest stack limit fires inside QuickJS, before V8\'s stack ends: deep JSON and endless recursion are errors the guest catches', async () => {
  const { station, result, logs, hostLogs } = await runGuest(DEEP_GUEST);
  assert.deepEqual(result, { code: 0, reason: 'the bundle called exit(0)' }, hostLogs.join('\n'));
  assert.deepEqual(logs, DEEP_GUEST_SAYS);
  assert.equal(station.uncaughtErrors, 0, hostLogs.join('\n'));
});

test('memory: used and peak of the QuickJS heap are reported, under the limit', async () => {
  const { station, result } = await runGuest(
    `var big = []; for (var i = 0; i < 2000; i++) big.push({ i: i, s: 'item ' + i });
     ocppHost.timerStart(1, function () { big = null; ocppHost.timerStart(1, function () { ocppHost.exit(0); }); });`
  );
  assert.equal(result.code, 0);
  const m = station.memory();
  assert.equal(m.limit, 1024 * 1024);
  assert.ok(m.used > 50 * 1024 && m.used < m.limit, `used ${m.used}`);
  assert.ok(m.peak > m.used + 50 * 1024, `peak ${m.peak} should include the 2000 objects freed later (used ${m.used})`);
});

test('stations share a WebAssembly module only while their heap limits fit its 2 GiB together', async () => {
  const MiB = 1024 * 1024;
  const before = wasmModuleReservations(); // other tests' stations may still hold a few MiB
  const padded = (list, n) => Array.from({ length: n }, (_, i) => list[i] || 0);
  const big = (id) => new SimulatedStation({ settings: { id }, dataDir, heapLimit: 700 * MiB, bundle: { code: `ocppHost.timerStart(60000, function () {});` } });
  const stations = [big('WASM-1'), big('WASM-2'), big('WASM-3')];
  for (const s of stations) await s.start();
  const during = wasmModuleReservations();
  const added = during.map((r, i) => r - (before[i] || 0));
  assert.equal(during.length, Math.max(before.length, 1) + 1, `one more module: ${during}`);
  assert.equal(added[0], 1400 * MiB, 'two stations of 700 MiB share the first module');
  assert.equal(added.at(-1), 700 * MiB, 'the third, over 1.5 GiB, gets a module of its own');
  for (const s of stations) await s.stop(0, 'test over');
  assert.deepEqual(wasmModuleReservations(), padded(before, during.length), 'given back when they end');
});

test('stop() from outside ends the station and closes its timers', async () => {
  const station = new SimulatedStation({
    settings: { id: 'STOP-1' },
    dataDir,
    bundle: { code: `ocppHost.timerStart(60000, function () { ocppHost.exit(9); });` },
  });
  await station.start();
  assert.equal(station.running, true);
  const result = await station.stop(0, 'test is done');
  assert.deepEqual(result, { code: 0, reason: 'test is done' });
  assert.equal(station.running, false);
});

test('the real bundle boots in the host and logs through the HAL', async () => {
  const station = new SimulatedStation({ settings: { id: 'REAL-1', url: 'ws://127.0.0.1:9/ocpp' }, dataDir });
  const lines = [];
  station.on('log', (e) => lines.push(e.text));
  await station.start();
  assert.match(lines[0], /^boot: .* on host node-sim, IMEI \d{15}$/);
  station.stop(0);
  await station.exited;
});

// ---- websockets against the strict CSMS --------------------------------------------------

let csms;
before(async () => {
  csms = new Csms({ heartbeatInterval: 42, password: 'sesame-sesame-16' });
  await csms.start();
});
after(() => csms.stop());

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

const basic = (id, password) => ({ Authorization: 'Basic ' + Buffer.from(`${id}:${password}`).toString('base64') });

test('ws: subprotocol ocpp1.6 and the Basic auth header reach the CSMS; frames both ways; close', async () => {
  const id = 'WS-1';
  const { result, logs } = await runGuest(
    socketGuest(`${csms.url}/${id}`, { protocols: ['ocpp1.6'], headers: basic(id, 'sesame-sesame-16') }, {
      onOpen: `ocppHost.wsSend(s, JSON.stringify([2, 'b1', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }]));`,
      onMessage: `var f = JSON.parse(t); if (f[0] === 3) ocppHost.wsClose(s, 1000, 'done');`,
    }),
    { id }
  );
  assert.equal(result.code, 0, logs.join('\n'));
  assert.equal(logs[0], 'open ocpp1.6');
  const conf = JSON.parse(logs[1].slice(4));
  assert.equal(conf[0], 3);
  assert.equal(conf[1], 'b1');
  assert.equal(conf[2].status, 'Accepted');
  assert.equal(conf[2].interval, 42);
  assert.equal(logs[2], 'close 1000 done');
  const connection = csms.connections.find((c) => c.station === id);
  assert.equal(connection.protocol, 'ocpp1.6');
  assert.equal(connection.authorization, basic(id, 'sesame-sesame-16').Authorization);
  assert.deepEqual(csms.calls(id, 'BootNotification'), [{ chargePointVendor: 'V', chargePointModel: 'M' }]);
  assert.deepEqual(csms.violations, []);
});

test('ws: a CALL from the CSMS reaches onmessage and the answer goes back', async () => {
  const id = 'WS-2';
  const station = new SimulatedStation({
    settings: { id },
    dataDir,
    bundle: {
      code: socketGuest(`${csms.url}/${id}`, { protocols: ['ocpp1.6'], headers: basic(id, 'sesame-sesame-16') }, {
        onMessage: `var f = JSON.parse(t); ocppHost.wsSend(s, JSON.stringify([3, f[1], { status: 'Accepted' }]));`,
      }),
    },
  });
  await station.start();
  await csms.waitForConnection(id);
  const conf = await csms.call(id, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '5' }, { timeout: 5 });
  assert.deepEqual(conf, { status: 'Accepted' });
  assert.deepEqual(station.stats, { framesSent: 1, framesReceived: 1, restarts: 0 });
  await csms.disconnect(id, { code: 1000, reason: 'bye' });
  const result = await station.exited;
  assert.equal(result.code, 0);
});

test('ws: a wrong password, an unreachable port and a bad URL arrive as onerror then onclose, never re-entrantly', async () => {
  const wrong = await runGuest(socketGuest(`${csms.url}/WS-3`, { protocols: ['ocpp1.6'], headers: basic('WS-3', 'nope') }));
  assert.deepEqual(wrong.logs, ['error Unexpected server response: 401', 'close 1006 ']);
  assert.equal(csms.rejections.at(-1).station, 'WS-3');

  const unreachable = await runGuest(socketGuest('ws://127.0.0.1:1/ocpp/WS-4', { protocols: ['ocpp1.6'] }));
  assert.match(unreachable.logs[0], /^error connect ECONNREFUSED 127\.0\.0\.1:1$/);
  assert.equal(unreachable.logs[1], 'close 1006 ');

  const badUrl = await runGuest(socketGuest('http//nonsense', { protocols: ['ocpp1.6'] }));
  assert.match(badUrl.logs[0], /^error Invalid URL/);
  assert.equal(badUrl.logs.length, 2);
  assert.match(badUrl.logs[1], /^close 1006/);
});

test('ws: without a subprotocol it speaks (ocpp1.6, ocpp2.0.1) the strict CSMS refuses the connection', async () => {
  const { logs } = await runGuest(socketGuest(`${csms.url}/WS-5`, { protocols: ['ocpp2.1'], headers: basic('WS-5', 'sesame-sesame-16') }));
  assert.deepEqual(logs, ['error Unexpected server response: 400', 'close 1006 ']);
});

// ---- TLS (wss): the server must chain to the given CA; client certificates -----------------

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeCertificates(dir) {
  const run = (...args) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  const key = (name) => run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  key('ca');
  run('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=Test CA', '-days', '2', '-out', 'ca.pem');
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', '/CN=TLS-2', 'extendedKeyUsage=clientAuth'],
  ]) {
    key(name);
    run('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), ext + '\n');
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  }
  const read = (f) => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.pem'), serverKey: read('server.key'), serverCert: read('server.pem'), clientKey: read('client.key'), clientCert: read('client.pem') };
}

test('wss: connects with the CA given, refuses a server it cannot verify, sends a client certificate', { skip: !hasOpenssl && 'openssl is not installed' }, async () => {
  const pki = makeCertificates(mkdtempSync(join(dataDir, 'pki-')));
  const secure = new Csms({ tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true } });
  await secure.start();
  try {
    assert.match(secure.url, /^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    const untrusted = await runGuest(socketGuest(`${secure.url}/TLS-1`, { protocols: ['ocpp1.6'] }));
    assert.match(untrusted.logs[0], /^error .*(self.signed|unable to (get|verify)|certificate)/i, untrusted.logs.join('\n'));
    assert.equal(untrusted.logs[1], 'close 1006 ');

    const noClientCert = await runGuest(socketGuest(`${secure.url}/TLS-1`, { protocols: ['ocpp1.6'], ca: pki.ca }));
    assert.match(noClientCert.logs[0], /^error /, noClientCert.logs.join('\n'));

    const ok = await runGuest(
      socketGuest(`${secure.url}/TLS-2`, { protocols: ['ocpp1.6'], ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }, {
        onOpen: `ocppHost.wsClose(s, 1000, 'tls ok');`,
      })
    );
    assert.deepEqual(ok.logs, ['open ocpp1.6', 'close 1000 tls ok']);
    assert.equal(secure.connections.filter((c) => c.station === 'TLS-2').length, 1);
  } finally {
    await secure.stop();
  }
});
