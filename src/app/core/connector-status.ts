// Connector status (OCPP 1.6 section 4.9 and the state table of StatusNotification): what
// a connector's state means as a ChargePointStatus, and the StatusNotification reporting —
// on every change, after the change has been stable for MinimumStatusDuration seconds,
// and for every connector whose status changed while the CSMS could not be told.
import { ChargePointErrorCode, ChargePointStatus, StatusNotificationRequest } from '../../ocpp/v16/generated/types';
export { ChargePointStatus };

/** What the station knows about one connector; its status follows from it. */
export interface ConnectorState {
  /** ChangeAvailability: false = Inoperative (effective, not scheduled). */
  operative: boolean;
  /** Hardware error, 'NoError' when none. */
  errorCode: ChargePointErrorCode;
  plugged: boolean;
  /** A driver is authorized and the station waits for the cable (ConnectionTimeOut). */
  awaitingCable: boolean;
  /** A transaction runs on it. */
  transaction: boolean;
  /** The transaction ended and the cable is still in. */
  finishing: boolean;
  /** The cable is in, nobody authorized within ConnectionTimeOut: the usage ended (optional; false). */
  pluggedIdle?: boolean;
  /** The station withholds energy (idTag turned invalid, no current offered). */
  evseSuspended: boolean;
  /** The EV asks for energy. */
  evRequestsEnergy: boolean;
  /** A reservation holds the connector (ReserveNow). */
  reserved?: boolean;
}

/** The 1.6 status of a connector in this state. */
export function statusOf(s: ConnectorState): ChargePointStatus {
  if (s.errorCode !== 'NoError') return 'Faulted';
  if (s.transaction) {
    if (!s.plugged) return 'SuspendedEV'; // EV side disconnected, transaction kept (StopTransactionOnEVSideDisconnect false)
    if (s.evseSuspended) return 'SuspendedEVSE';
    return s.evRequestsEnergy ? 'Charging' : 'SuspendedEV';
  }
  if (!s.operative) return 'Unavailable';
  if (s.reserved && !s.awaitingCable) return 'Reserved'; // until the reserved idTag comes (or it expires)
  // After a transaction the cable still in means Finishing until it is pulled (or a new
  // driver authorizes). A cable in before anyone authorized, or a driver authorized
  // before the cable is in: Preparing — until ConnectionTimeOut ends the intended usage
  // (state table B1), then Available though the cable is still in.
  if (s.plugged) {
    if (s.awaitingCable) return 'Preparing';
    if (s.finishing) return 'Finishing';
    return s.pluggedIdle ? 'Available' : 'Preparing';
  }
  return s.awaitingCable ? 'Preparing' : 'Available';
}

/** The StatusNotification the reporter sends: the generated request, always with its timestamp. */
export interface StatusNotification extends StatusNotificationRequest {
  timestamp: string;
}

interface Current {
  status: ChargePointStatus;
  errorCode: ChargePointErrorCode;
  since: number;
  info?: string;
  vendorErrorCode?: string;
}

export interface StatusReporterOptions {
  /** Connectors 1..n (0 is the charge point as a whole). */
  connectors: number;
  /** MinimumStatusDuration, seconds (read at each change). */
  minimumDuration: () => number;
  /** Wall clock, ms. */
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => { cancel(): void };
  /** A status line in the station's log. */
  log: (text: string) => void;
}

export class StatusReporter {
  private current: Current[] = [];
  /** What the CSMS was last told, per connector ('' = nothing yet). */
  private reported: string[] = [];
  private timers: ({ cancel(): void } | null)[] = [];
  private send: ((n: StatusNotification) => void) | null = null;

  constructor(private readonly options: StatusReporterOptions) {
    for (let i = 0; i <= options.connectors; i++) {
      this.current.push({ status: 'Available', errorCode: 'NoError', since: options.now() });
      this.reported.push('');
      this.timers.push(null);
    }
  }

  status(connectorId: number): ChargePointStatus {
    return this.current[connectorId].status;
  }

  /** A connector's status now; reported when it changed (after MinimumStatusDuration). */
  set(connectorId: number, status: ChargePointStatus, errorCode: ChargePointErrorCode, info?: string, vendorErrorCode?: string): void {
    const c = this.current[connectorId];
    if (c.status === status && c.errorCode === errorCode) return;
    this.current[connectorId] = { status, errorCode, since: this.options.now(), info, vendorErrorCode };
    this.options.log('connector ' + connectorId + ': ' + status + (errorCode !== 'NoError' ? ' (' + errorCode + ')' : ''));
    const timer = this.timers[connectorId];
    if (timer) timer.cancel();
    this.timers[connectorId] = null;
    const minimum = this.options.minimumDuration();
    if (minimum > 0 && status !== 'Faulted') {
      // Only a status that lasts is worth telling; a fault is told at once.
      this.timers[connectorId] = this.options.setTimeout(() => {
        this.timers[connectorId] = null;
        this.report(connectorId);
      }, minimum * 1000);
    } else {
      this.report(connectorId);
    }
  }

  /** The CSMS can be told (booted and connected): `send` delivers a StatusNotification. */
  online(send: (n: StatusNotification) => void, everything: boolean): void {
    this.send = send;
    if (everything) for (let i = 0; i < this.reported.length; i++) this.reported[i] = '';
    for (let i = 0; i < this.current.length; i++) if (!this.timers[i]) this.report(i);
  }

  offline(): void {
    this.send = null;
  }

  /**
   * A TriggerMessage: report now, even unchanged. While the station may send nothing but
   * what is triggered (BootNotification Pending), `sendAnyway` delivers it.
   */
  trigger(connectorId: number, sendAnyway?: (n: StatusNotification) => void): void {
    if (!this.send) {
      if (sendAnyway) sendAnyway(this.notification(connectorId));
      return;
    }
    this.reported[connectorId] = '';
    this.report(connectorId);
  }

  private report(connectorId: number): void {
    const c = this.current[connectorId];
    const key = c.status + '/' + c.errorCode;
    if (!this.send || this.reported[connectorId] === key) return;
    this.reported[connectorId] = key;
    this.send(this.notification(connectorId));
  }

  private notification(connectorId: number): StatusNotification {
    const c = this.current[connectorId];
    const n: StatusNotification = { connectorId, errorCode: c.errorCode, status: c.status, timestamp: new Date(c.since).toISOString() };
    if (c.info) n.info = c.info;
    if (c.vendorErrorCode && c.errorCode !== 'NoError') n.vendorErrorCode = c.vendorErrorCode;
    return n;
  }
}
