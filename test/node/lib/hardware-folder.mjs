// The test's side of the hardware backend `--hardware DIR` (README, "Host ABI": a folder of
// state files a charger's IO daemon keeps): the test plays the daemon, writing the inputs and
// the meter as a daemon would (a temporary file renamed over the name) and reading the outputs
// the host wrote (HardwareFolder, bench/hardware-daemon.mjs's). And one charging session
// through it against the embedded CSMS, which every host that has the backend runs the same
// way (native x86-64, native armhf under qemu, the simulator host).
import assert from 'node:assert/strict';
import { HardwareFolder } from '../../../bench/hardware-daemon.mjs';

// The folder is the benchmark's daemon's too (its flashed-firmware sessions).
export { HardwareFolder };

const energyOf = (meterValues) => {
  const out = [];
  for (const mv of meterValues) {
    for (const sample of mv.meterValue) {
      for (const v of sample.sampledValue) if (!v.measurand || v.measurand === 'Energy.Active.Import.Register') out.push(Number(v.value));
    }
  }
  return out;
};

/**
 * One charging session through the folder, at connector 1, against `csms` (the station `id`
 * has been started with the settings MeterValueSampleInterval 1 and runs the flashed firmware):
 * cable → Preparing; card CARD-HW at the reader → Authorize, StartTransaction with the
 * backend's register as meterStart, relay closed and cable locked; the register rises →
 * MeterValues with the backend's readings; bad input from the backend on the way (text that
 * is not JSON, binary, a file too large, a missing meter) changes nothing; the cable pulled
 * at the car → StopTransaction EVDisconnected with the last register as meterStop, relay open.
 * `log` gives the station's log lines for the failure messages.
 */
export async function hardwareSession(csms, id, hw, log = () => '') {
  const say = (what) => `${what}\nstation log:\n${log()}`;
  const wait = (action, from) => csms.waitForCall(id, action, { from, timeout: 20000 }).catch((e) => assert.fail(say(e.message)));
  const statusOf = async (status, from) =>
    csms.waitFor((r) => r.station === id && r.action === 'StatusNotification' && r.type === 'CALL' && r.payload.connectorId === 1 && r.payload.status === status, { from, timeout: 20000, what: `StatusNotification ${status}` }).catch((e) => assert.fail(say(e.message)));

  await statusOf('Available', 0);
  hw.meter(1, { energyWh: 12000, powerW: 0, currentA: 0, voltageV: 230, phases: 3 });
  let from = csms.records.length;
  hw.set(1, { plugged: true, evRequestsEnergy: true });
  await statusOf('Preparing', from);

  from = csms.records.length;
  hw.set(1, { idTag: 'CARD-HW' });
  const authorize = await wait('Authorize', from);
  assert.equal(authorize.payload.idTag, 'CARD-HW');
  const start = await wait('StartTransaction', from);
  assert.equal(start.payload.meterStart, 12000, 'meterStart is the backend register');
  assert.equal(start.payload.idTag, 'CARD-HW');
  await hw.waitOutput('relay', 1, true);
  await hw.waitOutput('lock', 1, true);
  hw.set(1, { idTag: '' }); // the card taken away
  await statusOf('Charging', from);

  // Bad input from the backend: none of it is a reading; the host goes on.
  hw.write('inputs-1', 'not json {');
  hw.write('inputs-1', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]));
  hw.write('inputs-1', 'x'.repeat(10000));
  hw.write('inputs-1', '[1,2,3]');
  hw.write('meter-1', 'garbage');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  hw.set(1, {}); // a good text again

  const [transactionId] = [...csms.transactions.entries()].filter(([, t]) => t.station === id).pop();
  // The CSMS limits the current: the offered current is written to the backend.
  const profile = { chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', transactionId, chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] } };
  assert.deepEqual(await csms.call(id, 'SetChargingProfile', { connectorId: 1, csChargingProfiles: profile }), { status: 'Accepted' });
  await hw.waitOutput('current-limit', 1, 10);

  from = csms.records.length;
  const readings = [12400, 12950, 13600];
  for (const energyWh of readings) {
    hw.meter(1, { energyWh, powerW: 11000, currentA: 16, voltageV: 230, phases: 3 });
    const from1 = csms.records.length;
    await csms.waitFor((r) => r.station === id && r.action === 'MeterValues' && r.type === 'CALL' && energyOf([r.payload]).includes(energyWh), { from: from1, timeout: 20000, what: `MeterValues with ${energyWh} Wh` }).catch((e) => assert.fail(say(e.message)));
  }
  const values = energyOf(csms.calls(id, 'MeterValues'));
  for (const r of readings) assert.ok(values.includes(r), `MeterValues carried ${r} Wh: ${values}`);
  for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1], `the register never goes down: ${values}`);

  from = csms.records.length;
  hw.set(1, { plugged: false, evRequestsEnergy: false }); // pulled at the car
  const stop = await wait('StopTransaction', from);
  assert.equal(stop.payload.meterStop, 13600, 'meterStop is the last register');
  assert.equal(stop.payload.reason, 'EVDisconnected');
  await hw.waitOutput('relay', 1, false);
  await statusOf('Available', from);
  return { start, stop };
}
