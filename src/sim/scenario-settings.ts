// What a scenario of the 1.6 simulator changes in the settings before the station boots.
// The station itself does not look at `scenario` (the flashed firmware has no scenarios);
// the simulator's entry (src/main-sim.ts) applies these defaults, and a value the settings
// give wins:
//   - MeterValueSampleInterval 5 s, so that a demo session shows meter values in its seconds;
//   - maxConnectAttempts 5, so that a scenario run against a CSMS that is not there ends
//     (exit 1) rather than retrying forever.
import { Settings } from '../../hal/settings';

const SAMPLE_SECONDS = 5;
const CONNECT_ATTEMPTS = 5;

export function applyScenarioDefaults(settings: Settings): void {
  if (!settings.scenario) return;
  if (!(settings.maxConnectAttempts > 0)) settings.maxConnectAttempts = CONNECT_ATTEMPTS;
  const configuration: { [key: string]: unknown } = { MeterValueSampleInterval: SAMPLE_SECONDS };
  for (const k in settings.configuration) configuration[k] = settings.configuration[k];
  settings.configuration = configuration;
}
