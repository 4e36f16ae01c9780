// Firmware Management profile (OCPP 1.6 sections 3.12, 5.8, 5.19, 6.x status
// notifications): the UpdateFirmware and GetDiagnostics flows, with their
// FirmwareStatusNotification and DiagnosticsStatusNotification. The station's resident side
// (firmware.ts) routes the requests and answers the triggers; this is the part it opens while
// a flow runs (src/lib/parts.ts): a bundle built with parts keeps it out of the resident code.
// The bytes move through the HAL's firmware hooks (hal.firmware, over optional host ABI
// members); a host without them makes the flows end in DownloadFailed / UploadFailed with a
// log line that says why.
//
// UpdateFirmware: at retrieveDate → Downloading → (retries, retryInterval apart) Downloaded or
// DownloadFailed → once no transaction runs: Installing → the host installs → the station
// restarts → after the boot: Installed (or InstallationFailed). The update's progress is kept
// in storage (the context's updateFile), so a reboot before retrieveDate or during the install
// does not lose it, nor one before the CSMS answered the final status (it goes again after
// the boot). Both flows are the transfer flow of src/lib/transfer.ts, which is resident: the
// context gives it (a part carries no copy of resident code).
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';
import { SessionView, StationRestarts } from '../context';
import { DiagnosticsStatus, DiagnosticsStatusNotificationRequest, FirmwareStatus, FirmwareStatusNotificationRequest, GetDiagnosticsRequest, UpdateFirmwareRequest } from '../../ocpp/v16/generated/types';
import { diagnosticsReport } from '../core/diagnostics-report';
import type { TransferFlow, TransferJob, TransferKit, HeldNotifications } from '../../lib/transfer';
import { busyConnector, requestedTime, withRetries } from '../../lib/transfer-request';

/** What the flows are given of the station: all they use of it, and where they report. */
export interface FirmwarePartContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
  readonly session: Pick<SessionView, 'online' | 'send'>;
  readonly restarts: StationRestarts;
  /** The transfer flow's code (src/lib/transfer.ts's transferKit). */
  readonly transfer: TransferKit;
  /** Where the update's progress is kept across a reboot. */
  readonly updateFile: string;
  /** What a triggered FirmwareStatusNotification / DiagnosticsStatusNotification reports, kept up to date here. */
  firmwareStatus: FirmwareStatus;
  diagnosticsStatus: DiagnosticsStatus;
  /** A flow ended or a notification was answered: the station may let the part go once it is idle() (it looks on a later turn). */
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

interface DiagnosticsUpload extends TransferJob {
  request: GetDiagnosticsRequest;
  fileName: string;
}

export class FirmwareFlows {
  private readonly update: TransferFlow<Update>;
  private readonly diagnostics: TransferFlow<DiagnosticsUpload>;
  /** Notifications that could not go while offline, sent when the station is online. */
  private readonly held: HeldNotifications<{ FirmwareStatusNotification: FirmwareStatusNotificationRequest; DiagnosticsStatusNotification: DiagnosticsStatusNotificationRequest }>;
  /** Notifications sent and not answered yet. */
  private inFlight = 0;

  constructor(private readonly station: FirmwarePartContext) {
    const host = { now: station.hal.now, setTimeout: station.hal.setTimeout, log: station.hal.log, storage: station.hal.storage };
    const transfer = station.transfer;
    this.update = new transfer.TransferFlow<Update>(host, station.updateFile);
    this.update.restore('firmware update');
    this.diagnostics = new transfer.TransferFlow<DiagnosticsUpload>(host);
    this.held = new transfer.HeldNotifications(
      () => station.session.online,
      (action, payload) => {
        this.inFlight++;
        const sent = station.session.send(action, payload);
        sent.then(() => {
          this.inFlight--;
          station.ended();
        });
        return sent;
      }
    );
  }

  /** Nothing under way: no update, no upload, no notification waiting to go or for its answer. */
  idle(): boolean {
    return !this.update.job && !this.diagnostics.job && !this.held.pending() && this.inFlight === 0;
  }

  /** UpdateFirmware, once answered. */
  updateFirmware(p: UpdateFirmwareRequest): void {
    this.schedule(p.location, p.retrieveDate, p.retries, p.retryInterval);
  }

  /** GetDiagnostics, once answered with `fileName`. */
  getDiagnostics(p: GetDiagnosticsRequest, fileName: string): void {
    const upload = this.diagnostics.begin(withRetries<DiagnosticsUpload>({ request: p, fileName }, p.retries, p.retryInterval));
    this.uploadDiagnostics(upload);
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
    this.diagnostics.cancel();
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

  // ---- UpdateFirmware -------------------------------------------------------------------

  private schedule(location: string, retrieveDate: string, retries?: number, retryInterval?: number): void {
    const u = this.update.begin(withRetries<Update>({ location, retrieveAt: requestedTime(retrieveDate, this.station.hal.now()), phase: 'Waiting' }, retries, retryInterval));
    this.station.hal.log.info('firmware update from ' + location + ' at ' + new Date(u.retrieveAt).toISOString());
    this.update.waitUntil(u.retrieveAt, () => this.download());
  }

  private download(): void {
    const u = this.update.job;
    if (!u) return;
    const log = this.station.hal.log;
    this.setFirmwareStatus('Downloading');
    log.info('firmware: downloading ' + u.location);
    this.station.hal.firmware.download(u.location, (error, info) => {
      if (!this.update.isCurrent(u)) return; // replaced by a newer UpdateFirmware meanwhile
      if (!error) {
        log.info('firmware: downloaded (' + (info && info.size !== undefined ? info.size + ' bytes' : 'size unknown') + (info && info.sha256 ? ', sha256 ' + info.sha256 : '') + ')');
        u.phase = 'Downloaded';
        this.update.save();
        this.setFirmwareStatus('Downloaded');
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
    this.setFirmwareStatus('Installing');
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
    this.setFirmwareStatus(status, this.update.conclude(this.update.job!, status));
    this.station.firmwareStatus = 'Idle'; // a later TriggerMessage: nothing going on
  }

  private setFirmwareStatus(status: FirmwareStatus, answered?: () => void): void {
    this.station.firmwareStatus = status;
    this.held.notify('FirmwareStatusNotification', { status }, answered);
  }

  // ---- GetDiagnostics -------------------------------------------------------------------

  /** Uploads the report as the file name the answer to GetDiagnostics gave. */
  private uploadDiagnostics(upload: DiagnosticsUpload): void {
    const hal = this.station.hal;
    this.setDiagnosticsStatus('Uploading');
    hal.firmware.uploadDiagnostics(upload.request.location, upload.fileName, diagnosticsReport(this.station, upload.request), (error) => {
      if (!this.diagnostics.isCurrent(upload)) return; // replaced by a newer GetDiagnostics meanwhile
      if (!error) {
        hal.log.info('diagnostics uploaded as ' + upload.fileName);
        this.diagnostics.end();
        this.setDiagnosticsStatus('Uploaded');
        this.station.diagnosticsStatus = 'Idle';
        this.station.ended();
        return;
      }
      if (this.diagnostics.retry(upload, () => this.uploadDiagnostics(upload))) {
        hal.log.warning('diagnostics upload failed (' + error + '); again in ' + upload.retryIntervalS + ' s');
        return;
      }
      hal.log.error('diagnostics upload failed (' + error + ')');
      this.diagnostics.end();
      this.setDiagnosticsStatus('UploadFailed');
      this.station.diagnosticsStatus = 'Idle';
      this.station.ended();
    });
  }

  private setDiagnosticsStatus(status: DiagnosticsStatus): void {
    this.station.diagnosticsStatus = status;
    this.held.notify('DiagnosticsStatusNotification', { status });
  }
}
