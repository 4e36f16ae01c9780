// The OCPP 1.6 validators: every one of the 78 schemas accepts a valid payload and rejects
// invalid ones with the right OCPP error; hand-written payloads from the specification check
// the tables against the spec itself (the generated samples below only check the
// interpreter against the tables).
import { test, assert } from '../../lib/harness';
import { repeat } from './lib/rig';
import { schemas, enums } from '../../../src/ocpp/v16/generated/schemas';
import { ocpp16 } from '../../../src/ocpp/v16/index';
import { isDateTime, SchemaNode, ObjectNode, REQUEST, RESPONSE } from '../../../src/ocpp/validation';
import {
  OcppError,
  FormationViolationError,
  TypeConstraintViolationError,
  OccurenceConstraintViolationError,
  PropertyConstraintViolationError,
  NotImplementedError,
} from '../../../src/ocpp/index';

const NOW = '2026-11-25T10:00:00Z';
const isArray = (v: unknown): v is any[] => Object.prototype.toString.call(v) === '[object Array]';
const clone = (v: any): any => JSON.parse(JSON.stringify(v));

// ---- valid samples and their mutations, from the tables ------------------------------------

/** A valid value: `full` with every optional property, else the required ones only. */
function sample(node: SchemaNode, full: boolean): any {
  if (isArray(node)) return [sample(node[0], full)];
  if (typeof node === 'object') {
    const out: any = {};
    for (const key in node) {
      const required = key.charAt(key.length - 1) === '!';
      if (required || full) out[required ? key.slice(0, -1) : key] = sample(node[key], full);
    }
    return out;
  }
  const kind = node.charAt(0);
  const max = +node.substring(1);
  switch (kind) {
    case 'i':
      return 3;
    case 'n':
      return full ? 6.1 : 32; // an integer is a valid number
    case 'b':
      return true;
    case 'd':
      return full ? '2026-11-25T10:00:00.250+01:00' : NOW;
    case 'u':
      return 'ftp://user:pw@example.com/diagnostics/';
    case 'e': {
      const values = enums[max].split('|');
      return values[full ? values.length - 1 : 0];
    }
    default:
      return full && max ? repeat('x', max) : 'abc'; // exactly maxLength is valid
  }
}

interface Mutation {
  what: string;
  payload: any;
  error: Function | null; // null: still valid
}

/** Invalid (and edge-valid) variants of `value`, one change each, at every place. */
function mutations(root: any, node: SchemaNode, value: any, set: (v: any) => void, path: string, out: Mutation[]): void {
  const variant = (what: string, v: any, error: Function | null) => {
    const saved = value;
    set(v);
    out.push({ what: path + ': ' + what, payload: clone(root), error });
    set(saved);
  };
  if (isArray(node)) {
    variant('an object for an array', {}, TypeConstraintViolationError);
    variant('a string for an array', 'x', TypeConstraintViolationError);
    if (node[1]) variant('too few items', [], OccurenceConstraintViolationError);
    else variant('no items', [], null);
    mutations(root, node[0], value[0], (v) => (value[0] = v), path + '[0]', out);
    return;
  }
  if (typeof node === 'object') {
    if (path) {
      variant('an array for an object', [value], TypeConstraintViolationError);
      variant('a number for an object', 1, TypeConstraintViolationError);
    }
    value.unexpectedProperty = 1;
    out.push({ what: path + ': an extra property', payload: clone(root), error: PropertyConstraintViolationError });
    delete value.unexpectedProperty;
    for (const key in node) {
      const required = key.charAt(key.length - 1) === '!';
      const name = required ? key.slice(0, -1) : key;
      const saved = value[name];
      if (saved === undefined) continue; // an optional property the sample leaves out
      delete value[name];
      out.push({ what: path + '.' + name + ' missing', payload: clone(root), error: required ? OccurenceConstraintViolationError : null });
      value[name] = null;
      out.push({ what: path + '.' + name + ' null', payload: clone(root), error: TypeConstraintViolationError });
      value[name] = saved;
      mutations(root, node[key], saved, (v) => (value[name] = v), path + '.' + name, out);
    }
    return;
  }
  const kind = node.charAt(0);
  const arg = node.substring(1);
  if (kind === 'i' || kind === 'n' || kind === 'b') {
    variant('a string', '3', TypeConstraintViolationError);
    variant(kind === 'b' ? 'a number' : 'a boolean', kind === 'b' ? 1 : true, TypeConstraintViolationError);
  } else {
    variant('a number', 12, TypeConstraintViolationError);
    variant('an object', {}, TypeConstraintViolationError);
  }
  if (kind === 'i') {
    variant('a fraction', 1.5, TypeConstraintViolationError);
    variant('a negative integer', -7, null);
    variant('an integer written as 2.0', 2.0, null);
  }
  if (kind === 'n') {
    variant('an integer', 16, null);
    if (arg) variant('not a multiple of ' + arg, 0.15, PropertyConstraintViolationError);
    else variant('a fraction', 0.15, null);
  }
  if (kind === 'e') {
    const values = enums[+arg].split('|');
    variant('not one of the values', 'NotAValue', PropertyConstraintViolationError);
    variant('a value in the wrong case', values[0].toLowerCase() === values[0] ? values[0].toUpperCase() : values[0].toLowerCase(), PropertyConstraintViolationError);
    variant('two values joined', values[0] + '|' + values[values.length - 1], PropertyConstraintViolationError);
    variant('the empty string', '', PropertyConstraintViolationError);
    for (let i = 0; i < values.length; i++) variant('value ' + values[i], values[i], null);
  }
  if (kind === 's' && arg) {
    variant('one character too long', repeat('x', +arg + 1), PropertyConstraintViolationError);
    variant('maxLength characters of 2 UTF-16 units', repeat('\ud83d\udd0c', +arg), null);
  }
  if (kind === 'd') {
    variant('no time zone', '2026-11-25T10:00:00', PropertyConstraintViolationError);
    variant('not a date', 'yesterday', PropertyConstraintViolationError);
    variant('February 30th', '2026-02-30T10:00:00Z', PropertyConstraintViolationError);
  }
  if (kind === 'u') variant('not a URI', 'not a uri', PropertyConstraintViolationError);
}

function expect(action: string, direction: 0 | 1, payload: any, error: Function | null, what: string): void {
  const got = ocpp16.validate(action, direction, payload);
  const name = action + (direction === REQUEST ? '.req' : '.conf') + ' ' + what;
  if (!error) {
    assert.equal(got && got.code + ': ' + got.description, null, name + ' is valid');
    return;
  }
  assert.ok(got instanceof error, name + ': expected ' + (error as any).prototype.code + ', got ' + (got ? got.code + ': ' + got.description : 'valid'));
  assert.ok(got instanceof OcppError && got.description.length > 0, name + ': described');
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
  let checked = 0;
  for (const action in schemas) {
    for (const direction of [REQUEST, RESPONSE] as (0 | 1)[]) {
      const node: ObjectNode = schemas[action][direction];
      for (const full of [false, true]) {
        const payload = sample(node, full);
        expect(action, direction, payload, null, full ? '(all fields)' : '(required fields)');
        const list: Mutation[] = [];
        mutations(payload, node, payload, () => undefined, '', list);
        assert.ok(list.some((m) => m.error !== null), action + ': at least one invalid variant');
        for (const m of list) expect(action, direction, m.payload, m.error, m.what);
        checked += list.length;
      }
      for (const notObject of [null, 'x', 3, [], [{}], true]) expect(action, direction, notObject, FormationViolationError, 'payload ' + JSON.stringify(notObject));
    }
  }
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
