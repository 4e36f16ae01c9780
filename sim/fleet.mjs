// The simulated stations of one simulator run, as the control API sees them: added and
// removed at runtime, each with its state (power, network, what the bundle reports through
// the control member), its last OCPP frames, and the changes the events stream sends.
//
// The state of a station is asked of its bundle (command "state") when the bundle says it
// changed (controlChanged) — at most once per turn of the event loop — and, while someone
// watches (the events stream), every `pollMs` for the energy and power that change all the
// time: only the stations where energy flows (nothing else changes without the bundle
// saying so), round-robin within a time budget, so a thousand charging stations cost at
// most a tenth of the process's time (each is then refreshed less often than every second).
import { EventEmitter } from 'node:events';
import { SimulatedStation } from './host.mjs';

/** Frames kept per station for a dashboard that selects it. */
export const FRAMES_KEPT = 50;
const POLL_MS = 1000;
/** Share of the poll interval the poll may take. */
const POLL_BUDGET = 0.1;

/**
 * Events: 'station' (state) when a station's state changed; 'removed' (id); 'frame'
 * { station, time, direction, text }; 'log' { station, time, level, text, source }; 'added' (state).
 */
export class Fleet extends EventEmitter {
  /** @type {Map<string, { station: SimulatedStation, state: object, frames: object[], dirty: boolean }>} */
  #entries = new Map();
  #watchers = 0;
  #poll = null;
  /** Where the last poll stopped (round-robin over the charging stations). */
  #pollFrom = 0;

  /**
   * @param {object} options
   * @param {(settings: object) => SimulatedStation} options.create  makes a station (not started)
   * @param {number} [options.pollMs]
   */
  constructor({ create, pollMs = POLL_MS }) {
    super();
    this.setMaxListeners(0);
    this.create = create;
    this.pollMs = pollMs;
  }

  get size() {
    return this.#entries.size;
  }

  has(id) {
    return this.#entries.has(id);
  }

  /** @returns {SimulatedStation | undefined} */
  station(id) {
    const e = this.#entries.get(id);
    return e && e.station;
  }

  stations() {
    return [...this.#entries.values()].map((e) => e.station);
  }

  /** Adds and starts a station for these settings; resolves with it once booted. */
  async add(settings) {
    const station = this.create(settings);
    const entry = { station, state: null, frames: [], dirty: false };
    this.#entries.set(station.id, entry);
    station.on('frame', (f) => {
      const frame = { station: station.id, time: f.time, direction: f.direction, text: f.text };
      entry.frames.push(frame);
      if (entry.frames.length > FRAMES_KEPT) entry.frames.shift();
      this.emit('frame', frame);
    });
    station.on('log', (e) => this.emit('log', { station: station.id, time: e.time, level: e.level, text: e.text, source: e.source }));
    station.on('changed', () => this.#markDirty(entry));
    station.on('exit', () => this.#markDirty(entry));
    try {
      await station.start();
    } catch (err) {
      this.#entries.delete(station.id);
      throw err;
    }
    entry.state = this.#read(entry);
    this.emit('added', entry.state);
    return station;
  }

  /** Stops and forgets a station (its files stay). */
  async remove(id) {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    this.#entries.delete(id);
    entry.station.removeAllListeners('changed');
    if (entry.station.running || entry.station.poweredOff) await entry.station.stop(0, 'removed through the control API');
    this.emit('removed', id);
    return true;
  }

  /** The state of one station (fresh), or null. A change it finds goes to the watchers too (a later read would find none). */
  state(id) {
    const entry = this.#entries.get(id);
    if (!entry) return null;
    this.#publish(entry);
    return entry.state;
  }

  /** Every station's state as last read (fresh for the dirty ones). */
  states() {
    const out = [];
    for (const entry of this.#entries.values()) {
      if (!entry.state || entry.dirty) {
        entry.dirty = false;
        this.#publish(entry);
      }
      out.push(entry.state);
    }
    return out;
  }

  frames(id) {
    const entry = this.#entries.get(id);
    return entry ? entry.frames.slice() : null;
  }

  /** Someone watches (the events stream): poll energy and power while anyone does. */
  watch() {
    this.#watchers++;
    if (!this.#poll) {
      this.#poll = setInterval(() => this.#pollAll(), this.pollMs);
      this.#poll.unref();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.#watchers === 0 && this.#poll) {
        clearInterval(this.#poll);
        this.#poll = null;
      }
    };
  }

  /** Stops every station. */
  async stopAll(code = 1, reason = 'simulator ending') {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
    await Promise.all(this.stations().map((s) => (s.running || s.poweredOff ? s.stop(code, reason) : s.exited)));
  }

  #markDirty(entry) {
    if (entry.dirty) return;
    entry.dirty = true;
    setImmediate(() => {
      if (!entry.dirty || !this.#entries.has(entry.station.id)) return;
      entry.dirty = false;
      this.#publish(entry);
    });
  }

  #publish(entry) {
    const before = entry.state;
    entry.state = this.#read(entry);
    if (!before || JSON.stringify(before) !== JSON.stringify(entry.state)) this.emit('station', entry.state);
  }

  #pollAll() {
    const flowing = [...this.#entries.values()].filter((e) => e.station.running && e.state && e.state.connectors.some((c) => c.powerW > 0));
    const end = performance.now() + this.pollMs * POLL_BUDGET;
    const start = this.#pollFrom;
    for (let i = 0; i < flowing.length && performance.now() < end; i++) {
      this.#publish(flowing[(start + i) % flowing.length]);
      this.#pollFrom = (start + i + 1) % flowing.length;
    }
  }

  /** What the API shows of a station: the host's view (power, network, exit) and the bundle's. */
  #read(entry) {
    const s = entry.station;
    const reply = s.running ? s.control({ command: 'state' }) : null;
    const previous = entry.state;
    const state = {
      id: s.id,
      power: s.running ? 'on' : 'off',
      network: s.networkDown ? 'down' : 'up',
      connected: false,
      registration: null,
      connectors: [],
      exit: s.result ? { code: s.result.code, reason: s.result.reason } : null,
      heap: s.memory().peak,
    };
    if (reply && reply.ok) {
      state.connected = reply.connected;
      state.registration = reply.registration;
      state.connectors = reply.connectors;
    } else if (previous) {
      // Off: what the connectors were, but nothing flows and nobody knows the status.
      state.connectors = previous.connectors.map((c) => ({ ...c, status: null, charging: false, powerW: 0 }));
    }
    return state;
  }
}
