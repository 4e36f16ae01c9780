// Firmware Management profile (OCPP 1.6 sections 3.12, 5.8, 5.19, 6.x status
// notifications): UpdateFirmware and GetDiagnostics, with their FirmwareStatusNotification
// and DiagnosticsStatusNotification flows. The bytes move through the HAL's firmware hooks
// (hal.firmware, over optional host ABI members); a host without them makes the flows end
// in DownloadFailed / UploadFailed with a log line that says why.
//
// UpdateFirmware: at retrieveDate → Downloading → (retries, retryInterval apart) Downloaded or
// DownloadFailed → once no transaction runs: Installing → the host installs → the station
// restarts → after the boot: Installed (or InstallationFailed). The update's progress is kept
// in storage (firmware-update.json), so a reboot before retrieveDate or during the install
// does not lose it.
import { Hal } from '../../hal/index';
import { Configuration } from './configuration';
import { Connector, StopReason } from './connector';
import { Routes } from './routes';
import { DiagnosticsStatus, FirmwareStatus, GetDiagnosticsRequest } from '../ocpp/v16/generated/types';
import { Triggers } from './triggers';

export interface FirmwareContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
  readonly online: boolean;
  readonly triggers: Triggers;
  sendNow(action: string, payload: object): Promise<any>;
  sendTriggered(action: string, payload: object): Promise<any>;
  reboot(reason: StopReason): void;
}

interface Update {
  location: string;
  /** Wall clock ms. */
  retrieveAt: number;
  /** Download attempts left after the current one. */
  retriesLeft: number;
  retryIntervalS: number;
  /** Waiting: for retrieveDate or a retry; Installing: the host was asked to install, the restart follows. */
  phase: 'Waiting' | 'Downloaded' | 'Installing' | 'Installed';
}

const FILE = 'firmware-update.json';
const DEFAULT_RETRIES = 1;
const DEFAULT_RETRY_INTERVAL_S = 60;
const MAX_WAIT_MS = 86400000;

export class Firmware {
  /** What a triggered FirmwareStatusNotification reports. */
  firmwareStatus: FirmwareStatus = 'Idle';
  diagnosticsStatus: DiagnosticsStatus = 'Idle';
  private update: Update | null = null;
  private timer: { cancel(): void } | null = null;
  /** Notifications that could not go while offline, sent when the station is online. */
  private unsent: { action: string; status: string }[] = [];

  constructor(private readonly station: FirmwareContext) {
    station.triggers.add('DiagnosticsStatusNotification', { send: () => station.sendTriggered('DiagnosticsStatusNotification', { status: this.diagnosticsStatus }) }); // Idle, or Uploading
    station.triggers.add('FirmwareStatusNotification', { send: () => station.sendTriggered('FirmwareStatusNotification', { status: this.firmwareStatus }) }); // Idle, or the update's step
    const text = station.hal.storage.get(FILE);
    if (!text) return;
    try {
      this.update = JSON.parse(text);
    } catch (e) {
      station.hal.log.warning('firmware update record unreadable: dropped');
      station.hal.storage.remove(FILE);
    }
  }

  routes(): Routes {
    return {
      UpdateFirmware: {
        on: () => ({}),
        after: (p) => this.schedule(p.location, p.retrieveDate, p.retries, p.retryInterval),
      },
      GetDiagnostics: {
        on: () => ({ fileName: this.diagnosticsFileName() }),
        after: (p, response) => this.uploadDiagnostics(p, response.fileName || '', p.retries !== undefined ? p.retries : DEFAULT_RETRIES),
      },
    };
  }

  /** At boot: resumes a waiting update; reports how an install that restarted the station ended. */
  start(): void {
    const u = this.update;
    if (!u) return;
    if (u.phase === 'Installed' || u.phase === 'Installing') {
      // Installing still: the station restarted (power loss?) before the host confirmed. A
      // host with rollback says whether the new image is the one running.
      const failure = this.station.hal.firmware.installFailure(u.phase);
      if (failure) this.station.hal.log.error('firmware: installation failed (' + failure + ')');
      this.finish(failure ? 'InstallationFailed' : 'Installed');
      return;
    }
    this.firmwareStatus = u.phase === 'Downloaded' ? 'Downloaded' : 'Idle';
    if (u.phase === 'Downloaded') this.installWhenIdle();
    else this.wait(u.retrieveAt);
  }

  stop(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
  }

  /** The station is online (booted): notifications held back go now. */
  online(): void {
    this.station.hal.firmware.confirmBoot(); // an Accepted BootNotification: this image stays
    const held = this.unsent;
    this.unsent = [];
    for (let i = 0; i < held.length; i++) this.notify(held[i].action, held[i].status);
  }

  /** A connector changed: an install waits for the transactions to end. */
  connectorChanged(): void {
    if (this.update && this.update.phase === 'Downloaded' && !this.timer) this.installWhenIdle();
  }

  // ---- UpdateFirmware -------------------------------------------------------------------

  private schedule(location: string, retrieveDate: string, retries?: number, retryInterval?: number): void {
    const at = Date.parse(retrieveDate);
    this.stop();
    this.update = {
      location,
      retrieveAt: isNaN(at) ? this.station.hal.now() : at,
      retriesLeft: retries !== undefined && retries >= 0 ? retries : DEFAULT_RETRIES,
      retryIntervalS: retryInterval !== undefined && retryInterval >= 0 ? retryInterval : DEFAULT_RETRY_INTERVAL_S,
      phase: 'Waiting',
    };
    this.save();
    this.station.hal.log.info('firmware update from ' + location + ' at ' + new Date(this.update.retrieveAt).toISOString());
    this.wait(this.update.retrieveAt);
  }

  private wait(at: number): void {
    this.stop();
    const delay = at - this.station.hal.now();
    this.timer = this.station.hal.setTimeout(() => {
      this.timer = null;
      if (at - this.station.hal.now() > 0) this.wait(at);
      else this.download();
    }, Math.max(0, Math.min(delay, MAX_WAIT_MS)));
  }

  private download(): void {
    const u = this.update;
    if (!u) return;
    this.setFirmwareStatus('Downloading');
    this.station.hal.log.info('firmware: downloading ' + u.location);
    this.station.hal.firmware.download(u.location, (error, info) => {
      if (this.update !== u) return; // replaced by a newer UpdateFirmware meanwhile
      if (!error) {
        this.station.hal.log.info('firmware: downloaded (' + (info && info.size !== undefined ? info.size + ' bytes' : 'size unknown') + (info && info.sha256 ? ', sha256 ' + info.sha256 : '') + ')');
        u.phase = 'Downloaded';
        this.save();
        this.setFirmwareStatus('Downloaded');
        this.installWhenIdle();
        return;
      }
      if (u.retriesLeft > 0) {
        u.retriesLeft--;
        u.retrieveAt = this.station.hal.now() + u.retryIntervalS * 1000;
        this.save();
        this.station.hal.log.warning('firmware: download failed (' + error + '); again in ' + u.retryIntervalS + ' s, ' + u.retriesLeft + ' more retries after that');
        this.wait(u.retrieveAt);
        return;
      }
      this.station.hal.log.error('firmware: download failed (' + error + '); update abandoned');
      this.finish('DownloadFailed');
    });
  }

  /** Installs once no transaction runs (checked again on every connector change). */
  private installWhenIdle(): void {
    const u = this.update;
    if (!u || u.phase !== 'Downloaded') return;
    const connectors = this.station.connectors;
    for (let i = 0; i < connectors.length; i++) {
      if (connectors[i].transaction) {
        this.station.hal.log.info('firmware: install waits for the transaction on connector ' + connectors[i].id);
        return;
      }
    }
    u.phase = 'Installing';
    this.save();
    this.setFirmwareStatus('Installing');
    this.station.hal.firmware.install((error) => {
      if (this.update !== u) return;
      if (error) {
        this.station.hal.log.error('firmware: installation failed (' + error + ')');
        this.finish('InstallationFailed');
        return;
      }
      u.phase = 'Installed';
      this.save();
      this.station.hal.log.info('firmware: installed; restarting into it');
      // A moment for the Installing notification to be answered, then the reboot.
      this.timer = this.station.hal.setTimeout(() => this.station.reboot('Reboot'), 1000);
    });
  }

  private finish(status: FirmwareStatus): void {
    this.update = null;
    this.station.hal.storage.remove(FILE);
    this.setFirmwareStatus(status);
    this.firmwareStatus = 'Idle'; // a later TriggerMessage: nothing going on
  }

  private setFirmwareStatus(status: FirmwareStatus): void {
    this.firmwareStatus = status;
    this.notify('FirmwareStatusNotification', status);
  }

  private save(): void {
    if (this.update) this.station.hal.storage.set(FILE, JSON.stringify(this.update));
  }

  // ---- GetDiagnostics -------------------------------------------------------------------

  private diagnosticsFileName(): string {
    const stamp = new Date(this.station.hal.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    return 'diagnostics-' + this.station.hal.settings.id + '-' + stamp + '.json';
  }

  /** Uploads the report as `fileName` (the name the answer to GetDiagnostics gave). */
  private uploadDiagnostics(job: GetDiagnosticsRequest, fileName: string, retriesLeft: number): void {
    const hal = this.station.hal;
    this.setDiagnosticsStatus('Uploading');
    hal.firmware.uploadDiagnostics(job.location, fileName, this.diagnosticsReport(job), (error) => {
      if (!error) {
        hal.log.info('diagnostics uploaded as ' + fileName);
        this.setDiagnosticsStatus('Uploaded');
        this.diagnosticsStatus = 'Idle';
        return;
      }
      if (retriesLeft > 0) {
        const wait = job.retryInterval !== undefined && job.retryInterval >= 0 ? job.retryInterval : DEFAULT_RETRY_INTERVAL_S;
        hal.log.warning('diagnostics upload failed (' + error + '); again in ' + wait + ' s');
        hal.setTimeout(() => this.uploadDiagnostics(job, fileName, retriesLeft - 1), wait * 1000);
        return;
      }
      hal.log.error('diagnostics upload failed (' + error + ')');
      this.setDiagnosticsStatus('UploadFailed');
      this.diagnosticsStatus = 'Idle';
    });
  }

  /** What the diagnostics file holds: the station's state now (no secrets: write-only keys carry no value). Also GetLog's DiagnosticsLog. */
  diagnosticsReport(job: { startTime?: string; stopTime?: string }): string {
    const s = this.station;
    const connectors: any[] = [];
    for (let i = 0; i < s.connectors.length; i++) {
      const c = s.connectors[i];
      const r = c.hw.read();
      connectors.push({ id: c.id, status: c.status, error: c.hw.error(), energyWh: r.energyWh, currentLimitA: c.hw.currentLimit(), transaction: c.transactionId() !== undefined ? c.transactionId() : null });
    }
    return JSON.stringify({
      station: s.hal.settings.id,
      firmwareVersion: s.hal.settings.firmwareVersion,
      host: s.hal.hostName,
      time: new Date(s.hal.now()).toISOString(),
      requested: { startTime: job.startTime || null, stopTime: job.stopTime || null },
      connectors,
      configuration: s.config.report().configurationKey,
    });
  }

  private setDiagnosticsStatus(status: DiagnosticsStatus): void {
    this.diagnosticsStatus = status;
    this.notify('DiagnosticsStatusNotification', status);
  }

  private notify(action: string, status: string): void {
    if (!this.station.online) {
      // Only the latest status of each flow is worth telling later.
      this.unsent = this.unsent.filter((u) => u.action !== action);
      this.unsent.push({ action, status });
      return;
    }
    this.station.sendNow(action, { status });
  }
}
