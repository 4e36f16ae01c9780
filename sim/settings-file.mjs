// The station's settings as JSON (hal/settings.ts reads them from ocppHost.config()): the
// fields and their types, checked where a user hands them in — a settings file
// (`--settings FILE`) and the control API's POST /api/stations. The bundle itself falls back
// to the default for a field of the wrong type; a user gets told instead.
//
// test/node/sim-control.test.mjs checks that this table has exactly hal/settings.ts's fields.
import { readFileSync } from 'node:fs';

/** Field → kind: 'string' | 'integer' | 'number' | 'boolean' | 'object'. */
export const SETTINGS_FIELDS = {
  url: 'string',
  id: 'string',
  connectors: 'integer',
  scenario: 'string',
  idTag: 'string',
  duration: 'number',
  password: 'string',
  ca: 'string',
  cert: 'string',
  key: 'string',
  securityProfile: 'integer',
  logLevel: 'string',
  vendor: 'string',
  model: 'string',
  firmwareVersion: 'string',
  maxConnectAttempts: 'integer',
  reconnectMaxSeconds: 'integer',
  configuration: 'object',
  disabledFeatureProfiles: 'string',
  maxCurrentA: 'number',
  cableLock: 'boolean',
  phases: 'integer',
  voltageV: 'number',
  ev: 'object',
  simDataTransfer: 'boolean',
};

const EV_FIELDS = { maxCurrentA: [0, 1000], batteryWh: [0, 1e7], socPercent: [0, 100] };

function kindOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Checks a settings object (what a file or a request gives): known fields of the right
 * type, ranges where the hardware needs them. Returns it; throws an Error naming the field.
 * @param {object} given
 * @param {string} where  "settings file x.json", "settings" — for the messages
 */
export function checkSettings(given, where = 'settings') {
  if (!given || typeof given !== 'object' || Array.isArray(given)) throw new Error(`${where}: must be a JSON object`);
  for (const [name, value] of Object.entries(given)) {
    const want = SETTINGS_FIELDS[name];
    if (!want) throw new Error(`${where}: unknown field "${name}" (fields: ${Object.keys(SETTINGS_FIELDS).join(', ')})`);
    const kind = kindOf(value);
    const fits = kind === want || (want === 'number' && kind === 'integer');
    if (!fits) throw new Error(`${where}: "${name}" must be ${want === 'integer' ? 'a whole number' : want === 'object' ? 'an object' : 'a ' + want}, got ${JSON.stringify(value)}`);
  }
  const positive = (name, max) => {
    if (given[name] !== undefined && !(given[name] > 0 && given[name] <= max)) throw new Error(`${where}: "${name}" must be above 0 and at most ${max}`);
  };
  positive('connectors', 100);
  positive('maxCurrentA', 1000);
  positive('voltageV', 1000);
  if (given.phases !== undefined && given.phases !== 1 && given.phases !== 3) throw new Error(`${where}: "phases" must be 1 or 3`);
  if (given.ev !== undefined) {
    for (const [name, value] of Object.entries(given.ev)) {
      const range = EV_FIELDS[name];
      if (!range) throw new Error(`${where}: unknown field "ev.${name}" (fields: ${Object.keys(EV_FIELDS).join(', ')})`);
      if (typeof value !== 'number' || value < range[0] || value > range[1] || (name !== 'socPercent' && value === 0)) {
        throw new Error(`${where}: "ev.${name}" must be a number ${name === 'socPercent' ? 'from 0 to 100' : 'above 0'}`);
      }
    }
  }
  return given;
}

/** Reads and checks a settings file; throws an Error that says what is wrong. */
export function readSettingsFile(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${err.code || err.message}`);
  }
  let given;
  try {
    given = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON: ${err.message}`);
  }
  return checkSettings(given, file);
}
