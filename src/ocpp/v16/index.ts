// OCPP 1.6J: the ChargePoint bound to the 1.6 actions and validators (all 28 core-profile
// actions and the 11 of the security extension), and the generated payload types.
import { ChargePoint as BaseChargePoint, ChargePointOptions, Connection } from '../charge-point';
import { Protocol, textProtocol } from '../validation';
import { tables } from './generated/schemas';
import { OutgoingRequests, OutgoingResponses, Requests, Responses } from './generated/types';

export * from './generated/types';

/** OCPP 1.6's actions and validators. */
export const ocpp16: Protocol = textProtocol('1.6', tables);

export class ChargePoint extends BaseChargePoint<Requests, Responses, OutgoingRequests, OutgoingResponses> {
  constructor(id: string, connection: Connection, options: ChargePointOptions) {
    super(id, connection, options, ocpp16);
  }
}
