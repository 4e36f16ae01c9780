// Generates the OCPP 1.6J message types and validator tables from the official JSON schemas
// that ocpp-rpc ships (node_modules/ocpp-rpc/lib/schemas/ocpp1_6.json: the 28 core actions
// and the 11 of the security extension, 78 .req/.conf schemas), with the generator shared by
// every version (build/ocpp-codegen.mjs: the table format is described there). Run by
// build/build.mjs before tsc; the output (src/ocpp/v16/generated/) is not committed.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateVersion, load, pascal, servedTablesModule } from './ocpp-codegen.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILE = 'ocpp1_6.json';

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

// The actions the charge point initiates: OCPP 1.6 edition 2 chapter 4 ("Operations
// Initiated by Charge Point"; DataTransfer goes both ways, 4.3 and 5.6) and the security
// whitepaper's (edition 3: LogStatusNotification, SecurityEventNotification, SignCertificate,
// SignedFirmwareStatusNotification); every other action is the Central System's.
const OUTGOING = [
  'Authorize',
  'BootNotification',
  'DataTransfer',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
  'Heartbeat',
  'LogStatusNotification',
  'MeterValues',
  'SecurityEventNotification',
  'SignCertificate',
  'SignedFirmwareStatusNotification',
  'StartTransaction',
  'StatusNotification',
  'StopTransaction',
];

const CONFIG = {
  tag: 'gen-ocpp16',
  file: FILE,
  source: join(root, 'node_modules', 'ocpp-rpc', 'lib', 'schemas', FILE),
  out: join(root, 'src', 'ocpp', 'v16', 'generated'),
  expect: { schemas: 78, actions: 39 },
  actionDoc: 'Every OCPP 1.6J action (core profiles and security extension).',
  enumName(values, path) {
    const name = ENUM_NAMES[path];
    if (!name) throw new Error(`gen-ocpp16: no name for the enum at ${path} (add it to ENUM_NAMES)`);
    return name;
  },
  enumType: (node, enumNames) => enumNames[node.enum.join('|')],
  objectName: (node, propName) => OBJECT_NAMES[propName] || node.$name || pascal(propName),
  describe: false,
  outgoing: OUTGOING,
  outgoingDoc: 'The actions the charge point initiates (its CALLs to the Central System; DataTransfer goes both ways).',
  lengths: { ID_TAG_MAX_LENGTH: 'Authorize.req.idTag' },
};

export async function generate() {
  generateVersion(CONFIG);
}

/** The names of the 39 OCPP 1.6J actions, sorted. */
export function actionNames() {
  return load(CONFIG.source, CONFIG.tag).names;
}

/** The generated schemas module of a bundle that serves only the actions `served` (build/features.mjs). */
export function servedSchemasModule(served) {
  return servedTablesModule(CONFIG, served);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await generate();
