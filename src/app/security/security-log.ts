// GetLog of the security extension (whitepaper section 8): the upload flow the 2.0.1 GetLog runs
// too (src/lib/log-upload.ts) with the 1.6 station's security log and diagnostics report. A part
// (security-log-part.ts, src/lib/parts.ts) Security holds while an upload runs (security.ts
// routes the request and answers the trigger).
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';
import { SessionView } from '../context';
import { LogUploadFlow } from '../../lib/log-upload';
import type { TransferKit } from '../../lib/transfer';
import { diagnosticsReport } from '../core/diagnostics-report';
import { SecurityEvents16 } from './security-event-types';

/** What the upload is given of the station. */
export interface SecurityLogContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
  readonly session: Pick<SessionView, 'online' | 'send'>;
  readonly events: SecurityEvents16;
  /** The transfer flow's code (src/lib/transfer.ts's transferKit: resident). */
  readonly transfer: TransferKit;
  /** The upload ended: the station may let the part go (it looks on a later turn). */
  ended(): void;
}

/** 1.6 has no AcceptedCanceled status to notify. */
export function openSecurityLog(station: SecurityLogContext): LogUploadFlow {
  return new LogUploadFlow(
    station.transfer,
    station.hal,
    { online: () => station.session.online, send: (action, payload) => station.session.send(action, payload), ended: station.ended },
    {
      securityLog: () => station.events.securityLog(),
      diagnostics: (oldest, latest) => diagnosticsReport(station, { startTime: oldest, stopTime: latest }),
    },
    false
  );
}
