// The HAL: the only door from src/ to the outside world. It adapts the host ABI
// (hal/host-abi.ts, global `ocppHost`) to small objects modelled on the module's own
// APIs: QuecPython `uwebsocket` (WebSocket), `_thread` (tasks), `modem.getDevImei()`
// (device), `uos` files (storage) and `log`.
import { HostABI, HostSocketOptions, CertificateInfo } from './host-abi';
import { Settings, parseSettings } from './settings';
import { Storage, storageOf } from './storage';
import { FirmwareHooks, firmwareOf } from './firmware-hooks';

export { Settings } from './settings';
export { CertificateInfo } from './host-abi';
export { Storage } from './storage';
export { FirmwareHooks, TransferDone } from './firmware-hooks';

/**
 * Key pairs, CSRs and certificate checks, done by the host (the optional crypto* members
 * of the host ABI); null on a host without them (e.g. a native build without the members, make MEMBERS=0).
 */
export interface HalCrypto {
  /** A new key pair held by the host and a CSR for it. */
  createCsr(subject: { commonName: string; organizationName?: string }): Promise<{ csr: string; keyId: string }>;
  /** The certificates in PEM text; throws when there is none or one is malformed. */
  certificateInfo(pem: string, hashAlgorithm?: string): CertificateInfo[];
  /** Null when the chain is valid now and ends at one of `trusted` (and certifies keyId's key); else why not. */
  verifyChain(chain: string, trusted: string, keyId?: string): string | null;
}

/**
 * The id of the log dictionary of a bundle built with log codes (build/log-dictionary.mjs sets it
 * in the code it bundles); "" in a bundle that keeps its log texts.
 */
const LOG_DICTIONARY = '';

/** A coded log line as a host without logCode gets it: `log#<code>` and each argument as JSON text (HostABI.logCode). */
function rawLogLine(args: Array<number | string>): string {
  let line = 'log#' + args[1];
  for (let i = 2; i < args.length; i++) line += ' ' + JSON.stringify(args[i]);
  return line;
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
const LEVELS: { [k: string]: number } = { debug: 10, info: 20, warning: 30, error: 40 };

/** The station's log; its members are plain functions, not methods: one may be passed on (`warn: hal.log.warning`). */
export interface Logger {
  debug(text: string): void;
  info(text: string): void;
  warning(text: string): void;
  error(text: string): void;
}

/** A websocket client connection (QuecPython `uwebsocket.Client` in spirit). */
export interface WebSocket {
  /** Subprotocol the server selected, "" until open. */
  readonly protocol: string;
  readonly readyState: 'connecting' | 'open' | 'closing' | 'closed';
  onopen: (() => void) | null;
  onmessage: ((text: string) => void) | null;
  onclose: ((code: number, reason: string) => void) | null;
  onerror: ((message: string) => void) | null;
  /** Sends one text frame; false when not open. */
  send(text: string): boolean;
  close(code?: number, reason?: string): void;
}

export interface WebSocketOptions {
  protocols?: string[];
  headers?: { [name: string]: string };
  ca?: string;
  cert?: string;
  key?: string;
  /** A key pair the host holds (HostCrypto): the client certificate's key (security profile 3). */
  keyId?: string;
}

export interface Timer {
  /** Call it as `timer.cancel()`: a method of the timer (one function shared by every timer), not a function to pass on. */
  cancel(this: Timer): void;
}

/**
 * The host's control of a simulated station (optional ABI members controlListen /
 * controlChanged): requests and replies as objects here, JSON across the boundary.
 */
export interface HalControl {
  /** The handler the host calls with each request; it returns the reply (never throws). */
  listen(handler: (request: any) => object): void;
  /** Tells the host the station's state changed. */
  changed(): void;
}

export interface Hal {
  readonly hostName: string;
  readonly log: Logger;
  /** Wall clock ms since epoch, with an offset the station can set (clock from the CSMS). */
  now(): number;
  /** Sets the wall clock (e.g. BootNotification.conf currentTime). */
  setTime(ms: number): void;
  /** Monotonic ms. */
  ticks(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  setInterval(fn: () => void, ms: number): Timer;
  /** `_thread.start_new_thread`: runs fn(...args) as its own task on the event loop. */
  startTask(fn: (...args: any[]) => void, args?: any[]): void;
  imei(): string;
  iccid(): string;
  readonly settings: Settings;
  readonly storage: Storage;
  connect(url: string, options?: WebSocketOptions): WebSocket;
  exit(code: number): void;
  restart(): void;
  /**
   * Tells the host which settings this bundle acts on (at its top level), so that a flag it
   * would ignore (e.g. the simulator's --scenario for a station without scenarios) is
   * reported rather than silently dropped. See HostABI.settingsHonoured.
   */
  declareSettings(keys: Array<keyof Settings>): void;
  setLogLevel(level: LogLevel): void;
  readonly firmware: FirmwareHooks;
  /**
   * A part of this bundle, evaluated by the host (HostABI.partLoad): its value; throws an
   * Error saying why when the host has no such member or cannot give the part.
   */
  loadPart(name: string): unknown;
  /** The bundle let part `name` go: the host may free its code now (HostABI.partRelease; nothing on a host without it). */
  releasePart(name: string): void;
  /** The host's cryptography (optional ABI members), or null. */
  readonly crypto: HalCrypto | null;
  /** The host's control of the simulated hardware (optional ABI members), or null. */
  readonly control: HalControl | null;
}

export function createHal(host: HostABI): Hal {
  let minLevel = 20;
  let clockOffset = 0;
  const settings = parseSettings(host.config());
  if (settings.logLevel) minLevel = LEVELS[settings.logLevel] || 20;

  // A minified bundle built with log codes (build/log-dictionary.mjs) calls a member with the
  // code of its text and the arguments its places take instead of the text; they are turned
  // into text here, as `+` would have, and only when the line is written.
  if (LOG_DICTIONARY) host.logDictionary = LOG_DICTIONARY;
  function logAt(level: number) {
    return function (text: string | number) {
      if (level < minLevel) return;
      if (typeof text !== 'number') return host.log(level, text);
      const args: Array<number | string> = [level, text];
      for (let i = 1; i < arguments.length; i++) args.push('' + arguments[i]);
      if (typeof host.logCode === 'function') host.logCode.apply(host, args as [number, number, ...string[]]);
      else host.log(level, rawLogLine(args));
    };
  }
  const log: Logger = { debug: logAt(10), info: logAt(20), warning: logAt(30), error: logAt(40) };

  function connect(url: string, options?: WebSocketOptions): WebSocket {
    const opts: HostSocketOptions = { protocols: (options && options.protocols) || [] };
    if (options) {
      if (options.headers) opts.headers = options.headers;
      if (options.ca) opts.ca = options.ca;
      if (options.cert) opts.cert = options.cert;
      if (options.key) opts.key = options.key;
      if (options.keyId) opts.keyId = options.keyId;
    }
    const ws: WebSocket & { protocol: string; readyState: WebSocket['readyState'] } = {
      protocol: '',
      readyState: 'connecting',
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send: (text) => ws.readyState === 'open' && host.wsSend(handle, text),
      close: (code, reason) => {
        if (ws.readyState === 'closed' || ws.readyState === 'closing') return;
        ws.readyState = 'closing';
        host.wsClose(handle, code || 1000, reason || '');
      },
    };
    const handle = host.wsOpen(url, JSON.stringify(opts), {
      onopen: (protocol) => {
        ws.protocol = protocol;
        ws.readyState = 'open';
        if (ws.onopen) ws.onopen();
      },
      onmessage: (text) => {
        if (ws.onmessage) ws.onmessage(text);
      },
      onclose: (code, reason) => {
        if (ws.readyState === 'closed') return;
        ws.readyState = 'closed';
        if (ws.onclose) ws.onclose(code, reason);
      },
      onerror: (message) => {
        if (ws.onerror) ws.onerror(message);
      },
    });
    return ws;
  }

  /**
   * A pending host timer is { id, live, cancel } with this one cancel shared by every timer
   * (a cancel closure per timer was a function object of its own for as long as it was kept).
   * `live` false: an interval's next tick neither runs nor re-arms.
   */
  type HostTimer = { id: number; live: boolean; cancel(): void };
  function cancelTimer(this: HostTimer) {
    this.live = false;
    host.timerStop(this.id);
  }

  const hal: Hal = {
    crypto: cryptoOf(host),
    control: controlOf(host),
    hostName: host.name,
    log,
    now: () => host.now() + clockOffset,
    setTime: (ms) => {
      clockOffset = ms - host.now();
    },
    // Members that only forward are the host's own, bound once (no function of their own).
    ticks: host.ticks.bind(host),
    setTimeout: (fn, ms) => {
      const timer: HostTimer = { id: 0, live: true, cancel: cancelTimer };
      timer.id = host.timerStart(ms, fn);
      return timer;
    },
    setInterval: (fn, ms) => {
      const timer: HostTimer = { id: 0, live: true, cancel: cancelTimer };
      const tick = () => {
        if (!timer.live) return;
        timer.id = host.timerStart(ms, tick);
        fn();
      };
      timer.id = host.timerStart(ms, tick);
      return timer;
    },
    startTask: (fn, args) => {
      host.timerStart(0, () => fn.apply(null, args || []));
    },
    imei: host.imei.bind(host),
    iccid: host.iccid.bind(host),
    settings,
    storage: storageOf(host),
    connect,
    exit: host.exit.bind(host),
    restart: host.restart.bind(host),
    declareSettings: (keys) => {
      host.settingsHonoured = keys.join(',');
    },
    setLogLevel: (level) => {
      minLevel = LEVELS[level];
    },
    loadPart: (name) => {
      if (typeof host.partLoad !== 'function') throw new Error('this host has no partLoad (optional host ABI member)');
      return host.partLoad(name);
    },
    releasePart: (name) => {
      if (typeof host.partRelease === 'function') host.partRelease(name);
    },
    firmware: firmwareOf(host),
  };
  return hal;
}

/** HalControl over the host's optional control members, when it has both. */
function controlOf(host: HostABI): HalControl | null {
  if (typeof host.controlListen !== 'function' || typeof host.controlChanged !== 'function') return null;
  return {
    listen: (handler) =>
      host.controlListen!((text) => {
        let request: any;
        try {
          request = JSON.parse(text);
        } catch (e) {
          return JSON.stringify({ ok: false, error: 'the request is not JSON', reason: 'bad-request' });
        }
        return JSON.stringify(handler(request));
      }),
    changed: host.controlChanged.bind(host),
  };
}

/** HalCrypto over the host's optional crypto* members, when it has all of them. */
function cryptoOf(host: HostABI): HalCrypto | null {
  if (typeof host.cryptoCreateCsr !== 'function' || typeof host.cryptoCertificateInfo !== 'function' || typeof host.cryptoVerifyChain !== 'function') {
    return null;
  }
  return {
    createCsr: (subject) =>
      new Promise((resolve, reject) => {
        host.cryptoCreateCsr!(JSON.stringify({ subject }), (text) => {
          const r = JSON.parse(text);
          if (r.error || !r.csr) reject(new Error(r.error || 'no CSR'));
          else resolve({ csr: r.csr, keyId: r.keyId });
        });
      }),
    certificateInfo: (pem, hashAlgorithm) => {
      const r = JSON.parse(host.cryptoCertificateInfo!(pem, hashAlgorithm || 'SHA256'));
      if (r.error || !r.certificates || !r.certificates.length) throw new Error(r.error || 'no certificate');
      return r.certificates;
    },
    verifyChain: (chain, trusted, keyId) => {
      const r = JSON.parse(host.cryptoVerifyChain!(chain, trusted, keyId || ''));
      return r.ok ? null : String(r.error || 'not valid');
    },
  };
}
