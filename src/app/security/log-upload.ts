// GetLog / LogStatusNotification (security whitepaper section 8): the station uploads its
// SecurityLog (the security events, src/lib/security-events.ts) or its DiagnosticsLog (the station
// state GetDiagnostics reports) to the CSMS's remoteLocation, through the same host hook
// as GetDiagnostics. The file name comes with the answer; then LogStatusNotification
// Uploading → Uploaded, or UploadFailure after `retries` more tries `retryInterval` apart,
// each with the request's requestId. A new GetLog replaces an upload under way
// (AcceptedCanceled). Uploads are not kept over a reboot (the CSMS asks again). The flow is
// the transfer flow of src/lib/transfer.ts.
import { Hal } from '../../../hal/index';
import { Routes } from '../routes';
import { GetLogRequest, UploadLogStatus } from '../../ocpp/v16/generated/types';
import { TransferFlow, HeldNotifications, fileStamp } from '../../lib/transfer';

export interface LogUploadContext {
  readonly hal: Hal;
  readonly online: boolean;
  sendNow(action: string, payload: object): Promise<any>;
}

/** Where the logs' contents come from. */
export interface LogSources {
  /** Security log lines, oldest first, each starting with its ISO timestamp. */
  securityLog(): string[];
  /** The diagnostics report (text) for a time window (ISO strings, optional). */
  diagnostics(oldest?: string, latest?: string): string;
}

interface Job {
  requestId: number;
  location: string;
  fileName: string;
  data: string;
  retriesLeft: number;
  retryIntervalS: number;
}

const DEFAULT_RETRIES = 1;
const DEFAULT_RETRY_INTERVAL_S = 60;

export class LogUpload {
  /** What a triggered LogStatusNotification reports. */
  status: UploadLogStatus = 'Idle';
  private readonly flow: TransferFlow<Job>;
  /** The latest notification that could not go while offline. */
  private readonly held: HeldNotifications;

  constructor(private readonly station: LogUploadContext, private readonly sources: LogSources) {
    const hal = station.hal;
    this.flow = new TransferFlow<Job>({ now: hal.now, setTimeout: hal.setTimeout, log: hal.log, storage: hal.storage });
    this.held = new HeldNotifications(
      () => station.online,
      (action, payload) => station.sendNow(action, payload)
    );
  }

  /** The requestId of the upload under way, if any. */
  get requestId(): number | undefined {
    return this.flow.job ? this.flow.job.requestId : undefined;
  }

  routes(): Routes {
    return {
      GetLog: {
        on: (p) => {
          const status = this.flow.job ? 'AcceptedCanceled' : 'Accepted';
          const filename = this.fileNameFor(p);
          this.station.hal.log.info('GetLog ' + p.logType + ' (' + p.requestId + '): ' + status + ', file ' + filename);
          return { status, filename };
        },
        after: (p, response) => {
          this.upload(this.flow.begin(this.prepare(p, response.filename || this.fileNameFor(p))));
        },
      },
    };
  }

  stop(): void {
    this.flow.cancel();
  }

  /** Booted and connected: a notification held back goes now. */
  online(): void {
    this.held.flush();
  }

  /** The file name the answer gives: the log's kind, the station and the time of the request. */
  private fileNameFor(p: GetLogRequest): string {
    const hal = this.station.hal;
    const security = p.logType === 'SecurityLog';
    return (security ? 'security-log-' : 'diagnostics-log-') + hal.settings.id + '-' + fileStamp(hal.now()) + (security ? '.log' : '.json');
  }

  private prepare(p: GetLogRequest, fileName: string): Job {
    const oldest: string | undefined = p.log.oldestTimestamp;
    const latest: string | undefined = p.log.latestTimestamp;
    return {
      requestId: p.requestId,
      location: p.log.remoteLocation,
      fileName,
      // Taken as the answer goes: the log as it was when the CSMS asked.
      data: p.logType === 'SecurityLog' ? linesWithin(this.sources.securityLog(), oldest, latest) : this.sources.diagnostics(oldest, latest),
      retriesLeft: p.retries !== undefined && p.retries >= 0 ? p.retries : DEFAULT_RETRIES,
      retryIntervalS: p.retryInterval !== undefined && p.retryInterval >= 0 ? p.retryInterval : DEFAULT_RETRY_INTERVAL_S,
    };
  }

  private upload(job: Job): void {
    const hal = this.station.hal;
    this.setStatus('Uploading', job.requestId);
    hal.firmware.uploadDiagnostics(job.location, job.fileName, job.data, (error) => {
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

  private done(status: UploadLogStatus): void {
    const requestId = this.requestId;
    this.flow.end();
    this.setStatus(status, requestId);
    this.status = 'Idle'; // a later trigger: nothing going on
  }

  private setStatus(status: UploadLogStatus, requestId?: number): void {
    this.status = status;
    const payload: { status: UploadLogStatus; requestId?: number } = { status };
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
