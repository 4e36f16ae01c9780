// Secure firmware update (security whitepaper section 7): SignedUpdateFirmware and its
// SignedFirmwareStatusNotifications, each with the request's requestId. The flow is the one
// OCPP 2.0.1's UpdateFirmware runs too (src/lib/firmware-update.ts: the certificate against
// the ManufacturerRootCertificates, download, the host's signature check, install once no
// transaction runs, the restart, Installed after it); here: the 1.6 station's certificates,
// security events and connectors. A part (signed-firmware-part.ts, src/lib/parts.ts) Security
// holds while an update runs (security.ts routes the request and answers the trigger).
import { Hal } from '../../../hal/index';
import { Routes } from '../routes';
import { SignedFirmwareStatus } from '../../ocpp/v16/generated/types';
import { Connector } from '../core/connector';
import { SessionView, StationRestarts } from '../context';
import { SecurityEvents16, SecurityEventType } from './security-event-types';
import type { CertificateStore } from '../../lib/certificate-store';
import type { TransferKit } from '../../lib/transfer';
import { busyConnector } from '../../lib/transfer-request';
import { FirmwareUpdate } from '../../lib/firmware-update';

export interface SignedFirmwareContext {
  readonly hal: Hal;
  /** Where the update's progress is kept across a reboot. */
  readonly updateFile: string;
  readonly connectors: Connector[];
  readonly session: Pick<SessionView, 'online' | 'send'>;
  readonly restarts: StationRestarts;
  readonly certificates: CertificateStore;
  readonly events: SecurityEvents16;
  /** The transfer flow's code (src/lib/transfer.ts's transferKit: resident, the flow runs in a part). */
  readonly transfer: TransferKit;
}

export class SignedFirmware {
  private readonly update: FirmwareUpdate<'SignedFirmwareStatusNotification'>;

  constructor(private readonly station: SignedFirmwareContext) {
    const { hal, certificates, events } = station;
    this.update = new FirmwareUpdate(
      station.transfer,
      hal,
      {
        online: () => station.session.online,
        send: (action, payload) => station.session.send(action, payload),
        canVerify: () => !!certificates.crypto && hal.firmware.canVerifySignatures,
        untrusted: (pem) => {
          const roots = certificates.pemsOf('ManufacturerRootCertificate');
          return roots ? certificates.crypto!.verifyChain(pem, roots, '') : 'no ManufacturerRootCertificate installed';
        },
        securityEvent: (type, techInfo) => events.raise(type as SecurityEventType, techInfo),
        busy: () => {
          const busy = busyConnector(station.connectors);
          return busy === null ? null : 'the transaction on connector ' + busy;
        },
        reboot: () => station.restarts.reboot('Reboot'),
      },
      { file: station.updateFile, action: 'SignedFirmwareStatusNotification', request: 'SignedUpdateFirmware', what: 'signed firmware', unsigned: false }
    );
  }

  /** What a triggered (Signed)FirmwareStatusNotification reports. */
  get status(): SignedFirmwareStatus {
    return this.update.status;
  }

  /** The requestId of the update under way, if any (for triggered notifications). */
  get requestId(): number | undefined {
    return this.update.requestId;
  }

  routes(): Routes {
    return {
      SignedUpdateFirmware: {
        on: (p) => {
          const status = this.update.decide(p);
          this.station.hal.log.info('SignedUpdateFirmware ' + p.requestId + ': ' + status);
          return { status };
        },
        after: (p, response) => {
          if (response.status === 'Accepted' || response.status === 'AcceptedCanceled') this.update.schedule(p);
        },
      },
    };
  }

  /** Not yet over: an update under way, its final status owed, or a notification held back. */
  underWay(): boolean {
    return this.update.underWay();
  }

  /** At boot: resumes an update; reports how an install that restarted the station ended, or a final status not yet answered. */
  start(): void {
    this.update.start();
  }

  stop(): void {
    this.update.stop();
  }

  /** Booted and connected: a notification held back goes now. */
  online(): void {
    this.update.online();
  }

  /** A connector changed: an install waits for the transactions to end. */
  connectorChanged(): void {
    this.update.idle();
  }
}
