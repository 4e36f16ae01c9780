// The device model's actions: GetVariables (B06), SetVariables (B05), GetBaseReport (B07) and
// GetReport (B08) with their NotifyReport parts, and DeviceDataCtrlr, the variables that bound them.
import { FormatViolationError, OccurrenceConstraintViolationError } from '../../ocpp/v201/errors';
import {
  AttributeEnum,
  ComponentCriterionEnum,
  ComponentVariable,
  GetVariableData,
  GetVariableResult,
  ReportBaseEnum,
  ReportData,
  SetVariableData,
  SetVariableResult,
  VariableAttribute,
} from '../../ocpp/v201/generated/types';
import { StationContext } from '../context';
import { DeviceModel, Entry, ComponentRef, keyOf } from './model';

const ITEMS = 'DeviceDataCtrlr/ItemsPerMessage#';
const BYTES = 'DeviceDataCtrlr/BytesPerMessage#';
/** The longest value the station reports or accepts (ReportingValueSize, ConfigurationValueSize: at most 2500 and 1000 in the schemas). */
const REPORTING_VALUE_SIZE = 'DeviceDataCtrlr/ReportingValueSize';
const CONFIGURATION_VALUE_SIZE = 'DeviceDataCtrlr/ConfigurationValueSize';

export function deviceModel(station: StationContext): void {
  const model = station.model;
  // What one request or report part may hold; read-only: they are the station's own limits.
  const limit = (name: string, instance: string, value: string) => ({ name, instance, type: 'integer' as const, value, constant: true });
  model.add('DeviceDataCtrlr', [
    limit('ItemsPerMessage', 'GetReport', '16'),
    limit('ItemsPerMessage', 'GetVariables', '16'),
    limit('ItemsPerMessage', 'SetVariables', '16'),
    limit('BytesPerMessage', 'GetReport', '8000'),
    limit('BytesPerMessage', 'GetVariables', '8000'),
    limit('BytesPerMessage', 'SetVariables', '8000'),
    { name: 'ConfigurationValueSize', type: 'integer', value: '1000', constant: true },
    { name: 'ReportingValueSize', type: 'integer', value: '1000', constant: true },
  ]);

  let reporting = false;
  station.route({
    GetVariables: {
      on: (request) => {
        const data = request.getVariableData;
        tooMany(data.length, model.getInt(ITEMS + 'GetVariables'), 'getVariableData', 'ItemsPerMessageGetVariables'); // B06.FR.16
        tooLong(request, model.getInt(BYTES + 'GetVariables'), 'BytesPerMessageGetVariables'); // B06.FR.17
        // One result per element, with its component, variable and attribute type (B06.FR.01-03, B06.FR.11).
        return { getVariableResult: data.map((d) => getVariable(model, d)) };
      },
    },
    SetVariables: {
      on: (request) => {
        const data = request.setVariableData;
        tooMany(data.length, model.getInt(ITEMS + 'SetVariables'), 'setVariableData', 'ItemsPerMessageSetVariables');
        tooLong(request, model.getInt(BYTES + 'SetVariables'), 'BytesPerMessageSetVariables');
        return { setVariableResult: data.map((d) => setVariable(model, d)) }; // B05.FR.01-03, B05.FR.12
      },
    },
    GetBaseReport: {
      // Every report base is supported (B07.FR.12 asks for two), so never NotSupported (B07.FR.02);
      // one report at a time: another while one is being sent is Rejected (B07.FR.13).
      on: (request) => ({ status: reporting ? 'Rejected' : inventory(model, request.reportBase).length ? 'Accepted' : 'EmptyResultSet' }), // B07.FR.01
      after: (request, response) => {
        if (response.status !== 'Accepted') return;
        reporting = true;
        sendReport(station, request.requestId, inventory(model, request.reportBase), () => (reporting = false)); // B07.FR.03
      },
    },
    GetReport: {
      on: (request) => {
        const asked = request.componentVariable || [];
        tooMany(asked.length, model.getInt(ITEMS + 'GetReport'), 'componentVariable', 'ItemsPerMessageGetReport'); // B08.FR.17
        tooLong(request, model.getInt(BYTES + 'GetReport'), 'BytesPerMessageGetReport'); // B08.FR.18
        if (reporting) return { status: 'Rejected' }; // B08.FR.16
        return { status: customReport(model, asked, request.componentCriteria || []).length ? 'Accepted' : 'EmptyResultSet' }; // B08.FR.01, B08.FR.15
      },
      after: (request, response) => {
        if (response.status !== 'Accepted') return;
        reporting = true;
        // Every variable reported with its characteristics (B08.FR.03-04, B08.FR.12).
        sendReport(station, request.requestId, customReport(model, request.componentVariable || [], request.componentCriteria || []), () => (reporting = false));
      },
    },
  });
}

function tooMany(count: number, max: number, what: string, variable: string): void {
  if (max > 0 && count > max) throw new OccurrenceConstraintViolationError('more than ' + max + ' ' + what + ' (' + variable + ')');
}

/** The payload's length as JSON text: about the bytes of the frame (the core caps a frame at 64 KiB before this). */
function tooLong(payload: object, max: number, variable: string): void {
  const length = JSON.stringify(payload).length;
  if (max > 0 && length > max) throw new FormatViolationError(length + ' bytes, more than ' + max + ' (' + variable + ')');
}

function getVariable(model: DeviceModel, d: GetVariableData): GetVariableResult {
  const attributeType: AttributeEnum = d.attributeType || 'Actual';
  const result: GetVariableResult = { attributeStatus: 'Accepted', attributeType, component: d.component, variable: d.variable };
  const entry = model.find(d.component, d.variable);
  if (typeof entry === 'string') result.attributeStatus = entry; // B06.FR.06-07, B06.FR.15
  else if (!model.hasAttribute(entry, attributeType)) result.attributeStatus = 'NotSupportedAttributeType'; // B06.FR.08
  else if (entry.spec.mutability === 'WriteOnly') result.attributeStatus = 'Rejected'; // B06.FR.09
  else result.attributeValue = clip(model, model.read(entry, attributeType)); // B06.FR.10, B06.FR.13: '' when unset
  return result;
}

function setVariable(model: DeviceModel, d: SetVariableData): SetVariableResult {
  const attributeType: AttributeEnum = d.attributeType || 'Actual';
  const result: SetVariableResult = { attributeStatus: 'Accepted', attributeType, component: d.component, variable: d.variable };
  const entry = model.find(d.component, d.variable);
  if (typeof entry === 'string') {
    result.attributeStatus = entry; // B05.FR.04-05
    return result;
  }
  const size = model.getInt(CONFIGURATION_VALUE_SIZE);
  const outcome =
    size > 0 && d.attributeValue.length > size
      ? { status: 'Rejected' as const, reason: 'longer than ConfigurationValueSize (' + size + ')' }
      : model.set(entry, d.attributeValue, attributeType); // B05.FR.06-10
  result.attributeStatus = outcome.status;
  if (outcome.reason) result.attributeStatusInfo = { reasonCode: outcome.status === 'Rejected' ? 'InvalidValue' : outcome.status, additionalInfo: outcome.reason.substring(0, 512) };
  return result;
}

function clip(model: DeviceModel, value: string): string {
  const size = model.getInt(REPORTING_VALUE_SIZE);
  return size > 0 && value.length > size ? value.substring(0, size) : value;
}

/** The indices of the variables `wanted` takes (none: every one), in the model's order; each entry is decoded only while it is looked at. */
function select(model: DeviceModel, wanted?: (e: Entry) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0, e = model.at(0); e; e = model.at(++i)) if (!wanted || wanted(e)) out.push(i);
  return out;
}

/** The variables of a base report (B07.FR.07-09). */
function inventory(model: DeviceModel, base: ReportBaseEnum): number[] {
  if (base === 'FullInventory') return select(model);
  if (base === 'ConfigurationInventory') return select(model, (e) => e.spec.mutability === 'ReadWrite' || e.spec.mutability === 'WriteOnly');
  // SummaryInventory: availability, and the components with a problem.
  return select(model, (e) => e.spec.name === 'AvailabilityState' || (e.spec.name === 'Problem' && model.read(e) === 'true'));
}

/**
 * The variables a GetReport asks for (B08): those of the components that meet one of the
 * criteria (B08.FR.13), and of those the componentVariables name (B08.FR.05, B08.FR.11);
 * without criteria and componentVariables, every variable.
 */
function customReport(model: DeviceModel, asked: ComponentVariable[], criteria: ComponentCriterionEnum[]): number[] {
  return select(model, (e) => (!criteria.length || criteria.some((c) => meets(model, e.component, c))) && (!asked.length || asked.some((cv) => names(cv, e))));
}

/**
 * A component meets Active / Available / Enabled when that variable of it is true or it has
 * none (B08.FR.07-09), Problem only when its Problem variable is true (B08.FR.10).
 */
function meets(model: DeviceModel, c: ComponentRef, criterion: ComponentCriterionEnum): boolean {
  const e = model.entry(keyOf(c, criterion));
  return e ? model.read(e) === 'true' : criterion !== 'Problem';
}

/** Does a componentVariable name this variable? What it leaves out matches every value (B08.FR.20-25). */
function names(cv: ComponentVariable, e: Entry): boolean {
  const want = cv.component;
  const c = e.component;
  if (want.name.toLowerCase() !== c.name.toLowerCase()) return false;
  if (want.instance && want.instance.toLowerCase() !== (c.instance || '').toLowerCase()) return false; // B08.FR.24-25
  if (want.evse && (want.evse.id !== c.evse || (want.evse.connectorId !== undefined && want.evse.connectorId !== c.connector))) return false; // B08.FR.22-23
  const v = cv.variable;
  if (!v) return true; // B08.FR.20
  if (v.name.toLowerCase() !== e.spec.name.toLowerCase()) return false;
  return !v.instance || v.instance.toLowerCase() === (e.spec.instance || '').toLowerCase(); // B08.FR.21
}

/**
 * NotifyReport in parts of ItemsPerMessage(GetReport), seqNo from 0, tbc on all but the last
 * (B07.FR.04, B07.FR.10); `rows`: the variables' indices in the model (each decoded as its part is built).
 */
function sendReport(station: StationContext, requestId: number, rows: number[], done: () => void): void {
  const model = station.model;
  const per = Math.max(1, model.getInt(ITEMS + 'GetReport'));
  const generatedAt = new Date(station.hal.now()).toISOString();
  let seqNo = 0;
  const next = (from: number): void => {
    const part = rows.slice(from, from + per);
    const more = from + per < rows.length;
    // One part at a time: the data of the next is built only once the one before is answered.
    const sent = station.sendRequested('NotifyReport', { requestId, generatedAt, seqNo: seqNo++, tbc: more, reportData: part.map((i) => reportData(model, model.at(i)!)) });
    // The last part is out: a new report may begin. A part the CSMS did not answer (offline, error) ends the report; it may ask again.
    if (!more) done();
    else sent.then((answer) => (answer ? next(from + per) : done()));
  };
  next(0);
}

function reportData(model: DeviceModel, e: Entry): ReportData {
  const spec = e.spec;
  const mutability = spec.mutability || 'ReadOnly';
  // Every attribute the variable has, set or not (B07.FR.11); a WriteOnly value is never shown.
  const variableAttribute = model.attributesOf(e).map((type) => {
    const a: VariableAttribute = { type, mutability, persistent: !spec.read, constant: !!spec.constant };
    if (mutability !== 'WriteOnly') a.value = clip(model, model.read(e, type));
    return a;
  });
  const data: ReportData = {
    component: wireComponent(e.component),
    variable: spec.instance ? { name: spec.name, instance: spec.instance } : { name: spec.name },
    variableAttribute,
    variableCharacteristics: { dataType: spec.type, supportsMonitoring: false },
  };
  const c = data.variableCharacteristics!;
  if (spec.unit) c.unit = spec.unit;
  if (spec.min !== undefined) c.minLimit = spec.min;
  if (spec.max !== undefined) c.maxLimit = spec.max;
  if (spec.values) c.valuesList = spec.values;
  return data;
}

function wireComponent(c: ComponentRef): ReportData['component'] {
  const out: ReportData['component'] = { name: c.name };
  if (c.instance) out.instance = c.instance;
  if (c.evse !== undefined) out.evse = c.connector !== undefined ? { id: c.evse, connectorId: c.connector } : { id: c.evse };
  return out;
}
