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

function keys(connectors: number, supportedProfiles: string[]): { [key: string]: KeyDefinition } {
  return {
    AllowOfflineTxForUnknownId: { value: 'false', kind: 'bool' },
    AuthorizationCacheEnabled: { value: 'true', kind: 'bool' },
    AuthorizeRemoteTxRequests: { value: 'false', kind: 'bool' },
    ClockAlignedDataInterval: { value: '0', kind: 'int', min: 0, max: 86400 },
    ConnectionTimeOut: { value: '60', kind: 'int', min: 1, max: 3600 },
    ConnectorPhaseRotation: { value: phaseRotationDefault(connectors), kind: 'text' },
    ConnectorPhaseRotationMaxLength: { value: String(connectors + 1), kind: 'int', readonly: true },
    GetConfigurationMaxKeys: { value: '50', kind: 'int', readonly: true },
    HeartbeatInterval: { value: '300', kind: 'int', min: 0, max: 86400 },
    LocalAuthorizeOffline: { value: 'true', kind: 'bool' },
    LocalPreAuthorize: { value: 'false', kind: 'bool' },
    MaxEnergyOnInvalidId: { value: '0', kind: 'int', min: 0, max: 1000000 },
    MeterValuesAlignedData: { value: 'Energy.Active.Import.Register', kind: 'csl', items: MEASURANDS, maxItemsKey: 'MeterValuesAlignedDataMaxLength' },
    MeterValuesAlignedDataMaxLength: { value: String(MEASURAND_LIST_MAX), kind: 'int', readonly: true },
    MeterValuesSampledData: {
      value: 'Energy.Active.Import.Register,Power.Active.Import',
      kind: 'csl',
      items: MEASURANDS,
      maxItemsKey: 'MeterValuesSampledDataMaxLength',
    },
    MeterValuesSampledDataMaxLength: { value: String(MEASURAND_LIST_MAX), kind: 'int', readonly: true },
    MeterValueSampleInterval: { value: '60', kind: 'int', min: 0, max: 86400 },
    MinimumStatusDuration: { value: '0', kind: 'int', min: 0, max: 3600 },
    NumberOfConnectors: { value: String(connectors), kind: 'int', readonly: true },
    ResetRetries: { value: '1', kind: 'int', min: 0, max: 10 },
    StopTransactionOnEVSideDisconnect: { value: 'true', kind: 'bool' },
    StopTransactionOnInvalidId: { value: 'true', kind: 'bool' },
    StopTxnAlignedData: { value: '', kind: 'csl', items: MEASURANDS, maxItemsKey: 'StopTxnAlignedDataMaxLength' },
    StopTxnAlignedDataMaxLength: { value: String(MEASURAND_LIST_MAX), kind: 'int', readonly: true },
    StopTxnSampledData: { value: '', kind: 'csl', items: MEASURANDS, maxItemsKey: 'StopTxnSampledDataMaxLength' },
    StopTxnSampledDataMaxLength: { value: String(MEASURAND_LIST_MAX), kind: 'int', readonly: true },
    SupportedFeatureProfiles: { value: supportedProfiles.join(','), kind: 'csl', readonly: true },
    SupportedFeatureProfilesMaxLength: { value: '6', kind: 'int', readonly: true },
    TransactionMessageAttempts: { value: '3', kind: 'int', min: 1, max: 100 },
    TransactionMessageRetryInterval: { value: '30', kind: 'int', min: 1, max: 86400 },
    UnlockConnectorOnEVSideDisconnect: { value: 'true', kind: 'bool' },
  };
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
  private readonly defs: { [key: string]: KeyDefinition };
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
    for (const key in this.defs) if (this.defs[key].readonly) this.applyInitial(key);
    for (const key in this.defs) if (!this.defs[key].readonly) this.applyInitial(key);
    this.load();
  }

  /** The settings' value of a key, read-only keys included, replaces its default (when valid). */
  private applyInitial(key: string): void {
    if (!Object.prototype.hasOwnProperty.call(this.initial, key) || key === 'SupportedFeatureProfiles') return;
    const def = this.defs[key];
    const text = String(this.initial[key]);
    if (this.check(def, text)) def.value = this.normalise(def, text);
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
    return this.has(key) && !!this.defs[key].writeOnly;
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.defs, key);
  }

  /** Value as text ("" for an unknown key). */
  get(key: string): string {
    if (!this.has(key)) return '';
    if (Object.prototype.hasOwnProperty.call(this.changed, key)) return this.changed[key];
    return this.defs[key].value;
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
    return this.has(key) ? this.defs[key] : null;
  }

  /** ChangeConfiguration. On Accepted / RebootRequired the value is stored and listeners run. */
  change(key: string, value: string): ConfigurationStatus {
    if (!this.has(key)) return 'NotSupported';
    const def = this.defs[key];
    if (def.readonly || !this.check(def, value) || (def.guard && !def.guard(value))) return 'Rejected';
    this.set(key, this.normalise(def, value));
    return def.rebootRequired ? 'RebootRequired' : 'Accepted';
  }

  /** Sets a key from inside the station (e.g. HeartbeatInterval from BootNotification.conf). */
  set(key: string, value: string): void {
    if (!this.has(key)) throw new Error('unknown configuration key ' + key);
    const def = this.defs[key];
    if (this.get(key) === value) return;
    if (value === def.value) delete this.changed[key];
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
      const def = this.defs[key];
      const value = stored[key];
      // A value this firmware would refuse is ignored.
      if (!def.readonly && typeof value === 'string' && this.check(def, value)) this.changed[key] = value;
    }
  }
}
