// OCPP 2.0.1 in the simulator: `npm run sim -- --ocpp 2.0.1` runs dist/firmware-201.min.js
// (the 2.0.1 station of src/v201, composed by src/main-201.ts) over subprotocol ocpp2.0.1 against the
// embedded CSMS, which validates every message both ways against the 2.0.1 schemas (ocpp-rpc
// strict mode). The CLI process boots, reports its EVSEs, heartbeats, answers GetVariables
// and bad frames with the 2.0.1 codes, and ends with 0 when --duration is over. The native
// host runs the same bundle with the same flags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Csms } from '../../sim/csms.mjs';
import { parseCliArgs, UsageError, VERSION_BUNDLES } from '../../sim/cli-options.mjs';
import { DEFAULT_BUNDLE } from '../../sim/host.mjs';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { root, tscOut } from '../../build/build.mjs';
import { actionNames, servedSchemasModule } from '../../build/gen-ocpp201.mjs';
import { expanded, holdsTable, tablesOf, unservedLists, UNSERVED_201 } from './lib/tables.mjs';

const CLI = fileURLToPath(new URL('../../sim/cli.mjs', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sim-ocpp201-'));
let csms;

before(async () => {
  csms = new Csms({ heartbeatInterval: 1, callTimeout: 5 });
  await csms.start();
});
after(async () => {
  await csms.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The CLI as a process; resolves with its exit code and output once it ends. */
function runCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const done = new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
  return { child, done, output: () => out };
}

test('--ocpp picks the bundle of that version; 1.6 stays the default; --ocpp with --bundle or another version is refused', () => {
  const base = ['--url', 'ws://localhost:9000/ocpp', '--id', 'CP'];
  assert.equal(parseCliArgs(base).bundle, DEFAULT_BUNDLE);
  assert.equal(parseCliArgs([...base, '--ocpp', '1.6']).bundle, DEFAULT_BUNDLE);
  assert.equal(parseCliArgs([...base, '--ocpp', '2.0.1']).bundle, VERSION_BUNDLES['2.0.1']);
  assert.match(VERSION_BUNDLES['2.0.1'], /dist[/\\]simulator-201\.min\.js$/);
  assert.throws(() => parseCliArgs([...base, '--ocpp', '2.1']), (e) => e instanceof UsageError && /--ocpp must be 1\.6 or 2\.0\.1/.test(e.message));
  assert.throws(() => parseCliArgs([...base, '--ocpp', '2.0.1', '--bundle', CLI]), (e) => e instanceof UsageError && /give one of them/.test(e.message));
});

test('the 2.0.1 bundles carry the validator tables of the 35 actions their code names, as generated, and know the other 29 as unserved', () => {
  const all = actionNames();
  assert.equal(all.length, 64);
  const serves = all.filter((a) => !UNSERVED_201.includes(a));
  for (const bundle of ['dist/firmware-201.js', 'dist/firmware-201.min.js', 'dist/simulator-201.js', 'dist/simulator-201.min.js']) {
    const code = readFileSync(join(root, bundle), 'utf8');
    const unserved = unservedLists(code, all);
    assert.equal(unserved.length, 1, bundle + ' lists its unserved actions');
    assert.deepEqual(unserved[0].split('|'), UNSERVED_201, bundle);
    for (const a of all) assert.equal(holdsTable(code, a), serves.includes(a), `${a}'s table in ${bundle}`);
  }
  // each served table as the generated one (enum lists and shared nodes re-indexed)
  const generated = tablesOf(readFileSync(join(tscOut, 'src/ocpp/v201/generated/schemas.js'), 'utf8'));
  const served = tablesOf(servedSchemasModule(serves));
  assert.ok(served.enums.length < generated.enums.length && served.compact.shared.length < generated.compact.shared.length);
  for (const a of serves) assert.equal(expanded(served, a), expanded(generated, a), a);
  assert.match(expanded(served, 'TransactionEvent'), /triggerReason!=e<Authorized\|CablePluggedIn\|/);
});

test('a 2.0.1 station in the simulator against the strict embedded CSMS: boot, status per EVSE, heartbeat, GetVariables, bad frames, exit 0', async () => {
  const id = 'SIM-201';
  const run = runCli(['--ocpp', '2.0.1', '--url', csms.url, '--id', id, '--connectors', '2', '--duration', '6', '--data-dir', dataDir, '--scenario', 'none', '--sim-data-transfer']);
  try {
    const connection = await csms.waitForConnection(id);
    assert.equal(connection.protocol, 'ocpp2.0.1', 'subprotocol ocpp2.0.1');
    const boot = await csms.waitForCall(id, 'BootNotification');
    assert.equal(boot.payload.reason, 'PowerUp');
    assert.deepEqual(Object.keys(boot.payload.chargingStation).sort(), ['firmwareVersion', 'model', 'vendorName']);
    const status = [];
    for (const evseId of [1, 2]) status.push(await csms.waitFor((r) => r.station === id && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.evseId === evseId, { what: 'status of EVSE ' + evseId }));
    for (const s of status) assert.equal(s.payload.connectorStatus, 'Available');
    assert.ok(status[0].seq > boot.seq, 'nothing before the boot was accepted');
    await csms.waitForCall(id, 'Heartbeat', { timeout: 5000 }); // the CSMS's interval is 1 s

    const result = await csms.call(id, 'GetVariables', {
      getVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
        { component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' }, attributeType: 'Actual' },
        { component: { name: 'EVSE', evse: { id: 2 } }, variable: { name: 'AvailabilityState' } },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'Target' },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NoSuchVariable' } },
        { component: { name: 'NoSuchCtrlr' }, variable: { name: 'HeartbeatInterval' } },
      ],
    });
    assert.deepEqual(
      result.getVariableResult.map((r) => [r.attributeStatus, r.attributeType, r.attributeValue]),
      [
        ['Accepted', 'Actual', '1'],
        ['Accepted', 'Actual', id],
        ['Accepted', 'Actual', 'Available'],
        ['NotSupportedAttributeType', 'Target', undefined],
        ['UnknownVariable', 'Actual', undefined],
        ['UnknownComponent', 'Actual', undefined],
      ]
    );
    assert.deepEqual(result.getVariableResult[2].component, { name: 'EVSE', evse: { id: 2 } }, 'the component as asked (B06.FR.02)');

    // Bad frames get the OCPP-J 2.0.1 codes over a real socket.
    const from = csms.records.length;
    for (const frame of ['not json', '[2,"b201-1","Reset"]', '[7,"b201-2",{}]', '[2,"b201-3","GetVariables",{}]', '[2,"b201-4","StartTransaction",{}]', '[2,"b201-5","ClearDisplayMessage",{"id":1}]']) csms.sendRaw(id, frame);
    const answers = [];
    for (const expected of ['-1', 'b201-1', 'b201-2', 'b201-3', 'b201-4', 'b201-5']) {
      const r = await csms.waitFor((m) => m.station === id && m.direction === 'in' && m.seq >= from && m.text.indexOf('"' + expected + '"') > 0, { what: 'the answer to ' + expected });
      answers.push(JSON.parse(r.text).slice(1, 3).join(' '));
    }
    assert.deepEqual(answers, ['-1 RpcFrameworkError', 'b201-1 RpcFrameworkError', 'b201-2 MessageTypeNotSupported', 'b201-3 OccurrenceConstraintViolation', 'b201-4 NotImplemented', 'b201-5 NotSupported']);

    const { code, out } = await run.done;
    assert.equal(code, 0, 'duration over: exit 0\n' + out);
    assert.match(out, /--sim-data-transfer/, 'a flag the 2.0.1 station does not act on yet is reported');
    assert.deepEqual(csms.violations, [], 'every message valid against the OCPP 2.0.1 schemas');
  } finally {
    run.child.kill();
  }
});

test('the 2.0.1 station while Pending and Rejected: only BootNotification again after the interval, GetVariables answered while Pending, SecurityError while Rejected (B02, B03)', async () => {
  const own = new Csms({ heartbeatInterval: 1, callTimeout: 5 });
  await own.start();
  const id = 'SIM-201-P';
  const answers = ['Pending', 'Rejected', 'Accepted'];
  own.handle('BootNotification', () => ({ status: answers.length > 1 ? answers.shift() : answers[0], currentTime: new Date().toISOString(), interval: 1 }));
  const run = runCli(['--ocpp', '2.0.1', '--url', own.url, '--id', id, '--connectors', '1', '--duration', '8', '--data-dir', dataDir]);
  try {
    await own.waitForCall(id, 'BootNotification');
    const pending = await own.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }] });
    assert.equal(pending.getVariableResult[0].attributeValue, id, 'answered while Pending (B02.FR.01)');
    await own.waitFor((r) => r.station === id && r.action === 'BootNotification' && r.type === 'CALLRESULT' && r.payload.status === 'Rejected', { what: 'the Rejected answer' });
    await assert.rejects(own.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }] }), (e) => e.rpcErrorCode === 'SecurityError');
    const status = await own.waitForCall(id, 'StatusNotification', { timeout: 5000 });
    const boots = own.messages(id, { direction: 'in', type: 'CALL', action: 'BootNotification' });
    assert.equal(boots.length, 3, 'Pending, Rejected, Accepted');
    assert.ok(boots[2].time - boots[1].time >= 900 && boots[1].time - boots[0].time >= 900, 'each BootNotification after the interval (B02.FR.04, B03.FR.06)');
    const before = own.messages(id, { direction: 'in', type: 'CALL' }).filter((r) => r.seq < status.seq).map((r) => r.action);
    assert.deepEqual(before, ['BootNotification', 'BootNotification', 'BootNotification'], 'nothing but BootNotification until Accepted (B02.FR.02)');
    assert.deepEqual(own.violations, []);
  } finally {
    run.child.kill();
    await run.done;
    await own.stop();
  }
});

test('the 2.0.1 device model through the strict CSMS: SetVariables kept across a restart of the station, GetBaseReport in NotifyReport parts (B05, B07)', async () => {
  const id = 'SIM-201-DM';
  const first = runCli(['--ocpp', '2.0.1', '--url', csms.url, '--id', id, '--connectors', '1', '--duration', '4', '--data-dir', dataDir]);
  try {
    await csms.waitForCall(id, 'StatusNotification', { timeout: 10000 });
    const set = await csms.call(id, 'SetVariables', {
      setVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' }, attributeValue: '900' },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' }, attributeValue: 'soon', attributeType: 'Target' },
        { component: { name: 'ChargingStation' }, variable: { name: 'Model' }, attributeValue: 'X' },
      ],
    });
    assert.deepEqual(set.setVariableResult.map((r) => r.attributeStatus), ['Accepted', 'NotSupportedAttributeType', 'Rejected']);
    const from = csms.records.length;
    assert.deepEqual(await csms.call(id, 'GetBaseReport', { requestId: 9, reportBase: 'FullInventory' }), { status: 'Accepted' });
    const parts = [];
    for (let seqNo = 0; ; seqNo++) {
      const part = await csms.waitFor((r) => r.station === id && r.seq >= from && r.action === 'NotifyReport' && r.type === 'CALL' && r.payload.seqNo === seqNo, { what: 'NotifyReport ' + seqNo });
      parts.push(part.payload);
      if (!part.payload.tbc) break;
    }
    assert.ok(parts.length > 1, 'in parts');
    const reported = parts.flatMap((p) => p.reportData);
    const offline = reported.find((d) => d.component.name === 'OCPPCommCtrlr' && d.variable.name === 'OfflineThreshold');
    assert.equal(offline.variableAttribute[0].value, '900', 'the value just set');
    for (const required of ['HeartbeatInterval', 'NetworkConfigurationPriority', 'ItemsPerMessage', 'DateTime', 'SecurityProfile', 'AvailabilityState']) {
      assert.ok(reported.some((d) => d.variable.name === required), required + ' reported');
    }
    assert.equal((await first.done).code, 0);
  } finally {
    first.child.kill();
  }
  // The same data folder: the station boots again with what the CSMS set.
  const second = runCli(['--ocpp', '2.0.1', '--url', csms.url, '--id', id, '--connectors', '1', '--duration', '3', '--data-dir', dataDir]);
  try {
    const before = csms.records.length;
    await csms.waitFor((r) => r.station === id && r.seq >= before && r.action === 'StatusNotification', { what: 'the second boot', timeout: 10000 });
    const get = await csms.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }] });
    assert.equal(get.getVariableResult[0].attributeValue, '900', 'kept across the restart');
    await second.done;
    assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  } finally {
    second.child.kill();
  }
});

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`sim-ocpp201: the native-host test skipped: ${shim.reason}\n`);
// A skipped test is not registered, so that it does not count as passed.
(shim.ok ? test : () => {})('the native host runs the 2.0.1 bundle with the same flags: boot, status, GetVariables, exit 0', { timeout: 120000 }, async () => {
  const id = 'NAT-201';
  const host = startHost(VERSION_BUNDLES['2.0.1'], ['--url', csms.url, '--id', id, '--connectors', '1', '--duration', '4', '--data-dir', dataDir], { timeout: 60000 });
  try {
    assert.equal((await csms.waitForConnection(id)).protocol, 'ocpp2.0.1');
    await csms.waitForCall(id, 'StatusNotification', { timeout: 15000 });
    const r = await csms.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }] });
    assert.deepEqual([r.getVariableResult[0].attributeStatus, r.getVariableResult[0].attributeValue], ['Accepted', id]);
    const { code, heapPeak } = await host.exited;
    assert.equal(code, 0, host.output());
    assert.ok(heapPeak > 0, 'the native host reports its heap peak');
    assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  } finally {
    host.child.kill();
  }
});
