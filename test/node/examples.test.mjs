// The examples (examples/*.ts), each built as a user builds a station of their own
// (`npm run build -- --entry … --out …`: ES5 proof, minified twin, size report) and its
// minified bundle run in the simulator host against the strict embedded CSMS.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkES5 } from '../../build/es5-check.mjs';
import { build, root } from '../../build/build.mjs';
import { stationTests } from './lib/stations.mjs';

const OUT = join(root, '.build', 'test-examples');
const rig = stationTests('examples');
const dataDir = rig.dataDir;
let csms;
const built = {};
const reports = {};

before(async () => {
  rmSync(OUT, { recursive: true, force: true });
  for (const name of ['minimal-station', 'own-hardware-station']) {
    const lines = [];
    const log = console.log;
    console.log = (line) => lines.push(line);
    try {
      // its own tsc folder: the suite's other tests bundle from .build/tsc meanwhile
      built[name] = await build({ entry: `examples/${name}.ts`, out: `.build/test-examples/${name}.js`, tscDir: join(OUT, 'tsc') });
    } finally {
      console.log = log;
    }
    reports[name] = lines;
  }
  csms = await rig.csms({ heartbeatInterval: 1, callTimeout: 5 });
});

const station = (name, id, settings = {}) => rig.station({ url: csms.url, id, ...settings }, { bundle: join(OUT, `${name}.min.js`) });

test('each example builds into a bundle and its minified twin, both ES5, with the size report', () => {
  for (const name of Object.keys(built)) {
    const code = readFileSync(join(OUT, `${name}.js`), 'utf8');
    const min = readFileSync(join(OUT, `${name}.min.js`), 'utf8');
    checkES5(code, name);
    checkES5(min, name + '.min.js');
    assert.ok(min.length < code.length * 0.8, `${name}: minified ${min.length} vs ${code.length}`);
    assert.deepEqual(Object.keys(built[name]), [`${name}.js`, `${name}.min.js`]);
    assert.equal(built[name][`${name}.min.js`].raw, Buffer.byteLength(min));
    const lines = reports[name];
    assert.ok(lines.includes('ES5 check passed (acorn ecmaVersion 5, no eval / new Function)'), lines.join('\n'));
    assert.ok(lines.some((l) => new RegExp(`^\\.build/test-examples/${name}\\.min\\.js +\\d+\\.\\d KB raw +\\d+\\.\\d KB gzip$`).test(l)), lines.join('\n'));
    assert.ok(!lines.some((l) => /dist\/firmware/.test(l)), `a build for another entry leaves the firmware alone: ${lines.join('\n')}`);
  }
  assert.ok(built['minimal-station']['minimal-station.min.js'].raw < 48 * 1024, 'the minimal station is the core and little more');
});

test('minimal station: boots, heartbeats, answers Reset and TriggerMessage, calls StatusNotification', async () => {
  const id = 'EX-MIN';
  const s = station('minimal-station', id);
  await s.start();
  try {
    assert.equal(s.settingsHonoured.join(','), 'url,id,vendor,model,firmwareVersion');
    await csms.waitForCall(id, 'BootNotification');
    const status = await csms.waitForCall(id, 'StatusNotification');
    assert.deepEqual(status.payload, { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await csms.waitForCall(id, 'Heartbeat', { timeout: 5000 }); // the CSMS's interval is 1 s
    const from = csms.records.length;
    assert.deepEqual(await csms.call(id, 'TriggerMessage', { requestedMessage: 'StatusNotification' }), { status: 'Accepted' });
    await csms.waitForCall(id, 'StatusNotification', { from });
    assert.deepEqual(await csms.call(id, 'TriggerMessage', { requestedMessage: 'MeterValues' }), { status: 'NotImplemented' });
    const restarted = new Promise((resolve) => s.once('restart', resolve));
    assert.deepEqual(await csms.call(id, 'Reset', { type: 'Soft' }), { status: 'Accepted' });
    await restarted;
    const [first] = csms.connections.filter((c) => c.station === id);
    await csms.waitFor(() => first.closedAt !== null, { timeout: 5000 }).catch(() => {});
    assert.equal(first.code, 1000, 'the station closed its websocket before the reboot');
    await csms.waitForConnection(id, { after: 1 });
    assert.equal(csms.calls(id, 'BootNotification').length >= 1, true);
    assert.deepEqual(csms.violations, [], 'every message valid against the OCPP 1.6 schemas');
  } finally {
    await s.stop(0, 'test over');
  }
});

test('own hardware: the full station runs a remote-started transaction on the example Hardware', async () => {
  const id = 'EX-HW';
  const s = station('own-hardware-station', id, { configuration: { MeterValueSampleInterval: 1 } });
  await s.start();
  try {
    await csms.waitForCall(id, 'BootNotification');
    const status = await csms.waitFor((r) => r.station === id && r.action === 'StatusNotification' && r.payload.connectorId === 1, { what: 'connector 1 status' });
    assert.equal(status.payload.status, 'Preparing', 'the tethered cable is plugged in');
    assert.deepEqual(await csms.call(id, 'RemoteStartTransaction', { idTag: 'EX-TAG', connectorId: 1 }), { status: 'Accepted' });
    const start = await csms.waitForCall(id, 'StartTransaction');
    assert.equal(start.payload.idTag, 'EX-TAG');
    const mv = await csms.waitForCall(id, 'MeterValues', { timeout: 5000 });
    const power = mv.payload.meterValue[0].sampledValue.find((v) => v.measurand === 'Power.Active.Import');
    assert.equal(Number(power.value), 16 * 230, 'the example hardware draws 16 A at 230 V');
    await new Promise((r) => setTimeout(r, 2500));
    const [txId] = [...csms.transactions.entries()].find(([, tx]) => tx.station === id);
    assert.deepEqual(await csms.call(id, 'RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
    const stop = await csms.waitForCall(id, 'StopTransaction');
    assert.ok(stop.payload.meterStop > start.payload.meterStart, `energy flowed: ${start.payload.meterStart} → ${stop.payload.meterStop} Wh`);
    assert.deepEqual(csms.violations, [], 'every message valid against the OCPP 1.6 schemas');
  } finally {
    await s.stop(0, 'test over');
  }
});

test('npm run sim -- --bundle runs a station of one\'s own, and reports the flags it does not act on', async () => {
  const id = 'EX-CLI';
  const bundle = join(OUT, 'minimal-station.min.js');
  const child = spawn(process.execPath, [join(root, 'sim/cli.mjs'), '--bundle', bundle, '--url', csms.url, '--id', id, '--scenario', 'session', '--duration', '3', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await csms.waitForCall(id, 'Heartbeat', { timeout: 15000 });
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, lines.join('\n'));
  assert.match(lines[0], /^sim: 1 station\(s\) → ws:\/\/127\.0\.0\.1:\d+\/ocpp\/<id> \(\.build\/test-examples\/minimal-station\.min\.js, scenario session,/);
  assert.ok(lines.includes('sim: warning: .build/test-examples/minimal-station.min.js does not act on --scenario, --duration (it acts on the settings url, id, vendor, model, firmwareVersion); ignored'), lines.join('\n'));
  assert.ok(lines.some((l) => /EX-CLI  boot accepted; heartbeat every 1 s/.test(l)), lines.join('\n'));
  assert.equal(lines.at(-1), 'sim: stopped by SIGINT (Ctrl-C): 1 station(s) ended, their connections closed (1001)');
});
