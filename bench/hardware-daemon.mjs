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

/** How a connector's session shows at the CSMS, per OCPP version: its end, the connector free again, each transaction's register at its start and end. */
const AT_CSMS = {
  '1.6': {
    ended: (r) => r.action === 'StopTransaction',
    available: (r, c) => r.action === 'StatusNotification' && r.payload.connectorId === c && r.payload.status === 'Available',
    registers: (csms, id) => [...csms.transactions.values()].filter((t) => t.station === id).map((t) => [t.meterStart, t.meterStop]),
  },
  '2.0.1': {
    ended: (r) => r.action === 'TransactionEvent' && r.payload.eventType === 'Ended',
    available: (r, c) => r.action === 'StatusNotification' && r.payload.evseId === c && r.payload.connectorStatus === 'Available',
    registers: (csms, id) => [...csms.transactions201.values()].filter((t) => t.station === id).map((t) => [t.energyStart, t.energyEnd]),
  },
};

/** The EV's draw, A per phase, on 3 phases at 230 V: the offered current, at most this. */
const EV_MAX_A = 16;
const VOLTAGE_V = 230;
const PHASES = 3;
const METER_TICK_MS = 1000;
/** How long the driver takes for each step, and how long each connector charges (as the simulator's session scenario). */
const DRIVER_PAUSE_MS = 1000;
const CHARGE_SECONDS = 12;
/** A moment for the last StatusNotification's answer before the daemon says the session is over (the scenario's farewell). */
const FAREWELL_MS = 500;

/**
 * The simulator's `--scenario session` played at the charger, on every connector of `hw`
 * (its driver and EV are the daemon, the station is the flashed firmware on `--hardware`):
 * at each connector the cable goes in (evRequestsEnergy), a second later card `idTag` is at
 * the reader (Authorize, the transaction starts: the relay closes), the card is taken away,
 * the meter rises while the relay is closed (written every second: the offered current, at
 * most 16 A, on 3 phases), after `seconds` the same card again (the transaction stops, Local:
 * the relay opens), a second later the cable is pulled; the session is over once the CSMS
 * has every transaction's end and every connector Available. Connector 2 plugs in once
 * connector 1 charges, so the two transactions run at once (the scenario charges connector 1
 * only). Returns once over; throws (with what was missing) when a step does not come.
 * `signal` (an AbortSignal) ends the daemon early: no file is written after it (the folder
 * may be gone), and the session throws.
 */
export async function chargerSession({ csms, id, hw, connectors, version = '1.6', idTag = 'DEMO-TAG', seconds = CHARGE_SECONDS, timeout = 30000, signal = null }) {
  const seen = AT_CSMS[version];
  const from = csms.records.length;
  const energyWh = [];
  const ended = () => signal !== null && signal.aborted;
  const pause = (ms) =>
    new Promise((resolve, reject) => {
      if (ended()) return reject(new Error('the session was ended'));
      const abort = () => (clearTimeout(timer), reject(new Error('the session was ended')));
      const timer = setTimeout(() => (signal && signal.removeEventListener('abort', abort), resolve()), ms);
      if (signal) signal.addEventListener('abort', abort, { once: true });
    });
  const ticker = setInterval(() => {
    if (ended()) return clearInterval(ticker);
    for (const c of connectors) {
      const closed = hw.output('relay', c) === true;
      const limit = hw.output('current-limit', c);
      const amps = closed ? Math.min(EV_MAX_A, limit === undefined ? EV_MAX_A : limit) : 0;
      energyWh[c] = (energyWh[c] || 0) + (amps * VOLTAGE_V * PHASES * METER_TICK_MS) / 3600000;
      hw.meter(c, { energyWh: Math.floor(energyWh[c]), powerW: Math.round(amps * VOLTAGE_V * PHASES), currentA: amps, voltageV: VOLTAGE_V, phases: PHASES });
    }
  }, METER_TICK_MS);
  const charging = [];
  // Every input the driver changes, unless the daemon was ended.
  const set = (c, inputs) => {
    if (ended()) throw new Error('the session was ended');
    hw.set(c, inputs);
  };
  const atConnector = async (c) => {
    set(c, { plugged: true, evRequestsEnergy: true });
    await pause(DRIVER_PAUSE_MS);
    set(c, { idTag });
    await hw.waitOutput('relay', c, true, timeout, signal);
    set(c, { idTag: '' });
    charging[c].resolve();
    await pause(seconds * 1000);
    set(c, { idTag });
    await hw.waitOutput('relay', c, false, timeout, signal);
    set(c, { idTag: '' });
    await pause(DRIVER_PAUSE_MS);
    const unplugged = csms.records.length;
    set(c, { plugged: false, evRequestsEnergy: false });
    await csms.waitFor((r) => r.station === id && r.type === 'CALL' && seen.available(r, c), { from: unplugged, timeout, what: `connector ${c} Available once the cable is out` });
  };
  try {
    const sessions = [];
    for (const c of connectors) {
      charging[c] = {};
      charging[c].started = new Promise((resolve) => (charging[c].resolve = resolve));
      if (c > 1) await Promise.race([charging[c - 1].started, ...sessions]);
      sessions.push(atConnector(c));
    }
    await Promise.all(sessions);
    const ends = csms.records.slice(from).filter((r) => r.station === id && r.type === 'CALL' && seen.ended(r));
    if (ends.length !== connectors.length) throw new Error(`${ends.length} transaction end(s) at the CSMS for ${connectors.length} connectors`);
    const registers = seen.registers(csms, id);
    if (registers.length !== connectors.length || registers.some(([start, end]) => !(Number(end) > Number(start)))) throw new Error(`the registers did not rise in every transaction: ${JSON.stringify(registers)}`);
    await pause(FAREWELL_MS);
  } finally {
    clearInterval(ticker);
  }
}
