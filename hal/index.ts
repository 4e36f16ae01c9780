// The HAL: the only door from src/ to the outside world. It adapts the host ABI
// (hal/host-abi.ts, global `ocppHost`) to small objects modelled on the module's own
// APIs: QuecPython `uwebsocket` (WebSocket), `_thread` (tasks), `modem.getDevImei()`
// (device), `uos` files (storage) and `log`.
import { HostABI, HostSocketOptions, CertificateInfo } from './host-abi';
import { Settings, parseSettings } from './settings';

export { Settings } from './settings';
export { CertificateInfo } from './host-abi';

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

/** Durable key/value storage and append-only record logs over the host's files. */
export interface Storage {
  get(key: string): string | null;
  /** Atomic, durable replace. */
  set(key: string, value: string): void;
  remove(key: string): void;
  /** Appends one record (a line; must not contain "\n") durably. */
  append(log: string, record: string): void;
  /** All complete records of a log, oldest first (a torn last line is dropped). */
  records(log: string): string[];
}

/** The outcome of a transfer: error null when it worked (info: the host's JSON, parsed). */
export type TransferDone = (error: string | null, info?: { size?: number; sha256?: string }) => void;

/**
 * Firmware Management's hooks over the optional host ABI members. Always present: on a
 * host without a member the call reports an error (on a later turn), so the station degrades
 * to DownloadFailed / InstallationFailed / UploadFailed with a clear reason.
 */
export interface FirmwareHooks {
  /** Downloads and checks a firmware image (host staging area). */
  download(url: string, done: TransferDone): void;
  /** Installs the staged image: it runs after the next restart. */
  install(done: TransferDone): void;
  /** Uploads a diagnostics file to a directory URL. */
  uploadDiagnostics(location: string, fileName: string, data: string, done: TransferDone): void;
  /** Checks the staged image's signature (SignedUpdateFirmware): error null when it is good. */
  verifySignature(signingCertificate: string, signature: string, done: TransferDone): void;
  /** Does the host have firmwareVerifySignature (else SignedUpdateFirmware is Rejected up front)? */
  readonly canVerifySignatures: boolean;
  /**
   * After a restart into an installed image (`recorded`: the phase the update had reached):
   * null when the new image runs, else why the host rolled back to the previous one.
   */
  installFailure(recorded: 'Installing' | 'Installed'): string | null;
  /** The station reached an Accepted BootNotification: the running image is the one to keep. */
  confirmBoot(): void;
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

const FILE_NAME = /^[A-Za-z0-9._-]+$/;

function checkName(name: string): string {
  if (!FILE_NAME.test(name)) throw new Error('bad storage name: ' + name);
  return name;
}

export function createHal(host: HostABI): Hal {
  let minLevel = 20;
  let clockOffset = 0;
  const settings = parseSettings(host.config());
  if (settings.logLevel) minLevel = LEVELS[settings.logLevel] || 20;

  function logAt(level: number) {
    return function (text: string) {
      if (level >= minLevel) host.log(level, text);
    };
  }
  const log: Logger = { debug: logAt(10), info: logAt(20), warning: logAt(30), error: logAt(40) };

  const storage: Storage = {
    get: (key) => host.fileRead(checkName(key)),
    set: (key, value) => {
      if (!host.fileWrite(checkName(key), value)) throw new Error('storage write failed: ' + key);
    },
    remove: (key) => {
      host.fileRemove(checkName(key));
    },
    append: (name, record) => {
      if (record.indexOf('\n') >= 0) throw new Error('record contains a newline');
      if (!host.fileAppend(checkName(name), record + '\n')) throw new Error('storage append failed: ' + name);
    },
    records: (name) => {
      const text = host.fileRead(checkName(name));
      if (!text) return [];
      const lines = text.split('\n');
      lines.pop(); // after the last "\n": empty, or a record torn by power loss
      return lines;
    },
  };

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
   * Calls an optional host member with the arguments after `member`, the last of them the
   * TransferDone, or reports that the host has none (on a later turn: never re-entrant).
   * Variadic so that each FirmwareHooks member is this function bound once to its host member
   * (a bound function where a forwarding arrow was: no function of its own in the bundle).
   */
  function transfer(member: 'firmwareDownload' | 'firmwareInstall' | 'diagnosticsUpload' | 'firmwareVerifySignature'): void {
    const args: any[] = Array.prototype.slice.call(arguments, 1);
    const done: TransferDone = args.pop();
    const fn = (host as any)[member];
    if (typeof fn !== 'function') {
      host.timerStart(0, () => done('this host has no ' + member + ' (optional host ABI member)'));
      return;
    }
    let called = false;
    const once = (error: string | null, info?: string) => {
      if (called) return;
      called = true;
      let parsed = {};
      try {
        parsed = info ? JSON.parse(info) : {};
      } catch (e) {
        // info is informative only
      }
      done(error, parsed);
    };
    args.push({ ondone: (info: string) => once(null, info), onerror: (message: string) => once(message || 'failed') });
    fn.apply(host, args);
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
    storage,
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
    firmware: {
      download: transfer.bind(null, 'firmwareDownload') as FirmwareHooks['download'],
      install: transfer.bind(null, 'firmwareInstall') as FirmwareHooks['install'],
      uploadDiagnostics: transfer.bind(null, 'diagnosticsUpload') as FirmwareHooks['uploadDiagnostics'],
      verifySignature: transfer.bind(null, 'firmwareVerifySignature') as FirmwareHooks['verifySignature'],
      canVerifySignatures: typeof host.firmwareVerifySignature === 'function',
      installFailure: (recorded) => {
        let state: { trial?: boolean; rolledBack?: string } | null = null;
        try {
          state = typeof host.firmwareState === 'function' ? JSON.parse(host.firmwareState()) : null;
        } catch (e) {
          state = null;
        }
        if (state && state.rolledBack) return String(state.rolledBack);
        if (state && state.trial) return null; // the new image runs (the host may not have told us before a restart)
        return recorded === 'Installed' ? null : 'the station restarted before the host confirmed the install';
      },
      confirmBoot: () => {
        if (typeof host.firmwareConfirm === 'function') host.firmwareConfirm();
      },
    },
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
