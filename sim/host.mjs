// The Node simulator host: runs a bundle unchanged (by default dist/simulator.min.js: the flashed
// firmware's station, minified as flashed, on the simulated charger) in QuickJS
// (quickjs-emscripten, sync release build) and gives it the host ABI of hal/host-abi.ts as
// the global `ocppHost`: `ws` websockets, Node timers, a monotonic clock and files under
// <data dir>/<station id>/. One QuickJS runtime per station, with a heap limit, so the
// module's memory budget holds on the desktop too.
//
// Lifetimes are explicit, as quickjs-emscripten wants them: every handle the host keeps
// (timer callbacks, socket callback objects) is owned by one GuestRuntime and disposed
// with it. A leaked handle would abort the shared WebAssembly module, i.e. every station.
import { EventEmitter } from 'node:events';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { getQuickJS, newQuickJSWASMModule } from 'quickjs-emscripten';
import WebSocket from 'ws';
import { StationFiles, folderNameOf } from './files.mjs';
import { HostKeys, certificateInfo, verifyChain, verifyFirmwareSignature } from './crypto.mjs';
import { heapInUse } from './quickjs-memory.mjs';
import { carriedDictionary, loadableSection, mainSection, readParts } from './bundle-parts.mjs';
import { dictionaryPath, formatLogCode, parseDictionary } from './log-dictionary.mjs';
import { StateFolder, hardwareTexts, simulatedCharger } from './hardware.mjs';

export { heapInUse, memoryUsage } from './quickjs-memory.mjs';

/**
 * What the simulator runs unless told otherwise: the simulator's bundle, minified as the
 * firmware is flashed. It is the firmware's station (the same bootStation) plus the simulated
 * EV and meter, its scenarios and control, so its heap is the module's plus those.
 */
export const DEFAULT_BUNDLE = fileURLToPath(new URL('../dist/simulator.min.js', import.meta.url));
export const DEFAULT_HEAP_LIMIT = 1024 * 1024;
/** Python logging's numbers, as in the ABI's log(level, text). */
export const LOG_LEVELS = { debug: 10, info: 20, warning: 30, error: 40 };
/** Exit codes the host gives a station it has to end itself (the bundle's own exit(code) passes through). */
export const HOST_EXIT = {
  /** The bundle threw while it was being evaluated. */
  LOAD_ERROR: 70,
  /** The bundle needed more than --heap-limit. */
  OUT_OF_MEMORY: 71,
  /** No timer and no socket left, so nothing can ever run again, and no exit() was called. */
  STALLED: 72,
  /** One callback ran longer than the watchdog allows (an endless loop). */
  WATCHDOG: 73,
};

const MAX_TIMER_MS = 2 ** 31 - 1; // Node's setTimeout limit (about 24.8 days)
/** Largest firmware image the simulator downloads (the module's flash slot is smaller still). */
const MAX_FIRMWARE_BYTES = 4 * 1024 * 1024;
/** Heap for compiling a downloaded image to check it (a runtime of its own, not the station's). */
const CHECK_HEAP_BYTES = 64 * 1024 * 1024;
const TRANSFER_TIMEOUT_MS = 30000;
/**
 * QuickJS's stack limit for the guest. The WebAssembly build keeps part of each C frame on
 * its own stack (what QuickJS measures) and the rest on V8's native stack (~984 KB), which is
 * the one that runs out: at 512 KB a JSON.parse nested 10,000 deep or a plain recursion ended
 * in V8's RangeError thrown through QuickJS, leaving its runtime corrupt (objects never freed,
 * an assertion at dispose). At 64 KB QuickJS's own "stack overflow" fires first with room to
 * spare (JSON nesting of 4,000 levels still leaves over half of V8's stack, whatever Node had
 * used before calling in); it is the Quectel port's JS_STACK too, and about 370 guest frames.
 */
export const GUEST_STACK_BYTES = 64 * 1024;
/** Boots an installed image gets to reach an Accepted BootNotification (the native host's FIRMWARE_TRIAL_BOOTS). */
const TRIAL_BOOTS = 3;

/** Luhn check digit, as IMEIs and ICCIDs carry. */
function luhn(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Digits derived from the station id, so a station keeps its identity across runs. */
function digitsOf(id, salt, count) {
  const hex = createHash('sha256').update(salt + ':' + id).digest('hex');
  return BigInt('0x' + hex).toString().slice(0, count).padStart(count, '0');
}

export function simulatedImei(id) {
  const body = '86' + digitsOf(id, 'imei', 12);
  return body + luhn(body);
}

export function simulatedIccid(id) {
  const body = '8988' + digitsOf(id, 'iccid', 15);
  return body + luhn(body);
}

/**
 * One boot of the bundle: a QuickJS runtime and context, the `ocppHost` object in it, and
 * everything the guest holds through the ABI (timers, sockets). Disposing it ends them all.
 * It reports to its station through `hooks`: log(level, text, source), frame(direction,
 * socket, text), ended({ kind: 'exit' | 'restart', code, reason }).
 */
class GuestRuntime {
  /** @type {Map<number, { timeout: NodeJS.Timeout, fn: any }>} */
  timers = new Map();
  /** @type {Map<number, { id: number, ws: WebSocket | null, callbacks: any }>} */
  sockets = new Map();
  /** Transfers under way (optional ABI members: firmware download / install, diagnostics upload). */
  transfers = new Set();
  /** Callbacks of host calls still working (cryptoCreateCsr), disposed with the runtime. */
  pendingCallbacks = new Set();
  /** The bundle's control handler (optional member controlListen), owned by this runtime. */
  controlHandler = null;
  /** The bundle's hardwareListen onchange (optional hardware members), owned by this runtime. */
  hardwareListener = null;
  disposed = false;
  /** The sockets' closes under way once the runtime is disposed (promises; see closeQuietly). */
  closing = [];
  /** The bundle's last error-level log line in this boot: the reason behind a non-zero exit(). */
  lastError = '';
  memoryUsed = 0;
  memoryPeak = 0;
  uncaughtErrors = 0;
  #timerSeq = 0;
  #socketSeq = 0;
  #depth = 0; // > 0 while the guest runs: nothing may dispose the runtime then
  #deadline = 0;
  #watchdogFired = false;
  /** The heap went above the limit while the guest ran: it is interrupted and ends with 71. */
  #heapExceeded = false;
  /** What ends this boot once the guest has returned: { kind, code, reason }. */
  #pendingEnd = null;
  #lastSample = -Infinity; // performance.now() of the last heap sample

  constructor(quickjs, { configText, files, imei, iccid, heapLimit, watchdogMs, memorySampleMs, hooks }) {
    this.files = files;
    this.keys = new HostKeys(files.dir);
    this.configText = configText;
    this.imei = imei;
    this.iccid = iccid;
    this.heapLimit = heapLimit;
    this.watchdogMs = watchdogMs;
    this.memorySampleMs = memorySampleMs;
    this.hooks = hooks;
    this.rt = quickjs.newRuntime();
    // QuickJS's own limit: under Emscripten its allocation counter grows by 8 bytes per block
    // whatever the block's size (no malloc_usable_size), so it refuses only a single
    // allocation beyond the limit. The limit in bytes is the host's check below (heapInUse).
    this.rt.setMemoryLimit(heapLimit);
    this.rt.setMaxStackSize(GUEST_STACK_BYTES);
    this.rt.setInterruptHandler(() => {
      if (this.#deadline && performance.now() > this.#deadline) this.#watchdogFired = true;
      // A long callback: the heap is checked at each of QuickJS's interrupt polls too.
      if (!this.#watchdogFired && !this.#heapExceeded) this.#sampleMemory();
      return this.#watchdogFired || this.#heapExceeded;
    });
    this.ctx = this.rt.newContext();
    this.#installHost();
  }

  /**
   * Evaluates the bundle (its top level starts the station), then settles. A bundle file with
   * parts (sim/bundle-parts.mjs): its own code only; `partLoad` evaluates a part from `code`.
   */
  boot(code, filename) {
    this.bundleCode = Buffer.from(code);
    this.bundleName = filename;
    // The log dictionary the file carries (a firmware image brings its build's), else the station's.
    const carried = carriedDictionary(this.bundleCode);
    this.carriedDictionary = carried === null ? undefined : parseDictionary(carried);
    const main = mainSection(this.bundleCode).toString('utf8');
    this.#run('the bundle', () => this.ctx.evalCode(main, filename));
    this.settingsHonoured = this.#declaredSettings();
    this.#settle();
  }

  #bundleLog(level, line) {
    if (level >= LOG_LEVELS.error) this.lastError = line;
    this.hooks.log(level, line, 'bundle');
  }

  /** The id of the log dictionary the bundle was built with (ocppHost.logDictionary), or "". */
  #logDictionaryId() {
    return this.ctx.getProp(this.ctx.global, 'ocppHost').consume((host) => this.ctx.getProp(host, 'logDictionary').consume((h) => (this.ctx.typeof(h) === 'string' ? this.ctx.getString(h) : '')));
  }

  /** The settings keys the bundle said it acts on (ocppHost.settingsHonoured), or null. */
  #declaredSettings() {
    if (this.disposed) return null;
    try {
      const text = this.ctx.getProp(this.ctx.global, 'ocppHost').consume((host) => this.ctx.getProp(host, 'settingsHonoured').consume((h) => (this.ctx.typeof(h) === 'string' ? this.ctx.getString(h) : null)));
      return text === null ? null : text.split(',').filter(Boolean);
    } catch {
      return null;
    }
  }

  /**
   * Hands one control request (JSON text) to the bundle's handler and returns its reply
   * text, or null when the bundle gave none. Called from the event loop only; settles after.
   */
  control(requestText) {
    if (this.disposed || this.#depth > 0 || !this.controlHandler) return null;
    const { ctx } = this;
    const arg = ctx.newString(requestText);
    let reply = null;
    this.#run('the control handler', () => {
      const result = ctx.callFunction(this.controlHandler, ctx.undefined, arg);
      if (!result.error) {
        reply = ctx.typeof(result.value) === 'string' ? ctx.getString(result.value) : null;
      }
      return result;
    });
    arg.dispose();
    this.#settle();
    return reply;
  }

  /**
   * An input of connector `id` changed (the hardware backend said so): the bundle's
   * onchange(id), from the event loop (a later turn if the guest is running), then settle.
   */
  hardwareChanged(id) {
    if (this.disposed || !this.hardwareListener) return;
    if (this.#depth > 0) {
      setImmediate(() => this.hardwareChanged(id));
      return;
    }
    const arg = this.ctx.newNumber(id);
    const fn = this.hardwareListener.dup(); // it may replace itself
    this.#run('a hardware onchange', () => this.ctx.callFunction(fn, this.ctx.undefined, arg));
    fn.dispose();
    arg.dispose();
    this.#settle();
  }

  /** Is one of its websockets open now? */
  connected() {
    for (const sock of this.sockets.values()) if (sock.ws && sock.ws.readyState === WebSocket.OPEN) return true;
    return false;
  }

  /** The network is cut: every socket drops as a lost connection does (1006). */
  dropSockets() {
    for (const sock of this.sockets.values()) if (sock.ws) sock.ws.terminate();
  }

  /** Ends this boot from outside (the station's stop()). Deferred while the guest runs. */
  end(kind, code, reason) {
    this.#requestEnd(kind, code, reason);
    if (this.#depth === 0) this.#settle();
  }

  // ---- the ABI -------------------------------------------------------------------------

  #installHost() {
    const { ctx } = this;
    const host = ctx.newObject();
    const setValue = (name, handle) => {
      ctx.setProp(host, name, handle);
      handle.dispose();
    };
    setValue('abi', ctx.newNumber(1));
    setValue('name', ctx.newString('node-sim'));
    for (const [name, impl] of Object.entries(this.#abiFunctions())) {
      setValue(name, ctx.newFunction(name, impl));
    }
    ctx.setProp(ctx.global, 'ocppHost', host);
    host.dispose();
  }

  /** The ABI's functions; arguments arrive as handles the library disposes after return. */
  #abiFunctions() {
    const { ctx } = this;
    const str = (h) => ctx.getString(h);
    const num = (h) => ctx.getNumber(h);
    const bool = (b) => (b ? ctx.true : ctx.false);
    const needFunction = (h, what) => {
      if (ctx.typeof(h) !== 'function') throw new TypeError(`${what} must be a function`);
    };
    return {
      log: (level, text) => this.#bundleLog(num(level), str(text)),
      // Optional member (log codes): the line from the bundle's log dictionary when it is the
      // one the bundle names (ocppHost.logDictionary), else the raw line.
      logCode: (level, code, ...args) => this.#bundleLog(num(level), formatLogCode(this.carriedDictionary !== undefined ? this.carriedDictionary : this.hooks.logDictionary(), this.#logDictionaryId(), num(code), args.map(str))),
      now: () => ctx.newNumber(Date.now()),
      ticks: () => ctx.newNumber(performance.now()),
      timerStart: (ms, callback) => {
        needFunction(callback, 'timerStart callback');
        const id = ++this.#timerSeq;
        const delay = Math.min(Math.max(Number(num(ms)) || 0, 0), MAX_TIMER_MS);
        const fn = callback.dup();
        const timeout = setTimeout(() => this.#fireTimer(id), delay);
        this.timers.set(id, { timeout, fn });
        return ctx.newNumber(id);
      },
      timerStop: (id) => {
        const timer = this.timers.get(num(id));
        if (!timer) return;
        this.timers.delete(num(id));
        clearTimeout(timer.timeout);
        timer.fn.dispose();
      },
      partLoad: (name) => this.#partLoad(str(name)),
      imei: () => ctx.newString(this.imei),
      iccid: () => ctx.newString(this.iccid),
      config: () => ctx.newString(this.configText),
      fileRead: (name) => {
        const text = this.files.read(str(name));
        return text === null ? ctx.null : ctx.newString(text);
      },
      fileWrite: (name, data) => bool(this.#fileOp('write', () => this.files.write(str(name), str(data)))),
      fileAppend: (name, data) => bool(this.#fileOp('append', () => this.files.append(str(name), str(data)))),
      fileRemove: (name) => bool(this.files.remove(str(name))),
      wsOpen: (url, options, callbacks) => ctx.newNumber(this.#wsOpen(str(url), str(options), callbacks)),
      wsSend: (handle, text) => bool(this.#wsSend(num(handle), str(text))),
      wsClose: (handle, code, reason) => {
        this.#wsClose(num(handle), num(code), ctx.typeof(reason) === 'string' ? str(reason) : '');
      },
      exit: (code) => {
        const n = Number(num(code)) | 0;
        this.#requestEnd('exit', n, `the bundle called exit(${n})${n !== 0 && this.lastError ? '; its last error: ' + this.lastError : ''}`);
      },
      restart: () => {
        this.#requestEnd('restart', null, 'the bundle called restart()');
      },
      // Optional members (Firmware Management): the work is the station's (hooks.transfers).
      // Arguments are read now: their handles die when the function returns.
      firmwareDownload: (url, callbacks) => {
        const u = str(url);
        this.#transfer(callbacks, () => this.hooks.transfers.download(u));
      },
      firmwareInstall: (callbacks) => {
        this.#transfer(callbacks, () => this.hooks.transfers.install());
      },
      diagnosticsUpload: (location, fileName, data, callbacks) => {
        const args = [str(location), str(fileName), str(data)];
        this.#transfer(callbacks, () => this.hooks.transfers.upload(...args));
      },
      firmwareVerifySignature: (signingCertificate, signature, callbacks) => {
        const args = [str(signingCertificate), str(signature)];
        this.#transfer(callbacks, () => this.hooks.transfers.verify(...args));
      },
      // rollback of an installed image (the station's, as the native host's src/firmware.c)
      firmwareState: () => ctx.newString(JSON.stringify(this.hooks.firmware.state())),
      firmwareConfirm: () => {
        this.hooks.firmware.confirm();
      },
      // optional members: the security extension's key pairs, CSRs and certificate checks
      cryptoCreateCsr: (request, callback) => {
        needFunction(callback, 'cryptoCreateCsr callback');
        this.#later(callback, async () => JSON.stringify(await this.keys.createCsr(JSON.parse(str(request)))));
      },
      cryptoCertificateInfo: (pem, hashAlgorithm) => ctx.newString(JSON.stringify(certificateInfo(str(pem), str(hashAlgorithm)))),
      cryptoVerifyChain: (chain, trusted, keyId) => ctx.newString(JSON.stringify(verifyChain(str(chain), str(trusted), str(keyId), this.keys))),
      // optional members: the simulator's control of the simulated hardware (control API)
      controlListen: (handler) => {
        needFunction(handler, 'controlListen handler');
        if (this.controlHandler) this.controlHandler.dispose();
        this.controlHandler = handler.dup();
      },
      controlChanged: () => {
        this.hooks.changed();
      },
      ...this.#hardwareFunctions(needFunction),
    };
  }

  /** The charger's IO members (sim/hardware.mjs hardwareTexts), only where the station has a hardware backend. */
  #hardwareFunctions(needFunction) {
    const hw = this.hooks.hardware;
    if (!hw) return {};
    const { ctx } = this;
    const connector = (h) => (ctx.typeof(h) === 'number' ? ctx.getNumber(h) : Number(ctx.dump(h)));
    const shown = (h) => String(ctx.dump(h));
    return {
      hardwareInfo: () => ctx.newString(hw.info()),
      hardwareInputs: (id) => ctx.newString(hw.inputs(connector(id))),
      hardwareMeter: (id) => ctx.newString(hw.meter(connector(id))),
      hardwareWrite: (id, output) => ctx.newString(hw.write(connector(id), shown(id), ctx.getString(output))),
      hardwareListen: (onchange) => {
        needFunction(onchange, 'hardwareListen onchange');
        if (this.hardwareListener) this.hardwareListener.dispose();
        this.hardwareListener = onchange.dup();
      },
    };
  }

  /**
   * Runs `work` (a promise of the info object) and reports it to the guest's callbacks
   * object on a later turn: ondone(JSON of the info) or onerror(message). The callbacks
   * handle is owned by this runtime: disposed with it if the work outlives the boot.
   */
  #transfer(callbacks, work) {
    if (this.ctx.typeof(callbacks) !== 'object') throw new TypeError('transfer callbacks must be an object');
    const transfer = { callbacks: callbacks.dup() };
    this.transfers.add(transfer);
    Promise.resolve()
      .then(work)
      .then(
        (info) => this.#transferDone(transfer, 'ondone', JSON.stringify(info || {})),
        (err) => this.#transferDone(transfer, 'onerror', err && err.message ? err.message : String(err))
      );
  }

  #transferDone(transfer, method, text) {
    if (this.disposed || !this.transfers.has(transfer)) return;
    this.transfers.delete(transfer);
    this.#callMethod(transfer.callbacks, method, [text], `a transfer ${method}`);
    transfer.callbacks.dispose();
    this.#settle();
  }

  /**
   * Runs `work` (async, resolving with a string) and calls the guest's callback with its
   * result — or with JSON { error } — on a later turn, then settles.
   */
  #later(callback, work) {
    const fn = callback.dup();
    this.pendingCallbacks.add(fn);
    const deliver = (text) => {
      if (this.disposed || !this.pendingCallbacks.delete(fn)) return;
      const arg = this.ctx.newString(text);
      this.#run('a host callback', () => this.ctx.callFunction(fn, this.ctx.undefined, arg));
      arg.dispose();
      fn.dispose();
      this.#settle();
    };
    work().then(deliver, (err) => deliver(JSON.stringify({ error: err.message })));
  }

  /** A failed write is reported to the guest as `false` (ABI), and logged here with its cause. */
  #fileOp(what, op) {
    try {
      return op();
    } catch (err) {
      if (err instanceof TypeError) throw err; // a bad name is the guest's bug: throw it there
      this.hooks.log(LOG_LEVELS.error, `file ${what} failed: ${err.message}`, 'host');
      return false;
    }
  }

  #fireTimer(id) {
    const timer = this.timers.get(id);
    if (!timer || this.disposed) return;
    this.timers.delete(id);
    this.#run('a timer callback', () => this.ctx.callFunction(timer.fn, this.ctx.undefined));
    timer.fn.dispose();
    this.#settle();
  }

  #wsOpen(url, optionsText, callbacks) {
    if (this.ctx.typeof(callbacks) !== 'object') throw new TypeError('wsOpen callbacks must be an object');
    const id = ++this.#socketSeq;
    const sock = { id, ws: null, callbacks: callbacks.dup() };
    this.sockets.set(id, sock);
    if (this.hooks.networkDown()) {
      setImmediate(() => {
        this.#deliver(sock, 'onerror', ['network down (simulated)']);
        this.#socketClosed(sock, 1006, 'network down (simulated)');
      });
      return id;
    }
    try {
      const options = JSON.parse(optionsText || '{}');
      // TLS: the server must chain to `ca` (or the system's CAs); rejectUnauthorized
      // stays at ws's default, true. Client certificate and key for security profile 3.
      const ws = new WebSocket(url, options.protocols || [], {
        headers: options.headers || {},
        ca: options.ca || undefined,
        cert: options.cert || undefined,
        // keyId: a key pair this host made (cryptoCreateCsr); its private key never left the host
        key: options.keyId ? this.keys.privateKey(options.keyId) : options.key || undefined,
        perMessageDeflate: false, // the module's websocket has no compression
        handshakeTimeout: 30000,
      });
      sock.ws = ws;
      ws.on('open', () => {
        this.hooks.log(LOG_LEVELS.debug, `ws#${id} open ${url} (subprotocol "${ws.protocol}")`, 'host');
        this.#deliver(sock, 'onopen', [ws.protocol]);
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          this.hooks.log(LOG_LEVELS.warning, `ws#${id} ignored a binary frame (${data.length} bytes): OCPP-J is text`, 'host');
          return;
        }
        const text = data.toString('utf8');
        this.hooks.frame('received', id, text);
        this.#deliver(sock, 'onmessage', [text]);
      });
      ws.on('error', (err) => {
        this.hooks.log(LOG_LEVELS.debug, `ws#${id} error: ${err.message}`, 'host');
        this.#deliver(sock, 'onerror', [err.message]);
      });
      ws.on('close', (code, reason) => this.#socketClosed(sock, code, reason.toString('utf8')));
    } catch (err) {
      // wsOpen never fails on the spot (ABI): a bad URL or options arrive as onerror + onclose.
      setImmediate(() => {
        this.#deliver(sock, 'onerror', [err.message]);
        this.#socketClosed(sock, 1006, err.message);
      });
    }
    return id;
  }

  #wsSend(id, text) {
    const sock = this.sockets.get(id);
    if (!sock || !sock.ws || sock.ws.readyState !== WebSocket.OPEN) return false;
    sock.ws.send(text);
    this.hooks.frame('sent', id, text);
    return true;
  }

  #wsClose(id, code, reason) {
    const sock = this.sockets.get(id);
    if (!sock || !sock.ws) return;
    const ws = sock.ws;
    if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
    try {
      ws.close(code, reason);
    } catch {
      // ws refuses codes a client may not send (e.g. 1006) and reasons over 123 bytes
      try {
        ws.close(1000);
      } catch {
        ws.terminate();
      }
    }
  }

  #socketClosed(sock, code, reason) {
    if (!this.sockets.has(sock.id) || this.disposed) return;
    this.sockets.delete(sock.id);
    this.hooks.log(LOG_LEVELS.debug, `ws#${sock.id} closed (${code}${reason ? ' ' + reason : ''})`, 'host');
    this.#callMethod(sock.callbacks, 'onclose', [code, reason], 'a websocket onclose');
    sock.callbacks.dispose();
    this.#settle();
  }

  /** Calls one of a live socket's callbacks, then settles. */
  #deliver(sock, method, args) {
    if (this.disposed || !this.sockets.has(sock.id)) return;
    this.#callMethod(sock.callbacks, method, args, `a websocket ${method}`);
    this.#settle();
  }

  /** callbacks[method](...args): a method call, as the ABI's `callbacks.onmessage(text)`. */
  #callMethod(object, method, args, label) {
    const { ctx } = this;
    const fn = ctx.getProp(object, method);
    const argHandles = args.map((a) => (typeof a === 'number' ? ctx.newNumber(a) : ctx.newString(String(a))));
    try {
      if (ctx.typeof(fn) === 'function') this.#run(label, () => ctx.callFunction(fn, object, ...argHandles));
    } finally {
      for (const h of argHandles) h.dispose();
      fn.dispose();
    }
  }

  // ---- running the guest ---------------------------------------------------------------

  /**
   * Part `name` of the bundle this boot evaluated, evaluated in its context: the part's value.
   * An Error in the guest when there is none or it does not load (its message says why).
   */
  #partLoad(name) {
    const layout = readParts(this.bundleCode);
    const at = layout && Object.prototype.hasOwnProperty.call(layout.parts, name) ? layout.parts[name] : null;
    if (!at) throw new Error(`the bundle ${this.bundleName} has no part "${name}"`);
    const code = this.bundleCode.subarray(at[0], at[0] + at[1]).toString('utf8');
    const result = this.ctx.evalCode(code, `${this.bundleName}:${name}`);
    if (result.error) throw new Error(`part "${name}" does not load: ${this.#describe(result.error).split('\n')[0]}`);
    this.hooks.log(LOG_LEVELS.debug, `part ${name} loaded (${at[1]} bytes)`, 'host');
    return result.value;
  }

  /** Runs guest code under the watchdog; classifies what it throws. */
  #run(label, enter) {
    this.#depth++;
    this.#deadline = performance.now() + this.watchdogMs;
    let result;
    try {
      result = enter();
    } catch (err) {
      // quickjs-emscripten itself failed (e.g. no memory left to make an argument)
      this.#guestError(label, `${err.name}: ${err.message}`);
      return;
    } finally {
      this.#depth--;
      this.#deadline = 0;
    }
    if (result.error) this.#guestError(label, this.#describe(result.error));
    else result.value.dispose();
  }

  /**
   * After every callback: run the pending promise jobs until none is left (ABI rule), take
   * a memory sample, and end the boot if the guest asked to (exit/restart) or failed.
   */
  #settle() {
    if (this.disposed || this.#depth > 0) return;
    while (!this.#pendingEnd) {
      this.#depth++;
      this.#deadline = performance.now() + this.watchdogMs;
      const jobs = this.rt.executePendingJobs(-1);
      this.#depth--;
      this.#deadline = 0;
      if (!jobs.error) {
        jobs.dispose();
        break;
      }
      this.#guestError('a promise job', this.#describe(jobs.error));
    }
    if (this.#pendingEnd || performance.now() - this.#lastSample >= this.memorySampleMs) this.#sampleMemory();
    if (this.#heapExceeded) this.#outOfMemory('a callback');
    if (!this.#pendingEnd && this.timers.size === 0 && this.sockets.size === 0 && this.transfers.size === 0 && this.pendingCallbacks.size === 0 && !this.hardwareListener) {
      this.#requestEnd('exit', HOST_EXIT.STALLED, 'the bundle stalled: no timer and no socket left, and it did not call exit()');
    }
    if (this.#pendingEnd) {
      const end = this.#pendingEnd;
      this.dispose();
      this.hooks.ended(end);
    }
  }

  #guestError(label, text) {
    if (this.#watchdogFired) {
      this.#requestEnd('exit', HOST_EXIT.WATCHDOG, `watchdog: ${label} ran longer than ${this.watchdogMs} ms (an endless loop?)`);
    } else if (this.#heapExceeded || /out of memory/i.test(text)) {
      this.#outOfMemory(label);
    } else if (label === 'the bundle') {
      this.#requestEnd('exit', HOST_EXIT.LOAD_ERROR, `the bundle threw while loading: ${text}`);
    } else {
      // Like an event handler in a browser: reported, and the station goes on.
      this.uncaughtErrors++;
      this.hooks.log(LOG_LEVELS.error, `uncaught error in ${label}: ${text}`, 'host');
    }
  }

  #describe(errorHandle) {
    try {
      const e = this.ctx.dump(errorHandle);
      if (e && typeof e === 'object') return `${e.name || 'Error'}: ${e.message}${e.stack ? '\n' + e.stack.trimEnd() : ''}`;
      return String(e);
    } catch {
      return 'an error the host could not read (out of memory?)';
    } finally {
      errorHandle.dispose();
    }
  }

  #requestEnd(kind, code, reason) {
    if (!this.#pendingEnd) this.#pendingEnd = { kind, code, reason };
  }

  #outOfMemory(label) {
    const grew = this.#heapExceeded ? `: the heap grew to ${this.memoryUsed} bytes` : '';
    this.#requestEnd('exit', HOST_EXIT.OUT_OF_MEMORY, `out of memory: ${label} needed more than the heap limit of ${this.heapLimit} bytes (--heap-limit)${grew}`);
  }

  /** The heap in use now (what memory() reports and the limit is checked against). */
  #sampleMemory() {
    this.#lastSample = performance.now();
    try {
      this.memoryUsed = heapInUse(this.rt);
    } catch {
      return; // no memory left even for the sample: the error path reports it
    }
    this.memoryPeak = Math.max(this.memoryPeak, this.memoryUsed);
    if (this.memoryUsed > this.heapLimit) this.#heapExceeded = true;
  }

  /** Stops the timers, closes the sockets, frees every handle, the context and the runtime. */
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    for (const timer of this.timers.values()) {
      clearTimeout(timer.timeout);
      timer.fn.dispose();
    }
    this.timers.clear();
    const powerCut = this.#pendingEnd && this.#pendingEnd.kind === 'power-off';
    for (const sock of this.sockets.values()) {
      if (powerCut && sock.ws) {
        sock.ws.removeAllListeners();
        sock.ws.on('error', () => {});
        sock.ws.terminate(); // no close frame: the CSMS sees the connection lost
      } else this.closing.push(closeQuietly(sock.ws));
      sock.callbacks.dispose();
    }
    this.sockets.clear();
    for (const transfer of this.transfers) transfer.callbacks.dispose();
    this.transfers.clear();
    for (const fn of this.pendingCallbacks) fn.dispose();
    this.pendingCallbacks.clear();
    if (this.controlHandler) this.controlHandler.dispose();
    this.controlHandler = null;
    if (this.hardwareListener) this.hardwareListener.dispose();
    this.hardwareListener = null;
    try {
      this.rt.removeInterruptHandler();
      this.ctx.dispose();
      this.rt.dispose();
    } catch (err) {
      this.hooks.log(LOG_LEVELS.error, `could not free the QuickJS runtime cleanly: ${err.message}`, 'host');
    }
  }
}

/**
 * A frame as the debug log shows it: the Basic auth password replaced, so no log holds it —
 * 1.6's AuthorizationKey (ChangeConfiguration) and 2.0.1's BasicAuthPassword (a SetVariables
 * element's attributeValue, A01.FR.12).
 */
export function hideSecrets(text) {
  if (text.indexOf('BasicAuthPassword') >= 0) text = hideBasicAuthPassword(text);
  if (text.indexOf('AuthorizationKey') < 0) return text;
  return text
    .replace(/("key"\s*:\s*"AuthorizationKey"\s*,\s*"value"\s*:\s*)"(?:[^"\\]|\\.)*"/g, '$1"(hidden)"')
    .replace(/("value"\s*:\s*)"(?:[^"\\]|\\.)*"(\s*,\s*"key"\s*:\s*"AuthorizationKey")/g, '$1"(hidden)"$2');
}

/** A 2.0.1 frame with the attributeValue of every element naming BasicAuthPassword hidden (a frame that is no JSON: all of it). */
function hideBasicAuthPassword(text) {
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return '(a frame naming BasicAuthPassword, hidden)';
  }
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (node.variable && node.variable.name === 'BasicAuthPassword' && 'attributeValue' in node) node.attributeValue = '(hidden)';
    for (const k of Object.keys(node)) walk(node[k]);
  };
  walk(frame);
  return JSON.stringify(frame);
}

/** How long a closing socket gets for the close handshake before it is cut. */
const CLOSE_HANDSHAKE_MS = 2000;

/**
 * Closes a socket the guest no longer hears from: politely if open (1001), letting a close
 * the guest began (e.g. its 1000) finish, at once otherwise. Resolves once it is closed.
 */
function closeQuietly(ws) {
  if (!ws) return Promise.resolve();
  ws.removeAllListeners();
  ws.on('error', () => {});
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  if (ws.readyState !== WebSocket.OPEN && ws.readyState !== WebSocket.CLOSING) {
    ws.terminate();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    ws.once('close', resolve);
    if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'station going down');
    setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_MS).unref();
  });
}

// One WebAssembly module's memory (wasm32, as quickjs-emscripten builds it) grows to at most
// 2 GiB, and all its runtimes share it. Stations are placed so that the heap limits of the
// stations in one module add up to at most 1.5 GiB: each can reach its own limit, so "out
// of memory" always means the station's own limit, and one process runs thousands.
const MODULE_BUDGET = 1.5 * 1024 * 1024 * 1024;
const wasmModules = []; // { quickjs: Promise<QuickJSWASMModule>, reserved: bytes }

function reserveWasmModule(heapLimit) {
  let m = wasmModules.find((w) => w.reserved + heapLimit <= MODULE_BUDGET);
  if (!m) {
    m = { quickjs: wasmModules.length ? newQuickJSWASMModule() : getQuickJS(), reserved: 0 };
    wasmModules.push(m);
  }
  m.reserved += heapLimit;
  return m;
}

/** The heap limits reserved in each WebAssembly module so far, in bytes (for tests). */
export function wasmModuleReservations() {
  return wasmModules.map((w) => w.reserved);
}

/**
 * A simulated charge point: the bundle in its own QuickJS runtime with the Node host ABI.
 *
 *   const station = new SimulatedStation({ settings: { url, id, scenario: 'session' } });
 *   station.on('log', ({ level, text }) => ...);         // bundle log lines (and host lines)
 *   station.on('frame', ({ direction, text }) => ...);   // 'sent' | 'received'
 *   await station.start();
 *   const { code, reason } = await station.exited;
 *
 * Events: 'log' { time, level, text, source: 'bundle'|'host' } (at or above logLevel),
 * 'frame' { time, direction, socket, text }, 'restart' { count },
 * 'exit' { code, reason }, 'changed' (the bundle's state, power or network changed: the
 * control API asks for the state again).
 *
 * The simulator's control: powerOff(), powerOn(), setNetwork(up), control(request) (the
 * bundle's commands through the optional host ABI member controlListen).
 */
export class SimulatedStation extends EventEmitter {
  /** @type {GuestRuntime | null} */
  #runtime = null;
  #quickjs = null;
  #wasmModule = null; // its share of a module's budget, given back when the station ends
  #resolveExit;
  #peak = 0;
  #lastUsed = 0;
  #uncaught = 0;
  /** Every socket close under way since the station's runtimes ended (see closed()). */
  #closing = [];
  /** The settings keys the bundle declared it acts on at its first boot (hal.declareSettings), null when it did not say. */
  settingsHonoured = null;
  /** Counters for progress lines and benchmarks. */
  stats = { framesSent: 0, framesReceived: 0, restarts: 0 };
  /** A downloaded and checked firmware image, waiting for firmwareInstall: { code, bytes, url, sha256 }. */
  #staged = null;
  /**
   * Rollback, as the native host does it: an installed image boots on trial, at most
   * TRIAL_BOOTS times, until the bundle confirms its boot (firmwareConfirm); one that ends
   * with 70-73 or uses up its boots is given up and `previous` boots again.
   */
  #firmware = { previous: null, trial: false, boots: 0, bootedTrial: false, rolledBack: '' };
  /** { code, reason } once the station has ended, else null. */
  result = null;
  /** Simulated power cut (powerOff) in force: no runtime until powerOn. */
  poweredOff = false;
  /** Simulated network cut (setNetwork(false)) in force: sockets drop and connects fail. */
  networkDown = false;
  /**
   * `hardware: 'sim'`: the simulated charger outside the guest (src/sim/host-charger.ts) that
   * gives the bundle its IO through the hardware members; null otherwise.
   */
  charger = null;
  /** The hardware backend (StateFolder or the charger) and the members' texts over it, or null. */
  #hardware = null;
  #hardwareTexts = null;
  /** The bundle's log dictionary (#logDictionary): undefined until read, null without one. */
  #dictionary = undefined;
  /** The bundle the station was started with (an installed firmware image replaces `bundle`). */
  #factoryBundle;

  /**
   * @param {object} options
   * @param {object} options.settings  the station's settings (hal/settings.ts); `id` required
   * @param {string} [options.dataDir] files go to <dataDir>/<id>/ (default ./sim-data)
   * @param {number} [options.heapLimit] QuickJS heap limit in bytes (default 1 MiB)
   * @param {string | { code: string, filename?: string, logDictionary?: string }} [options.bundle] a file (its log dictionary, if any, the .logdict file beside it), or the code itself (and its log dictionary's text); default dist/simulator.min.js (the flashed station on the simulated charger)
   * @param {'debug'|'info'|'warning'|'error'} [options.logLevel] default settings.logLevel or 'info'
   * @param {number} [options.watchdogMs] longest one callback may run (default 10 s)
   * @param {number} [options.memorySampleMs] heap sample at most this often (default 0: after
   *   every callback, which costs tens of µs; a throughput benchmark may want 100)
   * @param {string} [options.imei] default derived from the id
   * @param {string} [options.iccid] default derived from the id
   * @param {string} [options.hardware] the charger's IO through the optional hardware members:
   *   'sim' (the simulated charger outside the guest, for a bundle without one: the flashed
   *   firmware; it acts on scenarios "session" and "idle"), or a folder of state files (the native host's
   *   --hardware DIR backend); default none (the members are absent)
   */
  constructor({ settings, dataDir = 'sim-data', heapLimit = DEFAULT_HEAP_LIMIT, bundle = DEFAULT_BUNDLE, logLevel, watchdogMs = 10000, memorySampleMs = 0, imei, iccid, hardware }) {
    super();
    if (!settings || !settings.id) throw new TypeError('SimulatedStation needs settings.id');
    const level = logLevel || settings.logLevel || 'info';
    if (!(level in LOG_LEVELS)) throw new TypeError(`unknown log level ${level}`);
    this.settings = { ...settings, logLevel: settings.logLevel || level };
    this.id = String(settings.id);
    this.logLevel = level;
    this.heapLimit = heapLimit;
    this.bundle = bundle;
    this.#factoryBundle = bundle;
    this.watchdogMs = watchdogMs;
    this.memorySampleMs = memorySampleMs;
    this.dataDir = join(dataDir, folderNameOf(this.id));
    this.imei = imei || simulatedImei(this.id);
    this.iccid = iccid ?? simulatedIccid(this.id);
    this.hardware = hardware || null;
    /** Resolves with { code, reason } when the station has ended. */
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
  }

  /** Boots the bundle. Resolves once its top level ran (the station then lives on its own). */
  async start() {
    if (this.#runtime || this.result) throw new Error(`station ${this.id} was already started`);
    this.#wasmModule = reserveWasmModule(this.heapLimit);
    this.#quickjs = await this.#wasmModule.quickjs;
    this.files = new StationFiles(this.dataDir);
    await this.#openHardware();
    this.#boot();
    if (this.charger && !(this.settingsHonoured || []).includes('scenario')) {
      // The bundle has no scenarios: the simulated driver acts at the host's charger.
      const done = (code, reason) => this.stop(code, reason);
      const seconds = Number(this.settings.duration) || 0;
      if (this.settings.scenario === 'session') this.charger.runSession(String(this.settings.idTag || 'DEMO-TAG'), seconds, done);
      else if (this.settings.scenario === 'idle') this.charger.runIdle(seconds, done);
    }
    return this;
  }

  /** The hardware backend the `hardware` option names, connected to the runtime of the moment. */
  async #openHardware() {
    if (!this.hardware) return;
    if (this.hardware === 'sim') {
      this.charger = await simulatedCharger(this.settings, this.files, {
        connected: () => !!this.#runtime && this.#runtime.connected(),
        log: (text) => this.#log(LOG_LEVELS.info, text, 'host'),
      });
      this.charger.onStateChange = () => this.emit('changed');
      this.#hardware = this.charger;
    } else {
      this.#hardware = new StateFolder(this.hardware);
    }
    this.#hardware.onChange = (id) => {
      if (this.#runtime) this.#runtime.hardwareChanged(id);
    };
    this.#hardwareTexts = hardwareTexts(this.#hardware);
  }

  /** Ends the station from outside (Ctrl-C, a test's end): closes its sockets and timers. */
  stop(code = 0, reason = 'stopped by the host') {
    if (this.#runtime) this.#runtime.end('exit', code, reason);
    else if (!this.result && this.#quickjs) this.#finish({ code, reason }); // between two boots
    return this.exited;
  }

  get running() {
    return this.#runtime !== null;
  }

  // ---- the simulator's control (control API): power, network, the simulated hardware ----

  /**
   * Cuts the power: the runtime is disposed at once, its sockets dropped without a close
   * frame, no OCPP message goes out; the files stay. False when the station is not running.
   */
  powerOff() {
    if (!this.#runtime) return false;
    this.poweredOff = true;
    this.#runtime.end('power-off', null, 'power cut (simulated)');
    return true;
  }

  /** Power is back: the bundle boots again on the same files. False unless powered off. */
  powerOn() {
    if (!this.poweredOff || this.result || this.#runtime) return false;
    this.poweredOff = false;
    this.#log(LOG_LEVELS.info, 'power back (simulated): booting', 'host');
    this.#boot();
    this.emit('changed');
    return true;
  }

  /**
   * Cuts (false) or restores (true) the station's network: down, every socket drops (1006)
   * and every connect attempt fails; up, the bundle is told and connects at once.
   */
  setNetwork(up) {
    this.networkDown = !up;
    this.#log(LOG_LEVELS.info, `network ${up ? 'up' : 'down'} (simulated)`, 'host');
    if (this.#runtime && !up) this.#runtime.dropSockets();
    if (this.#runtime && up) this.#runtime.control(JSON.stringify({ command: 'network', up: true }));
    this.emit('changed');
  }

  /**
   * One request to the bundle's control handler (optional host ABI member controlListen):
   * resolves to its reply object, or null when the station is not running or its bundle
   * has no control.
   */
  control(request) {
    const text = this.#runtime ? this.#runtime.control(JSON.stringify(request)) : null;
    // A bundle without control on the host's simulated charger: the charger's own commands.
    if (text === null && this.charger && this.#runtime && !this.#runtime.controlHandler) return this.charger.command(request);
    if (text === null) return null;
    try {
      return JSON.parse(text);
    } catch {
      return { ok: false, error: 'the bundle answered something that is not JSON', reason: 'conflict' };
    }
  }


  /**
   * Resolves once the sockets of the station's ended runtimes are closed (close handshake
   * done, or cut after 2 s): await it after `exited` before the process ends, or the CSMS
   * sees the connection drop (1006) instead of its close frame.
   */
  async closed() {
    await Promise.all(this.#closing);
  }

  /**
   * Heap figures of the QuickJS runtime, in the bytes the limit is checked against
   * (heapInUse): used now (last sample), peak over the run (every boot), limit.
   */
  memory() {
    const rt = this.#runtime;
    return { used: rt ? rt.memoryUsed : this.#lastUsed, peak: Math.max(this.#peak, rt ? rt.memoryPeak : 0), limit: this.heapLimit };
  }

  /** Errors the bundle let escape from callbacks (logged; the station went on). */
  get uncaughtErrors() {
    return this.#uncaught + (this.#runtime ? this.#runtime.uncaughtErrors : 0);
  }

  #boot() {
    const fw = this.#firmware;
    fw.bootedTrial = false;
    if (fw.trial && fw.boots >= TRIAL_BOOTS) this.#rollBack(`the new firmware did not reach an Accepted BootNotification in ${TRIAL_BOOTS} boots`);
    if (fw.trial) {
      fw.boots++;
      fw.bootedTrial = true;
      this.#log(LOG_LEVELS.info, `firmware: booting the new image (trial boot ${fw.boots} of ${TRIAL_BOOTS})`, 'host');
    }
    let source;
    try {
      source = this.#bundleSource();
    } catch (err) {
      if (this.stats.restarts === 0) throw err; // start() reports it
      this.#finish({ code: HOST_EXIT.LOAD_ERROR, reason: `cannot read the bundle: ${err.message}` });
      return;
    }
    // The host's charger forgets the calls of the boot before: their answers cannot come now.
    if (this.charger) this.charger.booting();
    const runtime = new GuestRuntime(this.#quickjs, {
      configText: JSON.stringify(this.settings),
      files: this.files,
      imei: this.imei,
      iccid: this.iccid,
      heapLimit: this.heapLimit,
      watchdogMs: this.watchdogMs,
      memorySampleMs: this.memorySampleMs,
      hooks: {
        log: (level, text, source) => this.#log(level, text, source),
        logDictionary: () => this.#logDictionary(),
        frame: (direction, socket, text) => this.#frame(direction, socket, text),
        ended: (end) => this.#ended(runtime, end),
        changed: () => this.emit('changed'),
        networkDown: () => this.networkDown,
        hardware: this.#hardwareTexts,
        firmware: {
          state: () => ({ trial: this.#firmware.bootedTrial, rolledBack: this.#firmware.rolledBack }),
          confirm: () => this.#confirmFirmware(),
        },
        transfers: {
          download: (url) => this.#downloadFirmware(url),
          install: () => this.#installFirmware(),
          upload: (location, fileName, data) => this.#uploadDiagnostics(location, fileName, data),
          verify: (signingCertificate, signature) => this.#verifyFirmwareSignature(signingCertificate, signature),
        },
      },
    });
    this.#runtime = runtime;
    runtime.boot(source.code, source.filename);
    if (this.stats.restarts === 0) this.settingsHonoured = runtime.settingsHonoured;
  }

  // ---- Firmware Management (optional host ABI members) -----------------------------------

  /** Downloads over HTTP(S), checks the image (not empty, not too big, QuickJS compiles it) and stages it. */
  async #downloadFirmware(url) {
    this.#log(LOG_LEVELS.info, `firmware download from ${url}`, 'host');
    const body = await transferHttp('GET', url, { ca: this.settings.ca });
    if (!body.length) throw new Error('the file is empty');
    if (body.length > MAX_FIRMWARE_BYTES) throw new Error(`the file is ${body.length} bytes, more than ${MAX_FIRMWARE_BYTES}`);
    const code = body.toString('utf8');
    const problem = compileProblem(this.#quickjs, loadableSection(body).toString('utf8'));
    if (problem) throw new Error(`not a script QuickJS can compile: ${problem}`);
    const sha256 = createHash('sha256').update(body).digest('hex');
    this.#staged = { code, bytes: body, url, sha256 };
    this.#log(LOG_LEVELS.info, `firmware downloaded and checked: ${body.length} bytes, sha256 ${sha256}`, 'host');
    return { size: body.length, sha256 };
  }

  /**
   * Installs the staged image: the next restart() evaluates it. Only for this station's run:
   * a new simulator run starts from its bundle (dist/simulator.min.js) again (nothing is written to disk).
   */
  async #installFirmware() {
    const staged = this.#staged;
    if (!staged) throw new Error('no firmware downloaded');
    this.#staged = null;
    const fw = this.#firmware;
    if (!fw.trial) fw.previous = this.bundle; // a trial not yet confirmed is simply replaced
    Object.assign(fw, { trial: true, boots: 0, rolledBack: '' });
    this.bundle = { code: staged.code, filename: 'firmware-installed.js' };
    this.#log(LOG_LEVELS.info, `firmware from ${staged.url} installed (sha256 ${staged.sha256}): it runs from the next restart`, 'host');
    return {};
  }

  #rollBack(why) {
    const fw = this.#firmware;
    this.#log(LOG_LEVELS.error, `firmware: rolling back to the previous image: ${why}`, 'host');
    this.bundle = fw.previous;
    Object.assign(fw, { previous: null, trial: false, boots: 0, bootedTrial: false, rolledBack: why });
  }

  #confirmFirmware() {
    const fw = this.#firmware;
    if (fw.bootedTrial) {
      this.#log(LOG_LEVELS.info, 'firmware: the new image reached an Accepted BootNotification: it is the image from now on', 'host');
      Object.assign(fw, { previous: null, trial: false, boots: 0, bootedTrial: false });
    }
    fw.rolledBack = '';
  }

  /** SignedUpdateFirmware: the staged image's bytes against the base64 signature, with the certificate's public key (SHA-256). */
  async #verifyFirmwareSignature(signingCertificate, signature) {
    const staged = this.#staged;
    if (!staged) throw new Error('no firmware downloaded');
    const good = verifyFirmwareSignature(staged.bytes, signingCertificate, signature);
    this.#log(LOG_LEVELS.info, `firmware signature ${good ? 'verified' : 'INVALID'} (sha256 ${staged.sha256})`, 'host');
    if (!good) throw new Error('the signature does not match the firmware image');
    return {};
  }

  /** HTTP PUT of the diagnostics file to location/fileName. */
  async #uploadDiagnostics(location, fileName, data) {
    const url = location.replace(/\/+$/, '') + '/' + encodeURIComponent(fileName);
    await transferHttp('PUT', url, { ca: this.settings.ca, body: Buffer.from(data, 'utf8') });
    this.#log(LOG_LEVELS.info, `diagnostics uploaded to ${url} (${Buffer.byteLength(data)} bytes)`, 'host');
    return {};
  }

  /**
   * The log dictionary of the bundle the station was started with (sim/log-dictionary.mjs): the
   * file beside it, or a bundle object's `logDictionary` text; where there is none, the file
   * OCPP_LOG_DICTIONARY names; null without one. Read once. A boot whose file carries a
   * dictionary of its own (an installed firmware image) formats with that one instead.
   */
  #logDictionary() {
    if (this.#dictionary === undefined) {
      const bundle = this.#factoryBundle;
      const beside = typeof bundle === 'string' ? dictionaryPath(bundle) : null;
      let text = typeof bundle === 'string' ? null : bundle.logDictionary || null;
      if (beside && existsSync(beside)) text = readFileSync(beside, 'utf8');
      else if (text === null && process.env.OCPP_LOG_DICTIONARY && existsSync(process.env.OCPP_LOG_DICTIONARY)) text = readFileSync(process.env.OCPP_LOG_DICTIONARY, 'utf8');
      this.#dictionary = text === null ? null : parseDictionary(text);
    }
    return this.#dictionary;
  }

  #bundleSource() {
    if (typeof this.bundle === 'string') return { code: readFileSync(this.bundle, 'utf8'), filename: basename(this.bundle) };
    return { code: this.bundle.code, filename: this.bundle.filename || 'bundle.js' };
  }

  #ended(runtime, end) {
    this.#closing.push(...runtime.closing);
    this.#lastUsed = runtime.memoryUsed;
    this.#peak = Math.max(this.#peak, runtime.memoryPeak);
    this.#uncaught += runtime.uncaughtErrors;
    this.#runtime = null;
    if (end.kind === 'power-off') {
      this.#log(LOG_LEVELS.info, 'power off (simulated): runtime gone, files kept', 'host');
      this.emit('changed');
      return;
    }
    if (end.kind === 'restart') {
      this.stats.restarts++;
      this.#log(LOG_LEVELS.info, `restart #${this.stats.restarts}: ${end.reason}; evaluating the bundle again`, 'host');
      this.emit('restart', { count: this.stats.restarts });
      // A fresh turn of the event loop: the old runtime's sockets get to close first.
      setImmediate(() => {
        if (!this.result) this.#boot();
      });
      return;
    }
    if (this.#firmware.bootedTrial && end.code >= HOST_EXIT.LOAD_ERROR && end.code <= HOST_EXIT.WATCHDOG) {
      this.#rollBack(`the new firmware failed (exit ${end.code}: ${end.reason})`);
      setImmediate(() => {
        if (!this.result) this.#boot();
      });
      return;
    }
    this.#finish({ code: end.code, reason: end.reason });
  }

  #finish(result) {
    this.result = result;
    if (this.charger) this.charger.stop();
    if (this.#hardware && this.#hardware.close) this.#hardware.close();
    this.#wasmModule.reserved -= this.heapLimit;
    if (result.code !== 0) this.#log(LOG_LEVELS.error, `exit ${result.code}: ${result.reason}`, 'host');
    this.emit('exit', result);
    this.#resolveExit(result);
  }

  #log(level, text, source) {
    if (level < LOG_LEVELS[this.logLevel]) return;
    this.emit('log', { time: Date.now(), level, text, source });
  }

  #frame(direction, socket, text) {
    if (direction === 'sent') this.stats.framesSent++;
    else this.stats.framesReceived++;
    if (this.charger) this.charger.frame(direction === 'sent' ? 'out' : 'in', text);
    this.emit('frame', { time: Date.now(), direction, socket, text });
    if (this.logLevel === 'debug') this.#log(LOG_LEVELS.debug, `${direction === 'sent' ? '→' : '←'} ${hideSecrets(text)}`, 'host');
  }
}

/**
 * One HTTP(S) request of the Firmware Management transfers; resolves with the response body,
 * rejects with a short reason (URL scheme, network, HTTP status, timeout). Server
 * certificates are verified (against `ca` when given).
 */
function transferHttp(method, url, { ca, body } = {}) {
  return new Promise((resolve, reject) => {
    let target;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`not a URL: ${url}`));
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      const ftp = target.protocol === 'ftp:' ? 'FTP is not supported: ' : '';
      reject(new Error(`${ftp}this host transfers over http and https only, not ${target.protocol}`));
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = body ? { 'content-type': 'application/octet-stream', 'content-length': body.length } : {};
    const req = send(target, { method, headers, ca: ca || undefined, timeout: TRANSFER_TIMEOUT_MS }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (chunk) => {
        size += chunk.length;
        if (size > MAX_FIRMWARE_BYTES) req.destroy(new Error(`more than ${MAX_FIRMWARE_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        if (res.statusCode < 200 || res.statusCode > 299) reject(new Error(`HTTP ${res.statusCode}`));
        else resolve(Buffer.concat(chunks));
      });
      res.on('error', (err) => reject(err));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TRANSFER_TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => reject(new Error(err.code || err.message)));
    req.end(body);
  });
}

/** Why `code` does not compile as a script (in a throw-away runtime), or '' when it does. */
function compileProblem(quickjs, code) {
  const rt = quickjs.newRuntime();
  rt.setMemoryLimit(CHECK_HEAP_BYTES);
  const ctx = rt.newContext();
  try {
    const result = ctx.evalCode(code, 'firmware.js', { compileOnly: true });
    if (!result.error) {
      result.value.dispose();
      return '';
    }
    const e = ctx.dump(result.error);
    result.error.dispose();
    return e && typeof e === 'object' ? `${e.name || 'Error'}: ${e.message}` : String(e);
  } finally {
    ctx.dispose();
    rt.dispose();
  }
}
