// The charger's IO from the host (hal/hardware.ts over the optional hardware members of
// hal/host-abi.ts): what the flashed firmware runs on, so that a charger maker provides the
// cable, the EV's request, faults, the meter, the contactor, the lock and the current limit
// from native code and flashes the firmware unchanged.
//
// Inputs are read from the host whenever the station asks (they are small JSON texts); the
// host says only which connector changed, and the events the station needs (plugged,
// unplugged, fault, …) come from comparing the inputs with the ones seen before, so a host
// cannot report an event that does not match its state. Outputs are written one at a time
// and remembered once the host confirmed them.
//
// The card reader is an input too: `idTag` is the card at the connector's reader now ("" when
// none), and a new card there is one presentation (onIdTag), as a driver holds a card to the
// reader; the same card again after it was taken away is the next one (to stop).
//
// A host without the members: connectors without IO (never plugged, meter at 0), so the
// station still serves the CSMS (configuration, firmware updates, …) and says why in the log.
import { ConnectorHardware, Hardware, HardwareError, HardwareEvent, MeterReading, HARDWARE_ERRORS } from './hardware';
import { HostABI } from './host-abi';
import { Hal } from './index';

/** The current a connector offers when the host does not say, A. */
const DEFAULT_MAX_CURRENT_A = 32;

interface Inputs {
  plugged: boolean;
  evRequestsEnergy: boolean;
  error: HardwareError;
  vendorErrorCode: string;
  /** The card at the connector's reader ("" none), at most the station's OCPP version allows (hostHardwareFor's idTagMaxLength). */
  idTag: string;
}

const NO_INPUTS: Inputs = { plugged: false, evRequestsEnergy: false, error: 'NoError', vendorErrorCode: '', idTag: '' };

/** The JSON object a text holds, or null (never throws: a host's bad text — not JSON, an array, a number — is a reading we cannot use). */
function parse(text: string): any {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && Object.prototype.toString.call(v) !== '[object Array]' ? v : null;
  } catch (e) {
    return null;
  }
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && v === v ? v : fallback;
}

/** One connector's IO through the host's members. */
class HostConnector implements ConnectorHardware {
  /** The inputs last read (what the next change is compared with). */
  seen: Inputs = NO_INPUTS;
  /** The meter last read well. */
  private lastMeter: MeterReading | null = null;
  private relay = false;
  private lock = false;
  private limitA: number;

  constructor(
    private readonly host: HostABI,
    private readonly hal: Hal,
    readonly id: number,
    readonly maxCurrentA: number,
    readonly hasCableLock: boolean,
    private readonly idTagMaxLength: number
  ) {
    this.limitA = maxCurrentA;
  }

  /** The inputs now; a text the host got wrong keeps the last good reading (and is logged). */
  inputs(): Inputs {
    const v = parse(this.host.hardwareInputs!(this.id));
    if (!v) {
      this.hal.log.warning('connector ' + this.id + ': hardwareInputs gave no JSON object; keeping the last reading');
      return this.seen;
    }
    const error = HARDWARE_ERRORS.indexOf(v.error) >= 0 ? (v.error as HardwareError) : v.error === undefined ? 'NoError' : 'OtherError';
    const code = error !== 'NoError' && typeof v.vendorErrorCode === 'string' ? v.vendorErrorCode.substring(0, 50) : '';
    const idTag = typeof v.idTag === 'string' && v.idTag.length <= this.idTagMaxLength ? v.idTag : '';
    return { plugged: v.plugged === true, evRequestsEnergy: v.plugged === true && v.evRequestsEnergy === true, error, vendorErrorCode: code, idTag };
  }

  plugged(): boolean {
    return this.inputs().plugged;
  }
  evRequestsEnergy(): boolean {
    return this.inputs().evRequestsEnergy;
  }
  error(): HardwareError {
    return this.inputs().error;
  }
  vendorErrorCode(): string {
    return this.inputs().vendorErrorCode;
  }

  /** The meter now; a text the host got wrong keeps the last good reading (and is logged): a register never reads as 0 for a bad text. */
  read(): MeterReading {
    const v = parse(this.host.hardwareMeter!(this.id));
    if (!v) {
      this.hal.log.warning('connector ' + this.id + ': hardwareMeter gave no JSON object; keeping the last reading');
      if (this.lastMeter) {
        this.lastMeter.offeredA = this.limitA;
        return this.lastMeter;
      }
    }
    const reading = this.reading(v || {});
    if (v) this.lastMeter = reading;
    return reading;
  }

  private reading(v: any): MeterReading {
    const reading: MeterReading = {
      energyWh: num(v.energyWh, 0),
      powerW: num(v.powerW, 0),
      currentA: num(v.currentA, 0),
      voltageV: num(v.voltageV, 0),
      offeredA: this.limitA,
      socPercent: num(v.socPercent, -1),
    };
    if (typeof v.phases === 'number') reading.phases = v.phases;
    return reading;
  }

  /** Writes one output; true when the host did it. */
  private write(output: object): boolean {
    const text = JSON.stringify(output);
    const v = parse(this.host.hardwareWrite!(this.id, text));
    if (v && v.ok === true) return true;
    this.hal.log.warning('connector ' + this.id + ': hardwareWrite ' + text + ' failed: ' + (v && typeof v.error === 'string' ? v.error : 'no {"ok":true} from the host'));
    return false;
  }

  setRelay(closed: boolean): void {
    if (this.write({ relay: closed })) this.relay = closed;
  }
  relayClosed(): boolean {
    return this.relay;
  }
  setLock(locked: boolean): boolean {
    if (!this.hasCableLock) return true; // nothing to move
    if (!this.write({ lock: locked })) return false;
    this.lock = locked;
    return true;
  }
  locked(): boolean {
    return this.lock;
  }
  setCurrentLimit(amps: number): void {
    const limit = Math.max(0, Math.min(this.maxCurrentA, amps));
    if (this.write({ currentLimitA: limit })) this.limitA = limit;
  }
  currentLimit(): number {
    return this.limitA;
  }
}

/** The events that lead from one reading of the inputs to the next, cable first. */
function eventsBetween(before: Inputs, now: Inputs): HardwareEvent[] {
  const events: HardwareEvent[] = [];
  if (before.plugged !== now.plugged) events.push(now.plugged ? 'plugged' : 'unplugged');
  if (before.error !== now.error) events.push(now.error === 'NoError' ? 'faultCleared' : 'fault');
  if (before.plugged && now.plugged && before.evRequestsEnergy !== now.evRequestsEnergy) events.push(now.evRequestsEnergy ? 'evReady' : 'evSuspended');
  return events;
}

/** The charger's IO from the host: hal/hardware.ts, and the card readers. */
export class HostHardware implements Hardware {
  readonly connectorCount: number;
  onEvent: ((connectorId: number, event: HardwareEvent) => void) | null = null;
  /** A card was presented at connector `connectorId`'s reader (the firmware entry presents it to the station). */
  onIdTag: ((connectorId: number, idTag: string) => void) | null = null;

  constructor(private readonly connectors: ConnectorHardware[]) {
    this.connectorCount = connectors.length;
  }

  connector(id: number): ConnectorHardware {
    const c = this.connectors[id - 1];
    if (!c) throw new RangeError('no connector ' + id);
    return c;
  }

  /** The host said connector `id` changed: report what changed since the last reading. */
  changed(id: number): void {
    const c = this.connectors[id - 1];
    if (!(c instanceof HostConnector)) return;
    const now = c.inputs();
    const events = eventsBetween(c.seen, now);
    const card = now.idTag !== c.seen.idTag ? now.idTag : '';
    c.seen = now;
    for (let i = 0; i < events.length; i++) if (this.onEvent) this.onEvent(id, events[i]);
    if (card && this.onIdTag) this.onIdTag(id, card);
  }
}

/** A connector without IO: nothing is ever plugged, the meter stays at 0, outputs are remembered. */
class NoIoConnector implements ConnectorHardware {
  readonly hasCableLock = false;
  readonly maxCurrentA = DEFAULT_MAX_CURRENT_A;
  private relay = false;
  private limitA = DEFAULT_MAX_CURRENT_A;
  plugged(): boolean {
    return false;
  }
  evRequestsEnergy(): boolean {
    return false;
  }
  error(): HardwareError {
    return 'NoError';
  }
  read(): MeterReading {
    return { energyWh: 0, powerW: 0, currentA: 0, voltageV: 0, offeredA: this.limitA, socPercent: -1 };
  }
  setRelay(closed: boolean): void {
    this.relay = closed;
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
    this.limitA = Math.max(0, Math.min(this.maxCurrentA, amps));
  }
  currentLimit(): number {
    return this.limitA;
  }
}

const MEMBERS = ['hardwareInfo', 'hardwareInputs', 'hardwareMeter', 'hardwareWrite', 'hardwareListen'];

/**
 * The charger's IO from `host`'s hardware members, connected to the host's change
 * callback; without them (or with a hardwareInfo that lists no connector), hal.settings
 * .connectors connectors without IO, and a warning in the log. `idTagMaxLength`: the longest card
 * the station's OCPP version takes (its generated types: 1.6 idTag 20, 2.0.1 idToken 36); a longer
 * text at the reader is no card.
 */
export function hostHardwareFor(host: HostABI, hal: Hal, idTagMaxLength: number): HostHardware {
  const h = host as unknown as { [member: string]: unknown };
  const missing = MEMBERS.filter((m) => typeof h[m] !== 'function');
  const info = missing.length ? null : parse(host.hardwareInfo!());
  const list = info && Object.prototype.toString.call(info.connectors) === '[object Array]' ? (info.connectors as any[]) : [];
  if (!list.length) {
    const why = missing.length ? 'this host has no ' + missing.join(', ') + ' (optional host ABI members)' : 'hardwareInfo lists no connector';
    hal.log.warning('no charger IO: ' + why + '; ' + hal.settings.connectors + ' connector(s) without IO (never plugged, meter at 0), the OCPP side only');
    const none: ConnectorHardware[] = [];
    for (let i = 0; i < Math.max(1, hal.settings.connectors); i++) none.push(new NoIoConnector());
    return new HostHardware(none);
  }
  const connectors: HostConnector[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = list[i] || {};
    connectors.push(new HostConnector(host, hal, i + 1, num(c.maxCurrentA, DEFAULT_MAX_CURRENT_A), c.cableLock !== false, idTagMaxLength));
  }
  for (let i = 0; i < connectors.length; i++) connectors[i].seen = connectors[i].inputs();
  const hardware = new HostHardware(connectors);
  host.hardwareListen!((id) => hardware.changed(id));
  hal.log.info('charger IO from the host: ' + connectors.length + ' connector(s)');
  return hardware;
}
