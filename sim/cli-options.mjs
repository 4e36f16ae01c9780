// The simulator CLI's flags (`npm run sim -- --url ... --id ...`): parsing and checking.
// A bad flag is a UsageError with a message that says what is wrong; cli.mjs prints it
// with the usage and exits 2. The flags are a stable interface (README, "Simulator").
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_BUNDLE, DEFAULT_HEAP_LIMIT, LOG_LEVELS } from './host.mjs';
import { parseListenAddress, isLoopback } from './control.mjs';
import { readSettingsFile } from './settings-file.mjs';

export const USAGE = `usage: npm run sim -- --url <ws[s]://host[:port]/path> --id <station id> [options]

Runs simulated OCPP 1.6J (or 2.0.1) charge points (the firmware bundle in QuickJS) against a CSMS.
The station id is appended to the URL as its last path segment.

  --url URL            CSMS websocket URL (ws:// or wss://)                   required
  --id ID              station id; with --stations N the ids are ID-1 ... ID-N required
  --settings FILE      the station's settings as JSON (hal/settings.ts: url, id, vendor,
                       model, connectors, configuration, maxCurrentA, cableLock, ev, ...);
                       the flags given override it
  --stations N         number of stations                                     default 1
  --connectors N       connectors per station                                 default 2
  --scenario S         idle: boot, heartbeat, status, serve the CSMS until --duration ends
                       session: plug in, Authorize, StartTransaction, MeterValues,
                       StopTransaction, unplug
                       none: no simulated driver (only --control and the CSMS act)
                                                                              default idle
  --id-tag TAG         idTag the simulated driver presents, at most 20 characters
                       (--ocpp 2.0.1 or a 2.0.1 --bundle: an idToken, at most 36)
                                                                              default DEMO-TAG
  --duration SECONDS   how long idle runs, 0 = until stopped (Ctrl-C); in a session,
                       how long it charges, 0 = 12 s                          default 0
  --password P         Basic auth password (security profiles 1 and 2)
  --ca FILE            PEM file of the CA the CSMS certificate must chain to (wss)
  --cert FILE --key FILE  PEM client certificate and key (security profile 3)
  --security-profile N OCPP security profile 0-3: 1 Basic auth (needs --password),
                       2 TLS + Basic auth (needs --password; ws:// becomes wss://),
                       3 TLS + client certificate (needs --cert, --key)
                                                        default from the flags above
  --data-dir DIR       station files go to DIR/<station id>/                  default ./sim-data
  --heap-limit BYTES   QuickJS heap limit per station                         default ${DEFAULT_HEAP_LIMIT}
  --bundle FILE        the bundle the stations run (npm run build -- --entry … --out FILE)
                       default dist/simulator.min.js: the firmware's station (as
                       flashed, minified) on the simulated charger
  --ocpp VERSION       1.6, or 2.0.1: the 2.0.1 station on the simulated charger
                       (dist/simulator-201.min.js; subprotocol ocpp2.0.1)
                                                                              default 1.6
  --log-level LEVEL    debug (every frame) | info | warning | error           default info
  --hardware sim|DIR   the charger's IO for a bundle without a simulated charger (the
                       flashed dist/firmware.min.js or firmware-201.min.js), through the
                       host ABI's hardware members: sim = the simulator's EV and meter in
                       the host, driven by --scenario session or idle and the control
                       API; DIR = the state files an
                       IO daemon keeps (as ocpp-host --hardware DIR)      default none
  --control ADDR:PORT  control API and dashboard (http://ADDR:PORT/); port 0 = any free
                       port; runs until Ctrl-C                                default off
  --control-token T    every control request needs "Authorization: Bearer T";
                       required to bind an address that is not loopback
  --sim-data-transfer  accept DataTransfer org.openocpp.sim from the CSMS as control
  --help               this text

Ctrl-C (SIGINT) or SIGTERM stops every station (websockets closed with 1001) and exits 0;
a second one exits at once.
Exit status: 0 when every station ended with 0 (duration over, session complete, or
stopped by a signal), 1 when a station ended otherwise, 2 for bad flags, 130 when a
second signal cut the stop short.`;

export class UsageError extends Error {}

const FLAGS = {
  url: { type: 'string' },
  id: { type: 'string' },
  stations: { type: 'string' },
  connectors: { type: 'string' },
  scenario: { type: 'string' },
  'id-tag': { type: 'string' },
  duration: { type: 'string' },
  password: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'security-profile': { type: 'string' },
  'data-dir': { type: 'string' },
  'heap-limit': { type: 'string' },
  bundle: { type: 'string' },
  ocpp: { type: 'string' },
  'log-level': { type: 'string' },
  hardware: { type: 'string' },
  settings: { type: 'string' },
  control: { type: 'string' },
  'control-token': { type: 'string' },
  'sim-data-transfer': { type: 'boolean' },
  help: { type: 'boolean' },
};

/** The settings key (hal/settings.ts) each flag sets: a bundle that does not act on it has the flag reported. */
export const FLAG_SETTINGS = {
  url: 'url',
  id: 'id',
  connectors: 'connectors',
  scenario: 'scenario',
  'id-tag': 'idTag',
  duration: 'duration',
  password: 'password',
  ca: 'ca',
  cert: 'cert',
  key: 'key',
  'security-profile': 'securityProfile',
  'log-level': 'logLevel',
  'sim-data-transfer': 'simDataTransfer',
};

/**
 * The flags given that the bundle does not act on, by what it declared (its
 * settingsHonoured, null when it declared nothing: then every flag beyond --url / --id).
 */
export function flagsNotHonoured(givenFlags, honoured) {
  return givenFlags.filter((flag) => (honoured ? !honoured.includes(FLAG_SETTINGS[flag]) : flag !== 'url' && flag !== 'id'));
}

/** The firmware bundle per OCPP version (--ocpp); a --bundle decides its version itself. */
export const VERSION_BUNDLES = {
  '1.6': DEFAULT_BUNDLE,
  '2.0.1': fileURLToPath(new URL('../dist/simulator-201.min.js', import.meta.url)),
};

/**
 * The OCPP version a bundle file speaks: its own, the subprotocol it asks for (a file that names
 * "ocpp2.0.1", as a script or as its bytecode, is a 2.0.1 bundle; any other, and one that cannot
 * be read, 1.6). The native host's CLI (port/posix/cli.c bundle_speaks_201) tells it the same way.
 */
export function bundleOcppVersion(path) {
  try {
    return readFileSync(path).includes('ocpp2.0.1') ? '2.0.1' : '1.6';
  } catch {
    return '1.6';
  }
}

/**
 * The longest idTag the station's OCPP version takes, from the official schemas its bundle's
 * validators and types are generated from (ocpp-rpc's): 1.6 Authorize.req idTag (CiString20),
 * 2.0.1 IdTokenType.idToken.
 */
function idTagMaxLength(version) {
  const require = createRequire(import.meta.url);
  const authorize = (file) => require(`ocpp-rpc/lib/schemas/${file}`).find((schema) => schema.$id === 'urn:Authorize.req');
  if (version === '2.0.1') return authorize('ocpp2_0_1.json').definitions.IdTokenType.properties.idToken.maxLength;
  return authorize('ocpp1_6.json').properties.idTag.maxLength;
}

/** OCPP's charge box identity: URL-safe "unreserved" characters, at most 48 (security whitepaper). */
const IDENTITY = /^[A-Za-z0-9._~-]{1,48}$/;

function wholeNumber(name, text, min, max) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

function readPem(flag, file) {
  if (file === undefined) return '';
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag}: cannot read ${file}: ${err.code || err.message}`);
  }
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) throw new UsageError(`--${flag}: ${file} is not a PEM file`);
  return text;
}

/**
 * `--duration -1` as `--duration=-1`: parseArgs takes a value that starts with "-" for a
 * flag of its own and says so in its words; joined, the flag's own check says what is wrong.
 */
function negativeValuesJoined(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    if (name && FLAGS[name] && FLAGS[name].type === 'string' && /^-\d/.test(argv[i + 1] || '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

/**
 * Parses and checks the CLI's arguments.
 * @param {string[]} argv  process.argv.slice(2)
 * @returns {{ help: true } | { help: false, stations: object[], dataDir: string, heapLimit: number, logLevel: string, url: string, scenario: string }}
 *   `stations` holds one settings object (hal/settings.ts) per station.
 * @throws {UsageError}
 */
export function parseCliArgs(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: negativeValuesJoined(argv), options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(err.message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (values.help) return { help: true };

  // The settings file is the base; every flag given overrides its field.
  let file = {};
  if (values.settings !== undefined) {
    try {
      file = readSettingsFile(values.settings);
    } catch (err) {
      throw new UsageError(`--settings: ${err.message}`);
    }
  }
  const urlText = values.url ?? file.url;
  const baseId = values.id ?? file.id;
  if (!urlText) throw new UsageError('--url is required (the CSMS websocket URL, e.g. ws://localhost:9000/ocpp), or "url" in --settings');
  if (!baseId) throw new UsageError('--id is required (the station id, appended to the URL), or "id" in --settings');
  let url;
  try {
    url = new URL(urlText);
  } catch {
    throw new UsageError(`--url "${urlText}" is not a URL`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`--url must start with ws:// or wss://, got "${urlText}"`);

  const count = wholeNumber('stations', values.stations, 1, 10000) ?? 1;
  const ids = count === 1 && values.stations === undefined ? [baseId] : Array.from({ length: count }, (_, i) => `${baseId}-${i + 1}`);
  const badId = ids.find((id) => !IDENTITY.test(id));
  if (badId !== undefined) throw new UsageError(`--id: "${badId}" is not a valid station id (letters, digits, . _ ~ -; at most 48)`);

  const scenario = values.scenario ?? file.scenario ?? 'idle';
  const firmwareScenario = values.scenario === undefined && scenario === ''; // a settings file as the module has it
  if (scenario !== 'idle' && scenario !== 'session' && scenario !== 'none' && !firmwareScenario) throw new UsageError(`--scenario must be idle, session or none, got "${scenario}"`);
  const idTag = values['id-tag'] ?? file.idTag ?? 'DEMO-TAG';
  const version = values.ocpp ?? (values.bundle !== undefined ? bundleOcppVersion(values.bundle) : '1.6');
  const idTagMax = idTagMaxLength(version);
  const whose = version === '2.0.1' ? 'the 2.0.1 bundle' : `a 1.6 bundle; 2.0.1's takes ${idTagMaxLength('2.0.1')}`;
  if (idTag.length < 1 || idTag.length > idTagMax) throw new UsageError(`--id-tag must be 1 to ${idTagMax} characters (OCPP IdToken of ${whose}), got "${idTag}"`);
  let duration = file.duration ?? 0;
  if (duration < 0) throw new UsageError(`--settings: "duration" must be a number of seconds >= 0, got ${duration}`);
  if (values.duration !== undefined) {
    duration = Number(values.duration);
    if (values.duration.trim() === '' || !Number.isFinite(duration) || duration < 0) {
      throw new UsageError(`--duration must be a number of seconds >= 0, got "${values.duration}"`);
    }
  }
  const logLevel = values['log-level'] ?? file.logLevel ?? 'info';
  if (!(logLevel in LOG_LEVELS)) throw new UsageError(`--log-level must be debug, info, warning or error, got "${logLevel}"`);
  if (values.password === '') throw new UsageError('--password must not be empty');
  if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together');
  const password = values.password ?? file.password ?? '';
  const cert = values.cert !== undefined ? readPem('cert', values.cert) : file.cert ?? '';
  const securityProfile = wholeNumber('security-profile', values['security-profile'], 0, 3) ?? file.securityProfile ?? -1;
  if (securityProfile > 3) throw new UsageError(`--settings: "securityProfile" must be -1 to 3, got ${securityProfile}`);
  if ((securityProfile === 1 || securityProfile === 2) && !password) {
    throw new UsageError(`--security-profile ${securityProfile} needs --password (Basic auth)`);
  }
  if (securityProfile === 3 && !cert) throw new UsageError('--security-profile 3 needs --cert and --key (client certificate)');

  let control = null;
  if (values.control !== undefined) {
    try {
      control = parseListenAddress(values.control);
    } catch (err) {
      throw new UsageError(`--control: ${err.message}`);
    }
    if (!isLoopback(control.host) && !values['control-token']) {
      throw new UsageError(`--control ${values.control} is not a loopback address: it needs --control-token (the control API drives every station)`);
    }
  }
  if (values['control-token'] !== undefined && (control === null || values['control-token'].length < 8)) {
    throw new UsageError(control === null ? '--control-token goes with --control' : '--control-token must be at least 8 characters');
  }

  const { id: _fileId, ...fromFile } = file;
  const common = {
    ...fromFile,
    // The bundle appends "/<id>"; a trailing slash would make an empty path segment.
    url: urlText.replace(/\/+$/, ''),
    connectors: wholeNumber('connectors', values.connectors, 1, 100) ?? file.connectors ?? 2,
    scenario,
    idTag,
    duration,
    password,
    ca: values.ca !== undefined ? readPem('ca', values.ca) : file.ca ?? '',
    cert,
    key: values.key !== undefined ? readPem('key', values.key) : file.key ?? '',
    // only when given: a host without the flag (the native shim) gives the same settings
    ...(securityProfile >= 0 && { securityProfile }),
    logLevel,
    ...(values['sim-data-transfer'] && { simDataTransfer: true }),
  };
  if (values.ocpp !== undefined && !Object.prototype.hasOwnProperty.call(VERSION_BUNDLES, values.ocpp)) {
    throw new UsageError(`--ocpp must be ${Object.keys(VERSION_BUNDLES).join(' or ')}, got "${values.ocpp}"`);
  }
  if (values.ocpp !== undefined && values.bundle !== undefined) throw new UsageError('--ocpp and --bundle: a bundle speaks its own OCPP version; give one of them');
  let bundle = VERSION_BUNDLES[values.ocpp ?? '1.6'];
  if (values.ocpp !== undefined && !existsSync(bundle)) throw new UsageError(`--ocpp ${values.ocpp}: ${bundle} is not built (npm run build)`);
  if (values.bundle !== undefined) {
    let isFile = false;
    try {
      isFile = statSync(values.bundle).isFile();
    } catch (err) {
      throw new UsageError(`--bundle: cannot read ${values.bundle}: ${err.code || err.message}`);
    }
    if (!isFile) throw new UsageError(`--bundle: ${values.bundle} is not a file`);
    bundle = values.bundle;
  }
  const hardware = values.hardware;
  if (hardware !== undefined && hardware !== 'sim') {
    let isFolder = false;
    try {
      isFolder = statSync(hardware).isDirectory();
    } catch (err) {
      throw new UsageError(`--hardware: cannot open ${hardware}: ${err.code || err.message}`);
    }
    if (!isFolder) throw new UsageError(`--hardware must be sim or a folder of state files, got "${hardware}"`);
  }
  if (hardware !== undefined && hardware !== 'sim' && ids.length > 1) throw new UsageError('--hardware DIR is one charger\'s IO: run one station with it, not --stations N');
  return {
    help: false,
    url: common.url,
    bundle,
    /** The settings flags given on the command line (FLAG_SETTINGS' keys), to check against what the bundle acts on. */
    givenFlags: Object.keys(FLAG_SETTINGS).filter((flag) => values[flag] !== undefined),
    idBase: baseId,
    scenario,
    control: control && { ...control, token: values['control-token'] ?? null },
    logLevel,
    dataDir: values['data-dir'] ?? 'sim-data',
    heapLimit: wholeNumber('heap-limit', values['heap-limit'], 65536, 2 ** 31) ?? DEFAULT_HEAP_LIMIT,
    /** 'sim', a state folder, or undefined: SimulatedStation's `hardware`. */
    hardware,
    stations: ids.map((id) => ({ ...common, id })),
  };
}
