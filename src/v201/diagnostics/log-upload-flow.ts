// Block N's log upload, the part (src/lib/parts.ts) the resident side (log-upload.ts) opens
// while an upload runs: the flow the 1.6 GetLog runs too (src/lib/log-upload.ts) on the 2.0.1
// station, with its DiagnosticsLog (below) and block A's security log when installed. A
// bundle built with parts carries it behind its own code (log-upload-part.ts); it runs on the
// shared transfer flow (transfer-flow.ts), which its context gives.
import { StationContext } from '../context';
import { LogUploadFlow } from '../../lib/log-upload';
import type { TransferKit } from '../../lib/transfer';
import type { SharedPart } from '../../lib/shared-parts';

/** What the upload is given of the station. */
export interface LogUploadPartContext {
  readonly station: StationContext;
  /** The security log's lines, oldest first, each starting with its ISO timestamp (none: block A is not installed). */
  readonly securityLog?: () => string[];
  /** The transfer flow's code (src/lib/transfer.ts's transferKit), the shared part (transfer-flow.ts) the holder opens before this one. */
  readonly transfer: SharedPart<TransferKit>;
}

export function openLogUpload(context: LogUploadPartContext): LogUploadFlow {
  const station = context.station;
  return new LogUploadFlow(
    context.transfer.value!,
    station.hal,
    { online: () => station.online, send: (action, payload) => station.send(action, payload) },
    { securityLog: context.securityLog, diagnostics: (oldest, latest) => diagnosticsReport(station, oldest, latest) },
    true
  );
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
  const head = JSON.stringify({
    station: hal.settings.id,
    firmwareVersion: hal.settings.firmwareVersion,
    host: hal.hostName,
    time: new Date(hal.now()).toISOString(),
    requested: { oldestTimestamp: oldest || null, latestTimestamp: latest || null },
    evses,
  });
  // The variables written as JSON.stringify writes an object of them (key order, escapes), one
  // decoded entry at a time: not an object of a hundred keys (an atom each) beside every entry.
  let variables = '';
  for (let i = 0, e = model.at(0); e; e = model.at(++i)) {
    if (e.spec.mutability !== 'WriteOnly') variables += (variables ? ',' : '') + JSON.stringify(e.key) + ':' + JSON.stringify(model.read(e));
  }
  return head.substring(0, head.length - 1) + ',"variables":{' + variables + '}}';
}
