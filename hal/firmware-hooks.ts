// The HAL's Firmware Management hooks over the optional host ABI members (firmwareDownload,
// firmwareInstall, diagnosticsUpload, firmwareVerifySignature, firmwareState, firmwareConfirm).
// A module of its own so that a bundle whose code never names `hal.firmware` is built
// without it (build/hal-members.mjs).
import { HostABI } from './host-abi';

/** The outcome of a transfer: error null when it worked (info: the host's JSON, parsed). */
export type TransferDone = (error: string | null, info?: { size?: number; sha256?: string }) => void;

/**
 * Firmware Management's hooks over the optional host ABI members. Always present: on a
 * host without a member the call reports an error (on a later turn), so the station degrades
 * to DownloadFailed / InstallationFailed / UploadFailed with a clear reason.
 */
export interface FirmwareHooks {
  /** Downloads and checks a firmware image (host staging area). */
  download(url: string, done: TransferDone): void;
  /** Installs the staged image: it runs after the next restart. */
  install(done: TransferDone): void;
  /** Uploads a diagnostics file to a directory URL. */
  uploadDiagnostics(location: string, fileName: string, data: string, done: TransferDone): void;
  /** Checks the staged image's signature (SignedUpdateFirmware): error null when it is good. */
  verifySignature(signingCertificate: string, signature: string, done: TransferDone): void;
  /** Does the host have firmwareVerifySignature (else SignedUpdateFirmware is Rejected up front)? */
  readonly canVerifySignatures: boolean;
  /**
   * After a restart into an installed image (`recorded`: the phase the update had reached):
   * null when the new image runs, else why the host rolled back to the previous one.
   */
  installFailure(recorded: 'Installing' | 'Installed'): string | null;
  /** The station reached an Accepted BootNotification: the running image is the one to keep. */
  confirmBoot(): void;
}

/** The HAL's FirmwareHooks over `host`. */
export function firmwareOf(host: HostABI): FirmwareHooks {
  /**
   * Calls an optional host member with the arguments after `member`, the last of them the
   * TransferDone, or reports that the host has none (on a later turn: never re-entrant).
   * Variadic so that each FirmwareHooks member is this function bound once to its host member
   * (a bound function where a forwarding arrow was: no function of its own in the bundle).
   */
  function transfer(member: 'firmwareDownload' | 'firmwareInstall' | 'diagnosticsUpload' | 'firmwareVerifySignature'): void {
    const args: any[] = Array.prototype.slice.call(arguments, 1);
    const done: TransferDone = args.pop();
    const fn = (host as any)[member];
    if (typeof fn !== 'function') {
      host.timerStart(0, () => done('this host has no ' + member + ' (optional host ABI member)'));
      return;
    }
    let called = false;
    const once = (error: string | null, info?: string) => {
      if (called) return;
      called = true;
      let parsed = {};
      try {
        parsed = info ? JSON.parse(info) : {};
      } catch (e) {
        // info is informative only
      }
      done(error, parsed);
    };
    args.push({ ondone: (info: string) => once(null, info), onerror: (message: string) => once(message || 'failed') });
    fn.apply(host, args);
  }

  return {
    download: transfer.bind(null, 'firmwareDownload') as FirmwareHooks['download'],
    install: transfer.bind(null, 'firmwareInstall') as FirmwareHooks['install'],
    uploadDiagnostics: transfer.bind(null, 'diagnosticsUpload') as FirmwareHooks['uploadDiagnostics'],
    verifySignature: transfer.bind(null, 'firmwareVerifySignature') as FirmwareHooks['verifySignature'],
    canVerifySignatures: typeof host.firmwareVerifySignature === 'function',
    installFailure: (recorded) => {
      let state: { trial?: boolean; rolledBack?: string } | null = null;
      try {
        state = typeof host.firmwareState === 'function' ? JSON.parse(host.firmwareState()) : null;
      } catch (e) {
        state = null;
      }
      if (state && state.rolledBack) return String(state.rolledBack);
      if (state && state.trial) return null; // the new image runs (the host may not have told us before a restart)
      return recorded === 'Installed' ? null : 'the station restarted before the host confirmed the install';
    },
    confirmBoot: () => {
      if (typeof host.firmwareConfirm === 'function') host.firmwareConfirm();
    },
  };
}
