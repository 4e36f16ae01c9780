// The OCPP configuration store: every Core-profile key, the answers ChangeConfiguration
// gives, read-only keys, and values that survive a reboot.
import { test, assert } from '../../../lib/harness';
import { FakeHost } from '../../../lib/fake-host';
import { createHal } from '../../../../hal/index';
import { Configuration } from '../../../../src/app/core/configuration';
import { configurationReport } from '../../../../src/app/core/configuration-report';

const CORE_KEYS = [
  'AllowOfflineTxForUnknownId',
  'AuthorizationCacheEnabled',
  'AuthorizeRemoteTxRequests',
  'ClockAlignedDataInterval',
  'ConnectionTimeOut',
  'ConnectorPhaseRotation',
  'GetConfigurationMaxKeys',
  'HeartbeatInterval',
  'LocalAuthorizeOffline',
  'LocalPreAuthorize',
  'MaxEnergyOnInvalidId',
  'MeterValuesAlignedData',
  'MeterValuesSampledData',
  'MeterValueSampleInterval',
  'MinimumStatusDuration',
  'NumberOfConnectors',
  'ResetRetries',
  'StopTransactionOnEVSideDisconnect',
  'StopTransactionOnInvalidId',
  'StopTxnAlignedData',
  'StopTxnSampledData',
  'SupportedFeatureProfiles',
  'TransactionMessageAttempts',
  'TransactionMessageRetryInterval',
  'UnlockConnectorOnEVSideDisconnect',
];

function fresh(files?: { [name: string]: string }) {
  const host = new FakeHost({ files: files || {} });
  const hal = createHal(host);
  return { host, config: new Configuration(hal.storage, 2) };
}

test('GetConfiguration without keys lists every Core-profile key with readonly flags', () => {
  const { config } = fresh();
  const all = configurationReport(config);
  assert.deepEqual(all.unknownKey, []);
  const names = all.configurationKey.map((k) => k.key);
  for (let i = 0; i < CORE_KEYS.length; i++) assert.ok(names.indexOf(CORE_KEYS[i]) >= 0, CORE_KEYS[i] + ' is reported');
  const byName: { [k: string]: { readonly: boolean; value?: string } } = {};
  all.configurationKey.forEach((k) => (byName[k.key] = k));
  assert.deepEqual(byName.NumberOfConnectors, { key: 'NumberOfConnectors', readonly: true, value: '2' });
  assert.equal(byName.HeartbeatInterval.readonly, false);
  assert.equal(byName.SupportedFeatureProfiles.readonly, true);
  assert.match(String(byName.SupportedFeatureProfiles.value), /^Core(,|$)/);
  assert.equal(byName.ConnectorPhaseRotation.value, '0.RST,1.RST,2.RST');
});

test('GetConfiguration with keys: known ones with values, the rest as unknownKey (case matters)', () => {
  const { config } = fresh();
  assert.deepEqual(configurationReport(config, ['HeartbeatInterval', 'NoSuchKey', 'heartbeatinterval', 'toString']), {
    configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }],
    unknownKey: ['NoSuchKey', 'heartbeatinterval', 'toString'],
  });
});

test('ChangeConfiguration: Accepted, Rejected for read-only or bad values, NotSupported for unknown keys', () => {
  const { config } = fresh();
  assert.equal(config.change('HeartbeatInterval', '60'), 'Accepted');
  assert.equal(config.getInt('HeartbeatInterval'), 60);
  assert.equal(config.change('HeartbeatInterval', 'sixty'), 'Rejected');
  assert.equal(config.change('HeartbeatInterval', '-5'), 'Rejected');
  assert.equal(config.change('HeartbeatInterval', '1.5'), 'Rejected');
  assert.equal(config.change('NumberOfConnectors', '4'), 'Rejected');
  assert.equal(config.change('GetConfigurationMaxKeys', '10'), 'Rejected');
  assert.equal(config.change('BlinkRepeat', '3'), 'NotSupported');
  assert.equal(config.change('constructor', '3'), 'NotSupported');
  assert.equal(config.change('LocalPreAuthorize', 'TRUE'), 'Accepted');
  assert.equal(config.get('LocalPreAuthorize'), 'true', 'booleans are stored in lower case');
  assert.equal(config.change('LocalPreAuthorize', 'yes'), 'Rejected');
  assert.equal(config.change('TransactionMessageAttempts', '0'), 'Rejected', 'at least one attempt');
  assert.equal(config.getInt('HeartbeatInterval'), 60, 'a rejected change leaves the value');
});

test('measurand lists accept only what the meter can sample, and at most MaxLength items', () => {
  const { config } = fresh();
  assert.equal(config.change('MeterValuesSampledData', 'Energy.Active.Import.Register, Current.Import ,Voltage'), 'Accepted');
  assert.deepEqual(config.getList('MeterValuesSampledData'), ['Energy.Active.Import.Register', 'Current.Import', 'Voltage']);
  assert.equal(config.get('MeterValuesSampledData'), 'Energy.Active.Import.Register,Current.Import,Voltage');
  assert.equal(config.change('MeterValuesSampledData', 'Energy.Active.Import.Register,Temperature'), 'Rejected');
  assert.equal(config.change('StopTxnSampledData', ''), 'Accepted', 'an empty list is allowed');
  const max = config.getInt('MeterValuesSampledDataMaxLength');
  const tooMany: string[] = [];
  for (let i = 0; i <= max; i++) tooMany.push('Voltage');
  assert.equal(config.change('MeterValuesAlignedData', tooMany.join(',')), 'Rejected');
  assert.equal(config.change('ConnectorPhaseRotation', '0.RST,1.RTS,2.NotApplicable'), 'Accepted');
  assert.equal(config.change('ConnectorPhaseRotation', '1.XYZ'), 'Rejected');
});

test('changed values persist across a reboot; defaults are not written; damaged files fall back to defaults', () => {
  const { host, config } = fresh();
  assert.equal(host.files['configuration.json'], undefined, 'nothing written before a change');
  config.change('MeterValueSampleInterval', '15');
  config.change('StopTransactionOnInvalidId', 'false');
  const again = new Configuration(createHal(new FakeHost({ files: host.files })).storage, 2);
  assert.equal(again.getInt('MeterValueSampleInterval'), 15);
  assert.equal(again.getBool('StopTransactionOnInvalidId'), false);
  config.change('MeterValueSampleInterval', '60'); // back to the default
  assert.equal(JSON.parse(host.files['configuration.json']).MeterValueSampleInterval, undefined);

  const damaged = fresh({ 'configuration.json': '{"HeartbeatInterval":"12", "NumberOfConnectors":"9", "Bogus":"1", "ResetRetries":"x"' });
  assert.equal(damaged.config.getInt('HeartbeatInterval'), 300);
  const odd = fresh({ 'configuration.json': '{"HeartbeatInterval":"12", "NumberOfConnectors":"9", "Bogus":"1", "ResetRetries":"x"}' });
  assert.equal(odd.config.getInt('HeartbeatInterval'), 12);
  assert.equal(odd.config.getInt('NumberOfConnectors'), 2, 'a read-only key is never taken from storage');
  assert.equal(odd.config.getInt('ResetRetries'), 1, 'a stored value the key refuses is ignored');
});

test('initial values from the settings replace defaults; the CSMS changes win over them', () => {
  const host = new FakeHost();
  const storage = createHal(host).storage;
  const config = new Configuration(storage, 1, { MeterValueSampleInterval: 5, HeartbeatInterval: 'x', NoSuchKey: 1 });
  assert.equal(config.getInt('MeterValueSampleInterval'), 5);
  assert.equal(config.getInt('HeartbeatInterval'), 300, 'a bad initial value is ignored');
  config.change('MeterValueSampleInterval', '30');
  assert.equal(new Configuration(storage, 1, { MeterValueSampleInterval: 5 }).getInt('MeterValueSampleInterval'), 30);
});

test('listeners hear every change, once', () => {
  const { config } = fresh();
  const heard: string[] = [];
  config.onChange((k, v) => heard.push(k + '=' + v));
  config.change('HeartbeatInterval', '60');
  config.change('HeartbeatInterval', '60');
  config.set('HeartbeatInterval', '30');
  config.change('HeartbeatInterval', 'x');
  assert.deepEqual(heard, ['HeartbeatInterval=60', 'HeartbeatInterval=30']);
});
