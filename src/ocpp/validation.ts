// Payload validation: an interpreter over the compact schema tables that build/ocpp-codegen.mjs
// derives from the official OCPP JSON schemas (no code generation at run time, no eval; a
// payload is checked against its schema's text where it is written, in one text of all the
// version's tables, or against decoded nodes).
// It checks type, required, enum, maxLength, additionalProperties, date-time and URI formats,
// multipleOf, minimum / maximum of integers, minItems and maxItems, and answers with the
// OCPP-J error a receiver sends (1.6's names; a version binding may rename them, see
// Protocol.translate):
//   wrong type                                           TypeConstraintViolation
//   required property missing, too few or many items     OccurenceConstraintViolation
//   enum, length, format, range, extra property          PropertyConstraintViolation
//   payload not an object                                FormationViolation
import {
  FormationViolationError,
  quote,
  NotImplementedError,
  NotSupportedError,
  OccurenceConstraintViolationError,
  OcppError,
  PropertyConstraintViolationError,
  TypeConstraintViolationError,
} from './errors';
import { has, isArray, isObject } from './messages';

/**
 * A schema node (see build/ocpp-codegen.mjs): 'i' integer ('i0:100' from 0 to 100), 'n'
 * number ('n.1' multiple of 0.1), 'b' boolean, 's' / 's20' string (max length), 'd' date-time,
 * 'u' / 'u512' URI, 'e7' enum 7, '' anything; an object ({ name: node, 'name!': node },
 * '!' = required, nothing else allowed unless '*': '' opens it, the generator puts it first);
 * an array ([node], [node, minItems] or [node, minItems, maxItems]).
 */
export type SchemaNode = string | ObjectNode | ArrayNode;
export interface ObjectNode {
  [property: string]: SchemaNode;
}
export type ArrayNode = [SchemaNode] | [SchemaNode, number] | [SchemaNode, number, number];
/** Per action: [request schema, response schema]. */
export interface SchemaTable {
  [action: string]: [ObjectNode, ObjectNode];
}
/**
 * The same tables as compact text (what build/ocpp-codegen.mjs generates): per action the
 * request's and the response's schema, ';' between them; a scalar node as above, an object
 * {name=node,name!=node} (open: {*=,name=node}), an array [node,minItems,maxItems], #7 the
 * object node shared[7]. A string per action holds in the heap what would otherwise be an
 * object, a shape and property names per node; a payload is checked against the text where
 * it is written (compactProtocol, through the one text tablesText makes of them: a bundle holds
 * that text alone, the generated `tables`), or against the nodes decodeTable makes of it.
 */
export interface CompactSchemas {
  actions: { [action: string]: string };
  shared: string[];
  /**
   * Optional, an object node ({name=node,...}): the properties every closed object node starts
   * with (2.0.1's customData, which every object of its schemas allows), written here once and
   * not in each node; decoded, a closed node has them first. An open node ({*=,...}) has only
   * its own.
   */
  implied?: string;
  /**
   * Optional, '|'-joined: the version's actions whose tables a bundle leaves out because it
   * serves none of them (a build without some features): still actions of the version, but
   * none of their payloads is checked, so none is sent or answered (NotSupported).
   */
  unserved?: string;
}

export const REQUEST = 0;
export const RESPONSE = 1;
export type Direction = typeof REQUEST | typeof RESPONSE;

/** What a ChargePoint needs to know of an OCPP version. */
export interface Protocol {
  readonly version: string;
  /** Whether the version defines this action. */
  isAction(action: string): boolean;
  /** The error a receiver answers this payload with, or null when it is valid. */
  validate(action: string, direction: Direction, payload: unknown): OcppError | null;
  /**
   * Optional: the version's own error for one the core raised under OCPP-J 1.6's codes
   * (2.0.1 renames some and has its own for broken frames); `framing`: the frame itself is no
   * OCPP-J message (unpack's errors), not a payload that fails its schema. Applied to every
   * CALLERROR sent and to the validators' errors.
   */
  translate?(error: OcppError, framing: boolean): OcppError;
}

/** Number.MAX_SAFE_INTEGER (ES2015): 2^53 - 1. */
const MAX_SAFE_INTEGER = 9007199254740991;

const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-](\d\d):(\d\d))$/;

/** RFC 3339 date-time, as JSON Schema's "date-time" format (a time zone is required). */
export function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const year = +m[1];
  const month = +m[2];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && +m[3] >= 1 && +m[3] <= days && +m[4] < 24 && +m[5] < 60 && +m[6] <= 60 && (!m[9] || (+m[9] < 24 && +m[10] < 60));
}

/** A URI (a scheme, ':', no white space); the expression made where a schema has one (few do), not held by every bundle. */
function isUri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s);
}

/** String length in characters (code points), as JSON Schema counts it. */
function length(s: string): number {
  const surrogates = s.match(/[\uDC00-\uDFFF]/g);
  return s.length - (surrogates ? surrogates.length : 0);
}

/** Where line `n` of `text` starts (a newline between lines). */
function lineAt(text: string, n: number): number {
  let at = 0;
  while (n-- > 0) at = text.indexOf('\n', at) + 1;
  return at;
}

/** Where the line of `text` that holds `at` ends. */
function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

/** Whether `v` is one of the '|'-joined values written from `from` to `end` of `text`, found where they are written. */
function listed(text: string, from: number, end: number, v: string): boolean {
  if (!v || v.indexOf('|') >= 0) return false;
  for (let at = text.indexOf(v, from); at >= 0 && at + v.length <= end; at = text.indexOf(v, at + 1)) {
    if ((at === from || text.charAt(at - 1) === '|') && (at + v.length === end || text.charAt(at + v.length) === '|')) return true;
  }
  return false;
}

function typeError(path: string, expected: string): OcppError {
  return new TypeConstraintViolationError(path + ' is not ' + expected);
}

function checkScalar(node: string, v: unknown, path: string, lists: string, base: number): OcppError | null {
  const kind = node.charAt(0);
  const arg = node.substring(1);
  if (kind === 'i') {
    if (typeof v !== 'number' || v % 1 !== 0) return typeError(path, 'an integer');
    // Beyond 2^53 a JSON integer is no longer exact, and it would go back out in exponent
    // form (1e+23), which no schema's "integer" accepts: refused before it is stored.
    if (v > MAX_SAFE_INTEGER || v < -MAX_SAFE_INTEGER) return new PropertyConstraintViolationError(path + ' is outside the integer range ±(2^53-1)');
    if (!arg) return null;
    const range = arg.split(':');
    return (range[0] && v < +range[0]) || (range[1] && v > +range[1]) ? new PropertyConstraintViolationError(path + ' is not in the range ' + arg) : null;
  }
  if (kind === 'b') return typeof v === 'boolean' ? null : typeError(path, 'a boolean');
  if (kind === 'n') {
    if (typeof v !== 'number') return typeError(path, 'a number');
    // JSON.parse reads 1e400 as Infinity, which would go back out as null.
    if (!isFinite(v)) return new PropertyConstraintViolationError(path + ' is not a finite number');
    if (!arg) return null;
    const q = v / +arg;
    return Math.abs(q - Math.round(q)) <= 1e-9 * Math.max(1, Math.abs(q)) ? null : new PropertyConstraintViolationError(path + ' is not a multiple of ' + +arg);
  }
  if (typeof v !== 'string') return typeError(path, 'a string');
  if (kind === 'e') {
    const from = lineAt(lists, base + +arg);
    const end = lineEnd(lists, from);
    return listed(lists, from, end, v) ? null : new PropertyConstraintViolationError(path + ' is not one of ' + lists.substring(from, end).split('|').join(', '));
  }
  if (kind === 'd') return isDateTime(v) ? null : new PropertyConstraintViolationError(path + ' is not an RFC 3339 date-time');
  if (arg && v.length > +arg && length(v) > +arg) return new PropertyConstraintViolationError(path + ' is longer than ' + arg + ' characters');
  if (kind === 'u' && !isUri(v)) return new PropertyConstraintViolationError(path + ' is not a URI');
  return null;
}

/** The path of an array item (a number) or a property below `path`. */
function pathAt(path: string, k: string | number): string {
  return typeof k === 'number' ? path + '[' + k + ']' : path ? path + '.' + k : k;
}

/** The first violation of `node` by `v`, or null. */
export function check(node: SchemaNode, v: unknown, path: string, lists: string): OcppError | null {
  if (typeof node === 'string') return node ? checkScalar(node, v, path, lists, 0) : null;
  let error: OcppError | null = null;
  if (isArray(node)) {
    if (!isArray(v)) return typeError(path, 'an array');
    if (node[1] && v.length < node[1]) return new OccurenceConstraintViolationError(path + ' needs at least ' + node[1] + ' item(s)');
    if (node[2] && v.length > node[2]) return new OccurenceConstraintViolationError(path + ' has more than ' + node[2] + ' item(s)');
    for (let i = 0; i < v.length && !error; i++) error = check(node[0], v[i], pathAt(path, i), lists);
    return error;
  }
  if (!isObject(v)) return typeError(path, 'an object');
  for (const key in node) {
    const name = key.charAt(key.length - 1) === '!' ? key.slice(0, -1) : '';
    if (name && !has(v, name)) return new OccurenceConstraintViolationError(pathAt(path, name) + ' is required');
  }
  for (const k in v) {
    if (!has(v, k)) continue;
    // A name ending in '!' is no property of a schema (its '!' marks a required one).
    const sub = has(node, k) && k.charAt(k.length - 1) !== '!' ? node[k] : has(node, k + '!') ? node[k + '!'] : has(node, '*') ? '' : null;
    error = sub === null ? new PropertyConstraintViolationError(pathAt(path, quote(k)) + ' is not allowed') : check(sub, v[k], pathAt(path, k), lists);
    if (error) return error;
  }
  return null;
}

/** Where a decoding is in a compact schema text; `implied` (CompactSchemas') decoded once, or null. */
interface Cursor {
  text: string;
  at: number;
  shared: string[];
  implied: ObjectNode | null;
}

/**
 * A compact schema text (one whole node) decoded into its node, with the implied properties
 * (CompactSchemas' `implied`, decoded once: every closed node shares their nodes). Plain
 * functions over a cursor, not closures: a closure that calls itself is a reference cycle,
 * which QuickJS's reference counting does not free (each check's closures would stay until a GC).
 */
export function decodeNode(text: string, shared: string[], implied?: string): SchemaNode {
  return nodeAt({ text, at: 0, shared, implied: implied ? (nodeAt({ text: implied, at: 0, shared, implied: null }) as ObjectNode) : null });
}

function scalarAt(c: Cursor): string {
  const text = c.text;
  const start = c.at;
  let at = start;
  while (at < text.length && '{}[],='.indexOf(text.charAt(at)) < 0) at++;
  c.at = at;
  return text.substring(start, at);
}

function nodeAt(c: Cursor): SchemaNode {
  const text = c.text;
  const first = text.charAt(c.at);
  if (first === '#') {
    c.at++;
    return nodeAt({ text: c.shared[+scalarAt(c)], at: 0, shared: c.shared, implied: c.implied });
  }
  if (first === '[') {
    c.at++;
    const items: SchemaNode[] = [nodeAt(c)];
    while (text.charAt(c.at) === ',') {
      c.at++;
      items.push(+scalarAt(c) as never);
    }
    c.at++;
    return items as ArrayNode;
  }
  if (first !== '{') return scalarAt(c);
  const object: ObjectNode = {};
  c.at++;
  const implied = c.implied;
  if (implied && text.charAt(c.at) !== '*') for (const name in implied) object[name] = implied[name];
  while (text.charAt(c.at) !== '}') {
    const end = text.indexOf('=', c.at);
    const name = text.substring(c.at, end);
    c.at = end + 1;
    object[name] = nodeAt(c);
    if (text.charAt(c.at) === ',') c.at++;
  }
  c.at++;
  return object;
}

/** One action's schema of a direction, decoded. */
function decodeSchema(compact: CompactSchemas, action: string, direction: Direction): ObjectNode {
  const text = compact.actions[action];
  const split = text.indexOf(';');
  return decodeNode(direction === REQUEST ? text.substring(0, split) : text.substring(split + 1), compact.shared, compact.implied) as ObjectNode;
}

/** Every schema of compact tables decoded: the SchemaTable they stand for. */
export function decodeTable(compact: CompactSchemas): SchemaTable {
  const table: SchemaTable = {};
  for (const action in compact.actions) {
    if (has(compact.actions, action)) table[action] = [decodeSchema(compact, action, REQUEST), decodeSchema(compact, action, RESPONSE)];
  }
  return table;
}

// ---- checking against the tables' one text where it is written -----------------------------
// The same rules and errors as check() over decoded nodes (tableProtocol's), read from the text:
// no node objects per check (they were the peak's and, once freed, the pools' slack).

/**
 * A version's tables as one text, a newline between lines: the unserved actions
 * ('|'-joined), the implied properties' object node (or an empty line), the number of shared
 * nodes, the shared object nodes (#0 the first), the enum lists (e0 the first), then per action
 * its name, a space and its request's and response's schema (';' between them). One string in
 * the heap for all of them, not a string per action, enum list and shared node and the objects
 * and arrays that hold them; what build/ocpp-codegen.mjs generates (`tables`), and what
 * tablesText makes of CompactSchemas.
 */
export function tablesText(compact: CompactSchemas, enums: string[]): string {
  const lines = [compact.unserved || '', compact.implied || '', String(compact.shared.length)].concat(compact.shared, enums);
  for (const action in compact.actions) if (has(compact.actions, action)) lines.push(action + ' ' + compact.actions[action]);
  return lines.join('\n');
}

/** A version's one text (tablesText) and where its parts are: the lines of shared[0] and enums[0], the implied node (-1: none). */
interface Tables {
  text: string;
  shared: number;
  enums: number;
  implied: number;
}

/** The index just after the node written at `at` of `text` (a scalar, a #reference, an object or an array). */
function skip(text: string, at: number): number {
  let depth = 0;
  for (; at < text.length; at++) {
    const ch = text.charAt(at);
    if (ch === '{' || ch === '[') depth++;
    else if (depth) {
      if ((ch === '}' || ch === ']') && !--depth) return at + 1;
    } else if (',}];\n'.indexOf(ch) >= 0) return at;
  }
  return at;
}

/** Where the node of property `k` is written in the object node at `at` of `text`, or -1. */
function propertyAt(text: string, at: number, k: string): number {
  for (let p = at + 1; text.charAt(p) !== '}'; ) {
    const eq = text.indexOf('=', p);
    const length = eq - p - (text.charAt(eq - 1) === '!' ? 1 : 0);
    if (length === k.length && text.substr(p, length) === k) return eq + 1;
    p = skip(text, eq + 1);
    if (text.charAt(p) === ',') p++;
  }
  return -1;
}

/** The first violation of the node written at `at` of the tables' text by `v`, or null (check()'s rules and errors). */
function checkAt(c: Tables, at: number, v: unknown, path: string): OcppError | null {
  const text = c.text;
  const first = text.charAt(at);
  if (first === '#') return checkAt(c, lineAt(text, c.shared + +text.substring(at + 1, skip(text, at))), v, path);
  if (first === '[') {
    if (!isArray(v)) return typeError(path, 'an array');
    const p = skip(text, at + 1);
    const minEnd = text.charAt(p) === ',' ? skip(text, p + 1) : p;
    const min = minEnd > p ? +text.substring(p + 1, minEnd) : 0;
    const max = text.charAt(minEnd) === ',' ? +text.substring(minEnd + 1, skip(text, minEnd + 1)) : 0;
    if (min && v.length < min) return new OccurenceConstraintViolationError(path + ' needs at least ' + min + ' item(s)');
    if (max && v.length > max) return new OccurenceConstraintViolationError(path + ' has more than ' + max + ' item(s)');
    let error: OcppError | null = null;
    for (let i = 0; i < v.length && !error; i++) error = checkAt(c, at + 1, v[i], pathAt(path, i));
    return error;
  }
  if (first !== '{') {
    const node = text.substring(at, skip(text, at));
    return node ? checkScalar(node, v, path, text, c.enums) : null;
  }
  if (!isObject(v)) return typeError(path, 'an object');
  const open = text.charAt(at + 1) === '*';
  // A closed node's implied properties first (an object node of their own), then its own.
  const implied = open ? -1 : c.implied;
  for (let own = implied < 0 ? 1 : 0; own < 2; own++) {
    for (let p = (own ? at : implied) + 1; text.charAt(p) !== '}'; ) {
      const eq = text.indexOf('=', p);
      if (text.charAt(eq - 1) === '!' && !has(v, text.substring(p, eq - 1))) return new OccurenceConstraintViolationError(pathAt(path, text.substring(p, eq - 1)) + ' is required');
      p = skip(text, eq + 1);
      if (text.charAt(p) === ',') p++;
    }
  }
  for (const k in v) {
    if (!has(v, k)) continue;
    const inImplied = implied < 0 ? -1 : propertyAt(text, implied, k);
    const where = inImplied >= 0 ? inImplied : propertyAt(text, at, k);
    const error = where >= 0 ? checkAt(c, where, v[k], pathAt(path, k)) : open ? null : new PropertyConstraintViolationError(pathAt(path, quote(k)) + ' is not allowed');
    if (error) return error;
  }
  return null;
}

/** `checkOf`: a payload's first violation of the action's schema; `served`: whether the bundle has that schema. */
function protocol(version: string, isAction: (action: string) => boolean, served: (action: string) => boolean, checkOf: (action: string, direction: Direction, payload: unknown) => OcppError | null, translate?: Protocol['translate']): Protocol {
  return {
    version,
    isAction,
    validate(action, direction, payload) {
      if (!isAction(action)) return new NotImplementedError(quote(action) + ' is not an OCPP ' + version + ' action');
      if (!served(action)) return new NotSupportedError(action + ' is not served by this build');
      let error = isObject(payload) ? checkOf(action, direction, payload) : new FormationViolationError('payload is not an object');
      if (error) {
        (error as { description: string }).description = error.message = action + (direction === REQUEST ? '.req' : '.conf') + ': ' + error.description;
        if (translate) error = translate(error, false);
      }
      return error;
    },
    translate,
  };
}

/** A Protocol over tables of nodes (with the version's translate, if it has one). */
export function tableProtocol(version: string, schemas: SchemaTable, enums: string[], translate?: Protocol['translate']): Protocol {
  const isAction = (action: string) => has(schemas, action);
  const lists = enums.join('\n');
  return protocol(version, isAction, isAction, (action, direction, payload) => check(schemas[action][direction], payload, '', lists), translate);
}

/**
 * A Protocol over a version's tables as one text (tablesText; the generated `tables`): a
 * payload is checked against the schema's text where it is written, nothing decoded. An
 * unserved action is one of the version's without a table in this bundle: every payload of
 * it is refused NotSupported.
 */
export function textProtocol(version: string, text: string, translate?: Protocol['translate']): Protocol {
  const shared = lineAt(text, 2);
  const implied = lineAt(text, 1);
  const c: Tables = { text, shared: 3, enums: 3 + +text.substring(shared, lineEnd(text, shared)), implied: text.charAt(implied) === '{' ? implied : -1 };
  // Where an action's line starts its schemas ("Action " at a line's start), -1 for none: a
  // name with a newline or a space could match across lines. Where the last one found starts
  // is kept (validate asks three times), not its name (a string of the other side's).
  let lastAt = 0;
  const schemasAt = (action: string) => {
    if (!action || action.indexOf('\n') >= 0 || action.indexOf(' ') >= 0) return -1;
    if (!lastAt || text.charAt(lastAt + action.length) !== ' ' || text.substr(lastAt, action.length) !== action) {
      const at = text.indexOf('\n' + action + ' ');
      if (at < 0) return -1;
      lastAt = at + 1;
    }
    return lastAt + action.length + 1;
  };
  const served = (action: string) => schemasAt(action) >= 0;
  return protocol(
    version,
    (action) => served(action) || listed(text, 0, lineEnd(text, 0), action),
    served,
    (action, direction, payload) => {
      const at = schemasAt(action);
      return checkAt(c, direction === REQUEST ? at : text.indexOf(';', at) + 1, payload, '');
    },
    translate
  );
}

/** A Protocol over compact tables (CompactSchemas and its enum lists), through their one text (textProtocol). */
export function compactProtocol(version: string, compact: CompactSchemas, enums: string[], translate?: Protocol['translate']): Protocol {
  return textProtocol(version, tablesText(compact, enums), translate);
}
