// The log upload both stations run: the 1.6 security extension's GetLog (whitepaper section
// 8) and OCPP 2.0.1's GetLog (block N, N01). The station uploads its security log (the
// security events) or its diagnostics (the station's state) to the CSMS's remoteLocation
// through the host's diagnosticsUpload. The file name comes with the answer; then
// LogStatusNotification Uploading → Uploaded, or UploadFailure after `retries` more tries
// `retryInterval` apart, each with the request's requestId. A new GetLog replaces an upload
// under way (AcceptedCanceled). Uploads are not kept over a reboot (the CSMS asks again). The
// flow is the transfer flow of transfer.ts (given as a value, TransferKit: the 1.6 station
// runs this in a part); nothing here knows an OCPP version (the 1.6
// station's security extension and the 2.0.1 station's diagnostics/log-upload.ts route it).
import { FirmwareHooks } from '../../hal/index';
import type { TransferFlow, TransferHost, TransferJob, TransferKit, HeldNotifications } from './transfer';
import { withRetries } from './transfer-request';
import { GetLogRequest as GetLogRequest16, LogStatus, UploadLogStatus } from '../ocpp/v16/generated/types';
import { GetLogRequest as GetLogRequest201, LogStatusEnum, UploadLogStatusEnum } from '../ocpp/v201/generated/types';

/** The request, the statuses and answers both versions spell the same (their generated types). */
export type LogRequest = GetLogRequest16 | GetLogRequest201;
export type LogUploadStatus = UploadLogStatus & UploadLogStatusEnum;
export type LogAnswer = LogStatus & LogStatusEnum;
/** The notification the flow sends: what both versions' generated LogStatusNotificationRequest take. */
export interface LogStatusPayload {
  status: LogUploadStatus;
  requestId?: number;
}

/** What the flow uses of the HAL (the station's `hal`). */
export interface LogUploadHal extends TransferHost {
  readonly firmware: FirmwareHooks;
  readonly settings: { id: string };
}

/** What the flow needs of the station. */
export interface LogUploadStation {
  online(): boolean;
  /** Sends a notification: resolves with the CSMS's answer, or null. */
  send(action: 'LogStatusNotification', payload: LogStatusPayload): Promise<unknown>;
  /** The upload ended (its last status sent): the station may let the flow go once it is not underWay() (on a later turn). */
  ended?(): void;
}

/** Where the logs' contents come from. */
export interface LogSources {
  /** Security log lines, oldest first, each starting with its ISO timestamp (none: the station keeps no security log). */
  securityLog?: () => string[];
  /** The diagnostics report (text) for a time window (ISO strings, optional). */
  diagnostics(oldest?: string, latest?: string): string;
}

interface Job extends TransferJob {
  requestId: number;
  location: string;
  fileName: string;
  data: string;
}

export class LogUploadFlow {
  /** What a triggered LogStatusNotification reports. */
  status: LogUploadStatus = 'Idle';
  private readonly flow: TransferFlow<Job>;
  /** The latest notification that could not go while offline. */
  private readonly held: HeldNotifications<{ LogStatusNotification: LogStatusPayload }>;

  /**
   * `transfer`: the transfer flow's code (transfer.ts's transferKit, or a part's context's).
   * `notifyCanceled`: an upload a new GetLog replaces is told AcceptedCanceled (2.0.1; 1.6 has no such status).
   */
  constructor(private readonly transfer: TransferKit, private readonly hal: LogUploadHal, private readonly station: LogUploadStation, private readonly sources: LogSources, private readonly notifyCanceled: boolean) {
    this.flow = new transfer.TransferFlow<Job>(hal);
    this.held = new transfer.HeldNotifications(
      () => station.online(),
      (action, payload) => station.send(action, payload)
    );
  }

  /** The GetLog route (either version's): the answer, then, unless Rejected, the upload. */
  readonly route = {
    on: (p: LogRequest) => this.answer(p),
    after: (p: LogRequest, response: { status: string; filename?: string }) => {
      if (response.status !== 'Rejected') this.begin(p, response.filename);
    },
  };

  /** An upload under way, or a notification held back: not yet over. */
  underWay(): boolean {
    return this.flow.job !== null || this.held.pending();
  }

  /** The requestId of the upload under way, if any. */
  get requestId(): number | undefined {
    return this.flow.job ? this.flow.job.requestId : undefined;
  }

  /** The answer to a GetLog (then, unless Rejected: begin with its filename). */
  answer(p: LogRequest): { status: LogAnswer; filename?: string } {
    if (p.logType === 'SecurityLog' && !this.sources.securityLog) {
      this.hal.log.info('GetLog SecurityLog (' + p.requestId + '): Rejected, no security log is kept');
      return { status: 'Rejected' };
    }
    const status = this.flow.job ? 'AcceptedCanceled' : 'Accepted';
    const filename = this.fileNameFor(p);
    this.hal.log.info('GetLog ' + p.logType + ' (' + p.requestId + '): ' + status + ', file ' + filename);
    return { status, filename };
  }

  /** Starts the upload an accepted GetLog asked for; it replaces one under way. */
  begin(p: LogRequest, filename?: string): void {
    const replaced = this.flow.job;
    if (replaced && this.notifyCanceled) this.setStatus('AcceptedCanceled' as LogUploadStatus, replaced.requestId);
    this.upload(this.flow.begin(this.prepare(p, filename || this.fileNameFor(p))));
  }

  stop(): void {
    this.flow.cancel();
  }

  /** Booted and connected: a notification held back goes now. */
  online(): void {
    this.held.flush();
  }

  /** The file name the answer gives: the log's kind, the station and the time of the request. */
  private fileNameFor(p: LogRequest): string {
    const security = p.logType === 'SecurityLog';
    return (security ? 'security-log-' : 'diagnostics-log-') + this.hal.settings.id + '-' + this.transfer.fileStamp(this.hal.now()) + (security ? '.log' : '.json');
  }

  private prepare(p: LogRequest, fileName: string): Job {
    const oldest: string | undefined = p.log.oldestTimestamp;
    const latest: string | undefined = p.log.latestTimestamp;
    const security = this.sources.securityLog;
    return withRetries<Job>(
      {
        requestId: p.requestId,
        location: p.log.remoteLocation,
        fileName,
        // Taken as the answer goes: the log as it was when the CSMS asked.
        data: p.logType === 'SecurityLog' && security ? linesWithin(security(), oldest, latest) : this.sources.diagnostics(oldest, latest),
      },
      p.retries,
      p.retryInterval
    );
  }

  private upload(job: Job): void {
    const hal = this.hal;
    const data = job.data;
    // The last attempt: the job keeps its text no longer than the host needs it (a retry would).
    if (job.retriesLeft <= 0) job.data = '';
    this.setStatus('Uploading', job.requestId);
    hal.firmware.uploadDiagnostics(job.location, job.fileName, data, (error) => {
      if (!this.flow.isCurrent(job)) return; // replaced by a newer GetLog meanwhile
      if (!error) {
        hal.log.info('log uploaded as ' + job.fileName);
        this.done('Uploaded');
        return;
      }
      if (this.flow.retry(job, () => this.upload(job))) {
        hal.log.warning('log upload failed (' + error + '); again in ' + job.retryIntervalS + ' s');
        return;
      }
      hal.log.error('log upload failed (' + error + ')');
      this.done('UploadFailure');
    });
  }

  private done(status: LogUploadStatus): void {
    const requestId = this.requestId;
    this.flow.end();
    this.setStatus(status, requestId);
    this.status = 'Idle'; // a later trigger: nothing going on
    if (this.station.ended) this.station.ended();
  }

  private setStatus(status: LogUploadStatus, requestId?: number): void {
    this.status = status;
    const payload: LogStatusPayload = { status };
    if (requestId !== undefined) payload.requestId = requestId;
    this.held.notify('LogStatusNotification', payload); // only the latest status is worth telling later
  }
}

/** The lines (each starting with an ISO timestamp) within [oldest, latest], as one text. */
export function linesWithin(lines: string[], oldest?: string, latest?: string): string {
  const from = oldest ? Date.parse(oldest) : NaN;
  const to = latest ? Date.parse(latest) : NaN;
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = Date.parse(lines[i].substring(0, lines[i].indexOf(' ')));
    if (!isNaN(from) && !(t >= from)) continue;
    if (!isNaN(to) && !(t <= to)) continue;
    out.push(lines[i]);
  }
  return out.length ? out.join('\n') + '\n' : '';
}
