// The OCPP core's public API (version-independent). The OCPP 1.6 ChargePoint and message
// types are in ./v16, OCPP 2.0.1's in ./v201.
export { ChargePoint, ChargePointOptions, CallOptions, Connection, Logger, ActionOf, CallOf, SendOf } from './charge-point';
export { on, after, OnOptions, AfterOptions, Handler } from './routing';
export {
  OcppError,
  NotImplementedError,
  NotSupportedError,
  InternalError,
  ProtocolError,
  SecurityError,
  FormationViolationError,
  PropertyConstraintViolationError,
  OccurenceConstraintViolationError,
  TypeConstraintViolationError,
  GenericError,
  UnknownMessageTypeError,
  TimeoutError,
  registerErrorCode,
  ErrorDetails,
} from './errors';
export { Call, CallResult, CallError, Malformed, Message, pack, unpack, uniqueIds, CALL, CALLRESULT, CALLERROR } from './messages';
export { Protocol, SchemaTable, CompactSchemas, tableProtocol, compactProtocol, textProtocol, tablesText } from './validation';
