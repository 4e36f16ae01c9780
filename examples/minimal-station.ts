// A charge point of one's own in about a hundred lines, on the OCPP core's API alone (no
// src/app): connect, BootNotification, Heartbeat at the CSMS's interval, two handlers
// (Reset, TriggerMessage) and a call (StatusNotification). Build and run it:
//   npm run build -- --entry examples/minimal-station.ts --out dist/minimal-station.js
//   node sim/csms.mjs --port 9000 &
//   npm run sim -- --bundle dist/minimal-station.js --url ws://localhost:9000/ocpp --id CP-1
import { createHal } from '../hal/index';
import { on, after } from '../src/ocpp';
import { ChargePoint, ResetRequest, ResetResponse, TriggerMessageRequest, TriggerMessageResponse } from '../src/ocpp/v16';

const hal = createHal(ocppHost);
// What this station does with its settings: it connects to url + '/' + id and boots as
// vendor / model. The simulator reports any other flag (--scenario, --duration, …) as ignored.
hal.declareSettings(['url', 'id', 'vendor', 'model', 'firmwareVersion']);

class MinimalChargePoint extends ChargePoint {
  heartbeat: { cancel(): void } | null = null;

  @on('Reset')
  onReset(request: ResetRequest): ResetResponse {
    hal.log.info('reset ' + request.type + ' asked by the CSMS');
    return { status: 'Accepted' };
  }

  @after('Reset')
  afterReset() {
    // The answer has gone out: close the connection as a station does, then reboot.
    ws.close(1000, 'reset');
    hal.restart();
  }

  @on('TriggerMessage')
  onTrigger(request: TriggerMessageRequest): TriggerMessageResponse {
    return { status: request.requestedMessage === 'Heartbeat' || request.requestedMessage === 'StatusNotification' ? 'Accepted' : 'NotImplemented' };
  }

  @after('TriggerMessage')
  afterTrigger(request: TriggerMessageRequest) {
    if (request.requestedMessage === 'Heartbeat') this.beat();
    else this.reportStatus();
  }

  /** Boot until accepted, then heartbeat at the interval the CSMS gave. */
  async boot(): Promise<void> {
    const conf = await this.call('BootNotification', {
      chargePointVendor: hal.settings.vendor,
      chargePointModel: hal.settings.model,
      firmwareVersion: hal.settings.firmwareVersion,
    });
    const interval = conf && conf.interval > 0 ? conf.interval : 30;
    if (!conf || conf.status !== 'Accepted') {
      hal.log.warning('boot not accepted (' + (conf ? conf.status : 'CALLERROR') + '): again in ' + interval + ' s');
      hal.setTimeout(() => this.boot(), interval * 1000);
      return;
    }
    hal.setTime(Date.parse(conf.currentTime));
    hal.log.info('boot accepted; heartbeat every ' + interval + ' s');
    this.reportStatus();
    this.heartbeat = hal.setInterval(() => this.beat(), interval * 1000);
  }

  beat(): void {
    this.call('Heartbeat', {}).then((conf) => conf && hal.log.info('heartbeat: CSMS time ' + conf.currentTime));
  }

  /** The call: connector 1 is Available. */
  reportStatus(): void {
    this.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
  }
}

const ws = hal.connect(hal.settings.url + '/' + hal.settings.id, { protocols: ['ocpp1.6'] });
const cp = new MinimalChargePoint(hal.settings.id, ws, { responseTimeout: 30, log: hal.log, setTimeout: hal.setTimeout });
ws.onopen = () => {
  hal.log.info('connected to ' + hal.settings.url);
  cp.boot();
};
ws.onerror = (message) => hal.log.error('connection failed: ' + message);
cp.start().then(() => {
  // The connection closed (the CSMS went away, or the reset above): a real station
  // reconnects; this one ends, and a module's host boots it again.
  if (cp.heartbeat) cp.heartbeat.cancel();
  hal.log.info('disconnected');
  hal.exit(1);
});
