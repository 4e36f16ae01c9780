// The error codes OCPP-J 2.0.1 has where 1.6's differ (OCPP 2.0.1 part 4, section 4.3,
// table 8 "Valid Error Codes"), and the translation of the core's 1.6-named errors into them.
// 2.0.1 has no FormationViolation and no OccurenceConstraintViolation (spelled so in 1.6);
// CALLRESULTERROR and SEND are OCPP 2.1's, not 2.0.1's.
import { FormationViolationError, OccurenceConstraintViolationError, OcppError, UnknownMessageTypeError, errorClass } from '../errors';

/** Payload for the action is syntactically incorrect (1.6's FormationViolation). */
export const FormatViolationError = errorClass('FormatViolation', FormationViolationError);
export type FormatViolationError = OcppError;
/** A field violates occurrence constraints (1.6's OccurenceConstraintViolation, spelled right). */
export const OccurrenceConstraintViolationError = errorClass('OccurrenceConstraintViolation', OccurenceConstraintViolationError);
export type OccurrenceConstraintViolationError = OcppError;
/** A message with a message type number this implementation does not support (section 4.4). */
export const MessageTypeNotSupportedError = errorClass('MessageTypeNotSupported');
export type MessageTypeNotSupportedError = OcppError;
/** The content of the frame is not a valid RPC request, e.g. its message id cannot be read. */
export const RpcFrameworkError = errorClass('RpcFrameworkError');
export type RpcFrameworkError = OcppError;

/**
 * The 2.0.1 error for one the core raised. A frame that is no OCPP-J message gets
 * RpcFrameworkError (MessageTypeNotSupported for an unknown message type, section 4.4); a
 * payload FormatViolation / OccurrenceConstraintViolation for 1.6's two names. (Every
 * description the core sends is at most 255 characters, ErrorDescription's string[255] in
 * table 7, for both versions.)
 */
export function translate(error: OcppError, framing: boolean): OcppError {
  const code = error.code;
  const cls = framing
    ? error instanceof UnknownMessageTypeError
      ? MessageTypeNotSupportedError
      : RpcFrameworkError
    : code === 'FormationViolation'
      ? FormatViolationError
      : code === 'OccurenceConstraintViolation'
        ? OccurrenceConstraintViolationError
        : null;
  return cls ? new cls(error.description, error.details) : error;
}
