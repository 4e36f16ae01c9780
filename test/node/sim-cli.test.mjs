// The simulator CLI's flags (sim/cli-options.mjs) and the CLI process's exit codes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOcppVersion, parseCliArgs, UsageError } from '../../sim/cli-options.mjs';
import { DEFAULT_BUNDLE } from '../../sim/host.mjs';

const CLI = fileURLToPath(new URL('../../sim/cli.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base = ['--url', 'ws://localhost:9000/ocpp', '--id', 'CP'];

test('defaults: one station, 2 connectors, idle, 1 MiB heap, ./sim-data', () => {
  const c = parseCliArgs(base);
  assert.equal(c.help, false);
  assert.equal(c.dataDir, 'sim-data');
  assert.equal(c.heapLimit, 1048576);
  assert.equal(c.logLevel, 'info');
  assert.deepEqual(c.stations, [
    { url: 'ws://localhost:9000/ocpp', id: 'CP', connectors: 2, scenario: 'idle', idTag: 'DEMO-TAG', duration: 0, password: '', ca: '', cert: '', key: '', logLevel: 'info' },
  ]);
});

test('the stations run the simulator bundle, dist/simulator.min.js (the flashed station on the simulated charger), unless --bundle names another', () => {
  assert.equal(DEFAULT_BUNDLE, fileURLToPath(new URL('../../dist/simulator.min.js', import.meta.url)));
  assert.equal(parseCliArgs(base).bundle, DEFAULT_BUNDLE);
  const mine = join(dir, 'my-station.js');
  writeFileSync(mine, 'ocppHost.exit(0);');
  assert.equal(parseCliArgs([...base, '--bundle', mine]).bundle, mine);
  assert.deepEqual(parseCliArgs([...base, '--scenario', 'session', '--duration', '5']).givenFlags, ['url', 'id', 'scenario', 'duration']);
});

test('every option lands in the settings of every station', () => {
  const pem = join(dir, 'ca.pem');
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const c = parseCliArgs([
    '--url', 'wss://csms.example/ocpp/', '--id', 'SITE', '--stations', '3', '--connectors', '4', '--scenario', 'session',
    '--id-tag', 'TAG1', '--duration', '2.5', '--password', 'pw', '--ca', pem, '--cert', pem, '--key', pem,
    '--data-dir', '/tmp/x', '--heap-limit', '524288', '--log-level', 'debug',
  ]);
  assert.deepEqual(c.stations.map((s) => s.id), ['SITE-1', 'SITE-2', 'SITE-3']);
  const s = c.stations[2];
  assert.equal(s.url, 'wss://csms.example/ocpp', 'a trailing slash is dropped: the bundle appends /<id>');
  assert.equal(s.connectors, 4);
  assert.equal(s.scenario, 'session');
  assert.equal(s.idTag, 'TAG1');
  assert.equal(s.duration, 2.5);
  assert.equal(s.password, 'pw');
  assert.match(s.ca, /^-----BEGIN CERTIFICATE-----/, 'PEM text, not the file name');
  assert.equal(s.cert, s.ca);
  assert.equal(s.logLevel, 'debug');
  assert.equal(c.dataDir, '/tmp/x');
  assert.equal(c.heapLimit, 524288);
});

test('--id-tag: 1.6 takes an idTag of 20 characters (CiString20), --ocpp 2.0.1 an idToken of 36 (IdTokenType)', () => {
  const tag = (n, ...more) => parseCliArgs(['--url', 'ws://x', '--id', 'A', '--id-tag', 'T'.repeat(n), ...more]).stations[0].idTag.length;
  assert.equal(tag(20), 20);
  assert.throws(() => tag(21), /--id-tag must be 1 to 20 characters/);
  assert.equal(tag(36, '--ocpp', '2.0.1'), 36);
  assert.throws(() => tag(37, '--ocpp', '2.0.1'), /--id-tag must be 1 to 36 characters/);
});

test('--id-tag with a --bundle: the bundle\'s own version decides (the subprotocol it names), 36 for a 2.0.1 bundle, 20 for a 1.6 one', () => {
  const dist = (name) => fileURLToPath(new URL(`../../dist/${name}`, import.meta.url));
  const tag = (n, bundle) => parseCliArgs(['--url', 'ws://x', '--id', 'A', '--id-tag', 'T'.repeat(n), '--bundle', dist(bundle)]).stations[0].idTag.length;
  for (const name of ['firmware-201.js', 'firmware-201.min.js', 'simulator-201.js', 'simulator-201.min.js']) {
    assert.equal(bundleOcppVersion(dist(name)), '2.0.1', name);
    assert.equal(tag(36, name), 36, name);
    assert.throws(() => tag(37, name), /--id-tag must be 1 to 36 characters \(OCPP IdToken of the 2\.0\.1 bundle\), got "T{37}"/);
  }
  for (const name of ['firmware.js', 'firmware.min.js', 'simulator.js', 'simulator.min.js']) {
    assert.equal(bundleOcppVersion(dist(name)), '1.6', name);
    assert.equal(tag(20, name), 20, name);
    assert.throws(() => tag(21, name), /--id-tag must be 1 to 20 characters \(OCPP IdToken of a 1\.6 bundle; 2\.0\.1's takes 36\)/);
  }
  assert.equal(bundleOcppVersion(join(dir, 'nowhere.js')), '1.6', 'a file that cannot be read: 1.6 (the bundle check says the rest)');
});

test('bad flags are UsageErrors that say what is wrong', () => {
  const notPem = join(dir, 'not.pem');
  writeFileSync(notPem, 'hello');
  const cases = [
    [['--url', 'ws://x', '--id', 'A', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['--id', 'A'], /--url is required/],
    [['--url', 'ws://x'], /--id is required/],
    [['--url', 'http://x', '--id', 'A'], /--url must start with ws:\/\/ or wss:\/\//],
    [['--url', 'not a url', '--id', 'A'], /is not a URL/],
    [[...base, '--stations', '0'], /--stations must be a whole number from 1 to 10000, got "0"/],
    [[...base, '--stations', '2.5'], /--stations must be a whole number/],
    [[...base, '--connectors', 'two'], /--connectors must be a whole number from 1 to 100, got "two"/],
    [[...base, '--duration=-1'], /--duration must be a number of seconds >= 0, got "-1"/],
    [[...base, '--duration', '-1'], /^--duration must be a number of seconds >= 0, got "-1"$/],
    [[...base, '--connectors', '-2'], /^--connectors must be a whole number from 1 to 100, got "-2"$/],
    [[...base, '--bundle', join(dir, 'no-such.js')], /--bundle: cannot read .*no-such\.js: ENOENT/],
    [[...base, '--bundle', dir], /--bundle: .* is not a file/],
    [[...base, '--duration', 'soon'], /--duration must be a number of seconds >= 0, got "soon"/],
    [[...base, '--heap-limit', '1000'], /--heap-limit must be a whole number from 65536/],
    [[...base, '--heap-limit', '1MB'], /--heap-limit must be a whole number/],
    [[...base, '--scenario', 'party'], /--scenario must be idle, session or none, got "party"/],
    [[...base, '--log-level', 'loud'], /--log-level must be debug, info, warning or error/],
    [[...base, '--id-tag', 'X'.repeat(21)], /--id-tag must be 1 to 20 characters/],
    [[...base, '--ocpp', '2.0.1', '--id-tag', 'X'.repeat(37)], /--id-tag must be 1 to 36 characters/],
    [['--url', 'ws://x', '--id', 'a b'], /"a b" is not a valid station id/],
    [[...base, '--cert', notPem], /--cert and --key go together/],
    [[...base, '--ca', join(dir, 'missing.pem')], /--ca: cannot read .*missing\.pem: ENOENT/],
    [[...base, '--ca', notPem], /--ca: .*not\.pem is not a PEM file/],
    [[...base, '--password', ''], /--password must not be empty/],
    [[...base, 'stray'], /Unexpected argument 'stray'/],
    [[...base, '--url'], /argument missing/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseCliArgs(argv), (err) => err instanceof UsageError && message.test(err.message), `${argv.join(' ')} → ${message}`);
  }
});

test('the CLI process: bad flag → message on stderr, exit 2; --help → usage, exit 0', () => {
  const bad = spawnSync(process.execPath, [CLI, '--url', 'ws://x/ocpp', '--id', 'A', '--stations', 'many'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^sim: --stations must be a whole number from 1 to 10000, got "many"\n/);
  assert.equal(bad.stdout, '');
  const missing = spawnSync(process.execPath, [CLI], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--url is required/);
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  for (const flag of ['--url', '--id', '--stations', '--connectors', '--scenario', '--id-tag', '--duration', '--password', '--ca', '--cert', '--key', '--security-profile', '--data-dir', '--heap-limit', '--bundle', '--log-level', '--help']) {
    assert.ok(help.stdout.includes(flag), `usage mentions ${flag}`);
  }
});

// ---- progress output, with a guest script standing in for the bundle ----------------------

import { runStations } from '../../sim/cli.mjs';

/** Logs two steps, then exits with the code given in its settings (duration field reused). */
const STEPPER = {
  code: `var s = JSON.parse(ocppHost.config());
    ocppHost.log(20, 'connector 1: Preparing');
    ocppHost.timerStart(30, function () { ocppHost.log(20, 'transaction ' + s.id.length + ' started'); });
    ocppHost.timerStart(250, function () { ocppHost.exit(s.duration); });`,
};

test('a few stations: every step of each is printed; exit 0 when all exited 0', async () => {
  const lines = [];
  const config = parseCliArgs([...base, '--stations', '2', '--data-dir', dir]);
  const code = await runStations(config, { out: (l) => lines.push(l), bundle: STEPPER });
  assert.equal(code, 0);
  for (const id of ['CP-1', 'CP-2']) {
    assert.ok(lines.some((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ${id}  connector 1: Preparing$`).test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes(`${id}  exited 0`)));
  }
  assert.equal(lines.at(-1), 'sim: all 2 station(s) exited 0');
});

test('many stations: periodic status lines instead of every step; a failing station makes exit 1 with its reason', async () => {
  const lines = [];
  const config = parseCliArgs([...base, '--stations', '6', '--data-dir', dir]);
  config.stations[4].duration = 3; // CP-5 exits 3
  const code = await runStations(config, { out: (l) => lines.push(l), bundle: STEPPER, statusEveryMs: 100 });
  assert.equal(code, 1);
  assert.ok(!lines.some((l) => l.includes('connector 1: Preparing')), 'no per-station steps with 6 stations');
  const status = lines.filter((l) => / status: /.test(l));
  assert.ok(status.length >= 2, lines.join('\n'));
  const busy = status.find((l) => l.includes('6 running'));
  assert.match(busy, /status: 6 running, 0 done, 0 failed \| frames 0 sent, 0 received \| heap peak \d+ KB \| \d× "(connector #: Preparing|transaction # started)"/);
  assert.match(status.at(-1), /status: 0 running, 5 done, 1 failed/);
  assert.ok(lines.includes('sim: CP-5 failed: exit 3: the bundle called exit(3)'), lines.join('\n'));
  assert.equal(lines.at(-1), 'sim: 1 of 6 station(s) failed');
});

test('flags the bundle does not act on are reported, by what it declared or because it declared nothing', async () => {
  const declares = { code: `ocppHost.settingsHonoured = 'url,id,connectors'; ocppHost.timerStart(10, function () { ocppHost.exit(0); });`, filename: 'my-station.js' };
  const silent = { code: `ocppHost.timerStart(10, function () { ocppHost.exit(0); });`, filename: 'silent.js' };
  const config = parseCliArgs([...base, '--scenario', 'session', '--duration', '5', '--connectors', '1', '--data-dir', dir]);
  const lines = [];
  assert.equal(await runStations(config, { out: (l) => lines.push(l), bundle: declares }), 0);
  assert.ok(lines.includes('sim: warning: my-station.js does not act on --scenario, --duration (it acts on the settings url, id, connectors); ignored'), lines.join('\n'));
  assert.match(lines[0], /\(my-station\.js, scenario session,/);
  lines.length = 0;
  assert.equal(await runStations(config, { out: (l) => lines.push(l), bundle: silent }), 0);
  assert.ok(lines.includes('sim: warning: silent.js does not declare which settings it acts on (hal.declareSettings), so --connectors, --scenario, --duration may be ignored'), lines.join('\n'));
  lines.length = 0;
  const honoured = parseCliArgs([...base, '--connectors', '1', '--data-dir', dir]);
  assert.equal(await runStations(honoured, { out: (l) => lines.push(l), bundle: declares }), 0);
  assert.ok(!lines.some((l) => /warning/.test(l)), lines.join('\n'));
});

// ---- ending: signals, an unreachable CSMS -------------------------------------------------

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Csms } from '../../sim/csms.mjs';

/** The CLI as a process; resolves `exited` with { code, signal, lines }. */
function cliProcess(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.lines = [];
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => child.lines.push(...String(d).split('\n').filter(Boolean)));
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, lines: child.lines })));
  return child;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  test(`${signal} stops every station: websockets closed with 1001, exit 0, one summary line`, async () => {
    const csms = new Csms({ heartbeatInterval: 60 });
    await csms.start();
    try {
      const child = cliProcess(['--url', csms.url, '--id', `SIG-${signal}`, '--stations', '2', '--data-dir', dir]);
      await Promise.all([1, 2].map((n) => csms.waitForCall(`SIG-${signal}-${n}`, 'StatusNotification', { timeout: 15000 })));
      child.kill(signal);
      const { code, lines } = await child.exited;
      assert.equal(code, 0, lines.join('\n'));
      assert.equal(lines.at(-1), `sim: stopped by ${signal === 'SIGINT' ? 'SIGINT (Ctrl-C)' : 'SIGTERM'}: 2 station(s) ended, their connections closed (1001)`);
      if (signal === 'SIGTERM') assert.ok(!lines.some((l) => /Ctrl-C/.test(l)), 'SIGTERM is not called Ctrl-C');
      assert.ok(!lines.some((l) => /\[error\]|failed/.test(l)), lines.join('\n'));
      for (const n of [1, 2]) {
        const [c] = csms.connections.filter((x) => x.station === `SIG-${signal}-${n}`);
        assert.equal(c.code, 1001, `station ${n} closed its websocket with 1001 (going away) before the process ended`);
      }
    } finally {
      await csms.stop();
    }
  });
}

test('a second Ctrl-C exits at once, without waiting for a close the CSMS does not answer', async () => {
  // a websocket server that accepts the upgrade and then says nothing, close frames included
  const server = createServer();
  const sockets = [];
  server.on('upgrade', (req, socket) => {
    sockets.push(socket);
    const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n`);
    socket.on('data', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const child = cliProcess(['--url', `ws://127.0.0.1:${server.address().port}/ocpp`, '--id', 'SIG-TWICE', '--data-dir', dir]);
    const until = async (what, done) => {
      for (const end = Date.now() + 15000; !done(); await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() > end) throw new Error(`waited in vain for ${what}: ${child.lines.join('\n')}`);
      }
    };
    await until('the connection', () => sockets.length > 0);
    await new Promise((r) => setTimeout(r, 300)); // the BootNotification is out
    child.kill('SIGINT');
    await until('the first SIGINT to be taken', () => child.lines.some((l) => /stopping 1 station/.test(l)));
    const second = Date.now();
    child.kill('SIGINT');
    const { code, lines } = await child.exited;
    assert.equal(code, 130, lines.join('\n'));
    assert.ok(Date.now() - second < 1500, 'not the 2 s the close handshake would get');
    assert.equal(lines.at(-1), 'sim: SIGINT again: exiting at once, without waiting for the connections to close');
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});

test('an unreachable CSMS: the last line says why (the connect error)', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  await new Promise((r) => server.close(r)); // a port nobody listens on
  const config = parseCliArgs(['--url', `ws://127.0.0.1:${port}/ocpp`, '--id', 'NOWHERE', '--scenario', 'session', '--data-dir', dir]);
  Object.assign(config.stations[0], { maxConnectAttempts: 2, reconnectMaxSeconds: 1 });
  const lines = [];
  assert.equal(await runStations(config, { out: (l) => lines.push(l) }), 1);
  assert.match(
    lines.at(-1),
    new RegExp(`^sim: NOWHERE failed: exit 1: the bundle called exit\\(1\\); its last error: the CSMS at ws://127\\.0\\.0\\.1:${port}/ocpp is unreachable after 2 attempts \\(1006 connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`)
  );
});
