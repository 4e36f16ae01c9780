// The device model's actions: GetVariables (B06), SetVariables (B05), GetBaseReport (B07) and
// GetReport (B08) with their NotifyReport parts (reports.ts, a part: src/lib/parts.ts, held
// while a report is being sent), and DeviceDataCtrlr, the variables that bound them.
import { FormatViolationError, OccurrenceConstraintViolationError } from '../../ocpp/v201/errors';
import { AttributeEnum, GetVariableData, GetVariableResult, SetVariableData, SetVariableResult } from '../../ocpp/v201/generated/types';
import { StationContext } from '../context';
import { PartHolder } from '../../lib/part-holder';
import { DeviceModel } from './model';
import { reportsPart } from './reports-part';
import type { Reports } from './reports';

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

  const reports = new PartHolder<StationContext, Reports>(station.hal, reportsPart, station);
  station.route({
    GetVariables: {
      on: (request) => {
        const data = request.getVariableData;
        tooMany(data.length, model.getInt('DeviceDataCtrlr', 'ItemsPerMessage', 'GetVariables'), 'getVariableData', 'ItemsPerMessageGetVariables'); // B06.FR.16
        tooLong(request, model.getInt('DeviceDataCtrlr', 'BytesPerMessage', 'GetVariables'), 'BytesPerMessageGetVariables'); // B06.FR.17
        // One result per element, with its component, variable and attribute type (B06.FR.01-03, B06.FR.11).
        return { getVariableResult: data.map((d) => getVariable(model, d)) };
      },
    },
    SetVariables: {
      on: (request) => {
        const data = request.setVariableData;
        tooMany(data.length, model.getInt('DeviceDataCtrlr', 'ItemsPerMessage', 'SetVariables'), 'setVariableData', 'ItemsPerMessageSetVariables');
        tooLong(request, model.getInt('DeviceDataCtrlr', 'BytesPerMessage', 'SetVariables'), 'BytesPerMessageSetVariables');
        return { setVariableResult: data.map((d) => setVariable(model, d)) }; // B05.FR.01-03, B05.FR.12
      },
    },
    // The reports are a part (reports.ts), held while one is being sent.
    GetBaseReport: {
      on: (request) => reports.open('GetBaseReport').base(request),
      after: (request, response) => {
        if (response.status === 'Accepted') reports.open('GetBaseReport').sendBase(request);
      },
    },
    GetReport: {
      on: (request) => {
        tooMany((request.componentVariable || []).length, model.getInt('DeviceDataCtrlr', 'ItemsPerMessage', 'GetReport'), 'componentVariable', 'ItemsPerMessageGetReport'); // B08.FR.17
        tooLong(request, model.getInt('DeviceDataCtrlr', 'BytesPerMessage', 'GetReport'), 'BytesPerMessageGetReport'); // B08.FR.18
        return reports.open('GetReport').custom(request);
      },
      after: (request, response) => {
        if (response.status === 'Accepted') reports.open('GetReport').sendCustom(request);
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
  const size = model.getInt('DeviceDataCtrlr', 'ConfigurationValueSize');
  const outcome =
    size > 0 && d.attributeValue.length > size
      ? { status: 'Rejected' as const, reason: 'longer than ConfigurationValueSize (' + size + ')' }
      : model.set(entry, d.attributeValue, attributeType); // B05.FR.06-10
  result.attributeStatus = outcome.status;
  if (outcome.reason) result.attributeStatusInfo = { reasonCode: outcome.status === 'Rejected' ? 'InvalidValue' : outcome.status, additionalInfo: outcome.reason.substring(0, 512) };
  return result;
}

function clip(model: DeviceModel, value: string): string {
  const size = model.getInt('DeviceDataCtrlr', 'ReportingValueSize');
  return size > 0 && value.length > size ? value.substring(0, size) : value;
}

