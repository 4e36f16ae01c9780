// Firmware Management profile (OCPP 1.6 sections 3.12, 5.8, 5.19): the station's resident
// side. It routes UpdateFirmware and GetDiagnostics, answers the TriggerMessages of their
// status notifications, and opens the flows (firmware-flows.ts, a part: src/lib/parts.ts)
// while one runs — from the request, or at boot when a stored update waits — and lets them go
// once they are idle, so a bundle built with parts holds their code only then. A part that
// cannot be opened (a host without partLoad, a missing or corrupt part) answers the request
// with a CALLERROR InternalError and an error log line; a stored update then waits in storage
// for a boot that can open it.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Connector } from '../core/connector';
import { Routes } from '../routes';
import { SessionView, StationRestarts } from '../context';
import { Triggers } from '../remote-trigger/triggers';
import { closePart } from '../../lib/parts';
import { openOrFail } from '../../lib/part-holder';
import { transferFlow } from '../transfer-flow';
import { firmwarePart } from './firmware-part';
import type { FirmwareFlows, FirmwarePartContext } from './firmware-flows';

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
  /** The flows while one runs (null: the part is not held). */
  private flows: FirmwareFlows | null = null;
  /** The flows' context: what they use of the station, and the statuses a trigger reports. */
  private readonly context: FirmwarePartContext;

  constructor(private readonly station: FirmwareContext) {
    const context: FirmwarePartContext = {
      hal: station.hal,
      config: station.config,
      connectors: station.connectors,
      session: station.session,
      restarts: station.restarts,
      get transfer() {
        return transferFlow.value!; // held while the flows are
      },
      updateFile: UPDATE_FILE,
      firmwareStatus: 'Idle',
      diagnosticsStatus: 'Idle',
      ended: () => station.hal.startTask(() => this.release()),
    };
    this.context = context;
    station.triggers.add('DiagnosticsStatusNotification', { send: () => station.session.sendRequested('DiagnosticsStatusNotification', { status: context.diagnosticsStatus }) }); // Idle, or Uploading
    station.triggers.add('FirmwareStatusNotification', { send: () => station.session.sendRequested('FirmwareStatusNotification', { status: context.firmwareStatus }) }); // Idle, or the update's step
  }

  routes(): Routes {
    return {
      UpdateFirmware: {
        on: () => {
          this.open('UpdateFirmware');
          return {};
        },
        after: (p) => this.open('UpdateFirmware').updateFirmware(p),
      },
      GetDiagnostics: {
        on: () => {
          this.open('GetDiagnostics');
          return { fileName: 'diagnostics-' + this.station.hal.settings.id + '-' + this.context.transfer.fileStamp(this.station.hal.now()) + '.json' };
        },
        after: (p, response) => this.open('GetDiagnostics').getDiagnostics(p, response.fileName || ''),
      },
    };
  }

  /** At boot: a stored update (waiting, installing, or its final status owed) goes on in the flows. */
  start(): void {
    if (this.station.hal.storage.get(UPDATE_FILE) === null) return;
    try {
      this.open('the stored firmware update').start();
    } catch (e) {
      return; // logged; the record stays for a boot that can open the part
    }
    this.release();
  }

  stop(): void {
    if (this.flows) this.flows.stop();
  }

  /** The station is online (booted): this image stays; notifications held back go now. */
  online(): void {
    this.station.hal.firmware.confirmBoot(); // an Accepted BootNotification
    if (this.flows) this.flows.online();
  }

  /** A connector changed: an install waits for the transactions to end. */
  connectorChanged(): void {
    if (this.flows) this.flows.connectorChanged();
  }

  /** The flows, opened now if they are not held; a part that cannot be opened is a CALLERROR for `what`. */
  private open(what: string): FirmwareFlows {
    if (!this.flows) this.flows = openOrFail(this.station.hal, firmwarePart, this.context, what, transferFlow);
    return this.flows;
  }

  /** Lets the flows go once nothing is under way (the host frees the part's code with them). */
  private release(): void {
    if (!this.flows || !this.flows.idle()) return;
    this.flows = null;
    closePart(this.station.hal, firmwarePart);
    transferFlow.close(this.station.hal);
  }
}
