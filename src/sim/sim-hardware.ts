// Simulated charger hardware (hal/hardware.ts) for the simulator's bundle and the tests:
// per connector an energy meter and a simulated EV. Pure JS, in the simulator's bundle
// (src/main-sim.ts; not in the firmware), so both hosts (Node simulator, native shim) and
// the QuickJS tests drive the same model.
//
// The meter integrates power over the monotonic clock while the relay is closed, a cable
// is plugged, the EV asks for energy and a current is offered: at every change of that
// state, and every REGISTER_TICK_MS while energy flows, whether anyone reads the meter or
// not (a real register counts continuously). Its register is kept in storage (a real meter
// keeps it in its own non-volatile memory) at each such tick and at each relay switch, so
// energy never goes backwards across a reboot, and a power cut loses at most the energy of
// one tick. The EV charges its battery and stops asking for energy when it is full
// (SuspendedEV).
import { ConnectorHardware, Hardware, HardwareError, HardwareEvent, MeterReading } from '../../hal/hardware';
import { Hal } from '../../hal/index';

export interface SimHardwareOptions {
  connectors: number;
  /** Monotonic clock, ms. */
  ticks: () => number;
  /** Defers an event to its own turn of the event loop (never re-entrant). */
  defer: (fn: () => void) => void;
  /**
   * A repeating timer (hal.setInterval): the meter counts and stores its register on it
   * while energy flows. Without one it counts only when read or switched.
   */
  setInterval?: (fn: () => void, ms: number) => { cancel(): void };
  /** Where the meter registers live (hal.storage); none: they start at 0 each boot. */
  storage?: { get(key: string): string | null; set(key: string, value: string): void };
  /** Per-phase voltage, V (230). */
  voltageV?: number;
  /** Phases wired (3). */
  phases?: number;
  /** Largest current the connector offers, A (32). */
  maxCurrentA?: number;
  /** Has the connector a cable lock (true)? false: a fixed cable or a socket without a lock. */
  cableLock?: boolean;
  /** The EV a plugIn() without its own figures brings (16 A, 40 kWh, 30 %). */
  ev?: Partial<SimEv>;
}

/** A simulated EV: how much it may draw and how full it is. */
export interface SimEv {
  /** Most current the EV's on-board charger draws per phase, A. */
  maxCurrentA: number;
  batteryWh: number;
  /** State of charge when plugged in, percent. */
  socPercent: number;
}

const DEFAULT_EV: SimEv = { maxCurrentA: 16, batteryWh: 40000, socPercent: 30 };

const METER_FILE = 'sim-meters.json';
/**
 * While energy flows the registers are integrated and stored this often: the most energy a
 * power cut can lose (2 s at 22 kW is 12 Wh). Each store is one small atomic file write.
 */
export const REGISTER_TICK_MS = 2000;

export class SimConnector implements ConnectorHardware {
  private cable = false;
  private wantsEnergy = false;
  private ev: SimEv | null = null;
  private evEnergyWh = 0; // delivered to the EV since it was plugged in
  private relay = false;
  private lock = false;
  private lockBroken = false;
  private limitA: number;
  private fault: HardwareError = 'NoError';
  private faultVendorCode = '';
  private registerWh: number;
  private lastTick: number;

  constructor(
    readonly id: number,
    private readonly owner: SimHardware,
    readonly maxCurrentA: number,
    private readonly voltageV: number,
    private readonly phases: number,
    registerWh: number,
    readonly hasCableLock: boolean,
    private readonly defaultEv: SimEv
  ) {
    this.limitA = maxCurrentA;
    this.registerWh = registerWh;
    this.lastTick = owner.ticks();
  }

  plugged(): boolean {
    return this.cable;
  }
  evRequestsEnergy(): boolean {
    return this.cable && this.wantsEnergy;
  }
  error(): HardwareError {
    return this.fault;
  }
  vendorErrorCode(): string {
    return this.faultVendorCode;
  }

  read(): MeterReading {
    this.advance();
    const amps = this.drawA();
    return {
      energyWh: Math.floor(this.registerWh),
      powerW: Math.round(amps * this.voltageV * this.phases),
      currentA: Math.round(amps * 10) / 10,
      voltageV: this.voltageV,
      offeredA: this.limitA,
      phases: this.phases,
      socPercent: this.ev ? Math.floor(this.soc()) : -1,
    };
  }

  setRelay(closed: boolean): void {
    this.advance();
    this.relay = closed;
    this.owner.saveRegisters();
    this.owner.flowChanged();
  }
  relayClosed(): boolean {
    return this.relay;
  }
  setLock(locked: boolean): boolean {
    if (!this.hasCableLock) return true; // nothing to move
    if (this.lockBroken) return false;
    this.lock = locked;
    return true;
  }
  locked(): boolean {
    return this.lock;
  }
  setCurrentLimit(amps: number): void {
    this.advance();
    this.limitA = Math.max(0, Math.min(this.maxCurrentA, amps));
    this.owner.flowChanged();
  }
  currentLimit(): number {
    return this.limitA;
  }

  // ---- the simulation's controls (the simulated driver, tests) -------------------------

  /** The driver plugs an EV in. */
  plugIn(ev?: Partial<SimEv>): void {
    if (this.cable) return;
    this.advance();
    this.ev = evWith(this.defaultEv, ev);
    this.evEnergyWh = 0;
    this.cable = true;
    this.wantsEnergy = this.soc() < 100;
    this.owner.flowChanged();
    this.owner.emit(this.id, 'plugged');
  }

  /**
   * The driver pulls the cable. At the station a locked cable cannot be pulled (false);
   * `evSide`: the cable's end at the car is pulled, which the station's lock does not hold.
   */
  unplug(evSide?: boolean): boolean {
    if (!this.cable) return true;
    if (this.lock && !evSide) return false;
    this.advance();
    this.cable = false;
    this.wantsEnergy = false;
    this.ev = null;
    this.owner.flowChanged();
    this.owner.emit(this.id, 'unplugged');
    return true;
  }

  /** What the EV plugged in asks for, or null without a cable. */
  evState(): { requests: boolean; socPercent: number } | null {
    return this.ev ? { requests: this.wantsEnergy, socPercent: Math.floor(this.soc()) } : null;
  }

  /** The EV pauses (false) or resumes (true) asking for energy. */
  setEvRequests(wants: boolean): void {
    if (!this.cable || this.wantsEnergy === wants) return;
    this.advance();
    this.wantsEnergy = wants;
    this.owner.flowChanged();
    this.owner.emit(this.id, wants ? 'evReady' : 'evSuspended');
  }

  /** Raises a fault ('NoError' clears it), with the maker's own code of it. */
  setFault(code: HardwareError, vendorErrorCode?: string): void {
    if (this.fault === code) return;
    this.advance();
    this.fault = code;
    this.faultVendorCode = code === 'NoError' ? '' : (vendorErrorCode || '').substring(0, 50);
    this.owner.flowChanged();
    this.owner.emit(this.id, code === 'NoError' ? 'faultCleared' : 'fault');
  }

  /** The cable lock jams: setLock() fails from now on. */
  breakLock(broken: boolean): void {
    this.lockBroken = broken;
  }

  registerValue(): number {
    return this.registerWh;
  }

  /** Is energy flowing now? */
  drawing(): boolean {
    return this.drawA() > 0;
  }

  // ---- the model -------------------------------------------------------------------------

  private drawA(): number {
    if (!this.relay || !this.cable || !this.wantsEnergy || !this.ev || this.fault !== 'NoError') return 0;
    return Math.min(this.limitA, this.ev.maxCurrentA);
  }

  private soc(): number {
    if (!this.ev) return 0;
    return Math.min(100, this.ev.socPercent + (100 * this.evEnergyWh) / this.ev.batteryWh);
  }

  /** Integrates the energy drawn since the last look. */
  advance(): void {
    const now = this.owner.ticks();
    const hours = Math.max(0, now - this.lastTick) / 3600000;
    this.lastTick = now;
    const watts = this.drawA() * this.voltageV * this.phases;
    if (watts <= 0 || hours <= 0) return;
    const before = this.registerWh;
    this.registerWh += watts * hours;
    this.evEnergyWh += watts * hours;
    if (this.ev && this.wantsEnergy && this.soc() >= 100) {
      this.wantsEnergy = false; // battery full
      this.owner.flowChanged();
      this.owner.emit(this.id, 'evSuspended');
    }
    // A read that finds a new whole Wh stores it too (the only store without a tick).
    if (Math.floor(this.registerWh) > Math.floor(before)) this.owner.saveRegisters();
  }
}

export class SimHardware implements Hardware {
  readonly connectorCount: number;
  onEvent: ((connectorId: number, event: HardwareEvent) => void) | null = null;
  readonly ticks: () => number;
  private readonly connectors: SimConnector[] = [];
  private readonly defer: (fn: () => void) => void;
  private readonly storage: SimHardwareOptions['storage'];
  private readonly setInterval: SimHardwareOptions['setInterval'];
  private tick: { cancel(): void } | null = null;
  /** What was stored last ('' = nothing this boot). */
  private saved = '';

  constructor(options: SimHardwareOptions) {
    this.connectorCount = options.connectors;
    this.ticks = options.ticks;
    this.defer = options.defer;
    this.storage = options.storage;
    this.setInterval = options.setInterval;
    const saved = this.loadRegisters();
    const ev = evWith(DEFAULT_EV, options.ev);
    const lock = options.cableLock !== false;
    for (let i = 1; i <= options.connectors; i++) {
      this.connectors.push(
        new SimConnector(i, this, options.maxCurrentA || 32, options.voltageV || 230, options.phases || 3, saved[i - 1] || 0, lock, ev)
      );
    }
  }

  connector(id: number): SimConnector {
    const c = this.connectors[id - 1];
    if (!c) throw new RangeError('no connector ' + id);
    return c;
  }

  /** Reports an event on a later turn, so a simulation control never re-enters the station. */
  emit(connectorId: number, event: HardwareEvent): void {
    this.defer(() => {
      if (this.onEvent) this.onEvent(connectorId, event);
    });
  }

  /** Stores the registers (when they changed since the last store). */
  saveRegisters(): void {
    if (!this.storage) return;
    const values: number[] = [];
    for (let i = 0; i < this.connectors.length; i++) values.push(Math.round(this.connectors[i].registerValue() * 1000) / 1000);
    const text = JSON.stringify(values);
    if (text === this.saved) return;
    this.saved = text;
    this.storage.set(METER_FILE, text);
  }

  /** Something that decides the flow of energy changed: the tick runs while any connector draws. */
  flowChanged(): void {
    if (!this.setInterval) return;
    let drawing = false;
    for (let i = 0; i < this.connectors.length; i++) if (this.connectors[i].drawing()) drawing = true;
    if (drawing && !this.tick) {
      this.tick = this.setInterval(() => {
        for (let i = 0; i < this.connectors.length; i++) this.connectors[i].advance();
        this.saveRegisters();
      }, REGISTER_TICK_MS);
    } else if (!drawing && this.tick) {
      this.tick.cancel();
      this.tick = null;
    }
  }

  /** Ends the tick (the simulated power goes; tests that model a power cut). */
  stop(): void {
    if (this.tick) this.tick.cancel();
    this.tick = null;
  }

  private loadRegisters(): number[] {
    const text = this.storage ? this.storage.get(METER_FILE) : null;
    if (!text) return [];
    try {
      const values = JSON.parse(text);
      return Object.prototype.toString.call(values) === '[object Array]' ? values : [];
    } catch (e) {
      return []; // a damaged file: the registers restart at 0 rather than the station not boot
    }
  }
}

/** `base` with the figures `given` has (each a positive number; SoC 0–100). */
function evWith(base: SimEv, given?: Partial<SimEv>): SimEv {
  const out: SimEv = { maxCurrentA: base.maxCurrentA, batteryWh: base.batteryWh, socPercent: base.socPercent };
  if (!given) return out;
  if (typeof given.maxCurrentA === 'number' && given.maxCurrentA > 0) out.maxCurrentA = given.maxCurrentA;
  if (typeof given.batteryWh === 'number' && given.batteryWh > 0) out.batteryWh = given.batteryWh;
  if (typeof given.socPercent === 'number' && given.socPercent >= 0 && given.socPercent <= 100) out.socPercent = given.socPercent;
  return out;
}

/** The simulated hardware the settings describe (connectors, maxCurrentA, cableLock, phases, voltageV, ev), on the HAL's clock, timers and storage. */
export function simHardwareFor(hal: Hal): SimHardware {
  const s = hal.settings;
  return new SimHardware({
    connectors: Math.max(1, s.connectors),
    ticks: hal.ticks,
    defer: (fn) => hal.setTimeout(fn, 0),
    setInterval: hal.setInterval,
    storage: hal.storage,
    maxCurrentA: s.maxCurrentA,
    cableLock: s.cableLock,
    phases: s.phases,
    voltageV: s.voltageV,
    ev: s.ev,
  });
}
