// The OCPP 1.6 validators: every one of the 78 schemas accepts a valid payload and rejects
// invalid ones with the right OCPP error; hand-written payloads from the specification check
// the tables against the spec itself (the generated samples below only check the
// interpreter against the tables).
import { test, assert } from '../../lib/harness';
import { repeat } from './lib/rig';
import { checkEverySchema, clone, expectValidation } from './lib/schema-samples';
import { schemas, enums } from '../../../src/ocpp/v16/generated/schemas';
import { ocpp16 } from '../../../src/ocpp/v16/index';
import { isDateTime, REQUEST, RESPONSE } from '../../../src/ocpp/validation';
import {
  OcppError,
  FormationViolationError,
  TypeConstraintViolationError,
  OccurenceConstraintViolationError,
  PropertyConstraintViolationError,
  NotImplementedError,
} from '../../../src/ocpp/index';

function expect(action: string, direction: 0 | 1, payload: any, error: Function | null, what: string): void {
  expectValidation(ocpp16, action, direction, payload, error, what);
}

test('the tables have the 39 actions of OCPP 1.6J, core and security extension (78 schemas)', () => {
  const actions = Object.keys(schemas);
  assert.equal(actions.length, 39);
  let count = 0;
  for (const a of actions) {
    assert.equal(typeof schemas[a][REQUEST], 'object', a + '.req');
    assert.equal(typeof schemas[a][RESPONSE], 'object', a + '.conf');
    count += 2;
  }
  assert.equal(count, 78);
  for (const a of ['SecurityEventNotification', 'SignCertificate', 'CertificateSigned', 'SignedUpdateFirmware', 'SignedFirmwareStatusNotification', 'GetLog', 'LogStatusNotification', 'InstallCertificate', 'DeleteCertificate', 'GetInstalledCertificateIds', 'ExtendedTriggerMessage']) {
    assert.ok(ocpp16.isAction(a), 'security extension: ' + a);
  }
  assert.ok(!ocpp16.isAction('hasOwnProperty') && !ocpp16.isAction('NoSuchAction'));
  assert.ok(ocpp16.validate('NoSuchAction', REQUEST, {}) instanceof NotImplementedError);
});

test('each of the 78 schemas accepts a valid payload (with and without its optional fields) and rejects invalid ones', () => {
  const errors = { type: TypeConstraintViolationError, occurrence: OccurenceConstraintViolationError, property: PropertyConstraintViolationError, format: FormationViolationError };
  const checked = checkEverySchema(ocpp16, schemas, enums, errors);
  assert.ok(checked > 2000, checked + ' variants checked');
});

// ---- payloads written after the specification, independent of the generated tables ----------

const SPEC_PAYLOADS: [string, 0 | 1, any][] = [
  ['BootNotification', REQUEST, { chargePointVendor: 'VendorX', chargePointModel: 'SingleSocketCharger', chargePointSerialNumber: 'SN-1', firmwareVersion: '1.0.0', iccid: '8986', imsi: '460', meterType: 'M', meterSerialNumber: 'MS' }],
  ['BootNotification', RESPONSE, { status: 'Accepted', currentTime: '2013-02-01T20:53:32.486Z', interval: 300 }],
  ['Authorize', RESPONSE, { idTagInfo: { status: 'Accepted', expiryDate: '2013-02-01T20:53:32Z', parentIdTag: 'PARENT' } }],
  ['StartTransaction', REQUEST, { connectorId: 1, idTag: 'B4A63CDF', meterStart: 0, timestamp: '2013-02-01T15:09:18Z', reservationId: 3 }],
  ['StartTransaction', RESPONSE, { transactionId: 17, idTagInfo: { status: 'ConcurrentTx' } }],
  ['StopTransaction', REQUEST, { transactionId: 17, meterStop: 2080, timestamp: '2013-02-01T15:45:18Z', reason: 'EVDisconnected', transactionData: [{ timestamp: '2013-02-01T15:45:18Z', sampledValue: [{ value: '2080', measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Transaction.End' }] }] }],
  ['StatusNotification', REQUEST, { connectorId: 0, errorCode: 'NoError', status: 'Available', timestamp: '2013-02-01T15:09:18Z', info: 'ok', vendorId: 'V', vendorErrorCode: 'E1' }],
  ['MeterValues', REQUEST, { connectorId: 1, transactionId: 17, meterValue: [{ timestamp: '2013-02-01T15:20:00Z', sampledValue: [{ value: '1234', context: 'Sample.Periodic', format: 'Raw', measurand: 'Power.Active.Import', phase: 'L1-N', location: 'Outlet', unit: 'kW' }, { value: '230' }] }] }],
  ['SetChargingProfile', REQUEST, { connectorId: 1, csChargingProfiles: { chargingProfileId: 100, stackLevel: 2, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', chargingSchedule: { duration: 86400, startSchedule: '2013-01-01T00:00Z'.replace('00Z', '00:00Z'), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 28800, limit: 6000.5, numberPhases: 3 }], minChargingRate: 4.2 } } }],
  ['GetConfiguration', RESPONSE, { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }], unknownKey: ['Foo'] }],
  ['DataTransfer', REQUEST, { vendorId: 'com.example', messageId: 'Ping', data: '{"any":"text"}' }],
  ['GetDiagnostics', REQUEST, { location: 'ftp://diag.example.com/upload', retries: 3, retryInterval: 60, startTime: '2013-02-01T00:00:00Z' }],
  ['SecurityEventNotification', REQUEST, { type: 'FirmwareUpdated', timestamp: '2020-01-01T00:00:00Z', techInfo: 'v2' }],
  ['SignedUpdateFirmware', REQUEST, { requestId: 1, firmware: { location: 'https://fw.example.com/fw.bin', retrieveDateTime: '2020-01-01T00:00:00Z', signingCertificate: '-----BEGIN CERTIFICATE-----', signature: 'c2ln' } }],
  ['GetInstalledCertificateIds', RESPONSE, { status: 'Accepted', certificateHashData: [{ hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: '01' }] }],
  ['Heartbeat', REQUEST, {}],
  ['ClearCache', REQUEST, {}],
];

test('payloads written after the specification are valid', () => {
  for (const [action, direction, payload] of SPEC_PAYLOADS) expect(action, direction, payload, null, JSON.stringify(payload));
});

test('the fields the specification requires are required', () => {
  const requiredBySpec: [string, 0 | 1, string[]][] = [
    ['BootNotification', REQUEST, ['chargePointVendor', 'chargePointModel']],
    ['BootNotification', RESPONSE, ['status', 'currentTime', 'interval']],
    ['StartTransaction', REQUEST, ['connectorId', 'idTag', 'meterStart', 'timestamp']],
    ['StartTransaction', RESPONSE, ['transactionId', 'idTagInfo']],
    ['StopTransaction', REQUEST, ['transactionId', 'meterStop', 'timestamp']],
    ['StatusNotification', REQUEST, ['connectorId', 'errorCode', 'status']],
    ['MeterValues', REQUEST, ['connectorId', 'meterValue']],
    ['SetChargingProfile', REQUEST, ['connectorId', 'csChargingProfiles']],
    ['SignedUpdateFirmware', REQUEST, ['requestId', 'firmware']],
  ];
  for (const [action, direction, required] of requiredBySpec) {
    const base = SPEC_PAYLOADS.filter((p) => p[0] === action && p[1] === direction)[0][2];
    for (const field of required) {
      const p = clone(base);
      delete p[field];
      expect(action, direction, p, OccurenceConstraintViolationError, 'without ' + field);
    }
    const optional = Object.keys(base).filter((k) => required.indexOf(k) < 0);
    for (const field of optional) {
      const p = clone(base);
      delete p[field];
      expect(action, direction, p, null, 'without the optional ' + field);
    }
  }
  const sampled = clone(SPEC_PAYLOADS[7][2]);
  delete sampled.meterValue[0].sampledValue[1].value;
  expect('MeterValues', REQUEST, sampled, OccurenceConstraintViolationError, 'a sampled value without value');
});

test('limits the specification gives: idTag 20, vendor 20, model 20, firmwareVersion 50, key 50, value 500', () => {
  const cases: [string, 0 | 1, any, string, number][] = [
    ['Authorize', REQUEST, { idTag: '' }, 'idTag', 20],
    ['BootNotification', REQUEST, { chargePointVendor: 'V', chargePointModel: 'M' }, 'chargePointVendor', 20],
    ['BootNotification', REQUEST, { chargePointVendor: 'V', chargePointModel: 'M' }, 'chargePointModel', 20],
    ['BootNotification', REQUEST, { chargePointVendor: 'V', chargePointModel: 'M' }, 'firmwareVersion', 50],
    ['ChangeConfiguration', REQUEST, { key: 'K', value: 'V' }, 'key', 50],
    ['ChangeConfiguration', REQUEST, { key: 'K', value: 'V' }, 'value', 500],
  ];
  for (const [action, direction, base, field, max] of cases) {
    const ok = clone(base);
    ok[field] = repeat('a', max);
    expect(action, direction, ok, null, field + ' of ' + max);
    ok[field] = repeat('a', max + 1);
    expect(action, direction, ok, PropertyConstraintViolationError, field + ' of ' + (max + 1));
  }
});

test('date-time is RFC 3339 with a time zone', () => {
  for (const ok of ['2026-11-25T10:00:00Z', '2026-11-25T10:00:00.123456Z', '2026-11-25t10:00:00z', '2026-11-25T10:00:00+01:00', '2026-11-25T10:00:00-11:30', '2024-02-29T23:59:59Z', '2026-12-31T23:59:60Z']) {
    assert.ok(isDateTime(ok), ok);
  }
  for (const bad of ['2026-11-25', '2026-11-25T10:00:00', '2026-11-25T10:00Z', '2025-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-01T00:00:00Z', '2026-11-25T24:00:00Z', '2026-11-25T10:60:00Z', '2026-11-25T10:00:00+1:00', '2026-11-25T10:00:00+24:00', ' 2026-11-25T10:00:00Z', 'yesterday', '']) {
    assert.ok(!isDateTime(bad), bad);
  }
});

test('property names from the object prototype are not schema properties', () => {
  expect('Heartbeat', REQUEST, JSON.parse('{"__proto__":{"x":1}}'), PropertyConstraintViolationError, '__proto__');
  expect('Heartbeat', REQUEST, { constructor: 1 }, PropertyConstraintViolationError, 'constructor');
  expect('Authorize', REQUEST, { idTag: 'T', toString: 'x' }, PropertyConstraintViolationError, 'toString');
});

test('the first violation found is described with its path', () => {
  const p = clone(SPEC_PAYLOADS[7][2]);
  p.meterValue[0].sampledValue[1].unit = 'Joule';
  const e = ocpp16.validate('MeterValues', REQUEST, p) as OcppError;
  assert.ok(e instanceof PropertyConstraintViolationError);
  assert.match(e.description, /^MeterValues\.req: meterValue\[0\]\.sampledValue\[1\]\.unit is not one of Wh, kWh/);
  assert.equal(e.message, e.description);
});
