// Delivers the transaction queue (transaction-queue.ts) to the CSMS: one message at a
// time, oldest first, each until the CSMS answered it — the durable outbox's sender
// (src/lib/outbox-sender.ts) configured for transaction messages:
//
// - The link drops while a message waits for its answer: nothing is counted; the message
//   goes again, with the same unique id, on the next connection (the CSMS may have seen it
//   and can tell a repeat by its id).
// - The CSMS answers with a CALLERROR, or not at all within the response timeout, while
//   the link stays up: that is a failed attempt. The message goes again after
//   TransactionMessageRetryInterval × attempts so far (section 4.10 / 9.1.37), with a new
//   unique id as OCPP-J wants on one connection, and after TransactionMessageAttempts
//   failed attempts it is given up (logged) so the ones behind it can go.
import { QueuedMessage, TransactionAction, TransactionQueue } from './transaction-queue';
import { Configuration } from './configuration';
import { OutboxSender, SendLink as Link } from '../../lib/outbox-sender';
import { Hal } from '../../../hal/index';
import { IdTagInfo, OutgoingRequests, OutgoingResponses, StartTransactionRequest, StartTransactionResponse, StopTransactionRequest, StopTransactionResponse } from '../../ocpp/v16/generated/types';

/** The connection the transaction messages go on. */
export type SendLink = Link<OutgoingRequests, OutgoingResponses>;

export interface TransactionSenderOptions {
  queue: TransactionQueue;
  /** TransactionMessageAttempts. */
  attempts: () => number;
  /** TransactionMessageRetryInterval, seconds. */
  retryInterval: () => number;
  setTimeout: (fn: () => void, ms: number) => { cancel(): void };
  log: { info(text: string): void; warning(text: string): void; error(text: string): void };
  /** The CSMS answered a message (after the queue recorded it as done). */
  onAnswer: (message: QueuedMessage, payload: OutgoingRequests[TransactionAction], response: OutgoingResponses[TransactionAction]) => void;
}

/** What the station's transaction sender is made of and what the CSMS's answers update. */
export interface StationSenderContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly queue: TransactionQueue;
  /** The idTagInfo of a StartTransaction's or StopTransaction's answer is remembered (authorization.ts). */
  readonly authorization: { remember(idTag: string, info: IdTagInfo): void };
  /** A StartTransaction's answer confirms (or, not Accepted, ends) its transaction (connector.ts). */
  connector(id: number): { startConfirmed(ref: number, status: string): void } | null;
}

export class TransactionSender extends OutboxSender<QueuedMessage, OutgoingRequests, OutgoingResponses, TransactionAction> {
  /** The station's: TransactionMessageAttempts × TransactionMessageRetryInterval, the answers to the authorization and the connectors. */
  static forStation(station: StationSenderContext): TransactionSender {
    return new TransactionSender({
      queue: station.queue,
      attempts: () => station.config.getInt('TransactionMessageAttempts'),
      retryInterval: () => station.config.getInt('TransactionMessageRetryInterval'),
      setTimeout: station.hal.setTimeout,
      log: station.hal.log,
      // The request and the answer are of the message's action.
      onAnswer: (message, payload, response) => {
        const info: IdTagInfo | undefined = response && (response as StartTransactionResponse | StopTransactionResponse).idTagInfo;
        if (message.action === 'StartTransaction') {
          if (info) station.authorization.remember((payload as StartTransactionRequest).idTag, info);
          const c = station.connector((payload as StartTransactionRequest).connectorId);
          if (c) c.startConfirmed(message.ref, info ? info.status : 'Accepted');
        } else if (message.action === 'StopTransaction') {
          if (info && (payload as StopTransactionRequest).idTag) station.authorization.remember((payload as StopTransactionRequest).idTag!, info);
        }
      },
    });
  }

  constructor(options: TransactionSenderOptions) {
    const queue = options.queue;
    super({
      head: () => queue.head(),
      prepare: (message, failures) => {
        const prepared = queue.payloadOf(message);
        if (!prepared.known) {
          // Its StartTransaction was given up: the CSMS has no id for this transaction.
          options.log.error('transaction ref ' + message.ref + ' has no transactionId (its StartTransaction was given up): ' + message.action + ' dropped');
          queue.complete(message.seq);
          return null;
        }
        // A new unique id for each attempt after a failed one, as OCPP-J wants on one connection.
        return { action: message.action, payload: prepared.payload, uniqueId: message.uniqueId + (failures ? '.' + failures : '') };
      },
      sending: (message) => (queue.inFlight = message ? message.seq : 0),
      answered: (message, delivery, response) => {
        // The mapping is written before the message is marked done: after a power loss in
        // between, the StartTransaction goes again rather than its id being lost.
        // The answer to a StartTransaction is its StartTransactionResponse (the action and the answer come from one call).
        if (message.action === 'StartTransaction' && response && typeof (response as StartTransactionResponse).transactionId === 'number') {
          queue.mapTransaction(message.ref, (response as StartTransactionResponse).transactionId);
        }
        queue.complete(message.seq);
        try {
          options.onAnswer(message, delivery.payload, response);
        } catch (e) {
          options.log.error('handling the answer to ' + message.action + ' failed: ' + String(e));
        }
      },
      givenUp: (message) => queue.complete(message.seq),
      describe: (message) => message.action + ' (transaction ref ' + message.ref + ')',
      why: (error) => (error && error.message ? (error.code ? error.code + ': ' : '') + error.message : String(error)),
      attempts: options.attempts,
      retryInterval: options.retryInterval,
      setTimeout: options.setTimeout,
      log: options.log,
    });
  }
}
