// A bundle's HAL has the members its code names (build/hal-members.mjs): the OCPP core's
// 10-handler station names neither hal.storage nor hal.firmware (nor setInterval, startTask,
// crypto, ...), is built without their code and still runs its whole session; the stations
// that use them carry them as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFile, root } from '../../build/build.mjs';
import { CORE } from '../../build/features.mjs';
import { halLiteral, halMembers, unnamedHalMembers, withoutMembers } from '../../build/hal-members.mjs';
import { tscOut } from '../../build/build.mjs';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { Csms } from '../../sim/csms.mjs';

const dir = mkdtempSync(join(tmpdir(), 'hal-members-'));
let core;
before(async () => {
  core = await bundleFile('bench/core-station.ts', { features: [CORE] });
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Texts only each member's own code has.
const STORAGE_CODE = /storage write failed/;
const FIRMWARE_CODE = /before the host confirmed the install/;

test('a member counts as named when a module other than the HAL names it, in any form', () => {
  const members = ['log', 'storage', 'firmware'];
  const bundle = (modules) => Object.entries(modules).map(([path, text]) => `  // .build/tsc/${path}\n${text}\n`).join('');
  const hal = { 'hal/index.js': 'var hal = { log: log, storage: storageOf(host), firmware: firmwareOf(host) };', 'hal/storage.js': 'function storageOf(host) { /* storage */ }', 'hal/firmware-hooks.js': 'function firmwareOf(host) { /* firmware */ }' };
  const names = (text) => unnamedHalMembers(bundle({ ...hal, 'src/station.js': text }), '.build/tsc', members);
  assert.deepEqual(names('hal.log.info("x");'), ['storage', 'firmware'], 'the HAL naming them itself is no use');
  assert.deepEqual(names('hal.log.info("x"); hal.storage.get("a");'), ['firmware']);
  assert.deepEqual(names('var s = hal["firmware"];'), ['log', 'storage']);
  assert.deepEqual(names('var log = hal.log, storage = hal.storage, firmware = hal.firmware;'), []);
  assert.deepEqual(names('hal.firmwareVersion; hal.storageKey; hal.logLevel;'), members, 'a longer name is another name');
  // an OCPP field of the generated tables, a module's path: no HAL member
  assert.deepEqual(unnamedHalMembers(bundle({ ...hal, 'src/ocpp/v16/generated/schemas.js': 'var s = { SignedUpdateFirmware: "{firmware!={location!=s512}}" };', 'src/app/firmware/storage.js': 'var x = 1;' }), '.build/tsc', members), members);
  // a bundle without the HAL has nothing to leave out
  assert.deepEqual(unnamedHalMembers(bundle({ 'src/ocpp/index.js': 'var x = 1;' }), '.build/tsc', members), []);
});

test('the members are cut out of createHal\'s object literal, the rest of the module as it was', () => {
  const index = readFileSync(join(tscOut, 'hal/index.js'), 'utf8');
  const all = halMembers(tscOut);
  for (const m of ['log', 'now', 'setTimeout', 'connect', 'storage', 'firmware', 'crypto', 'control', 'loadPart']) assert.ok(all.includes(m), m);
  const cut = withoutMembers(index, ['storage', 'firmware']);
  assert.deepEqual(halLiteral(cut).members, all.filter((m) => m !== 'storage' && m !== 'firmware'));
  assert.doesNotMatch(cut, /storage: storageOf\(host\)|firmware: firmwareOf\(host\)/);
  assert.equal(withoutMembers(index, []), index);
  // the module apart from the literal is the same
  const { node } = halLiteral(index);
  assert.equal(cut.substring(0, node.start), index.substring(0, node.start));
  assert.ok(cut.endsWith(index.substring(node.end)));
});

test('the core station is built without the storage and the firmware hooks; the stations that use them carry them', async () => {
  assert.doesNotMatch(core, STORAGE_CODE);
  assert.doesNotMatch(core, FIRMWARE_CODE);
  assert.doesNotMatch(core, /setInterval:|startTask:|loadPart:|cryptoCreateCsr/, 'nor the other members it never names');
  assert.match(core, /setTimeout: function/);
  const firmware = readFileSync(join(root, 'dist/firmware.js'), 'utf8');
  assert.match(firmware, STORAGE_CODE);
  assert.match(firmware, FIRMWARE_CODE);
  // README's minimal station on the core (examples/minimal-station.ts) names neither; the
  // station of one's own on the 1.6 station (examples/own-hardware-station.ts) both
  const minimal = await bundleFile('examples/minimal-station.ts');
  assert.doesNotMatch(minimal, STORAGE_CODE);
  assert.doesNotMatch(minimal, FIRMWARE_CODE);
  const own = await bundleFile('examples/own-hardware-station.ts');
  assert.match(own, STORAGE_CODE);
  assert.match(own, FIRMWARE_CODE);
});

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`hal-members: the core station's run skipped: ${shim.reason}\n`);

(shim.ok ? test : test.skip)('the core station without them runs its session on the native host: boot, GetConfiguration, RemoteStart, 5 MeterValues, stop', async () => {
  const bundle = join(dir, 'core-station.min.js');
  writeFileSync(bundle, await bundleFile('bench/core-station.ts', { features: [CORE], minify: true }));
  const csms = new Csms({ heartbeatInterval: 300 });
  await csms.start();
  try {
    const id = 'HAL-MEMBERS-CORE';
    const host = startHost(bundle, ['--url', csms.url, '--id', id, '--data-dir', dir], { timeout: 60000 });
    await csms.waitForCall(id, 'StatusNotification', { timeout: 30000 });
    const config = await csms.call(id, 'GetConfiguration', {}, { timeout: 30 });
    assert.deepEqual(config.configurationKey.map((k) => k.key), ['HeartbeatInterval', 'MeterValueSampleInterval']);
    const started = await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'DEMO-TAG' }, { timeout: 30 });
    assert.equal(started.status, 'Accepted');
    const { code, lines } = await host.exited;
    assert.equal(code, 0, lines.map((l) => l.text).join('\n'));
    assert.ok(lines.some((l) => l.text === 'core session complete'));
    const calls = csms.messages(id, { direction: 'in', type: 'CALL' }).map((r) => r.action);
    assert.equal(calls.filter((a) => a === 'MeterValues').length, 5);
    assert.equal(calls.filter((a) => a === 'StopTransaction').length, 1);
  } finally {
    await csms.stop();
  }
});
