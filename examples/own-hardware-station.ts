// The full station application (src/app: every OCPP 1.6 profile, the offline queue, …) on a
// charger's own hardware: this file is what a charger maker writes — an implementation of
// the Hardware interface (hal/hardware.ts) over their meter and contactor — and the few
// lines that start the station on it. Build and run it:
//   npm run build -- --entry examples/own-hardware-station.ts --out dist/own-hardware-station.js
//   node sim/csms.mjs --port 9000 &
//   npm run sim -- --bundle dist/own-hardware-station.js --url ws://localhost:9000/ocpp --id CP-1
//
// The "hardware" here is one connector with a tethered cable and a car on it that takes a
// steady 16 A on one phase while the contactor is closed. On a real charger, read() asks the
// meter (Modbus, pulse counter) and setRelay() drives the contactor's GPIO; in the desktop
// simulator there is no such IO, so the meter integrates the car's power itself.
import { createHal, Hal } from '../hal/index';
import { ConnectorHardware, Hardware, HardwareError, HardwareEvent, MeterReading } from '../hal/hardware';
import { bootStation, STATION_SETTINGS } from '../src/boot-station';

const VOLTAGE_V = 230;
const REGISTER_FILE = 'meter-register';

/** One connector: contactor, current limit, and a meter whose register survives reboots. */
class TetheredConnector implements ConnectorHardware {
  readonly maxCurrentA = 16;
  readonly hasCableLock = false; // a tethered cable: nothing to lock, UnlockConnector is NotSupported
  private relay = false;
  private limitA = 16;
  private registerWh: number;
  private since: number;

  constructor(private readonly hal: Hal) {
    this.registerWh = Number(hal.storage.get(REGISTER_FILE) || '0');
    this.since = hal.ticks();
  }

  plugged(): boolean {
    return true; // the cable is tethered and the car stays on it
  }
  evRequestsEnergy(): boolean {
    return true;
  }
  error(): HardwareError {
    return 'NoError';
  }
  read(): MeterReading {
    this.integrate();
    const amps = this.drawA();
    return { energyWh: Math.floor(this.registerWh), powerW: amps * VOLTAGE_V, currentA: amps, voltageV: VOLTAGE_V, offeredA: this.limitA, phases: 1, socPercent: -1 };
  }
  setRelay(closed: boolean): void {
    this.integrate();
    this.relay = closed;
    this.hal.storage.set(REGISTER_FILE, String(Math.floor(this.registerWh)));
  }
  relayClosed(): boolean {
    return this.relay;
  }
  setLock(): boolean {
    return true;
  }
  locked(): boolean {
    return false;
  }
  setCurrentLimit(amps: number): void {
    this.integrate();
    this.limitA = Math.max(0, Math.min(this.maxCurrentA, amps));
  }
  currentLimit(): number {
    return this.limitA;
  }

  private drawA(): number {
    return this.relay ? Math.min(16, this.limitA) : 0;
  }

  /** Energy since the last reading: power × time (a real meter counts it in its own memory). */
  private integrate(): void {
    const now = this.hal.ticks();
    this.registerWh += (this.drawA() * VOLTAGE_V * (now - this.since)) / 3600000;
    this.since = now;
  }
}

class TetheredCharger implements Hardware {
  readonly connectorCount = 1;
  onEvent: ((connectorId: number, event: HardwareEvent) => void) | null = null;
  private readonly only: TetheredConnector;

  constructor(hal: Hal) {
    this.only = new TetheredConnector(hal);
  }
  connector(id: number): ConnectorHardware {
    if (id !== 1) throw new Error('no connector ' + id);
    return this.only;
  }
}

// The firmware's own boot (src/main.ts does the same on the host's IO): the station on this
// hardware. One connector whatever --connectors says, and no simulator scenarios: the
// simulator reports those flags.
bootStation(createHal(ocppHost), {
  settings: STATION_SETTINGS.filter((key) => key !== 'connectors'),
  hardware: (hal) => new TetheredCharger(hal),
});
