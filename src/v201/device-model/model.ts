// The station's device model (OCPP 2.0.1 part 1 §4, part 2 B05-B07): components and their
// variables, each with attributes (Actual, and Target / MinSet / MaxSet where a variable has
// them), characteristics (dataType, unit, min/max, valuesList) and mutability. Features
// register the variables whose behaviour they own (`model.add`) as data tables; the model
// checks and stores values, keeps what was set across reboots (one file), and answers the
// lookups GetVariables, SetVariables and the reports need.
//
// A variable is named by a key, "Component/Variable", with "#instance" after a component or
// variable that has one and "@evse" or "@evse.connector" after an EVSE- or Connector-level
// component: "OCPPCommCtrlr/HeartbeatInterval", "DeviceDataCtrlr/ItemsPerMessage#GetVariables",
// "EVSE@1/AvailabilityState", "Connector@1.1/ConnectorType".
import { Storage } from '../../../hal/index';
import { AttributeEnum, Component, DataEnum, GetVariableStatusEnum, MutabilityEnum, SetVariableStatusEnum, Variable } from '../../ocpp/v201/generated/types';

/** Where the values set by the CSMS (or the station) are kept: one JSON object, key → value. */
const FILE = 'device-model.json';

/** A component: its name, and where it sits (EVSE, connector) or which instance it is. */
export interface ComponentRef {
  name: string;
  evse?: number;
  connector?: number;
  instance?: string;
}

/** One variable of a component, as a feature registers it. */
export interface VariableSpec {
  name: string;
  instance?: string;
  type: DataEnum;
  /** ReadOnly when omitted. */
  mutability?: MutabilityEnum;
  /** The Actual value until one is set (ignored when `read` gives it). */
  value?: string;
  /** A live Actual value (the clock, an availability state); such a variable is not stored. */
  read?: () => string;
  unit?: string;
  /** Numbers: the least value. */
  min?: number;
  /** Numbers: the greatest value; strings and lists: the longest text (maxLimit). */
  max?: number;
  /** OptionList, MemberList, SequenceList: the allowed members, comma-separated. */
  values?: string;
  /** Attributes besides Actual (each stored like Actual; its default is '' unless `defaults` gives one). */
  attributes?: AttributeEnum[];
  defaults?: { [attribute: string]: string };
  /** A new value takes effect after a reboot: SetVariables answers RebootRequired. */
  reboot?: boolean;
  /** The value never changes at runtime (reported as constant). */
  constant?: boolean;
  /** A further check of a well-formed value: null when acceptable, else why not. */
  check?: (value: string, attribute: AttributeEnum) => string | null;
  /** Told after a new value of an attribute was stored. */
  changed?: (value: string, attribute: AttributeEnum) => void;
}

/** A registered variable: its component, its spec and its key. */
export interface Entry {
  readonly component: ComponentRef;
  readonly spec: VariableSpec;
  readonly key: string;
}

/** What SetVariables gets for one element. */
export interface SetOutcome {
  status: SetVariableStatusEnum;
  /** Why it was rejected (statusInfo.additionalInfo). */
  reason?: string;
}

export function componentKey(c: ComponentRef): string {
  let key = c.name;
  if (c.instance) key += '#' + c.instance;
  if (c.evse !== undefined) key += '@' + c.evse + (c.connector !== undefined ? '.' + c.connector : '');
  return key;
}

/** The key of a variable of a component (see the top of this file). */
export function keyOf(c: ComponentRef, variable: string, instance?: string): string {
  return componentKey(c) + '/' + variable + (instance ? '#' + instance : '');
}

/** The key of a component as OCPP names it (ComponentType / VariableType; names are case-insensitive). */
function wireKey(component: Component, variable?: Variable): string {
  const c: ComponentRef = { name: component.name, instance: component.instance };
  if (component.evse) {
    c.evse = component.evse.id;
    c.connector = component.evse.connectorId;
  }
  const key = componentKey(c).toLowerCase();
  return variable ? key + '/' + (variable.name + (variable.instance ? '#' + variable.instance : '')).toLowerCase() : key;
}

/**
 * How the model keeps a variable: one line of text, the fields apart by SEP, in the order
 * key, type, mutability, flags, unit, min, max, values, attributes, defaults, value (the
 * value last: whatever it holds, it is the rest of the line). A row is a single string in the
 * heap where a spec and its entry were two objects with a dozen properties, and the names
 * and values of the features' tables are freed with the code that registered them; an entry
 * is decoded from its row when it is looked up.
 */
const SEP = '\u001f';
const FIELDS = 10;
const MUTABILITY: { [letter: string]: MutabilityEnum } = { '': 'ReadOnly', W: 'ReadWrite', O: 'WriteOnly' };

/** The functions of a variable, which no text can hold. */
interface Hooks {
  read?: VariableSpec['read'];
  check?: VariableSpec['check'];
  changed?: VariableSpec['changed'];
}

function encodeRow(key: string, spec: VariableSpec, value: string | undefined): string {
  const m = spec.mutability === 'ReadWrite' ? 'W' : spec.mutability === 'WriteOnly' ? 'O' : '';
  const flags = (spec.reboot ? 'r' : '') + (spec.constant ? 'c' : '') + (value !== undefined ? 'v' : '');
  const limit = (n: number | undefined) => (n === undefined ? '' : String(n));
  return [key, spec.type, m, flags, spec.unit || '', limit(spec.min), limit(spec.max), spec.values || '', spec.attributes ? spec.attributes.join(',') : '', spec.defaults ? JSON.stringify(spec.defaults) : '', value || ''].join(SEP);
}

function decodeRow(row: string, hooks: Hooks | undefined): Entry {
  const f = row.split(SEP, FIELDS);
  let valueAt = 0;
  for (let i = 0; i < FIELDS; i++) valueAt = row.indexOf(SEP, valueAt) + 1;
  const spec: VariableSpec = { name: '', type: f[1] as DataEnum, mutability: MUTABILITY[f[2]] };
  const key = f[0];
  const slash = key.indexOf('/');
  const variable = key.substring(slash + 1);
  const hash = variable.indexOf('#');
  spec.name = hash < 0 ? variable : variable.substring(0, hash);
  if (hash >= 0) spec.instance = variable.substring(hash + 1);
  const flags = f[3];
  if (flags.indexOf('v') >= 0) spec.value = row.substring(valueAt);
  if (flags.indexOf('r') >= 0) spec.reboot = true;
  if (flags.indexOf('c') >= 0) spec.constant = true;
  if (f[4]) spec.unit = f[4];
  if (f[5]) spec.min = +f[5];
  if (f[6]) spec.max = +f[6];
  if (f[7]) spec.values = f[7];
  if (f[8]) spec.attributes = f[8].split(',') as AttributeEnum[];
  if (f[9]) spec.defaults = JSON.parse(f[9]);
  if (hooks) {
    if (hooks.read) spec.read = hooks.read;
    if (hooks.check) spec.check = hooks.check;
    if (hooks.changed) spec.changed = hooks.changed;
  }
  return { component: componentOf(key.substring(0, slash)), spec, key };
}

/** The functions of a spec, if it has any (an object with only those it has). */
function hooksOf(spec: VariableSpec): Hooks | undefined {
  if (!spec.read && !spec.check && !spec.changed) return undefined;
  const hooks: Hooks = {};
  if (spec.read) hooks.read = spec.read;
  if (spec.check) hooks.check = spec.check;
  if (spec.changed) hooks.changed = spec.changed;
  return hooks;
}

/** A component key ("EVSE@1", "Connector@1.1", "Name#instance") back to its ref. */
function componentOf(key: string): ComponentRef {
  const atSign = key.indexOf('@');
  const named = atSign < 0 ? key : key.substring(0, atSign);
  const hash = named.indexOf('#');
  const c: ComponentRef = { name: hash < 0 ? named : named.substring(0, hash) };
  if (hash >= 0) c.instance = named.substring(hash + 1);
  if (atSign >= 0) {
    const place = key.substring(atSign + 1).split('.');
    c.evse = +place[0];
    if (place.length > 1) c.connector = +place[1];
  }
  return c;
}

/** Is `row` the row of `key` (`lower`: the key in lower case; names are case-insensitive)? */
function rowOf(row: string, key: string, lower: string): boolean {
  if (row.charAt(key.length) !== SEP) return false;
  return row.lastIndexOf(key, 0) === 0 || row.substring(0, key.length).toLowerCase() === lower;
}

export class DeviceModel {
  /**
   * The variables as rows (see SEP), in the order of registration, and their functions at
   * the same index. Looked up by a scan (names are case-insensitive): a hundred rows take no
   * time to scan, while a map of them would hold an atom per key.
   */
  private readonly rows: string[] = [];
  private readonly hooks: Array<Hooks | undefined> = [];
  /** Values set since the factory: key (":Attribute" after it unless Actual) → value. */
  private readonly stored: { [key: string]: string };

  /**
   * @param initial values the host's settings give by key (`configuration`, e.g. a simulator's
   *   shorter "SampledDataCtrlr/TxUpdatedInterval"): they replace a variable's default when
   *   valid; what the CSMS sets wins over them.
   */
  constructor(private readonly storage: Storage, private readonly initial: { [key: string]: unknown } = {}) {
    let stored: { [key: string]: string } = {};
    try {
      const text = storage.get(FILE);
      if (text) stored = JSON.parse(text);
    } catch (e) {
      // A damaged file: the defaults, rather than no station.
    }
    this.stored = stored;
  }

  /** Registers variables of one component (a later registration of the same key replaces the earlier one). */
  add(component: ComponentRef | string, variables: VariableSpec[]): void {
    const c: ComponentRef = typeof component === 'string' ? { name: component } : component;
    for (let i = 0; i < variables.length; i++) {
      const spec = variables[i];
      const key = keyOf(c, spec.name, spec.instance);
      let value = spec.value;
      if (Object.prototype.hasOwnProperty.call(this.initial, key) && !spec.read && !malformed(spec, String(this.initial[key]))) value = String(this.initial[key]);
      const old = this.indexOf(key);
      if (old >= 0) {
        this.rows.splice(old, 1);
        this.hooks.splice(old, 1);
      }
      this.rows.push(encodeRow(key, spec, value));
      this.hooks.push(hooksOf(spec));
    }
  }

  /**
   * The variable at `index`, in the order of registration, or null past the last one. Decoded:
   * each call makes a new entry (a few hundred bytes), so what goes over every variable (a
   * report, the DiagnosticsLog) takes them one at a time and holds indices, not entries.
   */
  at(index: number): Entry | null {
    return index < this.rows.length ? decodeRow(this.rows[index], this.hooks[index]) : null;
  }

  entry(key: string): Entry | null {
    const i = this.indexOf(key);
    return i < 0 ? null : decodeRow(this.rows[i], this.hooks[i]);
  }

  private indexOf(key: string): number {
    const lower = key.toLowerCase();
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) if (rowOf(rows[i], key, lower)) return i;
    return -1;
  }

  /** A variable by its OCPP names: the entry, or why there is none (B05.FR.04-05, B06.FR.06-07). */
  find(component: Component, variable: Variable): Entry | Extract<GetVariableStatusEnum & SetVariableStatusEnum, `Unknown${string}`> {
    const found = this.entry(wireKey(component, variable));
    if (found) return found;
    const c = wireKey(component) + '/';
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) if (rows[i].substring(0, c.length).toLowerCase() === c) return 'UnknownVariable';
    return 'UnknownComponent';
  }

  /** Does the variable have this attribute? Every variable has Actual. */
  hasAttribute(entry: Entry, attribute: AttributeEnum): boolean {
    if (attribute === 'Actual') return true;
    const a = entry.spec.attributes;
    return !!a && a.indexOf(attribute) >= 0;
  }

  /** The attributes a variable has, Actual first. */
  attributesOf(entry: Entry): AttributeEnum[] {
    return entry.spec.attributes ? (['Actual'] as AttributeEnum[]).concat(entry.spec.attributes) : ['Actual'];
  }

  /** The value of an attribute (the station's own reading, WriteOnly ones included). */
  read(entry: Entry, attribute: AttributeEnum = 'Actual'): string {
    const spec = entry.spec;
    if (attribute === 'Actual' && spec.read) return spec.read();
    const k = storedKey(entry, attribute);
    if (Object.prototype.hasOwnProperty.call(this.stored, k)) return this.stored[k];
    if (attribute === 'Actual') return spec.value !== undefined ? spec.value : '';
    return spec.defaults && spec.defaults[attribute] !== undefined ? spec.defaults[attribute] : '';
  }

  /**
   * The Actual value of a variable by key ('' when there is no such variable); or by its
   * component's key, its name and its instance apart (`get('AuthCtrlr', 'Enabled')`): the
   * names the variable's registration has already, where the whole key written out would be
   * a text of its own in the code (an atom for the whole run).
   */
  get(key: string, variable?: string, instance?: string): string {
    const e = this.entry(variable === undefined ? key : key + '/' + variable + (instance ? '#' + instance : ''));
    return e ? this.read(e) : '';
  }

  getInt(key: string, variable?: string, instance?: string): number {
    const n = parseInt(this.get(key, variable, instance), 10);
    return isNaN(n) ? 0 : n;
  }

  getBool(key: string, variable?: string, instance?: string): boolean {
    return this.get(key, variable, instance) === 'true';
  }

  /**
   * Checks a value for an attribute against the variable's type, limits and own check: null
   * when it may be set, else why not (B05.FR.07: badly formatted, out of range → Rejected).
   */
  refusal(entry: Entry, value: string, attribute: AttributeEnum = 'Actual'): string | null {
    const spec = entry.spec;
    const why = malformed(spec, value);
    if (why) return why;
    return spec.check ? spec.check(value, attribute) : null;
  }

  /**
   * Sets an attribute as SetVariables does (mutability, format and limits checked). The value
   * is stored (kept across reboots) and the owner told; RebootRequired when it takes effect
   * only after a reboot.
   */
  set(entry: Entry, value: string, attribute: AttributeEnum = 'Actual'): SetOutcome {
    if (!this.hasAttribute(entry, attribute)) return { status: 'NotSupportedAttributeType' };
    if ((entry.spec.mutability || 'ReadOnly') === 'ReadOnly' || entry.spec.read) return { status: 'Rejected', reason: 'read-only' };
    const why = this.refusal(entry, value, attribute);
    if (why) return { status: 'Rejected', reason: why };
    this.store(entry, value, attribute);
    return { status: entry.spec.reboot ? 'RebootRequired' : 'Accepted' };
  }

  /** The station changes a value itself (e.g. HeartbeatInterval from a BootNotification): stored, owner told, no checks. */
  put(key: string, value: string, attribute: AttributeEnum = 'Actual'): void {
    const e = this.entry(key);
    if (e) this.store(e, value, attribute);
  }

  private store(entry: Entry, value: string, attribute: AttributeEnum): void {
    const k = storedKey(entry, attribute);
    if (this.stored[k] === value) return; // kept already: no write (the boot's HeartbeatInterval, each time)
    const before = this.read(entry, attribute);
    this.stored[k] = value;
    this.storage.set(FILE, JSON.stringify(this.stored));
    if (before !== value && entry.spec.changed) entry.spec.changed(value, attribute);
  }
}

function storedKey(entry: Entry, attribute: AttributeEnum): string {
  return attribute === 'Actual' ? entry.key : entry.key + ':' + attribute;
}

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Why a value does not fit the variable's dataType and characteristics (null: it fits). */
function malformed(spec: VariableSpec, value: string): string | null {
  const type = spec.type;
  if (type === 'integer' || type === 'decimal') {
    if (!(type === 'integer' ? INTEGER : DECIMAL).test(value)) return 'not ' + (type === 'integer' ? 'an integer' : 'a decimal');
    const n = parseFloat(value);
    if (spec.min !== undefined && n < spec.min) return 'below ' + spec.min;
    if (spec.max !== undefined && n > spec.max) return 'above ' + spec.max;
    return null;
  }
  if (type === 'boolean') return value === 'true' || value === 'false' ? null : 'not true or false';
  if (type === 'dateTime') return isNaN(Date.parse(value)) ? 'not a date-time' : null;
  if (spec.max !== undefined && value.length > spec.max) return 'longer than ' + spec.max;
  if (type === 'string') return null;
  const allowed = (spec.values || '').split(',');
  if (type === 'OptionList') return allowed.indexOf(value) >= 0 ? null : 'not one of ' + spec.values;
  // MemberList / SequenceList: a (sub)set of the members, each at most once.
  if (value === '') return null;
  const members = value.split(',');
  for (let i = 0; i < members.length; i++) {
    if (allowed.indexOf(members[i]) < 0) return members[i] + ' is not one of ' + spec.values;
    if (members.indexOf(members[i]) !== i) return members[i] + ' twice';
  }
  return null;
}
