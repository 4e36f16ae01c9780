// Block L's update flow, the part (src/lib/parts.ts) the resident side (firmware.ts) opens
// while an update runs: the flow the 1.6 SignedUpdateFirmware runs too (src/lib/firmware-update.ts)
// on the 2.0.1 station — its FirmwareStatusNotification, the manufacturer roots and the
// security events of blocks A and M when installed, the transactions an install waits for,
// the EVSEs it holds meanwhile, the reboot (reason FirmwareUpdate). A bundle built with parts
// carries it behind its own code (firmware-part.ts); it runs on the shared transfer flow
// (transfer-flow.ts), which its context gives.
import { StationContext } from '../context';
import { FirmwareStatusPayload, FirmwareUpdate } from '../../lib/firmware-update';
import type { TransferKit } from '../../lib/transfer';
import type { SharedPart } from '../../lib/shared-parts';

/** What block L needs of the certificates and security events (blocks A and M), when installed. */
export interface FirmwareSecurity {
  /** The installed ManufacturerRootCertificates as one PEM text ('' = none; no such member: block M is not installed). */
  manufacturerRoots?(): string;
  /** A security event (A04): InvalidFirmwareSigningCertificate, InvalidFirmwareSignature, FirmwareUpdated (no such member: block A is not installed, the event is logged). */
  raise?(type: string, techInfo?: string): void;
}

/** What the flow is given of the station. */
export interface FirmwarePartContext {
  readonly station: StationContext;
  readonly security?: FirmwareSecurity;
  /** Where the update's progress is kept across reboots. */
  readonly file: string;
  /** The transfer flow's code (src/lib/transfer.ts's transferKit), the shared part (transfer-flow.ts) the holder opens before this one. */
  readonly transfer: SharedPart<TransferKit>;
  /** The status last notified, kept by the resident side while the part is not held (the flow begins with it: TriggerMessage's answer, L01.FR.25). */
  last: FirmwareStatusPayload;
}

export type FirmwareUpdate201 = FirmwareUpdate<'FirmwareStatusNotification'>;

export function openFirmwareUpdate(context: FirmwarePartContext): FirmwareUpdate201 {
  const { station, security } = context;
  const hal = station.hal;
  const update = new FirmwareUpdate(
    context.transfer.value!,
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
    { file: context.file, action: 'FirmwareStatusNotification', request: 'UpdateFirmware', what: 'firmware', unsigned: true }
  );
  update.last = context.last;
  return update;
}
