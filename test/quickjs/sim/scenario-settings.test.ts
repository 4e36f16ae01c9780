// What a scenario of the 1.6 simulator changes in the settings (src/sim/scenario-settings.ts),
// applied by the simulator's entry only.
import { test, assert } from '../../lib/harness';
import { DEFAULT_SETTINGS, Settings } from '../../../hal/settings';
import { applyScenarioDefaults } from '../../../src/sim/scenario-settings';

function settings(given: Partial<Settings>): Settings {
  const out = JSON.parse(JSON.stringify(DEFAULT_SETTINGS)) as Settings;
  for (const k in given) (out as any)[k] = (given as any)[k];
  return out;
}

test('a scenario samples every 5 s and gives up after 5 connection attempts; the settings given win', () => {
  const s = settings({ scenario: 'session', configuration: { HeartbeatInterval: 60 } });
  applyScenarioDefaults(s);
  assert.equal(s.maxConnectAttempts, 5);
  assert.deepEqual(s.configuration, { MeterValueSampleInterval: 5, HeartbeatInterval: 60 });
  const given = settings({ scenario: 'idle', maxConnectAttempts: 2, configuration: { MeterValueSampleInterval: 0 } });
  applyScenarioDefaults(given);
  assert.equal(given.maxConnectAttempts, 2);
  assert.deepEqual(given.configuration, { MeterValueSampleInterval: 0 });
});

test('without a scenario (a settings file as the module has it) nothing changes', () => {
  const s = settings({ scenario: '' });
  applyScenarioDefaults(s);
  assert.equal(s.maxConnectAttempts, 0);
  assert.deepEqual(s.configuration, {});
});
