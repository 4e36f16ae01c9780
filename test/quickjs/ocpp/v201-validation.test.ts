// The OCPP 2.0.1 validators: every one of the 128 schemas accepts a valid payload and rejects
// invalid ones with the 2.0.1 error (FormatViolation, OccurrenceConstraintViolation spelled
// right); payloads written after the specification check the tables against the spec itself,
// including what 2.0.1 has beyond 1.6: open customData objects, maxItems, integer ranges,
// DataTransfer's data of any type.
import { test, assert } from '../../lib/harness';
import { repeat } from './lib/rig';
import { checkEverySchema, clone, expectValidation } from './lib/schema-samples';
import { schemas, enums } from '../../../src/ocpp/v201/generated/schemas';
import { ocpp201, FormatViolationError, OccurrenceConstraintViolationError } from '../../../src/ocpp/v201/index';
import { REQUEST, RESPONSE } from '../../../src/ocpp/validation';
import { OcppError, TypeConstraintViolationError, PropertyConstraintViolationError, NotImplementedError } from '../../../src/ocpp/index';

function expect(action: string, direction: 0 | 1, payload: any, error: Function | null, what: string): void {
  expectValidation(ocpp201, action, direction, payload, error, what);
}

test('the tables have the 64 actions of OCPP 2.0.1 (128 schemas)', () => {
  const actions = Object.keys(schemas);
  assert.equal(actions.length, 64);
  for (const a of actions) {
    assert.equal(typeof schemas[a][REQUEST], 'object', a + ' request');
    assert.equal(typeof schemas[a][RESPONSE], 'object', a + ' response');
  }
  for (const a of ['BootNotification', 'TransactionEvent', 'GetVariables', 'SetVariables', 'GetBaseReport', 'NotifyReport', 'RequestStartTransaction', 'SendLocalList', 'Get15118EVCertificate', 'NotifyEVChargingNeeds']) {
    assert.ok(ocpp201.isAction(a), a);
  }
  // 1.6 actions that 2.0.1 replaced are not 2.0.1 actions.
  for (const a of ['StartTransaction', 'StopTransaction', 'RemoteStartTransaction', 'GetConfiguration', 'ChangeConfiguration', 'hasOwnProperty', 'NoSuchAction']) {
    assert.ok(!ocpp201.isAction(a), a + ' is not 2.0.1');
  }
  const e = ocpp201.validate('StartTransaction', REQUEST, {});
  assert.ok(e instanceof NotImplementedError && e.code === 'NotImplemented');
  assert.equal(ocpp201.version, '2.0.1');
});

test('each of the 128 schemas accepts a valid payload (with and without its optional fields) and rejects invalid ones with the 2.0.1 codes', () => {
  const errors = { type: TypeConstraintViolationError, occurrence: OccurrenceConstraintViolationError, property: PropertyConstraintViolationError, format: FormatViolationError };
  const checked = checkEverySchema(ocpp201, schemas, enums, errors);
  assert.ok(checked > 10000, checked + ' variants checked');
});

// ---- payloads written after the specification, independent of the generated tables ----------

const BOOT = { reason: 'PowerUp', chargingStation: { model: 'SingleSocketCharger', vendorName: 'VendorX' } }; // part 4, 4.2.1
const SPEC_PAYLOADS: [string, 0 | 1, any][] = [
  ['BootNotification', REQUEST, BOOT],
  ['BootNotification', RESPONSE, { currentTime: '2013-02-01T20:53:32.486Z', interval: 300, status: 'Accepted' }], // part 4, 4.2.2
  ['BootNotification', REQUEST, { reason: 'Watchdog', chargingStation: { model: 'M', vendorName: 'V', serialNumber: 'SN-1', firmwareVersion: '1.0', modem: { iccid: '8986', imsi: '460' } } }],
  ['BootNotification', RESPONSE, { currentTime: '2026-11-25T10:00:00Z', interval: 60, status: 'Pending', statusInfo: { reasonCode: 'Busy', additionalInfo: 'later' } }],
  ['Heartbeat', REQUEST, {}],
  ['Heartbeat', REQUEST, { customData: { vendorId: 'com.mycompany.customheartbeat', mainMeterValue: 12345, sessionsToDate: 342 } }], // part 4, 9
  ['Heartbeat', RESPONSE, { currentTime: '2026-11-25T10:00:00Z' }],
  ['StatusNotification', REQUEST, { timestamp: '2026-11-25T10:00:00Z', connectorStatus: 'Available', evseId: 1, connectorId: 1 }],
  ['Authorize', REQUEST, { idToken: { idToken: 'B4A63CDF', type: 'ISO14443' } }],
  ['Authorize', RESPONSE, { idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'G1', type: 'Central' }, personalMessage: { format: 'UTF8', language: 'en', content: 'Welcome' } } }],
  ['TransactionEvent', REQUEST, {
    eventType: 'Started', timestamp: '2026-11-25T10:00:00Z', triggerReason: 'Authorized', seqNo: 0, offline: false,
    transactionInfo: { transactionId: 'tx-1', chargingState: 'Charging' }, idToken: { idToken: 'B4A63CDF', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 },
    meterValue: [{ timestamp: '2026-11-25T10:00:00Z', sampledValue: [{ value: 0, measurand: 'Energy.Active.Import.Register', context: 'Transaction.Begin', unitOfMeasure: { unit: 'Wh', multiplier: 0 } }] }],
  }],
  ['TransactionEvent', REQUEST, { eventType: 'Ended', timestamp: '2026-11-25T11:00:00Z', triggerReason: 'EVCommunicationLost', seqNo: 7, transactionInfo: { transactionId: 'tx-1', stoppedReason: 'EVDisconnected' } }],
  ['TransactionEvent', RESPONSE, { totalCost: 3.5, chargingPriority: 9, idTokenInfo: { status: 'Accepted' } }],
  ['GetVariables', REQUEST, { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' }, attributeType: 'Actual' }] }],
  ['GetVariables', RESPONSE, { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '300', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { attributeStatus: 'UnknownVariable', component: { name: 'X' }, variable: { name: 'Y' } }] }],
  ['SetVariables', REQUEST, { setVariableData: [{ attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }],
  ['SetVariables', RESPONSE, { setVariableResult: [{ attributeStatus: 'RebootRequired', component: { name: 'SecurityCtrlr' }, variable: { name: 'SecurityProfile' } }] }],
  ['NotifyReport', REQUEST, { requestId: 1, generatedAt: '2026-11-25T10:00:00Z', seqNo: 0, tbc: false, reportData: [{ component: { name: 'ClockCtrlr' }, variable: { name: 'DateTime' }, variableAttribute: [{ type: 'Actual', value: '2026-11-25T10:00:00Z', mutability: 'ReadOnly' }], variableCharacteristics: { dataType: 'dateTime', supportsMonitoring: false } }] }],
  ['RequestStartTransaction', REQUEST, { idToken: { idToken: 'T', type: 'Central' }, remoteStartId: 42, evseId: 1 }],
  ['RequestStartTransaction', RESPONSE, { status: 'Accepted', transactionId: 'tx-2' }],
  ['DataTransfer', REQUEST, { vendorId: 'com.example', messageId: 'Ping', data: { any: ['json', 1, true, null] } }],
  ['DataTransfer', REQUEST, { vendorId: 'com.example', data: 17 }],
  ['DataTransfer', RESPONSE, { status: 'Accepted', data: 'text' }],
  ['Reset', REQUEST, { type: 'OnIdle', evseId: 1 }],
  ['Reset', RESPONSE, { status: 'Scheduled' }],
  ['SendLocalList', REQUEST, { versionNumber: 3, updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: 'A', type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' } }] }],
  ['NotifyEVChargingNeeds', REQUEST, { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 500, stateOfCharge: 100, fullSoC: 0 } } }],
];

test('payloads written after the specification are valid', () => {
  for (const [action, direction, payload] of SPEC_PAYLOADS) expect(action, direction, payload, null, JSON.stringify(payload));
});

test('the fields the specification requires are required (OccurrenceConstraintViolation)', () => {
  const requiredBySpec: [number, string[]][] = [
    [0, ['reason', 'chargingStation']],
    [1, ['currentTime', 'interval', 'status']],
    [7, ['timestamp', 'connectorStatus', 'evseId', 'connectorId']],
    [8, ['idToken']],
    [11, ['eventType', 'timestamp', 'triggerReason', 'seqNo', 'transactionInfo']],
    [13, ['getVariableData']],
  ];
  for (const [index, required] of requiredBySpec) {
    const [action, direction, base] = SPEC_PAYLOADS[index];
    for (const field of required) {
      const p = clone(base);
      delete p[field];
      expect(action, direction, p, OccurrenceConstraintViolationError, 'without ' + field);
    }
    for (const field of Object.keys(base).filter((k) => required.indexOf(k) < 0)) {
      const p = clone(base);
      delete p[field];
      expect(action, direction, p, null, 'without the optional ' + field);
    }
  }
  const station = clone(BOOT);
  delete station.chargingStation.vendorName;
  expect('BootNotification', REQUEST, station, OccurrenceConstraintViolationError, 'a charging station without vendorName');
  expect('Heartbeat', REQUEST, { customData: { mainMeterValue: 1 } }, OccurrenceConstraintViolationError, 'customData without vendorId');
});

test('what 2.0.1 has beyond 1.6: open customData, maxItems, integer ranges, any-typed data', () => {
  // customData takes any vendor property; every other object none.
  expect('Heartbeat', REQUEST, { customData: { vendorId: 'V', nested: { deep: [1, { x: null }] } } }, null, 'customData with vendor properties');
  expect('Heartbeat', REQUEST, { other: 1 }, PropertyConstraintViolationError, 'an extra property outside customData');
  expect('BootNotification', REQUEST, { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', customData: { vendorId: 'V', x: 1 }, extra: 1 } }, PropertyConstraintViolationError, 'an extra property beside customData');
  expect('Heartbeat', REQUEST, { customData: { vendorId: repeat('v', 256) } }, PropertyConstraintViolationError, 'a vendorId of 256');
  // customData is implied in the tables' text (written once, not in each object): it is still
  // allowed in every object, nested and shared ones too, still checked there, and nothing else is.
  const cd = { vendorId: 'com.example', extra: [1, { x: true }] };
  const start = (idToken: any, sampled: any) => ({
    eventType: 'Started', timestamp: '2026-12-02T10:00:00Z', triggerReason: 'Authorized', seqNo: 0,
    transactionInfo: { transactionId: 'T-1', customData: cd }, idToken,
    meterValue: [{ timestamp: '2026-12-02T10:00:00Z', sampledValue: [sampled] }],
  });
  const token = { idToken: 'TAG', type: 'ISO14443' };
  const sample = { value: 1, unitOfMeasure: { unit: 'Wh' } };
  expect('TransactionEvent', REQUEST, start({ ...token, customData: cd }, { ...sample, customData: cd, unitOfMeasure: { unit: 'Wh', customData: cd } }), null, 'customData in a nested, a shared and an array item object');
  expect('TransactionEvent', REQUEST, start({ ...token, customData: 'x' }, sample), TypeConstraintViolationError, 'customData that is not an object, in a shared object');
  expect('TransactionEvent', REQUEST, start(token, { ...sample, unitOfMeasure: { unit: 'Wh', customData: { vendorId: 7 } } }), TypeConstraintViolationError, 'a vendorId that is not a string, three levels down');
  expect('TransactionEvent', REQUEST, start(token, { ...sample, unitOfMeasure: { unit: 'Wh', customData: {} } }), OccurrenceConstraintViolationError, 'customData without its vendorId, three levels down');
  expect('TransactionEvent', REQUEST, start({ ...token, customData: cd, customdata: cd }, sample), PropertyConstraintViolationError, 'an unknown property beside customData in a shared object');
  expect('TransactionEvent', REQUEST, start(token, { ...sample, unitOfMeasure: { unit: 'Wh', vendorId: 'V' } }), PropertyConstraintViolationError, "customData's own property outside customData");
  expect('BootNotification', RESPONSE, { currentTime: '2026-12-02T10:00:00Z', interval: 60, status: 'Accepted', customData: { vendorId: 'V', customData: 'anything' } }, null, 'customData itself is open: its own customData is any vendor property');
  expect('ClearCache', REQUEST, { customData: cd }, null, 'customData in an object that has no other property');
  expect('ClearCache', REQUEST, { customData: cd, x: 1 }, PropertyConstraintViolationError, 'and nothing else there');
  // maxItems: Authorize's iso15118CertificateHashData has 1 to 4 items.
  const hash = { hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: '01', responderURL: 'http://ocsp.example.com' };
  const auth = (n: number) => ({ idToken: { idToken: 'T', type: 'Central' }, iso15118CertificateHashData: new Array(n + 1).join('.').split('').map(() => hash) });
  expect('Authorize', REQUEST, auth(4), null, '4 hash data');
  expect('Authorize', REQUEST, auth(5), OccurrenceConstraintViolationError, '5 hash data');
  expect('Authorize', REQUEST, auth(0), OccurrenceConstraintViolationError, 'no hash data');
  // minimum / maximum: stateOfCharge 0..100.
  const needs = (soc: number) => ({ evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 500, stateOfCharge: soc } } });
  expect('NotifyEVChargingNeeds', REQUEST, needs(0), null, 'stateOfCharge 0');
  expect('NotifyEVChargingNeeds', REQUEST, needs(100), null, 'stateOfCharge 100');
  expect('NotifyEVChargingNeeds', REQUEST, needs(101), PropertyConstraintViolationError, 'stateOfCharge 101');
  expect('NotifyEVChargingNeeds', REQUEST, needs(-1), PropertyConstraintViolationError, 'stateOfCharge -1');
  expect('NotifyEVChargingNeeds', REQUEST, needs(50.5), TypeConstraintViolationError, 'stateOfCharge 50.5');
  // DataTransfer's data has no type: anything, null included.
  for (const data of [null, 0, '', [], {}, [[[]]]]) expect('DataTransfer', REQUEST, { vendorId: 'V', data }, null, 'data ' + JSON.stringify(data));
});

test('limits the specification gives: idToken 36, model 20, vendorName 50, attributeValue 2500', () => {
  const cases: [string, 0 | 1, any, (p: any, v: string) => void, number][] = [
    ['Authorize', REQUEST, { idToken: { idToken: 'T', type: 'Central' } }, (p, v) => (p.idToken.idToken = v), 36],
    ['BootNotification', REQUEST, BOOT, (p, v) => (p.chargingStation.model = v), 20],
    ['BootNotification', REQUEST, BOOT, (p, v) => (p.chargingStation.vendorName = v), 50],
    ['SetVariables', REQUEST, SPEC_PAYLOADS[15][2], (p, v) => (p.setVariableData[0].attributeValue = v), 1000],
    ['GetVariables', RESPONSE, SPEC_PAYLOADS[14][2], (p, v) => (p.getVariableResult[0].attributeValue = v), 2500],
  ];
  for (const [action, direction, base, set, max] of cases) {
    const ok = clone(base);
    set(ok, repeat('a', max));
    expect(action, direction, ok, null, 'a field of ' + max);
    set(ok, repeat('a', max + 1));
    expect(action, direction, ok, PropertyConstraintViolationError, 'a field of ' + (max + 1));
  }
});

test('a payload that is not an object is a FormatViolation (2.0.1 has no FormationViolation)', () => {
  const e = ocpp201.validate('Heartbeat', REQUEST, null) as OcppError;
  assert.ok(e instanceof FormatViolationError);
  assert.equal(e.code, 'FormatViolation');
  assert.equal(e.description, 'Heartbeat.req: payload is not an object');
});

test('a violation is described with its path and what was expected', () => {
  const p = clone(SPEC_PAYLOADS[10][2]);
  p.meterValue[0].sampledValue[0].measurand = 'Joule';
  const e = ocpp201.validate('TransactionEvent', REQUEST, p) as OcppError;
  assert.ok(e instanceof PropertyConstraintViolationError, String(e && e.code));
  assert.match(e.description, /^TransactionEvent\.req: meterValue\[0\]\.sampledValue\[0\]\.measurand is not one of Current\.Export, /);
  assert.equal(e.message, e.description);
});
