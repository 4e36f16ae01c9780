// OCPP 2.0.1: the ChargePoint bound to the 2.0.1 actions, validators and error codes (OCPP-J
// 2.0.1's names for them, see ./errors), and the generated payload types.
import { ChargePoint as BaseChargePoint, ChargePointOptions, Connection } from '../charge-point';
import { Protocol, textProtocol } from '../validation';
import { translate } from './errors';
import { tables } from './generated/schemas';
import { OutgoingRequests, OutgoingResponses, Requests, Responses } from './generated/types';

export * from './generated/types';
export { FormatViolationError, OccurrenceConstraintViolationError, MessageTypeNotSupportedError, RpcFrameworkError } from './errors';

/** OCPP 2.0.1's actions, validators and error codes. */
export const ocpp201: Protocol = textProtocol('2.0.1', tables, translate);

export class ChargePoint extends BaseChargePoint<Requests, Responses, OutgoingRequests, OutgoingResponses> {
  constructor(id: string, connection: Connection, options: ChargePointOptions) {
    super(id, connection, options, ocpp201);
  }
}
