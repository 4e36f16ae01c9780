// The firmware's hardware: the charger's IO from the host's optional hardware members
// (hal/host-hardware.ts), here the fake host's FakeCharger playing the charger maker's
// native code, under the real station against the fake CSMS.
import { test, assert, sleep } from '../lib/harness';
import { FakeCharger, FakeHost } from '../lib/fake-host';
import { createHal } from '../../hal/index';
import { hostHardwareFor, HostHardware } from '../../hal/host-hardware';
import { ID_TAG_MAX_LENGTH } from '../../src/ocpp/v16/generated/types';
import { Station } from '../../src/app/station';
import { BUILT_IN_FEATURES } from '../../src/app/built-in-features';
import { openChargePointLink } from '../../src/app/core/csms-link';
import { FakeCsms, Rig, startOnline } from './app/lib/station-harness';

/** A station on the host's charger IO (FakeCharger with `shape`), or on a host without it. */
function makeFirmware(shape: { maxCurrentA?: number; cableLock?: boolean }[] | null, config: { [k: string]: unknown } = {}): { rig: Rig; charger: FakeCharger | null; hostHardware: HostHardware } {
  const settings: { [k: string]: unknown } = { url: 'ws://csms/ocpp', id: 'CP-H', connectors: 3 };
  for (const k in config) settings[k] = config[k];
  const host = new FakeHost({ config: settings });
  const charger = shape ? new FakeCharger(host, shape) : null;
  const hal = createHal(host);
  const hw = hostHardwareFor(host, hal, ID_TAG_MAX_LENGTH);
  const station = new Station(hal, hw, openChargePointLink(hal), BUILT_IN_FEATURES);
  // The rig's helpers use the CSMS side only; the hardware here is the host's, not simulated.
  return { rig: { host, hal, hw: null as any, station, csms: new FakeCsms(host) }, charger, hostHardware: hw };
}

const statusOf = (frame: any) => frame[3].connectorId + ' ' + frame[3].status + ' ' + frame[3].errorCode;

test('the host says how many connectors there are; a cable plugged in at the charger → StatusNotification Preparing', async () => {
  const { rig, charger } = makeFirmware([{}, { cableLock: false }]);
  await startOnline(rig);
  assert.equal(rig.station.connectors.length, 2, 'the host lists two (the settings say 3)');
  assert.ok(rig.host.logs.some((l) => l.text === 'charger IO from the host: 2 connector(s)'));
  rig.csms.inbox.length = 0;
  charger!.set(2, { plugged: true });
  const status = await rig.csms.next('StatusNotification');
  assert.equal(statusOf(status), '2 Preparing NoError');
  assert.equal(rig.station.connector(2)!.status, 'Preparing');
});

test('a remote start closes the relay through hardwareWrite and locks the cable; the host meter reading reaches StartTransaction and MeterValues', async () => {
  const { rig, charger } = makeFirmware([{ maxCurrentA: 16 }], { configuration: { MeterValueSampleInterval: 10, MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import' } });
  const c = charger!.connector(1);
  c.meter = { energyWh: 5000, powerW: 0, currentA: 0, voltageV: 230, phases: 1 };
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  assert.deepEqual((await rig.csms.call('RemoteStartTransaction', { idTag: 'REMOTE', connectorId: 1 }))[2], { status: 'Accepted' });
  assert.equal(c.relay, false, 'no cable yet: the contactor stays open');
  charger!.set(1, { plugged: true, evRequestsEnergy: true });
  const start = await rig.csms.next('StartTransaction');
  assert.equal(start[3].meterStart, 5000, 'meterStart is the host register');
  await sleep(0);
  assert.equal(c.relay, true, 'the relay closed through the member');
  assert.equal(c.lock, true, 'the cable locked through the member');
  assert.ok(charger!.writes.some((w) => w.connectorId === 1 && w.output.relay === true));
  c.meter = { energyWh: 5123, powerW: 3680, currentA: 16, voltageV: 230, phases: 1 };
  const mv = await rig.csms.next('MeterValues');
  const values: { [m: string]: string } = {};
  for (const v of mv[3].meterValue[0].sampledValue) values[v.measurand || 'Energy.Active.Import.Register'] = v.value;
  assert.equal(values['Energy.Active.Import.Register'], '5123');
  assert.equal(values['Power.Active.Import'], '3680');
  c.meter = { energyWh: 5200, powerW: 3680, currentA: 16, voltageV: 230, phases: 1 };
  assert.deepEqual((await rig.csms.call('RemoteStopTransaction', { transactionId: 101 }))[2], { status: 'Accepted' });
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].meterStop, 5200);
  await sleep(0);
  assert.equal(c.relay, false, 'the relay opened at the stop');
});

test('a fault at the charger → Faulted with its vendorErrorCode, cleared → back; an EV that pauses → SuspendedEV', async () => {
  const { rig, charger } = makeFirmware([{}]);
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  charger!.set(1, { error: 'GroundFailure', vendorErrorCode: 'RCD-7' });
  const faulted = await rig.csms.next('StatusNotification');
  assert.equal(statusOf(faulted), '1 Faulted GroundFailure');
  assert.equal(faulted[3].vendorErrorCode, 'RCD-7');
  charger!.set(1, { error: 'NoError', vendorErrorCode: '' });
  assert.equal(statusOf(await rig.csms.next('StatusNotification')), '1 Available NoError');

  charger!.set(1, { plugged: true, evRequestsEnergy: true });
  await rig.csms.next('StatusNotification');
  await rig.station.presentIdTag(1, 'LOCAL');
  await rig.csms.next('StartTransaction');
  assert.equal(statusOf(await rig.csms.next('StatusNotification')), '1 Charging NoError');
  charger!.set(1, { evRequestsEnergy: false });
  assert.equal(statusOf(await rig.csms.next('StatusNotification')), '1 SuspendedEV NoError');
});

test('a jammed lock: the write fails and is logged; a text that is not JSON keeps the last reading', async () => {
  const { rig, charger } = makeFirmware([{}]);
  await startOnline(rig);
  const c = charger!.connector(1);
  c.lockJammed = true;
  assert.equal(rig.station.connector(1)!.hw.setLock(true), false, 'ConnectorLockFailure');
  assert.ok(rig.host.logs.some((l) => /connector 1: hardwareWrite \{"lock":true\} failed: the lock did not move/.test(l.text)));
  assert.equal(rig.station.connector(1)!.hw.locked(), false);
  charger!.set(1, { plugged: true });
  await sleep(0);
  assert.equal(rig.station.connector(1)!.hw.plugged(), true);
  const good = (rig.host as any).hardwareInputs;
  for (const bad of ['not json', '[false]', '7', 'null', '']) {
    (rig.host as any).hardwareInputs = () => bad;
    assert.equal(rig.station.connector(1)!.hw.plugged(), true, 'the last good reading, for ' + JSON.stringify(bad));
  }
  assert.ok(rig.host.logs.some((l) => /hardwareInputs gave no JSON object/.test(l.text)));
  (rig.host as any).hardwareInputs = good;
  charger!.connector(1).meter = { energyWh: 4321, powerW: 0, currentA: 0, voltageV: 230 };
  assert.equal(rig.station.connector(1)!.hw.read().energyWh, 4321);
  const meter = (rig.host as any).hardwareMeter;
  for (const bad of ['garbage', '[4321]', '']) {
    (rig.host as any).hardwareMeter = () => bad;
    assert.equal(rig.station.connector(1)!.hw.read().energyWh, 4321, 'the last good register, for ' + JSON.stringify(bad));
  }
  assert.ok(rig.host.logs.some((l) => /hardwareMeter gave no JSON object; keeping the last reading/.test(l.text)));
  (rig.host as any).hardwareMeter = meter;
});

test('a card at the connector\'s reader (inputs idTag) is presented once: Authorize and a transaction; taken away and held there again, it stops it', async () => {
  const { rig, charger, hostHardware } = makeFirmware([{}]);
  await startOnline(rig);
  const presented: string[] = [];
  rig.csms.inbox.length = 0;
  charger!.set(1, { plugged: true, evRequestsEnergy: true });
  await rig.csms.next('StatusNotification');
  hostHardware.onIdTag = (id, idTag) => {
    presented.push(id + ' ' + idTag);
    rig.station.presentIdTag(id, idTag);
  };
  charger!.set(1, { idTag: 'CARD-7' });
  assert.equal((await rig.csms.next('Authorize'))[3].idTag, 'CARD-7');
  assert.equal((await rig.csms.next('StartTransaction'))[3].idTag, 'CARD-7');
  charger!.set(1, { evRequestsEnergy: true }); // the card still there: no second presentation
  await sleep(10);
  assert.deepEqual(presented, ['1 CARD-7']);
  charger!.set(1, { idTag: '' });
  await sleep(0);
  charger!.set(1, { idTag: 'CARD-7' });
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'Local');
  assert.deepEqual(presented, ['1 CARD-7', '1 CARD-7']);
});

test('a host without the hardware members: connectors without IO from the settings, a warning, and the OCPP side runs', async () => {
  const { rig } = makeFirmware(null);
  await startOnline(rig);
  assert.equal(rig.station.connectors.length, 3);
  assert.ok(
    rig.host.logs.some((l) => l.level === 30 && /^no charger IO: this host has no hardwareInfo, hardwareInputs, hardwareMeter, hardwareWrite, hardwareListen \(optional host ABI members\); 3 connector\(s\) without IO/.test(l.text)),
    JSON.stringify(rig.host.logs)
  );
  const statuses = rig.csms.pending('StatusNotification').map(statusOf);
  assert.deepEqual(statuses, ['0 Available NoError', '1 Available NoError', '2 Available NoError', '3 Available NoError']);
  assert.deepEqual((await rig.csms.call('GetConfiguration', { key: ['NumberOfConnectors'] }))[2].configurationKey[0].value, '3');
});
