// The generated validator tables are compact text (one string per action) that the validator
// decodes when it checks a payload: decoded, every schema of both versions is the node tree the
// generator built (schemas-expanded.ts, the same tables as object literals), property order
// included (the order in which required properties are reported missing), and a protocol
// over the text judges payloads as one over the decoded tables does.
import { test, assert } from '../../lib/harness';
import * as v16 from '../../../src/ocpp/v16/generated/schemas';
import * as v16Expanded from '../../../src/ocpp/v16/generated/schemas-expanded';
import * as v201 from '../../../src/ocpp/v201/generated/schemas';
import * as v201Expanded from '../../../src/ocpp/v201/generated/schemas-expanded';
import { compactProtocol, decodeNode, decodeTable, REQUEST, RESPONSE, SchemaTable, tableProtocol, tablesText, textProtocol } from '../../../src/ocpp/validation';
import { translate } from '../../../src/ocpp/v201/errors';

const VERSIONS = [
  { version: '1.6', compact: v16.compactSchemas, enums: v16.enums, expanded: v16Expanded.expandedSchemas, actions: 39 },
  { version: '2.0.1', compact: v201.compactSchemas, enums: v201.enums, expanded: v201Expanded.expandedSchemas, actions: 64 },
];

const keys = (table: SchemaTable): string[] => {
  const out: string[] = [];
  for (const a in table) out.push(a);
  return out;
};

for (const v of VERSIONS) {
  test(`OCPP ${v.version}: every compact schema decodes to the generator's node tree, property order included`, () => {
    const decoded = decodeTable(v.compact);
    assert.deepEqual(keys(decoded), keys(v.expanded));
    assert.equal(keys(decoded).length, v.actions);
    for (const a of keys(v.expanded)) {
      assert.equal(JSON.stringify(decoded[a]), JSON.stringify(v.expanded[a]), a);
      assert.deepEqual(decoded[a], v.expanded[a], a);
    }
  });
}

test('the shared object nodes are written once and referenced (#index), and decode wherever they are referenced', () => {
  assert.ok(v16.compactSchemas.shared.length > 0 && v201.compactSchemas.shared.length > 0);
  let references = 0;
  for (const v of VERSIONS) for (const a in v.compact.actions) references += (v.compact.actions[a].match(/#\d+/g) || []).length;
  assert.ok(references > v16.compactSchemas.shared.length + v201.compactSchemas.shared.length, references + ' references');
});

test('decodeNode: scalars, objects (required, open), arrays with bounds, references', () => {
  const shared = ['{a=i}', '{b!=#0,*=}'];
  assert.equal(decodeNode('s20', shared), 's20');
  assert.equal(decodeNode('', shared), '');
  assert.deepEqual(decodeNode('{}', shared), {});
  assert.equal(JSON.stringify(decodeNode('{x!=i0:100,y=[n.1,1,5],z=[e3],w=[d,2],v=,u=#1}', shared)), JSON.stringify({ 'x!': 'i0:100', y: ['n.1', 1, 5], z: ['e3'], w: ['d', 2], v: '', u: { 'b!': { a: 'i' }, '*': '' } }));
});

test('implied properties: every closed object node has them first, decoded; an open node ({*=,...}) only its own', () => {
  const shared = ['{a=i}', '{*=,b=s}'];
  const implied = '{c=s5,d={*=,v!=s}}';
  assert.equal(JSON.stringify(decodeNode('{x!=i,y=[{z=b}],r=#0,o=#1}', shared, implied)), JSON.stringify({ c: 's5', d: { '*': '', 'v!': 's' }, 'x!': 'i', y: [{ c: 's5', d: { '*': '', 'v!': 's' }, z: 'b' }], r: { c: 's5', d: { '*': '', 'v!': 's' }, a: 'i' }, o: { '*': '', b: 's' } }));
  assert.equal(JSON.stringify(decodeNode('{}', shared, implied)), JSON.stringify({ c: 's5', d: { '*': '', 'v!': 's' } }));
  assert.equal(JSON.stringify(decodeNode('{x=i}', shared)), JSON.stringify({ x: 'i' }), 'none without implied');
});

test("2.0.1's customData is implied, written once (every object of its schemas allows it); 1.6 has no implied property", () => {
  assert.equal(v201.compactSchemas.implied, '{customData={*=,vendorId!=s255}}');
  let named = 0;
  for (const t of v201.compactSchemas.shared) named += (t.match(/customData/g) || []).length;
  for (const a in v201.compactSchemas.actions) named += (v201.compactSchemas.actions[a].match(/customData/g) || []).length;
  assert.equal(named, 0, 'customData named in no node of the text');
  assert.equal(v16.compactSchemas.implied, undefined);
  const boot = decodeTable(v201.compactSchemas).BootNotification[REQUEST] as any;
  assert.deepEqual(boot.customData, { '*': '', 'vendorId!': 's255' });
  assert.deepEqual(boot['chargingStation!'].modem.customData, { '*': '', 'vendorId!': 's255' });
});

test('a protocol over the compact text judges payloads as one over the decoded tables', () => {
  // [action, direction, payload, the error code it gets (null: valid)]
  const payloads: [string, 0 | 1, unknown, string | null][] = [
    ['BootNotification', REQUEST, { chargePointVendor: 'V', chargePointModel: 'M' }, null],
    ['BootNotification', REQUEST, { chargePointVendor: 'V' }, 'OccurenceConstraintViolation'],
    ['BootNotification', REQUEST, { chargePointVendor: 'V', chargePointModel: 'M', extra: 1 }, 'PropertyConstraintViolation'],
    ['MeterValues', REQUEST, { connectorId: 1, meterValue: [{ timestamp: '2026-12-01T10:00:00Z', sampledValue: [{ value: '1', unit: 'Wh' }] }] }, null],
    ['MeterValues', REQUEST, { connectorId: 1, meterValue: [{ timestamp: 'noon', sampledValue: [{ value: '1' }] }] }, 'PropertyConstraintViolation'],
    ['SetChargingProfile', REQUEST, { connectorId: 1, csChargingProfiles: { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1.25 }] } } }, 'PropertyConstraintViolation'],
    ['StatusNotification', REQUEST, { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }, 'PropertyConstraintViolation'],
    ['Heartbeat', RESPONSE, { currentTime: '2026-12-01T10:00:00Z' }, null],
    ['DataTransfer', REQUEST, { vendorId: 'v', data: { any: [1] } }, 'TypeConstraintViolation'],
    ['NoSuchAction', REQUEST, {}, 'NotImplemented'],
    // a name ending in '!' is no property of a schema, whatever the '!' marks in the tables
    ['Authorize', REQUEST, { idTag: 'T', 'idTag!': 'T' }, 'PropertyConstraintViolation'],
    ['GetConfiguration', RESPONSE, { 'configurationKey!': [] }, 'PropertyConstraintViolation'],
    ['GetConfiguration', RESPONSE, { configurationKey: [{ key: 'k', readonly: true, value: 'v' }], unknownKey: [] }, null],
    ['GetConfiguration', RESPONSE, { configurationKey: [{ key: 'k', 'readonly!': true }] }, 'OccurenceConstraintViolation'],
  ];
  const compact = compactProtocol('1.6', v16.compactSchemas, v16.enums);
  const decoded = tableProtocol('1.6', v16Expanded.expandedSchemas, v16.enums);
  for (const [action, direction, payload, code] of payloads) {
    const a = compact.validate(action, direction, payload);
    const b = decoded.validate(action, direction, payload);
    assert.equal(a ? a.code + ': ' + a.message : 'valid', b ? b.code + ': ' + b.message : 'valid', action);
    assert.equal(a ? a.code : null, code, action);
    assert.equal(compact.isAction(action), decoded.isAction(action), action);
  }
  assert.ok(!compact.isAction('hasOwnProperty') && !compact.isAction('toString'));
  // 2.0.1: the text is checked where it is written, implied properties and references included
  const cd = { vendorId: 'V', more: [1] };
  const v201Payloads: [string, 0 | 1, unknown, string | null][] = [
    ['Authorize', REQUEST, { idToken: { idToken: 'T', type: 'Central', customData: cd }, customData: cd }, null],
    ['Authorize', REQUEST, { idToken: { idToken: 'T', type: 'Central', customData: { more: 1 } } }, 'OccurrenceConstraintViolation'],
    ['Authorize', REQUEST, { idToken: { idToken: 'T', type: 'Central', 'type!': 'Central' } }, 'PropertyConstraintViolation'],
    ['Authorize', REQUEST, { idToken: { idToken: 'T', type: 'Central', additionalInfo: [] } }, 'OccurrenceConstraintViolation'],
    ['Authorize', REQUEST, { idToken: { idToken: 'T', type: 'Central', additionalInfo: [{ additionalIdToken: 'a', type: 'b', customData: 'x' }] } }, 'TypeConstraintViolation'],
    ['DataTransfer', REQUEST, { vendorId: 'V', data: { any: [1, { x: null }] } }, null],
    ['GetVariables', RESPONSE, { getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'C', evse: { id: 1, customData: cd } }, variable: { name: 'V' } }] }, null],
    ['GetVariables', RESPONSE, { getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'C', evse: { id: 1.5 } }, variable: { name: 'V' } }] }, 'TypeConstraintViolation'],
  ];
  const compact201 = compactProtocol('2.0.1', v201.compactSchemas, v201.enums, translate);
  const decoded201 = tableProtocol('2.0.1', v201Expanded.expandedSchemas, v201.enums, translate);
  for (const [action, direction, payload, code] of v201Payloads) {
    const a = compact201.validate(action, direction, payload);
    const b = decoded201.validate(action, direction, payload);
    assert.equal(a ? a.code + ': ' + a.message : 'valid', b ? b.code + ': ' + b.message : 'valid', action);
    assert.equal(a ? a.code : null, code, action + ' ' + JSON.stringify(payload));
  }
});

test("tables without some actions' schemas (a bundle that serves fewer): those are still actions, every payload of them NotSupported; the others checked as before", () => {
  const actions = v16.compactSchemas.actions;
  const served = compactProtocol('1.6', { shared: v16.compactSchemas.shared, actions: { BootNotification: actions.BootNotification, MeterValues: actions.MeterValues }, unserved: 'ReserveNow|SetChargingProfile' }, v16.enums);
  const all = compactProtocol('1.6', v16.compactSchemas, v16.enums);
  for (const a of ['BootNotification', 'MeterValues', 'ReserveNow', 'SetChargingProfile']) assert.ok(served.isAction(a), a);
  for (const a of ['NoSuchAction', '', 'ReserveNow|SetChargingProfile', 'Reserve', 'SetChargingProfile|', 'hasOwnProperty']) assert.ok(!served.isAction(a), JSON.stringify(a));
  const boot = { chargePointVendor: 'V', chargePointModel: 'M' };
  assert.equal(served.validate('BootNotification', REQUEST, boot), null);
  const missing = served.validate('BootNotification', REQUEST, { chargePointVendor: 'V' }) as { code: string; message: string };
  const missingAll = all.validate('BootNotification', REQUEST, { chargePointVendor: 'V' }) as { code: string; message: string };
  assert.equal(missing.code + ': ' + missing.message, missingAll.code + ': ' + missingAll.message);
  for (const direction of [REQUEST, RESPONSE]) {
    const refused = served.validate('ReserveNow', direction as 0 | 1, { connectorId: 1 });
    assert.equal(refused && refused.code, 'NotSupported');
    assert.match(refused ? refused.message : '', /ReserveNow is not served by this build/);
  }
  const unknown = served.validate('NoSuchAction', REQUEST, {});
  assert.equal(unknown && unknown.code, 'NotImplemented');
  // without `unserved`, only the tables' own actions are actions
  const bare = compactProtocol('1.6', { shared: [], actions: { Heartbeat: actions.Heartbeat } }, v16.enums);
  assert.ok(bare.isAction('Heartbeat') && !bare.isAction('') && !bare.isAction('ReserveNow'));
});

test("a bundle's one text of the tables (the generated `tables`) is tablesText of the compact tables, and textProtocol over it is the version's protocol", () => {
  for (const v of [v16, v201]) {
    assert.equal(v.tables, tablesText(v.compactSchemas, v.enums));
    assert.equal(v.tables.split('\n').length, 3 + v.compactSchemas.shared.length + v.enums.length + keys(decodeTable(v.compactSchemas)).length);
  }
  const text = textProtocol('1.6', tablesText({ shared: v16.compactSchemas.shared, actions: { Authorize: v16.compactSchemas.actions.Authorize }, unserved: 'ReserveNow' }, v16.enums));
  assert.equal(text.validate('Authorize', REQUEST, { idTag: 'T' }), null);
  assert.equal(text.validate('ReserveNow', REQUEST, {})!.code, 'NotSupported');
  // A name is an action only as a whole line's name: none across lines, none with a space, none in an enum list.
  const lists = v16.enums.join('\n');
  for (const a of ['', 'Authorize ', ' Authorize', 'Authorize {idTag!=s20};{idTagInfo!=#0}', v16.enums[v16.enums.length - 1] + '\nAuthorize', 'Authorize\n', 'Accepted', 'ReserveNow\n', lists.substring(0, 8)]) {
    assert.ok(!text.isAction(a), JSON.stringify(a));
    assert.equal(text.validate(a, REQUEST, {})!.code, 'NotImplemented', JSON.stringify(a));
  }
});
