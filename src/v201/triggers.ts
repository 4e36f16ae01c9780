// TriggerMessage (F06) as a registry: each feature adds the messages it can send on request
// (provisioning its BootNotification, availability its StatusNotification and Heartbeat,
// the transactions their TransactionEvent and MeterValues), so the TriggerMessage route
// knows nothing of the features.
import { EVSE, MessageTriggerEnum, TriggerMessageStatusEnum } from '../ocpp/v201/generated/types';

export interface TriggerTarget {
  /** Can the message be sent now (for this EVSE)? Default: Accepted. */
  status?: (evse?: EVSE) => TriggerMessageStatusEnum;
  /** Sends it (for one EVSE / connector, or all when none is given). */
  send: (evse?: EVSE) => void;
}

export class Triggers {
  private readonly targets: { [message: string]: TriggerTarget } = {};

  add(message: MessageTriggerEnum, target: TriggerTarget): void {
    this.targets[message] = target;
  }

  /** The target of a message, or null when nothing here sends it (NotImplemented). */
  target(message: MessageTriggerEnum): TriggerTarget | null {
    return Object.prototype.hasOwnProperty.call(this.targets, message) ? this.targets[message] : null;
  }
}
