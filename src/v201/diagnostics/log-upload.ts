// Functional block N, GetLog (N01): the log upload the 1.6 station's GetLog runs too
// (src/lib/log-upload.ts, over the transfer flow and the host's diagnosticsUpload):
// - Accepted with the file's name (N01.FR.01), then one file to remoteLocation (N01.FR.02):
//   the DiagnosticsLog (N01.FR.04: the station's state now, log-upload-flow.ts) or the SecurityLog when
//   the security events are kept (N01.FR.03; without them Rejected, N01.FR.05);
// - LogStatusNotification Uploading (N01.FR.08), Uploaded (N01.FR.09) or UploadFailure once
//   `retries` more attempts `retryInterval` apart have failed (N01.FR.10), each with the
//   request's requestId (N01.FR.07);
// - a GetLog while one uploads: that one is canceled (AcceptedCanceled in the answer, N01.FR.12,
//   and in a LogStatusNotification with its requestId, N01.FR.20);
// - TriggerMessage(LogStatusNotification): Uploading with the requestId while one uploads, else
//   Idle without (N01.FR.13).
// The upload's flow is a part (log-upload-flow.ts, src/lib/parts.ts), held while an upload
// runs: opened for GetLog and let go once over; this resident side routes the request and
// answers the trigger. A part that cannot be opened answers GetLog with a CALLERROR
// InternalError and an error log line.
import { StationContext } from '../context';
import { FILE_TRANSFER_PROTOCOLS } from '../file-transfer';
import { PartHolder } from '../../lib/part-holder';
import { logUploadPart201 } from './log-upload-part';
import { transferFlow } from '../transfer-flow';
import type { LogUploadFlow } from '../../lib/log-upload';
import type { LogUploadPartContext } from './log-upload-flow';

export interface LogSecurity {
  /** The security log's lines, oldest first, each starting with its ISO timestamp (block A). */
  securityLog(): string[];
}

export function installLogUpload(station: StationContext, security?: LogSecurity): void {
  station.model.add('OCPPCommCtrlr', [FILE_TRANSFER_PROTOCOLS]);
  const context: LogUploadPartContext = {
    station,
    securityLog: security ? () => security.securityLog() : undefined,
    transfer: transferFlow,
  };
  const upload = new PartHolder<LogUploadPartContext, LogUploadFlow>(station.hal, logUploadPart201, context, undefined, transferFlow);
  station.route({
    GetLog: {
      on: (p) => upload.open('GetLog').route.on(p),
      after: (p, response) => upload.open('GetLog').route.after(p, response),
    },
  });
  station.triggers.add('LogStatusNotification', {
    send: () => {
      const flow = upload.value;
      const id = flow ? flow.requestId : undefined;
      station.sendRequested('LogStatusNotification', flow && flow.status !== 'Idle' && id !== undefined ? { status: flow.status, requestId: id } : { status: 'Idle' });
    },
  });
  station.on('online', () => upload.value && upload.value.online());
}
