// The flashed firmware (dist/firmware.min.js, no simulator in it) on the simulator host with
// the charger's IO through the host ABI's hardware members (sim/hardware.mjs): from a state
// folder (`hardware: DIR`, the native host's --hardware backend), and from the simulator's
// own EV and meter outside the guest (`hardware: 'sim'`, src/sim/host-charger.ts) driven by
// the CLI's session scenario and by the control API's commands — against the strict CSMS.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCliArgs } from '../../sim/cli-options.mjs';
import { runStations } from '../../sim/cli.mjs';
import { simulatedCharger } from '../../sim/hardware.mjs';
import { stationTests, within } from './lib/stations.mjs';
import { HardwareFolder, hardwareSession } from './lib/hardware-folder.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIRMWARE = join(root, 'dist', 'firmware.min.js');
const rig = stationTests('sim-hardware');
let csms;
before(async () => {
  csms = await rig.csms({ heartbeatInterval: 300 });
});

const energyOf = (payloads) => payloads.flatMap((p) => p.meterValue.flatMap((m) => m.sampledValue.filter((v) => !v.measurand || v.measurand === 'Energy.Active.Import.Register').map((v) => Number(v.value))));

test('a charging session with dist/firmware.min.js on the simulator host through a state folder (hardware: DIR): cable, card, the backend meter in MeterValues, a current limit written, cable pulled → StopTransaction with the last register; bad backend input changes nothing', { timeout: 120000 }, async () => {
  const hw = new HardwareFolder(join(rig.dataDir, 'hw-node'), [{ maxCurrentA: 16 }]);
  const station = await rig.start({ url: csms.url, id: 'HW-NODE', configuration: { MeterValueSampleInterval: 1 } }, { bundle: FIRMWARE, hardware: hw.dir });
  await hardwareSession(csms, 'HW-NODE', hw, () => station.logs.join('\n'));
  assert.ok(station.logs.some((t) => /connector 1: hardwareInputs gave no JSON object; keeping the last reading/.test(t)), 'the bad texts were logged and ignored');
  assert.ok(station.running, 'the station runs on');
  assert.deepEqual(csms.violations.filter((v) => v.station === 'HW-NODE'), []);
  await station.stop(0, 'test over');
});

test('the CLI runs a real charging session with the flashed firmware: --bundle dist/firmware.min.js --hardware sim --scenario session (the simulated driver at the host\'s charger), exit 0', { timeout: 120000 }, async () => {
  const config = parseCliArgs(['--url', csms.url, '--id', 'CLI-FW', '--bundle', FIRMWARE, '--hardware', 'sim', '--scenario', 'session', '--duration', '3', '--id-tag', 'FW-TAG', '--connectors', '1', '--data-dir', rig.dataDir, '--settings', settingsFile()]);
  const lines = [];
  const code = await runStations(config, { out: (l) => lines.push(l), forceExit: () => {} });
  assert.equal(code, 0, lines.join('\n'));
  assert.ok(!lines.some((l) => /does not act on/.test(l)), 'the host acts on --scenario, --id-tag, --duration: ' + lines.join('\n'));
  assert.ok(lines.some((l) => /charger IO from the host: 1 connector\(s\)/.test(l)), lines.join('\n'));
  assert.deepEqual(csms.calls('CLI-FW', 'Authorize').map((p) => p.idTag), ['FW-TAG']);
  const [start] = csms.calls('CLI-FW', 'StartTransaction');
  const [stop] = csms.calls('CLI-FW', 'StopTransaction');
  assert.equal(start.idTag, 'FW-TAG');
  assert.equal(stop.reason, 'Local', 'the card presented again');
  const energy = energyOf(csms.calls('CLI-FW', 'MeterValues'));
  assert.ok(energy.length >= 2 && energy[energy.length - 1] > start.meterStart, `the simulated meter rose in MeterValues: ${start.meterStart} → ${energy}`);
  for (let i = 1; i < energy.length; i++) assert.ok(energy[i] >= energy[i - 1]);
  assert.ok(stop.meterStop >= energy[energy.length - 1] && stop.meterStop > start.meterStart, `meterStop ${stop.meterStop} after ${energy}`);
  assert.deepEqual(csms.violations.filter((v) => v.station === 'CLI-FW'), []);
  assert.match(lines.join('\n'), /session complete/);
});

test('the CLI session with the 2.0.1 firmware: --bundle dist/firmware-201.min.js --hardware sim --scenario session: the driver at the host\'s charger, Authorize, a transaction with the idToken that ends, exit 0', { timeout: 120000 }, async () => {
  const config = parseCliArgs(['--url', csms.url, '--id', 'CLI-201', '--bundle', join(root, 'dist', 'firmware-201.min.js'), '--hardware', 'sim', '--scenario', 'session', '--duration', '2', '--id-tag', 'FW-201', '--connectors', '1', '--data-dir', rig.dataDir]);
  const lines = [];
  const code = await runStations(config, { out: (l) => lines.push(l), forceExit: () => {} });
  assert.equal(code, 0, lines.join('\n'));
  assert.match(lines.join('\n'), /session complete/);
  assert.deepEqual(csms.calls('CLI-201', 'Authorize').map((p) => p.idToken.idToken), ['FW-201']);
  const events = csms.calls('CLI-201', 'TransactionEvent');
  assert.ok(events.some((e) => e.idToken && e.idToken.idToken === 'FW-201'), 'the transaction has the idToken');
  assert.equal(events.filter((e) => e.eventType === 'Ended').length, 1, 'one transaction, ended');
  assert.deepEqual(csms.violations.filter((v) => v.station === 'CLI-201'), []);
});

/** The settings file of the CLI run: MeterValues every second. */
function settingsFile() {
  const file = join(rig.dataDir, 'meter-every-second.json');
  writeFileSync(file, JSON.stringify({ configuration: { MeterValueSampleInterval: 1 } }));
  return file;
}

test('the control API\'s commands drive the host\'s charger for a bundle without control (dist/firmware.min.js, hardware: sim): plug-in, present-id-tag, state from the frames, a locked cable refused, unplug at the car → EVDisconnected; bad commands answered', { timeout: 120000 }, async () => {
  const station = await rig.start({ url: csms.url, id: 'CTRL-FW', connectors: 2, scenario: 'none', configuration: { MeterValueSampleInterval: 1 } }, { bundle: FIRMWARE, hardware: 'sim' });
  const status = (id, s) => within(station, csms.waitFor((r) => r.station === 'CTRL-FW' && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.connectorId === id && r.payload.status === s, { timeout: 15000, what: `${id} ${s}` }));
  await status(2, 'Available');
  assert.deepEqual(station.control({ command: 'plug-in', connectorId: 2 }), { ok: true });
  await status(2, 'Preparing');
  assert.deepEqual(station.control({ command: 'present-id-tag', idTag: 'x'.repeat(21) }), { ok: false, error: 'idTag must be text of 1 to 20 characters (OCPP IdToken)', reason: 'bad-request' }, '1.6: an idTag is a CiString20');
  assert.deepEqual(station.control({ command: 'present-id-tag', idTag: 'CTRL-1' }), { ok: true, connectorId: 2 }, 'the connector with a cable takes the card');
  const start = await within(station, csms.waitForCall('CTRL-FW', 'StartTransaction', { timeout: 15000 }));
  assert.equal(start.payload.connectorId, 2);
  await status(2, 'Charging');
  await new Promise((resolve) => setTimeout(resolve, 300)); // the StartTransaction answer
  const state = station.control({ command: 'state' });
  assert.equal(state.ok, true);
  assert.equal(state.registration, 'Accepted');
  assert.equal(state.connected, true);
  const c2 = state.connectors[1];
  assert.equal(c2.status, 'Charging');
  assert.equal(c2.idTag, 'CTRL-1');
  assert.equal(typeof c2.transactionId, 'number');
  assert.equal(c2.plugged, true);
  assert.equal(c2.locked, true, 'the firmware locked the cable through hardwareWrite');
  assert.equal(state.connectors[0].status, 'Available');
  assert.deepEqual(station.control({ command: 'unplug', connectorId: 2 }).reason, 'conflict', 'the locked cable stays');
  assert.deepEqual(station.control({ command: 'fly', connectorId: 2 }), { ok: false, error: 'unknown command "fly"', reason: 'not-found' });
  assert.deepEqual(station.control({ command: 'plug-in', connectorId: 9 }).reason, 'not-found');
  await new Promise((resolve) => setTimeout(resolve, 2500)); // energy flows
  assert.deepEqual(station.control({ command: 'unplug', connectorId: 2, evSide: true }), { ok: true });
  const stop = await within(station, csms.waitForCall('CTRL-FW', 'StopTransaction', { timeout: 15000 }));
  assert.equal(stop.payload.reason, 'EVDisconnected');
  assert.ok(stop.payload.meterStop > start.payload.meterStart, `energy flowed: ${start.payload.meterStart} → ${stop.payload.meterStop}`);
  await status(2, 'Available');
  assert.deepEqual(csms.violations.filter((v) => v.station === 'CTRL-FW'), []);
  await station.stop(0, 'test over');
});

test('the host\'s charger forgets the unanswered calls of a boot when the firmware boots again: an answer with one of their ids after the reboot changes nothing (hardware: sim)', { timeout: 120000 }, async () => {
  const own = await rig.csms({ heartbeatInterval: 300 });
  let hold = true; // the first boot's BootNotification is never answered
  own.handle('BootNotification', () => (hold ? new Promise(() => {}) : { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }));
  const station = rig.station({ url: own.url, id: 'RB-1', connectors: 1, scenario: 'none' }, { bundle: FIRMWARE, hardware: 'sim' });
  const boots = [];
  station.on('frame', ({ direction, text }) => {
    const m = JSON.parse(text);
    if (direction === 'sent' && m[0] === 2 && m[2] === 'BootNotification') boots.push(m[1]);
  });
  await station.start();
  const until = async (what, ok) => {
    for (let waited = 0; !ok(); waited += 50) {
      if (waited > 20000) assert.fail(`${what}\n${station.logs.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await until('the first BootNotification', () => boots.length === 1);
  hold = false;
  assert.equal(station.powerOff(), true);
  assert.equal(station.powerOn(), true);
  await until('registered on the second boot', () => station.control({ command: 'state' }).registration === 'Accepted');
  assert.notEqual(boots.at(-1), boots[0], 'the second boot\'s BootNotification has an id of its own');
  // A late answer to the first boot's call, with its id, on the new connection.
  own.sendRaw('RB-1', JSON.stringify([3, boots[0], { status: 'Rejected', currentTime: new Date().toISOString(), interval: 300 }]));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(station.control({ command: 'state' }).registration, 'Accepted', 'not the answer to a call of the boot before');
  await station.stop(0, 'test over');
});

test('the host\'s charger drops a call the station gave up within a boot: a StopTransaction that timed out and went again is one stop, answered by the second send, and the session completes (hardware: sim)', { timeout: 150000 }, async () => {
  const own = await rig.csms({ heartbeatInterval: 300 });
  const stops = [];
  // The first StopTransaction is never answered: the station times it out (30 s) and sends it again.
  own.handle('StopTransaction', (params) => (stops.push(params) === 1 ? new Promise(() => {}) : { idTagInfo: { status: 'Accepted' } }));
  const station = rig.station({ url: own.url, id: 'TO-1', connectors: 1, scenario: 'session', duration: 1, configuration: { TransactionMessageRetryInterval: 1 } }, { bundle: FIRMWARE, hardware: 'sim' });
  const late = [];
  station.on('frame', ({ direction, text }) => {
    const m = JSON.parse(text);
    if (direction === 'sent' && m[0] === 2 && m[2] === 'StopTransaction') late.push(m[1]);
  });
  await station.start();
  const r = await within(station, station.exited);
  assert.equal(r.code, 0, r.reason + '\n' + station.logs.join('\n'));
  assert.equal(stops.length, 2, 'the StopTransaction went twice');
  assert.notEqual(late[0], late[1], 'with an id of its own');
  assert.equal(stops[0].transactionId, stops[1].transactionId);
  assert.ok(station.logs.some((t) => /session complete/.test(t)), station.logs.join('\n'));
});

test('the host\'s charger: a late answer to a call the station gave up (it sent the next one) changes nothing (hardware: sim, its frames fed in)', async () => {
  const charger = await simulatedCharger({ connectors: 1 }, { read: () => null, write: () => {} }, { connected: () => true, log: () => {} });
  const boot = { chargePointVendor: 'V', chargePointModel: 'M' };
  charger.frame('out', JSON.stringify([2, 'b1', 'BootNotification', boot]));
  charger.frame('out', JSON.stringify([2, 'b2', 'BootNotification', boot])); // b1 timed out: sent again
  charger.frame('in', JSON.stringify([3, 'b2', { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }]));
  charger.frame('in', JSON.stringify([3, 'b1', { status: 'Rejected', currentTime: new Date().toISOString(), interval: 300 }]));
  assert.equal(charger.command({ command: 'state' }).registration, 'Accepted', 'the late answer is not the answer to a call in flight');
  charger.stop();
});

test('--hardware: sim or a folder; a folder for one station only; anything else is a UsageError that says why', () => {
  const base = ['--url', 'ws://127.0.0.1:9/ocpp', '--id', 'CP'];
  assert.equal(parseCliArgs([...base]).hardware, undefined, 'default: no hardware members');
  assert.equal(parseCliArgs([...base, '--hardware', 'sim']).hardware, 'sim');
  assert.equal(parseCliArgs([...base, '--hardware', rig.dataDir]).hardware, rig.dataDir);
  assert.throws(() => parseCliArgs([...base, '--hardware', join(rig.dataDir, 'nowhere')]), /^Error: --hardware: cannot open .*nowhere: ENOENT$/);
  assert.throws(() => parseCliArgs([...base, '--hardware', FIRMWARE]), /--hardware must be sim or a folder of state files, got ".*firmware\.min\.js"/);
  assert.throws(() => parseCliArgs([...base, '--hardware', rig.dataDir, '--stations', '2']), /--hardware DIR is one charger's IO: run one station with it, not --stations N/);
  assert.equal(parseCliArgs([...base, '--hardware', 'sim', '--stations', '3']).stations.length, 3, 'each station its own simulated charger');
});

test('the 2.0.1 firmware (dist/firmware-201.min.js) through a state folder: a cable and a card at EVSE 1\'s reader → Authorize (ISO14443) and a transaction with that idToken, the relay closed; the cable pulled ends it, the relay open', { timeout: 120000 }, async () => {
  const hw = new HardwareFolder(join(rig.dataDir, 'hw-201'), [{ maxCurrentA: 16 }]);
  hw.meter(1, { energyWh: 5000, powerW: 0, currentA: 0, voltageV: 230, phases: 3 });
  const station = await rig.start({ url: csms.url, id: 'HW-201' }, { bundle: join(root, 'dist', 'firmware-201.min.js'), hardware: hw.dir });
  const tx = () => [...csms.transactions201.values()].find((t) => t.station === 'HW-201');
  const until = async (what, ok) => {
    for (let waited = 0; !ok(); waited += 100) {
      if (waited > 20000) assert.fail(`${what}\n${station.logs.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await within(station, csms.waitForCall('HW-201', 'StatusNotification', { timeout: 15000 }));
  hw.set(1, { plugged: true, evRequestsEnergy: true });
  await new Promise((resolve) => setTimeout(resolve, 500));
  // A card of 36 characters, the longest 2.0.1's IdTokenType.idToken takes (1.6's idTag: 20).
  const card = 'CARD-201-0123456789-ABCDEFGHIJ-KLMNO';
  hw.set(1, { idTag: card });
  const authorize = await within(station, csms.waitForCall('HW-201', 'Authorize', { timeout: 15000 }));
  assert.deepEqual(authorize.payload.idToken, { idToken: card, type: 'ISO14443' });
  await until('a transaction with the card', () => tx() && tx().idToken === card);
  await hw.waitOutput('relay', 1, true);
  hw.set(1, { idTag: '' });
  hw.meter(1, { energyWh: 5600, powerW: 11000, currentA: 16, voltageV: 230, phases: 3 });
  hw.set(1, { plugged: false, evRequestsEnergy: false });
  await until('the transaction ended', () => tx().ended);
  assert.equal(tx().evseId, 1);
  await hw.waitOutput('relay', 1, false);
  assert.deepEqual(csms.violations.filter((v) => v.station === 'HW-201'), [], 'every message valid against the 2.0.1 schemas');
  await station.stop(0, 'test over');
});

test('the control API on the host\'s charger with the 2.0.1 firmware (dist/firmware-201.min.js, hardware: sim): the state from 2.0.1\'s frames — registration, connectorStatus per EVSE, the transaction with its idToken; a card goes to the EVSE with the cable; unplugged at the car → Ended, Available', { timeout: 120000 }, async () => {
  const station = await rig.start({ url: csms.url, id: 'CTRL-201', connectors: 2, scenario: 'none' }, { bundle: join(root, 'dist', 'firmware-201.min.js'), hardware: 'sim' });
  const status = (evseId, s) =>
    within(station, csms.waitFor((r) => r.station === 'CTRL-201' && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.evseId === evseId && r.payload.connectorStatus === s, { timeout: 15000, what: `EVSE ${evseId} ${s}` }));
  const settled = () => new Promise((resolve) => setTimeout(resolve, 300)); // the answers come back
  await status(2, 'Available');
  await settled();
  let state = station.control({ command: 'state' });
  assert.equal(state.registration, 'Accepted');
  assert.deepEqual(state.connectors.map((c) => c.status), ['Available', 'Available'], 'each EVSE\'s connectorStatus');
  assert.deepEqual(station.control({ command: 'plug-in', connectorId: 2 }), { ok: true });
  await status(2, 'Occupied');
  // 36 characters: 2.0.1's IdTokenType.idToken (1.6's idTag takes 20), through the host's reader input too.
  const card = 'CARD-201-0123456789-ABCDEFGHIJ-KLMNO';
  assert.deepEqual(station.control({ command: 'present-id-tag', idTag: card }), { ok: true, connectorId: 2 }, 'to the EVSE with the cable');
  const started = await within(station, csms.waitFor((r) => r.station === 'CTRL-201' && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.idToken, { timeout: 15000, what: 'a TransactionEvent with the idToken' }));
  assert.equal(started.payload.idToken.idToken, card);
  await within(station, csms.waitFor((r) => r.station === 'CTRL-201' && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.transactionInfo.chargingState === 'Charging', { timeout: 15000, what: 'Charging' }));
  await new Promise((resolve) => setTimeout(resolve, 2000)); // energy flows
  state = station.control({ command: 'state' });
  const [c1, c2] = state.connectors;
  assert.equal(c1.status, 'Available');
  assert.equal(c1.transactionId, null);
  assert.equal(c2.status, 'Occupied');
  assert.deepEqual([c1.charging, c2.charging], [false, true], 'chargingState Charging');
  assert.equal(c2.plugged, true);
  assert.equal(c2.idTag, card);
  assert.equal(c2.transactionId, started.payload.transactionInfo.transactionId, 'the transaction of EVSE 2');
  assert.ok(c2.sessionWh > 0 && c2.sessionWh <= c2.energyWh, `the session's energy: ${c2.sessionWh} of ${c2.energyWh} Wh`);
  assert.deepEqual(station.control({ command: 'present-id-tag', idTag: 'x'.repeat(37) }), { ok: false, error: 'idTag must be text of 1 to 36 characters (OCPP IdToken)', reason: 'bad-request' }, 'longer than an idToken');
  assert.deepEqual(station.control({ command: 'unplug', connectorId: 2, evSide: true }), { ok: true });
  const ended = await within(station, csms.waitFor((r) => r.station === 'CTRL-201' && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Ended', { timeout: 15000, what: 'Ended' }));
  assert.equal(ended.payload.transactionInfo.transactionId, c2.transactionId);
  await status(2, 'Available');
  await settled();
  state = station.control({ command: 'state' });
  assert.deepEqual(
    state.connectors.map((c) => [c.status, c.transactionId, c.idTag, c.plugged, c.charging]),
    [
      ['Available', null, null, false, false],
      ['Available', null, null, false, false],
    ]
  );
  assert.deepEqual(csms.violations.filter((v) => v.station === 'CTRL-201'), []);
  await station.stop(0, 'test over');
});

/** Waits until `ok()` (polled), failing with `what` and the station's log after 20 s. */
async function until(station, what, ok) {
  for (let waited = 0; !ok(); waited += 100) {
    if (waited > 20000) assert.fail(`${what}\n${station.logs.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('--scenario idle on the host\'s charger with the 1.6 firmware (hardware: sim): a cable plugged through the control API stays for a remote start there; a remote start without a cable → the driver plugs in; the transaction stopped → the driver pulls the cable; the duration ends the run, exit 0', { timeout: 120000 }, async () => {
  const station = await rig.start({ url: csms.url, id: 'IDLE-16', connectors: 2, scenario: 'idle', duration: 14 }, { bundle: FIRMWARE, hardware: 'sim' });
  const t0 = Date.now();
  const status = (id, s, from) => within(station, csms.waitFor((r) => r.station === 'IDLE-16' && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.connectorId === id && r.payload.status === s, { from, timeout: 15000, what: `${id} ${s}` }));
  const start = (id) => within(station, csms.waitFor((r) => r.station === 'IDLE-16' && r.action === 'StartTransaction' && r.type === 'CALL' && r.payload.connectorId === id, { timeout: 15000, what: `StartTransaction at ${id}` }));
  await status(2, 'Available');
  assert.deepEqual(station.control({ command: 'plug-in', connectorId: 2 }), { ok: true });
  await status(2, 'Preparing');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(station.control({ command: 'state' }).connectors[1].plugged, true, 'the driver leaves a cable plugged through the control API');
  assert.deepEqual(await csms.call('IDLE-16', 'RemoteStartTransaction', { connectorId: 2, idTag: 'REMOTE-2' }), { status: 'Accepted' });
  assert.equal((await start(2)).payload.idTag, 'REMOTE-2');
  assert.deepEqual(await csms.call('IDLE-16', 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE-1' }), { status: 'Accepted' });
  assert.equal((await start(1)).payload.idTag, 'REMOTE-1', 'the driver plugged the EV in for the remote start');
  assert.ok(station.logs.includes('driver plugs the EV in at connector 1'), station.logs.join('\n'));
  await until(station, 'the transaction id at connector 1', () => station.control({ command: 'state' }).connectors[0].transactionId !== null);
  const { transactionId } = station.control({ command: 'state' }).connectors[0];
  const from = csms.records.length;
  assert.deepEqual(await csms.call('IDLE-16', 'RemoteStopTransaction', { transactionId }), { status: 'Accepted' });
  await status(1, 'Finishing', from);
  await status(1, 'Available', from);
  assert.ok(station.logs.includes('driver pulls the cable at connector 1'), station.logs.join('\n'));
  assert.equal(station.control({ command: 'state' }).connectors[1].status, 'Charging', 'connector 2 charges on');
  const result = await station.exited;
  assert.deepEqual(result, { code: 0, reason: 'idle: 14 s over' });
  assert.ok(Date.now() - t0 >= 13000, 'not before the duration');
  assert.deepEqual(csms.violations.filter((v) => v.station === 'IDLE-16'), []);
});

test('--scenario idle on the host\'s charger with the 2.0.1 firmware (hardware: sim): a RequestStartTransaction at EVSE 1 → the driver plugs in, a transaction with the idToken (shown in the control API\'s state); RequestStopTransaction → Ended, the driver pulls the cable; a cable plugged through the control API stays; the duration ends the run, exit 0', { timeout: 120000 }, async () => {
  const station = await rig.start({ url: csms.url, id: 'IDLE-201', connectors: 2, scenario: 'idle', duration: 12 }, { bundle: join(root, 'dist', 'firmware-201.min.js'), hardware: 'sim' });
  const status = (evseId, s, from) =>
    within(station, csms.waitFor((r) => r.station === 'IDLE-201' && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.evseId === evseId && r.payload.connectorStatus === s, { from, timeout: 15000, what: `EVSE ${evseId} ${s}` }));
  await status(2, 'Available');
  assert.deepEqual(station.control({ command: 'plug-in', connectorId: 2 }), { ok: true });
  const answer = await csms.call('IDLE-201', 'RequestStartTransaction', { evseId: 1, remoteStartId: 7, idToken: { idToken: 'REMOTE-201', type: 'Central' } });
  assert.equal(answer.status, 'Accepted');
  const started = await within(station, csms.waitFor((r) => r.station === 'IDLE-201' && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.idToken && r.payload.evse && r.payload.evse.id === 1, { timeout: 15000, what: 'the remote transaction at EVSE 1' }));
  assert.equal(started.payload.idToken.idToken, 'REMOTE-201');
  assert.ok(station.logs.includes('driver plugs the EV in at connector 1'), station.logs.join('\n'));
  const { transactionId } = started.payload.transactionInfo;
  await until(station, 'the transaction in the state', () => station.control({ command: 'state' }).connectors[0].transactionId === transactionId);
  assert.equal(station.control({ command: 'state' }).connectors[0].idTag, 'REMOTE-201');
  const from = csms.records.length;
  assert.equal((await csms.call('IDLE-201', 'RequestStopTransaction', { transactionId })).status, 'Accepted');
  await within(station, csms.waitFor((r) => r.station === 'IDLE-201' && r.action === 'TransactionEvent' && r.type === 'CALL' && r.payload.eventType === 'Ended', { from, timeout: 15000, what: 'Ended' }));
  await status(1, 'Available', from);
  assert.ok(station.logs.includes('driver pulls the cable at connector 1'), station.logs.join('\n'));
  const state = station.control({ command: 'state' });
  assert.deepEqual(state.connectors.map((c) => [c.plugged, c.transactionId]), [[false, null], [true, null]], 'the cable plugged through the control API stays');
  assert.deepEqual(await station.exited, { code: 0, reason: 'idle: 12 s over' });
  assert.deepEqual(csms.violations.filter((v) => v.station === 'IDLE-201'), []);
});

test('the CLI with --scenario idle --duration and --hardware sim acts on both (no "does not act on" warning) and exits 0 when the duration is over', { timeout: 60000 }, async () => {
  const config = parseCliArgs(['--url', csms.url, '--id', 'CLI-IDLE', '--bundle', join(root, 'dist', 'firmware-201.min.js'), '--hardware', 'sim', '--scenario', 'idle', '--duration', '2', '--connectors', '1', '--data-dir', rig.dataDir]);
  const lines = [];
  const t0 = Date.now();
  const code = await runStations(config, { out: (l) => lines.push(l), forceExit: () => {} });
  assert.equal(code, 0, lines.join('\n'));
  assert.ok(Date.now() - t0 >= 2000);
  assert.ok(!lines.some((l) => /does not act on/.test(l)), lines.join('\n'));
  assert.match(lines.join('\n'), /idle: 2 s over/);
});
