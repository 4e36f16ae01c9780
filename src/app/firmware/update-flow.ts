// Firmware Management profile (OCPP 1.6 sections 3.12, 5.19, 6.x status notifications): the
// UpdateFirmware flow and its FirmwareStatusNotifications. The station's resident side
// (firmware.ts) routes the request and answers the trigger; this is the part it holds while an
// update runs (firmware-part.ts, src/lib/parts.ts): a bundle built with parts keeps it out of the
// resident code. The bytes move through the HAL's firmware hooks (hal.firmware, over optional
// host ABI members); a host without them makes the flow end in DownloadFailed with a log line
// that says why.
//
// At retrieveDate → Downloading → (retries, retryInterval apart) Downloaded or DownloadFailed →
// once no transaction runs: Installing → the host installs → the station restarts → after the
// boot: Installed (or InstallationFailed). The update's progress is kept in storage (the
// context's updateFile), so a reboot before retrieveDate or during the install does not lose
// it, nor one before the CSMS answered the final status (it goes again after the boot). The
// flow is the transfer flow of src/lib/transfer.ts, the shared part `transfer`: the context
// gives it (a part carries no copy of resident code).
import { Hal } from '../../../hal/index';
import { Connector } from '../core/connector';
import { SessionView, StationRestarts } from '../context';
import { FirmwareStatus, FirmwareStatusNotificationRequest, UpdateFirmwareRequest } from '../../ocpp/v16/generated/types';
import type { TransferFlow, TransferJob, TransferKit, HeldNotifications } from '../../lib/transfer';
import { busyConnector, requestedTime, withRetries } from '../../lib/transfer-request';

/** What the update is given of the station: all it uses of it, and where it reports. */
export interface FirmwareUpdateContext {
  readonly hal: Hal;
  readonly connectors: Connector[];
  readonly session: Pick<SessionView, 'online' | 'send'>;
  readonly restarts: StationRestarts;
  /** The transfer flow's code (src/lib/transfer.ts's transferKit). */
  readonly transfer: TransferKit;
  /** Where the update's progress is kept across a reboot. */
  readonly updateFile: string;
  /** What a triggered FirmwareStatusNotification reports, kept up to date here. */
  firmwareStatus: FirmwareStatus;
  /** A step ended or a notification was answered: the station may let the part go once it is not underWay() (it looks on a later turn). */
  ended(): void;
}

interface Update extends TransferJob {
  location: string;
  /** Wall clock ms. */
  retrieveAt: number;
  /** Waiting: for retrieveDate or a retry; Installing: the host was asked to install, the restart follows. */
  phase: 'Waiting' | 'Downloaded' | 'Installing' | 'Installed';
  /** The final status, owed to the CSMS until it answered it. */
  outcome?: FirmwareStatus;
}

export class FirmwareUpdateFlow {
  private readonly update: TransferFlow<Update>;
  /** Notifications that could not go while offline, sent when the station is online. */
  private readonly held: HeldNotifications<{ FirmwareStatusNotification: FirmwareStatusNotificationRequest }>;

  constructor(private readonly station: FirmwareUpdateContext) {
    const transfer = station.transfer;
    this.update = new transfer.TransferFlow<Update>(station.hal, station.updateFile);
    this.update.restore('firmware update');
    this.held = new transfer.HeldNotifications(() => station.session.online, (action, payload) => station.session.send(action, payload), station.ended);
  }

  /** Not yet over: an update under way, or a notification waiting to go or for its answer. */
  underWay(): boolean {
    return !!this.update.job || this.held.underWay();
  }

  /** UpdateFirmware, once answered. */
  updateFirmware(p: UpdateFirmwareRequest): void {
    const u = this.update.begin(withRetries<Update>({ location: p.location, retrieveAt: requestedTime(p.retrieveDate, this.station.hal.now()), phase: 'Waiting' }, p.retries, p.retryInterval));
    this.station.hal.log.info('firmware update from ' + u.location + ' at ' + new Date(u.retrieveAt).toISOString());
    this.update.waitUntil(u.retrieveAt, () => this.download());
  }

  /** At boot: resumes a waiting update; reports how an install that restarted the station ended, or a final status not yet answered. */
  start(): void {
    const u = this.update.job;
    if (!u) return;
    if (u.phase === 'Installed' || u.phase === 'Installing') {
      // Installing still: the station restarted (power loss?) before the host confirmed. A
      // host with rollback says whether the new image is the one running. An outcome found
      // at an earlier boot stays, unless the host has rolled back since.
      const failure = this.station.hal.firmware.installFailure(u.outcome ? 'Installed' : u.phase);
      if (failure) this.station.hal.log.error('firmware: installation failed (' + failure + ')');
      this.finish(failure ? 'InstallationFailed' : u.outcome || 'Installed');
      return;
    }
    if (u.outcome) return this.finish(u.outcome); // the power went before the CSMS answered it
    this.station.firmwareStatus = u.phase === 'Downloaded' ? 'Downloaded' : 'Idle';
    if (u.phase === 'Downloaded') this.installWhenIdle();
    else this.update.waitUntil(u.retrieveAt, () => this.download());
  }

  stop(): void {
    this.update.cancel();
  }

  /** The station is online (booted): notifications held back go now. */
  online(): void {
    this.held.flush();
  }

  /** A connector changed: an install waits for the transactions to end. */
  connectorChanged(): void {
    const u = this.update.job;
    if (u && u.phase === 'Downloaded' && !this.update.waiting) this.installWhenIdle();
  }

  private download(): void {
    const u = this.update.job;
    if (!u) return;
    const log = this.station.hal.log;
    this.setStatus('Downloading');
    log.info('firmware: downloading ' + u.location);
    this.station.hal.firmware.download(u.location, (error, info) => {
      if (!this.update.isCurrent(u)) return; // replaced by a newer UpdateFirmware meanwhile
      if (!error) {
        log.info('firmware: downloaded (' + (info && info.size !== undefined ? info.size + ' bytes' : 'size unknown') + (info && info.sha256 ? ', sha256 ' + info.sha256 : '') + ')');
        u.phase = 'Downloaded';
        this.update.save();
        this.setStatus('Downloaded');
        this.installWhenIdle();
        return;
      }
      if (this.update.retry(u, () => this.download(), (job, at) => (job.retrieveAt = at))) {
        log.warning('firmware: download failed (' + error + '); again in ' + u.retryIntervalS + ' s, ' + u.retriesLeft + ' more retries after that');
        return;
      }
      log.error('firmware: download failed (' + error + '); update abandoned');
      this.finish('DownloadFailed');
    });
  }

  /** Installs once no transaction runs (checked again on every connector change). */
  private installWhenIdle(): void {
    const u = this.update.job;
    if (!u || u.phase !== 'Downloaded') return;
    const log = this.station.hal.log;
    const busy = busyConnector(this.station.connectors);
    if (busy !== null) {
      log.info('firmware: install waits for the transaction on connector ' + busy);
      return;
    }
    u.phase = 'Installing';
    this.update.save();
    this.setStatus('Installing');
    this.station.hal.firmware.install((error) => {
      if (!this.update.isCurrent(u)) return;
      if (error) {
        log.error('firmware: installation failed (' + error + ')');
        this.finish('InstallationFailed');
        return;
      }
      u.phase = 'Installed';
      this.update.save();
      log.info('firmware: installed; restarting into it');
      this.update.restartSoon(() => this.station.restarts.reboot('Reboot'));
    });
  }

  /** The update is over; its record goes once the CSMS has answered `status`. */
  private finish(status: FirmwareStatus): void {
    this.setStatus(status, this.update.conclude(this.update.job!, status));
    this.station.firmwareStatus = 'Idle'; // a later TriggerMessage: nothing going on
  }

  private setStatus(status: FirmwareStatus, answered?: () => void): void {
    this.station.firmwareStatus = status;
    this.held.notify('FirmwareStatusNotification', { status }, answered);
  }
}
