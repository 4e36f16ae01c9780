// The code generator shared by build/gen-ocpp16.mjs and build/gen-ocpp201.mjs: from one of
// the official OCPP JSON schema sets that ocpp-rpc ships (node_modules/ocpp-rpc/lib/schemas/),
// the TypeScript types and the validator tables src/ocpp/validation.ts interprets. A version's
// generator only says where the schemas are and how its enums and object types are named.
//
//   types.ts    TypeScript interfaces (XxxRequest / XxxResponse, nested data types), string
//               literal unions for the enums, the Action union and the Requests / Responses maps,
//               and the same for the actions the charge point initiates (OutgoingAction,
//               OutgoingRequests / OutgoingResponses: what ChargePoint.call() sends).
//   schemas.ts  the validator tables (no code is generated, nothing is evaluated at run time).
//               A schema node is one of:
//                 'i' integer ('i0:100': from 0 to 100, 'i0:' at least 0), 'n' number
//                 ('n.1': multiple of 0.1), 'b' boolean, 's' string ('s20': at most 20
//                 characters), 'd' date-time string, 'u' URI string, 'e7' one of the values
//                 of enums[7] (a '|'-joined list), '' any value,
//                 { name: node, 'name!': node }  an object, '!' marks required properties,
//                                                no other property allowed unless the object
//                                                has '*': '' first (the schema leaves it open),
//                 [node] / [node, minItems] / [node, minItems, maxItems]  an array.
//               They are written as compact text, one string per action (the request's and
//               the response's schema, ';' between them), and all of them as one text
//               (`tables`, what a bundle holds: see oneText), which src/ocpp/validation.ts
//               checks a payload against where it is written: a scalar as above, an object
//               {name=node,name!=node} ({*=,name=node} when open), an array
//               [node,minItems,maxItems], and #7 the object node shared[7] (object nodes used
//               more than once are written once). The properties every closed object starts
//               with (2.0.1's customData) are `implied`: written once, not in each node.
//   schemas-expanded.ts  the same tables as object literals, for the test that the decoded
//               text is what the generator built.
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
 * The compact tables of the actions `names` (in that order). `enumName(values, path, node)`
 * names an enum the first time its value list is met (the name goes in the types). Returns
 * the enum lists, their names (per '|'-joined value list), the nodes per action (`tree`), the
 * shared object nodes' text and the compact text per action.
 */
function compactTables({ actions }, names, { tag, enumName }) {
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

  // A schema as the validator's node (a scalar string, an object or an array, see above).
  const toNode = (node, path) => {
    const t = typeOf(node, path, tag);
    if (node.enum) return 'e' + enumId(node, path);
    switch (t) {
      case 'integer': {
        const range = node.minimum !== undefined || node.maximum !== undefined ? (node.minimum !== undefined ? node.minimum : '') + ':' + (node.maximum !== undefined ? node.maximum : '') : '';
        return 'i' + range;
      }
      case 'number':
        return 'n' + (node.multipleOf ? String(node.multipleOf).replace(/^0\./, '.') : '');
      case 'boolean':
        return 'b';
      case 'any':
        return '';
      case 'string':
        if (node.format === 'date-time') return 'd';
        if (node.format && node.format !== 'uri') throw new Error(`${tag}: ${path}: format ${node.format}`);
        return (node.format === 'uri' ? 'u' : 's') + (node.maxLength || '');
      case 'array': {
        const out = [toNode(node.items, path)];
        if (node.minItems || node.maxItems) out.push(node.minItems || 0);
        if (node.maxItems) out.push(node.maxItems);
        return out;
      }
      case 'object': {
        const required = node.required || [];
        const props = node.properties || {};
        for (const r of required) if (!(r in props)) throw new Error(`${tag}: ${path}: required ${r} is not a property`);
        // An open object's marker comes first ({*=,...}): the decoder knows at once whether
        // the implied properties (see below) belong to it.
        const out = node.additionalProperties !== false ? { '*': '' } : {};
        for (const k of Object.keys(props)) {
          // The compact text's delimiters cannot be part of a name; OCPP's names are identifiers.
          if (!/^[A-Za-z_$][\w$]*$/.test(k)) throw new Error(`${tag}: ${path}: property name ${JSON.stringify(k)} is not an identifier`);
          out[required.includes(k) ? k + '!' : k] = toNode(props[k], path + '.' + k);
        }
        return out;
      }
      default:
        throw new Error(`${tag}: ${path}: type ${t}`);
    }
  };
  // A node's whole text (references and implied properties written out): what tells nodes apart.
  const full = (node) =>
    typeof node === 'string'
      ? node
      : isArray(node)
        ? '[' + [full(node[0])].concat(node.slice(1)).join(',') + ']'
        : '{' + Object.keys(node).map((k) => k + '=' + full(node[k])).join(',') + '}';
  const tree = {};
  for (const a of names) tree[a] = [toNode(actions[a].req, a + '.req'), toNode(actions[a].conf, a + '.conf')];

  // The properties every closed object node starts with, the same node each (2.0.1's
  // customData: every object of its schemas allows it) are implied: written once, and left out
  // of every closed node's text (the decoder puts them back first, in the same order). An
  // open node ({*=,...}) keeps its own.
  const closed = [];
  const closedIn = (node) => {
    if (typeof node === 'string') return;
    if (isArray(node)) return closedIn(node[0]);
    if (!('*' in node)) closed.push(node);
    for (const k of Object.keys(node)) closedIn(node[k]);
  };
  for (const a of names) tree[a].forEach(closedIn);
  const implied = [];
  for (const k of closed.length ? Object.keys(closed[0]) : []) {
    const i = implied.length;
    if (k.endsWith('!') || !closed.every((o) => Object.keys(o)[i] === k && full(o[k]) === full(closed[0][k]))) break;
    implied.push(k);
  }
  // An implied node holding a closed object would imply itself without end.
  for (const k of implied) {
    const before = closed.length;
    closedIn(closed[0][k]);
    if (closed.length !== before) throw new Error(`${tag}: the implied property ${k} holds a closed object`);
  }
  const bare = (node) => {
    if (typeof node === 'string') return node;
    if (isArray(node)) return [bare(node[0])].concat(node.slice(1));
    const out = {};
    const keys = Object.keys(node);
    for (const k of '*' in node ? keys : keys.slice(implied.length)) out[k] = bare(node[k]);
    return out;
  };
  const stripped = {};
  for (const a of names) stripped[a] = tree[a].map(bare);
  const impliedNodes = implied.map((k) => bare(closed[0][k]));

  // The compact text of a node: a scalar as it is, {name=node,name!=node}, {*=,name=node},
  // [node,min,max]; an object node met more than once (and longer than a reference) is written
  // once in `shared` and referenced as #index.
  const counts = {};
  const count = (node) => {
    if (typeof node === 'string') return;
    if (Array.isArray(node)) return count(node[0]);
    const text = full(node);
    counts[text] = (counts[text] || 0) + 1;
    for (const k of Object.keys(node)) count(node[k]);
  };
  for (const a of names) stripped[a].forEach(count);
  impliedNodes.forEach(count);
  const shared = [];
  const sharedIndex = {};
  const compact = (node) => {
    if (typeof node === 'string') return node;
    if (Array.isArray(node)) return '[' + [compact(node[0])].concat(node.slice(1)).join(',') + ']';
    const text = '{' + Object.keys(node).map((k) => k + '=' + compact(node[k])).join(',') + '}';
    const whole = full(node);
    if (counts[whole] < 2 || whole.length <= 12) return text;
    if (!(whole in sharedIndex)) {
      sharedIndex[whole] = shared.length;
      shared.push(text);
    }
    return '#' + sharedIndex[whole];
  };
  const texts = {};
  for (const a of names) texts[a] = compact(stripped[a][0]) + ';' + compact(stripped[a][1]);
  const impliedText = implied.length ? '{' + implied.map((k, i) => k + '=' + compact(impliedNodes[i])).join(',') + '}' : '';
  return { enums, enumNames, tree, shared, texts, implied: impliedText };
}

/**
 * The tables as the one text src/ocpp/validation.ts's textProtocol reads (its tablesText
 * makes the same of CompactSchemas; a test holds them equal): lines of the unserved actions
 * ('|'-joined), the implied node (or nothing), the number of shared nodes, the shared nodes,
 * the enum lists, then per action its name, a space and its schemas' text.
 */
function oneText({ enums, shared, texts, implied }, names, unserved, tag) {
  const lines = [unserved.join('|'), implied, String(shared.length), ...shared, ...enums, ...names.map((a) => a + ' ' + texts[a])];
  for (const line of lines) if (line.indexOf('\n') >= 0) throw new Error(`${tag}: a newline in the tables' text`);
  for (const e of enums) if (e.split('|').some((v) => !v)) throw new Error(`${tag}: an empty enum value`);
  for (const a of names) if (!/^[A-Za-z]\w*$/.test(a)) throw new Error(`${tag}: action name ${JSON.stringify(a)} is not an identifier`);
  return lines.join('\n');
}

/**
 * Encodes the validator tables of every action. Returns the source of schemas.ts and of
 * schemas-expanded.ts, and, per '|'-joined value list, the enum's name.
 */
function encodeTables(data, { tag, header, enumName }) {
  const { names } = data;
  const tables = compactTables(data, names, { tag, enumName });
  const { enums, enumNames, tree, shared, texts, implied } = tables;
  const table = names.map((a) => `  ${a}: ${JSON.stringify(texts[a])},`);

  const source = [
    header,
    "import { CompactSchemas, decodeTable, SchemaTable } from '../../validation';",
    '',
    '/**',
    ' * The tables below as one text (see tablesText in src/ocpp/validation.ts): what a bundle',
    ' * holds and checks payloads against (textProtocol); the forms below are for tests and tools.',
    ' */',
    `export const tables = ${JSON.stringify(oneText(tables, names, [], tag))};`,
    '',
    '/** Enum value lists, "|"-joined. */',
    'export const enums: string[] = [',
    ...enums.map((e) => `  ${JSON.stringify(e)},`),
    '];',
    '',
    '/**',
    ' * Per action: its request and response schema as compact text, ";" between them (see',
    ' * build/ocpp-codegen.mjs), and the object nodes they share (#index): `tables` above as',
    ' * one string per action, for tests and tools (compactProtocol checks them through',
    ' * tablesText). `implied`: the properties every closed object node starts with, written once.',
    ' */',
    'export const compactSchemas: CompactSchemas = {',
    ...(implied ? [`  implied: ${JSON.stringify(implied)},`] : []),
    '  shared: [',
    ...shared.map((t) => `    ${JSON.stringify(t)},`),
    '  ],',
    '  actions: {',
    ...table.map((line) => '  ' + line),
    '  },',
    '};',
    '',
    '/** The same tables decoded: [request schema, response schema] per action (tests and tools; left out of a bundle that does not use it). */',
    'export const schemas: SchemaTable = /* @__PURE__ */ decodeTable(compactSchemas);',
    '',
  ].join('\n');
  // The tables as the generator built them, object literals: what a test compares the
  // decoded text against.
  const expanded = [
    header,
    "import { SchemaTable } from '../../validation';",
    '',
    '/** [request schema, response schema] per action, as object literals (tests only). */',
    'export const expandedSchemas: SchemaTable = {',
    ...names.map((a) => `  ${a}: ${JSON.stringify(tree[a])},`),
    '};',
    '',
  ].join('\n');
  return { source, expanded, enumNames };
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
function encodeTypes({ actions, names }, enumNames, { tag, header, actionDoc, objectName, enumType, describe, outgoing, outgoingDoc }) {
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
    `/** ${outgoingDoc} */`,
    `export type OutgoingAction =\n${outgoing.map((a) => `  | '${a}'`).join('\n')};`,
    '/** Request payload type per action the charge point initiates. */',
    `export interface OutgoingRequests {\n${outgoing.map((a) => `  ${a}: ${a}Request;`).join('\n')}\n}`,
    '/** Response payload type per action the charge point initiates. */',
    `export interface OutgoingResponses {\n${outgoing.map((a) => `  ${a}: ${a}Response;`).join('\n')}\n}`,
    '',
  ].join('\n');
}

/** types.ts's length constants (config.lengths): each field's maxLength as the schema gives it. */
function lengthConstants(data, { tag, lengths = {} }) {
  return Object.keys(lengths)
    .map((name) => {
      const [action, kind, ...path] = lengths[name].split('.');
      let node = data.actions[action] && data.actions[action][kind];
      for (const k of path) node = node && node.properties && node.properties[k];
      if (!node || node.type !== 'string' || typeof node.maxLength !== 'number') throw new Error(`${tag}: ${lengths[name]} is not a string with a maxLength`);
      return `/** The longest ${path.join('.')} (${action}.${kind} and wherever the schemas use it). */\nexport const ${name} = ${node.maxLength};\n`;
    })
    .join('');
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
 *   outgoing   the actions the charge point initiates (the specification says which; the
 *              schemas do not), outgoingDoc the OutgoingAction union's doc comment
 *   lengths    { NAME: 'Action.req.path.to.field' }: a string field's maxLength as a constant
 *              in types.ts (for inputs checked outside the validator: a card at the reader)
 */
export function generateVersion(config) {
  const { tag, source, file, out, expect, outgoing } = config;
  const data = load(source, tag);
  if (data.count !== expect.schemas || data.names.length !== expect.actions) {
    throw new Error(`${tag}: expected ${expect.schemas} schemas for ${expect.actions} actions, got ${data.count} for ${data.names.length}`);
  }
  for (const a of outgoing) if (!data.names.includes(a)) throw new Error(`${tag}: outgoing action ${a} has no schema`);
  if (new Set(outgoing).size !== outgoing.length || outgoing.join() !== [...outgoing].sort().join()) throw new Error(`${tag}: list the outgoing actions once each, sorted`);
  const header = `// GENERATED by build/${tag}.mjs from ocpp-rpc/lib/schemas/${file}. Do not edit.`;
  const { source: tables, expanded, enumNames } = encodeTables(data, { ...config, header });
  const types = encodeTypes(data, enumNames, { ...config, header }) + lengthConstants(data, config);
  mkdirSync(out, { recursive: true });
  writeIfChanged(join(out, 'schemas.ts'), tables);
  writeIfChanged(join(out, 'schemas-expanded.ts'), expanded);
  writeIfChanged(join(out, 'types.ts'), types);
}

/**
 * The validator tables of a bundle that serves only some of a version's actions (a build that
 * leaves features out, see build/features.mjs): the compact text of the `served` actions
 * alone, with only the enum lists and shared nodes they use, and the other actions' names,
 * '|'-joined, as `unserved` (still actions of the version: a CALL of one is answered
 * NotSupported, not NotImplemented). ES5 module text, in the bundle in place of tsc's output
 * of schemas.ts.
 */
export function servedTablesModule(config, served) {
  const { tag, source, file } = config;
  const data = load(source, tag);
  const names = data.names.filter((a) => served.includes(a));
  const unserved = data.names.filter((a) => !served.includes(a));
  const tables = compactTables(data, names, { tag, enumName: () => '' });
  const { enums, shared, texts, implied } = tables;
  return [
    `// GENERATED by build/${tag}.mjs from ocpp-rpc/lib/schemas/${file}: the tables of the ${names.length} of its ${data.names.length} actions this bundle serves.`,
    "import { decodeTable } from '../../validation';",
    `export var tables = ${JSON.stringify(oneText(tables, names, unserved, tag))};`,
    `export var enums = ${JSON.stringify(enums)};`,
    `export var compactSchemas = { ${implied ? `implied: ${JSON.stringify(implied)}, ` : ''}shared: ${JSON.stringify(shared)}, actions: { ${names.map((a) => `${a}: ${JSON.stringify(texts[a])}`).join(', ')} }, unserved: ${JSON.stringify(unserved.join('|'))} };`,
    'export var schemas = /* @__PURE__ */ decodeTable(compactSchemas);',
    '',
  ].join('\n');
}
