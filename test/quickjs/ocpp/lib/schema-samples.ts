// Valid samples of a generated schema table and their one-change variants, with the error
// each variant must get: the generated half of every version's validation test (1.6 and
// 2.0.1). They check the interpreter against the tables; the spec payloads in each test check
// the tables against the specification.
import { assert } from '../../../lib/harness';
import { repeat } from './rig';
import { SchemaNode, ObjectNode, Protocol, REQUEST, RESPONSE, SchemaTable } from '../../../../src/ocpp/validation';
import { OcppError } from '../../../../src/ocpp/index';

const NOW = '2026-11-25T10:00:00Z';
const isArray = (v: unknown): v is any[] => Object.prototype.toString.call(v) === '[object Array]';
export const clone = (v: any): any => JSON.parse(JSON.stringify(v));

/** The version's error classes a variant may expect. */
export interface Errors {
  type: Function;
  occurrence: Function;
  property: Function;
  format: Function;
}

/** A valid value: `full` with every optional property, else the required ones only. */
export function sample(node: SchemaNode, full: boolean, enums: string[]): any {
  if (isArray(node)) {
    const out = [sample(node[0], full, enums)];
    while (out.length < (node[1] || 1)) out.push(sample(node[0], full, enums));
    return out;
  }
  if (typeof node === 'object') {
    const out: any = {};
    for (const key in node) {
      if (key === '*') {
        if (full) out.vendorSpecific = { any: ['thing'] }; // an open object takes other properties
        continue;
      }
      const required = key.charAt(key.length - 1) === '!';
      if (required || full) out[required ? key.slice(0, -1) : key] = sample(node[key], full, enums);
    }
    return out;
  }
  const kind = node.charAt(0);
  const arg = node.substring(1);
  const max = +arg;
  switch (kind) {
    case '':
      return full ? { any: [1, 'json'] } : 'text'; // any value
    case 'i': {
      if (!arg) return 3;
      const range = arg.split(':');
      return range[full ? 1 : 0] ? +range[full ? 1 : 0] : +range[0] + 1; // a bound is valid
    }
    case 'n':
      return full ? 6.1 : 32; // an integer is a valid number
    case 'b':
      return true;
    case 'd':
      return full ? '2026-11-25T10:00:00.250+01:00' : NOW;
    case 'u':
      return 'ftp://user:pw@example.com/diagnostics/';
    case 'e': {
      const values = enums[max].split('|');
      return values[full ? values.length - 1 : 0];
    }
    default:
      return full && max ? repeat('x', max) : 'abc'; // exactly maxLength is valid
  }
}

export interface Mutation {
  what: string;
  payload: any;
  error: Function | null; // null: still valid
}

/**
 * Invalid (and edge-valid) variants of `value`, one change each, at every place. A variant's
 * payload is `root` changed in place: `out.push` must use it before it returns (the change is
 * undone right after).
 */
export function mutations(root: any, node: SchemaNode, value: any, set: (v: any) => void, path: string, out: { push(m: Mutation): void }, enums: string[], errors: Errors): void {
  const variant = (what: string, v: any, error: Function | null) => {
    const saved = value;
    set(v);
    out.push({ what: path + ': ' + what, payload: root, error });
    set(saved);
  };
  if (isArray(node)) {
    variant('an object for an array', {}, errors.type);
    variant('a string for an array', 'x', errors.type);
    if (node[1]) variant('too few items', value.slice(0, node[1] - 1), errors.occurrence);
    else variant('no items', [], null);
    if (node[2]) {
      // Small items (the required fields only): some arrays take 1024.
      const most: any[] = [];
      while (most.length < node[2]) most.push(sample(node[0], false, enums));
      variant('as many items as allowed', most, null);
      variant('one item too many', most.concat([most[0]]), errors.occurrence);
    }
    mutations(root, node[0], value[0], (v) => (value[0] = v), path + '[0]', out, enums, errors);
    return;
  }
  if (typeof node === 'object') {
    if (path) {
      variant('an array for an object', [value], errors.type);
      variant('a number for an object', 1, errors.type);
    }
    value.unexpectedProperty = 1;
    const open = Object.prototype.hasOwnProperty.call(node, '*');
    out.push({ what: path + ': an extra property' + (open ? ' (an open object)' : ''), payload: root, error: open ? null : errors.property });
    delete value.unexpectedProperty;
    for (const key in node) {
      if (key === '*') continue;
      const required = key.charAt(key.length - 1) === '!';
      const name = required ? key.slice(0, -1) : key;
      const saved = value[name];
      if (saved === undefined) continue; // an optional property the sample leaves out
      delete value[name];
      out.push({ what: path + '.' + name + ' missing', payload: root, error: required ? errors.occurrence : null });
      if (node[key] !== '') {
        value[name] = null;
        out.push({ what: path + '.' + name + ' null', payload: root, error: errors.type });
      }
      value[name] = saved;
      mutations(root, node[key], saved, (v) => (value[name] = v), path + '.' + name, out, enums, errors);
    }
    return;
  }
  const kind = node.charAt(0);
  const arg = node.substring(1);
  if (kind === '') {
    for (const v of [null, 0, 'x', [], {}, [{ deep: [true] }]]) variant('any value: ' + JSON.stringify(v), v, null);
    return;
  }
  if (kind === 'i' || kind === 'n' || kind === 'b') {
    variant('a string', '3', errors.type);
    variant(kind === 'b' ? 'a number' : 'a boolean', kind === 'b' ? 1 : true, errors.type);
  } else {
    variant('a number', 12, errors.type);
    variant('an object', {}, errors.type);
  }
  if (kind === 'i') {
    variant('a fraction', 1.5, errors.type);
    const range = arg ? arg.split(':') : ['', ''];
    if (range[0]) {
      variant('the minimum', +range[0], null);
      variant('below the minimum', +range[0] - 1, errors.property);
    } else variant('a negative integer', -7, null);
    if (range[1]) {
      variant('the maximum', +range[1], null);
      variant('above the maximum', +range[1] + 1, errors.property);
    } else variant('a large integer', 4294967296, null);
    variant('an integer written as 2.0', 2.0, null);
  }
  if (kind === 'n') {
    variant('an integer', 16, null);
    if (arg) variant('not a multiple of ' + arg, 0.15, errors.property);
    else variant('a fraction', 0.15, null);
  }
  if (kind === 'e') {
    const values = enums[+arg].split('|');
    variant('not one of the values', 'NotAValue', errors.property);
    variant('a value in the wrong case', values[0].toLowerCase() === values[0] ? values[0].toUpperCase() : values[0].toLowerCase(), errors.property);
    variant('two values joined', values[0] + '|' + values[values.length - 1], errors.property);
    variant('the empty string', '', errors.property);
    for (let i = 0; i < values.length; i++) variant('value ' + values[i], values[i], null);
  }
  if (kind === 's' && arg) {
    variant('one character too long', repeat('x', +arg + 1), errors.property);
    variant('maxLength characters of 2 UTF-16 units', repeat('\ud83d\udd0c', +arg), null);
  }
  if (kind === 'd') {
    variant('no time zone', '2026-11-25T10:00:00', errors.property);
    variant('not a date', 'yesterday', errors.property);
    variant('February 30th', '2026-02-30T10:00:00Z', errors.property);
  }
  if (kind === 'u') variant('not a URI', 'not a uri', errors.property);
}

/** `payload` gets `error` (its class and the class's code) from the protocol, or is valid (null). */
export function expectValidation(protocol: Protocol, action: string, direction: 0 | 1, payload: any, error: Function | null, what: string): void {
  const got = protocol.validate(action, direction, payload);
  const name = action + (direction === REQUEST ? '.req' : '.conf') + ' ' + what;
  if (!error) {
    assert.equal(got && got.code + ': ' + got.description, null, name + ' is valid');
    return;
  }
  const code = (error as any).prototype.code;
  assert.ok(got instanceof error && got.code === code, name + ': expected ' + code + ', got ' + (got ? got.code + ': ' + got.description : 'valid'));
  assert.ok(got instanceof OcppError && got.description.length > 0, name + ': described');
}

/**
 * Every schema of the table: its samples (with and without optional fields) valid, every
 * variant answered as it must be, a payload that is no object a format error. Returns the
 * number of variants checked.
 */
export function checkEverySchema(protocol: Protocol, schemas: SchemaTable, enums: string[], errors: Errors): number {
  let checked = 0;
  for (const action in schemas) {
    for (const direction of [REQUEST, RESPONSE] as (0 | 1)[]) {
      const node: ObjectNode = schemas[action][direction];
      for (const full of [false, true]) {
        const payload = sample(node, full, enums);
        expectValidation(protocol, action, direction, payload, null, full ? '(all fields)' : '(required fields)');
        // Each variant checked as it is made (a list of them all would not fit the heap).
        let invalid = 0;
        const check = (m: Mutation) => {
          expectValidation(protocol, action, direction, m.payload, m.error, m.what);
          if (m.error) invalid++;
          checked++;
        };
        mutations(payload, node, payload, () => undefined, '', { push: check }, enums, errors);
        assert.ok(invalid > 0, action + ': at least one invalid variant');
      }
      for (const notObject of [null, 'x', 3, [], [{}], true]) expectValidation(protocol, action, direction, notObject, errors.format, 'payload ' + JSON.stringify(notObject));
    }
  }
  return checked;
}
