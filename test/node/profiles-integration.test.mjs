// Integration of the profiles beyond Core: the real bundle on the simulator host against
// the strict ocpp-rpc CSMS (every message both ways validated against the OCPP 1.6
// schemas). Smart Charging, Reservation, Local Auth List, Firmware Management (the host
// really downloads the firmware the CSMS serves over HTTP, checks and installs it, and the
// station restarts into it; diagnostics are uploaded to the CSMS) and Remote Trigger flows,
// end to end; the logic itself is tested in QuickJS (test/quickjs/app/).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stationTests, within } from './lib/stations.mjs';

const rig = stationTests('profiles-integration');
let csms;

before(async () => {
  csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5 });
});

async function startStation(id, settings = {}) {
  const station = await rig.start({
    url: csms.url,
    id,
    connectors: 2,
    scenario: 'idle',
    duration: 0,
    reconnectMaxSeconds: 2,
    configuration: { MeterValueSampleInterval: 1, MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import,Current.Offered' },
    ...settings,
  });
  await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 5000 }));
  return station;
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

/** FirmwareStatusNotification / DiagnosticsStatusNotification statuses the CSMS got from a station, in order. */
function statuses(id, action) {
  return csms.calls(id, action).map((p) => p.status);
}

function waitForStatus(station, id, action, status, timeout = 15000) {
  return within(
    station,
    csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === action && r.payload.status === status, { timeout, what: `${action} ${status}` })
  );
}

test('firmware update: the host downloads the file the CSMS serves, checks it, installs it and the station restarts into it; Installed after the new boot', async () => {
  const id = 'PRO-FIRMWARE';
  const station = await startStation(id);
  // The image a module is flashed with (the readable dist/simulator.js needs more than the simulator's 1 MiB heap to load).
  const bundle = readFileSync(fileURLToPath(new URL('../../dist/simulator.min.js', import.meta.url)));
  const location = csms.serveFile('firmware-2.js', bundle);
  assert.deepEqual(await csms.call(id, 'UpdateFirmware', { location, retrieveDate: new Date().toISOString(), retries: 0 }), {});
  await waitForStatus(station, id, 'FirmwareStatusNotification', 'Installed');
  assert.deepEqual(statuses(id, 'FirmwareStatusNotification'), ['Downloading', 'Downloaded', 'Installing', 'Installed']);
  assert.equal(station.stats.restarts, 1);
  assert.equal(csms.calls(id, 'BootNotification').length, 2, 'a new boot after the install');
  assert.deepEqual(csms.downloads.map((d) => d.name), ['firmware-2.js']);
  assert.ok(station.logs.some((l) => /firmware from .* installed \(sha256 [0-9a-f]{64}\)/.test(l)), 'the host installed it');
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});

test('firmware update: a file that is no script and a missing file end in DownloadFailed (after the retries); nothing installed', async () => {
  const id = 'PRO-BADFW';
  const station = await startStation(id);
  const location = csms.serveFile('broken.js', 'function ( { this is not JavaScript');
  await csms.call(id, 'UpdateFirmware', { location, retrieveDate: new Date().toISOString(), retries: 0 });
  await waitForStatus(station, id, 'FirmwareStatusNotification', 'DownloadFailed');
  assert.ok(station.logs.some((l) => /not a script QuickJS can compile: SyntaxError/.test(l)), 'the check said why');
  await csms.call(id, 'UpdateFirmware', { location: `${csms.httpUrl}/firmware/none.js`, retrieveDate: new Date().toISOString(), retries: 1, retryInterval: 1 });
  const from = csms.records.length;
  await within(station, csms.waitFor((r) => r.station === id && r.seq >= from && r.action === 'FirmwareStatusNotification' && r.payload?.status === 'DownloadFailed', { timeout: 10000, what: 'the second DownloadFailed' }));
  assert.deepEqual(statuses(id, 'FirmwareStatusNotification'), ['Downloading', 'DownloadFailed', 'Downloading', 'Downloading', 'DownloadFailed']);
  assert.ok(station.logs.some((l) => /HTTP 404/.test(l)));
  assert.equal(station.stats.restarts, 0);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});

test('GetDiagnostics: the file name at once, Uploading, then Uploaded; the CSMS has the file', async () => {
  const id = 'PRO-DIAG';
  const station = await startStation(id);
  const answer = await csms.call(id, 'GetDiagnostics', { location: csms.diagnosticsUrl });
  assert.match(answer.fileName, new RegExp(`^diagnostics-${id}-`));
  await waitForStatus(station, id, 'DiagnosticsStatusNotification', 'Uploaded');
  assert.deepEqual(statuses(id, 'DiagnosticsStatusNotification'), ['Uploading', 'Uploaded']);
  const file = csms.uploads.find((u) => u.name === answer.fileName);
  assert.ok(file, 'uploaded under the name it gave');
  const report = JSON.parse(file.text);
  assert.equal(report.station, id);
  assert.equal(report.connectors.length, 2);
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});

test('local list and every TriggerMessage target, validated by the strict CSMS', async () => {
  const id = 'PRO-LIST-TRIGGER';
  const station = await startStation(id);
  assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 0 });
  const list = [{ idTag: 'CARD-1', idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET' } }, { idTag: 'CARD-2', idTagInfo: { status: 'Blocked' } }];
  assert.deepEqual(await csms.call(id, 'SendLocalList', { listVersion: 5, updateType: 'Full', localAuthorizationList: list }), { status: 'Accepted' });
  assert.deepEqual(await csms.call(id, 'SendLocalList', { listVersion: 5, updateType: 'Differential', localAuthorizationList: [{ idTag: 'CARD-2' }] }), { status: 'VersionMismatch' });
  assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 5 });
  const targets = ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification'];
  for (const requestedMessage of targets) {
    const from = csms.records.length;
    assert.deepEqual(await csms.call(id, 'TriggerMessage', { requestedMessage, connectorId: requestedMessage === 'MeterValues' || requestedMessage === 'StatusNotification' ? 2 : undefined }), { status: 'Accepted' });
    const sent = await within(station, csms.waitFor((r) => r.station === id && r.seq >= from && r.type === 'CALL' && r.action === requestedMessage, { timeout: 5000, what: `triggered ${requestedMessage}` }));
    if (requestedMessage === 'MeterValues' || requestedMessage === 'StatusNotification') assert.equal(sent.payload.connectorId, 2);
  }
  assert.deepEqual(await csms.call(id, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 3 }), { status: 'Rejected' });
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);
});
