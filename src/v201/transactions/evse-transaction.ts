// One EVSE's transaction (OCPP 2.0.1 part 2 E): when it starts and ends (TxStartPoint /
// TxStopPoint), what each TransactionEvent says (triggerReason, chargingState, idToken,
// meter values, stoppedReason), and the power path (relay and cable lock) it drives. Every
// event goes through the durable log (transaction-log.ts), which gives it its seqNo.
//
// Supported start and stop points: EVConnected, Authorized, PowerPathClosed, EnergyTransfer
// (no parking bay detector, no signed meter data: ParkingBayOccupancy and DataSigned are not
// in the variables' valuesList, so SetVariables refuses them).
import { ConnectorHardware } from '../../../hal/hardware';
import { ChargingStateEnum, IdToken, MeterValue, ReadingContextEnum, ReasonEnum, TransactionEventRequest, TriggerReasonEnum } from '../../ocpp/v201/generated/types';
import { meterValue } from './sampled-values';
import { TransactionLog } from './transaction-log';

/** What an EVSE needs around it (transactions.ts gives it). */
export interface EvseContext {
  readonly log: TransactionLog;
  /** The device model's values: TxCtrlr/..., SampledDataCtrlr/..., AlignedDataCtrlr/... (the station's model itself, not a closure per lookup). */
  readonly model: { get(key: string, variable?: string): string; getInt(key: string, variable?: string): number; getBool(key: string, variable?: string): boolean };
  /** The clock and the timers (the station's HAL itself). */
  readonly hal: { now(): number; setTimeout(fn: () => void, ms: number): { cancel(): void }; setInterval(fn: () => void, ms: number): { cancel(): void } };
  /** Accepted and connected: an event made now is not an offline one. */
  online(): boolean;
  /** May a transaction start now (registration, availability)? */
  mayStart(evseId: number): boolean;
  info(text: string): void;
  /** An event was appended: deliver it. */
  appended(): void;
  /** The EVSE has no transaction any more. */
  idle(evseId: number): void;
}

/** The driver (or the CSMS) authorized for this EVSE. */
export interface Authorization {
  idToken: IdToken;
  groupIdToken?: string;
  /** RequestStartTransaction's id (F01.FR.25, F02.FR.01): sent in the next event. */
  remoteStartId?: number;
  /** Where the authorization came from: the triggerReason of the event that reports it. */
  trigger: Extract<TriggerReasonEnum, 'Authorized' | 'RemoteStart'>;
}

interface Running {
  id: string;
  /** The idToken was reported (E03.FR.01: once). */
  idTokenSent: boolean;
  /** The EVSE / connector was reported (E01.FR.16: once, after the EV connected). */
  evseSent: boolean;
  chargingState: ChargingStateEnum | null;
  /** Authorization ended (StopAuthorized, Deauthorized) but the transaction goes on until its stop point: the stoppedReason then. */
  endedAuthorization: ReasonEnum | null;
}

type Event = Omit<TransactionEventRequest, 'seqNo'>;

export class EvseTransaction {
  private running: Running | null = null;
  private authorization: Authorization | null = null;
  private connectionTimer: { cancel(): void } | null = null;
  private updatedTimer: { cancel(): void } | null = null;
  private endedTimer: { cancel(): void } | null = null;

  constructor(readonly evseId: number, readonly hw: ConnectorHardware, private readonly ctx: EvseContext) {}

  /** The running transaction's id, or null. */
  transactionId(): string | null {
    return this.running ? this.running.id : null;
  }

  /** The idToken this EVSE is authorized for (before or during a transaction), or null. */
  authorizedFor(): Authorization | null {
    return this.authorization;
  }

  // ---- inputs --------------------------------------------------------------------------------

  /** The cable was plugged in (E02). */
  plugged(): void {
    this.cancelConnectionTimer();
    const tx = this.running;
    if (tx && tx.chargingState !== null && tx.chargingState !== 'Idle') {
      // The transaction saw the cable already (the event comes after the state it reports).
      this.evaluate('ChargingStateChanged');
      return;
    }
    if (tx) {
      this.applyPower();
      this.update('CablePluggedIn');
    } else if (this.points('TxStartPoint', 'EVConnected')) {
      if (this.authorization) this.powerPath(true);
      this.begin('CablePluggedIn'); // E01.FR.02, E02.FR.06
      if (!this.running) this.powerPath(false);
    }
    this.evaluate('ChargingStateChanged');
  }

  /** The cable was unplugged (E06.FR.02 / .06, E09, E10). */
  unplugged(): void {
    const tx = this.running;
    if (!tx) {
      this.evaluate('ChargingStateChanged');
      return;
    }
    if (this.points('TxStopPoint', 'EVConnected') || this.points('TxStopPoint', 'PowerPathClosed') || this.ctx.model.getBool('TxCtrlr', 'StopTxOnEVSideDisconnect')) {
      // E09.FR.01: the transaction is deauthorized when the EV goes; the stop is by the EV side unless the driver ended it first.
      this.finish('EVCommunicationLost', tx.endedAuthorization || 'EVDisconnected');
      return;
    }
    this.applyPower(); // no EV, no energy: the transaction waits for it (E10)
    this.update('EVCommunicationLost');
  }

  /** The EV or the hardware changed the energy flow (evReady, evSuspended, fault, faultCleared). */
  energyChanged(): void {
    this.evaluate('ChargingStateChanged');
  }

  /** A driver (or the CSMS, remote start) is authorized to charge here. */
  authorized(a: Authorization): void {
    this.authorization = a;
    const tx = this.running;
    if (tx && !tx.idTokenSent) {
      this.applyPower();
      this.update(a.trigger); // E02.FR.01, E02.FR.20
    } else if (!tx && this.points('TxStartPoint', 'Authorized')) this.begin(a.trigger); // E01.FR.03
    if (!this.hw.plugged()) {
      // E03.FR.05: no cable within EVConnectionTimeOut ends the authorization (and a transaction it started).
      this.cancelConnectionTimer();
      const timeout = this.ctx.model.getInt('TxCtrlr', 'EVConnectionTimeOut');
      this.connectionTimer = this.ctx.hal.setTimeout(() => this.connectionTimedOut(timeout), timeout * 1000);
    }
    this.evaluate('ChargingStateChanged');
  }

  /**
   * The idToken presented while authorized: the same one or one of its group ends the
   * authorization (E07.FR.01); the stop point decides whether the transaction ends with it.
   */
  stopAuthorized(idToken: IdToken): void {
    const tx = this.running;
    this.authorization = null;
    this.cancelConnectionTimer();
    if (!tx) {
      this.evaluate('ChargingStateChanged');
      return;
    }
    this.powerPath(false);
    if (this.points('TxStopPoint', 'Authorized') || this.points('TxStopPoint', 'PowerPathClosed')) {
      this.finish('StopAuthorized', 'Local', idToken); // E06.FR.03, E07.FR.02/05
      return;
    }
    tx.endedAuthorization = 'Local';
    this.update('StopAuthorized', { idToken }); // E07.FR.02
  }

  /** The CSMS answered the transaction's idToken as not valid (E05, E06.FR.04). */
  deauthorized(): void {
    const tx = this.running;
    if (!tx) return;
    this.authorization = null;
    this.powerPath(false);
    if (this.points('TxStopPoint', 'Authorized') || this.points('TxStopPoint', 'PowerPathClosed') || this.ctx.model.getBool('TxCtrlr', 'StopTxOnInvalidId')) {
      this.finish('Deauthorized', 'DeAuthorized');
      return;
    }
    tx.endedAuthorization = 'DeAuthorized';
    this.update('Deauthorized');
  }

  /** Ends the transaction now (RequestStopTransaction: Remote; reset: ImmediateReset; ...). */
  stop(trigger: TriggerReasonEnum, reason: ReasonEnum): boolean {
    if (!this.running) return false;
    this.authorization = null;
    this.cancelConnectionTimer();
    this.powerPath(false);
    this.finish(trigger, reason);
    return true;
  }

  /** TriggerMessage(TransactionEvent): an Updated event with the present meter data (F06). */
  triggered(): boolean {
    if (!this.running) return false;
    this.update('Trigger', { meterValue: this.sample('SampledDataCtrlr', 'TxUpdatedMeasurands', 'Trigger') });
    return true;
  }

  /** A clock-aligned instant: part of the transaction if one runs (J01.FR.22); false when none runs. */
  aligned(): boolean {
    const tx = this.running;
    if (!tx) return false;
    const value = this.sample('AlignedDataCtrlr', 'Measurands', 'Sample.Clock');
    if (value) this.update('MeterValueClock', { meterValue: value });
    return true;
  }

  /** A clock-aligned instant of AlignedDataCtrlr.TxEndedInterval: a sample for the Ended event. */
  alignedForEnded(): void {
    if (this.running) this.keep('AlignedDataCtrlr', 'TxEndedMeasurands', 'Sample.Clock');
  }

  /** Boot: a transaction the log holds as running was cut by a power loss: it ends now. */
  endInterrupted(id: string): void {
    const value = meterValue(this.hw.read(), this.ctx.model.get('SampledDataCtrlr', 'TxEndedMeasurands'), 'Transaction.End', this.ctx.hal.now());
    const meter = this.ctx.log.endedSamples(id).slice();
    if (value) meter.push(value);
    const event: Event = {
      eventType: 'Ended',
      timestamp: iso(this.ctx.hal.now()),
      triggerReason: 'AbnormalCondition', // E06.FR.16
      transactionInfo: { transactionId: id, stoppedReason: 'PowerLoss', chargingState: this.hw.plugged() ? 'EVConnected' : 'Idle' },
    };
    if (meter.length) event.meterValue = meter;
    this.ctx.log.append(event, true);
    this.ctx.info('EVSE ' + this.evseId + ': transaction ' + id + ' ended after a power loss');
    this.hw.setRelay(false);
    this.hw.setLock(false);
    this.ctx.appended();
  }

  /** The sampling intervals changed: restart them. */
  restartSampling(): void {
    this.stopSampling();
    if (!this.running) return;
    const updated = this.ctx.model.getInt('SampledDataCtrlr', 'TxUpdatedInterval');
    if (updated > 0) this.updatedTimer = this.ctx.hal.setInterval(() => this.periodic(), updated * 1000);
    const ended = this.ctx.model.getInt('SampledDataCtrlr', 'TxEndedInterval');
    if (ended > 0) this.endedTimer = this.ctx.hal.setInterval(() => this.keep('SampledDataCtrlr', 'TxEndedMeasurands', 'Sample.Periodic'), ended * 1000);
  }

  // ---- the transaction ------------------------------------------------------------------------

  private begin(trigger: TriggerReasonEnum): void {
    if (!this.ctx.mayStart(this.evseId)) return;
    const ctx = this.ctx;
    const now = ctx.hal.now();
    const log = ctx.log;
    // E01.FR.08: never the same id twice, across reboots too: the log's next position is stored
    // and only grows (the clock and a random part guard against a station whose storage was wiped).
    const id = now.toString(36).toUpperCase() + '-' + this.evseId + '-' + log.nextPosition() + '-' + Math.floor(Math.random() * 1e6).toString(36);
    const tx: Running = { id, idTokenSent: false, evseSent: true, chargingState: null, endedAuthorization: null };
    this.running = tx;
    const event = this.event('Started', trigger, tx);
    event.evse = { id: this.evseId, connectorId: 1 };
    const value = this.sample('SampledDataCtrlr', 'TxStartedMeasurands', 'Transaction.Begin'); // E01.FR.09
    if (value) event.meterValue = value;
    log.append(event, !ctx.online(), { id, evseId: this.evseId, connectorId: 1, nextSeqNo: 0, meterStartWh: this.hw.read().energyWh, startedAt: now });
    this.keep('SampledDataCtrlr', 'TxEndedMeasurands', 'Transaction.Begin');
    ctx.info('EVSE ' + this.evseId + ': transaction ' + id + ' started (' + trigger + ')');
    this.restartSampling();
    ctx.appended();
  }

  /** An Updated event (with the idToken, remoteStartId and chargingState it has to carry). */
  private update(trigger: TriggerReasonEnum, extra?: { idToken?: IdToken; meterValue?: MeterValue[] }): void {
    const tx = this.running;
    if (!tx) return;
    const event = this.event('Updated', trigger, tx);
    if (extra && extra.idToken) event.idToken = extra.idToken;
    if (extra && extra.meterValue) event.meterValue = extra.meterValue;
    this.ctx.log.append(event, !this.ctx.online());
    this.ctx.appended();
  }

  private finish(trigger: TriggerReasonEnum, reason: ReasonEnum, idToken?: IdToken): void {
    const tx = this.running;
    if (!tx) return;
    this.stopSampling();
    this.authorization = null;
    this.powerPath(false);
    const event = this.event('Ended', trigger, tx);
    // The stoppedReason is given even when Local (E06.FR.08, E07.FR.05).
    event.transactionInfo.stoppedReason = reason;
    if (idToken) event.idToken = idToken;
    const end = meterValue(this.hw.read(), this.ctx.model.get('SampledDataCtrlr', 'TxEndedMeasurands'), 'Transaction.End', this.ctx.hal.now());
    const meter = this.ctx.log.endedSamples(tx.id).slice();
    if (end) meter.push(end);
    if (meter.length) event.meterValue = meter; // E06.FR.11
    this.running = null;
    this.ctx.log.append(event, !this.ctx.online());
    this.hw.setLock(false); // E06.FR.10
    this.ctx.info('EVSE ' + this.evseId + ': transaction ' + tx.id + ' ended (' + reason + ')');
    this.ctx.appended();
    this.ctx.idle(this.evseId);
  }

  /** An event of the running transaction: what has to go with it once goes now. */
  private event(eventType: TransactionEventRequest['eventType'], trigger: TriggerReasonEnum, tx: Running): Event {
    const event: Event = { eventType, timestamp: iso(this.ctx.hal.now()), triggerReason: trigger, transactionInfo: { transactionId: tx.id } };
    const a = this.authorization;
    if (a && !tx.idTokenSent) {
      event.idToken = a.idToken; // E03.FR.01, C12.FR.02, F02.FR.05: once
      tx.idTokenSent = true;
      if (a.remoteStartId !== undefined) event.transactionInfo.remoteStartId = a.remoteStartId; // F02.FR.01
    }
    if (!tx.evseSent && this.hw.plugged()) {
      event.evse = { id: this.evseId, connectorId: 1 }; // E01.FR.16
      tx.evseSent = true;
    }
    const state = this.chargingState();
    if (state !== tx.chargingState) {
      event.transactionInfo.chargingState = state; // E02.FR.13
      tx.chargingState = state;
    }
    return event;
  }

  /**
   * Drives the power path from the state, starts a transaction at PowerPathClosed /
   * EnergyTransfer, ends one at EnergyTransfer, and reports a changed chargingState (E01.FR.18).
   */
  private evaluate(trigger: TriggerReasonEnum): void {
    const ready = this.authorization !== null && this.hw.plugged();
    if (ready && !this.running && (this.points('TxStartPoint', 'PowerPathClosed') || this.points('TxStartPoint', 'EnergyTransfer'))) {
      // E01.FR.05 (EnergyTransfer, E01.FR.06: the energy flows as the power path closes).
      this.powerPath(true);
      this.begin(this.authorization!.trigger === 'RemoteStart' ? 'RemoteStart' : 'Authorized');
      if (!this.running) this.powerPath(false);
      return;
    }
    const tx = this.running;
    this.applyPower();
    if (!tx) return;
    const state = this.chargingState();
    if (tx.chargingState === 'Charging' && state !== 'Charging' && this.points('TxStopPoint', 'EnergyTransfer')) {
      this.finish('ChargingStateChanged', state === 'SuspendedEV' ? 'StoppedByEV' : 'Local'); // E06.FR.07
      return;
    }
    if (state !== tx.chargingState) this.update(trigger);
  }

  /** The chargingState the hardware is in now (ChargingStateEnumType): what the transaction reports. */
  chargingState(): ChargingStateEnum {
    if (!this.hw.plugged()) return 'Idle';
    if (!this.hw.relayClosed()) return this.authorization !== null && this.running !== null && this.running.endedAuthorization === null ? 'SuspendedEVSE' : 'EVConnected';
    return this.hw.evRequestsEnergy() ? 'Charging' : 'SuspendedEV';
  }

  /** Energy is offered while a transaction runs for an authorized driver with the EV connected. */
  private applyPower(): void {
    const tx = this.running;
    this.powerPath(this.authorization !== null && this.hw.plugged() && tx !== null && tx.endedAuthorization === null);
  }

  private powerPath(closed: boolean): void {
    if (closed && this.hw.error() !== 'NoError') closed = false;
    if (closed && !this.hw.locked()) this.hw.setLock(true);
    if (this.hw.relayClosed() !== closed) this.hw.setRelay(closed);
  }

  private connectionTimedOut(timeout: number): void {
    this.connectionTimer = null;
    if (this.hw.plugged() || !this.authorization) return;
    this.ctx.info('EVSE ' + this.evseId + ': no cable within EVConnectionTimeOut (' + timeout + ' s): authorization ended');
    this.authorization = null;
    if (this.running) this.finish('EVConnectTimeout', 'Timeout'); // E03.FR.05
  }

  private periodic(): void {
    const value = this.sample('SampledDataCtrlr', 'TxUpdatedMeasurands', 'Sample.Periodic');
    if (value) this.update('MeterValuePeriodic', { meterValue: value }); // J02.FR.11
  }

  /** A sample of the measurands of `component`'s `measurands` variable, kept for the Ended event. */
  private keep(component: string, measurands: string, context: ReadingContextEnum): void {
    const tx = this.running;
    if (!tx) return;
    const value = meterValue(this.hw.read(), this.ctx.model.get(component, measurands), context, this.ctx.hal.now());
    if (value) this.ctx.log.keepSample(tx.id, value);
  }

  private sample(component: string, measurands: string, context: ReadingContextEnum): MeterValue[] | undefined {
    const value = meterValue(this.hw.read(), this.ctx.model.get(component, measurands), context, this.ctx.hal.now());
    return value ? [value] : undefined;
  }

  private stopSampling(): void {
    if (this.updatedTimer) this.updatedTimer.cancel();
    if (this.endedTimer) this.endedTimer.cancel();
    this.updatedTimer = this.endedTimer = null;
  }

  private cancelConnectionTimer(): void {
    if (this.connectionTimer) this.connectionTimer.cancel();
    this.connectionTimer = null;
  }

  /** Does the TxStartPoint / TxStopPoint list hold this point? */
  private points(variable: 'TxStartPoint' | 'TxStopPoint', point: string): boolean {
    return (',' + this.ctx.model.get('TxCtrlr', variable) + ',').indexOf(',' + point + ',') >= 0;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
