// The code generator shared by build/gen-ocpp16.mjs and build/gen-ocpp201.mjs: from one of
// the official OCPP JSON schema sets that ocpp-rpc ships (node_modules/ocpp-rpc/lib/schemas/),
// the TypeScript types and the validator tables src/ocpp/validation.ts interprets. A version's
// generator only says where the schemas are and how its enums and object types are named.
//
//   types.ts    TypeScript interfaces (XxxRequest / XxxResponse, nested data types), string
//               literal unions for the enums, the Action union and the Requests / Responses maps.
//   schemas.ts  the compact tables (no code is generated, nothing is evaluated at run time).
//               A schema node is one of:
//                 'i' integer ('i0:100': from 0 to 100, 'i0:' at least 0), 'n' number
//                 ('n0.1': multiple of 0.1), 'b' boolean, 's' string ('s20': at most 20
//                 characters), 'd' date-time string, 'u' URI string, 'e7' one of the values
//                 of enums[7] (a '|'-joined list), '' any value,
//                 { name: node, 'name!': node }  an object, '!' marks required properties,
//                                                no other property allowed unless the object
//                                                has '*': '' (the schema leaves it open),
//                 [node] / [node, minItems] / [node, minItems, maxItems]  an array.
//               Object nodes used more than once are shared constants.
//
// Only the JSON-schema keywords the OCPP schemas use are understood; any other one stops the
// build (a new schema set cannot be half-checked by accident). Annotations (description,
// default, $comment) do not constrain a value; additionalItems has no effect when items is one
// schema (JSON Schema draft-07, 9.3.1.2), which is all OCPP uses.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const KNOWN_KEYWORDS = new Set([
  '$id',
  '$schema',
  '$name',
  '$comment',
  'description',
  'default',
  'type',
  'properties',
  'additionalProperties',
  'required',
  'items',
  'additionalItems',
  'minItems',
  'maxItems',
  'enum',
  'maxLength',
  'format',
  'multipleOf',
  'minimum',
  'maximum',
  'definitions',
]);

const ANNOTATIONS = new Set(['$name', '$comment', 'description', 'default']);

export const pascal = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Loads a schema file (an array of schemas with ids urn:Action.req / urn:Action.conf), pairs
 * them per action and resolves their $refs; a resolved definition keeps its name as $name
 * (without the "Type" suffix the schemas give every definition).
 */
export function load(source, tag) {
  const list = JSON.parse(readFileSync(source, 'utf8'));
  const actions = {};
  for (const schema of list) {
    const m = /^urn:(\w+)\.(req|conf)$/.exec(schema.$id);
    if (!m) throw new Error(`${tag}: unexpected schema id ${schema.$id}`);
    const resolve = (node) => {
      if (node && node.$ref) {
        const name = node.$ref.replace('#/definitions/', '');
        const def = schema.definitions && schema.definitions[name];
        if (!def) throw new Error(`${tag}: ${schema.$id}: unresolved ${node.$ref}`);
        return { ...resolve(def), $name: name.replace(/Type$/, '') };
      }
      if (!node || typeof node !== 'object') return node;
      const out = { ...node };
      if (node.properties) {
        out.properties = {};
        for (const k of Object.keys(node.properties)) out.properties[k] = resolve(node.properties[k]);
      }
      if (node.items) out.items = resolve(node.items);
      return out;
    };
    (actions[m[1]] = actions[m[1]] || {})[m[2]] = resolve(schema);
  }
  const names = Object.keys(actions).sort();
  for (const a of names) if (!actions[a].req || !actions[a].conf) throw new Error(`${tag}: ${a} lacks its .req or .conf`);
  return { actions, names, count: list.length };
}

function typeOf(node, where, tag) {
  for (const k of Object.keys(node)) if (!KNOWN_KEYWORDS.has(k)) throw new Error(`${tag}: ${where}: keyword ${k} is not supported`);
  const t = node.type;
  // No type and nothing else that constrains: any JSON value (DataTransfer's data).
  if (t === undefined && Object.keys(node).every((k) => ANNOTATIONS.has(k))) return 'any';
  if (typeof t !== 'string') throw new Error(`${tag}: ${where}: no single type`);
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) throw new Error(`${tag}: ${where}: additionalProperties other than false`);
  if (node.additionalItems !== undefined && (node.additionalItems !== false || isArray(node.items))) throw new Error(`${tag}: ${where}: additionalItems with tuple items`);
  if ((node.minimum !== undefined || node.maximum !== undefined) && t !== 'integer') throw new Error(`${tag}: ${where}: minimum / maximum on a ${t}`);
  return t;
}

const isArray = Array.isArray;

/**
 * Encodes the validator tables. `enumName(values, path, node)` names an enum the first time
 * its value list is met (the name goes in the types). Returns the source of schemas.ts and,
 * per '|'-joined value list, the enum's name.
 */
function encodeTables({ actions, names }, { tag, header, enumName }) {
  const enums = [];
  const enumIndex = {};
  const enumNames = {}; // '|'-joined values → type name
  const enumId = (node, path) => {
    const values = node.enum;
    const key = values.join('|');
    if (values.some((v) => v.indexOf('|') >= 0)) throw new Error(`${tag}: ${path}: enum value with "|"`);
    if (!(key in enumIndex)) {
      enumIndex[key] = enums.length;
      enums.push(key);
      enumNames[key] = enumName(values, path, node);
    }
    return enumIndex[key];
  };

  // Expanded source text of a node; objects and arrays are JS literals.
  const expand = (node, path) => {
    const t = typeOf(node, path, tag);
    if (node.enum) return JSON.stringify('e' + enumId(node, path));
    switch (t) {
      case 'integer': {
        const range = node.minimum !== undefined || node.maximum !== undefined ? (node.minimum !== undefined ? node.minimum : '') + ':' + (node.maximum !== undefined ? node.maximum : '') : '';
        return JSON.stringify('i' + range);
      }
      case 'number':
        return JSON.stringify('n' + (node.multipleOf ? String(node.multipleOf).replace(/^0\./, '.') : ''));
      case 'boolean':
        return '"b"';
      case 'any':
        return '""';
      case 'string':
        if (node.format === 'date-time') return '"d"';
        if (node.format && node.format !== 'uri') throw new Error(`${tag}: ${path}: format ${node.format}`);
        return JSON.stringify((node.format === 'uri' ? 'u' : 's') + (node.maxLength || ''));
      case 'array': {
        const bounds = node.maxItems ? ',' + (node.minItems || 0) + ',' + node.maxItems : node.minItems ? ',' + node.minItems : '';
        return '[' + expand(node.items, path) + bounds + ']';
      }
      case 'object': {
        const required = node.required || [];
        const props = node.properties || {};
        for (const r of required) if (!(r in props)) throw new Error(`${tag}: ${path}: required ${r} is not a property`);
        const parts = Object.keys(props).map((k) => {
          if (k === '*') throw new Error(`${tag}: ${path}: a property named "*"`);
          const key = required.includes(k) ? JSON.stringify(k + '!') : /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
          return key + ':' + expand(props[k], path + '.' + k);
        });
        if (node.additionalProperties !== false) parts.push('"*":""');
        return '{' + parts.join(',') + '}';
      }
      default:
        throw new Error(`${tag}: ${path}: type ${t}`);
    }
  };

  // Pass 1: how often each object literal occurs; pass 2: shared ones become constants.
  const counts = {};
  const countObjects = (text) => {
    // Every balanced {...} in the text.
    const stack = [];
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') stack.push(i);
      else if (c === '}') {
        const s = text.slice(stack.pop(), i + 1);
        counts[s] = (counts[s] || 0) + 1;
      }
    }
  };
  const rows = names.map((a) => {
    const req = expand(actions[a].req, a + '.req');
    const conf = expand(actions[a].conf, a + '.conf');
    countObjects(req);
    countObjects(conf);
    return [a, req, conf];
  });
  const shared = {}; // expanded object text → constant name
  const consts = [];
  const table = rows.map(([a, req, conf]) => `  ${a}: [${shareExpanded(req)}, ${shareExpanded(conf)}],`);

  // Objects innermost first: one used more than once becomes a constant (its expanded
  // text is the key); the others get their braces hidden so the next match is their parent.
  function shareExpanded(text) {
    let out = text;
    for (;;) {
      const m = /\{[^{}]*\}/.exec(out);
      if (!m) break;
      const inner = m[0];
      const full = expandBack(inner);
      let replacement;
      if (counts[full] > 1 && full.length > 12) {
        if (!shared[full]) {
          shared[full] = 'O' + consts.length;
          consts.push(`const ${shared[full]}: ObjectNode = ${restore(inner)};`);
        }
        replacement = '\u0003' + shared[full] + '\u0004';
      } else {
        replacement = '\u0001' + inner.slice(1, -1) + '\u0002';
      }
      out = out.slice(0, m.index) + replacement + out.slice(m.index + inner.length);
    }
    return restore(out);
  }
  // Back-mapping from a partially replaced text to the fully expanded one.
  function expandBack(text) {
    const byName = {};
    for (const k of Object.keys(shared)) byName[shared[k]] = k;
    return text
      .replace(/\u0003(O\d+)\u0004/g, (_, n) => byName[n])
      .replace(/\u0001/g, '{')
      .replace(/\u0002/g, '}');
  }
  function restore(text) {
    return text.replace(/\u0003(O\d+)\u0004/g, '$1').replace(/\u0001/g, '{').replace(/\u0002/g, '}');
  }

  const source = [
    header,
    "import { ObjectNode, SchemaTable } from '../../validation';",
    '',
    '/** Enum value lists, "|"-joined. */',
    'export const enums: string[] = [',
    ...enums.map((e) => `  ${JSON.stringify(e)},`),
    '];',
    '',
    ...consts,
    '',
    '/** [request schema, confirmation schema] per action. */',
    'export const schemas: SchemaTable = {',
    ...table,
    '};',
    '',
  ].join('\n');
  return { source, enumNames };
}

/** A schema description as a one-line doc comment ('' when there is none). */
function docComment(node, indent) {
  if (!node.description) return '';
  const text = node.description.replace(/\s+/g, ' ').trim().replace(/\*\//g, '* /');
  return text ? `${indent}/** ${text} */\n` : '';
}

/**
 * Encodes the TypeScript types. An enum's type name is `enumType(node, enumNames)`; an object
 * type is named `objectName(node, propName)`, one declaration per distinct structure (and
 * definition), the
 * action's name put first when two structures would get the same name.
 */
function encodeTypes({ actions, names }, enumNames, { tag, header, actionDoc, objectName, enumType, describe }) {
  const decls = [];
  const objectNames = {}; // structure signature → name
  const taken = {};
  const enumDecls = {}; // type name → declaration, in the order first used

  const tsType = (node, path, propName, action) => {
    if (node.enum) {
      const name = enumType(node, enumNames);
      if (!enumDecls[name]) enumDecls[name] = `export type ${name} = ${node.enum.map((v) => JSON.stringify(v)).join(' | ')};`;
      return name;
    }
    switch (node.type) {
      case undefined:
        return 'unknown';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'string':
        return 'string';
      case 'array':
        return arrayOf(tsType(node.items, path, propName, action));
      case 'object':
        return objectType(node, path, propName, action);
    }
    throw new Error(`${tag}: ${path}: type ${node.type}`);
  };
  const arrayOf = (t) => (/^\w+$/.test(t) ? t + '[]' : 'Array<' + t + '>');
  const body = (node, path, action) => {
    const required = node.required || [];
    const props = node.properties || {};
    const lines = Object.keys(props).map(
      (k) => (describe ? docComment(props[k], '  ') : '') + `  ${k}${required.includes(k) ? '' : '?'}: ${tsType(props[k], path + '.' + k, k, action)};`
    );
    // An open object (the schema allows other properties) takes any extra one.
    if (node.additionalProperties !== false) lines.push('  [property: string]: unknown;');
    return lines.join('\n');
  };
  const objectType = (node, path, propName, action) => {
    const text = body(node, path, action);
    // The same structure is one type; two definitions of the same structure stay two.
    const signature = (node.$name || '') + JSON.stringify(node, (k, v) => (k === '$name' || k === 'description' ? undefined : v));
    if (objectNames[signature]) return objectNames[signature];
    let name = objectName(node, propName);
    if (taken[name]) name = action + name;
    if (taken[name]) throw new Error(`${tag}: ${path}: type name ${name} used twice`);
    taken[name] = true;
    objectNames[signature] = name;
    decls.push(`${describe ? docComment(node, '') : ''}export interface ${name} {\n${text}\n}`);
    return name;
  };

  const messages = [];
  for (const a of names) {
    for (const [kind, suffix] of [
      ['req', 'Request'],
      ['conf', 'Response'],
    ]) {
      const node = actions[a][kind];
      const text = body(node, a + '.' + kind, a);
      messages.push(text ? `export interface ${a}${suffix} {\n${text}\n}` : `export interface ${a}${suffix} {}`);
    }
  }
  return [
    header,
    '',
    `/** ${actionDoc} */`,
    `export type Action =\n${names.map((a) => `  | '${a}'`).join('\n')};`,
    '',
    ...Object.keys(enumDecls).map((n) => enumDecls[n]),
    '',
    ...decls,
    '',
    ...messages,
    '',
    '/** Request payload type per action. */',
    `export interface Requests {\n${names.map((a) => `  ${a}: ${a}Request;`).join('\n')}\n}`,
    '/** Response (confirmation) payload type per action. */',
    `export interface Responses {\n${names.map((a) => `  ${a}: ${a}Response;`).join('\n')}\n}`,
    '',
  ].join('\n');
}

function writeIfChanged(file, text) {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileSync(file, text);
}

/**
 * Generates one version's schemas.ts and types.ts.
 *   tag        the generator's name, for errors and the GENERATED header
 *   source     the schema file; file its name under ocpp-rpc/lib/schemas/
 *   out        the output folder
 *   expect     { schemas, actions }: the counts the version has (a changed ocpp-rpc fails loudly)
 *   actionDoc  the Action union's doc comment
 *   enumName(values, path, node)  the name of an enum met first at path
 *   enumType(node, enumNames)     the type name of an enum node
 *   objectName(node, propName)    the type name of an object node
 *   describe   carry the schemas' descriptions into the types as doc comments
 */
export function generateVersion(config) {
  const { tag, source, file, out, expect } = config;
  const data = load(source, tag);
  if (data.count !== expect.schemas || data.names.length !== expect.actions) {
    throw new Error(`${tag}: expected ${expect.schemas} schemas for ${expect.actions} actions, got ${data.count} for ${data.names.length}`);
  }
  const header = `// GENERATED by build/${tag}.mjs from ocpp-rpc/lib/schemas/${file}. Do not edit.`;
  const { source: tables, enumNames } = encodeTables(data, { ...config, header });
  const types = encodeTypes(data, enumNames, { ...config, header });
  mkdirSync(out, { recursive: true });
  writeIfChanged(join(out, 'schemas.ts'), tables);
  writeIfChanged(join(out, 'types.ts'), types);
}
