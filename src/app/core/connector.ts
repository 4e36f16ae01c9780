// One connector: its transaction (start, meter values, stop), its availability, what the
// hardware says about the cable and the EV, and the status all of that makes.
//
// A running transaction is kept in storage (`transaction-<n>.json`, plus the samples
// StopTxnSampledData/StopTxnAlignedData collect in `transaction-<n>-data.log`), so after
// a power loss the station finds it and stops it with the right reason.
import { Hal } from '../../../hal/index';
import { ConnectorHardware, HardwareEvent } from '../../../hal/hardware';
import { Configuration } from './configuration';
import { TransactionSender } from './transaction-sender';
import { StatusReporter, statusOf, ChargePointStatus } from './connector-status';
import { MeterValue, ReadingContext, meterValue } from './meter-values';
import { MeterValuesRequest, OutgoingAction, OutgoingRequests, Reason, StartTransactionRequest } from '../../ocpp/v16/generated/types';
import { QueuedPayloads, TransactionQueue } from './transaction-queue';
export type StopReason = Reason;

/** What is stored of a running transaction. */
export interface TransactionRecord {
  /** Local ref (transaction-queue.ts); the CSMS's id comes from the queue's mapping. */
  ref: number;
  idTag: string;
  parentIdTag?: string;
  meterStart: number;
  startedAt: number;
}

export interface ConnectorContext {
  hal: Hal;
  config: Configuration;
  queue: TransactionQueue;
  sender: TransactionSender;
  status: StatusReporter;
  /** A transaction starts for idTag: the reservation it fulfils ends; its id (reservation/reservations.ts), if any. */
  reservationFor?(connectorId: number, idTag: string, parentIdTag?: string): number | undefined;
  /** A message outside the queue (MeterValues of no transaction): sent if online, else dropped. */
  sendNow<A extends OutgoingAction>(action: A, payload: OutgoingRequests[A]): void;
  /** The connector's state changed (for the charge point's connector 0 and the scenarios). */
  changed(connector: Connector): void;
}

/** StopTxn*Data samples kept for one StopTransaction at most (oldest thinned first). */
const MAX_STOP_SAMPLES = 24;

export class Connector {
  /** ChangeAvailability in effect (persisted by the station). */
  operative = true;
  /** ChangeAvailability waiting for the transaction to end (Scheduled). */
  scheduled: boolean | null = null;
  /** The idTag of a driver who is authorized and for whose cable the station waits. */
  awaitingCable: string | null = null;
  transaction: TransactionRecord | null = null;
  /** The reservation holding this connector (set by reservations.ts), or null. */
  reservation: { reservationId: number; idTag: string } | null = null;
  /** The station withholds energy from the transaction (invalid idTag). */
  private evseSuspended = false;
  /** Invalid idTag but the transaction goes on: energy withheld at this register value (-1: none). */
  private invalidLimitWh = -1;
  private finishing = false;
  /** The cable is in but nobody authorized within ConnectionTimeOut (Available again). */
  private pluggedIdle = false;
  private pendingParent: string | undefined;
  private stopSamples: MeterValue[] = [];
  private sampleTimer: { cancel(): void } | null = null;
  private connectionTimer: { cancel(): void } | null = null;
  private readonly txFile: string;
  private readonly dataFile: string;

  constructor(readonly id: number, readonly hw: ConnectorHardware, private readonly ctx: ConnectorContext) {
    this.txFile = 'transaction-' + id + '.json';
    this.dataFile = 'transaction-' + id + '-data.log';
  }

  get status(): ChargePointStatus {
    return this.ctx.status.status(this.id);
  }

  /** The CSMS's id of the running transaction (undefined while not confirmed, or none). */
  transactionId(): number | undefined {
    return this.transaction ? this.ctx.queue.transactionId(this.transaction.ref) : undefined;
  }

  /** Free for a new driver: operative, no fault, no transaction. */
  isFree(): boolean {
    return this.operative && !this.transaction && this.hw.error() === 'NoError';
  }

  /** Recomputes the status from the state; the reporter tells the CSMS if it changed. */
  refresh(): void {
    const status = statusOf({
      operative: this.operative,
      errorCode: this.hw.error(),
      plugged: this.hw.plugged(),
      awaitingCable: this.awaitingCable !== null,
      transaction: this.transaction !== null,
      finishing: this.finishing,
      pluggedIdle: this.pluggedIdle,
      // A current limit of 0 (smart charging) withholds energy too.
      evseSuspended: this.evseSuspended || this.hw.currentLimit() <= 0,
      reserved: this.reservation !== null,
      evRequestsEnergy: this.hw.evRequestsEnergy(),
    });
    this.ctx.status.set(this.id, status, this.hw.error(), undefined, this.hw.vendorErrorCode ? this.hw.vendorErrorCode() : undefined);
    this.ctx.changed(this);
  }

  // ---- drivers and cables -----------------------------------------------------------------

  /**
   * A driver is authorized here: start at once if the cable is in, else wait for it for
   * ConnectionTimeOut seconds.
   */
  authorized(idTag: string, parentIdTag?: string): void {
    if (this.hw.plugged()) {
      this.startTransaction(idTag, parentIdTag);
      return;
    }
    this.awaitingCable = idTag;
    this.awaitUser('no cable', () => {
      if (this.awaitingCable === null) return;
      this.ctx.hal.log.info('connector ' + this.id + ': authorization of ' + idTag + ' cancelled');
      this.awaitingCable = null;
    });
    this.pendingParent = parentIdTag;
    this.refresh();
  }

  /** The driver waited for presents the same idTag again: the intended usage ends (state table B1). */
  cancelAuthorization(): void {
    if (this.awaitingCable === null) return;
    this.ctx.hal.log.info('connector ' + this.id + ': authorization of ' + this.awaitingCable + ' cancelled by the driver');
    this.awaitingCable = null;
    this.cancelConnectionTimer();
    this.refresh();
  }

  /** Waits ConnectionTimeOut seconds for the driver's next step; `expired` ends the usage. */
  private awaitUser(what: string, expired: () => void): void {
    this.cancelConnectionTimer();
    const timeout = this.ctx.config.getInt('ConnectionTimeOut');
    this.connectionTimer = this.ctx.hal.setTimeout(() => {
      this.connectionTimer = null;
      this.ctx.hal.log.info('connector ' + this.id + ': ' + what + ' within ConnectionTimeOut (' + timeout + ' s)');
      expired();
      this.refresh();
    }, timeout * 1000);
  }

  onHardware(event: HardwareEvent): void {
    const tx = this.transaction;
    if (event === 'plugged') {
      this.finishing = false;
      if (this.awaitingCable !== null && !tx) {
        const idTag = this.awaitingCable;
        this.awaitingCable = null;
        this.cancelConnectionTimer();
        this.startTransaction(idTag, this.pendingParent);
        return;
      }
      if (tx) this.hw.setRelay(!this.evseSuspended); // the EV came back (EV-side disconnect without stop)
      else this.awaitUser('nobody authorized', () => (this.pluggedIdle = true));
    } else if (event === 'unplugged') {
      this.finishing = false;
      this.pluggedIdle = false;
      if (!tx && this.awaitingCable === null) this.cancelConnectionTimer();
      if (tx) {
        if (this.ctx.config.getBool('UnlockConnectorOnEVSideDisconnect')) this.hw.setLock(false);
        if (this.ctx.config.getBool('StopTransactionOnEVSideDisconnect')) {
          this.stopTransaction('EVDisconnected');
          return;
        }
        this.hw.setRelay(false);
      }
    } else if (event === 'fault' && tx) {
      this.hw.setRelay(false);
    } else if (event === 'faultCleared' && tx && this.hw.plugged()) {
      this.hw.setRelay(!this.evseSuspended);
    }
    this.refresh();
  }

  // ---- transactions -------------------------------------------------------------------------

  startTransaction(idTag: string, parentIdTag?: string): void {
    const ctx = this.ctx;
    const now = ctx.hal.now();
    const meterStart = this.hw.read().energyWh;
    const record: TransactionRecord = { ref: ctx.queue.newTransactionRef(), idTag, meterStart, startedAt: now };
    if (parentIdTag) record.parentIdTag = parentIdTag;
    // The record first: a power loss after it and before the queue has the start leaves a
    // transaction to stop that the CSMS never heard of (the stop is then dropped, no harm);
    // the other order could leave one started at the CSMS that is never stopped.
    ctx.hal.storage.set(this.txFile, JSON.stringify(record));
    ctx.hal.storage.remove(this.dataFile);
    this.transaction = record;
    this.stopSamples = [];
    this.evseSuspended = false;
    this.invalidLimitWh = -1;
    this.finishing = false;
    this.pluggedIdle = false;
    this.awaitingCable = null;
    this.cancelConnectionTimer();
    const start: StartTransactionRequest = { connectorId: this.id, idTag, meterStart, timestamp: new Date(now).toISOString() };
    const reservationId = ctx.reservationFor ? ctx.reservationFor(this.id, idTag, parentIdTag) : undefined;
    if (reservationId !== undefined) start.reservationId = reservationId;
    ctx.queue.push('StartTransaction', record.ref, start);
    ctx.hal.log.info('connector ' + this.id + ': transaction started for ' + idTag + ' (meter ' + meterStart + ' Wh)');
    this.hw.setLock(true);
    this.hw.setRelay(true);
    this.collectStopSample('Transaction.Begin');
    this.startSampling();
    ctx.sender.sendNext();
    this.refresh();
  }

  /** Stops the running transaction with a reason; the StopTransaction is queued. */
  stopTransaction(reason: StopReason, idTag?: string): void {
    const tx = this.transaction;
    if (!tx) return;
    const ctx = this.ctx;
    this.stopSampling();
    this.hw.setRelay(false);
    const meterStop = Math.max(this.hw.read().energyWh, tx.meterStart);
    this.collectStopSample('Transaction.End');
    const payload: QueuedPayloads['StopTransaction'] = { meterStop, timestamp: new Date(ctx.hal.now()).toISOString(), reason };
    if (idTag) payload.idTag = idTag;
    if (this.stopSamples.length) payload.transactionData = this.stopSamples;
    ctx.queue.push('StopTransaction', tx.ref, payload);
    this.endTransaction();
    const id = ctx.queue.transactionId(tx.ref);
    ctx.hal.log.info('connector ' + this.id + ': transaction ' + (id !== undefined ? id : '(ref ' + tx.ref + ')') + ' stopped (' + reason + ', ' + (meterStop - tx.meterStart) + ' Wh)');
    ctx.sender.sendNext();
    this.refresh();
  }

  /** Stops a transaction found in storage after a reboot (the connector holds none in memory yet). */
  recover(reason: StopReason): TransactionRecord | null {
    const text = this.ctx.hal.storage.get(this.txFile);
    if (!text) return null;
    let record: TransactionRecord;
    try {
      record = JSON.parse(text);
    } catch (e) {
      this.ctx.hal.log.error('connector ' + this.id + ': unreadable transaction record dropped');
      this.ctx.hal.storage.remove(this.txFile);
      return null;
    }
    this.transaction = record;
    this.stopSamples = [];
    const stored = this.ctx.hal.storage.records(this.dataFile);
    for (let i = 0; i < stored.length; i++) {
      // The first (Transaction.Begin) and the latest ones, as collectStopSample keeps them.
      if (i > 0 && i < stored.length - (MAX_STOP_SAMPLES - 1)) continue;
      try {
        this.stopSamples.push(JSON.parse(stored[i]));
      } catch (e) {
        // a damaged sample is left out
      }
    }
    this.stopTransaction(reason);
    return record;
  }

  /** The CSMS's answer to this connector's StartTransaction: what it says about the idTag. */
  startConfirmed(ref: number, status: string): void {
    const tx = this.transaction;
    if (!tx || tx.ref !== ref) return; // already over
    const id = this.ctx.queue.transactionId(ref);
    this.ctx.hal.log.info('transaction ' + id + ' started (connector ' + this.id + ', idTag ' + tx.idTag + ' ' + status + ')');
    if (status === 'Accepted') return;
    if (this.ctx.config.getBool('StopTransactionOnInvalidId')) {
      this.stopTransaction('DeAuthorized');
      return;
    }
    this.withholdEnergyBeyond(this.ctx.config.getInt('MaxEnergyOnInvalidId'));
  }

  private endTransaction(): void {
    this.transaction = null;
    this.evseSuspended = false;
    this.invalidLimitWh = -1;
    this.stopSamples = [];
    this.ctx.hal.storage.remove(this.txFile);
    this.ctx.hal.storage.remove(this.dataFile);
    this.hw.setLock(false);
    this.finishing = this.hw.plugged();
    if (this.scheduled !== null) {
      this.operative = this.scheduled;
      this.scheduled = null;
    }
  }

  /** Invalid idTag, transaction kept: energy up to `maxWh` more, then SuspendedEVSE. */
  private withholdEnergyBeyond(maxWh: number): void {
    const tx = this.transaction;
    if (!tx) return;
    this.invalidLimitWh = tx.meterStart + maxWh;
    this.checkEnergyLimit(this.hw.read().energyWh);
  }
  private checkEnergyLimit(energyWh: number): void {
    if (this.invalidLimitWh < 0 || this.evseSuspended || energyWh < this.invalidLimitWh) return;
    this.evseSuspended = true;
    this.hw.setRelay(false);
    this.ctx.hal.log.info('connector ' + this.id + ': idTag not valid, energy withheld (MaxEnergyOnInvalidId)');
    this.refresh();
  }

  // ---- meter values ---------------------------------------------------------------------------

  /** Restarts periodic sampling (MeterValueSampleInterval changed). */
  startSampling(): void {
    this.stopSampling();
    if (!this.transaction) return;
    const interval = this.ctx.config.getInt('MeterValueSampleInterval');
    if (interval <= 0) return;
    this.sampleTimer = this.ctx.hal.setInterval(() => this.samplePeriodic(), interval * 1000);
  }

  private stopSampling(): void {
    if (this.sampleTimer) this.sampleTimer.cancel();
    this.sampleTimer = null;
  }

  private samplePeriodic(): void {
    const tx = this.transaction;
    if (!tx) return;
    const ctx = this.ctx;
    const reading = this.hw.read();
    const value = meterValue(reading, ctx.config.getList('MeterValuesSampledData'), 'Sample.Periodic', ctx.hal.now());
    if (value) {
      ctx.queue.push('MeterValues', tx.ref, { connectorId: this.id, meterValue: [value] });
      ctx.sender.sendNext();
    }
    this.collectStopSample('Sample.Periodic');
    this.checkEnergyLimit(reading.energyWh);
  }

  /** A clock-aligned reading (ClockAlignedDataInterval): part of the transaction if one runs. */
  sampleAligned(): void {
    const ctx = this.ctx;
    const value = meterValue(this.hw.read(), ctx.config.getList('MeterValuesAlignedData'), 'Sample.Clock', ctx.hal.now());
    const tx = this.transaction;
    if (tx) {
      if (value) {
        ctx.queue.push('MeterValues', tx.ref, { connectorId: this.id, meterValue: [value] });
        ctx.sender.sendNext();
      }
      this.collectStopSample('Sample.Clock');
    } else if (value) {
      ctx.sendNow('MeterValues', { connectorId: this.id, meterValue: [value] });
    }
  }

  /** The MeterValues payload a TriggerMessage asks for (sent at once, not queued); null: nothing to sample. */
  triggeredMeterValues(): MeterValuesRequest | null {
    const value = meterValue(this.hw.read(), this.ctx.config.getList('MeterValuesSampledData'), 'Trigger', this.ctx.hal.now());
    if (!value) return null;
    const payload: MeterValuesRequest = { connectorId: this.id, meterValue: [value] };
    const id = this.transactionId();
    if (id !== undefined) payload.transactionId = id;
    return payload;
  }

  /** Keeps a sample for the StopTransaction's transactionData (StopTxnSampledData / StopTxnAlignedData). */
  private collectStopSample(context: ReadingContext): void {
    if (!this.transaction) return;
    const key = context === 'Sample.Clock' ? 'StopTxnAlignedData' : 'StopTxnSampledData';
    const value = meterValue(this.hw.read(), this.ctx.config.getList(key), context, this.ctx.hal.now());
    if (!value) return;
    this.stopSamples.push(value);
    if (context === 'Transaction.End') return; // goes out with the StopTransaction now
    if (this.stopSamples.length > MAX_STOP_SAMPLES) this.stopSamples.splice(1, 1); // keep Transaction.Begin
    this.ctx.hal.storage.append(this.dataFile, JSON.stringify(value));
  }

  private cancelConnectionTimer(): void {
    if (this.connectionTimer) this.connectionTimer.cancel();
    this.connectionTimer = null;
  }
}
