// OCPP-J errors: one class per error code of OCPP-J 1.6 (section 4.2.3), as thrown by
// handlers, by the validators, and by call() when the other side answers with a CALLERROR;
// plus TimeoutError for a call() that got no answer within the response timeout. A version
// with codes of its own registers their classes (v201/errors.ts).

/**
 * A base class whose instances are real Errors after tsc's ES5 down-levelling: a class that
 * extends Error directly gets a plain Error back from the super call in ES5 (instanceof
 * breaks); a constructor function with Error.prototype in its chain does not.
 */
interface ErrorBaseConstructor {
  new (message: string): Error;
}
const ErrorBase = function (this: Error, message: string) {
  this.message = message;
} as unknown as ErrorBaseConstructor;
ErrorBase.prototype = Object.create(Error.prototype);

/**
 * Text from the other side (an action name, a property name, a CALLERROR's description) is
 * quoted in an error description or a log line cut to this many characters, then '…': a
 * hostile frame cannot make us send or log more than it is worth.
 */
export const MAX_QUOTED_LENGTH = 64;
/** A CALLERROR description we send is at most this long (our own texts stay far below it). */
export const MAX_DESCRIPTION_LENGTH = 255;

/** `text` cut to `max` characters (a surrogate pair is never split), then '…'. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.substring(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max) + '\u2026';
}

/**
 * Foreign input as it may be quoted: at most MAX_QUOTED_LENGTH characters then '…', control
 * characters (a forged log line's newline) as '?'. A value that is not a string is quoted as
 * its JSON.
 */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : String(JSON.stringify(value));
  } catch (e) {
    text = String(value);
  }
  return clip(text, MAX_QUOTED_LENGTH).replace(/[\u0000-\u001f\u007f]/g, '?');
}

export interface ErrorDetails {
  [key: string]: unknown;
}

export class OcppError extends ErrorBase {
  /** The OCPP-J error code sent in a CALLERROR. */
  readonly code!: string;
  readonly description: string;
  readonly details: ErrorDetails;

  constructor(description?: string, details?: ErrorDetails) {
    super(description || '');
    this.description = description || '';
    this.details = details || {};
  }
}
OcppError.prototype.name = 'OcppError';
(OcppError.prototype as { code: string }).code = 'GenericError';

const CLASSES: { [code: string]: typeof OcppError } = {};

/**
 * One subclass per code; `code` and `name` live on the prototype (no per-instance cost). A
 * CALLERROR received with this code becomes an instance of `cls`.
 */
export function registerErrorCode(cls: typeof OcppError, code: string): void {
  const proto = cls.prototype as { code: string; name: string };
  proto.code = code;
  proto.name = code + 'Error';
  CLASSES[code] = cls;
}

/**
 * A subclass of `parent`: a constructor over one shared function body, not a class each
 * (what tsc's ES5 class wrappers cost: a function with bytecode of its own per class, and the
 * code that builds it). `new` and `instanceof` work as for a class, and a class may extend it.
 */
function subclass(parent: typeof OcppError): typeof OcppError {
  const cls = function (this: OcppError, description?: string, details?: ErrorDetails) {
    return (parent as unknown as (this: OcppError, description?: string, details?: ErrorDetails) => OcppError | void).call(this, description, details) || this;
  } as unknown as typeof OcppError;
  cls.prototype = Object.create(parent.prototype);
  cls.prototype.constructor = cls;
  return cls;
}

/** The subclass of `parent` (default OcppError) for `code`, registered (registerErrorCode). */
export function errorClass(code: string, parent?: typeof OcppError): typeof OcppError {
  const cls = subclass(parent || OcppError);
  registerErrorCode(cls, code);
  return cls;
}

/** The requested action is not known by the receiver. */
export const NotImplementedError = errorClass('NotImplemented');
export type NotImplementedError = OcppError;
/** The requested action is recognized but not supported by the receiver. */
export const NotSupportedError = errorClass('NotSupported');
export type NotSupportedError = OcppError;
/** An internal error occurred and the receiver could not process the requested action. */
export const InternalError = errorClass('InternalError');
export type InternalError = OcppError;
/** The payload for the action is incomplete. */
export const ProtocolError = errorClass('ProtocolError');
export type ProtocolError = OcppError;
/** A security issue occurred during the processing of the action. */
export const SecurityError = errorClass('SecurityError');
export type SecurityError = OcppError;
/** The payload is syntactically incorrect or does not conform to the PDU structure. */
export const FormationViolationError = errorClass('FormationViolation');
export type FormationViolationError = OcppError;
/** A field of the payload contains an invalid value. */
export const PropertyConstraintViolationError = errorClass('PropertyConstraintViolation');
export type PropertyConstraintViolationError = OcppError;
/** A field violates occurrence constraints (the spec's spelling: "Occurence"). */
export const OccurenceConstraintViolationError = errorClass('OccurenceConstraintViolation');
export type OccurenceConstraintViolationError = OcppError;
/** A field violates data type constraints (e.g. "somestring": 12). */
export const TypeConstraintViolationError = errorClass('TypeConstraintViolation');
export type TypeConstraintViolationError = OcppError;
/** Any other error. */
export const GenericError = errorClass('GenericError');
export type GenericError = OcppError;
/**
 * A frame of an unknown message type: a ProtocolError in OCPP-J 1.6, MessageTypeNotSupported in
 * 2.0.1 (its section 4.4).
 */
export const UnknownMessageTypeError = subclass(ProtocolError);
export type UnknownMessageTypeError = OcppError;

/**
 * The typed error for a CALLERROR received from the other side. An unknown code (e.g. the
 * 2.0.1 "FormatViolation" where the 2.0.1 binding is not loaded) still gives an OcppError
 * carrying that code.
 */
export function errorFromCallError(code: string, description: string, details: ErrorDetails): OcppError {
  const cls = Object.prototype.hasOwnProperty.call(CLASSES, code) ? CLASSES[code] : null;
  if (cls) return new cls(description, details);
  const e = new GenericError(description, details);
  (e as { code: string }).code = code;
  return e;
}

/** call() got no CALLRESULT / CALLERROR within the response timeout (not an OCPP error code). */
export class TimeoutError extends ErrorBase {
  constructor(
    message: string,
    readonly action: string,
    readonly uniqueId: string
  ) {
    super(message);
  }
}
TimeoutError.prototype.name = 'TimeoutError';
