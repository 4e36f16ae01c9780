// A build that leaves features out (`npm run build -- --features core,remote-trigger`): the
// left-out features' modules are not in the bundle, nor the validator tables of the actions
// only they serve, SupportedFeatureProfiles says what is, and the Core-only station boots,
// runs a charging session, validates what it serves and answers the left-out actions
// NotSupported, against the strict embedded CSMS; and a 2.0.1 station of one's own carries
// the validator tables of the actions its code names only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, bundleEntry, bundleFile, parseBuildArgs, root } from '../../build/build.mjs';
import { availableFeatures, buildFeatures, FEATURES_MODULES, namedActions, selectFeatures } from '../../build/features.mjs';
import { actionNames, servedSchemasModule } from '../../build/gen-ocpp16.mjs';
import { actionNames as actionNames201 } from '../../build/gen-ocpp201.mjs';
import { importGraph } from '../../build/import-cycles.mjs';
import { SimulatedStation } from '../../sim/host.mjs';
import { Csms } from '../../sim/csms.mjs';
import { expanded, holdsTable, tablesOf, unservedLists, UNSERVED_201 } from './lib/tables.mjs';

const OUT = join(root, '.build', 'test-features');
const dataDir = mkdtempSync(join(tmpdir(), 'features-'));
const node = (args) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
let csms;
let report = [];
const stations201 = [];

before(async () => {
  rmSync(OUT, { recursive: true, force: true });
  const log = console.log;
  console.log = (line) => report.push(line);
  try {
    // its own tsc folder: the suite's other tests bundle from .build/tsc meanwhile
    await build({ entry: 'src/main-sim.ts', out: '.build/test-features/core-only.js', tscDir: join(OUT, 'tsc'), features: ['core', 'remote-trigger'] });
    // A 2.0.1 station of one's own, bundled as `npm run build -- --entry` does once tsc has run (the same tsc output).
    await bundleEntry({ entry: 'test/fixtures/own-station-201.ts', out: '.build/test-features/own-201.js' }, { tscDir: join(OUT, 'tsc') });
    // The 2.0.1 station's simulator bundle with its core and remote control only (--features core,remote-control).
    await bundleEntry({ entry: 'src/main-sim-201.ts', out: '.build/test-features/core-201.js' }, { tscDir: join(OUT, 'tsc'), features: ['core', 'remote-control'], stations: stations201 });
  } finally {
    console.log = log;
  }
  csms = new Csms({ heartbeatInterval: 1, callTimeout: 5 });
  await csms.start();
});
after(async () => {
  if (csms) await csms.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the features a build can name are the folders of src/app/built-in-features.ts; bad --features are refused', () => {
  assert.deepEqual(availableFeatures(root), ['core', 'remote-trigger', 'reservation', 'smart-charging', 'local-auth-list', 'firmware', 'security']);
  // the 2.0.1 station's are the folders of src/v201/built-in-features.ts; a build names those of both versions
  assert.deepEqual(FEATURES_MODULES.map(([version]) => version), ['1.6', '2.0.1']);
  assert.deepEqual(availableFeatures(root, 'src/v201/built-in-features.ts'), ['core', 'security', 'certificates', 'local-auth-list', 'authorization', 'meter-values', 'remote-control', 'firmware', 'diagnostics', 'data-transfer']);
  assert.deepEqual(buildFeatures(root), ['core', 'remote-trigger', 'reservation', 'smart-charging', 'local-auth-list', 'firmware', 'security', 'certificates', 'authorization', 'meter-values', 'remote-control', 'diagnostics', 'data-transfer']);
  assert.deepEqual(parseBuildArgs(['--features', 'core,authorization,smart-charging']).features, ['core', 'authorization', 'smart-charging']);
  for (const [list, why] of [
    ['core,bogus', /--features: unknown feature bogus \(features: core, remote-trigger,/],
    ['remote-trigger,smart-charging', /--features must name core/],
  ]) {
    const r = node(['build/build.mjs', '--features', list]);
    assert.equal(r.status, 1, list);
    assert.match(r.stderr, why);
  }
});

test('the cut-down feature list keeps only the named features\' imports and entries', () => {
  const code = readFileSync(join(OUT, 'tsc', 'src/app/built-in-features.js'), 'utf8');
  const cut = selectFeatures(code, ['core', 'smart-charging']);
  assert.match(cut, /^import \{ smartChargingFeature \} from '\.\/smart-charging\/index';$/m);
  assert.doesNotMatch(cut, /reservation|firmware|security|remote-trigger/);
  assert.match(cut, /^export var BUILT_IN_FEATURES = \[smartChargingFeature\];$/m);
});

test('the Core-only bundle holds none of the left-out features (the build checks the metafile) and is smaller', () => {
  assert.ok(report.includes('features: core, remote-trigger; left out, and none of their modules in the bundle: reservation, smart-charging, local-auth-list, firmware, security'), report.join('\n'));
  const min = readFileSync(join(OUT, 'core-only.min.js'), 'utf8');
  const full = readFileSync(join(root, 'dist/simulator.min.js'), 'utf8');
  // Each feature's storage file name is in its module only.
  for (const file of ['charging-profiles.json', 'reservations.json', 'local-auth-list.json', 'firmware-update.json', 'security-events.log']) {
    assert.ok(full.includes(file), `the full build has ${file}`);
    assert.ok(!min.includes(file), `the Core-only build has no ${file}`);
  }
  assert.ok(min.length < full.length * 0.8, `Core-only ${min.length} bytes, full ${full.length}`);
});

const CORE_ONLY_SERVES = ['Authorize', 'BootNotification', 'ChangeAvailability', 'ChangeConfiguration', 'ClearCache', 'DataTransfer', 'GetConfiguration', 'GetLocalListVersion', 'Heartbeat', 'MeterValues', 'RemoteStartTransaction', 'RemoteStopTransaction', 'Reset', 'SendLocalList', 'StartTransaction', 'StatusNotification', 'StopTransaction', 'TriggerMessage', 'UnlockConnector'];

test('the Core-only bundle carries the validator tables of the 19 actions its code names, and knows the other 20 as unserved', async () => {
  const min = readFileSync(join(OUT, 'core-only.min.js'), 'utf8');
  const full = readFileSync(join(root, 'dist/simulator.min.js'), 'utf8');
  const all = actionNames();
  assert.equal(all.length, 39);
  const unservedList = (code) => unservedLists(code, all);
  const unserved = unservedList(min);
  assert.equal(unserved.length, 1, 'the Core-only bundle lists its unserved actions');
  assert.deepEqual(unserved[0].split('|'), all.filter((a) => !CORE_ONLY_SERVES.includes(a)));
  for (const a of all) {
    assert.equal(holdsTable(min, a), CORE_ONLY_SERVES.includes(a), `${a}'s table in the Core-only bundle`);
    assert.ok(holdsTable(full, a), `${a}'s table in the full bundle`);
  }
  assert.deepEqual(unservedList(full), [], 'the full bundle serves every action');
  assert.match(readFileSync(join(root, 'dist/simulator.js'), 'utf8'), /tables = "\\n\\n/, 'the full bundle serves every action (its unserved line empty)');
  // an entry on the OCPP core alone, with --features core: the validators of what it names
  const own = await bundleFile('bench/core-station.ts', { minify: true, tscDir: join(OUT, 'tsc'), features: ['core'] });
  const ownUnserved = unservedList(own);
  assert.ok(ownUnserved.length === 1 && ownUnserved[0].split('|').length === 22 && !holdsTable(own, 'ReserveNow') && holdsTable(own, 'RemoteStartTransaction'), 'the core station serves 17 actions');
  // what names an action: a string, a property name (a route's key), a member
  assert.deepEqual(namedActions('var r = { Reset: 1 }; call("Heartbeat"); t.UnlockConnector(); x["ClearCache"]; var s = "Heartbeat|Reset";', all), ['ClearCache', 'Heartbeat', 'Reset', 'UnlockConnector']);
});

test('a served schemas module holds each served action\'s schema as the generated tables do (enum lists and shared nodes re-indexed)', () => {
  const generated = tablesOf(readFileSync(join(OUT, 'tsc', 'src/ocpp/v16/generated/schemas.js'), 'utf8'));
  const served = tablesOf(servedSchemasModule(CORE_ONLY_SERVES));
  assert.deepEqual(Object.keys(served.compact.actions), CORE_ONLY_SERVES);
  assert.ok(served.enums.length < generated.enums.length && served.compact.shared.length <= generated.compact.shared.length);
  for (const a of CORE_ONLY_SERVES) assert.equal(expanded(served, a), expanded(generated, a), a);
  assert.match(expanded(served, 'RemoteStartTransaction'), /chargingProfileKind!=e<Absolute\|Recurring\|Relative>/);
  assert.equal(served.compact.unserved.split('|').length, 20);
});

/** Each [uniqueId, action, payload, code, description] sent raw to the station is answered with that CALLERROR. */
async function expectCallErrors(id, calls) {
  for (const [uniqueId, action, payload, code, description] of calls) {
    const sent = csms.records.length;
    csms.sendRaw(id, JSON.stringify([2, uniqueId, action, payload]));
    const reply = await csms.waitFor((r) => r.station === id && r.direction === 'in' && r.id === uniqueId, { from: sent });
    assert.equal(reply.type, 'CALLERROR', action);
    assert.equal(reply.error.code, code, action);
    assert.match(reply.error.description, description, action);
  }
}

test('the Core-only station boots, charges, triggers, and answers the left-out actions NotSupported', async () => {
  const id = 'FEAT-CORE';
  const s = new SimulatedStation({ settings: { url: csms.url, id, scenario: 'none', configuration: { MeterValueSampleInterval: 1 } }, dataDir, bundle: join(OUT, 'core-only.min.js') });
  await s.start();
  try {
    await csms.waitForCall(id, 'BootNotification');
    await csms.waitForCall(id, 'StatusNotification');
    const conf = await csms.call(id, 'GetConfiguration', { key: ['SupportedFeatureProfiles', 'LocalAuthListEnabled', 'SecurityProfile'] });
    assert.deepEqual(conf.configurationKey, [{ key: 'SupportedFeatureProfiles', readonly: true, value: 'Core,RemoteTrigger' }]);
    assert.deepEqual(conf.unknownKey, ['LocalAuthListEnabled', 'SecurityProfile']);
    assert.deepEqual(await csms.call(id, 'RemoteStartTransaction', { idTag: 'CORE-TAG', connectorId: 1 }), { status: 'Accepted' });
    assert.deepEqual(s.control({ command: 'plug-in', connectorId: 1 }).ok, true);
    const start = await csms.waitForCall(id, 'StartTransaction');
    assert.equal(start.payload.idTag, 'CORE-TAG');
    await csms.waitForCall(id, 'MeterValues', { timeout: 5000 });
    const from = csms.records.length;
    assert.deepEqual(await csms.call(id, 'TriggerMessage', { requestedMessage: 'Heartbeat' }), { status: 'Accepted' });
    await csms.waitForCall(id, 'Heartbeat', { from });
    const [txId] = [...csms.transactions.entries()].find(([, tx]) => tx.station === id);
    assert.deepEqual(await csms.call(id, 'RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
    await csms.waitForCall(id, 'StopTransaction');
    for (const [action, payload] of [
      ['ReserveNow', { connectorId: 1, expiryDate: new Date(Date.now() + 3600000).toISOString(), idTag: 'A', reservationId: 1 }],
      ['ClearChargingProfile', {}],
      ['GetDiagnostics', { location: 'http://127.0.0.1:1/up' }],
      ['ExtendedTriggerMessage', { requestedMessage: 'Heartbeat' }],
    ]) {
      await assert.rejects(csms.call(id, action, payload), (err) => err.rpcErrorCode === 'NotSupported', action);
    }
    assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: -1 });
    // Below the CSMS's own validation: what the station serves is checked against its tables;
    // a left-out action is still an OCPP 1.6 action (NotSupported), an unknown one is not.
    await expectCallErrors(id, [
      ['core-bad-1', 'ChangeAvailability', { connectorId: 1, type: 'Sometimes' }, 'PropertyConstraintViolation', /type is not one of Inoperative, Operative/],
      ['core-bad-2', 'RemoteStartTransaction', { idTag: 'T', chargingProfile: { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Weekly', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] } } }, 'PropertyConstraintViolation', /chargingProfileKind is not one of Absolute, Recurring, Relative/],
      ['core-bad-3', 'ReserveNow', { nonsense: true }, 'NotSupported', /ReserveNow/],
      ['core-bad-4', 'SignedUpdateFirmware', {}, 'NotSupported', /SignedUpdateFirmware/],
      ['core-bad-5', 'NoSuchAction', {}, 'NotImplemented', /NoSuchAction/],
    ]);
    assert.deepEqual(csms.violations, [], 'every message valid against the OCPP 1.6 schemas');
  } finally {
    await s.stop(0, 'test over');
  }
});

test('a 2.0.1 station of one\'s own (--entry) carries the validator tables of the actions its code names: the station\'s and its own route\'s', async () => {
  const unservedOwn = UNSERVED_201.filter((a) => a !== 'SetDisplayMessage');
  for (const bundle of ['own-201.js', 'own-201.min.js']) {
    const code = readFileSync(join(OUT, bundle), 'utf8');
    const unserved = unservedLists(code, actionNames201());
    assert.equal(unserved.length, 1, bundle + ' lists its unserved actions');
    assert.deepEqual(unserved[0].split('|'), unservedOwn, bundle);
    for (const a of actionNames201()) assert.equal(holdsTable(code, a), !unservedOwn.includes(a), `${a}'s table in ${bundle}`);
  }
  // The OCPP 2.0.1 core alone is no station: without --features it keeps every table.
  const core = await bundleFile('src/ocpp/v201/index.ts', { minify: true, tscDir: join(OUT, 'tsc'), served201: 'station' });
  assert.deepEqual(unservedLists(core, actionNames201()), []);

  const id = 'FEAT-OWN-201';
  const s = new SimulatedStation({ settings: { url: csms.url, id, connectors: 1 }, dataDir, bundle: join(OUT, 'own-201.min.js') });
  await s.start();
  try {
    await csms.waitForCall(id, 'StatusNotification');
    const message = { id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Welcome' } };
    assert.deepEqual(await csms.call(id, 'SetDisplayMessage', { message }), { status: 'Accepted' });
    // Checked against its table below the CSMS's own validation; what the station serves neither stays NotSupported.
    await expectCallErrors(id, [
      ['own-bad-1', 'SetDisplayMessage', { message: { ...message, priority: 'Sometimes' } }, 'PropertyConstraintViolation', /priority is not one of AlwaysFront, InFront, NormalCycle/],
      ['own-bad-2', 'SetChargingProfile', { evseId: 1 }, 'NotSupported', /SetChargingProfile/],
    ]);
    assert.deepEqual(csms.violations, [], 'every message valid against the OCPP 2.0.1 schemas');
  } finally {
    await s.stop(0, 'test over');
  }
});

test('a 2.0.1 build with --features core,remote-control: none of the left-out blocks\' modules or tables in the bundle; it boots, starts a remote transaction without authorization, answers the rest NotSupported', async () => {
  assert.deepEqual(stations201, [{ version: '2.0.1', leftOut: ['security', 'certificates', 'local-auth-list', 'authorization', 'meter-values', 'firmware', 'diagnostics', 'data-transfer'] }]);
  const min = readFileSync(join(OUT, 'core-201.min.js'), 'utf8');
  const full = readFileSync(join(root, 'dist/simulator-201.min.js'), 'utf8');
  for (const file of ['security-events.log', 'local-auth-list.json', 'firmware-update.json']) {
    assert.ok(full.includes(file), `the full 2.0.1 bundle has ${file}`);
    assert.ok(!min.includes(file), `the core build has no ${file}`);
  }
  assert.ok(min.length < full.length * 0.8, `core ${min.length} bytes, full ${full.length}`);
  const lists = unservedLists(min, actionNames201());
  assert.equal(lists.length, 1, 'the core build lists its unserved actions');
  const unserved = lists[0].split('|');
  for (const a of ['UpdateFirmware', 'GetLog', 'SendLocalList', 'CertificateSigned', 'SecurityEventNotification', 'Authorize', 'DataTransfer', 'MeterValues']) assert.ok(unserved.includes(a), a + ' unserved');
  for (const a of ['RequestStartTransaction', 'TransactionEvent', 'GetVariables', 'Reset']) assert.ok(!unserved.includes(a), a + ' served');

  const id = 'FEAT-CORE-201';
  const s = new SimulatedStation({ settings: { url: csms.url, id, connectors: 1, scenario: 'none' }, dataDir, bundle: join(OUT, 'core-201.min.js') });
  await s.start();
  try {
    await csms.waitForCall(id, 'StatusNotification');
    assert.deepEqual(await csms.call(id, 'RequestStartTransaction', { idToken: { idToken: 'REMOTE-201', type: 'Central' }, remoteStartId: 7, evseId: 1 }), { status: 'Accepted' });
    assert.equal(s.control({ command: 'plug-in', connectorId: 1 }).ok, true);
    const started = await csms.waitFor((r) => r.station === id && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Started', { what: 'TransactionEvent Started' });
    assert.equal(started.payload.transactionInfo.remoteStartId, 7);
    for (const [action, payload] of [
      ['GetLog', { logType: 'DiagnosticsLog', requestId: 1, log: { remoteLocation: 'http://127.0.0.1:1/up' } }],
      ['SendLocalList', { versionNumber: 1, updateType: 'Full' }],
      ['GetInstalledCertificateIds', {}],
    ]) {
      await assert.rejects(csms.call(id, action, payload), (err) => err.rpcErrorCode === 'NotSupported', action);
    }
    assert.deepEqual(csms.violations, [], 'every message valid against the OCPP 2.0.1 schemas');
  } finally {
    await s.stop(0, 'test over');
  }
});

test('a build config file gives the same options (--config); a flag given wins; bad files are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'build-config-'));
  try {
    const file = join(dir, 'my-build.json');
    writeFileSync(file, JSON.stringify({ entry: 'examples/own-hardware-station.ts', out: 'dist/my-station.js', features: ['core', 'remote-trigger', 'smart-charging'] }));
    assert.deepEqual(parseBuildArgs(['--config', file]), { quiet: false, entry: 'examples/own-hardware-station.ts', out: 'dist/my-station.js', features: ['core', 'remote-trigger', 'smart-charging'] });
    assert.deepEqual(parseBuildArgs(['--config', file, '--features', 'core']).features, ['core']);
    assert.equal(parseBuildArgs(['--parts', 'none']).parts, false, '--parts none: every part resident');
    assert.equal(parseBuildArgs(['--parts', 'all']).parts, undefined, '--parts all: the default');
    for (const [text, why] of [
      ['{"features": "core,bogus"}', /unknown feature bogus/],
      ['{"entry": "x.ts", "extra": 1}', /unknown field "extra" \(fields: entry, out, features, parts\)/],
      ['{"parts": "some"}', /--parts some: "all" .* or "none"/],
      ['{"features": 3}', /"features" must be a string or an array of names/],
      ['[1]', /must be a JSON object/],
      ['{', /--config .*my-build\.json: /],
    ]) {
      writeFileSync(file, text);
      assert.throws(() => parseBuildArgs(['--config', file]), why, text);
    }
    assert.throws(() => parseBuildArgs(['--config', join(dir, 'none.json')]), /none\.json: no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the station imports no feature: only an entry (through built-in-features.ts or a list of its own) brings one into a bundle', () => {
  const graph = importGraph(['src', 'hal']);
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of graph[file] || []) walk(next);
  };
  walk('src/app/station.ts');
  // A feature comes in through its folder's index.ts (its StationFeature); the station's
  // imports reach the feature classes' types at most (feature.ts), which tsc drops.
  const entries = [...seen].filter((f) => /^src\/app\/[a-z-]+\/index\.ts$/.test(f) || f === 'src/app/built-in-features.ts');
  assert.deepEqual(entries, []);
  assert.ok(seen.has('src/app/feature.ts') && seen.has('src/app/core/connector.ts'), 'the walk follows the imports');
});
