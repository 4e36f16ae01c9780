// Firmware Management profile (OCPP 1.6 sections 3.12, 5.8): the GetDiagnostics upload and its
// DiagnosticsStatusNotifications. The station's resident side (firmware.ts) routes the request
// and answers the trigger; this is the part it holds while an upload runs (diagnostics-part.ts,
// src/lib/parts.ts), on the shared transfer flow the update runs on too: a GetDiagnostics loads
// no firmware update code. A host without the upload member makes it end in UploadFailed with
// a log line that says why.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';
import { SessionView } from '../context';
import { DiagnosticsStatus, DiagnosticsStatusNotificationRequest, GetDiagnosticsRequest } from '../../ocpp/v16/generated/types';
import { diagnosticsReport } from '../core/diagnostics-report';
import type { TransferFlow, TransferJob, TransferKit, HeldNotifications } from '../../lib/transfer';
import { withRetries } from '../../lib/transfer-request';

/** What the upload is given of the station: all it uses of it, and where it reports. */
export interface DiagnosticsContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
  readonly session: Pick<SessionView, 'online' | 'send'>;
  /** The transfer flow's code (src/lib/transfer.ts's transferKit). */
  readonly transfer: TransferKit;
  /** What a triggered DiagnosticsStatusNotification reports, kept up to date here. */
  diagnosticsStatus: DiagnosticsStatus;
  /** The upload ended: the station may let the part go once it is not underWay() (it looks on a later turn). */
  ended(): void;
}

interface DiagnosticsUpload extends TransferJob {
  request: GetDiagnosticsRequest;
  fileName: string;
}

export class DiagnosticsFlow {
  private readonly upload: TransferFlow<DiagnosticsUpload>;
  /** Notifications that could not go while offline, sent when the station is online. */
  private readonly held: HeldNotifications<{ DiagnosticsStatusNotification: DiagnosticsStatusNotificationRequest }>;

  constructor(private readonly station: DiagnosticsContext) {
    const transfer = station.transfer;
    this.upload = new transfer.TransferFlow<DiagnosticsUpload>(station.hal);
    this.held = new transfer.HeldNotifications(() => station.session.online, (action, payload) => station.session.send(action, payload));
  }

  /**
   * Not yet over: an upload under way, or a notification held back until the station is online.
   * Not the answer to the last one: nothing of the flow waits for it (the part goes as soon as
   * the upload has ended and its last status is sent).
   */
  underWay(): boolean {
    return !!this.upload.job || this.held.pending();
  }

  /** GetDiagnostics, once answered with `fileName`. */
  getDiagnostics(p: GetDiagnosticsRequest, fileName: string): void {
    this.send(this.upload.begin(withRetries<DiagnosticsUpload>({ request: p, fileName }, p.retries, p.retryInterval)));
  }

  stop(): void {
    this.upload.cancel();
  }

  /** The station is online (booted): notifications held back go now. */
  online(): void {
    this.held.flush();
  }

  /** Uploads the report as the file name the answer to GetDiagnostics gave. */
  private send(upload: DiagnosticsUpload): void {
    const hal = this.station.hal;
    this.setStatus('Uploading');
    hal.firmware.uploadDiagnostics(upload.request.location, upload.fileName, diagnosticsReport(this.station, upload.request), (error) => {
      if (!this.upload.isCurrent(upload)) return; // replaced by a newer GetDiagnostics meanwhile
      if (!error) {
        hal.log.info('diagnostics uploaded as ' + upload.fileName);
        return this.end('Uploaded');
      }
      if (this.upload.retry(upload, () => this.send(upload))) {
        hal.log.warning('diagnostics upload failed (' + error + '); again in ' + upload.retryIntervalS + ' s');
        return;
      }
      hal.log.error('diagnostics upload failed (' + error + ')');
      this.end('UploadFailed');
    });
  }

  private end(status: DiagnosticsStatus): void {
    this.upload.end();
    this.setStatus(status);
    this.station.diagnosticsStatus = 'Idle';
    this.station.ended();
  }

  private setStatus(status: DiagnosticsStatus): void {
    this.station.diagnosticsStatus = status;
    this.held.notify('DiagnosticsStatusNotification', { status });
  }
}
