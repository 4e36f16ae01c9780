// TriggerMessage and ExtendedTriggerMessage as a registry: each feature adds the messages it
// can send on request (the Core its boot, heartbeat, status and meter values; Firmware
// Management its status notifications; the security extension its own), so the handlers of
// the two actions know nothing of the features.
import { ExtendedMessageTrigger, MessageTrigger, TriggerMessageStatus } from '../../ocpp/v16/generated/types';

export type TriggerableMessage = MessageTrigger | ExtendedMessageTrigger;

export interface TriggerTarget {
  /** Can the message be sent now? Default: Accepted. */
  status?: () => TriggerMessageStatus;
  /** Sends it (for one connector, or all when none is given). */
  send: (connectorId?: number) => void;
}

export class Triggers {
  private readonly targets: { [message: string]: TriggerTarget } = {};
  private readonly extendedTargets: { [message: string]: TriggerTarget } = {};

  /** `hasConnector(id)`: does connector id (1..n) exist? Connector 0 is the charge point. */
  constructor(private readonly hasConnector: (connectorId: number) => boolean) {}

  /** A TriggerMessage target (also one of ExtendedTriggerMessage's, unless that has its own). */
  add(message: MessageTrigger, target: TriggerTarget): void {
    this.targets[message] = target;
  }

  /**
   * An ExtendedTriggerMessage target. With a `status` of its own it is the whole answer (no
   * connector check); without, the TriggerMessage target's status applies and only the
   * sending differs (e.g. SignedFirmwareStatusNotification instead of FirmwareStatusNotification).
   */
  addExtended(message: ExtendedMessageTrigger, target: TriggerTarget): void {
    this.extendedTargets[message] = target;
  }

  /** The answer to a TriggerMessage (extended: to an ExtendedTriggerMessage). */
  status(message: TriggerableMessage, connectorId: number | undefined, extended: boolean): TriggerMessageStatus {
    const own = extended ? this.extendedOf(message) : null;
    if (own && own.status) return own.status();
    if (connectorId !== undefined && connectorId !== 0 && !this.hasConnector(connectorId)) return 'Rejected';
    const target = this.baseOf(message);
    if (!target) return 'NotImplemented';
    return target.status ? target.status() : 'Accepted';
  }

  /** Sends what was asked for (once the answer Accepted went). */
  send(message: TriggerableMessage, connectorId: number | undefined, extended: boolean): void {
    const target = (extended && this.extendedOf(message)) || this.baseOf(message);
    if (target) target.send(connectorId);
  }

  private baseOf(message: string): TriggerTarget | null {
    return Object.prototype.hasOwnProperty.call(this.targets, message) ? this.targets[message] : null;
  }

  private extendedOf(message: string): TriggerTarget | null {
    return Object.prototype.hasOwnProperty.call(this.extendedTargets, message) ? this.extendedTargets[message] : null;
  }
}
