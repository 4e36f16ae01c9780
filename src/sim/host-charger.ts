// The simulated charger outside the guest: what the simulator host (sim/host.mjs, `hardware:
// 'sim'`, the CLI's --hardware sim) gives a bundle that carries no simulated charger of its own
// — the flashed firmware — through the host ABI's hardware members, as a charger maker's
// native code would. The EV and meter are the simulator's one model (sim-hardware.ts), the
// control commands are the bundle-side control's (control-commands.ts); what the host cannot
// ask the bundle (the registration, a connector's status and transaction) it reads from the
// OCPP 1.6 frames the station sends and receives, as a driver reads the charger's display.
// The card reader is the hardware's input `idTag`: a card presented is held there for
// CARD_MS, then taken away.
//
// Bundled for Node by the host (esbuild, sim/hardware.mjs loadHostCharger); no bundle for QuickJS
// includes it.
import { SimHardware, SimHardwareOptions } from './sim-hardware';
import { ControlledStation, ControlReply, StationConnectorState, pickConnector, simulatorCommand } from './control-commands';

/** How long a card stays at the reader, ms. */
export const CARD_MS = 500;
/** How long the simulated driver takes for each step of a session, ms (as scenarios.ts). */
const DRIVER_PAUSE_MS = 1000;
const DEFAULT_SESSION_SECONDS = 12;
const FAREWELL_MS = 500;

export interface HostChargerOptions extends SimHardwareOptions {
  setTimeout(fn: () => void, ms: number): { cancel(): void };
  /** Is the station's websocket open now? */
  connected(): boolean;
  log(text: string): void;
}

/** One hardware output of hardwareWrite. */
export type HostOutput = 'relay' | 'lock' | 'current-limit';

/** The station as its OCPP 1.6 frames show it: the registration, each connector's status and transaction. */
class ObservedStation implements ControlledStation {
  registration: string | null = null;
  readonly idTagMaxLength = 20;
  private readonly calls: { [messageId: string]: { action: string; payload: any } } = {};
  private readonly connectors: StationConnectorState[] = [];
  /** StopTransactions sent and not answered yet. */
  stopsPending = 0;
  /** The Authorize answers, in order (a session's driver waits for its own). */
  lastAuthorize: string | null = null;

  constructor(
    private readonly charger: HostCharger,
    private readonly isConnected: () => boolean
  ) {
    for (let id = 0; id <= charger.hw.connectorCount; id++) this.connectors.push({ status: null, transactionId: null, idTag: null, meterStartWh: null });
  }

  get connected(): boolean {
    return this.isConnected();
  }

  /** One frame the station sent ('out') or received ('in'); true when the state changed. */
  frame(direction: 'in' | 'out', text: string): boolean {
    let f: any;
    try {
      f = JSON.parse(text);
    } catch (e) {
      return false;
    }
    if (Object.prototype.toString.call(f) !== '[object Array]' || typeof f[1] !== 'string') return false;
    if (f[0] === 2 && direction === 'out') {
      this.calls[f[1]] = { action: f[2], payload: f[3] || {} };
      return this.sent(f[2], f[3] || {});
    }
    if ((f[0] === 3 || f[0] === 4) && direction === 'in') {
      const call = this.calls[f[1]];
      if (!call) return false;
      delete this.calls[f[1]];
      return this.answered(call.action, call.payload, f[0] === 3 ? f[2] || {} : null);
    }
    return false;
  }

  private connector(id: unknown): StationConnectorState | null {
    return typeof id === 'number' && id >= 1 && id < this.connectors.length ? this.connectors[id] : null;
  }

  private sent(action: string, p: any): boolean {
    if (action === 'StatusNotification') {
      const c = p.connectorId === 0 ? this.connectors[0] : this.connector(p.connectorId);
      if (c) c.status = p.status;
      return !!c;
    }
    if (action === 'StartTransaction') {
      const c = this.connector(p.connectorId);
      if (c) {
        c.idTag = p.idTag;
        c.meterStartWh = p.meterStart;
        c.transactionId = null;
      }
      return !!c;
    }
    if (action === 'StopTransaction') {
      this.stopsPending++;
      for (let id = 1; id < this.connectors.length; id++) {
        const c = this.connectors[id];
        if (c.transactionId === p.transactionId) {
          c.transactionId = null;
          c.idTag = null;
          c.meterStartWh = null;
        }
      }
      return true;
    }
    return false;
  }

  private answered(action: string, p: any, answer: any): boolean {
    if (action === 'BootNotification') {
      this.registration = answer ? answer.status : this.registration;
      return true;
    }
    if (action === 'StartTransaction') {
      const c = this.connector(p.connectorId);
      if (c && answer && c.idTag === p.idTag) c.transactionId = answer.transactionId;
      return !!c;
    }
    if (action === 'StopTransaction') {
      this.stopsPending = Math.max(0, this.stopsPending - 1);
      return true;
    }
    if (action === 'Authorize') this.lastAuthorize = answer && answer.idTagInfo ? answer.idTagInfo.status : 'CALLERROR';
    return false;
  }

  connectorState(id: number): StationConnectorState {
    return this.connectors[id];
  }

  presentIdTag(idTag: string, ids: number[]): number | null {
    const tag = idTag.toLowerCase();
    const chosen = pickConnector(
      ids,
      this.charger.hw,
      (id) => {
        const c = this.connectors[id];
        return c.idTag !== null && c.idTag.toLowerCase() === tag;
      },
      (id) => {
        const s = this.connectors[id].status;
        return this.connectors[id].idTag === null && (s === 'Available' || s === 'Preparing' || s === 'Finishing');
      }
    );
    if (chosen !== null) this.charger.presentCard(chosen, idTag);
    return chosen;
  }

  /** The bundle reconnects on its own backoff: the host cannot hurry it. */
  connectNow(): void {}
}

export class HostCharger {
  readonly hw: SimHardware;
  readonly station: ObservedStation;
  /** The host's callback: an input of this connector changed (the bundle's onchange follows). */
  onChange: ((connectorId: number) => void) | null = null;
  /** The station's state as the frames show it changed (the control API's "changed"). */
  onStateChange: (() => void) | null = null;
  private readonly cards: string[] = [];
  private readonly timers: { cancel(): void }[] = [];
  private readonly watchers: (() => void)[] = [];

  constructor(private readonly options: HostChargerOptions) {
    this.hw = new SimHardware(options);
    this.hw.onEvent = (id) => this.changed(id);
    this.station = new ObservedStation(this, options.connected);
  }

  // ---- the hardware members' texts (hal/host-abi.ts) ------------------------------------

  info(): string {
    const connectors: object[] = [];
    for (let id = 1; id <= this.hw.connectorCount; id++) connectors.push({ maxCurrentA: this.hw.connector(id).maxCurrentA, cableLock: this.hw.connector(id).hasCableLock });
    return JSON.stringify({ connectors });
  }

  inputs(id: number): string | null {
    if (id > this.hw.connectorCount) return null;
    const c = this.hw.connector(id);
    return JSON.stringify({ plugged: c.plugged(), evRequestsEnergy: c.evRequestsEnergy(), error: c.error(), vendorErrorCode: c.vendorErrorCode(), idTag: this.cards[id] || '' });
  }

  meter(id: number): string | null {
    if (id > this.hw.connectorCount) return null;
    const r = this.hw.connector(id).read();
    return JSON.stringify({ energyWh: r.energyWh, powerW: r.powerW, currentA: r.currentA, voltageV: r.voltageV, phases: r.phases, socPercent: r.socPercent });
  }

  /** Sets one output; null when done, else why not. */
  write(id: number, output: HostOutput, value: number): string | null {
    if (id > this.hw.connectorCount) return 'no connector ' + id;
    const c = this.hw.connector(id);
    if (output === 'relay') c.setRelay(value !== 0);
    else if (output === 'lock') return c.setLock(value !== 0) ? null : 'the lock did not move';
    else c.setCurrentLimit(value);
    return null;
  }

  // ---- driving it from outside ---------------------------------------------------------

  /** A card held to connector `id`'s reader, taken away after CARD_MS. */
  presentCard(id: number, idTag: string): void {
    this.cards[id] = idTag;
    this.changed(id);
    this.later(() => {
      if (this.cards[id] !== idTag) return;
      this.cards[id] = '';
      this.changed(id);
    }, CARD_MS);
  }

  /** A control API command (control-commands.ts): the same commands and replies as the simulator's bundle serves. */
  command(request: unknown): ControlReply {
    return simulatorCommand(this.station, this.hw, request);
  }

  /** A frame the station sent or received (the host's frame hook). */
  frame(direction: 'in' | 'out', text: string): void {
    if (!this.station.frame(direction, text)) return;
    for (let i = 0; i < this.watchers.length; i++) this.watchers[i]();
    if (this.onStateChange) this.onStateChange();
  }

  /**
   * The simulator's session scenario driven at the charger (scenarios.ts's session, from
   * outside): once connector 1 is Available the EV is plugged in, the card presented, the EV
   * charges `seconds` (0: 12), the card is presented again, the cable pulled; `done(0)`
   * once the StopTransaction is answered and the connector is Available again, `done(1, why)`
   * when the card is not accepted.
   */
  runSession(idTag: string, seconds: number, done: (code: number, reason: string) => void): void {
    const log = this.options.log;
    const cable = this.hw.connector(1);
    const c = this.station.connectorState(1);
    let step = 'waiting';
    const next = (to: string, fn: () => void, ms: number) => {
      step = to;
      this.later(fn, ms);
    };
    const watch = () => {
      if (step === 'waiting' && this.station.registration === 'Accepted' && c.status === 'Available') {
        step = 'plugging';
        log('session: driver plugs the EV in at connector 1');
        cable.plugIn();
        next('presenting', () => {
          log('session: driver presents idTag ' + idTag);
          this.presentCard(1, idTag);
        }, DRIVER_PAUSE_MS);
      } else if (step === 'presenting' && this.station.lastAuthorize !== null && this.station.lastAuthorize !== 'Accepted') {
        step = 'failed';
        done(1, 'session failed: idTag ' + idTag + ' was ' + this.station.lastAuthorize);
      } else if (step === 'presenting' && c.status === 'Charging') {
        next('charging', () => {
          log('session: driver presents idTag ' + idTag + ' again to stop');
          step = 'stopping';
          this.presentCard(1, idTag);
        }, (seconds > 0 ? seconds : DEFAULT_SESSION_SECONDS) * 1000);
      } else if (step === 'stopping' && c.status === 'Finishing') {
        next('unplugging', () => {
          log('session: driver pulls the cable');
          if (!cable.unplug()) cable.unplug(true); // still locked: pulled at the car
        }, DRIVER_PAUSE_MS);
      } else if (step === 'unplugging' && c.status === 'Available' && !cable.plugged() && this.station.stopsPending === 0) {
        next('done', () => {
          log('session complete');
          done(0, 'session complete');
        }, FAREWELL_MS);
      }
    };
    this.watchers.push(watch);
    watch();
  }

  /** Ends its timers (the station ended). */
  stop(): void {
    this.hw.stop();
    while (this.timers.length) this.timers.pop()!.cancel();
  }

  private changed(id: number): void {
    if (this.onChange) this.onChange(id);
  }

  private later(fn: () => void, ms: number): void {
    const timer = this.options.setTimeout(() => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
      fn();
    }, ms);
    this.timers.push(timer);
  }
}
