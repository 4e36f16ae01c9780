// Generates the OCPP 2.0.1 message types and validator tables from the official JSON schemas
// that ocpp-rpc ships (node_modules/ocpp-rpc/lib/schemas/ocpp2_0_1.json: 64 actions, 128
// Request/Response schemas), with the generator shared by every version (build/ocpp-codegen.mjs:
// the table format is described there). Run by build/build.mjs before tsc; the output
// (src/ocpp/v201/generated/) is not committed.
//
// What the 2.0.1 schemas use beyond 1.6's: every enum and nested object is a named definition
// (the names the specification gives: IdTokenType → IdToken, RegistrationStatusEnumType →
// RegistrationStatusEnum), CustomDataType leaves its object open to vendor properties,
// maxItems, minimum / maximum on integers, and descriptions (carried into the types as doc
// comments). No uri format and no multipleOf.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateVersion, load, servedTablesModule } from './ocpp-codegen.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILE = 'ocpp2_0_1.json';

function definitionName(node, what) {
  if (!node.$name) throw new Error(`gen-ocpp201: ${what} that is not a named definition`);
  return node.$name;
}

// The actions the charging station initiates: the messages OCPP 2.0.1 part 2 (Messages)
// defines as "sent by the Charging Station to the CSMS" (DataTransfer goes both ways); every
// other action is the CSMS's.
const OUTGOING = [
  'Authorize',
  'BootNotification',
  'ClearedChargingLimit',
  'DataTransfer',
  'FirmwareStatusNotification',
  'Get15118EVCertificate',
  'GetCertificateStatus',
  'Heartbeat',
  'LogStatusNotification',
  'MeterValues',
  'NotifyChargingLimit',
  'NotifyCustomerInformation',
  'NotifyDisplayMessages',
  'NotifyEVChargingNeeds',
  'NotifyEVChargingSchedule',
  'NotifyEvent',
  'NotifyMonitoringReport',
  'NotifyReport',
  'PublishFirmwareStatusNotification',
  'ReportChargingProfiles',
  'ReservationStatusUpdate',
  'SecurityEventNotification',
  'SignCertificate',
  'StatusNotification',
  'TransactionEvent',
];

const CONFIG = {
  tag: 'gen-ocpp201',
  file: FILE,
  source: join(root, 'node_modules', 'ocpp-rpc', 'lib', 'schemas', FILE),
  out: join(root, 'src', 'ocpp', 'v201', 'generated'),
  expect: { schemas: 128, actions: 64 },
  actionDoc: 'Every OCPP 2.0.1 action.',
  enumName: (values, path, node) => definitionName(node, 'an enum at ' + path),
  enumType: (node) => definitionName(node, 'an enum'),
  objectName: (node, propName) => definitionName(node, 'an object at ' + propName),
  describe: true,
  outgoing: OUTGOING,
  outgoingDoc: 'The actions the charging station initiates (its CALLs to the CSMS; DataTransfer goes both ways).',
  lengths: { ID_TOKEN_MAX_LENGTH: 'Authorize.req.idToken.idToken' },
};

export async function generate() {
  generateVersion(CONFIG);
}

/** The names of the 64 OCPP 2.0.1 actions, sorted. */
export function actionNames() {
  return load(CONFIG.source, CONFIG.tag).names;
}

/** The generated schemas module of a bundle that serves only the actions `served` (build/build.mjs). */
export function servedSchemasModule(served) {
  return servedTablesModule(CONFIG, served);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await generate();
