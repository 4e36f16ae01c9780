// Firmware entry of the OCPP 2.0.1 bundle (dist/firmware-201.js): a minimal charging station
// on the 2.0.1 core (src/ocpp/v201), until the full 2.0.1 station is built on the shared
// application. It boots (BootNotification with Accepted / Pending / Rejected handled as
// OCPP 2.0.1 part 2 B01-B03 say), reports each connector's status, heartbeats at the CSMS's
// interval and answers GetVariables for a few variables of its device model (B06).
// Every other CSMS action gets NotSupported (or NotImplemented when 2.0.1 has no such action).
import { createHal } from '../hal/index';
import { on, SecurityError } from './ocpp';
import { ChargePoint, OccurrenceConstraintViolationError, GetVariablesRequest, GetVariablesResponse, GetVariableData, GetVariableResult, RegistrationStatusEnum, BootNotificationResponse } from './ocpp/v201';

const hal = createHal(ocppHost);
hal.declareSettings(['url', 'id', 'vendor', 'model', 'firmwareVersion', 'connectors', 'duration', 'logLevel']);
const settings = hal.settings;

/** The interval the station picks itself when the CSMS gave none (B02.FR.07, B03.FR.05) or did not answer. */
const OWN_RETRY_SECONDS = 30;
/** Most GetVariableData elements one GetVariablesRequest may hold (DeviceDataCtrlr.ItemsPerMessage[GetVariables]). */
const ITEMS_PER_GET_VARIABLES = 16;

/** One read-only variable of the device model: component (name, EVSE id), variable (name, instance), its Actual value. */
interface Variable {
  component: string;
  evse?: number;
  variable: string;
  instance?: string;
  actual: () => string;
}

class MinimalStation extends ChargePoint {
  registration: RegistrationStatusEnum | 'None' = 'None';
  heartbeatInterval = 0;
  private heartbeat: { cancel(): void } | null = null;
  private readonly variables: Variable[] = [];

  constructor() {
    super(settings.id, ws, { log: hal.log, setTimeout: hal.setTimeout });
    const v = (component: string, variable: string, actual: () => string, instance?: string, evse?: number) =>
      this.variables.push({ component, variable, actual, instance, evse });
    v('OCPPCommCtrlr', 'HeartbeatInterval', () => String(this.heartbeatInterval));
    v('ClockCtrlr', 'DateTime', () => new Date(hal.now()).toISOString());
    v('DeviceDataCtrlr', 'ItemsPerMessage', () => String(ITEMS_PER_GET_VARIABLES), 'GetVariables');
    v('SecurityCtrlr', 'Identity', () => settings.id);
    v('ChargingStation', 'Model', () => settings.model);
    v('ChargingStation', 'VendorName', () => settings.vendor);
    v('ChargingStation', 'AvailabilityState', () => 'Available');
    for (let evse = 1; evse <= connectors; evse++) v('EVSE', 'AvailabilityState', () => 'Available', undefined, evse);
  }

  @on('GetVariables')
  onGetVariables(request: GetVariablesRequest): GetVariablesResponse {
    // While Rejected the station answers no CSMS request (B03.FR.08).
    if (this.registration === 'Rejected') throw new SecurityError('the CSMS rejected this station (BootNotification)');
    const data = request.getVariableData;
    if (data.length > ITEMS_PER_GET_VARIABLES) throw new OccurrenceConstraintViolationError('more than ' + ITEMS_PER_GET_VARIABLES + ' getVariableData (ItemsPerMessageGetVariables)'); // B06.FR.16
    // One result per element, with its component, variable and attribute type (B06.FR.01-03, B06.FR.11).
    return { getVariableResult: data.map((d) => this.lookUp(d)) };
  }

  private lookUp(d: GetVariableData): GetVariableResult {
    const attributeType = d.attributeType || 'Actual';
    const result: GetVariableResult = { attributeStatus: 'UnknownComponent', attributeType, component: d.component, variable: d.variable };
    const evse = d.component.evse ? d.component.evse.id : undefined;
    const ofComponent = this.variables.filter((v) => v.component === d.component.name && v.evse === evse && !d.component.instance);
    if (!ofComponent.length) return result; // B06.FR.06
    const found = ofComponent.filter((v) => v.variable === d.variable.name && (v.instance || '') === (d.variable.instance || ''))[0];
    if (!found) result.attributeStatus = 'UnknownVariable'; // B06.FR.07
    else if (attributeType !== 'Actual') result.attributeStatus = 'NotSupportedAttributeType'; // B06.FR.08: only Actual values here
    else {
      result.attributeStatus = 'Accepted'; // B06.FR.10
      result.attributeValue = found.actual();
    }
    return result;
  }

  /** BootNotification until Accepted; while Pending or Rejected again after the interval (B02.FR.08, B03.FR.06). */
  boot(): void {
    const reason = 'PowerUp'; // B01.FR.09
    this.call('BootNotification', { reason, chargingStation: { model: settings.model, vendorName: settings.vendor, firmwareVersion: settings.firmwareVersion } }).then(
      (conf) => this.booted(conf),
      (e) => {
        hal.log.warning('BootNotification failed: ' + (e && e.message));
        this.retryBoot(0);
      }
    );
  }

  private booted(conf: BootNotificationResponse | null): void {
    if (!conf) return this.retryBoot(0);
    hal.setTime(Date.parse(conf.currentTime)); // B01.FR.06
    this.registration = conf.status;
    if (conf.status !== 'Accepted') {
      hal.log.warning('boot ' + conf.status + ': BootNotification again in ' + (conf.interval || OWN_RETRY_SECONDS) + ' s');
      return this.retryBoot(conf.interval);
    }
    this.heartbeatInterval = conf.interval > 0 ? conf.interval : OWN_RETRY_SECONDS; // B01.FR.04
    hal.log.info('boot accepted; heartbeat every ' + this.heartbeatInterval + ' s');
    // Each connector's state (B01.FR.05): one connector per EVSE here.
    for (let evse = 1; evse <= connectors; evse++) {
      this.call('StatusNotification', { timestamp: new Date(hal.now()).toISOString(), connectorStatus: 'Available', evseId: evse, connectorId: 1 });
    }
    this.heartbeat = hal.setInterval(() => this.beat(), this.heartbeatInterval * 1000);
  }

  private retryBoot(interval: number): void {
    // Nothing else is sent until Accepted (B01.FR.08, B02.FR.02).
    hal.setTimeout(() => this.boot(), (interval > 0 ? interval : OWN_RETRY_SECONDS) * 1000);
  }

  private beat(): void {
    this.call('Heartbeat', {}).then((conf) => conf && hal.setTime(Date.parse(conf.currentTime)));
  }

  stop(): void {
    if (this.heartbeat) this.heartbeat.cancel();
    this.heartbeat = null;
  }
}

const connectors = Math.max(1, settings.connectors);
hal.log.info('boot: OCPP 2.0.1 minimal station ' + settings.id + ', ' + connectors + ' EVSE(s), CSMS ' + settings.url);
const ws = hal.connect(settings.url + '/' + settings.id, { protocols: ['ocpp2.0.1'] });
const station = new MinimalStation();
ws.onopen = () => {
  hal.log.info('connected to ' + settings.url + ' (ocpp2.0.1)');
  station.boot();
};
ws.onerror = (message) => hal.log.error('connection failed: ' + message);
station.start().then(() => {
  // The connection closed: this minimal station ends; a module's host boots it again.
  station.stop();
  hal.log.info('disconnected');
  hal.exit(1);
});
if (settings.duration > 0) {
  hal.setTimeout(() => {
    hal.log.info('duration over: closing');
    station.stop();
    ws.onclose = null;
    ws.close(1000, 'duration over');
    hal.exit(0);
  }, settings.duration * 1000);
}
