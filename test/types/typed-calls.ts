// Type-level test (test/node/typed-calls.test.mjs compiles it, nothing runs): outgoing OCPP
// calls are typed by action over the generated Requests / Responses maps, in the core's
// ChargePoint of each version and in the stations' interfaces. Each `@ts-expect-error TSnnnn`
// line must be an error of that code: a wrong payload field, a wrong action / payload
// pairing, a misused answer; the lines without one must compile.
import { CallOf, SendOf } from '../../src/ocpp/index';
import { ChargePoint as ChargePoint16, OutgoingRequests, OutgoingResponses, RegistrationStatus } from '../../src/ocpp/v16/index';
import { ChargePoint as ChargePoint201, RegistrationStatusEnum } from '../../src/ocpp/v201/index';
import { CoreContext, SecurityContext } from '../../src/app/context';
import { CsmsLink } from '../../src/app/core/csms-link';
import { TransactionQueue } from '../../src/app/core/transaction-queue';
import { StationContext } from '../../src/v201/context';

declare const cp16: ChargePoint16;
declare const cp201: ChargePoint201;

export async function core16(): Promise<void> {
  const boot = await cp16.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
  const status: RegistrationStatus | undefined = boot ? boot.status : undefined;
  // @ts-expect-error TS18047 with suppress (the default) a CALLERROR resolves null
  boot.status;
  const strict = await cp16.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }, { suppress: false });
  const interval: number = strict.interval;
  // @ts-expect-error TS2339 BootNotification.conf has no transactionId
  strict.transactionId;
  // @ts-expect-error TS2322 status is a RegistrationStatus, not a number
  const wrong: number = strict.status;
  // @ts-expect-error TS2561 a wrong payload field (chargePointVendor misspelt)
  await cp16.call('BootNotification', { chargePointVender: 'V', chargePointModel: 'M' });
  // @ts-expect-error TS2345 a required field missing
  await cp16.call('Authorize', {});
  // @ts-expect-error TS2345 a wrong action / payload pairing (Authorize's payload to StartTransaction)
  await cp16.call('StartTransaction', { idTag: 'T' });
  // @ts-expect-error TS2345 an action 1.6 does not define, without the explicit escape
  await cp16.call('VendorHello', { hello: 1 });
  const start = await cp16.call('StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: '2026-01-01T00:00:00Z' }, { suppress: false });
  const id: number = start.transactionId;
  const authorized: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx' = start.idTagInfo.status;
  // @ts-expect-error TS2345 an action the Central System initiates is no charge point's call
  await cp16.call('RemoteStartTransaction', { idTag: 'T' });
  // DataTransfer (both sides send it) is typed too
  const dt = await cp16.call('DataTransfer', { vendorId: 'org.example', messageId: 'hello', data: 'x' }, { suppress: false });
  const dtStatus: 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId' = dt.status;
  // @ts-expect-error TS2322 DataTransfer's data is a string in 1.6
  await cp16.call('DataTransfer', { vendorId: 'org.example', data: { any: 1 } });
  // the explicit untyped escape: any action, any payload, unchecked, an unknown answer
  const vendor = await cp16.call('VendorHello', { hello: 1 }, { skipSchemaValidation: true, suppress: false });
  // @ts-expect-error TS18046 the escape's answer is unknown until checked
  vendor.status;
  void [status, interval, wrong, id, authorized, dtStatus];
}

export async function core201(): Promise<void> {
  const boot = await cp201.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }, { suppress: false });
  const status: RegistrationStatusEnum = boot.status;
  // @ts-expect-error TS2353 1.6's BootNotification payload is not 2.0.1's
  await cp201.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
  // @ts-expect-error TS2345 a 1.6-only action
  await cp201.call('StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: '2026-01-01T00:00:00Z' });
  // @ts-expect-error TS2345 an action the CSMS initiates is no charging station's call
  await cp201.call('GetVariables', { getVariableData: [] });
  const event = await cp201.call('TransactionEvent', { eventType: 'Started', timestamp: '2026-01-01T00:00:00Z', triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 't1' } }, { suppress: false });
  // @ts-expect-error TS2339 TransactionEvent's answer has no status
  event.status;
  void status;
}

// The shared call types, as the stations' parts declare their links with them.
declare const call16: CallOf<OutgoingRequests, OutgoingResponses>;
declare const send16: SendOf<OutgoingRequests, OutgoingResponses>;

export async function shared(): Promise<void> {
  const auth = await call16('Authorize', { idTag: 'T' });
  const s: string = auth.idTagInfo.status;
  // @ts-expect-error TS2353 Authorize takes an idTag
  await call16('Authorize', { idToken: 'T' });
  const hb = await send16('Heartbeat', {});
  // @ts-expect-error TS18047 send resolves null when the message could not go
  hb.currentTime;
  void s;
}

// The 1.6 station's parts send typed by action too.
declare const core: CoreContext;
declare const security: SecurityContext;
declare const link: CsmsLink;
declare const queue: TransactionQueue;

export async function station16(): Promise<void> {
  const status = await core.session.sendRequested('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
  const nothing: {} | null = status;
  // @ts-expect-error TS2322 StatusNotification's errorCode is a ChargePointErrorCode
  await core.session.sendRequested('StatusNotification', { connectorId: 1, errorCode: 'Broken', status: 'Available' });
  // @ts-expect-error TS2345 the station sends only the charge point's actions
  await core.session.sendRequested('Reset', { type: 'Soft' });
  const signed = await security.session.call('SignCertificate', { csr: 'CSR' });
  const signedStatus: 'Accepted' | 'Rejected' = signed.status;
  // @ts-expect-error TS2339 SignCertificate's answer has no idTagInfo
  signed.idTagInfo;
  // @ts-expect-error TS2353 a 2.0.1 field in a 1.6 payload
  await security.session.send('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: 'x', customData: { vendorId: 'V' } });
  const auth = await link.call('Authorize', { idTag: 'T' }, 'id-1');
  const expiry: string | undefined = auth.idTagInfo.expiryDate;
  // the transaction queue keeps each action's request, without the transactionId it gets when sent
  queue.push('StopTransaction', 1, { meterStop: 10, timestamp: 'x', reason: 'Local' });
  // @ts-expect-error TS2353 StartTransaction has no meterStop
  queue.push('StartTransaction', 1, { connectorId: 1, idTag: 'T', meterStart: 0, meterStop: 1, timestamp: 'x' });
  void [nothing, signedStatus, expiry];
}

// And the 2.0.1 station's.
declare const station: StationContext;

export async function station201(): Promise<void> {
  const auth = await station.call('Authorize', { idToken: { idToken: 'T', type: 'ISO14443' } });
  const tokenStatus: string = auth.idTokenInfo.status;
  // @ts-expect-error TS2353 1.6's Authorize payload is not 2.0.1's
  await station.call('Authorize', { idTag: 'T' });
  // @ts-expect-error TS2345 the station sends only the charging station's actions
  await station.send('SetVariables', { setVariableData: [] });
  const notified = await station.send('NotifyEvent', { generatedAt: 'x', seqNo: 0, eventData: [] });
  // @ts-expect-error TS18047 send resolves null when the message could not go
  notified.customData;
  void tokenStatus;
}
