// Firmware Management profile (OCPP 1.6 sections 3.12, 5.8, 5.19): the station's resident
// side. It routes UpdateFirmware and GetDiagnostics, answers the TriggerMessages of their
// status notifications, and holds each flow's part (update-flow.ts, diagnostics-flow.ts: parts,
// src/lib/parts.ts, both on the shared transfer part) while it runs — the update from the
// request, or at boot when a stored update waits — and lets it go once it is over, so a bundle
// built with parts holds a flow's code only then, and a GetDiagnostics loads no update code. A
// part that cannot be opened (a host without partLoad, a missing or corrupt part) answers the
// request with a CALLERROR InternalError and an error log line; a stored update then waits in
// storage for a boot that can open it.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';
import { Routes } from '../routes';
import { SessionView, StationRestarts } from '../context';
import { Triggers } from '../remote-trigger/triggers';
import { PartHolder } from '../../lib/part-holder';
import { transferFlow } from '../transfer-flow';
import { firmwarePart } from './firmware-part';
import { diagnosticsPart } from './diagnostics-part';
import type { FirmwareUpdateFlow, FirmwareUpdateContext } from './update-flow';
import type { DiagnosticsFlow, DiagnosticsContext } from './diagnostics-flow';

export interface FirmwareContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
  readonly session: Pick<SessionView, 'online' | 'send' | 'sendRequested'>;
  readonly triggers: Triggers;
  readonly restarts: StationRestarts;
}

/** Where an update's progress is kept across a reboot. */
const UPDATE_FILE = 'firmware-update.json';

export class Firmware {
  /** UpdateFirmware's flow while an update runs. */
  private readonly update: PartHolder<FirmwareUpdateContext, FirmwareUpdateFlow>;
  /** GetDiagnostics' upload while one runs. */
  private readonly diagnostics: PartHolder<DiagnosticsContext, DiagnosticsFlow>;
  /** The flows' context: what they use of the station, and the statuses a trigger reports. */
  private readonly context: FirmwareUpdateContext & DiagnosticsContext;

  constructor(private readonly station: FirmwareContext) {
    const hal = station.hal;
    const context: FirmwareUpdateContext & DiagnosticsContext = {
      hal,
      config: station.config,
      connectors: station.connectors,
      session: station.session,
      restarts: station.restarts,
      get transfer() {
        return transferFlow.value!; // held while a flow is
      },
      updateFile: UPDATE_FILE,
      firmwareStatus: 'Idle',
      diagnosticsStatus: 'Idle',
      ended: () => hal.startTask(() => this.release()),
    };
    this.context = context;
    this.update = new PartHolder<FirmwareUpdateContext, FirmwareUpdateFlow>(hal, firmwarePart, context, undefined, transferFlow);
    this.diagnostics = new PartHolder<DiagnosticsContext, DiagnosticsFlow>(hal, diagnosticsPart, context, undefined, transferFlow);
    station.triggers.add('DiagnosticsStatusNotification', { send: () => station.session.sendRequested('DiagnosticsStatusNotification', { status: context.diagnosticsStatus }) }); // Idle, or Uploading
    station.triggers.add('FirmwareStatusNotification', { send: () => station.session.sendRequested('FirmwareStatusNotification', { status: context.firmwareStatus }) }); // Idle, or the update's step
  }

  routes(): Routes {
    return {
      UpdateFirmware: {
        on: () => {
          this.update.open('UpdateFirmware');
          return {};
        },
        after: (p) => this.update.open('UpdateFirmware').updateFirmware(p),
      },
      GetDiagnostics: {
        on: () => {
          this.diagnostics.open('GetDiagnostics');
          return { fileName: 'diagnostics-' + this.station.hal.settings.id + '-' + this.context.transfer.fileStamp(this.station.hal.now()) + '.json' };
        },
        after: (p, response) => this.diagnostics.open('GetDiagnostics').getDiagnostics(p, response.fileName || ''),
      },
    };
  }

  /** At boot: a stored update (waiting, installing, or its final status owed) goes on in its flow. */
  start(): void {
    if (this.station.hal.storage.get(UPDATE_FILE) === null) return;
    try {
      this.update.open('the stored firmware update').start();
    } catch (e) {
      return; // logged; the record stays for a boot that can open the part
    }
    this.update.release();
  }

  stop(): void {
    this.update.stop();
    this.diagnostics.stop();
  }

  /** The station is online (booted): this image stays; notifications held back go now. */
  online(): void {
    this.station.hal.firmware.confirmBoot(); // an Accepted BootNotification
    const update = this.update.value;
    const diagnostics = this.diagnostics.value;
    if (update) update.online();
    if (diagnostics) diagnostics.online();
  }

  /** A connector changed: an install waits for the transactions to end. */
  connectorChanged(): void {
    const update = this.update.value;
    if (update) update.connectorChanged();
  }

  /** Lets each flow go once nothing of it is under way (the host frees its part's code with it). */
  private release(): void {
    this.update.release();
    this.diagnostics.release();
  }
}
