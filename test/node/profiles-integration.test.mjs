// Integration of the profiles beyond Core: the real bundle on the simulator host against
// the strict ocpp-rpc CSMS (every message both ways validated against the OCPP 1.6
// schemas). Smart Charging and Reservation flows, end to end; the logic itself is tested
// in QuickJS (test/quickjs/app/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedStation } from '../../sim/host.mjs';
import { Csms } from '../../sim/csms.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'profiles-integration-'));
let csms;
const running = [];

before(async () => {
  csms = new Csms({ heartbeatInterval: 60, callTimeout: 5 });
  await csms.start();
});
after(async () => {
  for (const s of running) if (s.running) await s.stop(0, 'test over');
  if (csms.listening) await csms.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startStation(id, settings = {}) {
  const station = new SimulatedStation({
    settings: {
      url: csms.url,
      id,
      connectors: 2,
      scenario: 'idle',
      duration: 0,
      reconnectMaxSeconds: 2,
      configuration: { MeterValueSampleInterval: 1, MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import,Current.Offered' },
      ...settings,
    },
    dataDir,
  });
  station.logs = [];
  station.on('log', (e) => station.logs.push(e.text));
  running.push(station);
  await station.start();
  await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 5000 }));
  return station;
}

async function within(station, promise) {
  try {
    return await promise;
  } catch (err) {
    err.message += `\nstation log:\n  ${station.logs.join('\n  ')}`;
    throw err;
  }
}

function sampled(meterValues, measurand) {
  return Number(meterValues.meterValue[0].sampledValue.find((v) => v.measurand === measurand).value);
}

function statusCall(id, connectorId, status, from = 0) {
  return csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'StatusNotification' && r.payload.connectorId === connectorId && r.payload.status === status, {
    from,
    timeout: 5000,
    what: `connector ${connectorId} ${status}`,
  });
}

test('smart charging: a TxDefaultProfile limits the remote-started transaction; meter values show it; the composite schedule and Clear are answered validly', async () => {
  const id = 'PRO-SMART';
  const station = await startStation(id);
  const profile = {
    chargingProfileId: 11,
    stackLevel: 1,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 4140 }] },
  };
  assert.deepEqual(await csms.call(id, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: profile }), { status: 'Accepted' });
  assert.deepEqual(await csms.call(id, 'RemoteStartTransaction', { idTag: 'SMART', connectorId: 1 }), { status: 'Accepted' });
  const start = await within(station, csms.waitForCall(id, 'StartTransaction', { timeout: 5000 }));
  const mv = await within(station, csms.waitFor((r) => r.station === id && r.action === 'MeterValues' && r.type === 'CALL' && r.seq > start.seq && sampled(r.payload, 'Power.Active.Import') > 0, { timeout: 5000, what: 'MeterValues while charging' }));
  assert.equal(sampled(mv.payload, 'Current.Offered'), 6, '4140 W = 6 A on three phases');
  assert.equal(sampled(mv.payload, 'Power.Active.Import'), 4140);
  const composite = await csms.call(id, 'GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'A' });
  assert.equal(composite.status, 'Accepted');
  assert.deepEqual(composite.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 6, numberPhases: 3 }]);
  assert.deepEqual(await csms.call(id, 'ClearChargingProfile', { id: 11 }), { status: 'Accepted' });
  const from = csms.records.length;
  const after = await within(station, csms.waitFor((r) => r.station === id && r.action === 'MeterValues' && r.type === 'CALL' && r.seq >= from, { timeout: 5000, what: 'MeterValues after Clear' }));
  assert.equal(sampled(after.payload, 'Current.Offered'), 32, 'the connector maximum again');
  assert.equal(sampled(after.payload, 'Power.Active.Import'), 16 * 230 * 3, 'the EV takes its own maximum, 16 A');
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});

test('reservation: Reserved status, other idTags refused, the reserved idTag starts with the reservationId; cancel returns the connector', async () => {
  const id = 'PRO-RESERVE';
  const station = await startStation(id);
  const expiryDate = new Date(Date.now() + 600000).toISOString();
  assert.deepEqual(await csms.call(id, 'ReserveNow', { connectorId: 1, expiryDate, idTag: 'RES', reservationId: 41 }), { status: 'Accepted' });
  await within(station, statusCall(id, 1, 'Reserved'));
  assert.deepEqual(await csms.call(id, 'RemoteStartTransaction', { idTag: 'OTHER', connectorId: 1 }), { status: 'Rejected' });
  assert.deepEqual(await csms.call(id, 'RemoteStartTransaction', { idTag: 'RES', connectorId: 1 }), { status: 'Accepted' });
  const start = await within(station, csms.waitForCall(id, 'StartTransaction', { timeout: 5000 }));
  assert.equal(start.payload.reservationId, 41);
  assert.deepEqual(await csms.call(id, 'ReserveNow', { connectorId: 2, expiryDate, idTag: 'RES2', reservationId: 42 }), { status: 'Accepted' });
  const reserved = await within(station, statusCall(id, 2, 'Reserved'));
  assert.deepEqual(await csms.call(id, 'CancelReservation', { reservationId: 42 }), { status: 'Accepted' });
  await within(station, statusCall(id, 2, 'Available', reserved.seq));
  assert.deepEqual(await csms.call(id, 'CancelReservation', { reservationId: 42 }), { status: 'Rejected' });
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});
