// Parts (src/lib/parts.ts, build/parts.mjs, the optional host ABI member partLoad): the
// flashed firmware carries the Firmware Management flows (a part each: firmware, diagnostics)
// and the Core profile's answers to the CSMS (core-requests) behind its own code; both hosts evaluate only the bundle's own code at
// boot, load the part when its request comes, answer correctly, and QuickJS frees the part
// again (the heap comes back near its level). A part
// the file does not have, or one that does not load, is a CALLERROR InternalError with an
// error log line, and the station goes on. Power cuts during a firmware update (the part
// reloaded by the boot that finds the stored update, from the installed image) are
// shim-firmware.test.mjs's, which runs the parted dist/simulator.min.js.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { root, FIRMWARE, SIMULATOR, bundleFile, minifiedName } from '../../build/build.mjs';
import { readParts, mainSection } from '../../sim/bundle-parts.mjs';
import { PARTS_MAX, withParts } from '../../build/parts.mjs';
import { dictionaryPath, loggedTexts, parseDictionary } from '../../sim/log-dictionary.mjs';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost, hostBinary, makeTestPki } from '../../firmware-shim/testing.mjs';
import { stationTests, within } from './lib/stations.mjs';

const FLASHED = join(root, minifiedName(FIRMWARE.out));
const rig = stationTests('parts');
const scratch = mkdtempSync(join(tmpdir(), 'parts-bundles-'));
const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`parts: the native host's tests skipped: ${shim.reason}\n`);
const native = shim.ok ? test : test.skip;
let csms;

before(async () => {
  csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5 });
});

/** A copy of the flashed firmware with `change(bytes, layout)` applied, in the scratch folder. */
function variant(name, change) {
  const bytes = Buffer.from(readFileSync(FLASHED));
  const file = join(scratch, name);
  writeFileSync(file, change(bytes, readParts(bytes)));
  return file;
}

/** The flashed firmware with its part's bytes made into a script that is a SyntaxError (the SHA-1 a host takes at boot still matches: the file is what it was then). */
const corruptPart = (name = 'diagnostics') =>
  variant(`corrupt-part-${name}.min.js`, (bytes, layout) => {
    const [offset, length] = layout.parts[name];
    bytes.fill(0x20, offset, offset + length - 1); // blanks (its line end stays) …
    bytes.write('}{', offset, 'latin1'); // … after a token no script starts with
    return bytes;
  });

/** The flashed firmware whose last line does not name part `name`. */
const noPart = (name = 'diagnostics') =>
  variant(`no-part-${name}.min.js`, (bytes) => {
    const text = bytes.toString('latin1');
    return Buffer.from(text.replace(new RegExp(` ${name}:\\d+:\\d+(?=[^\\n]*\\n$)`), ''), 'latin1');
  });

/**
 * The Core profile's requests, each answered by the part core-requests (loaded for it, let go
 * after the answer): the configuration read and changed, the cache cleared, a vendor unknown,
 * a connector without a lock, one made Inoperative and Operative again, no local list.
 * Resolves with the number of CALLs made.
 */
async function coreRequests(id) {
  const all = await csms.call(id, 'GetConfiguration', {});
  assert.ok(all.configurationKey.some((k) => k.key === 'HeartbeatInterval' && k.value === '60') && !all.unknownKey, JSON.stringify(all));
  assert.deepEqual(await csms.call(id, 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '30' }), { status: 'Accepted' });
  assert.deepEqual(await csms.call(id, 'GetConfiguration', { key: ['MeterValueSampleInterval', 'NoSuchKey'] }), { configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '30' }], unknownKey: ['NoSuchKey'] });
  assert.deepEqual(await csms.call(id, 'ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' }), { status: 'Rejected' });
  assert.deepEqual(await csms.call(id, 'ClearCache', {}), { status: 'Accepted' });
  assert.deepEqual(await csms.call(id, 'DataTransfer', { vendorId: 'org.example.none' }), { status: 'UnknownVendorId' });
  assert.deepEqual(await csms.call(id, 'UnlockConnector', { connectorId: 1 }), { status: 'NotSupported' }); // no IO: no cable lock
  const from = csms.records.length;
  assert.deepEqual(await csms.call(id, 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' }), { status: 'Accepted' });
  await csms.waitFor((r) => r.seq >= from && r.station === id && r.action === 'StatusNotification' && r.payload.connectorId === 2 && r.payload.status === 'Unavailable', { timeout: 10000, what: `${id} connector 2 Unavailable` });
  assert.deepEqual(await csms.call(id, 'ChangeAvailability', { connectorId: 2, type: 'Operative' }), { status: 'Accepted' });
  assert.deepEqual(await csms.call(id, 'RemoteStopTransaction', { transactionId: 12345 }), { status: 'Rejected' });
  assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 0 }); // the flashed firmware has Local Auth List Management: its own route, not the part's
  return 11;
}

async function getDiagnostics(id) {
  const from = csms.records.length;
  const answer = await csms.call(id, 'GetDiagnostics', { location: csms.diagnosticsUrl });
  assert.match(answer.fileName, new RegExp(`^diagnostics-${id}-\\d{8}T\\d{6}Z\\.json$`));
  await csms.waitFor((r) => r.seq >= from && r.station === id && r.type === 'CALL' && r.action === 'DiagnosticsStatusNotification' && r.payload.status === 'Uploaded', { timeout: 20000, what: `${id} Uploaded` });
  const statuses = csms.messages(id).filter((r) => r.seq >= from && r.type === 'CALL' && r.action === 'DiagnosticsStatusNotification').map((r) => r.payload.status);
  assert.deepEqual(statuses, ['Uploading', 'Uploaded']);
  return answer.fileName;
}

const dictionary = parseDictionary(readFileSync(dictionaryPath(FLASHED), 'utf8'));
/** A section of a minified bundle and the texts of the log codes it calls (its log dictionary's: build/log-dictionary.mjs). */
const withLogTexts = (code) => code + '\n' + loggedTexts(code, dictionary).join('\n');

/** The CALLERROR a CALL got: { code, description }, or the answer when it was none. */
async function callError(id, action, payload) {
  try {
    return { answer: await csms.call(id, action, payload) };
  } catch (err) {
    return { code: err.rpcErrorCode, description: err.message };
  }
}

test('the flashed bundles carry the Firmware Management flows and the security extension\'s transfers as parts behind their own code; the unminified twins and a --parts none build keep them resident', async () => {
  for (const out of [FIRMWARE.out, SIMULATOR.out]) {
    const bytes = readFileSync(join(root, minifiedName(out)));
    const layout = readParts(bytes);
    assert.ok(layout && layout.parts.firmware && layout.parts.diagnostics, `${minifiedName(out)} has the parts firmware and diagnostics`);
    const main = withLogTexts(mainSection(bytes).toString('utf8'));
    const section = (name) => {
      const [o, l] = layout.parts[name];
      return withLogTexts(bytes.subarray(o, o + l).toString('utf8'));
    };
    // The flows' log texts are their parts', not the resident code's: a part each, so a GetDiagnostics loads no update code.
    const update = section('firmware');
    const diagnostics = section('diagnostics');
    assert.ok(update.includes('firmware: downloading ') && !main.includes('firmware: downloading ') && !diagnostics.includes('firmware: downloading '), 'the download flow is in the part firmware only');
    assert.ok(diagnostics.includes('diagnostics uploaded as ') && !main.includes('diagnostics uploaded as ') && !update.includes('diagnostics uploaded as '), 'the upload is in the part diagnostics only');
    assert.ok(mainSection(bytes).length + layout.parts.firmware[1] + layout.parts.diagnostics[1] < bytes.length);
    // The security extension's transfers (SignedUpdateFirmware, GetLog) are a part each, and the
    // transfer flow they and the firmware flows run on one more (loaded once for all of them).
    assert.ok(section('security-log').includes('no security log is kept') && !main.includes('no security log is kept'), 'the log upload is in its part only');
    assert.ok(section('signed-firmware').includes('InvalidFirmwareSigningCertificate') && !main.includes('InvalidFirmwareSigningCertificate'), 'the signed update flow is in its part only');
    assert.ok(!section('security-log').includes('InvalidFirmwareSigningCertificate'), 'a GetLog loads no signed update');
    for (const name of ['transfer', 'firmware', 'diagnostics', 'security-log', 'signed-firmware']) {
      const has = section(name).includes('record unreadable: dropped');
      assert.equal(has, name === 'transfer', `the transfer flow is in the part transfer only (${name})`);
    }
    assert.ok(!main.includes('record unreadable: dropped'));
    // The Core profile's answers to the CSMS are a part of their own.
    const core = section('core-requests');
    assert.ok(core.includes('unlock failed') && !main.includes('unlock failed'), "UnlockConnector's log line is in its part only");
    assert.ok(core.includes('ChangeConfiguration ') && !main.includes('"ChangeConfiguration "'), "ChangeConfiguration's log line is in its part only");
    assert.equal(readParts(readFileSync(join(root, out))), null, `${out} has no parts`);
  }
  const whole = await bundleFile(FIRMWARE.entry, { minify: true });
  assert.equal(readParts(Buffer.from(whole)), null);
  assert.ok(whole.includes('firmware: downloading ') && whole.includes('unlock failed'));
});

test('simulator host: each of the Core profile\'s requests loads the part core-requests and is answered; without the part, a CALLERROR InternalError with an error log line, and the station goes on', async () => {
  const id = 'PART-SIM-CORE';
  const station = await rig.start({ url: csms.url, id, connectors: 2 }, { bundle: FLASHED, logLevel: 'debug' });
  await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 20000 }));
  const calls = await within(station, coreRequests(id));
  assert.equal(station.logs.filter((l) => /^part core-requests loaded \(\d+ bytes\)$/.test(l)).length, calls - 1, 'loaded for each CALL it answers (GetLocalListVersion is the local list\'s)');
  await station.stop(0, 'test over');
  const without = 'PART-SIM-CORE-NONE';
  const bare = await rig.start({ url: csms.url, id: without, connectors: 2 }, { bundle: noPart('core-requests') });
  await within(bare, csms.waitForCall(without, 'StatusNotification', { timeout: 20000 }));
  for (const [action, payload] of [['GetConfiguration', {}], ['Reset', { type: 'Soft' }]]) {
    const r = await callError(without, action, payload);
    assert.equal(r.code, 'InternalError', `${action}: ${JSON.stringify(r)}`);
    assert.match(r.description, /has no part "core-requests"/);
    assert.ok(bare.logs.some((l) => l.startsWith(action + ': part core-requests could not be loaded: ')), `an error line for ${action}`);
  }
  assert.deepEqual(await csms.call(without, 'TriggerMessage', { requestedMessage: 'Heartbeat' }), { status: 'Accepted' });
  await within(bare, csms.waitForCall(without, 'Heartbeat', { timeout: 10000 }));
  assert.ok(bare.running);
  await bare.stop(0, 'test over');
});

test('the build refuses a part that carries resident code: the firmware flows importing the OCPP errors', async () => {
  // tsc's output copied, with the firmware flows' module changed to import resident code.
  const tscDir = mkdtempSync(join(root, '.build', 'parts-check-'));
  try {
    cpSync(join(root, '.build', 'tsc'), tscDir, { recursive: true });
    const flows = join(tscDir, 'src', 'app', 'firmware', 'update-flow.js');
    const code = readFileSync(flows, 'utf8');
    writeFileSync(flows, "import { InternalError } from '../../ocpp/errors';\n" + code + '\nexport function refuse(what) {\n  throw new InternalError(what);\n}\n');
    await assert.rejects(bundleFile(FIRMWARE.entry, { minify: true, tscDir, parts: true }), /part firmware: its code src\/ocpp\/errors\.ts is resident too/);
    // As tsc made it, the same copy builds.
    writeFileSync(flows, code);
    assert.ok(readParts(Buffer.from(await bundleFile(FIRMWARE.entry, { minify: true, tscDir, parts: true }))).parts.firmware);
  } finally {
    rmSync(tscDir, { recursive: true, force: true });
  }
});

// The simulator host has no partRelease (quickjs-emscripten has no call for QuickJS's cycle
// collection): there a released part's code goes at QuickJS's next automatic collection, so
// only the native host's heap is checked to come back.
test('simulator host: GetDiagnostics loads its part (not the update\'s), answers and uploads; again, loaded again', async () => {
  const id = 'PART-SIM';
  const station = await rig.start({ url: csms.url, id, connectors: 2 }, { bundle: FLASHED, logLevel: 'debug' });
  await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 20000 }));
  await new Promise((r) => setTimeout(r, 500));
  const before = station.memory().used;
  await within(station, getDiagnostics(id));
  assert.ok(csms.uploads.some((u) => u.name.startsWith(`diagnostics-${id}-`)), 'the CSMS has the file');
  assert.ok(station.logs.some((l) => /^part diagnostics loaded \(\d+ bytes\)$/.test(l)), 'the host loaded the part');
  assert.ok(!station.logs.some((l) => /^part firmware loaded/.test(l)), 'and not the update\'s');
  assert.ok(station.memory().peak > before + 4096, `the part took room while it ran (peak ${station.memory().peak}, before ${before})`);
  // Again, once the first has been let go (its last notification answered): loaded again, the same answer.
  await new Promise((r) => setTimeout(r, 500));
  await within(station, getDiagnostics(id));
  assert.equal(station.logs.filter((l) => /^part diagnostics loaded/.test(l)).length, 2);
});

test('simulator host: a part the file does not have, or one that does not load, is a CALLERROR InternalError with an error log line; the station goes on', async () => {
  for (const [action, part, payload] of [
    ['GetDiagnostics', 'diagnostics', { location: csms.diagnosticsUrl }],
    ['UpdateFirmware', 'firmware', { location: csms.httpUrl + '/firmware/x.js', retrieveDate: new Date().toISOString() }],
  ]) for (const [id, bundle, why] of [
    [`PART-SIM-NONE-${part}`, noPart(part), new RegExp(`has no part "${part}"`)],
    [`PART-SIM-BAD-${part}`, corruptPart(part), new RegExp(`part "${part}" does not load: SyntaxError`)],
  ]) {
    const station = await rig.start({ url: csms.url, id, connectors: 2 }, { bundle });
    await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 20000 }));
    const r = await callError(id, action, payload);
    assert.equal(r.code, 'InternalError', `${id} ${action}: ${JSON.stringify(r)}`);
    assert.match(r.description, why);
    assert.ok(station.logs.some((l) => l.startsWith(`${action}: part ${part} could not be loaded: `) && why.test(l)), `${id}: an error line for ${action}`);
    assert.deepEqual(await csms.call(id, 'GetConfiguration', { key: ['HeartbeatInterval'] }), { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }] });
    assert.ok(station.running);
    await station.stop(0, 'test over');
  }
});

/**
 * The native host's "heap now" (SIGUSR1) after `from` characters of its output: the heap, what
 * of it is code (function tables and bytecode), and its pool pages' free slots.
 */
async function nativeHeapNow(host) {
  const from = host.output().length;
  host.child.kill('SIGUSR1');
  for (let i = 0; i < 100; i++) {
    const m = /ocpp-host: heap now (\d+) bytes in \d+ blocks: headers \d+, functions (\d+), bytecode (\d+), objects (\d+), arrays (\d+), atoms (\d+), strings (\d+), pool slack (\d+)/.exec(host.output().slice(from));
    if (m) {
      const [used, functions, bytecode, objects, arrays, atoms, strings, slack] = m.slice(1).map(Number);
      return { used, code: functions + bytecode, slack, data: objects + arrays + atoms + strings };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no heap report');
}

/** The flashed firmware compiled by the native host into `name` (its parts compiled with it). */
function flashedBytecode(name) {
  const bytecode = join(scratch, name);
  const compiled = spawnSync(hostBinary(), [FLASHED, '--compile', bytecode], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stdout + compiled.stderr);
  return bytecode;
}

/** `bundle` on the native host as station `id` (2 connectors, debug log), settled once its first StatusNotification came. */
async function nativeStation(id, bundle) {
  const host = startHost(bundle, ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--connectors', '2', '--log-level', 'debug'], { timeout: 100000 });
  await csms.waitForCall(id, 'StatusNotification', { timeout: 20000 });
  await new Promise((r) => setTimeout(r, 300));
  return host;
}

native('native host: GetDiagnostics loads its part from the file, as a script and as bytecode; the heap comes back to its level; a missing or corrupt part is a CALLERROR and the station goes on', { timeout: 120000 }, async () => {
  const bytecode = flashedBytecode('firmware.qjbc');
  const layout = readParts(readFileSync(bytecode));
  assert.ok(layout && layout.parts.diagnostics, 'the bytecode has the part too');
  assert.equal(readFileSync(bytecode)[layout.parts.diagnostics[0]] & ~0x40, 2, 'the part is bytecode');
  for (const [id, bundle] of [
    ['PART-NAT-JS', FLASHED],
    ['PART-NAT-BC', bytecode],
  ]) {
    const host = await nativeStation(id, bundle);
    const before = await nativeHeapNow(host);
    await getDiagnostics(id);
    await host.waitFor(/^part diagnostics loaded \(\d+ bytes\)$/);
    const released = await host.waitFor(/^part diagnostics released: heap \d+ -> \d+ bytes$/);
    const [, during, freed] = /heap (\d+) -> (\d+)/.exec(released.text).map(Number);
    assert.ok(freed < during - 8192, `${id}: the release freed the part's code (${during} -> ${freed})`);
    // The part goes once its last notification is sent, not answered: let the CSMS's answer to
    // it reach the station (its pending CALL freed) before the heap is asked, each time.
    const settle = () => new Promise((r) => setTimeout(r, 1000));
    await settle();
    const after = await nativeHeapNow(host);
    // Near its level: what stays is QuickJS's tables grown for the part (atoms, shapes), once,
    // and, from bytecode, the resident functions the part called first: their bodies are read
    // from the file at their first call and stay (unread-function-bodies.patch). The part's
    // own code is gone (the release above).
    const resident = Math.max(0, after.code - before.code);
    assert.ok(after.used - resident < before.used + 4096, `${id}: the heap came back near its level: ${before.used} before, ${after.used} after, ${resident} of it resident code read since`);
    await getDiagnostics(id);
    await host.waitFor(/^part diagnostics released/, { from: host.lines.findIndex((l) => l === released) + 1 });
    await settle();
    const again = await nativeHeapNow(host);
    assert.equal(host.lines.filter((l) => /^part diagnostics loaded/.test(l.text)).length, 2);
    assert.ok(!host.lines.some((l) => /^part firmware loaded/.test(l.text)), `${id}: no update code loaded`);
    // What is in use, without the pools' free slots: a pool page the second load happened to
    // open (1 KB, its slots free again once the part is gone) is no memory the part kept.
    assert.ok(again.used - again.slack < after.used - after.slack + 512, `${id}: a second load leaves nothing more: ${after.used - after.slack}, then ${again.used - again.slack} in use (pool slack ${after.slack}, then ${again.slack})`);
    const { code } = await host.stop();
    assert.equal(code, 130);
  }
  for (const [id, bundle, why] of [
    ['PART-NAT-NONE', noPart(), /has no part "diagnostics"/],
    ['PART-NAT-BAD', corruptPart(), /part "diagnostics" does not load: SyntaxError/],
  ]) {
    const host = startHost(bundle, ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--connectors', '2'], { timeout: 100000 });
    await csms.waitForCall(id, 'StatusNotification', { timeout: 20000 });
    const r = await callError(id, 'GetDiagnostics', { location: csms.diagnosticsUrl });
    assert.equal(r.code, 'InternalError', JSON.stringify(r));
    assert.match(r.description, why);
    await host.waitFor(/^GetDiagnostics: part diagnostics could not be loaded: /);
    assert.deepEqual(await csms.call(id, 'GetConfiguration', { key: ['HeartbeatInterval'] }), { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }] });
    const { code } = await host.stop();
    assert.equal(code, 130, 'the station ran on until stopped');
  }
});

native('native host: each of the Core profile\'s requests loads the part core-requests from the file, as a script and as bytecode, and lets it go after the answer; without the part, a CALLERROR InternalError and the station goes on', { timeout: 120000 }, async () => {
  const bytecode = flashedBytecode('firmware-core.qjbc');
  assert.ok(readParts(readFileSync(bytecode)).parts['core-requests'], 'the bytecode has the part');
  for (const [id, bundle] of [
    ['PART-NAT-CORE-JS', FLASHED],
    ['PART-NAT-CORE-BC', bytecode],
  ]) {
    const host = await nativeStation(id, bundle);
    const before = await nativeHeapNow(host);
    const calls = await coreRequests(id);
    await new Promise((r) => setTimeout(r, 300));
    const loaded = host.lines.filter((l) => /^part core-requests loaded \(\d+ bytes\)$/.test(l.text)).length;
    const released = host.lines.filter((l) => /^part core-requests released: heap \d+ -> \d+ bytes$/.test(l.text)).length;
    assert.equal(loaded, calls - 1, `${id}: loaded for each CALL it answers`);
    assert.equal(released, loaded, `${id}: let go after each answer`);
    const after = await nativeHeapNow(host);
    // Near its level, as after GetDiagnostics: the resident functions the part called first read from the file since (bytecode) stay.
    const resident = Math.max(0, after.code - before.code);
    assert.ok(after.used - resident < before.used + 4096, `${id}: the heap came back near its level: ${before.used} before, ${after.used} after, ${resident} of it resident code read since`);
    const { code } = await host.stop();
    assert.equal(code, 130);
  }
  const id = 'PART-NAT-CORE-NONE';
  const host = startHost(noPart('core-requests'), ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--connectors', '2'], { timeout: 100000 });
  await csms.waitForCall(id, 'StatusNotification', { timeout: 20000 });
  const r = await callError(id, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '90' });
  assert.equal(r.code, 'InternalError', JSON.stringify(r));
  assert.match(r.description, /has no part "core-requests"/);
  await host.waitFor(/^ChangeConfiguration: part core-requests could not be loaded: /);
  assert.deepEqual(await csms.call(id, 'TriggerMessage', { requestedMessage: 'Heartbeat' }), { status: 'Accepted' });
  await csms.waitForCall(id, 'Heartbeat', { timeout: 10000 });
  const { code } = await host.stop();
  assert.equal(code, 130, 'the station ran on until stopped');
});

/**
 * The parts row's episode (bench/armhf.mjs measureArmhfWithParts) on station `id`: a
 * GetDiagnostics, a GetLog of the DiagnosticsLog and a GetConfiguration with a
 * ChangeConfiguration at once, until both uploads have told their end and `host` has let the
 * parts go (diagnostics, security-log with the transfer flow, core-requests per CALL).
 */
async function threeParts(host, id, requestId) {
  const from = csms.records.length;
  const lines = host.lines.length;
  const told = (action, status) => csms.waitFor((r) => r.seq >= from && r.station === id && r.type === 'CALL' && r.action === action && r.payload.status === status, { timeout: 20000, what: `${id} ${action} ${status}` });
  const [diagnostics, log, config, change] = await Promise.all([
    csms.call(id, 'GetDiagnostics', { location: csms.diagnosticsUrl, retries: 0 }),
    csms.call(id, 'GetLog', { logType: 'DiagnosticsLog', requestId, retries: 0, log: { remoteLocation: csms.diagnosticsUrl } }),
    csms.call(id, 'GetConfiguration', {}),
    csms.call(id, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '300' }),
  ]);
  assert.ok(diagnostics.fileName && log.status === 'Accepted' && config.configurationKey.length > 20 && change.status === 'Accepted', JSON.stringify([diagnostics, log, change]));
  await Promise.all([told('DiagnosticsStatusNotification', 'Uploaded'), told('LogStatusNotification', 'Uploaded')]);
  // Each upload's part goes once its upload has ended (the transfer flow with the last of
  // them); 6 s: past the holders' look every 5 s as well.
  await new Promise((r) => setTimeout(r, 6000));
  assert.ok(host.lines.slice(lines).some((l) => /^part (diagnostics|security-log) released: heap/.test(l.text)), 'the parts were let go');
}

native('native host: nothing of an episode survives it: after a GetDiagnostics, a GetLog and a GetConfiguration at once, the same episode again leaves the heap in use where the first left it', { timeout: 120000 }, async () => {
  const bytecode = flashedBytecode('firmware-episodes.qjbc');
  const id = 'PART-NAT-EPISODES';
  const host = await nativeStation(id, bytecode);
  const boot = await nativeHeapNow(host);
  await threeParts(host, id, 1);
  const first = await nativeHeapNow(host);
  // Above the heap after boot by what the first episode read once and keeps: the resident
  // functions it called first (their bodies read from the file at that call stay,
  // unread-function-bodies.patch), the blocks' headers of that code and the pools' pages it
  // opened (free slots now, and a page's own header: whether the peak opens one more page
  // depends on the timing). What it may keep beyond is data — objects, arrays, atoms and
  // strings: the changed HeartbeatInterval, the uploads' last statuses, the log's records —
  // 786 bytes in every run on x86-64 at 57d8e35 (objects +240, strings +546); a report, a
  // frame or a part's object kept is kilobytes.
  const kept = first.data - boot.data;
  assert.ok(kept < 1024, `the first episode left ${kept} bytes of objects, arrays, atoms and strings beyond boot (code read ${first.code - boot.code})`);
  await threeParts(host, id, 2);
  const second = await nativeHeapNow(host);
  assert.equal(second.code, first.code, 'no more code read or kept');
  // Without the pools' free slots (a page the second episode opened, free again, is no memory
  // it kept); within 64 bytes (what a timer's or a log line's blocks happen to hold as the
  // heap is asked): an object kept per episode is more.
  const more = second.used - second.slack - (first.used - first.slack);
  assert.ok(more <= 64, `the second episode left ${more} bytes more in use (pool slack ${first.slack}, then ${second.slack})`);
  const { code } = await host.stop();
  assert.equal(code, 130);
});

native('native host: a file with as many parts as the build allows (PARTS_MAX) loads each of them, as a script and compiled to bytecode; the build refuses one more', { timeout: 60000 }, async () => {
  const names = Array.from({ length: PARTS_MAX }, (_, i) => 'many-' + i);
  // The bundle's own code opens every part and logs what each gives, then ends.
  const guest = `var got = [];
    ${JSON.stringify(names)}.forEach(function (name) {
      try { got.push(ocppHost.partLoad(name).create()); } catch (e) { got.push('! ' + e.message); }
    });
    ocppHost.log(20, 'parts ' + got.join(','));
    ocppHost.exit(0);\n`;
  const parts = names.map((name, i) => ({ name, code: `({ create: function () { return 'v${i}'; } });\n` }));
  const script = join(scratch, 'many-parts.js');
  writeFileSync(script, withParts(guest, parts));
  assert.equal(Object.keys(readParts(readFileSync(script)).parts).length, PARTS_MAX);
  const bytecode = join(scratch, 'many-parts.qjbc');
  const compiled = spawnSync(hostBinary(), [script, '--compile', bytecode], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stdout + compiled.stderr);
  assert.equal(Object.keys(readParts(readFileSync(bytecode)).parts).length, PARTS_MAX, 'the bytecode names every part');
  const expected = 'parts ' + names.map((_, i) => 'v' + i).join(',');
  for (const bundle of [script, bytecode]) {
    const r = await startHost(bundle, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', 'PART-MANY', '--data-dir', rig.dataDir]).exited;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(r.lines.some((l) => l.text === expected), `${bundle}: every part loaded:\n${r.lines.map((l) => l.text).join('\n')}`);
  }
  assert.throws(() => withParts(guest, [...parts, { name: 'one-more', code: '({});\n' }]), /more than the 32 the native host reads/);
});

/**
 * The 1.6 station's requests each answered by a part held for its CALL's turn (TURN_PARTS:
 * security's certificate operations, a CA installed, listed and deleted, a certificate refused,
 * a CSR made and sent; SendLocalList's updates; ReserveNow and CancelReservation;
 * GetCompositeSchedule and ClearChargingProfile), made on station `id`: the CALLs and their
 * answers (a composite schedule without its scheduleStart, the time it was asked), to be
 * compared with the resident build's.
 */
const TURN_PARTS = {
  InstallCertificate: 'certificates',
  GetInstalledCertificateIds: 'certificates',
  DeleteCertificate: 'certificates',
  CertificateSigned: 'certificates',
  ExtendedTriggerMessage: 'certificates',
  SendLocalList: 'local-list-update',
  ReserveNow: 'reservation-requests',
  CancelReservation: 'reservation-requests',
  GetCompositeSchedule: 'smart-charging-requests',
  ClearChargingProfile: 'smart-charging-requests',
};
let pki = null;
async function turnPartRequests(id) {
  pki = pki || makeTestPki('PART-TURN');
  const exchanged = [];
  const call = async (action, payload) => {
    const answer = await csms.call(id, action, payload);
    exchanged.push([action, answer]);
    return answer;
  };
  const notOne = '-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n';
  await call('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: pki.ca });
  await call('InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: notOne });
  const ids = await call('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
  assert.equal(ids.status, 'Accepted', JSON.stringify(ids));
  await call('DeleteCertificate', { certificateHashData: { ...ids.certificateHashData[0], serialNumber: '7777' } });
  await call('DeleteCertificate', { certificateHashData: ids.certificateHashData[0] });
  await call('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
  await call('CertificateSigned', { certificateChain: notOne });
  // A CSR: the station's SignCertificate (its key new each time: only that it came).
  const from = csms.records.length;
  await call('ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' });
  const sign = await csms.waitFor((r) => r.seq >= from && r.station === id && r.type === 'CALL' && r.action === 'SignCertificate', { timeout: 10000, what: `${id} SignCertificate` });
  assert.match(sign.payload.csr, /BEGIN CERTIFICATE REQUEST/);
  // The local list: a Full update, a Differential of an older version refused, one removing an idTag; the version resident.
  await call('SendLocalList', { listVersion: 3, updateType: 'Full', localAuthorizationList: [{ idTag: 'TAG-A', idTagInfo: { status: 'Accepted' } }, { idTag: 'TAG-B', idTagInfo: { status: 'Blocked' } }] });
  await call('SendLocalList', { listVersion: 2, updateType: 'Differential', localAuthorizationList: [{ idTag: 'TAG-A' }] });
  await call('SendLocalList', { listVersion: 4, updateType: 'Differential', localAuthorizationList: [{ idTag: 'TAG-A' }] });
  assert.deepEqual(await call('GetLocalListVersion', {}), { listVersion: 4 }, 'the update is the resident list\'s');
  // Reservations: one, another of the same connector Occupied, one cancelled, twice.
  const expiryDate = new Date(Date.now() + 3600000).toISOString();
  await call('ReserveNow', { connectorId: 1, expiryDate, idTag: 'TAG-R', reservationId: 7 });
  await call('ReserveNow', { connectorId: 1, expiryDate, idTag: 'TAG-S', reservationId: 8 });
  await call('CancelReservation', { reservationId: 7 });
  await call('CancelReservation', { reservationId: 7 });
  // Smart charging: a profile set (resident), the composite schedule in W, the profile cleared, twice.
  await call('SetChargingProfile', { connectorId: 1, csChargingProfiles: { chargingProfileId: 5, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }, { startPeriod: 60, limit: 6 }] } } });
  const composite = await call('GetCompositeSchedule', { connectorId: 1, duration: 120, chargingRateUnit: 'W' });
  assert.equal(composite.chargingSchedule.chargingSchedulePeriod.length, 2, JSON.stringify(composite));
  delete composite.scheduleStart;
  await call('ClearChargingProfile', { id: 5 });
  await call('ClearChargingProfile', { id: 5 });
  return exchanged;
}

/** The flashed firmware built with every part resident (`--parts none`), in the scratch folder. */
let residentBuild = null;
async function resident() {
  if (!residentBuild) {
    residentBuild = join(scratch, 'firmware-resident.min.js');
    writeFileSync(residentBuild, await bundleFile(FIRMWARE.entry, { minify: true }));
  }
  return residentBuild;
}

/** How many CALLs of `exchanged` each turn part answers. */
function turnPartCalls(exchanged) {
  const counts = {};
  for (const [action] of exchanged) if (TURN_PARTS[action]) counts[TURN_PARTS[action]] = (counts[TURN_PARTS[action]] || 0) + 1;
  return counts;
}

/**
 * Each turn part of `exchanged` loaded for its CALLs by the log lines `lines` (none for the
 * resident build): at least once, and at most once per CALL — a CALL that arrives before the
 * part of the one before it is let go (the holder lets it go on a later turn, once the answer has
 * gone, turn-holder.ts; a loaded machine can bring the CSMS's next CALL first) is answered by
 * the part already loaded. Returns the loads.
 */
function assertTurnLoads(lines, exchanged, resident, id) {
  const loads = partLines(lines, 'loaded');
  const calls = resident ? {} : turnPartCalls(exchanged);
  assert.deepEqual(Object.keys(loads).sort(), Object.keys(calls).sort(), `${id}: the parts loaded are those of the CALLs, none in the resident build`);
  for (const part of Object.keys(calls)) assert.ok(loads[part] >= 1 && loads[part] <= calls[part], `${id}: ${part} loaded ${loads[part]} times for ${calls[part]} CALLs`);
  return loads;
}

/** How many times each part was loaded (or released) by the log lines `lines`. */
function partLines(lines, what) {
  const counts = {};
  for (const l of lines) {
    const m = new RegExp(`^part ([a-z0-9-]+) ${what}`).exec(l);
    if (m && Object.values(TURN_PARTS).includes(m[1])) counts[m[1]] = (counts[m[1]] || 0) + 1;
  }
  return counts;
}

test('simulator host: the certificate operations, SendLocalList, ReserveNow / CancelReservation, GetCompositeSchedule / ClearChargingProfile each load their part for the CALL, and answer as the resident build does', async () => {
  const answers = {};
  for (const [id, bundle] of [['PART-SIM-TURN-RES', await resident()], ['PART-SIM-TURN', FLASHED]]) {
    const station = await rig.start({ url: csms.url, id, connectors: 2 }, { bundle, logLevel: 'debug' });
    await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 20000 }));
    answers[id] = await within(station, turnPartRequests(id));
    assertTurnLoads(station.logs, answers[id], bundle !== FLASHED, id);
    await station.stop(0, 'test over');
  }
  assert.deepEqual(answers['PART-SIM-TURN'], answers['PART-SIM-TURN-RES']);
});

native('native host: the same requests load their parts from the file, as a script and as bytecode, let each go after its answer with the heap back near its level, and answer as the resident build does', { timeout: 120000 }, async () => {
  const bytecode = flashedBytecode('firmware-turn.qjbc');
  const answers = {};
  for (const [id, bundle] of [['PART-NAT-TURN-RES', await resident()], ['PART-NAT-TURN-JS', FLASHED], ['PART-NAT-TURN-BC', bytecode]]) {
    const host = await nativeStation(id, bundle);
    const before = await nativeHeapNow(host);
    answers[id] = await turnPartRequests(id);
    await new Promise((r) => setTimeout(r, 300));
    const lines = host.lines.map((l) => l.text);
    const loads = assertTurnLoads(lines, answers[id], bundle === residentBuild, id);
    assert.deepEqual(partLines(lines, 'released'), loads, `${id}: each load let go after its answer`);
    const after = await nativeHeapNow(host);
    const resident = Math.max(0, after.code - before.code);
    // Free slots of pool pages the parts opened are not held by anything (the next allocations of
    // their size take them), and where the page boundaries fall moves with every change of the
    // bundle's code: what must come back is the heap less those, within 2.5 KB (objects the station
    // keeps from the requests: about 1.7 KB on the flashed bundle, as a script and as bytecode).
    const slack = Math.max(0, after.slack - before.slack);
    assert.ok(after.used - resident - slack < before.used + 2560, `${id}: the heap came back near its level: ${before.used} before, ${after.used} after, ${resident} of it resident code read since, ${slack} more free pool slots`);
    const { code } = await host.stop();
    assert.equal(code, 130);
  }
  assert.deepEqual(answers['PART-NAT-TURN-JS'], answers['PART-NAT-TURN-RES']);
  assert.deepEqual(answers['PART-NAT-TURN-BC'], answers['PART-NAT-TURN-RES']);
});
