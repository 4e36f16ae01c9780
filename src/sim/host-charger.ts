// The simulated charger outside the guest: what the simulator host (sim/host.mjs, `hardware:
// 'sim'`, the CLI's --hardware sim) gives a bundle that carries no simulated charger of its own
// — the flashed firmware — through the host ABI's hardware members, as a charger maker's
// native code would. The EV and meter are the simulator's one model (sim-hardware.ts), the
// control commands are the bundle-side control's (control-commands.ts); what the host cannot
// ask the bundle (the registration, a connector's status and transaction) it reads from the
// OCPP frames the station sends and receives (1.6 or 2.0.1, as its BootNotification shows), as
// a driver reads the charger's display.
// The card reader is the hardware's input `idTag`: a card presented is held there for
// CARD_MS, then taken away.
//
// Bundled for Node by the host (esbuild, sim/hardware.mjs loadHostCharger); no bundle for QuickJS
// includes it.
import { ID_TAG_MAX_LENGTH } from '../ocpp/v16/generated/types';
import { ID_TOKEN_MAX_LENGTH } from '../ocpp/v201/generated/types';
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

/** A connector as the frames show it: the control API's state, and 2.0.1's charging state. */
interface ObservedConnector extends StationConnectorState {
  /** 2.0.1: the transaction's chargingState (TransactionEvent transactionInfo), null without one. */
  chargingState: string | null;
  /** 2.0.1: a remote start was accepted here and no transaction has begun yet. */
  remoteStarted: boolean;
  /** 2.0.1: a transaction ended here and the connector has not been Available since (the cable is still in). */
  ended: boolean;
}

/**
 * The station as its frames show it, OCPP 1.6 or 2.0.1 (told by its BootNotification: 2.0.1's
 * has chargingStation): the registration, each connector's status and transaction. In 2.0.1
 * connector n is EVSE n's connector 1 (as the 2.0.1 firmware reads the hardware).
 */
class ObservedStation implements ControlledStation {
  registration: string | null = null;
  /** '1.6' or '2.0.1' once the BootNotification went out. */
  version: '1.6' | '2.0.1' | null = null;
  private readonly calls: { [messageId: string]: { action: string; payload: any } } = {};
  /** The CSMS's calls the station has not answered yet (a remote start, for the idle driver). */
  private readonly incoming: { [messageId: string]: { action: string; payload: any } } = {};
  private readonly connectors: ObservedConnector[] = [];
  /** 2.0.1: the connector of each transaction seen (its evse is given once). */
  private readonly transactionConnector: { [transactionId: string]: number } = {};
  /**
   * The transactions whose StopTransaction (1.6) or TransactionEvent Ended (2.0.1) was sent and
   * not answered yet: one each, however often the station sends it (a stop that timed out goes
   * again, and the answer to either send is its answer).
   */
  private readonly stopsUnanswered: { [transactionId: string]: true } = {};
  /** The Authorize answers, in order (a session's driver waits for its own). */
  lastAuthorize: string | null = null;

  constructor(
    private readonly charger: HostCharger,
    private readonly isConnected: () => boolean
  ) {
    for (let id = 0; id <= charger.hw.connectorCount; id++) this.connectors.push({ status: null, charging: false, transactionId: null, idTag: null, meterStartWh: null, chargingState: null, remoteStarted: false, ended: false });
  }

  get connected(): boolean {
    return this.isConnected();
  }

  /** Transactions whose stop the station sent and the CSMS has not answered yet. */
  get stopsPending(): number {
    let n = 0;
    for (const id in this.stopsUnanswered) if (Object.prototype.hasOwnProperty.call(this.stopsUnanswered, id)) n++;
    return n;
  }

  /** The longest card the station's version takes at the reader (hal/host-hardware.ts keeps the same): 1.6's until a 2.0.1 BootNotification. */
  get idTagMaxLength(): number {
    return this.version === '2.0.1' ? ID_TOKEN_MAX_LENGTH : ID_TAG_MAX_LENGTH;
  }

  /**
   * The station boots (again: a Reset, restart(), power back): the calls of the boot before
   * will never be answered on this one, and an answer now with one of their ids is not theirs;
   * the stops they held are sent again (the transaction queue keeps them) and held then.
   */
  booting(): void {
    for (const id in this.calls) delete this.calls[id];
    for (const id in this.incoming) delete this.incoming[id];
    for (const id in this.stopsUnanswered) delete this.stopsUnanswered[id];
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
    if (f[0] === 2 && direction === 'out' && typeof f[2] === 'string') {
      const payload = f[3] && typeof f[3] === 'object' ? f[3] : {};
      // The station sends a CALL only once the one before was answered or given up (timed out,
      // or its connection closed): OCPP-J 1.6 section 4.1.1, one CALL at a time, as the
      // ChargePoint does. Any call still here was given up, and a late answer with its id is
      // not the answer to a call in flight (nor is it kept for the rest of the boot).
      for (const id in this.calls) delete this.calls[id];
      this.calls[f[1]] = { action: f[2], payload };
      if (f[2] === 'BootNotification') this.version = payload.chargingStation ? '2.0.1' : '1.6';
      return this.version === '2.0.1' ? this.sent201(f[2], payload) : this.sent(f[2], payload);
    }
    if (f[0] === 2 && direction === 'in' && typeof f[2] === 'string') {
      this.incoming[f[1]] = { action: f[2], payload: f[3] && typeof f[3] === 'object' ? f[3] : {} };
      return false;
    }
    if ((f[0] === 3 || f[0] === 4) && direction === 'out') {
      const call = this.incoming[f[1]];
      delete this.incoming[f[1]];
      return !!call && f[0] === 3 && call.action === 'RequestStartTransaction' && !!f[2] && f[2].status === 'Accepted' && this.remoteStart(call.payload.evseId);
    }
    if ((f[0] === 3 || f[0] === 4) && direction === 'in') {
      const call = this.calls[f[1]];
      if (!call) return false;
      delete this.calls[f[1]];
      const answer = f[0] === 3 && f[2] && typeof f[2] === 'object' ? f[2] : f[0] === 3 ? {} : null;
      return this.answered(call.action, call.payload, answer);
    }
    return false;
  }

  private connector(id: unknown): ObservedConnector | null {
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
      this.stopsUnanswered[String(p.transactionId)] = true;
      for (let id = 1; id < this.connectors.length; id++) {
        const c = this.connectors[id];
        if (c.transactionId === p.transactionId) endTransaction(c);
      }
      return true;
    }
    return false;
  }

  /** 2.0.1: StatusNotification (connectorStatus of EVSE n's connector 1) and TransactionEvent. */
  private sent201(action: string, p: any): boolean {
    if (action === 'StatusNotification') {
      const c = p.connectorId === 1 ? this.connector(p.evseId) : null;
      if (c) c.status = p.connectorStatus;
      if (c && c.status === 'Available') c.ended = false;
      return !!c;
    }
    if (action !== 'TransactionEvent' || !p.transactionInfo || typeof p.transactionInfo.transactionId !== 'string') return false;
    const txId: string = p.transactionInfo.transactionId;
    if (p.evse && this.connector(p.evse.id) && (p.evse.connectorId === undefined || p.evse.connectorId === 1)) this.transactionConnector[txId] = p.evse.id;
    const id = this.transactionConnector[txId];
    const c = id !== undefined ? this.connectors[id] : null;
    if (p.eventType === 'Ended') {
      this.stopsUnanswered[txId] = true;
      delete this.transactionConnector[txId];
      if (c && c.transactionId === txId) {
        endTransaction(c);
        c.ended = true;
      }
      return true;
    }
    if (!c) return false;
    if (c.transactionId !== txId) {
      c.transactionId = txId;
      c.remoteStarted = false;
      c.ended = false;
      c.idTag = null;
      c.chargingState = null;
      const register = energyRegister(p.meterValue);
      c.meterStartWh = register !== null ? register : this.charger.hw.connector(id).read().energyWh;
    }
    if (p.idToken && typeof p.idToken.idToken === 'string') c.idTag = p.idToken.idToken;
    if (typeof p.transactionInfo.chargingState === 'string') c.chargingState = p.transactionInfo.chargingState;
    return true;
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
      delete this.stopsUnanswered[String(p.transactionId)];
      return true;
    }
    if (action === 'TransactionEvent' && p.eventType === 'Ended') {
      if (p.transactionInfo && typeof p.transactionInfo.transactionId === 'string') delete this.stopsUnanswered[p.transactionInfo.transactionId];
      return true;
    }
    if (action === 'Authorize') {
      const info = answer && (answer.idTagInfo || answer.idTokenInfo);
      this.lastAuthorize = info ? info.status : 'CALLERROR';
    }
    return false;
  }

  /**
   * 2.0.1: a RequestStartTransaction the station accepted, at `evseId` or the EVSE the station
   * takes without one (the first operative one not authorized already, F01.FR.20).
   */
  private remoteStart(evseId: unknown): boolean {
    let id = typeof evseId === 'number' ? evseId : 0;
    for (let i = 1; !id && i < this.connectors.length; i++) {
      const c = this.connectors[i];
      if (c.idTag === null && c.status !== 'Unavailable' && c.status !== 'Faulted') id = i;
    }
    const c = this.connector(id);
    if (c && c.transactionId === null) c.remoteStarted = true;
    return !!c;
  }

  /** A driver is expected with an EV at connector `id` (a remote start waits for the cable: 1.6 Preparing, 2.0.1 accepted). */
  awaitsCable(id: number): boolean {
    const c = this.connectors[id];
    return !this.charger.hw.connector(id).plugged() && (this.version === '2.0.1' ? c.remoteStarted : c.status === 'Preparing');
  }

  connectorState(id: number): StationConnectorState {
    const c = this.connectors[id];
    c.charging = this.charging(id);
    return c;
  }

  /** Energy flows in connector `id`'s transaction (1.6: status Charging; 2.0.1: chargingState Charging). */
  charging(id: number): boolean {
    const c = this.connectors[id];
    return this.version === '2.0.1' ? c.transactionId !== null && c.chargingState === 'Charging' : c.status === 'Charging';
  }

  /** Connector `id`'s transaction is over, the cable still in (1.6: status Finishing; 2.0.1: Ended, not Available since). */
  finished(id: number): boolean {
    const c = this.connectors[id];
    return this.version === '2.0.1' ? c.transactionId === null && c.ended : c.status === 'Finishing';
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
        const c = this.connectors[id];
        const s = c.status;
        if (this.version === '2.0.1') return c.idTag === null && (s === 'Available' || s === 'Occupied');
        return c.idTag === null && (s === 'Available' || s === 'Preparing' || s === 'Finishing');
      }
    );
    if (chosen !== null) this.charger.presentCard(chosen, idTag);
    return chosen;
  }

  /** The bundle reconnects on its own backoff: the host cannot hurry it. */
  connectNow(): void {}
}

function endTransaction(c: ObservedConnector): void {
  c.transactionId = null;
  c.idTag = null;
  c.meterStartWh = null;
  c.chargingState = null;
}

/** The Energy.Active.Import.Register (Wh) of 2.0.1 MeterValues, or null. */
function energyRegister(meterValue: any): number | null {
  if (Object.prototype.toString.call(meterValue) !== '[object Array]') return null;
  for (let i = 0; i < meterValue.length; i++) {
    const sampled = meterValue[i] && meterValue[i].sampledValue;
    if (Object.prototype.toString.call(sampled) !== '[object Array]') continue;
    for (let j = 0; j < sampled.length; j++) {
      const v = sampled[j];
      if (!v || typeof v.value !== 'number' || (v.measurand && v.measurand !== 'Energy.Active.Import.Register') || v.phase) continue;
      const unit = v.unitOfMeasure && v.unitOfMeasure.unit;
      const scale = v.unitOfMeasure && typeof v.unitOfMeasure.multiplier === 'number' ? Math.pow(10, v.unitOfMeasure.multiplier) : 1;
      return v.value * scale * (unit === 'kWh' ? 1000 : 1);
    }
  }
  return null;
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

  /** The bundle boots (the first time, or again after a reboot): see ObservedStation.booting. */
  booting(): void {
    this.station.booting();
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
      } else if (step === 'presenting' && this.station.charging(1)) {
        next('charging', () => {
          log('session: driver presents idTag ' + idTag + ' again to stop');
          step = 'stopping';
          this.presentCard(1, idTag);
        }, (seconds > 0 ? seconds : DEFAULT_SESSION_SECONDS) * 1000);
      } else if (step === 'stopping' && this.station.finished(1)) {
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

  /**
   * The simulator's idle scenario driven at the charger (scenarios.ts's idle, from outside):
   * the driver plugs the EV in where a remote start waits for a cable and pulls the cable
   * where a transaction is over, each after a pause; `done(0)` after `seconds` (0: never).
   * A cable plugged in through the control API stays until a transaction on it is over.
   */
  runIdle(seconds: number, done: (code: number, reason: string) => void): void {
    const log = this.options.log;
    if (seconds > 0) {
      this.later(() => {
        log('idle: ' + seconds + ' s over');
        done(0, 'idle: ' + seconds + ' s over');
      }, seconds * 1000);
    }
    const pending: boolean[] = [];
    const act = (id: number, when: () => boolean, what: () => void) => {
      if (pending[id] || !when()) return;
      pending[id] = true;
      this.later(() => {
        pending[id] = false;
        if (when()) what();
      }, DRIVER_PAUSE_MS);
    };
    this.watchers.push(() => {
      for (let id = 1; id <= this.hw.connectorCount; id++) {
        const cable = this.hw.connector(id);
        act(id, () => this.station.awaitsCable(id), () => {
          log('driver plugs the EV in at connector ' + id);
          cable.plugIn();
        });
        act(id, () => this.station.finished(id) && cable.plugged() && this.station.connectorState(id).transactionId === null, () => {
          log('driver pulls the cable at connector ' + id);
          cable.unplug();
        });
      }
    });
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
