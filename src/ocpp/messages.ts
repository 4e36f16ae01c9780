// OCPP-J RPC framing (OCPP-J 1.6, section 4): the three message types, packing them into
// JSON text and unpacking what the other side sent, and unique ids.
//   CALL        [2, uniqueId, action, payload]
//   CALLRESULT  [3, uniqueId, payload]
//   CALLERROR   [4, uniqueId, errorCode, errorDescription, errorDetails]
import { ErrorDetails, FormationViolationError, OcppError, ProtocolError, errorFromCallError } from './errors';

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;

/** Unique ids are at most 36 characters (a UUID's length). */
export const MAX_UNIQUE_ID_LENGTH = 36;

export class Call {
  readonly type = CALL;
  constructor(
    readonly uniqueId: string,
    readonly action: string,
    readonly payload: unknown
  ) {}
  pack(): string {
    return JSON.stringify([CALL, this.uniqueId, this.action, this.payload]);
  }
}

export class CallResult {
  readonly type = CALLRESULT;
  constructor(
    readonly uniqueId: string,
    readonly payload: unknown
  ) {}
  pack(): string {
    return JSON.stringify([CALLRESULT, this.uniqueId, this.payload]);
  }
}

export class CallError {
  readonly type = CALLERROR;
  constructor(
    readonly uniqueId: string,
    readonly code: string,
    readonly description: string,
    readonly details: ErrorDetails
  ) {}
  /** The CALLERROR answering a CALL that failed with `error`. */
  static from(uniqueId: string, error: OcppError): CallError {
    return new CallError(uniqueId, error.code, error.description, error.details);
  }
  pack(): string {
    return JSON.stringify([CALLERROR, this.uniqueId, this.code, this.description, this.details]);
  }
  /** The typed error (NotImplementedError, ...) this CALLERROR stands for. */
  toError(): OcppError {
    return errorFromCallError(this.code, this.description, this.details);
  }
}

/**
 * A frame that is not a valid OCPP-J message, with the error to answer it with and the
 * unique id to answer to: the frame's if one could be read, else "-1".
 */
export class Malformed {
  readonly type = 0;
  constructor(
    readonly uniqueId: string,
    readonly error: OcppError
  ) {}
}

export type Message = Call | CallResult | CallError;

function isObject(v: unknown): v is { [k: string]: unknown } {
  return v !== null && typeof v === 'object' && !isArray(v);
}

export function isArray(v: unknown): v is unknown[] {
  return Object.prototype.toString.call(v) === '[object Array]';
}

/**
 * Parses one text frame. Never throws: anything that is not an OCPP-J message comes back
 * as Malformed — FormationViolation when it is not one at all (not JSON, not an array, no
 * readable unique id or action), ProtocolError when the RPC framework's rules are broken
 * (unknown message type, wrong number of elements).
 */
export function unpack(text: string): Message | Malformed {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (e) {
    return new Malformed('-1', new FormationViolationError('Message is not valid JSON'));
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
  return new Malformed(id, new ProtocolError('Unknown message type ' + JSON.stringify(type)));
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
