// GetLog / LogStatusNotification (security whitepaper section 8): the upload flow OCPP
// 2.0.1's GetLog runs too (src/lib/log-upload.ts: SecurityLog or DiagnosticsLog to the
// remoteLocation through the host's upload member, Uploading → Uploaded or UploadFailure
// after the retries, each with the requestId; a new GetLog replaces one under way,
// AcceptedCanceled); here: its 1.6 route.
import { Hal } from '../../../hal/index';
import { Routes } from '../routes';
import { UploadLogStatus } from '../../ocpp/v16/generated/types';
import { LogSources, LogUploadFlow } from '../../lib/log-upload';

export { linesWithin } from '../../lib/log-upload';
export { LogSources };

export interface LogUploadContext {
  readonly hal: Hal;
  readonly online: boolean;
  sendNow(action: string, payload: object): Promise<any>;
}

export class LogUpload {
  private readonly flow: LogUploadFlow;

  constructor(station: LogUploadContext, sources: LogSources) {
    this.flow = new LogUploadFlow(station.hal, { online: () => station.online, send: (action, payload) => station.sendNow(action, payload) }, sources, false);
  }

  /** What a triggered LogStatusNotification reports. */
  get status(): UploadLogStatus {
    return this.flow.status;
  }

  /** The requestId of the upload under way, if any. */
  get requestId(): number | undefined {
    return this.flow.requestId;
  }

  routes(): Routes {
    return {
      GetLog: {
        on: (p) => this.flow.answer(p),
        after: (p, response) => {
          if (response.status !== 'Rejected') this.flow.begin(p, response.filename);
        },
      },
    };
  }

  stop(): void {
    this.flow.stop();
  }

  /** Booted and connected: a notification held back goes now. */
  online(): void {
    this.flow.online();
  }
}
