// The security extension's transfers (security whitepaper sections 7 and 8): SignedUpdateFirmware
// and GetLog, as a part (src/lib/parts.ts) the station opens while one runs — from the request,
// or at boot when a stored signed update waits — so a bundle built with parts holds their code
// only then. Security (security.ts) routes the requests, answers the triggers and gives the
// part what it uses of the station.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';
import { SessionView, StationRestarts } from '../context';
import { CertificateUse } from '../../ocpp/v16/generated/types';
import { Certificates } from '../../lib/certificates';
import { LogUploadFlow } from '../../lib/log-upload';
import type { TransferKit } from '../../lib/transfer';
import { diagnosticsReport } from '../core/diagnostics-report';
import { SecurityEvents16 } from './security-event-types';
import { SignedFirmware } from './signed-firmware';

/** What the transfers are given of the station. */
export interface SecurityTransfersContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
  readonly session: Pick<SessionView, 'online' | 'send'>;
  readonly restarts: StationRestarts;
  readonly certificates: Certificates<CertificateUse>;
  readonly events: SecurityEvents16;
  /** The transfer flow's code (src/lib/transfer.ts's transferKit: resident). */
  readonly transfer: TransferKit;
  /** Where a signed update's progress is kept across a reboot. */
  readonly updateFile: string;
}

export class SecurityTransfers {
  readonly signedFirmware: SignedFirmware;
  readonly logs: LogUploadFlow;

  constructor(station: SecurityTransfersContext) {
    this.signedFirmware = new SignedFirmware(station, station.certificates, station.events);
    // GetLog (whitepaper section 8): the flow the 2.0.1 GetLog runs too; 1.6 has no AcceptedCanceled status to notify.
    this.logs = new LogUploadFlow(
      station.transfer,
      station.hal,
      { online: () => station.session.online, send: (action, payload) => station.session.send(action, payload) },
      {
        securityLog: () => station.events.securityLog(),
        diagnostics: (oldest, latest) => diagnosticsReport(station, { startTime: oldest, stopTime: latest }),
      },
      false
    );
  }

  /** Not yet over: a signed update or an upload under way, or a notification held back. */
  underWay(): boolean {
    return this.signedFirmware.underWay() || this.logs.underWay();
  }
}
