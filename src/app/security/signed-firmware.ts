// Secure firmware update (security whitepaper section 7): SignedUpdateFirmware and its
// SignedFirmwareStatusNotifications, each with the request's requestId.
//
// On the request: the signing certificate must chain to an installed
// ManufacturerRootCertificate (else InvalidCertificate and the security event
// InvalidFirmwareSigningCertificate). Then, like UpdateFirmware (firmware/firmware.ts), over the same
// host hooks: at retrieveDateTime (DownloadScheduled before) → Downloading → (retries,
// retryInterval apart) Downloaded or DownloadFailed → the host checks the image's signature
// with the certificate's key (SignatureVerified, or InvalidSignature and the security event
// InvalidFirmwareSignature) → at installDateTime (InstallScheduled before) and once no
// transaction runs: Installing → the host installs → InstallRebooting → restart → after the
// boot: Installed and the security event FirmwareUpdated. The update's progress is kept in
// storage, so a reboot on the way does not lose it, nor one before the CSMS answered the
// final status (it goes again after the boot). A new request replaces one that has not
// reached Installing (AcceptedCanceled). The flow is the transfer flow of src/lib/transfer.ts.
import { Hal } from '../../../hal/index';
import { Routes } from '../routes';
import { SignedFirmwareStatus, SignedUpdateFirmwareRequest, UpdateFirmwareStatus } from '../../ocpp/v16/generated/types';
import { Connector, StopReason } from '../core/connector';
import { SecurityEvents } from './security-events';
import { Certificates } from './certificates';
import { TransferFlow, HeldNotifications, busyConnector, requestedTime } from '../../lib/transfer';

export interface SignedFirmwareContext {
  readonly hal: Hal;
  readonly connectors: Connector[];
  readonly online: boolean;
  sendNow(action: string, payload: object): Promise<any>;
  reboot(reason: StopReason): void;
}

interface SignedUpdate {
  requestId: number;
  location: string;
  signingCertificate: string;
  signature: string;
  /** Wall clock ms: when to download, when to install (0: as soon as verified). */
  retrieveAt: number;
  installAt: number;
  /** Download attempts left after the current one. */
  retriesLeft: number;
  retryIntervalS: number;
  /** Verified: downloaded and its signature checked; Installing: the host was asked, the restart follows. */
  phase: 'Waiting' | 'Verified' | 'Installing' | 'Installed';
  /** The final status, owed to the CSMS until it answered it. */
  outcome?: SignedFirmwareStatus;
}

const FILE = 'signed-firmware-update.json';
const DEFAULT_RETRIES = 1;
const DEFAULT_RETRY_INTERVAL_S = 60;

export class SignedFirmware {
  /** What a triggered (Signed)FirmwareStatusNotification reports. */
  status: SignedFirmwareStatus = 'Idle';
  private readonly flow: TransferFlow<SignedUpdate>;
  /** The latest notification that could not go while offline. */
  private readonly held: HeldNotifications;

  constructor(private readonly station: SignedFirmwareContext, private readonly certificates: Certificates, private readonly events: SecurityEvents) {
    const hal = station.hal;
    this.flow = new TransferFlow<SignedUpdate>({ now: hal.now, setTimeout: hal.setTimeout, log: hal.log, storage: hal.storage }, FILE);
    this.flow.restore('signed firmware update');
    this.held = new HeldNotifications(
      () => station.online,
      (action, payload) => station.sendNow(action, payload)
    );
  }

  /** The update under way (one whose final status is only owed is over). */
  private get update(): SignedUpdate | null {
    const u = this.flow.job;
    return u && !u.outcome ? u : null;
  }

  /** The requestId of the update under way, if any (for triggered notifications). */
  get requestId(): number | undefined {
    return this.update ? this.update.requestId : undefined;
  }

  routes(): Routes {
    return {
      SignedUpdateFirmware: {
        on: (p) => {
          const status = this.decide(p.firmware.signingCertificate);
          this.station.hal.log.info('SignedUpdateFirmware ' + p.requestId + ': ' + status);
          return { status };
        },
        after: (p, response) => {
          if (response.status === 'Accepted' || response.status === 'AcceptedCanceled') this.schedule(p);
        },
      },
    };
  }

  /** At boot: resumes an update; reports how an install that restarted the station ended, or a final status not yet answered. */
  start(): void {
    const u = this.flow.job;
    if (!u) return;
    if (u.phase === 'Installed' || u.phase === 'Installing') {
      // Installing still: the station restarted (power loss?) before the host confirmed. A
      // host with rollback says whether the new image is the one running. An outcome found
      // at an earlier boot stays (its security event went then), unless the host has rolled back since.
      const failure = this.station.hal.firmware.installFailure(u.outcome ? 'Installed' : u.phase);
      if (failure) this.station.hal.log.error('signed firmware: installation failed (' + failure + ')');
      else if (!u.outcome) this.events.raise('FirmwareUpdated', this.station.hal.settings.firmwareVersion);
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

  /** A connector changed: an install waits for the transactions to end. */
  connectorChanged(): void {
    if (this.update && this.update.phase === 'Verified' && !this.flow.waiting) this.installWhenDue();
  }

  // ---- the request ----------------------------------------------------------------------

  private decide(signingCertificate: string): UpdateFirmwareStatus {
    const log = this.station.hal.log;
    if (this.update && (this.update.phase === 'Installing' || this.update.phase === 'Installed')) return 'Rejected'; // too late to cancel
    const crypto = this.certificates.crypto;
    if (!crypto || !this.station.hal.firmware.canVerifySignatures) {
      log.warning('SignedUpdateFirmware: this host cannot check certificates and signatures (optional host ABI members)');
      return 'Rejected';
    }
    const roots = this.certificates.pemsOf('ManufacturerRootCertificate');
    const why = roots ? crypto.verifyChain(signingCertificate, roots, '') : 'no ManufacturerRootCertificate installed';
    if (why) {
      log.warning('SignedUpdateFirmware: signing certificate refused (' + why + ')');
      this.events.raise('InvalidFirmwareSigningCertificate', why);
      return 'InvalidCertificate';
    }
    return this.update ? 'AcceptedCanceled' : 'Accepted';
  }

  private schedule(p: SignedUpdateFirmwareRequest): void {
    const hal = this.station.hal;
    const f = p.firmware;
    const now = hal.now();
    if (this.update) hal.log.info('signed firmware update ' + this.update.requestId + ' canceled by ' + p.requestId);
    const u = this.flow.begin({
      requestId: p.requestId,
      location: f.location,
      signingCertificate: f.signingCertificate,
      signature: f.signature,
      retrieveAt: requestedTime(f.retrieveDateTime, now),
      installAt: f.installDateTime ? requestedTime(f.installDateTime, now) : 0,
      retriesLeft: p.retries !== undefined && p.retries >= 0 ? p.retries : DEFAULT_RETRIES,
      retryIntervalS: p.retryInterval !== undefined && p.retryInterval >= 0 ? p.retryInterval : DEFAULT_RETRY_INTERVAL_S,
      phase: 'Waiting',
    });
    hal.log.info('signed firmware update ' + p.requestId + ' from ' + f.location + ' at ' + new Date(u.retrieveAt).toISOString());
    this.waitForDownload();
  }

  // ---- download and signature -------------------------------------------------------------

  private waitForDownload(): void {
    const u = this.update!;
    if (u.retrieveAt > this.station.hal.now()) this.setStatus('DownloadScheduled');
    this.flow.waitUntil(u.retrieveAt, () => this.download());
  }

  private download(): void {
    const u = this.update;
    if (!u) return;
    const hal = this.station.hal;
    this.setStatus('Downloading');
    hal.firmware.download(u.location, (error) => {
      if (!this.flow.isCurrent(u)) return; // replaced meanwhile
      if (error) {
        if (this.flow.retry(u, () => this.download(), (job, at) => (job.retrieveAt = at))) {
          hal.log.warning('signed firmware: download failed (' + error + '); again in ' + u.retryIntervalS + ' s, ' + u.retriesLeft + ' more retries after that');
          return;
        }
        hal.log.error('signed firmware: download failed (' + error + '); update abandoned');
        this.finish('DownloadFailed');
        return;
      }
      this.setStatus('Downloaded');
      this.verify(u);
    });
  }

  private verify(u: SignedUpdate): void {
    const hal = this.station.hal;
    hal.firmware.verifySignature(u.signingCertificate, u.signature, (error) => {
      if (!this.flow.isCurrent(u)) return;
      if (error) {
        hal.log.error('signed firmware: signature refused (' + error + '); update abandoned');
        this.events.raise('InvalidFirmwareSignature', error);
        this.finish('InvalidSignature');
        return;
      }
      u.phase = 'Verified';
      this.flow.save();
      this.setStatus('SignatureVerified');
      this.installWhenDue();
    });
  }

  // ---- install ---------------------------------------------------------------------------

  /** Installs at installDateTime, once no transaction runs (checked again on every connector change). */
  private installWhenDue(): void {
    const u = this.update;
    if (!u || u.phase !== 'Verified') return;
    const hal = this.station.hal;
    if (u.installAt > hal.now()) {
      if (this.status !== 'InstallScheduled') this.setStatus('InstallScheduled');
      this.flow.waitUntil(u.installAt, () => this.installWhenDue());
      return;
    }
    const busy = busyConnector(this.station.connectors);
    if (busy !== null) {
      hal.log.info('signed firmware: install waits for the transaction on connector ' + busy);
      return;
    }
    u.phase = 'Installing';
    this.flow.save();
    this.setStatus('Installing');
    hal.firmware.install((error) => {
      if (!this.flow.isCurrent(u)) return;
      if (error) {
        hal.log.error('signed firmware: installation failed (' + error + ')');
        this.finish('InstallationFailed');
        return;
      }
      u.phase = 'Installed';
      this.flow.save();
      this.setStatus('InstallRebooting');
      hal.log.info('signed firmware: installed; restarting into it');
      this.flow.restartSoon(() => this.station.reboot('Reboot'));
    });
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** The update is over; its record goes once the CSMS has answered `status`. */
  private finish(status: SignedFirmwareStatus, u: SignedUpdate = this.update!): void {
    this.setStatus(status, u.requestId, this.flow.conclude(u, status));
    this.status = 'Idle'; // a later trigger: nothing going on
  }

  private setStatus(status: SignedFirmwareStatus, requestId?: number, answered?: () => void): void {
    this.status = status;
    const payload: { status: SignedFirmwareStatus; requestId?: number } = { status };
    const id = requestId !== undefined ? requestId : this.requestId;
    if (id !== undefined) payload.requestId = id;
    this.held.notify('SignedFirmwareStatusNotification', payload, answered); // only the latest status is worth telling later
  }
}
