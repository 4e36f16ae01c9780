// The secure firmware update both stations run: the 1.6 security extension's
// SignedUpdateFirmware (whitepaper section 7) and OCPP 2.0.1's UpdateFirmware (block L, L01;
// L02 without a signing certificate where the station allows it). Nothing here knows an OCPP
// version: the station gives the notification's action, the certificate check, the security
// events and what an install waits for; the request and the statuses are spelled the same in both.
//
// On the request: the signing certificate must be trusted (the host checks it against the
// manufacturer roots; else InvalidCertificate and the security event
// InvalidFirmwareSigningCertificate). Then, over the host's firmware members: at
// retrieveDateTime (DownloadScheduled before) → Downloading → (retries, retryInterval apart)
// Downloaded or DownloadFailed → the host checks the image's signature with the certificate's
// key (SignatureVerified, or InvalidSignature and the security event InvalidFirmwareSignature)
// → at installDateTime (InstallScheduled before) and once nothing keeps it waiting (no
// transaction): Installing → the host installs → InstallRebooting → restart → after the boot:
// Installed and the security event FirmwareUpdated, or InstallationFailed when the host rolled
// back. The update's progress is kept in storage, so a reboot on the way does not lose it, nor
// one before the CSMS answered the final status (it goes again after the boot). A new request
// replaces one that has not reached Installing (AcceptedCanceled). The flow is the transfer
// flow of transfer.ts, given as a value (TransferKit): the 1.6 station runs this in a part.
import { FirmwareHooks } from '../../hal/index';
import type { TransferFlow, TransferHost, TransferJob, TransferKit, HeldNotifications } from './transfer';
import { requestedTime, withRetries } from './transfer-request';
import { SignedFirmwareStatus, SignedUpdateFirmwareRequest, UpdateFirmwareStatus } from '../ocpp/v16/generated/types';
import { FirmwareStatusEnum, UpdateFirmwareRequest, UpdateFirmwareStatusEnum } from '../ocpp/v201/generated/types';

/** The statuses and answers both versions spell the same (their generated types). */
export type FirmwareUpdateStatus = SignedFirmwareStatus & FirmwareStatusEnum;
/** The status notification the flow sends: what both versions' generated requests take (1.6's SignedFirmwareStatusNotification, 2.0.1's FirmwareStatusNotification). */
export interface FirmwareStatusPayload {
  status: FirmwareUpdateStatus;
  requestId?: number;
}
/** The status notification's action: the version's. */
export type FirmwareStatusAction = 'SignedFirmwareStatusNotification' | 'FirmwareStatusNotification';
export type FirmwareUpdateAnswer = UpdateFirmwareStatus & UpdateFirmwareStatusEnum;
/** The request: 1.6's SignedUpdateFirmware or 2.0.1's UpdateFirmware (the same fields; 2.0.1's signature optional). */
export type FirmwareUpdateRequest = SignedUpdateFirmwareRequest | UpdateFirmwareRequest;

/** What the flow uses of the HAL (the station's `hal`). */
export interface FirmwareUpdateHal extends TransferHost {
  readonly firmware: FirmwareHooks;
  /** firmwareVersion: the running image's (the FirmwareUpdated event's detail). */
  readonly settings: { firmwareVersion: string };
}

/** What the flow needs of the station (A: the version's status notification). */
export interface FirmwareUpdateStation<A extends FirmwareStatusAction> {
  online(): boolean;
  /** Sends a notification: resolves with the CSMS's answer, or null. */
  send(action: A, payload: FirmwareStatusPayload): Promise<unknown>;
  /** Can the host check the signing certificate and the image's signature? */
  canVerify(): boolean;
  /** Why the signing certificate is not trusted (the manufacturer roots), or null: trusted. */
  untrusted(signingCertificate: string): string | null;
  /** A security event: InvalidFirmwareSigningCertificate, InvalidFirmwareSignature, FirmwareUpdated. */
  securityEvent(type: string, techInfo: string): void;
  /** What a due install waits for (e.g. 'the transaction on connector 1'), or null: it may go. */
  busy(): string | null;
  /** The install is due and waits (true), or waits no more (false). */
  waiting?(on: boolean): void;
  reboot(): void;
}

export interface FirmwareUpdateOptions<A extends FirmwareStatusAction> {
  /** Where the update is kept across reboots. */
  file: string;
  /** The status notification's action. */
  action: A;
  /** The request's action, and the flow's name, in log lines. */
  request: string;
  what: string;
  /** A request without signingCertificate is taken as an update without signature check (2.0.1 L02); otherwise Rejected. */
  unsigned: boolean;
}

interface Update extends TransferJob {
  requestId: number;
  location: string;
  /** '' : an update without signature (L02). */
  signingCertificate: string;
  signature: string;
  /** Wall clock ms: when to download, when to install (0: as soon as verified). */
  retrieveAt: number;
  installAt: number;
  /** Verified: downloaded and its signature checked; Installing: the host was asked, the restart follows. */
  phase: 'Waiting' | 'Verified' | 'Installing' | 'Installed';
  /** The final status, owed to the CSMS until it answered it. */
  outcome?: FirmwareUpdateStatus;
}

export class FirmwareUpdate<A extends FirmwareStatusAction> {
  /** The update's step, Idle once it is over (the 1.6 trigger's answer). */
  status: FirmwareUpdateStatus = 'Idle';
  /** The status last notified, with its requestId (the 2.0.1 trigger's answer, L01.FR.25/26). */
  last: FirmwareStatusPayload = { status: 'Idle' };
  private readonly flow: TransferFlow<Update>;
  /** The latest notification that could not go while offline. */
  private readonly held: HeldNotifications<{ [K in A]: FirmwareStatusPayload }>;
  private isWaiting = false;

  /** `transfer`: the transfer flow's code (transfer.ts's transferKit, or a part's context's). */
  constructor(transfer: TransferKit, private readonly hal: FirmwareUpdateHal, private readonly station: FirmwareUpdateStation<A>, private readonly options: FirmwareUpdateOptions<A>) {
    this.flow = new transfer.TransferFlow<Update>(hal, options.file);
    this.flow.restore(options.what + ' update');
    this.held = new transfer.HeldNotifications(
      () => station.online(),
      (action, payload) => station.send(action, payload)
    );
  }

  /** The update under way (one whose final status is only owed is over). */
  private get update(): Update | null {
    const u = this.flow.job;
    return u && !u.outcome ? u : null;
  }

  /** The requestId of the update under way, if any (for triggered notifications). */
  get requestId(): number | undefined {
    return this.update ? this.update.requestId : undefined;
  }

  /** An update under way, its final status owed, or a notification held back: not yet over. */
  underWay(): boolean {
    return this.flow.job !== null || this.held.pending();
  }

  /** Is an install due and waiting (for what busy() names)? */
  get waitingToInstall(): boolean {
    return this.isWaiting;
  }

  /** The answer to a request (then, if it is Accepted or AcceptedCanceled: schedule it). */
  decide(p: FirmwareUpdateRequest): FirmwareUpdateAnswer {
    const log = this.hal.log;
    const request = this.options.request;
    if (this.update && (this.update.phase === 'Installing' || this.update.phase === 'Installed')) return 'Rejected'; // too late to cancel (L01.FR.27)
    const certificate = p.firmware.signingCertificate;
    if (!certificate) {
      if (this.options.unsigned) return this.update ? 'AcceptedCanceled' : 'Accepted';
      log.warning(request + ': no signing certificate');
      return 'Rejected';
    }
    if (!this.station.canVerify()) {
      log.warning(request + ': this host cannot check certificates and signatures (optional host ABI members)');
      return 'Rejected';
    }
    const why = this.station.untrusted(certificate);
    if (why) {
      log.warning(request + ': signing certificate refused (' + why + ')');
      this.station.securityEvent('InvalidFirmwareSigningCertificate', why);
      return 'InvalidCertificate';
    }
    return this.update ? 'AcceptedCanceled' : 'Accepted';
  }

  /** An accepted request: it replaces the update under way. */
  schedule(p: FirmwareUpdateRequest): void {
    const hal = this.hal;
    const f = p.firmware;
    const now = hal.now();
    if (this.update) hal.log.info(this.options.what + ' update ' + this.update.requestId + ' canceled by ' + p.requestId);
    this.holdForInstall(false);
    const u = this.flow.begin(
      withRetries<Update>(
        {
          requestId: p.requestId,
          location: f.location,
          signingCertificate: f.signingCertificate || '',
          signature: f.signature || '',
          retrieveAt: requestedTime(f.retrieveDateTime, now),
          installAt: f.installDateTime ? requestedTime(f.installDateTime, now) : 0,
          phase: 'Waiting',
        },
        p.retries,
        p.retryInterval
      )
    );
    hal.log.info(this.options.what + ' update ' + p.requestId + ' from ' + f.location + ' at ' + new Date(u.retrieveAt).toISOString());
    this.waitForDownload();
  }

  /** At boot: resumes an update; reports how an install that restarted the station ended, or a final status not yet answered. */
  start(): void {
    const u = this.flow.job;
    if (!u) return;
    if (u.phase === 'Installed' || u.phase === 'Installing') {
      // Installing still: the station restarted (power loss?) before the host confirmed. A
      // host with rollback says whether the new image is the one running. An outcome found
      // at an earlier boot stays (its security event went then), unless the host has rolled back since.
      const failure = this.hal.firmware.installFailure(u.outcome ? 'Installed' : u.phase);
      if (failure) this.hal.log.error(this.options.what + ': installation failed (' + failure + ')');
      else if (!u.outcome) this.station.securityEvent('FirmwareUpdated', this.hal.settings.firmwareVersion);
      this.finish(failure ? 'InstallationFailed' : u.outcome || 'Installed', u);
      return;
    }
    if (u.outcome) return this.finish(u.outcome, u); // the power went before the CSMS answered it
    if (u.phase === 'Verified') this.installWhenDue();
    else this.waitForDownload();
  }

  stop(): void {
    this.flow.cancel();
  }

  /** Booted and connected: a notification held back goes now. */
  online(): void {
    this.held.flush();
  }

  /** What an install waits for may have changed (a transaction ended): a due install goes now. */
  idle(): void {
    if (this.update && this.update.phase === 'Verified' && !this.flow.waiting) this.installWhenDue();
  }

  // ---- download and signature -------------------------------------------------------------

  private waitForDownload(): void {
    const u = this.update!;
    if (u.retrieveAt > this.hal.now()) this.setStatus('DownloadScheduled');
    this.flow.waitUntil(u.retrieveAt, () => this.download());
  }

  private download(): void {
    const u = this.update;
    if (!u) return;
    const hal = this.hal;
    const what = this.options.what;
    this.setStatus('Downloading');
    hal.firmware.download(u.location, (error) => {
      if (!this.flow.isCurrent(u)) return; // replaced meanwhile
      if (error) {
        if (this.flow.retry(u, () => this.download(), (job, at) => (job.retrieveAt = at))) {
          hal.log.warning(what + ': download failed (' + error + '); again in ' + u.retryIntervalS + ' s, ' + u.retriesLeft + ' more retries after that');
          return;
        }
        hal.log.error(what + ': download failed (' + error + '); update abandoned');
        this.finish('DownloadFailed');
        return;
      }
      this.setStatus('Downloaded');
      if (u.signingCertificate) this.verify(u);
      else this.verified(u, false);
    });
  }

  private verify(u: Update): void {
    const hal = this.hal;
    const what = this.options.what;
    hal.firmware.verifySignature(u.signingCertificate, u.signature, (error) => {
      if (!this.flow.isCurrent(u)) return;
      if (error) {
        hal.log.error(what + ': signature refused (' + error + '); update abandoned');
        this.station.securityEvent('InvalidFirmwareSignature', error);
        this.finish('InvalidSignature');
        return;
      }
      this.verified(u, true);
    });
  }

  private verified(u: Update, signed: boolean): void {
    u.phase = 'Verified';
    this.flow.save();
    if (signed) this.setStatus('SignatureVerified');
    this.installWhenDue();
  }

  // ---- install ---------------------------------------------------------------------------

  /** Installs at installDateTime, once nothing keeps it waiting (asked again on idle()). */
  private installWhenDue(): void {
    const u = this.update;
    if (!u || u.phase !== 'Verified') return;
    const hal = this.hal;
    const what = this.options.what;
    if (u.installAt > hal.now()) {
      if (this.status !== 'InstallScheduled') this.setStatus('InstallScheduled');
      this.flow.waitUntil(u.installAt, () => this.installWhenDue());
      return;
    }
    const busy = this.station.busy();
    if (busy !== null) {
      hal.log.info(what + ': install waits for ' + busy);
      this.holdForInstall(true);
      return;
    }
    u.phase = 'Installing';
    this.flow.save();
    this.setStatus('Installing');
    hal.firmware.install((error) => {
      if (!this.flow.isCurrent(u)) return;
      if (error) {
        hal.log.error(what + ': installation failed (' + error + ')');
        this.finish('InstallationFailed');
        return;
      }
      u.phase = 'Installed';
      this.flow.save();
      this.setStatus('InstallRebooting');
      hal.log.info(what + ': installed; restarting into it');
      this.flow.restartSoon(() => this.station.reboot());
    });
  }

  private holdForInstall(on: boolean): void {
    if (this.isWaiting === on) return;
    this.isWaiting = on;
    if (this.station.waiting) this.station.waiting(on);
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** The update is over; its record goes once the CSMS has answered `status`. */
  private finish(status: FirmwareUpdateStatus, u: Update = this.update!): void {
    // A failed install lets the EVSEs go again; one that reboots comes back without the hold.
    this.holdForInstall(false);
    this.setStatus(status, u.requestId, this.flow.conclude(u, status));
    this.status = 'Idle'; // a later 1.6 trigger: nothing going on
  }

  private setStatus(status: FirmwareUpdateStatus, requestId?: number, answered?: () => void): void {
    this.status = status;
    const payload: FirmwareStatusPayload = { status };
    const id = requestId !== undefined ? requestId : this.requestId;
    if (id !== undefined) payload.requestId = id;
    this.last = payload;
    this.held.notify(this.options.action, payload, answered); // only the latest status is worth telling later
  }
}
