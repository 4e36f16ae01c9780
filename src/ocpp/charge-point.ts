// The ChargePoint: one OCPP-J connection seen from the charge point. start() is the receive
// loop (CALLs to their handlers, CALLRESULT / CALLERROR to the waiting call()), call() sends
// a CALL and resolves with the answer. Like the Python `ocpp` package's ChargePoint, but:
// - OCPP-J allows one outstanding CALL per sender: calls wait their turn in order, and a
//   handler may call() itself (answers are read whatever the handlers are doing);
// - responseTimeout really fires, rejects with TimeoutError and frees the slot;
// - every bad frame gets its CALLERROR (or is logged) and the loop goes on.
// Subclasses bind an OCPP version (see v16/index.ts): its actions and validators.
import { InternalError, MAX_DESCRIPTION_LENGTH, NotImplementedError, NotSupportedError, OcppError, TimeoutError, clip, quote } from './errors';
import { CALL, CALLRESULT, Call, CallError, CallResult, MAX_UNIQUE_ID_LENGTH, Malformed, has, unpack, uniqueIds } from './messages';
import { AFTER, AfterOptions, ByAction, HOOK_BITS, Handler, INJECT_RESPONSE, OnOptions, SKIP_VALIDATION, UNIQUE_ID, decoratedRoutes, optionBits } from './routing';
import { Protocol, REQUEST, RESPONSE } from './validation';

/** The websocket the ChargePoint runs on (the HAL's WebSocket is one). */
export interface Connection {
  /** Sends one text frame; false when it could not be sent (not open). */
  send(text: string): boolean;
  onmessage: ((text: string) => void) | null;
  onclose: ((code: number, reason: string) => void) | null;
}

export interface Logger {
  debug(text: string): void;
  info(text: string): void;
  warning(text: string): void;
  error(text: string): void;
}

export interface ChargePointOptions {
  /** Seconds call() waits for the answer (default 30). */
  responseTimeout?: number;
  /** Where the core reports what it ignores or refuses (the HAL's log). */
  log: Logger;
  /** The timers the response timeout runs on (the HAL's setTimeout). */
  setTimeout: (fn: () => void, ms: number) => { cancel(): void };
  /**
   * Optional: told about every message from the other side that is not valid OCPP (a bad
   * frame, a CALL or an answer that fails its schema), e.g. for the security event
   * InvalidMessages. The CALLERROR / rejection happens as without it.
   */
  onInvalid?: (description: string) => void;
}

export interface CallOptions {
  /** On a CALLERROR: resolve null (true, the default) or reject with the typed error (false). */
  suppress?: boolean;
  /** The CALL's unique id (1 to 36 characters); by default a fresh one never used on this connection. */
  uniqueId?: string;
  /** Neither the request nor the response is checked against its schema. */
  skipSchemaValidation?: boolean;
}

/** Payload types per action; a version binds its generated Requests / Responses maps. */
export interface AnyPayloads {
  [action: string]: any;
}

/** The actions of a version: those its generated Requests and Responses maps both name. */
export type ActionOf<Rq, Rs> = keyof Rq & keyof Rs & string;

/**
 * How a part of a station sends a CALL, typed by action over a version's generated Requests /
 * Responses maps: the payload is the action's request type, the promise resolves with its
 * response type and rejects on a CALLERROR, a timeout or a closed connection. `uniqueId`: the
 * CALL's unique id (absent: a fresh one). Types only, nothing of it is in a bundle.
 */
export type CallOf<Rq, Rs> = <A extends ActionOf<Rq, Rs>>(action: A, payload: Rq[A], uniqueId?: string) => Promise<Rs[A]>;

/** As CallOf, but a failure (not sent, CALLERROR, timeout: logged) resolves null instead of rejecting. */
export type SendOf<Rq, Rs> = <A extends ActionOf<Rq, Rs>>(action: A, payload: Rq[A]) => Promise<Rs[A] | null>;

interface Outgoing {
  action: string;
  uniqueId: string;
  text: string;
  suppress: boolean;
  skipSchemaValidation: boolean;
  resolve: (payload: unknown) => void;
  reject: (error: unknown) => void;
}

/** An error for a log line; its message may hold foreign input (a property name), so it is cut. */
function errorText(e: any): string {
  return clip(e && e.message !== undefined ? (e.name ? e.name + ': ' : '') + e.message : String(e), MAX_DESCRIPTION_LENGTH);
}

/**
 * Rq, Rs: the version's generated Requests / Responses maps (every action: the routes);
 * OutRq, OutRs: those of the actions call() sends, the charge point's own (the version's
 * OutgoingRequests / OutgoingResponses).
 */
export class ChargePoint<Rq extends object = AnyPayloads, Rs extends object = AnyPayloads, OutRq extends object = Rq, OutRs extends object = Rs> {
  readonly responseTimeout: number;
  protected readonly log: Logger;
  private readonly timers: ChargePointOptions['setTimeout'];
  private readonly onInvalid: (description: string) => void;
  // The routes: per action its `on` handler, its `after` hook, and their option bits (the
  // hook's shifted by HOOK_BITS; only where any is set). Three tables per ChargePoint, not an
  // object per action.
  private readonly handlers: ByAction<Handler> = {};
  private readonly hooks: ByAction<Handler> = {};
  private readonly flags: ByAction<number> = {};
  private readonly waiting: Outgoing[] = [];
  private inFlight: Outgoing | null = null;
  private timer: { cancel(): void } | null = null;
  private closed = false;
  private loop: Promise<void> | null = null;
  private loopDone: (() => void) | null = null;
  private readonly nextUniqueId = uniqueIds();
  /**
   * The response timer's callback, one per ChargePoint rather than a closure per call: free()
   * cancels the timer whenever the call in flight changes, so the timer that fires is the one
   * of the call in flight.
   */
  private readonly expire = () => this.timedOut();

  constructor(
    readonly id: string,
    protected readonly connection: Connection,
    options: ChargePointOptions,
    /** The OCPP version's actions and validators; null: no validation, any action. */
    protected readonly protocol: Protocol | null = null
  ) {
    if (!options || !options.log || !options.setTimeout) throw new Error('ChargePoint needs options.log and options.setTimeout (the HAL provides them)');
    this.log = options.log;
    this.timers = options.setTimeout;
    this.onInvalid = options.onInvalid || (() => undefined);
    this.responseTimeout = options.responseTimeout === undefined ? 30 : options.responseTimeout;
    const previous = connection.onclose;
    connection.onclose = (code, reason) => {
      this.closedBy(code, reason);
      if (previous) previous(code, reason);
    };
    // A decorated method is its route's handler itself (handlers run with the ChargePoint as
    // `this`): no closure per route and instance.
    const decorated = decoratedRoutes(this);
    for (let i = 0; i < decorated.length; i += 3) this.serve(decorated[i] as string, (this as any)[decorated[i + 1]], decorated[i + 2] as number);
  }

  // ---- routing ----------------------------------------------------------------------------

  /** `handler` answers the CALLs of `action` (replacing an earlier one); it runs with the ChargePoint as `this`. */
  on<A extends keyof Rq & string>(action: A, handler: (payload: Rq[A], uniqueId?: string) => Rs[A & keyof Rs] | Promise<Rs[A & keyof Rs]>, options?: OnOptions): void {
    this.serve(action, handler as Handler, optionBits(options));
  }

  /** `handler` runs once the answer to a CALL of `action` was sent (with the unique id and the answer when the options ask for them), with the ChargePoint as `this`. */
  after<A extends keyof Rq & string>(action: A, handler: (payload: Rq[A], uniqueId?: string, response?: Rs[A & keyof Rs]) => unknown, options?: AfterOptions): void {
    this.serve(action, handler as Handler, AFTER | optionBits(options));
  }

  /** `handler` as the `on` handler of `action`, or its `after` hook (flags: AFTER and the option bits; each kind keeps its own). */
  private serve(action: string, handler: Handler, flags: number): void {
    const hook = flags & AFTER;
    (hook ? this.hooks : this.handlers)[action] = handler;
    const old = this.flagsOf(action);
    const bits = hook ? (old & (SKIP_VALIDATION | UNIQUE_ID)) | ((flags & (UNIQUE_ID | INJECT_RESPONSE)) << HOOK_BITS) : (old & ~(SKIP_VALIDATION | UNIQUE_ID)) | (flags & (SKIP_VALIDATION | UNIQUE_ID));
    if (bits || old) this.flags[action] = bits;
  }

  /** The option bits of `action`'s handler and hook (see flags). */
  private flagsOf(action: string): number {
    return has(this.flags, action) ? this.flags[action] : 0;
  }

  // ---- the receive loop ---------------------------------------------------------------------

  /** Starts reading frames; resolves when the connection closes. */
  start(): Promise<void> {
    if (!this.loop) {
      this.loop = new Promise<void>((resolve) => (this.loopDone = resolve));
      this.connection.onmessage = (text) => this.receive(text);
      if (this.closed && this.loopDone) this.loopDone();
    }
    return this.loop;
  }

  private receive(text: string): void {
    try {
      const message = unpack(text);
      if (message instanceof Malformed) {
        const error = this.versionOf(message.error, true);
        const what = 'bad frame (' + error.code + ': ' + error.description + ')';
        this.log.warning(what);
        this.onInvalid(what);
        if (message.answer) this.refusedAnswer(message.uniqueId, error);
        else this.answerError(message.uniqueId, error);
      } else if (message.type === CALL) {
        this.route(message as Call);
      } else {
        this.answered(message as CallResult | CallError);
      }
    } catch (e) {
      // Only a bug gets here; the loop must go on.
      this.log.error('receive loop: ' + errorText(e));
    }
  }

  private route(call: Call): void {
    const action = call.action;
    const on = has(this.handlers, action) ? this.handlers[action] : null;
    const hook = has(this.hooks, action) ? this.hooks[action] : null;
    const flags = this.flagsOf(action);
    const protocol = this.protocol;
    let error: OcppError | null = null;
    if (protocol && !protocol.isAction(action)) error = new NotImplementedError(quote(action) + ' is not an OCPP ' + protocol.version + ' action');
    else if (!on) error = protocol ? new NotSupportedError(action + ' is not supported') : new NotImplementedError(quote(action) + ' is not known');
    else if (protocol && !(flags & SKIP_VALIDATION)) {
      error = protocol.validate(action, REQUEST, call.payload);
      if (error) this.onInvalid('CALL ' + action + ': ' + error.code + (error.description ? ': ' + error.description : ''));
    }
    if (error || !on) {
      this.log.warning('CALL ' + quote(action) + ' (' + quote(call.uniqueId) + ') refused: ' + (error as OcppError).code);
      this.answerError(call.uniqueId, error as OcppError);
      return;
    }
    let answer: Promise<any>;
    try {
      answer = Promise.resolve(flags & UNIQUE_ID ? on.call(this, call.payload, call.uniqueId) : on.call(this, call.payload));
    } catch (e) {
      answer = Promise.reject(e);
    }
    answer.then(
      (response) => this.answer(call, flags, hook, response === undefined ? {} : response),
      (e) => this.handlerFailed(call, e)
    );
  }

  /** The handler's `response` to `call` goes out, then the action's `after` hook runs (flags: the action's option bits). */
  private answer(call: Call, flags: number, after: Handler | null, response: unknown): void {
    const protocol = this.protocol;
    const invalid = protocol && !(flags & SKIP_VALIDATION) ? protocol.validate(call.action, RESPONSE, response) : null;
    if (invalid) {
      this.log.error('the handler of ' + call.action + ' answered an invalid payload: ' + invalid.description);
      this.answerError(call.uniqueId, new InternalError(call.action + ': the charge point produced an invalid response'));
      return;
    }
    let text: string;
    try {
      text = new CallResult(call.uniqueId, response).pack();
    } catch (e) {
      this.handlerFailed(call, e);
      return;
    }
    if (!this.connection.send(text)) {
      this.log.warning('the answer to ' + call.action + ' (' + call.uniqueId + ') could not be sent: connection closed');
      return;
    }
    if (!after) return;
    try {
      const bits = flags >> HOOK_BITS;
      const uniqueId = bits & UNIQUE_ID ? call.uniqueId : undefined;
      const r = bits & INJECT_RESPONSE ? after.call(this, call.payload, uniqueId, response) : bits & UNIQUE_ID ? after.call(this, call.payload, uniqueId) : after.call(this, call.payload);
      if (r && typeof r.then === 'function') r.then(undefined, (e: unknown) => this.log.error('after ' + call.action + ': ' + errorText(e)));
    } catch (e) {
      this.log.error('after ' + call.action + ': ' + errorText(e));
    }
  }

  /** A handler threw: its OCPP error goes back as is; anything else as InternalError (no stack). */
  private handlerFailed(call: Call, e: unknown): void {
    if (e instanceof OcppError) {
      this.answerError(call.uniqueId, e);
      return;
    }
    this.log.error('the handler of ' + call.action + ' failed: ' + errorText(e));
    this.answerError(call.uniqueId, new InternalError(call.action + ' could not be processed'));
  }

  private answerError(uniqueId: string, error: OcppError): void {
    this.connection.send(CallError.from(uniqueId, this.versionOf(error, false)).pack());
  }

  /** The error under the version's own code (see Protocol.translate). */
  private versionOf(error: OcppError, framing: boolean): OcppError {
    const protocol = this.protocol;
    return protocol && protocol.translate ? protocol.translate(error, framing) : error;
  }

  /**
   * A CALLRESULT / CALLERROR refused before it was parsed (too large, too deep): the call in
   * flight it answers rejects with that error at once, as for an answer that fails its schema;
   * one for no call is ignored like any answer to nobody.
   */
  private refusedAnswer(uniqueId: string, error: OcppError): void {
    const out = this.inFlight;
    if (!out || out.uniqueId !== uniqueId) {
      this.log.warning('refused answer for unknown unique id ' + quote(uniqueId) + ' ignored');
      return;
    }
    this.free();
    out.reject(error);
    this.pump();
  }

  /** A CALLRESULT / CALLERROR: the answer to the call in flight, or ignored. */
  private answered(message: CallResult | CallError): void {
    const out = this.inFlight;
    const kind = message.type === CALLRESULT ? 'CALLRESULT' : 'CALLERROR';
    if (!out || out.uniqueId !== message.uniqueId) {
      this.log.warning(kind + ' for unknown unique id ' + quote(message.uniqueId) + ' ignored');
      return;
    }
    this.free();
    if (message instanceof CallResult) {
      const protocol = this.protocol;
      const invalid = protocol && !out.skipSchemaValidation ? protocol.validate(out.action, RESPONSE, message.payload) : null;
      if (invalid) {
        this.log.warning('invalid answer to ' + out.action + ' (' + out.uniqueId + '): ' + invalid.description);
        this.onInvalid('answer to ' + out.action + ': ' + invalid.code + ': ' + invalid.description);
        out.reject(invalid);
      } else {
        out.resolve(message.payload);
      }
    } else {
      const error = (message as CallError).toError();
      this.log.warning(out.action + ' (' + out.uniqueId + ') answered with ' + quote(error.code) + (error.description ? ': ' + quote(error.description) : ''));
      if (out.suppress) out.resolve(null);
      else out.reject(error);
    }
    this.pump();
  }

  // ---- calls ----------------------------------------------------------------------------------

  /**
   * Sends a CALL and resolves with the CALLRESULT's payload. The request is validated first
   * (a bad one rejects with its OCPP error). On a CALLERROR: null with `suppress` (default),
   * else a rejection with the typed OcppError. No answer within responseTimeout: TimeoutError.
   * Connection closed (or closing while waiting): Error.
   *
   * Typed by action: the payload is the action's generated request type, the answer its
   * response type. An action the version does not define (a vendor's) or a payload outside
   * its schema goes out only untyped and unchecked, with `skipSchemaValidation: true`
   * spelled out; its answer is `unknown` (nothing checked it).
   */
  call<A extends ActionOf<OutRq, OutRs>>(action: A, payload: OutRq[A], options: CallOptions & { suppress: false }): Promise<OutRs[A]>;
  call<A extends ActionOf<OutRq, OutRs>>(action: A, payload: OutRq[A], options?: CallOptions): Promise<OutRs[A] | null>;
  call(action: string, payload: unknown, options: CallOptions & { skipSchemaValidation: true }): Promise<unknown>;
  call(action: string, payload: unknown, options?: CallOptions): Promise<unknown> {
    const o = options || {};
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('connection closed'));
      const protocol = this.protocol;
      const invalid = protocol && !o.skipSchemaValidation ? protocol.validate(action, REQUEST, payload) : null;
      if (invalid) return reject(invalid);
      const uniqueId = o.uniqueId === undefined ? this.nextUniqueId() : o.uniqueId;
      if (typeof uniqueId !== 'string' || !uniqueId || uniqueId.length > MAX_UNIQUE_ID_LENGTH) {
        return reject(new Error('uniqueId must be a string of 1 to ' + MAX_UNIQUE_ID_LENGTH + ' characters'));
      }
      let text: string;
      try {
        text = new Call(uniqueId, action, payload).pack();
      } catch (e) {
        return reject(e);
      }
      this.waiting.push({ action, uniqueId, text, suppress: o.suppress !== false, skipSchemaValidation: !!o.skipSchemaValidation, resolve, reject });
      this.pump();
    });
  }

  /** Sends the next waiting CALL when none is in flight. */
  private pump(): void {
    while (!this.inFlight && this.waiting.length) {
      const out = this.waiting.shift() as Outgoing;
      if (this.closed || !this.connection.send(out.text)) {
        out.reject(new Error('connection closed: ' + out.action + ' not sent'));
        continue;
      }
      this.inFlight = out;
      this.timer = this.timers(this.expire, this.responseTimeout * 1000);
    }
  }

  private timedOut(): void {
    const out = this.inFlight;
    this.timer = null;
    if (!out) return;
    this.free();
    this.log.warning('no answer to ' + out.action + ' (' + out.uniqueId + ') within ' + this.responseTimeout + ' s');
    out.reject(new TimeoutError(out.action + ' timed out after ' + this.responseTimeout + ' s', out.action, out.uniqueId));
    this.pump();
  }

  private free(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
    this.inFlight = null;
  }

  private closedBy(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const out = this.inFlight;
    this.free();
    const failed = out ? [out].concat(this.waiting) : this.waiting.slice();
    this.waiting.length = 0;
    for (let i = 0; i < failed.length; i++) failed[i].reject(new Error('connection closed (' + code + (reason ? ' ' + reason : '') + ') before ' + failed[i].action + ' was answered'));
    if (this.loopDone) this.loopDone();
  }
}

