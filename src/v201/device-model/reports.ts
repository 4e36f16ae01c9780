// The device model's reports, the part (src/lib/parts.ts) the resident side (index.ts) opens
// for GetBaseReport (B07) and GetReport (B08) and holds while a report is being sent: which
// variables a report takes, and its NotifyReport parts of ItemsPerMessage(GetReport), each
// variable with its attributes and characteristics. A bundle built with parts carries it behind
// its own code (reports-part.ts).
import { ComponentCriterionEnum, ComponentVariable, GetBaseReportRequest, GetBaseReportResponse, GetReportRequest, GetReportResponse, ReportBaseEnum, ReportData, VariableAttribute } from '../../ocpp/v201/generated/types';
import { StationContext } from '../context';
import type { DeviceModel, Entry, ComponentRef } from './model';

/** The reports, on the station they report. */
export interface Reports {
  /** A report is being sent (its last part not yet out). */
  underWay(): boolean;
  /** GetBaseReport's answer. */
  base(request: GetBaseReportRequest): GetBaseReportResponse;
  /** Sends the base report an Accepted GetBaseReport asked for. */
  sendBase(request: GetBaseReportRequest): void;
  /** GetReport's answer (its bounds checked by the resident side). */
  custom(request: GetReportRequest): GetReportResponse;
  /** Sends the report an Accepted GetReport asked for. */
  sendCustom(request: GetReportRequest): void;
}

export function openReports(station: StationContext): Reports {
  const model = station.model;
  let reporting = false;
  const done = () => (reporting = false);
  return {
    underWay: () => reporting,
    // Every report base is supported (B07.FR.12 asks for two), so never NotSupported (B07.FR.02);
    // one report at a time: another while one is being sent is Rejected (B07.FR.13).
    base: (request) => ({ status: reporting ? 'Rejected' : inventory(model, request.reportBase).length ? 'Accepted' : 'EmptyResultSet' }), // B07.FR.01
    sendBase: (request) => {
      reporting = true;
      sendReport(station, request.requestId, inventory(model, request.reportBase), done); // B07.FR.03
    },
    custom: (request) => {
      if (reporting) return { status: 'Rejected' }; // B08.FR.16
      return { status: customReport(model, request.componentVariable || [], request.componentCriteria || []).length ? 'Accepted' : 'EmptyResultSet' }; // B08.FR.01, B08.FR.15
    },
    sendCustom: (request) => {
      reporting = true;
      // Every variable reported with its characteristics (B08.FR.03-04, B08.FR.12).
      sendReport(station, request.requestId, customReport(model, request.componentVariable || [], request.componentCriteria || []), done);
    },
  };
}

/**
 * The key of a component's variable ("EVSE@1/Available"), as model.ts writes it: a part takes
 * no code of the resident bundle, so these few lines are its own.
 */
function keyOf(c: ComponentRef, variable: string): string {
  let key = c.name;
  if (c.instance) key += '#' + c.instance;
  if (c.evse !== undefined) key += '@' + c.evse + (c.connector !== undefined ? '.' + c.connector : '');
  return key + '/' + variable;
}

function clip(model: DeviceModel, value: string): string {
  const size = model.getInt('DeviceDataCtrlr', 'ReportingValueSize');
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
  const per = Math.max(1, model.getInt('DeviceDataCtrlr', 'ItemsPerMessage', 'GetReport'));
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
