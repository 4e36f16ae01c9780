// GetLog / LogStatusNotification (security whitepaper section 8): the station uploads its
// SecurityLog (the security events, security-events.ts) or its DiagnosticsLog (the station
// state GetDiagnostics reports) to the CSMS's remoteLocation, through the same host hook
// as GetDiagnostics. The file name comes with the answer; then LogStatusNotification
// Uploading → Uploaded, or UploadFailure after `retries` more tries `retryInterval` apart,
// each with the request's requestId. A new GetLog replaces an upload under way
// (AcceptedCanceled). Uploads are not kept over a reboot (the CSMS asks again).
import { Hal } from '../../../hal/index';
import { Routes } from '../routes';
import { GetLogRequest, UploadLogStatus } from '../../ocpp/v16/generated/types';

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
  private job: Job | null = null;
  private timer: { cancel(): void } | null = null;
  private unsent: { status: UploadLogStatus; requestId?: number } | null = null;

  constructor(private readonly station: LogUploadContext, private readonly sources: LogSources) {}

  /** The requestId of the upload under way, if any. */
  get requestId(): number | undefined {
    return this.job ? this.job.requestId : undefined;
  }

  routes(): Routes {
    return {
      GetLog: {
        on: (p) => {
          const status = this.job ? 'AcceptedCanceled' : 'Accepted';
          const filename = this.fileNameFor(p);
          this.station.hal.log.info('GetLog ' + p.logType + ' (' + p.requestId + '): ' + status + ', file ' + filename);
          return { status, filename };
        },
        after: (p, response) => {
          const job = this.prepare(p, response.filename || this.fileNameFor(p));
          this.stop();
          this.job = job;
          this.upload(job);
        },
      },
    };
  }

  stop(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
  }

  /** Booted and connected: a notification held back goes now. */
  online(): void {
    const held = this.unsent;
    this.unsent = null;
    if (held) this.station.sendNow('LogStatusNotification', held);
  }

  /** The file name the answer gives: the log's kind, the station and the time of the request. */
  private fileNameFor(p: GetLogRequest): string {
    const hal = this.station.hal;
    const security = p.logType === 'SecurityLog';
    const stamp = new Date(hal.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    return (security ? 'security-log-' : 'diagnostics-log-') + hal.settings.id + '-' + stamp + (security ? '.log' : '.json');
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
      if (this.job !== job) return; // replaced by a newer GetLog meanwhile
      if (!error) {
        hal.log.info('log uploaded as ' + job.fileName);
        this.done('Uploaded');
        return;
      }
      if (job.retriesLeft > 0) {
        job.retriesLeft--;
        hal.log.warning('log upload failed (' + error + '); again in ' + job.retryIntervalS + ' s');
        this.timer = hal.setTimeout(() => {
          this.timer = null;
          if (this.job === job) this.upload(job);
        }, job.retryIntervalS * 1000);
        return;
      }
      hal.log.error('log upload failed (' + error + ')');
      this.done('UploadFailure');
    });
  }

  private done(status: UploadLogStatus): void {
    const requestId = this.requestId;
    this.job = null;
    this.setStatus(status, requestId);
    this.status = 'Idle'; // a later trigger: nothing going on
  }

  private setStatus(status: UploadLogStatus, requestId?: number): void {
    this.status = status;
    const payload: { status: UploadLogStatus; requestId?: number } = { status };
    if (requestId !== undefined) payload.requestId = requestId;
    if (!this.station.online) {
      this.unsent = payload; // only the latest status is worth telling later
      return;
    }
    this.station.sendNow('LogStatusNotification', payload);
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
