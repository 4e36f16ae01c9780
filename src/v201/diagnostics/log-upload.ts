// Functional block N, GetLog (N01): the log upload the 1.6 station's GetLog runs too
// (src/lib/log-upload.ts, over the transfer flow and the host's diagnosticsUpload):
// - Accepted with the file's name (N01.FR.01), then one file to remoteLocation (N01.FR.02):
//   the DiagnosticsLog (N01.FR.04: the station's state now, below) or the SecurityLog when
//   the security events are kept (N01.FR.03; without them Rejected, N01.FR.05);
// - LogStatusNotification Uploading (N01.FR.08), Uploaded (N01.FR.09) or UploadFailure once
//   `retries` more attempts `retryInterval` apart have failed (N01.FR.10), each with the
//   request's requestId (N01.FR.07);
// - a GetLog while one uploads: that one is canceled (AcceptedCanceled in the answer, N01.FR.12,
//   and in a LogStatusNotification with its requestId, N01.FR.20);
// - TriggerMessage(LogStatusNotification): Uploading with the requestId while one uploads, else
//   Idle without (N01.FR.13).
import { StationContext } from '../context';
import { LogUploadFlow } from '../../lib/log-upload';
import { FILE_TRANSFER_PROTOCOLS } from '../firmware/firmware';

export interface LogSecurity {
  /** The security log's lines, oldest first, each starting with its ISO timestamp (block A). */
  securityLog(): string[];
}

export function installLogUpload(station: StationContext, security?: LogSecurity): LogUploadFlow {
  const hal = station.hal;
  station.model.add('OCPPCommCtrlr', [FILE_TRANSFER_PROTOCOLS]);
  const flow = new LogUploadFlow(
    hal,
    { online: () => station.online, send: (action, payload) => station.send(action, payload) },
    { securityLog: security ? () => security.securityLog() : undefined, diagnostics: (oldest, latest) => diagnosticsReport(station, oldest, latest) },
    true
  );
  station.route({ GetLog: flow.route });
  station.triggers.add('LogStatusNotification', {
    send: () => {
      const id = flow.requestId;
      station.sendRequested('LogStatusNotification', flow.status !== 'Idle' && id !== undefined ? { status: flow.status, requestId: id } : { status: 'Idle' });
    },
  });
  station.on('online', () => flow.online());
  return flow;
}

/**
 * The DiagnosticsLog: the station's state now — identity, the EVSEs (status, transaction) and
 * every device-model variable but the write-only ones (no secrets). `oldest` / `latest` are
 * given back: this is a snapshot, not a history.
 */
export function diagnosticsReport(station: StationContext, oldest?: string, latest?: string): string {
  const { hal, model } = station;
  const evses: any[] = [];
  for (let id = 1; id <= station.evseCount; id++) {
    const hw = station.connector(id, 1)!;
    evses.push({ id, status: station.availability.status(id, 1), error: hw.error(), energyWh: hw.read().energyWh, transaction: station.transactions.running(id) });
  }
  const variables: { [key: string]: string } = {};
  const entries = model.all();
  for (let i = 0; i < entries.length; i++) {
    if (entries[i].spec.mutability !== 'WriteOnly') variables[entries[i].key] = model.read(entries[i]);
  }
  return JSON.stringify({
    station: hal.settings.id,
    firmwareVersion: hal.settings.firmwareVersion,
    host: hal.hostName,
    time: new Date(hal.now()).toISOString(),
    requested: { oldestTimestamp: oldest || null, latestTimestamp: latest || null },
    evses,
    variables,
  });
}
