// The flashed firmware holds no simulator: dist/firmware.min.js is built from the station
// application and the HAL only (esbuild's metafile of its entry lists no src/sim/ module),
// and none of the simulator's distinctive strings is in the file; the simulator's bundle
// has them and the same station modules as the firmware. On a host without the charger's
// IO members (the simulator host has none) the firmware still serves the CSMS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleSizes, root, FIRMWARE, SIMULATOR, FIRMWARE_201, SIMULATOR_201, minifiedName } from '../../build/build.mjs';
import { stationTests } from './lib/stations.mjs';

const rig = stationTests('firmware-contents');

// One string of each simulator module: the control DataTransfer's vendorId, a scenario's
// log line, the simulated meter's file, a control command.
const SIMULATOR_STRINGS = ['org.openocpp.sim', 'session: driver plugs the EV in', 'sim-meters.json', 'present-id-tag'];

const modulesOf = async (entry) => (await moduleSizes(entry)).map((m) => m.module);

test('dist/firmware.min.js is built without a module of src/sim/ (esbuild metafile) and holds none of its strings', async () => {
  const firmware = await modulesOf(FIRMWARE.entry);
  assert.ok(firmware.includes('src/app/station') && firmware.includes('hal/host-hardware'), firmware.join(', '));
  assert.deepEqual(firmware.filter((m) => m.startsWith('src/sim/')), [], 'no simulator module in the firmware');
  const code = readFileSync(join(root, minifiedName(FIRMWARE.out)), 'utf8');
  for (const s of SIMULATOR_STRINGS) assert.ok(!code.includes(s), `dist/firmware.min.js contains ${JSON.stringify(s)}`);
});

test("dist/simulator.min.js is the firmware's station plus the simulator: every station module of the firmware, and src/sim/", async () => {
  const firmware = await modulesOf(FIRMWARE.entry);
  const simulator = await modulesOf(SIMULATOR.entry);
  const station = firmware.filter((m) => m.startsWith('src/app/') || m.startsWith('src/ocpp/') || m.startsWith('src/lib/') || m === 'src/boot-station');
  assert.ok(station.length > 30, `${station.length} station modules`);
  assert.deepEqual(station.filter((m) => !simulator.includes(m)), [], 'the simulator runs the same station code');
  for (const m of ['src/sim/sim-hardware', 'src/sim/scenarios', 'src/sim/control']) assert.ok(simulator.includes(m), m);
  assert.ok(!simulator.includes('hal/host-hardware'), 'the simulator has its own hardware');
  const code = readFileSync(join(root, minifiedName(SIMULATOR.out)), 'utf8');
  for (const s of SIMULATOR_STRINGS) assert.ok(code.includes(s), `dist/simulator.min.js contains ${JSON.stringify(s)}`);
});

test('the flashed firmware on a host without the charger IO members: a warning, connectors without IO, Accepted and Available; it does not act on the simulator\'s settings', async () => {
  const csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5, log: () => {} });
  const id = 'FW-NO-IO';
  const station = rig.station({ url: csms.url, id, connectors: 2, scenario: 'session' }, { bundle: join(root, minifiedName(FIRMWARE.out)) });
  const logs = station.logs;
  try {
    await station.start();
    await csms.waitFor((r) => r.station === id && r.action === 'StatusNotification' && r.payload.connectorId === 2, { timeout: 10000, what: 'connector 2 status' });
    const warning = logs.find((text) => /^no charger IO: /.test(text));
    assert.ok(warning, logs.join('\n'));
    assert.match(warning, /this host has no hardwareInfo, hardwareInputs, hardwareMeter, hardwareWrite, hardwareListen \(optional host ABI members\); 2 connector\(s\) without IO/);
    const statuses = csms.calls(id, 'StatusNotification').map((p) => `${p.connectorId} ${p.status}`);
    assert.deepEqual(statuses.slice(0, 3), ['0 Available', '1 Available', '2 Available']);
    for (const key of ['scenario', 'idTag', 'duration', 'simDataTransfer', 'ev']) assert.ok(!station.settingsHonoured.includes(key), `the firmware does not act on ${key}`);
    assert.ok(station.settingsHonoured.includes('url') && station.settingsHonoured.includes('connectors'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!logs.some((text) => /session/.test(text)), 'no scenario runs: ' + logs.join('\n'));
    assert.deepEqual(csms.calls(id, 'StartTransaction'), []);
  } finally {
    await station.stop(0, 'test over');
    await csms.stop();
  }
});

test('the 2.0.1 bundles the same way: dist/firmware-201.min.js without src/sim/, dist/simulator-201.min.js its station plus the simulated charger and the 2.0.1 scenarios', async () => {
  const firmware = await modulesOf(FIRMWARE_201.entry);
  assert.ok(firmware.includes('src/v201/station') && firmware.includes('src/v201/transactions/transactions') && firmware.includes('hal/host-hardware'), firmware.join(', '));
  assert.deepEqual(firmware.filter((m) => m.startsWith('src/sim/')), [], 'no simulator module in the 2.0.1 firmware');
  const code = readFileSync(join(root, minifiedName(FIRMWARE_201.out)), 'utf8');
  for (const s of ['session: driver plugs the EV in', 'sim-meters.json']) assert.ok(!code.includes(s), `dist/firmware-201.min.js contains ${JSON.stringify(s)}`);
  const simulator = await modulesOf(SIMULATOR_201.entry);
  const station = firmware.filter((m) => m.startsWith('src/v201/') || m.startsWith('src/ocpp/') || m.startsWith('src/lib/') || m === 'src/boot-station-201');
  assert.deepEqual(station.filter((m) => !simulator.includes(m)), [], 'the 2.0.1 simulator runs the same station code');
  for (const m of ['src/sim/sim-hardware', 'src/sim/scenarios-201']) assert.ok(simulator.includes(m), m);
  assert.ok(!simulator.includes('hal/host-hardware'));
});
