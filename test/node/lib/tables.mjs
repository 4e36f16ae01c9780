// The generated validator tables as data, for tests that compare a bundle's served tables
// (build/features.mjs, build/build.mjs) with the generated ones.

// What the 2.0.1 station neither routes nor sends (blocks H, I, K, O, Q and monitoring, not
// built; PublishFirmware is a local controller's): the bundles leave their validator tables out.
export const UNSERVED_201 = [
  'CancelReservation', 'ClearChargingProfile', 'ClearDisplayMessage', 'ClearVariableMonitoring', 'ClearedChargingLimit', 'CostUpdated',
  'Get15118EVCertificate', 'GetCertificateStatus', 'GetChargingProfiles', 'GetCompositeSchedule', 'GetDisplayMessages', 'GetMonitoringReport',
  'NotifyChargingLimit', 'NotifyDisplayMessages', 'NotifyEVChargingNeeds', 'NotifyEVChargingSchedule', 'NotifyEvent', 'NotifyMonitoringReport',
  'PublishFirmware', 'PublishFirmwareStatusNotification', 'ReportChargingProfiles', 'ReservationStatusUpdate', 'ReserveNow', 'SetChargingProfile',
  'SetDisplayMessage', 'SetMonitoringBase', 'SetMonitoringLevel', 'SetVariableMonitoring', 'UnpublishFirmware',
];

/** The enum lists and compact tables of a generated schemas module (tsc's output or a served one). */
export function tablesOf(code) {
  const body = code.replace(/^import .*$/gm, '').replace(/^export var schemas = .*$/m, '').replace(/^export var /gm, 'var ');
  return new Function(body + '\nreturn { enums: enums, compact: compactSchemas };')();
}

/** An action's compact text with every #reference and enum index replaced by what it stands for. */
export function expanded({ enums, compact }, action) {
  const resolve = (text) => text.replace(/#(\d+)/g, (m, i) => resolve(compact.shared[+i])).replace(/(^|[=[;])e(\d+)(?=[,}\];]|$)/g, (m, before, i) => before + 'e<' + enums[+i] + '>');
  return resolve(compact.actions[action]);
}

/**
 * The '|'-joined lists of `actions`' names a bundle holds as its tables' unserved actions: the
 * first line of the tables' one text (textProtocol's), a string literal that starts with it.
 */
export function unservedLists(code, actions) {
  const lists = [];
  for (const m of code.matchAll(/"([A-Za-z0-9]+(?:\|[A-Za-z0-9]+)+)\\n/g)) if (m[1].split('|').every((a) => actions.includes(a))) lists.push(m[1]);
  return lists;
}

/** Whether a bundle's code holds the table of `action` in its tables' one text (a line "Action {...}"). */
export function holdsTable(code, action) {
  return new RegExp('\\\\n' + action + ' [{#]').test(code);
}
