// OCPP-J RPC framing (OCPP-J 1.6, section 4): the three message types, packing them into
// JSON text and unpacking what the other side sent, and unique ids.
//   CALL        [2, uniqueId, action, payload]
//   CALLRESULT  [3, uniqueId, payload]
//   CALLERROR   [4, uniqueId, errorCode, errorDescription, errorDetails]
import { ErrorDetails, FormationViolationError, MAX_DESCRIPTION_LENGTH, OcppError, ProtocolError, UnknownMessageTypeError, clip, errorFromCallError, quote } from './errors';

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;

/** Unique ids are at most 36 characters (a UUID's length). */
export const MAX_UNIQUE_ID_LENGTH = 36;

/**
 * Frames are refused before JSON.parse when they are longer than this (characters) or nest
 * arrays and objects deeper than MAX_FRAME_DEPTH (the frame's own array is level 1). OCPP
 * payloads need a few levels (a 1.6 SetChargingProfile six, a 2.0.1 NotifyReport seven) and
 * a few KB (a certificate chain 10,000 characters); a frame nested thousands deep would run
 * the parser's recursion down the host's native stack, and one of megabytes the heap out.
 */
export const MAX_FRAME_LENGTH = 65536;
export const MAX_FRAME_DEPTH = 32;

export class Call {
  /** CALL (on the prototype: no slot per message). */
  declare readonly type: typeof CALL;
  /** The frame's JSON text. */
  declare pack: () => string;
  constructor(
    readonly uniqueId: string,
    readonly action: string,
    readonly payload: unknown
  ) {}
}

export class CallResult {
  declare readonly type: typeof CALLRESULT;
  declare pack: () => string;
  constructor(
    readonly uniqueId: string,
    readonly payload: unknown
  ) {}
}

export class CallError {
  declare readonly type: typeof CALLERROR;
  declare pack: () => string;
  readonly description: string;
  constructor(
    readonly uniqueId: string,
    readonly code: string,
    description: string,
    readonly details: ErrorDetails
  ) {
    // At most MAX_DESCRIPTION_LENGTH, the '…' included (OCPP-J 2.0.1's ErrorDescription is a string[255]).
    this.description = description.length > MAX_DESCRIPTION_LENGTH ? clip(description, MAX_DESCRIPTION_LENGTH - 1) : description;
  }
  /** The CALLERROR answering a CALL that failed with `error`. */
  static from(uniqueId: string, error: OcppError): CallError {
    return new CallError(uniqueId, error.code, error.description, error.details);
  }
  /** The typed error (NotImplementedError, ...) this CALLERROR stands for. */
  toError(): OcppError {
    return errorFromCallError(this.code, this.description, this.details);
  }
}

/** The JSON text of any of the three messages: one function for their prototypes, not a method each. */
function packMessage(this: Message): string {
  const m = this;
  return JSON.stringify(m.type === CALL ? [CALL, m.uniqueId, m.action, m.payload] : m.type === CALLRESULT ? [CALLRESULT, m.uniqueId, m.payload] : [CALLERROR, m.uniqueId, m.code, m.description, m.details]);
}
(Call.prototype as { type: number }).type = CALL;
(CallResult.prototype as { type: number }).type = CALLRESULT;
(CallError.prototype as { type: number }).type = CALLERROR;
Call.prototype.pack = CallResult.prototype.pack = CallError.prototype.pack = packMessage;

/**
 * A frame that is not a valid OCPP-J message, with the error to answer it with and the
 * unique id to answer to: the frame's if one could be read, else "-1".
 */
export class Malformed {
  declare readonly type: 0;
  constructor(
    readonly uniqueId: string,
    readonly error: OcppError,
    /** A CALLRESULT / CALLERROR refused before it was parsed: not answered, it fails its call. */
    readonly answer = false
  ) {}
}
(Malformed.prototype as { type: number }).type = 0;

export type Message = Call | CallResult | CallError;

// What the core asks of a parsed JSON value (one copy each for its modules).

/** A JSON object: not null, not an array. */
export function isObject(v: unknown): v is { [k: string]: unknown } {
  return v !== null && typeof v === 'object' && !isArray(v);
}

export function isArray(v: unknown): v is unknown[] {
  return Object.prototype.toString.call(v) === '[object Array]';
}

/** `o` has its own property `k` (a name from the other side may be "__proto__" or "constructor"). */
export function has(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/**
 * Parses one text frame. Never throws: anything that is not an OCPP-J message comes back
 * as Malformed — FormationViolation when it is not one at all (not JSON, not an array, no
 * readable unique id or action), ProtocolError when the RPC framework's rules are broken
 * (unknown message type, wrong number of elements).
 */
/**
 * Whether `text` nests arrays and objects deeper than `max` (brackets inside strings do not
 * count). One pass without recursion and without allocating: it runs before JSON.parse.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote not escaped by an odd run of backslashes.
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return false; // unterminated: JSON.parse refuses it
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        i = end;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * A frame that cannot be parsed, as Malformed: with the id at its start (or "-1"), an answer or
 * not. The start is read without parsing the frame: its message type and a unique id without
 * escapes (the expression made here, for the rare refused frame, not held by every bundle).
 */
function refused(text: string, error: OcppError): Malformed {
  const m = /^\s*\[\s*(\d+)\s*,\s*"([^"\\]{1,36})"/.exec(text.length > 256 ? text.substring(0, 256) : text);
  return m ? new Malformed(m[2], error, +m[1] === CALLRESULT || +m[1] === CALLERROR) : new Malformed('-1', error);
}

export function unpack(text: string): Message | Malformed {
  if (text.length > MAX_FRAME_LENGTH) {
    return refused(text, new FormationViolationError('Message of ' + text.length + ' characters is longer than the limit of ' + MAX_FRAME_LENGTH));
  }
  if (nestsDeeperThan(text, MAX_FRAME_DEPTH)) {
    return refused(text, new FormationViolationError('Message nests deeper than ' + MAX_FRAME_DEPTH + ' levels'));
  }
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (e) {
    // A SyntaxError is bad JSON (its id unreadable); anything else (out of memory) is not
    // the frame's fault alone, and the frame's id is answered when it can be read.
    if (e instanceof SyntaxError) return new Malformed('-1', new FormationViolationError('Message is not valid JSON'));
    return refused(text, new FormationViolationError('Message could not be parsed: ' + quote(e instanceof Error ? e.message : e)));
  }
  if (!isArray(frame)) return new Malformed('-1', new FormationViolationError('Message is not a JSON array'));
  const type = frame[0];
  const id = frame[1];
  if (typeof id !== 'string' || !id || id.length > MAX_UNIQUE_ID_LENGTH) {
    return new Malformed('-1', new FormationViolationError('Unique id is not a string of 1 to ' + MAX_UNIQUE_ID_LENGTH + ' characters'));
  }
  const n = frame.length;
  if (type === CALL) {
    if (n !== 4) return new Malformed(id, new ProtocolError('CALL has ' + n + ' elements, not 4'));
    if (typeof frame[2] !== 'string') return new Malformed(id, new FormationViolationError('Action is not a string'));
    return new Call(id, frame[2] as string, frame[3]);
  }
  if (type === CALLRESULT) {
    if (n !== 3) return new Malformed(id, new ProtocolError('CALLRESULT has ' + n + ' elements, not 3'));
    return new CallResult(id, frame[2]);
  }
  if (type === CALLERROR) {
    // Lenient in what we accept: the details (and even the description) may be missing.
    if (n < 3 || n > 5 || typeof frame[2] !== 'string') return new Malformed(id, new ProtocolError('CALLERROR is not [4, id, code, description, details]'));
    return new CallError(id, frame[2] as string, typeof frame[3] === 'string' ? (frame[3] as string) : '', isObject(frame[4]) ? (frame[4] as ErrorDetails) : {});
  }
  return new Malformed(id, new UnknownMessageTypeError('Unknown message type ' + quote(JSON.stringify(type))));
}

/** Packs a message into its JSON text. */
export function pack(message: Message): string {
  return message.pack();
}

/**
 * Unique ids for the CALLs of one connection: a random prefix and a counter, so an id is
 * never reused on the connection and is unlikely to repeat one of an earlier connection.
 * At most 4 + 1 + 7 characters for the first 78 billion calls.
 */
export function uniqueIds(): () => string {
  const prefix = Math.floor(Math.random() * 1679616).toString(36); // 36^4
  let count = 0;
  return () => prefix + '-' + (++count).toString(36);
}
