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
// The update's flow is a part (firmware-flow.ts, src/lib/parts.ts), held while an update runs:
// opened for UpdateFirmware, or at boot when a stored update waits, and let go once over;
// this resident side routes the request, answers the trigger and confirms the image. A part
// that cannot be opened answers the request with a CALLERROR InternalError and an error log
// line; a stored update then waits in storage for a boot that can open it.
import { StationContext } from '../context';
import { FILE_TRANSFER_PROTOCOLS } from '../file-transfer';
import { PartHolder } from '../../lib/part-holder';
import { firmwarePart201 } from './firmware-part';
import { transferFlow } from '../transfer-flow';
import type { FirmwarePartContext, FirmwareSecurity, FirmwareUpdate201 } from './firmware-flow';

/** Where the update's progress is kept across reboots and power cuts. */
const UPDATE_FILE = 'firmware-update.json';

export function installFirmware(station: StationContext, security?: FirmwareSecurity): void {
  const hal = station.hal;
  station.model.add('OCPPCommCtrlr', [FILE_TRANSFER_PROTOCOLS]);
  const context: FirmwarePartContext = {
    station,
    security,
    file: UPDATE_FILE,
    transfer: transferFlow,
    last: { status: 'Idle' },
  };
  const flow = new PartHolder<FirmwarePartContext, FirmwareUpdate201>(hal, firmwarePart201, context, (update) => (context.last = update.last), transferFlow);

  station.route({
    UpdateFirmware: {
      on: (p) => {
        const status = flow.open('UpdateFirmware').decide(p);
        hal.log.info('UpdateFirmware ' + p.requestId + ': ' + status);
        return { status };
      },
      after: (p, response) => {
        if (response.status === 'Accepted' || response.status === 'AcceptedCanceled') flow.open('UpdateFirmware').schedule(p);
      },
    },
  });
  station.triggers.add('FirmwareStatusNotification', {
    send: () => {
      const last = flow.value ? flow.value.last : context.last;
      station.sendRequested('FirmwareStatusNotification', last.status === 'Installed' ? { status: 'Idle' } : last);
    },
  });
  station.on('bootAccepted', () => hal.firmware.confirmBoot()); // this image reached the CSMS: it stays
  station.on('online', () => flow.value && flow.value.online());
  station.on('idle', () => flow.value && flow.value.idle());
  // At boot, once the station and the features it was built with are up: a stored update
  // resumes, or reports how the install that restarted the station ended.
  hal.setTimeout(() => {
    if (hal.storage.get(UPDATE_FILE) === null) return;
    try {
      flow.open('the stored firmware update').start();
    } catch (e) {
      // logged; the record stays for a boot that can open the part
    }
  }, 0);
}
