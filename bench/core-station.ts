// Benchmark bundle: the OCPP core alone with a 10-handler station, the QuecPython `ocpp`
// library's own ground (its 10-handler station peaks at about 97 KB of MicroPython heap on a
// 32-bit build). It boots, heartbeats, reports its status, and serves the CSMS; the CSMS
// (bench/armhf.mjs) asks GetConfiguration and RemoteStartTransaction, upon which it
// authorizes, starts a transaction, sends 5 MeterValues and stops it, then logs
// "core session complete" and exits 0. Only the core and the HAL: no src/app.
import { createHal } from '../hal/index';
import { on, after } from '../src/ocpp';
import {
  ChargePoint,
  ChangeAvailabilityRequest,
  ChangeAvailabilityResponse,
  ChangeConfigurationRequest,
  ChangeConfigurationResponse,
  ClearCacheResponse,
  DataTransferResponse,
  GetConfigurationRequest,
  GetConfigurationResponse,
  RemoteStartTransactionRequest,
  RemoteStartTransactionResponse,
  RemoteStopTransactionResponse,
  ResetResponse,
  TriggerMessageRequest,
  TriggerMessageResponse,
  UnlockConnectorResponse,
} from '../src/ocpp/v16';

const hal = createHal(ocppHost);
hal.declareSettings(['url', 'id']);
const METER_VALUES = 5;
const METER_INTERVAL_MS = 200;

class CoreStation extends ChargePoint {
  config: { [key: string]: string } = { HeartbeatInterval: '300', MeterValueSampleInterval: '0' };
  meterWh = 1000;
  remoteStart: RemoteStartTransactionRequest | null = null;

  @on('RemoteStartTransaction')
  onRemoteStart(request: RemoteStartTransactionRequest): RemoteStartTransactionResponse {
    if (this.remoteStart) return { status: 'Rejected' };
    this.remoteStart = request;
    return { status: 'Accepted' };
  }

  @after('RemoteStartTransaction')
  afterRemoteStart() {
    const request = this.remoteStart;
    if (request) {
      this.charge(request.idTag, request.connectorId || 1).catch((err: Error) => {
        hal.log.error('core session failed: ' + err.message);
        hal.exit(1);
      });
    }
  }

  @on('RemoteStopTransaction')
  onRemoteStop(): RemoteStopTransactionResponse {
    return { status: 'Rejected' };
  }

  @on('GetConfiguration')
  onGetConfiguration(request: GetConfigurationRequest): GetConfigurationResponse {
    const keys = request.key && request.key.length ? request.key : Object.keys(this.config);
    const known = keys.filter((k) => k in this.config);
    return {
      configurationKey: known.map((k) => ({ key: k, readonly: false, value: this.config[k] })),
      unknownKey: keys.filter((k) => !(k in this.config)),
    };
  }

  @on('ChangeConfiguration')
  onChangeConfiguration(request: ChangeConfigurationRequest): ChangeConfigurationResponse {
    if (!(request.key in this.config)) return { status: 'NotSupported' };
    this.config[request.key] = request.value;
    return { status: 'Accepted' };
  }

  @on('Reset')
  onReset(): ResetResponse {
    return { status: 'Rejected' };
  }

  @on('TriggerMessage')
  onTrigger(request: TriggerMessageRequest): TriggerMessageResponse {
    return { status: request.requestedMessage === 'Heartbeat' ? 'Accepted' : 'NotImplemented' };
  }

  @on('UnlockConnector')
  onUnlock(): UnlockConnectorResponse {
    return { status: 'NotSupported' };
  }

  @on('ChangeAvailability')
  onChangeAvailability(request: ChangeAvailabilityRequest): ChangeAvailabilityResponse {
    return { status: request.type === 'Operative' ? 'Accepted' : 'Rejected' };
  }

  @on('ClearCache')
  onClearCache(): ClearCacheResponse {
    return { status: 'Accepted' };
  }

  @on('DataTransfer')
  onDataTransfer(): DataTransferResponse {
    return { status: 'UnknownVendorId' };
  }

  async boot(): Promise<void> {
    const conf = await this.call('BootNotification', { chargePointVendor: 'OpenOCPP', chargePointModel: 'core-station' }, { suppress: false });
    if (conf.status !== 'Accepted') throw new Error('boot ' + conf.status);
    hal.log.info('booted (' + conf.status + ', heartbeat ' + conf.interval + ' s)');
    await this.call('Heartbeat', {}, { suppress: false });
    await this.status('Available');
  }

  status(status: 'Available' | 'Preparing' | 'Charging' | 'Finishing'): Promise<unknown> {
    return this.call('StatusNotification', { connectorId: 1, status: status, errorCode: 'NoError' }, { suppress: false });
  }

  async charge(idTag: string, connectorId: number): Promise<void> {
    const auth = await this.call('Authorize', { idTag: idTag }, { suppress: false });
    if (auth.idTagInfo.status !== 'Accepted') throw new Error('idTag ' + auth.idTagInfo.status);
    await this.status('Preparing');
    const start = await this.call('StartTransaction', { connectorId: connectorId, idTag: idTag, meterStart: this.meterWh, timestamp: new Date(hal.now()).toISOString() }, { suppress: false });
    await this.status('Charging');
    for (let i = 0; i < METER_VALUES; i++) {
      await new Promise<void>((resolve) => hal.setTimeout(resolve, METER_INTERVAL_MS));
      this.meterWh += 100;
      await this.call(
        'MeterValues',
        { connectorId: connectorId, transactionId: start.transactionId, meterValue: [{ timestamp: new Date(hal.now()).toISOString(), sampledValue: [{ value: String(this.meterWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] },
        { suppress: false }
      );
    }
    await this.call('StopTransaction', { transactionId: start.transactionId, meterStop: this.meterWh, timestamp: new Date(hal.now()).toISOString(), idTag: idTag, reason: 'Remote' }, { suppress: false });
    await this.status('Available');
    hal.log.info('core session complete');
    ws.close(1000, 'done');
    hal.exit(0);
  }
}

const ws = hal.connect(hal.settings.url + '/' + hal.settings.id, { protocols: ['ocpp1.6'] });
const cp = new CoreStation(hal.settings.id, ws, { responseTimeout: 30, log: hal.log, setTimeout: hal.setTimeout });
ws.onopen = () => {
  cp.boot().catch((err: Error) => {
    hal.log.error('core station failed: ' + err.message);
    hal.exit(1);
  });
};
cp.start().then(() => {
  hal.log.error('disconnected');
  hal.exit(1);
});
