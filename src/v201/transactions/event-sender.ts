// Delivers the transaction event log (transaction-log.ts) to the CSMS: one event at a time,
// oldest first, each until the CSMS answered it — the outbox sender (src/lib/outbox-sender.ts)
// configured for TransactionEventRequests:
// - the link drops while an event waits for its answer: it goes again on the next connection
//   with the same message id (the CSMS can tell a repeat) and offline = true (E11.FR.07);
// - a CALLERROR, or no answer within the message timeout, while the link stays up: the event
//   goes again after MessageAttemptIntervalTransactionEvent × the attempts so far, with a new
//   message id, and after MessageAttemptsTransactionEvent failed attempts it is discarded so
//   the next one can go (E13.FR.02-04).
import { OutboxSender } from '../../lib/outbox-sender';
import { OutgoingRequests, OutgoingResponses, TransactionEventRequest, TransactionEventResponse } from '../../ocpp/v201';
import { LoggedEvent, TransactionLog } from './transaction-log';

export interface EventSenderOptions {
  log: TransactionLog;
  /** OCPPCommCtrlr.MessageAttemptsTransactionEvent. */
  attempts: () => number;
  /** OCPPCommCtrlr.MessageAttemptIntervalTransactionEvent, seconds. */
  retryInterval: () => number;
  setTimeout: (fn: () => void, ms: number) => { cancel(): void };
  logger: { warning(text: string): void; error(text: string): void };
  /** The CSMS answered an event (after the log recorded it as done). */
  answered: (request: TransactionEventRequest, response: TransactionEventResponse) => void;
}

export class EventSender extends OutboxSender<LoggedEvent, OutgoingRequests, OutgoingResponses, 'TransactionEvent'> {
  constructor(options: EventSenderOptions) {
    const log = options.log;
    super({
      head: () => log.head(),
      prepare: (e, failures) => ({ action: 'TransactionEvent', payload: log.payloadOf(e), uniqueId: e.messageId + (failures ? '.' + failures : '') }),
      sending: (e) => (log.inFlight = e ? e.seq : 0),
      answered: (e, delivery, response) => {
        log.complete(e.seq);
        try {
          options.answered(delivery.payload, response || {});
        } catch (err) {
          options.logger.error('handling the answer to TransactionEvent failed: ' + String(err));
        }
      },
      givenUp: (e) => log.complete(e.seq),
      describe: (e) => 'TransactionEvent ' + e.eventType + ' of ' + e.transactionId,
      why: (error) => (error && error.message ? (error.code ? error.code + ': ' : '') + error.message : String(error)),
      attempts: options.attempts,
      retryInterval: options.retryInterval,
      setTimeout: options.setTimeout,
      log: options.logger,
    });
  }
}
