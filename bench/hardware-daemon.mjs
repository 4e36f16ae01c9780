// The charger's IO daemon of the hardware backend `ocpp-host --hardware DIR` (README, "The
// hardware backend": a folder of state files a charger's IO daemon keeps), played from Node:
// the folder itself (HardwareFolder, which the tests use too), and the benchmark's charging
// session through it (chargerSession), so that what a module runs — the flashed firmware,
// whose IO is the board's — is measured through a whole session, not the simulator's bundle
// with its simulated charger.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class HardwareFolder {
  /** A new folder `dir` with `info` listing `connectors` (hardwareInfo's shape). */
  constructor(dir, connectors = [{}]) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.write('info', JSON.stringify({ connectors }));
    this.inputs = [];
    for (let id = 1; id <= connectors.length; id++) {
      this.inputs[id] = { plugged: false, evRequestsEnergy: false, error: 'NoError', vendorErrorCode: '', idTag: '' };
      this.write(`inputs-${id}`, JSON.stringify(this.inputs[id]));
      this.meter(id, { energyWh: 0, powerW: 0, currentA: 0, voltageV: 230, phases: 3 });
    }
  }

  /** Replaces a file whole, as the backend must (temporary file, rename). */
  write(name, text) {
    const temporary = join(this.dir, `.${name}.tmp`);
    writeFileSync(temporary, text);
    renameSync(temporary, join(this.dir, name));
  }

  /** Changes connector `id`'s inputs (merged into the last ones): the host tells the bundle. */
  set(id, inputs) {
    Object.assign(this.inputs[id], inputs);
    this.write(`inputs-${id}`, JSON.stringify(this.inputs[id]));
  }

  /** Connector `id`'s meter now (read by the host when the bundle reads it). */
  meter(id, reading) {
    this.write(`meter-${id}`, JSON.stringify(reading));
  }

  /** An output the host wrote: relay / lock (true, false) or current-limit (A); undefined before the first write. */
  output(name, id) {
    const file = join(this.dir, `${name}-${id}`);
    if (!existsSync(file)) return undefined;
    const text = readFileSync(file, 'utf8').trim();
    return name === 'current-limit' ? Number(text) : text === '1';
  }

  /** Resolves once output `name` of connector `id` is `value` (throws once `signal`, an AbortSignal, is aborted). */
  async waitOutput(name, id, value, timeout = 10000, signal = null) {
    const until = Date.now() + timeout;
    while (this.output(name, id) !== value) {
      if (signal && signal.aborted) throw new Error(`no longer waiting for ${name}-${id}`);
      if (Date.now() > until) throw new Error(`${name}-${id} did not become ${value} within ${timeout} ms (is ${this.output(name, id)})`);
      await sleep(50);
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How a connector's session shows at the CSMS, per OCPP version: the cable in, the transaction's start and end, the connector free again, each transaction's register at its start and end. */
const AT_CSMS = {
  '1.6': {
    plugged: (r, c) => r.action === 'StatusNotification' && r.payload.connectorId === c && r.payload.status === 'Preparing',
    started: (r, c) => r.action === 'StartTransaction' && r.payload.connectorId === c,
    ended: (r) => r.action === 'StopTransaction',
    available: (r, c) => r.action === 'StatusNotification' && r.payload.connectorId === c && r.payload.status === 'Available',
    registers: (csms, id) => [...csms.transactions.values()].filter((t) => t.station === id).map((t) => [t.meterStart, t.meterStop]),
  },
  '2.0.1': {
    plugged: (r, c) => r.action === 'StatusNotification' && r.payload.evseId === c && r.payload.connectorStatus === 'Occupied',
    started: (r, c) => r.action === 'TransactionEvent' && r.payload.eventType === 'Started' && !!r.payload.evse && r.payload.evse.id === c,
    ended: (r) => r.action === 'TransactionEvent' && r.payload.eventType === 'Ended',
    available: (r, c) => r.action === 'StatusNotification' && r.payload.evseId === c && r.payload.connectorStatus === 'Available',
    registers: (csms, id) => [...csms.transactions201.values()].filter((t) => t.station === id).map((t) => [t.energyStart, t.energyEnd]),
  },
};

/** The EV's draw, A per phase, on 3 phases at 230 V: the offered current, at most this. */
const EV_MAX_A = 16;
const VOLTAGE_V = 230;
const PHASES = 3;
/** The meter's tick: a connector's register rises by one second's energy per tick, its first half a second after its card. */
const METER_TICK_MS = 1000;
const FIRST_TICK_MS = 500;
/** How long the driver takes for each step, and how long each connector charges (as the simulator's session scenario). */
const DRIVER_PAUSE_MS = 1000;
const CHARGE_SECONDS = 12;
/**
 * Connector N's cable goes in (N - 1) × this after connector 1's (and not before connector
 * N - 1's transaction has started at the CSMS). 2.5 s keeps every step of one connector at
 * least half a second from the other's, and from its periodic MeterValues (every 5 s from its
 * transaction's start, the settings the bench gives the 1.6 station): 1 charges from 1 s (its
 * samples at 6 and 11 s, its card again at 13, its cable out at 14), 2 from 3.5 s (samples at
 * 8.5 and 13.5, card at 15.5, cable out at 16.5), the CSMS's calls at 4.5.
 */
const CONNECTOR_OFFSET_MS = 2500;
/** A moment for the last StatusNotification's answer before the daemon says the session is over (the scenario's farewell). */
const FAREWELL_MS = 500;

/**
 * The simulator's `--scenario session` played at the charger, on every connector of `hw`
 * (its driver and EV are the daemon, the station is the flashed firmware on `--hardware`),
 * on a fixed timeline from the daemon's start, so that the station does the same things in
 * the same order in every run (its heap figures with them): at each connector the cable goes
 * in (evRequestsEnergy: the station's StatusNotification answered), a second later card
 * `idTag` is at the reader (Authorize, the transaction starts: the relay closes), the card is
 * taken away once the CSMS has answered the transaction's start, the meter rises on the
 * daemon's own tick (every second from half a second after the card, one second of the
 * offered current, at most 16 A, on 3 phases, while the transaction runs: what the station
 * reads at a given moment of its session is the same in every run), after `seconds` the same
 * card again (the transaction stops, Local: the relay opens), a second later the cable is
 * pulled (the station's Available answered). Connector N plugs in CONNECTOR_OFFSET_MS after
 * connector N - 1, once N - 1's transaction start is answered, and no transaction stops
 * before every one has started: the transactions run at once (the scenario charges connector
 * 1 only). `whileCharging()` (the CSMS's calls of a parts session) is called at a fixed point
 * of it too: a second after the last card, once every transaction's start is answered.
 * A step whose wait ran past the next step's time delays that one (the order stays).
 * The session is over once the CSMS has every transaction's end and every connector
 * Available; returns then with `late` (the steps that came after their time: a loaded
 * machine), and throws (with what was missing) when a step does not come. `signal` (an
 * AbortSignal) ends the daemon early: no file is written after it (the folder may be gone),
 * and the session throws.
 */
export async function chargerSession({ csms, id, hw, connectors, version = '1.6', idTag = 'DEMO-TAG', seconds = CHARGE_SECONDS, timeout = 30000, signal = null, whileCharging = null }) {
  const seen = AT_CSMS[version];
  const from = csms.records.length;
  const ended = () => signal !== null && signal.aborted;
  const timers = new Set();
  const pause = (ms) =>
    new Promise((resolve, reject) => {
      if (ended()) return reject(new Error('the session was ended'));
      const abort = () => (clearTimeout(timer), timers.delete(timer), reject(new Error('the session was ended')));
      const timer = setTimeout(() => (timers.delete(timer), signal && signal.removeEventListener('abort', abort), resolve()), ms);
      timers.add(timer);
      if (signal) signal.addEventListener('abort', abort, { once: true });
    });
  const t0 = Date.now();
  const late = [];
  /** Until `ms` after the daemon's start; at once (listed in `late`, by what and how late, ms) when that has passed. */
  const at = (ms, what) => {
    const wait = t0 + ms - Date.now();
    if (wait < 0) late.push(`${what} ${-wait}`);
    return pause(Math.max(0, wait));
  };
  // Every input the driver changes, unless the daemon was ended.
  const set = (c, inputs) => {
    if (ended()) throw new Error('the session was ended');
    hw.set(c, inputs);
  };
  /** The station's CALL `test` (from record `since`) and the CSMS's answer to it. */
  const answered = async (test, what, since) => {
    const call = await csms.waitFor((r) => r.station === id && r.direction === 'in' && r.type === 'CALL' && test(r), { from: since, timeout, what });
    await csms.waitFor((r) => r.station === id && r.direction === 'out' && r.type !== 'CALL' && r.id === call.id, { from: call.seq, timeout, what: `the answer to ${what}` });
  };
  /** Connector `c`'s meter from `cardAt` on: a tick a second, from FIRST_TICK_MS after the card, until `running()` is false. */
  const meterTicks = (c, cardAt, running) => {
    let energyWh = 0;
    const tick = (k) => {
      if (ended() || !running()) return;
      const limit = hw.output('current-limit', c);
      const amps = Math.min(EV_MAX_A, limit === undefined ? EV_MAX_A : limit);
      energyWh += (amps * VOLTAGE_V * PHASES * METER_TICK_MS) / 3600000;
      hw.meter(c, { energyWh: Math.floor(energyWh), powerW: Math.round(amps * VOLTAGE_V * PHASES), currentA: amps, voltageV: VOLTAGE_V, phases: PHASES });
      const timer = setTimeout(() => (timers.delete(timer), tick(k + 1)), Math.max(0, t0 + cardAt + FIRST_TICK_MS + (k + 1) * METER_TICK_MS - Date.now()));
      timers.add(timer);
    };
    const timer = setTimeout(() => (timers.delete(timer), tick(0)), Math.max(0, t0 + cardAt + FIRST_TICK_MS - Date.now()));
    timers.add(timer);
    return () => energyWh;
  };
  const started = connectors.map(() => {
    const step = {};
    step.done = new Promise((resolve) => (step.resolve = resolve));
    return step;
  });
  const allStarted = Promise.all(started.map((s) => s.done));
  const atConnector = async (c, i) => {
    const plugAt = i * CONNECTOR_OFFSET_MS;
    const cardAt = plugAt + DRIVER_PAUSE_MS;
    const stopAt = cardAt + seconds * 1000;
    if (i > 0) await started[i - 1].done;
    await at(plugAt, `connector ${c}'s cable in`);
    let since = csms.records.length;
    set(c, { plugged: true, evRequestsEnergy: true });
    await answered((r) => seen.plugged(r, c), `connector ${c}'s status once the cable is in`, since);
    await at(cardAt, `connector ${c}'s card`);
    since = csms.records.length;
    let charging = true;
    const energyWh = meterTicks(c, cardAt, () => charging);
    set(c, { idTag });
    await hw.waitOutput('relay', c, true, timeout, signal);
    await answered((r) => seen.started(r, c), `connector ${c}'s transaction start`, since);
    set(c, { idTag: '' });
    started[i].resolve();
    await allStarted;
    await at(stopAt, `connector ${c}'s card again`);
    charging = false;
    set(c, { idTag });
    await hw.waitOutput('relay', c, false, timeout, signal);
    set(c, { idTag: '' });
    hw.meter(c, { energyWh: Math.floor(energyWh()), powerW: 0, currentA: 0, voltageV: VOLTAGE_V, phases: PHASES });
    await at(stopAt + DRIVER_PAUSE_MS, `connector ${c}'s cable out`);
    since = csms.records.length;
    set(c, { plugged: false, evRequestsEnergy: false });
    await answered((r) => seen.available(r, c), `connector ${c} Available once the cable is out`, since);
  };
  try {
    const sessions = connectors.map((c, i) => atConnector(c, i));
    const calls = whileCharging
      ? Promise.race([Promise.all(sessions), allStarted]).then(async () => {
          await at((connectors.length - 1) * CONNECTOR_OFFSET_MS + 2 * DRIVER_PAUSE_MS, "the CSMS's calls");
          await whileCharging();
        })
      : null;
    // A connector that failed ends the session at once (the others' waits time out on their own).
    await Promise.all(calls ? [...sessions, calls] : sessions);
    const ends = csms.records.slice(from).filter((r) => r.station === id && r.type === 'CALL' && seen.ended(r));
    if (ends.length !== connectors.length) throw new Error(`${ends.length} transaction end(s) at the CSMS for ${connectors.length} connectors`);
    const registers = seen.registers(csms, id);
    if (registers.length !== connectors.length || registers.some(([start, end]) => !(Number(end) > Number(start)))) throw new Error(`the registers did not rise in every transaction: ${JSON.stringify(registers)}`);
    await pause(FAREWELL_MS);
    return { late };
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}
