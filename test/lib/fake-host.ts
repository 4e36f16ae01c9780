// A fake host for QuickJS tests: implements the host ABI (hal/host-abi.ts) in memory, on
// the harness's virtual clock, with websockets whose server side the test plays.
import { HostABI, HostSocketCallbacks, HostSocketOptions } from '../../hal/host-abi';
import { clock } from './harness';

export class FakeSocket {
  readonly sent: string[] = [];
  open = false;
  closed = false;
  closeCode = 0;
  /** Called for every frame the station sends. */
  onSend: ((text: string) => void) | null = null;

  constructor(
    readonly handle: number,
    readonly url: string,
    readonly options: HostSocketOptions,
    private readonly callbacks: HostSocketCallbacks
  ) {}

  /** Server accepts the connection with this subprotocol. */
  accept(protocol: string = 'ocpp1.6'): void {
    this.open = true;
    this.callbacks.onopen(protocol);
  }
  /** Server sends one text frame to the station. */
  deliver(text: string): void {
    if (!this.open) throw new Error('socket not open');
    this.callbacks.onmessage(text);
  }
  /** Connection drops or the server closes it. */
  drop(code: number = 1006, reason: string = ''): void {
    if (this.closed) return;
    this.open = false;
    this.closed = true;
    this.closeCode = code;
    this.callbacks.onclose(code, reason);
  }
  /** Connect attempt fails. */
  refuse(message: string = 'ECONNREFUSED'): void {
    this.callbacks.onerror(message);
    this.drop(1006, message);
  }
  /** Frames sent by the station, parsed. */
  frames(): any[] {
    return this.sent.map((s) => JSON.parse(s));
  }
  /** Takes (and removes) the sent frames, parsed. */
  take(): any[] {
    const out = this.frames();
    this.sent.length = 0;
    return out;
  }
}

export interface FakeHostOptions {
  config?: { [k: string]: unknown };
  imei?: string;
  iccid?: string;
  files?: { [name: string]: string };
}

export class FakeHost implements HostABI {
  readonly abi = 1;
  readonly name = 'fake';
  readonly logs: { level: number; text: string }[] = [];
  readonly files: { [name: string]: string };
  readonly sockets: FakeSocket[] = [];
  exitCode: number | null = null;
  restarts = 0;
  /** Called when the station opens a socket (tests may accept() at once). */
  onConnect: ((socket: FakeSocket) => void) | null = null;
  private ticksOrigin = clock.now();
  private configText: string;
  private imeiText: string;
  private iccidText: string;

  constructor(options: FakeHostOptions = {}) {
    this.files = options.files || {};
    this.configText = JSON.stringify(options.config || {});
    this.imeiText = options.imei || '861234567890123';
    this.iccidText = options.iccid || '';
  }

  log(level: number, text: string): void {
    this.logs.push({ level, text });
  }
  now(): number {
    return clock.now();
  }
  ticks(): number {
    return clock.now() - this.ticksOrigin;
  }
  timerStart(ms: number, callback: () => void): number {
    return clock.schedule(ms, callback);
  }
  timerStop(id: number): void {
    clock.cancel(id);
  }
  imei(): string {
    return this.imeiText;
  }
  iccid(): string {
    return this.iccidText;
  }
  config(): string {
    return this.configText;
  }
  fileRead(name: string): string | null {
    return Object.prototype.hasOwnProperty.call(this.files, name) ? this.files[name] : null;
  }
  fileWrite(name: string, data: string): boolean {
    this.files[name] = data;
    return true;
  }
  fileAppend(name: string, data: string): boolean {
    this.files[name] = (this.fileRead(name) || '') + data;
    return true;
  }
  fileRemove(name: string): boolean {
    const had = Object.prototype.hasOwnProperty.call(this.files, name);
    delete this.files[name];
    return had;
  }
  wsOpen(url: string, options: string, callbacks: HostSocketCallbacks): number {
    const socket = new FakeSocket(this.sockets.length + 1, url, JSON.parse(options), callbacks);
    this.sockets.push(socket);
    if (this.onConnect) {
      const cb = this.onConnect;
      clock.schedule(0, () => cb(socket));
    }
    return socket.handle;
  }
  wsSend(handle: number, text: string): boolean {
    const s = this.sockets[handle - 1];
    if (!s || !s.open) return false;
    s.sent.push(text);
    if (s.onSend) s.onSend(text);
    return true;
  }
  wsClose(handle: number, code: number, reason: string): void {
    const s = this.sockets[handle - 1];
    if (!s || s.closed) return;
    clock.schedule(0, () => s.drop(code, reason));
  }
  exit(code: number): void {
    this.exitCode = code;
  }
  restart(): void {
    this.restarts++;
  }
  /** The newest socket. */
  get socket(): FakeSocket {
    return this.sockets[this.sockets.length - 1];
  }
}

/** One connector of a FakeCharger: its inputs and meter as the test sets them, its outputs as the bundle wrote them. */
export interface FakeChargerConnector {
  plugged: boolean;
  evRequestsEnergy: boolean;
  error: string;
  vendorErrorCode: string;
  /** The card at the connector's reader ('' none). */
  idTag: string;
  meter: { energyWh: number; powerW: number; currentA: number; voltageV: number; phases?: number; socPercent?: number };
  relay: boolean;
  lock: boolean;
  currentLimitA: number;
  /** The lock jams: hardwareWrite {"lock": …} fails. */
  lockJammed: boolean;
}

/**
 * The charger's IO members of the host ABI (hardwareInfo … hardwareListen) on a FakeHost, as
 * a charger maker's native code provides them: the test plugs cables and raises faults
 * (the host then tells the bundle on a later turn), sets the meter, and reads what the
 * bundle switched. Every text crossing the boundary is JSON, as a C host's would be.
 */
export class FakeCharger {
  readonly connectors: FakeChargerConnector[] = [];
  /** Every hardwareWrite, as { connectorId, output } (output parsed). */
  readonly writes: { connectorId: number; output: any }[] = [];
  private listener: ((connectorId: number) => void) | null = null;

  constructor(host: FakeHost, shape: { maxCurrentA?: number; cableLock?: boolean }[] = [{}]) {
    for (let i = 0; i < shape.length; i++) {
      this.connectors.push({
        plugged: false,
        evRequestsEnergy: false,
        error: 'NoError',
        vendorErrorCode: '',
        idTag: '',
        meter: { energyWh: 0, powerW: 0, currentA: 0, voltageV: 230 },
        relay: false,
        lock: false,
        currentLimitA: shape[i].maxCurrentA || 32,
        lockJammed: false,
      });
    }
    const members = host as any;
    members.hardwareInfo = () => JSON.stringify({ connectors: shape });
    members.hardwareInputs = (id: number) => {
      const c = this.connector(id);
      return JSON.stringify({ plugged: c.plugged, evRequestsEnergy: c.evRequestsEnergy, error: c.error, vendorErrorCode: c.vendorErrorCode, idTag: c.idTag });
    };
    members.hardwareMeter = (id: number) => JSON.stringify(this.connector(id).meter);
    members.hardwareWrite = (id: number, output: string) => {
      const c = this.connector(id);
      const o = JSON.parse(output);
      this.writes.push({ connectorId: id, output: o });
      if (typeof o.relay === 'boolean') c.relay = o.relay;
      else if (typeof o.lock === 'boolean') {
        if (c.lockJammed) return JSON.stringify({ ok: false, error: 'the lock did not move' });
        c.lock = o.lock;
      } else if (typeof o.currentLimitA === 'number') c.currentLimitA = o.currentLimitA;
      else return JSON.stringify({ ok: false, error: 'unknown output ' + output });
      return JSON.stringify({ ok: true });
    };
    members.hardwareListen = (onchange: (connectorId: number) => void) => {
      this.listener = onchange;
    };
  }

  connector(id: number): FakeChargerConnector {
    const c = this.connectors[id - 1];
    if (!c) throw new Error('no connector ' + id);
    return c;
  }

  /** Changes connector `id`'s inputs; the host reports the change on the next turn of its event loop. */
  set(id: number, inputs: Partial<Pick<FakeChargerConnector, 'plugged' | 'evRequestsEnergy' | 'error' | 'vendorErrorCode' | 'idTag'>>): void {
    const c = this.connector(id) as any;
    for (const k in inputs) c[k] = (inputs as any)[k];
    clock.schedule(0, () => {
      if (this.listener) this.listener(id);
    });
  }
}
