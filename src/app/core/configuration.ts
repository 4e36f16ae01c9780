// The station's OCPP configuration keys (OCPP 1.6 edition 2, section 9.1 "Core Profile"; the
// other features add theirs with addKey when they are installed, so a feature that is not
// has no keys): what GetConfiguration reports and ChangeConfiguration may change. Each key has a type,
// a default, whether the CSMS may write it, and a check of the values it accepts. Values
// the CSMS (or the settings) changed are kept in storage, so they survive a reboot; the
// defaults are not written.
//
// Keys a charge point without the hardware for them cannot honour (BlinkRepeat,
// LightIntensity: no LED; WebSocketPingInterval: pings are the host's websocket's job)
// are not listed: GetConfiguration reports them as unknown and ChangeConfiguration
// answers NotSupported, as the spec asks for optional keys a charge point lacks.
import { ConfigurationStatus, KeyValue } from '../../ocpp/v16/generated/types';
export { ConfigurationStatus, KeyValue };

export interface KeyDefinition {
  /** Default value, as OCPP carries it (text). */
  value: string;
  kind: 'int' | 'bool' | 'csl' | 'text';
  readonly?: boolean;
  /** Smallest allowed integer. */
  min?: number;
  max?: number;
  /** A csl key: items it may hold, and the key that says how many at most. */
  items?: string[];
  maxItemsKey?: string;
  /** The change only takes effect after a reboot. */
  rebootRequired?: boolean;
  /** Never reported by GetConfiguration (e.g. AuthorizationKey): listed without a value. */
  writeOnly?: boolean;
  /** A 'text' key's own check of a value (else: the ConnectorPhaseRotation format). */
  validate?: (value: string) => boolean;
  /** A rule for changes by the CSMS only (e.g. SecurityProfile: never downward): false → Rejected. */
  guard?: (value: string) => boolean;
}

/** Measurands the station can sample (hal/hardware.ts MeterReading). */
export const MEASURANDS = [
  'Energy.Active.Import.Register',
  'Power.Active.Import',
  'Current.Import',
  'Current.Offered',
  'Power.Offered',
  'Voltage',
  'SoC',
];
/** A measurand list may name every measurand the meter gives. */
const MEASURAND_LIST_MAX = MEASURANDS.length;

/**
 * The Core profile's keys in the spec's order, each written as compact text and decoded when
 * its definition is needed (defined below), not an object per key held for the whole run:
 * its kind (i an integer, with its smallest and largest value; b a boolean; m a list of
 * MEASURANDS, at most as many as its key + 'MaxLength' says; l a list; t ConnectorPhaseRotation's
 * text), r when read-only, then '=' and its default.
 */
function keys(connectors: number, supportedProfiles: string[]): { [key: string]: string | KeyDefinition } {
  const listMax = 'ir=' + MEASURAND_LIST_MAX;
  return {
    AllowOfflineTxForUnknownId: 'b=false',
    AuthorizationCacheEnabled: 'b=true',
    AuthorizeRemoteTxRequests: 'b=false',
    ClockAlignedDataInterval: 'i 0 86400=0',
    ConnectionTimeOut: 'i 1 3600=60',
    ConnectorPhaseRotation: 't=' + phaseRotationDefault(connectors),
    ConnectorPhaseRotationMaxLength: 'ir=' + (connectors + 1),
    GetConfigurationMaxKeys: 'ir=50',
    HeartbeatInterval: 'i 0 86400=300',
    LocalAuthorizeOffline: 'b=true',
    LocalPreAuthorize: 'b=false',
    MaxEnergyOnInvalidId: 'i 0 1000000=0',
    MeterValuesAlignedData: 'm=Energy.Active.Import.Register',
    MeterValuesAlignedDataMaxLength: listMax,
    MeterValuesSampledData: 'm=Energy.Active.Import.Register,Power.Active.Import',
    MeterValuesSampledDataMaxLength: listMax,
    MeterValueSampleInterval: 'i 0 86400=60',
    MinimumStatusDuration: 'i 0 3600=0',
    NumberOfConnectors: 'ir=' + connectors,
    ResetRetries: 'i 0 10=1',
    StopTransactionOnEVSideDisconnect: 'b=true',
    StopTransactionOnInvalidId: 'b=true',
    StopTxnAlignedData: 'm=',
    StopTxnAlignedDataMaxLength: listMax,
    StopTxnSampledData: 'm=',
    StopTxnSampledDataMaxLength: listMax,
    SupportedFeatureProfiles: 'lr=' + supportedProfiles.join(','),
    SupportedFeatureProfilesMaxLength: 'ir=6',
    TransactionMessageAttempts: 'i 1 100=3',
    TransactionMessageRetryInterval: 'i 1 86400=30',
    UnlockConnectorOnEVSideDisconnect: 'b=true',
  };
}

const KINDS: { [letter: string]: KeyDefinition['kind'] } = { i: 'int', b: 'bool', m: 'csl', l: 'csl', t: 'text' };

/** The definition a key's compact text (keys()) says. */
function decode(key: string, text: string): KeyDefinition {
  const at = text.indexOf('=');
  const head = text.slice(0, at).split(' ');
  const def: KeyDefinition = { value: text.slice(at + 1), kind: KINDS[head[0].charAt(0)] };
  if (head[0].charAt(1) === 'r') def.readonly = true;
  if (head.length > 1) {
    def.min = Number(head[1]);
    def.max = Number(head[2]);
  }
  if (head[0].charAt(0) === 'm') {
    def.items = MEASURANDS;
    def.maxItemsKey = key + 'MaxLength';
  }
  return def;
}

function phaseRotationDefault(connectors: number): string {
  const parts: string[] = [];
  for (let i = 0; i <= connectors; i++) parts.push(i + '.RST');
  return parts.join(',');
}

/** ConnectorPhaseRotation: "<connector>.<rotation>" items, rotation RST RTS SRT STR TRS TSR or NotApplicable/Unknown. */
const PHASE_ROTATION_ITEM = /^\d+\.(RST|RTS|SRT|STR|TRS|TSR|NotApplicable|Unknown)$/;

/** Splits a comma-separated list ("a, b" → ["a", "b"]); "" → []. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  const parts = text.split(',');
  for (let i = 0; i < parts.length; i++) {
    const item = parts[i].replace(/^\s+|\s+$/g, '');
    if (item) out.push(item);
  }
  return out;
}

interface StorageLike {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

const FILE = 'configuration.json';

export class Configuration {
  /** Per key its definition: the Core profile's as compact text (keys()), a feature's as given to addKey. */
  private readonly defs: { [key: string]: string | KeyDefinition };
  /** Values that differ from the defaults: what is stored. */
  private changed: { [key: string]: string } = {};
  private listeners: ((key: string, value: string) => void)[] = [];

  /**
   * @param initial values the host's settings give (e.g. a simulator's shorter
   *   MeterValueSampleInterval); they replace the defaults, the CSMS's changes win over them.
   * @param supportedProfiles SupportedFeatureProfiles: the feature profiles the station
   *   serves, whatever the settings say (section 3.3)
   */
  constructor(private readonly storage: StorageLike, connectors: number, private readonly initial: { [key: string]: unknown } = {}, supportedProfiles: string[] = ['Core']) {
    this.defs = keys(connectors, supportedProfiles);
    // Read-only keys first: a list's ...MaxLength bounds the list's initial value.
    for (const key in this.defs) if (this.def(key).readonly) this.applyInitial(key);
    for (const key in this.defs) if (!this.def(key).readonly) this.applyInitial(key);
    this.load();
  }

  /** The settings' value of a key, read-only keys included, replaces its default (when valid). */
  private applyInitial(key: string): void {
    if (!Object.prototype.hasOwnProperty.call(this.initial, key) || key === 'SupportedFeatureProfiles') return;
    const def = this.def(key);
    const text = String(this.initial[key]);
    if (!this.check(def, text)) return;
    const value = this.normalise(def, text);
    const held = this.defs[key];
    if (typeof held === 'string') this.defs[key] = held.slice(0, held.indexOf('=') + 1) + value;
    else held.value = value;
  }

  /** A known key's definition (a Core key's decoded from its text each time). */
  private def(key: string): KeyDefinition {
    const held = this.defs[key];
    return typeof held === 'string' ? decode(key, held) : held;
  }

  /** A known key's default: the settings' value where they gave one. */
  private defaultOf(key: string): string {
    const held = this.defs[key];
    return typeof held === 'string' ? held.slice(held.indexOf('=') + 1) : held.value;
  }

  /** Every key the station knows, in the order of the spec. */
  known(): string[] {
    const out: string[] = [];
    for (const key in this.defs) out.push(key);
    return out;
  }

  /**
   * Adds a key another module owns (e.g. the security extension's), with `value` as its
   * default — or the settings' initial value, as for every other key; a value stored for
   * it earlier is loaded.
   */
  addKey(key: string, def: KeyDefinition): void {
    this.defs[key] = def;
    this.applyInitial(key);
    this.load(key);
  }

  /** addKey for each key of a feature (section 9.2–9.4: its profile's keys). */
  addKeys(defs: { [key: string]: KeyDefinition }): void {
    for (const key in defs) if (Object.prototype.hasOwnProperty.call(defs, key)) this.addKey(key, defs[key]);
  }

  /** A key whose value is never reported nor logged. */
  isWriteOnly(key: string): boolean {
    return this.has(key) && !!this.def(key).writeOnly;
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.defs, key);
  }

  /** Value as text ("" for an unknown key). */
  get(key: string): string {
    if (!this.has(key)) return '';
    if (Object.prototype.hasOwnProperty.call(this.changed, key)) return this.changed[key];
    return this.defaultOf(key);
  }

  getInt(key: string): number {
    const n = parseInt(this.get(key), 10);
    return isNaN(n) ? 0 : n;
  }

  getBool(key: string): boolean {
    return this.get(key) === 'true';
  }

  getList(key: string): string[] {
    return splitList(this.get(key));
  }

  /** A key's definition (null: a key the station does not know): what GetConfiguration reports of it (configuration-report.ts). */
  definition(key: string): KeyDefinition | null {
    return this.has(key) ? this.def(key) : null;
  }

  /** ChangeConfiguration. On Accepted / RebootRequired the value is stored and listeners run. */
  change(key: string, value: string): ConfigurationStatus {
    if (!this.has(key)) return 'NotSupported';
    const def = this.def(key);
    if (def.readonly || !this.check(def, value) || (def.guard && !def.guard(value))) return 'Rejected';
    this.set(key, this.normalise(def, value));
    return def.rebootRequired ? 'RebootRequired' : 'Accepted';
  }

  /** Sets a key from inside the station (e.g. HeartbeatInterval from BootNotification.conf). */
  set(key: string, value: string): void {
    if (!this.has(key)) throw new Error('unknown configuration key ' + key);
    if (this.get(key) === value) return;
    if (value === this.defaultOf(key)) delete this.changed[key];
    else this.changed[key] = value;
    this.storage.set(FILE, JSON.stringify(this.changed));
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i](key, value);
  }

  /** Called after every change of a value (key, new value). */
  onChange(listener: (key: string, value: string) => void): void {
    this.listeners.push(listener);
  }

  private check(def: KeyDefinition, value: string): boolean {
    switch (def.kind) {
      case 'int': {
        if (!/^\s*-?\d+\s*$/.test(value)) return false;
        const n = parseInt(value, 10);
        return (def.min === undefined || n >= def.min) && (def.max === undefined || n <= def.max);
      }
      case 'bool':
        return /^(true|false)$/i.test(value);
      case 'csl': {
        const items = splitList(value);
        if (def.maxItemsKey !== undefined && items.length > this.getInt(def.maxItemsKey)) return false;
        if (!def.items) return true;
        for (let i = 0; i < items.length; i++) if (def.items.indexOf(items[i]) < 0) return false;
        return true;
      }
      default: {
        if (def.validate) return def.validate(value);
        // text: ConnectorPhaseRotation
        const items = splitList(value);
        if (!items.length) return false;
        for (let i = 0; i < items.length; i++) if (!PHASE_ROTATION_ITEM.test(items[i])) return false;
        return true;
      }
    }
  }

  private normalise(def: KeyDefinition, value: string): string {
    if (def.kind === 'int') return String(parseInt(value, 10));
    if (def.kind === 'bool') return value.toLowerCase();
    if (def.validate) return value; // a key with its own format keeps the text as given
    return splitList(value).join(',');
  }

  /** Reads the stored values (of every key, or of one). */
  private load(only?: string): void {
    const text = this.storage.get(FILE);
    if (!text) return;
    let stored: { [key: string]: unknown };
    try {
      stored = JSON.parse(text);
    } catch (e) {
      return; // damaged: the defaults, rather than no boot
    }
    for (const key in stored) {
      if (only !== undefined && key !== only) continue;
      if (!this.has(key)) continue; // a key another firmware version wrote, or one added later (addKey)
      const def = this.def(key);
      const value = stored[key];
      // A value this firmware would refuse is ignored.
      if (!def.readonly && typeof value === 'string' && this.check(def, value)) this.changed[key] = value;
    }
  }
}
