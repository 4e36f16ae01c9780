// The 2.0.1 device model's observable behaviour pinned byte for byte: what
// dist/simulator-201.min.js (every block of the station, 2 EVSEs, fixed settings) answers the
// strict embedded CSMS for GetBaseReport FullInventory / ConfigurationInventory /
// SummaryInventory (its NotifyReport parts), a GetReport, GetVariables of every variable it
// reports, a batch of SetVariables (accepted, rejected, unknown) and the DiagnosticsLog of a
// GetLog, against test/fixtures/device-model-201.json. The clock's own readings (generatedAt,
// ClockCtrlr/DateTime, the log's time and file name) are written as "<time>". A change meant
// to alter what the station reports updates the fixture:
//   UPDATE_FIXTURES=1 node test/run.mjs test/node/sim-ocpp201-device-model.test.mjs
// and the diff of the fixture shows what changed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stationTests, within } from './lib/stations.mjs';

const BUNDLE = fileURLToPath(new URL('../../dist/simulator-201.min.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/device-model-201.json', import.meta.url));
const rig = stationTests('sim-ocpp201-device-model');
let csms;

before(async () => {
  csms = await rig.csms({ heartbeatInterval: 300, callTimeout: 5 });
});

const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z|\d{8}T\d{6}Z/g;
/** The answers with the clock's own readings as "<time>". */
const timeless = (value) => JSON.parse(JSON.stringify(value).replace(TIME, '<time>'));

/** JSON, a value on one line when it is short, else one member or element a line (a fixture whose diff reads). */
function format(value, indent = '') {
  const line = JSON.stringify(value);
  if (line.length <= 400 || value === null || typeof value !== 'object') return line;
  const inner = indent + ' ';
  const items = Array.isArray(value) ? value.map((v) => inner + format(v, inner)) : Object.keys(value).map((k) => inner + JSON.stringify(k) + ': ' + format(value[k], inner));
  return (Array.isArray(value) ? '[' : '{') + '\n' + items.join(',\n') + '\n' + indent + (Array.isArray(value) ? ']' : '}');
}

/** The NotifyReport parts of request `requestId` once its last (tbc false) came. */
async function reportOf(station, id, requestId) {
  await within(station, csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'NotifyReport' && r.payload.requestId === requestId && !r.payload.tbc, { timeout: 20000, what: `NotifyReport ${requestId}` }));
  return csms.records.filter((r) => r.station === id && r.type === 'CALL' && r.action === 'NotifyReport' && r.payload.requestId === requestId).map((r) => r.payload);
}

test('the device model as the CSMS sees it (reports, GetVariables, SetVariables, the DiagnosticsLog) is the fixture\'s, byte for byte', async () => {
  const id = 'DM-201';
  const settings = { url: csms.url, id, connectors: 2, scenario: 'none', duration: 0, vendor: 'Example Vendor', model: 'Example Model', firmwareVersion: '1.2.3', password: 'pinned-password-1', phases: 3, voltageV: 230 };
  const station = await rig.start(settings, { bundle: BUNDLE });
  await within(station, csms.waitForCall(id, 'StatusNotification', { timeout: 5000 }));
  const seen = {};
  let requestId = 100;
  for (const reportBase of ['FullInventory', 'ConfigurationInventory', 'SummaryInventory']) {
    const answer = await csms.call(id, 'GetBaseReport', { requestId: ++requestId, reportBase });
    seen['GetBaseReport ' + reportBase] = { answer, parts: answer.status === 'Accepted' ? await reportOf(station, id, requestId) : [] };
  }
  const custom = { requestId: ++requestId, componentCriteria: ['Available'], componentVariable: [{ component: { name: 'EVSE' } }, { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageTimeout', instance: 'Default' } }] };
  const customAnswer = await csms.call(id, 'GetReport', custom);
  seen.GetReport = { answer: customAnswer, parts: await reportOf(station, id, requestId) };
  // Every variable the full inventory reports, each attribute it has, 16 to a GetVariables (ItemsPerMessage).
  const asked = [];
  for (const part of seen['GetBaseReport FullInventory'].parts) {
    for (const d of part.reportData) for (const a of d.variableAttribute) asked.push({ component: d.component, variable: d.variable, attributeType: a.type });
  }
  asked.push({ component: { name: 'NoSuchCtrlr' }, variable: { name: 'X' } }, { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NoSuchVariable' } }, { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'Target' });
  seen.GetVariables = [];
  for (let i = 0; i < asked.length; i += 16) seen.GetVariables.push(await csms.call(id, 'GetVariables', { getVariableData: asked.slice(i, i + 16) }));
  const set = (component, variable, attributeValue, extra = {}) => ({ component: { name: component, ...extra.component }, variable: { name: variable, ...extra.variable }, attributeValue, ...(extra.attributeType && { attributeType: extra.attributeType }) });
  seen.SetVariables = await csms.call(id, 'SetVariables', {
    setVariableData: [
      set('OCPPCommCtrlr', 'HeartbeatInterval', '120'),
      set('OCPPCommCtrlr', 'HeartbeatInterval', '0'),
      set('OCPPCommCtrlr', 'HeartbeatInterval', 'x'),
      set('OCPPCommCtrlr', 'NetworkConfigurationPriority', '0'),
      set('OCPPCommCtrlr', 'NetworkConfigurationPriority', '1'),
      set('TxCtrlr', 'TxStopPoint', 'EVConnected,Authorized'),
      set('TxCtrlr', 'TxStopPoint', 'Nothing'),
      set('SecurityCtrlr', 'Identity', 'other'),
      set('SecurityCtrlr', 'OrganizationName', 'x'.repeat(65)),
      set('ClockCtrlr', 'TimeSource', 'Heartbeat'),
      set('AuthCtrlr', 'Enabled', 'maybe'),
      set('NoSuchCtrlr', 'X', '1'),
      set('OCPPCommCtrlr', 'NoSuchVariable', '1'),
      set('OCPPCommCtrlr', 'HeartbeatInterval', '60', { attributeType: 'Target' }),
      set('SampledDataCtrlr', 'TxUpdatedInterval', '30'),
    ],
  });
  seen.afterSet = await csms.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } }] });
  const log = await csms.call(id, 'GetLog', { requestId: 7, logType: 'DiagnosticsLog', log: { remoteLocation: csms.diagnosticsUrl } });
  await within(station, csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'LogStatusNotification' && r.payload.status === 'Uploaded', { timeout: 20000, what: 'Uploaded' }));
  seen.GetLog = { answer: log, diagnosticsLog: csms.uploads.find((u) => u.name === log.filename).text };
  assert.deepEqual(csms.violations.filter((v) => v.station === id), []);
  await station.stop(0);

  const text = format(timeless(seen)) + '\n';
  if (process.env.UPDATE_FIXTURES) writeFileSync(FIXTURE, text);
  const expected = readFileSync(FIXTURE, 'utf8');
  // Part by part, so a failure names what differs.
  const got = JSON.parse(text);
  const want = JSON.parse(expected);
  for (const k of Object.keys(want)) assert.deepEqual(got[k], want[k], k);
  assert.equal(text, expected, 'the same text');
});
