// The 2.0.1 device model on its own (src/v201/device-model/model.ts): variables registered as
// tables, found by their OCPP names (case-insensitive, instances, EVSE / connector), values
// checked against dataType and characteristics, mutability, attributes, kept across reboots.
import { test, assert } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { createHal } from '../../../hal/index';
import { DeviceModel } from '../../../src/v201/device-model/model';

function modelOn(files: { [name: string]: string }, changes: string[] = []): DeviceModel {
  const model = new DeviceModel(createHal(new FakeHost({ files })).storage);
  model.add('OCPPCommCtrlr', [
    { name: 'HeartbeatInterval', type: 'integer', mutability: 'ReadWrite', value: '300', unit: 's', min: 1, max: 86400, changed: (v) => changes.push('hb=' + v) },
    { name: 'MessageTimeout', instance: 'Default', type: 'integer', value: '30' },
    { name: 'NetworkConfigurationPriority', type: 'SequenceList', mutability: 'ReadWrite', value: '0', values: '0,1,2', reboot: true },
  ]);
  model.add('TxCtrlr', [
    { name: 'TxStartPoint', type: 'MemberList', mutability: 'ReadWrite', value: 'PowerPathClosed', values: 'ParkingBayOccupancy,EVConnected,Authorized,PowerPathClosed' },
    { name: 'StopTxOnEVSideDisconnect', type: 'boolean', mutability: 'ReadWrite', value: 'true', check: (v) => (v === 'false' ? 'this station stops on disconnect' : null) },
  ]);
  model.add('SampledDataCtrlr', [{ name: 'Mode', type: 'OptionList', mutability: 'ReadWrite', value: 'A', values: 'A,B' }]);
  model.add('SecurityCtrlr', [
    { name: 'BasicAuthPassword', type: 'string', mutability: 'WriteOnly', max: 40 },
    { name: 'Limit', type: 'decimal', mutability: 'ReadWrite', value: '1.5', attributes: ['MaxSet', 'Target'], defaults: { MaxSet: '10' } },
  ]);
  model.add({ name: 'EVSE', evse: 1 }, [{ name: 'Power', type: 'decimal', read: () => '7400' }]);
  model.add({ name: 'Connector', evse: 1, connector: 1 }, [{ name: 'ConnectorType', type: 'string', value: 'cType2' }]);
  return model;
}

test('variables are found by their OCPP names: case-insensitive, with instances, per EVSE and connector; else UnknownComponent / UnknownVariable', () => {
  const model = modelOn({});
  const hb = model.find({ name: 'ocppcommctrlr' }, { name: 'HEARTBEATINTERVAL' });
  assert.ok(typeof hb !== 'string' && hb.key === 'OCPPCommCtrlr/HeartbeatInterval', 'names are case-insensitive');
  const mt = model.find({ name: 'OCPPCommCtrlr' }, { name: 'MessageTimeout', instance: 'Default' });
  assert.ok(typeof mt !== 'string' && model.read(mt) === '30');
  assert.equal(model.find({ name: 'OCPPCommCtrlr' }, { name: 'MessageTimeout' }), 'UnknownVariable', 'no variable without the instance (B06.FR.15)');
  assert.equal(model.find({ name: 'NoCtrlr' }, { name: 'HeartbeatInterval' }), 'UnknownComponent');
  assert.equal(model.find({ name: 'EVSE' }, { name: 'Power' }), 'UnknownComponent', 'the EVSE component exists only with its id');
  assert.equal(model.find({ name: 'EVSE', evse: { id: 2 } }, { name: 'Power' }), 'UnknownComponent');
  const power = model.find({ name: 'EVSE', evse: { id: 1 } }, { name: 'Power' });
  assert.ok(typeof power !== 'string' && model.read(power) === '7400', 'a live value');
  const type = model.find({ name: 'Connector', evse: { id: 1, connectorId: 1 } }, { name: 'ConnectorType' });
  assert.ok(typeof type !== 'string' && type.key === 'Connector@1.1/ConnectorType');
  assert.equal(model.get('OCPPCommCtrlr/MessageTimeout#Default'), '30', 'the station reads by key');
  assert.equal(model.getInt('OCPPCommCtrlr/HeartbeatInterval'), 300);
  assert.equal(model.getBool('TxCtrlr/StopTxOnEVSideDisconnect'), true);
});

test('SetVariables checks: the dataType, min/max, valuesList (option, member, sequence lists), the owner\'s check, mutability and attributes (B05.FR.06-10)', () => {
  const changes: string[] = [];
  const model = modelOn({}, changes);
  const e = (key: string) => model.entry(key)!;
  const status = (key: string, value: string, attribute?: 'Actual' | 'Target' | 'MinSet' | 'MaxSet') => model.set(e(key), value, attribute).status;
  assert.equal(status('OCPPCommCtrlr/HeartbeatInterval', 'soon'), 'Rejected', 'not an integer');
  assert.equal(status('OCPPCommCtrlr/HeartbeatInterval', '1.5'), 'Rejected');
  assert.equal(status('OCPPCommCtrlr/HeartbeatInterval', '0'), 'Rejected', 'below the minimum');
  assert.equal(status('OCPPCommCtrlr/HeartbeatInterval', '86401'), 'Rejected', 'above the maximum');
  assert.deepEqual(changes, [], 'nothing rejected reached the owner');
  assert.equal(status('OCPPCommCtrlr/HeartbeatInterval', '60'), 'Accepted');
  assert.deepEqual(changes, ['hb=60']);
  assert.equal(status('OCPPCommCtrlr/HeartbeatInterval', '60'), 'Accepted');
  assert.deepEqual(changes, ['hb=60'], 'the same value again is no change');
  assert.equal(status('OCPPCommCtrlr/MessageTimeout#Default', '10'), 'Rejected', 'ReadOnly (B05.FR.09)');
  assert.equal(model.set(e('OCPPCommCtrlr/MessageTimeout#Default'), '10').reason, 'read-only');
  assert.equal(status('EVSE@1/Power', '1'), 'Rejected', 'a live value is read-only');
  assert.equal(status('TxCtrlr/TxStartPoint', 'EVConnected,Authorized'), 'Accepted', 'a subset of the members');
  assert.equal(status('TxCtrlr/TxStartPoint', ''), 'Accepted', 'the empty set');
  assert.equal(status('TxCtrlr/TxStartPoint', 'EVConnected,Sunrise'), 'Rejected', 'a member not in valuesList');
  assert.equal(status('TxCtrlr/TxStartPoint', 'Authorized,Authorized'), 'Rejected', 'a member twice');
  assert.equal(status('SampledDataCtrlr/Mode', 'B'), 'Accepted');
  assert.equal(status('SampledDataCtrlr/Mode', 'A,B'), 'Rejected', 'an option list takes one value');
  assert.equal(status('TxCtrlr/StopTxOnEVSideDisconnect', 'yes'), 'Rejected', 'a boolean is true or false');
  assert.equal(status('TxCtrlr/StopTxOnEVSideDisconnect', 'false'), 'Rejected', 'the owner\'s own check');
  assert.equal(model.set(e('TxCtrlr/StopTxOnEVSideDisconnect'), 'false').reason, 'this station stops on disconnect');
  assert.equal(status('OCPPCommCtrlr/NetworkConfigurationPriority', '1,0'), 'RebootRequired', 'takes effect after a reboot');
  assert.equal(status('OCPPCommCtrlr/NetworkConfigurationPriority', '1,1'), 'Rejected', 'a sequence names a slot once');
  assert.equal(status('SecurityCtrlr/BasicAuthPassword', new Array(42).join('x')), 'Rejected', 'longer than maxLimit');
  assert.equal(status('SecurityCtrlr/BasicAuthPassword', 'secret-123'), 'Accepted', 'WriteOnly can be set');
  assert.equal(status('OCPPCommCtrlr/HeartbeatInterval', '60', 'Target'), 'NotSupportedAttributeType', 'B05.FR.06');
  assert.equal(status('SecurityCtrlr/Limit', '2.5e1', 'MaxSet'), 'Accepted', 'a decimal in exponent form, another attribute');
  assert.equal(model.read(e('SecurityCtrlr/Limit'), 'MaxSet'), '2.5e1');
  assert.equal(model.read(e('SecurityCtrlr/Limit'), 'Target'), '', 'an attribute not set yet is empty (B06.FR.13)');
  assert.equal(model.read(e('SecurityCtrlr/Limit')), '1.5', 'Actual untouched');
  assert.deepEqual(model.attributesOf(e('SecurityCtrlr/Limit')), ['Actual', 'MaxSet', 'Target']);
});

test('what was set is kept across reboots (one file); a damaged file boots with the defaults', () => {
  const files: { [name: string]: string } = {};
  const before = modelOn(files);
  before.set(before.entry('OCPPCommCtrlr/HeartbeatInterval')!, '45');
  before.set(before.entry('SecurityCtrlr/Limit')!, '3', 'Target');
  before.put('TxCtrlr/TxStartPoint', 'Authorized');
  const after = modelOn(files);
  assert.equal(after.get('OCPPCommCtrlr/HeartbeatInterval'), '45');
  assert.equal(after.read(after.entry('SecurityCtrlr/Limit')!, 'Target'), '3');
  assert.equal(after.get('TxCtrlr/TxStartPoint'), 'Authorized', 'the station\'s own changes too');
  assert.equal(after.get('SampledDataCtrlr/Mode'), 'A', 'the rest at the defaults');
  files['device-model.json'] = '{"OCPPCommCtrlr/Heartbeat';
  assert.equal(modelOn(files).get('OCPPCommCtrlr/HeartbeatInterval'), '300');
});

/** The keys of the model's variables as at() gives them, in order. */
function keysOf(model: DeviceModel): string[] {
  const keys: string[] = [];
  for (let i = 0, e = model.at(0); e; e = model.at(++i)) keys.push(e.key);
  return keys;
}

test('a later registration of a variable replaces the earlier one; at() gives each variable once, in order, then null', () => {
  const model = modelOn({});
  const before = keysOf(model);
  model.add('OCPPCommCtrlr', [{ name: 'HeartbeatInterval', type: 'integer', mutability: 'ReadOnly', value: '10' }]);
  const after = keysOf(model);
  assert.equal(after.length, before.length);
  assert.deepEqual(after.filter((k) => k === 'OCPPCommCtrlr/HeartbeatInterval'), ['OCPPCommCtrlr/HeartbeatInterval']);
  assert.deepEqual(after.slice(0, -1), before.filter((k) => k !== 'OCPPCommCtrlr/HeartbeatInterval'), 'the others in their order, the new registration last');
  assert.equal(model.at(after.length), null);
  assert.equal(model.get('OCPPCommCtrlr/HeartbeatInterval'), '10');
  assert.equal(model.set(model.entry('OCPPCommCtrlr/HeartbeatInterval')!, '20').status, 'Rejected');
});
