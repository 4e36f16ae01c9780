// Functional block L, FirmwareManagement: UpdateFirmware → FirmwareStatusNotification, the
// flow the 1.6 station's SignedUpdateFirmware runs too (src/lib/firmware-update.ts, over the
// transfer flow and the host's firmware members):
// - a signingCertificate is checked before the answer against the ManufacturerRootCertificates
//   (L01.FR.21/22: InvalidCertificate, and the security event InvalidFirmwareSigningCertificate,
//   L01.FR.02), the downloaded image's signature by the host (L01.FR.04, L01.FR.12:
//   SignatureVerified, or InvalidSignature and InvalidFirmwareSignature, L01.FR.03); a request
//   without one is the non-secure update of L02 (no signature check);
// - every status with the request's requestId (L01.FR.01, L01.FR.10): DownloadScheduled while
//   retrieveDateTime is ahead (L01.FR.13), Downloading, Downloaded, DownloadFailed once the
//   retries (retryInterval apart) are spent (L01.FR.30), InstallScheduled while installDateTime
//   is ahead (L01.FR.16), Installing, InstallRebooting before the reboot and Installed from the
//   new image after it (L01.FR.15, L01.FR.32 option a; the security event FirmwareUpdated,
//   L01.FR.31), InstallationFailed when the install fails or the host rolled the image back;
// - the install waits until no transaction runs (L01.FR.06), the idle EVSEs meanwhile held
//   Unavailable, each running one once its transaction has ended (L01.FR.07);
// - a new request replaces an update not yet installing (AcceptedCanceled, L01.FR.24), one
//   installing is Rejected (L01.FR.27);
// - TriggerMessage(FirmwareStatusNotification): the last status sent, Idle after Installed or
//   when none was (L01.FR.25/26), requestId unless Idle (L01.FR.20).
// The reboot into the new image gives BootNotification reason FirmwareUpdate; its Accepted
// answer confirms the image to a host with rollback (firmwareConfirm).
import { StationContext } from '../context';
import { FirmwareUpdate } from '../../lib/firmware-update';
import { VariableSpec } from '../device-model/model';

/** What block L needs of the certificates and security events (blocks A and M), when installed. */
export interface FirmwareSecurity {
  /** The installed ManufacturerRootCertificates as one PEM text ('' = none; no such member: block M is not installed). */
  manufacturerRoots?(): string;
  /** A security event (A04): InvalidFirmwareSigningCertificate, InvalidFirmwareSignature, FirmwareUpdated (no such member: block A is not installed, the event is logged). */
  raise?(type: string, techInfo?: string): void;
}

/** OCPPCommCtrlr.FileTransferProtocols: what firmware downloads and log uploads may use (the hosts': HTTP and HTTPS). */
export const FILE_TRANSFER_PROTOCOLS: VariableSpec = { name: 'FileTransferProtocols', type: 'MemberList', value: 'HTTP,HTTPS', values: 'FTP,FTPS,HTTP,HTTPS,SFTP', constant: true };

export function installFirmware(station: StationContext, security?: FirmwareSecurity): FirmwareUpdate<'FirmwareStatusNotification'> {
  const hal = station.hal;
  station.model.add('OCPPCommCtrlr', [FILE_TRANSFER_PROTOCOLS]);
  const update = new FirmwareUpdate(
    hal,
    {
      online: () => station.online,
      send: (action, payload) => station.send(action, payload),
      canVerify: () => !!hal.crypto && hal.firmware.canVerifySignatures,
      untrusted: (pem) => {
        const roots = security && security.manufacturerRoots ? security.manufacturerRoots() : '';
        return roots ? hal.crypto!.verifyChain(pem, roots, '') : 'no ManufacturerRootCertificate installed';
      },
      securityEvent: (type, techInfo) => {
        if (security && security.raise) security.raise(type, techInfo);
        else hal.log.warning('security event ' + type + ': ' + techInfo);
      },
      busy: () => (station.transactions.running() ? 'the transactions to end' : null),
      waiting: (on) => station.availability.hold('firmware', 0, on),
      reboot: () => station.reboot('FirmwareUpdate'),
    },
    { file: 'firmware-update.json', action: 'FirmwareStatusNotification', request: 'UpdateFirmware', what: 'firmware', unsigned: true }
  );

  station.route({
    UpdateFirmware: {
      on: (p) => {
        const status = update.decide(p);
        hal.log.info('UpdateFirmware ' + p.requestId + ': ' + status);
        return { status };
      },
      after: (p, response) => {
        if (response.status === 'Accepted' || response.status === 'AcceptedCanceled') update.schedule(p);
      },
    },
  });
  station.triggers.add('FirmwareStatusNotification', {
    send: () => station.sendRequested('FirmwareStatusNotification', update.last.status === 'Installed' ? { status: 'Idle' } : update.last),
  });
  station.on('bootAccepted', () => hal.firmware.confirmBoot()); // this image reached the CSMS: it stays
  station.on('online', () => update.online());
  station.on('idle', () => update.idle());
  // At boot, once the station and the features it was built with are up: an update resumes,
  // or reports how the install that restarted the station ended.
  hal.setTimeout(() => update.start(), 0);
  return update;
}
