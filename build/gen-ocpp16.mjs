// Generates the OCPP 1.6J message types and validator tables from the official JSON schemas
// that ocpp-rpc ships (node_modules/ocpp-rpc/lib/schemas/ocpp1_6.json: the 28 core actions
// and the 11 of the security extension, 78 .req/.conf schemas). Run by build/build.mjs before
// tsc; the output (src/ocpp/v16/generated/) is not committed.
//
//   types.ts    TypeScript interfaces (XxxRequest / XxxResponse, nested data types), string
//               literal unions for the enums, the Action union and the Requests / Responses maps.
//   schemas.ts  the compact tables src/ocpp/validation.ts interprets (no code is generated,
//               nothing is evaluated at run time). A schema node is one of:
//                 'i' integer, 'n' number ('n0.1': multiple of 0.1), 'b' boolean,
//                 's' string ('s20': at most 20 characters), 'd' date-time string, 'u' URI string,
//                 'e7' one of the values of enums[7] (a '|'-joined list),
//                 { name: node, 'name!': node }  an object, '!' marks required properties,
//                                                no other property allowed (every 1.6 schema says so),
//                 [node] or [node, minItems]     an array.
//               Object nodes used more than once are shared constants.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(root, 'node_modules', 'ocpp-rpc', 'lib', 'schemas', 'ocpp1_6.json');
const OUT = join(root, 'src', 'ocpp', 'v16', 'generated');

// The schemas name no enum; these are the names the OCPP 1.6 specification (and the security
// whitepaper) give them, keyed by the first place the generator meets each distinct value list.
const ENUM_NAMES = {
  'Authorize.conf.idTagInfo.status': 'AuthorizationStatus',
  'BootNotification.conf.status': 'RegistrationStatus',
  'CancelReservation.conf.status': 'GenericStatus',
  'ChangeAvailability.req.type': 'AvailabilityType',
  'ChangeAvailability.conf.status': 'AvailabilityStatus',
  'ChangeConfiguration.conf.status': 'ConfigurationStatus',
  'ClearChargingProfile.req.chargingProfilePurpose': 'ChargingProfilePurposeType',
  'ClearChargingProfile.conf.status': 'ClearChargingProfileStatus',
  'DataTransfer.conf.status': 'DataTransferStatus',
  'DeleteCertificate.req.certificateHashData.hashAlgorithm': 'HashAlgorithm',
  'DeleteCertificate.conf.status': 'DeleteCertificateStatus',
  'DiagnosticsStatusNotification.req.status': 'DiagnosticsStatus',
  'ExtendedTriggerMessage.req.requestedMessage': 'ExtendedMessageTrigger',
  'ExtendedTriggerMessage.conf.status': 'TriggerMessageStatus',
  'FirmwareStatusNotification.req.status': 'FirmwareStatus',
  'GetCompositeSchedule.req.chargingRateUnit': 'ChargingRateUnitType',
  'GetInstalledCertificateIds.req.certificateType': 'CertificateUse',
  'GetInstalledCertificateIds.conf.status': 'GetInstalledCertificateStatus',
  'GetLog.req.logType': 'LogType',
  'GetLog.conf.status': 'LogStatus',
  'InstallCertificate.conf.status': 'InstallCertificateStatus',
  'LogStatusNotification.req.status': 'UploadLogStatus',
  'MeterValues.req.meterValue.sampledValue.context': 'ReadingContext',
  'MeterValues.req.meterValue.sampledValue.format': 'ValueFormat',
  'MeterValues.req.meterValue.sampledValue.measurand': 'Measurand',
  'MeterValues.req.meterValue.sampledValue.phase': 'Phase',
  'MeterValues.req.meterValue.sampledValue.location': 'Location',
  'MeterValues.req.meterValue.sampledValue.unit': 'UnitOfMeasure',
  'RemoteStartTransaction.req.chargingProfile.chargingProfileKind': 'ChargingProfileKindType',
  'RemoteStartTransaction.req.chargingProfile.recurrencyKind': 'RecurrencyKindType',
  'ReserveNow.conf.status': 'ReservationStatus',
  'Reset.req.type': 'ResetType',
  'SendLocalList.req.updateType': 'UpdateType',
  'SendLocalList.conf.status': 'UpdateStatus',
  'SetChargingProfile.conf.status': 'ChargingProfileStatus',
  'SignedFirmwareStatusNotification.req.status': 'SignedFirmwareStatus',
  'SignedUpdateFirmware.conf.status': 'UpdateFirmwareStatus',
  'StatusNotification.req.errorCode': 'ChargePointErrorCode',
  'StatusNotification.req.status': 'ChargePointStatus',
  'StopTransaction.req.reason': 'Reason',
  'TriggerMessage.req.requestedMessage': 'MessageTrigger',
  'UnlockConnector.conf.status': 'UnlockStatus',
};

// Nested object types are named after their property (idTagInfo → IdTagInfo) or schema
// definition (CertificateHashDataType → CertificateHashData); these read better.
const OBJECT_NAMES = {
  csChargingProfiles: 'ChargingProfile',
  localAuthorizationList: 'AuthorizationData',
  configurationKey: 'KeyValue',
  transactionData: 'MeterValue',
  log: 'LogParameters',
  firmware: 'Firmware',
};

const pascal = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** Loads the schemas, pairs them per action, resolves $refs. */
function load() {
  const list = JSON.parse(readFileSync(SOURCE, 'utf8'));
  const actions = {};
  for (const schema of list) {
    const m = /^urn:(\w+)\.(req|conf)$/.exec(schema.$id);
    if (!m) throw new Error('gen-ocpp16: unexpected schema id ' + schema.$id);
    const resolve = (node) => {
      if (node && node.$ref) {
        const name = node.$ref.replace('#/definitions/', '');
        const def = schema.definitions && schema.definitions[name];
        if (!def) throw new Error(`gen-ocpp16: ${schema.$id}: unresolved ${node.$ref}`);
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
  for (const a of names) if (!actions[a].req || !actions[a].conf) throw new Error(`gen-ocpp16: ${a} lacks its .req or .conf`);
  return { actions, names, count: list.length };
}

const KNOWN_KEYWORDS = new Set(['$id', '$schema', '$name', 'type', 'properties', 'additionalProperties', 'required', 'items', 'minItems', 'enum', 'maxLength', 'format', 'multipleOf', 'definitions']);

function typeOf(node, where) {
  for (const k of Object.keys(node)) if (!KNOWN_KEYWORDS.has(k)) throw new Error(`gen-ocpp16: ${where}: keyword ${k} is not supported`);
  const t = node.type;
  if (typeof t !== 'string') throw new Error(`gen-ocpp16: ${where}: no single type`);
  if (t === 'object' && node.additionalProperties !== false) throw new Error(`gen-ocpp16: ${where}: additional properties allowed`);
  return t;
}

/** Encodes the validator tables. */
function encodeTables({ actions, names }) {
  const enums = [];
  const enumIndex = {};
  const enumNames = {}; // '|'-joined values → type name
  const enumId = (values, path) => {
    const key = values.join('|');
    if (values.some((v) => v.indexOf('|') >= 0)) throw new Error(`gen-ocpp16: ${path}: enum value with "|"`);
    if (!(key in enumIndex)) {
      enumIndex[key] = enums.length;
      enums.push(key);
      const name = ENUM_NAMES[path];
      if (!name) throw new Error(`gen-ocpp16: no name for the enum at ${path} (add it to ENUM_NAMES)`);
      enumNames[key] = name;
    }
    return enumIndex[key];
  };

  // Expanded source text of a node; objects and arrays are JS literals.
  const expand = (node, path) => {
    const t = typeOf(node, path);
    if (node.enum) return JSON.stringify('e' + enumId(node.enum, path));
    switch (t) {
      case 'integer':
        return '"i"';
      case 'number':
        return JSON.stringify('n' + (node.multipleOf ? String(node.multipleOf).replace(/^0\./, '.') : ''));
      case 'boolean':
        return '"b"';
      case 'string':
        if (node.format === 'date-time') return '"d"';
        if (node.format && node.format !== 'uri') throw new Error(`gen-ocpp16: ${path}: format ${node.format}`);
        return JSON.stringify((node.format === 'uri' ? 'u' : 's') + (node.maxLength || ''));
      case 'array':
        return '[' + expand(node.items, path) + (node.minItems ? ',' + node.minItems : '') + ']';
      case 'object': {
        const required = node.required || [];
        const props = node.properties || {};
        for (const r of required) if (!(r in props)) throw new Error(`gen-ocpp16: ${path}: required ${r} is not a property`);
        const parts = Object.keys(props).map((k) => {
          const key = required.includes(k) ? JSON.stringify(k + '!') : /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
          return key + ':' + expand(props[k], path + '.' + k);
        });
        return '{' + parts.join(',') + '}';
      }
      default:
        throw new Error(`gen-ocpp16: ${path}: type ${t}`);
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
    '// GENERATED by build/gen-ocpp16.mjs from ocpp-rpc/lib/schemas/ocpp1_6.json. Do not edit.',
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

/** Encodes the TypeScript types. */
function encodeTypes({ actions, names }, enumNames) {
  const decls = [];
  const objectNames = {}; // structure signature → name
  const taken = {};

  const tsType = (node, path, propName, action) => {
    if (node.enum) return enumNames[node.enum.join('|')];
    switch (node.type) {
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
    throw new Error(`gen-ocpp16: ${path}: type ${node.type}`);
  };
  const arrayOf = (t) => (/^\w+$/.test(t) ? t + '[]' : 'Array<' + t + '>');
  const body = (node, path, action) => {
    const required = node.required || [];
    const props = node.properties || {};
    return Object.keys(props)
      .map((k) => `  ${k}${required.includes(k) ? '' : '?'}: ${tsType(props[k], path + '.' + k, k, action)};`)
      .join('\n');
  };
  const objectType = (node, path, propName, action) => {
    const text = body(node, path, action);
    const signature = JSON.stringify(node, (k, v) => (k === '$name' ? undefined : v));
    if (objectNames[signature]) return objectNames[signature];
    let name = OBJECT_NAMES[propName] || node.$name || pascal(propName);
    if (taken[name]) name = action + name;
    if (taken[name]) throw new Error(`gen-ocpp16: ${path}: type name ${name} used twice`);
    taken[name] = true;
    objectNames[signature] = name;
    decls.push(`export interface ${name} {\n${text}\n}`);
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
  const enumDecls = Object.keys(enumNames).map((k) => `export type ${enumNames[k]} = ${k.split('|').map((v) => JSON.stringify(v)).join(' | ')};`);
  return [
    '// GENERATED by build/gen-ocpp16.mjs from ocpp-rpc/lib/schemas/ocpp1_6.json. Do not edit.',
    '',
    '/** Every OCPP 1.6J action (core profiles and security extension). */',
    `export type Action =\n${names.map((a) => `  | '${a}'`).join('\n')};`,
    '',
    ...enumDecls,
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

export async function generate() {
  const data = load();
  if (data.count !== 78 || data.names.length !== 39) throw new Error(`gen-ocpp16: expected 78 schemas for 39 actions, got ${data.count} for ${data.names.length}`);
  const { source, enumNames } = encodeTables(data);
  const types = encodeTypes(data, enumNames);
  mkdirSync(OUT, { recursive: true });
  writeIfChanged(join(OUT, 'schemas.ts'), source);
  writeIfChanged(join(OUT, 'types.ts'), types);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await generate();
