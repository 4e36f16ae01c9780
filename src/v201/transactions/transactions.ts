// Functional block E, Transactions: installs the transaction events' durable log and its
// sender, one EvseTransaction per EVSE, the TxCtrlr variables (and the OCPPCommCtrlr ones that
// govern transaction messages), GetTransactionStatus (E14), TriggerMessage(TransactionEvent),
// and the station's `transactions` (running / stop) that availability and reset use.
//
// The driver's idToken reaches a transaction through present(): authorization (block C)
// decides, through the Authorizer this feature is given, whether it may charge.
import { StationContext } from '../context';
import { IdToken, IdTokenInfo, ReasonEnum, TransactionEventRequest, TransactionEventResponse, TriggerReasonEnum } from '../../ocpp/v201/generated/types';
import { TransactionLog } from './transaction-log';
import { EventSender } from './event-sender';
import { Authorization, EvseTransaction } from './evse-transaction';

/** What transactions need of authorization (block C). */
export interface Authorizer {
  /** May this idToken charge at this EVSE? Resolves with what the list, the cache or the CSMS said. */
  authorize(idToken: IdToken, evseId: number): Promise<IdTokenInfo>;
  /** The CSMS's word on an idToken in a TransactionEventResponse (the cache keeps it, C10). */
  learned(idToken: IdToken, info: IdTokenInfo): void;
  /** The groupIdToken of an idToken the station knows locally (list, cache), or undefined. */
  groupOf(idToken: IdToken): string | undefined;
}

/** An authorizer that accepts every idToken (a build without block C). */
export const acceptAll: Authorizer = {
  authorize: () => Promise.resolve({ status: 'Accepted' }),
  learned: () => undefined,
  groupOf: () => undefined,
};

export interface TransactionsFeature {
  readonly log: TransactionLog;
  readonly sender: EventSender;
  evse(evseId: number): EvseTransaction | null;
  /** The EVSE running the transaction with this id, or null. */
  evseOf(transactionId: string): EvseTransaction | null;
  /**
   * A driver presents an idToken at an EVSE: during its authorized transaction the same token
   * (or one of its group) ends the authorization (E07); otherwise the token is authorized and
   * may start one. Resolves true when it did something.
   */
  present(evseId: number, idToken: IdToken): Promise<boolean>;
  /** The sampling intervals changed (SampledDataCtrlr.TxUpdatedInterval, TxEndedInterval). */
  restartSampling(): void;
}

const ATTEMPTS_DEFAULT = '3';
const ATTEMPT_INTERVAL_DEFAULT = '60';
/** What TxStartPoint and TxStopPoint may hold here (no parking sensor, no signed meter data). */
const TX_POINTS = 'EVConnected,Authorized,PowerPathClosed,EnergyTransfer';

export function installTransactions(station: StationContext, authorizer: Authorizer): TransactionsFeature {
  const { hal, model } = station;
  model.add('TxCtrlr', [
    // E 1.1: the transaction's start and stop points, settable (1.1.1: RW).
    { name: 'TxStartPoint', type: 'MemberList', mutability: 'ReadWrite', value: 'PowerPathClosed', values: TX_POINTS },
    { name: 'TxStopPoint', type: 'MemberList', mutability: 'ReadWrite', value: 'EVConnected,Authorized', values: TX_POINTS },
    { name: 'EVConnectionTimeOut', type: 'integer', mutability: 'ReadWrite', value: '120', unit: 's', min: 1 },
    { name: 'StopTxOnEVSideDisconnect', type: 'boolean', mutability: 'ReadWrite', value: 'true' },
    { name: 'StopTxOnInvalidId', type: 'boolean', mutability: 'ReadWrite', value: 'true' },
    // B 1.1: no transaction before the CSMS accepted the station (while Pending or Rejected).
    { name: 'TxBeforeAcceptedEnabled', type: 'boolean', value: 'false' },
  ]);
  model.add('OCPPCommCtrlr', [
    { name: 'MessageAttempts', instance: 'TransactionEvent', type: 'integer', mutability: 'ReadWrite', value: ATTEMPTS_DEFAULT, min: 1 }, // E13.FR.01
    { name: 'MessageAttemptInterval', instance: 'TransactionEvent', type: 'integer', mutability: 'ReadWrite', value: ATTEMPT_INTERVAL_DEFAULT, unit: 's', min: 0 },
    // The cable is unlocked at the end of every transaction, an EV-side disconnect included (E09.FR.02).
    { name: 'UnlockOnEVSideDisconnect', type: 'boolean', value: 'true' },
  ]);

  const log = new TransactionLog(hal.storage, { idPrefix: 'te' + hal.now().toString(36) + '-', warn: (t) => hal.log.warning(t) });
  const sender = new EventSender({
    log,
    attempts: () => model.getInt('OCPPCommCtrlr', 'MessageAttempts', 'TransactionEvent'),
    retryInterval: () => model.getInt('OCPPCommCtrlr', 'MessageAttemptInterval', 'TransactionEvent'),
    setTimeout: hal.setTimeout,
    logger: hal.log,
    answered: (request, response) => answered(request, response),
  });

  const evses: EvseTransaction[] = [];
  const ctx = {
    log,
    model,
    hal,
    online: () => station.online,
    mayStart: (evseId: number) => {
      const registration = station.registration;
      if ((registration === 'Pending' || registration === 'Rejected') && !model.getBool('TxCtrlr', 'TxBeforeAcceptedEnabled')) return false;
      return station.availability.operative(evseId, 1) && station.availability.status(evseId, 1) !== 'Faulted';
    },
    info: (text: string) => hal.log.info(text),
    appended: () => sender.sendNext(),
    idle: (evseId: number) => station.emit('idle', evseId),
  };
  for (let evseId = 1; evseId <= station.evseCount; evseId++) {
    const hw = station.connector(evseId, 1);
    if (hw) evses.push(new EvseTransaction(evseId, hw, ctx));
  }
  const evse = (evseId: number) => {
    for (let i = 0; i < evses.length; i++) if (evses[i].evseId === evseId) return evses[i];
    return null;
  };
  const evseOf = (transactionId: string) => {
    for (let i = 0; i < evses.length; i++) if (evses[i].transactionId() === transactionId) return evses[i];
    return null;
  };

  // A power loss cut these transactions: they end on the first turn, once every feature is
  // installed (the meter values' variables say what the Ended event carries), before any
  // hardware event or CSMS request can start another.
  const interrupted = log.ongoing();
  hal.setTimeout(() => {
    for (let i = 0; i < interrupted.length; i++) {
      const e = evse(interrupted[i].evseId) || evses[0];
      if (e) e.endInterrupted(interrupted[i].id);
    }
  }, 0);

  function answered(request: TransactionEventRequest, response: TransactionEventResponse): void {
    const info = response.idTokenInfo;
    if (!request.idToken || !info) return;
    authorizer.learned(request.idToken, info);
    // E05, E06.FR.04: the CSMS does not accept the transaction's idToken (not the one that stopped it).
    if (info.status !== 'Accepted' && request.eventType !== 'Ended' && request.triggerReason !== 'StopAuthorized') {
      const e = evseOf(request.transactionInfo.transactionId);
      if (e) {
        hal.log.info('transaction ' + request.transactionInfo.transactionId + ': idToken ' + info.status + ' by the CSMS');
        e.deauthorized();
      }
    }
  }

  station.on('connector', (evseId, _connectorId, event) => {
    const e = evse(evseId);
    if (!e) return;
    if (event === 'plugged') e.plugged();
    else if (event === 'unplugged') e.unplugged();
    else e.energyChanged();
  });
  station.on('online', () => sender.online({ call: (action, payload, uniqueId) => station.call(action, payload, uniqueId), isOpen: () => station.connected }));
  station.on('offline', () => {
    sender.offline();
    log.markAllOffline(); // E11.FR.07
  });

  station.route({
    // E14: is the transaction still running, are messages of it (or any) still queued?
    GetTransactionStatus: {
      on: (p) => {
        const messagesInQueue = log.messagesInQueue(p.transactionId);
        if (p.transactionId === undefined) return { messagesInQueue }; // E14.FR.06-08
        return { ongoingIndicator: evseOf(p.transactionId) !== null, messagesInQueue }; // E14.FR.01-05
      },
    },
  });
  station.triggers.add('TransactionEvent', {
    status: (target) => {
      if (target && target.id) return evse(target.id) && evse(target.id)!.transactionId() ? 'Accepted' : 'Rejected';
      for (let i = 0; i < evses.length; i++) if (evses[i].transactionId()) return 'Accepted';
      return 'Rejected';
    },
    send: (target) => evses.forEach((e) => (!target || !target.id || target.id === e.evseId) && e.triggered()),
  });

  station.transactions = {
    running: (evseId) => {
      for (let i = 0; i < evses.length; i++) if ((!evseId || evses[i].evseId === evseId) && evses[i].transactionId()) return true;
      return false;
    },
    stop: (evseId, reason: ReasonEnum) => {
      const trigger: TriggerReasonEnum = reason === 'ImmediateReset' || reason === 'Reboot' ? 'ResetCommand' : 'AbnormalCondition';
      for (let i = 0; i < evses.length; i++) if (!evseId || evses[i].evseId === evseId) evses[i].stop(trigger, reason);
      return Promise.resolve(); // the Ended events are durable once appended
    },
  };

  return {
    log,
    sender,
    evse,
    evseOf,
    present: (evseId, idToken) => present(evseId, idToken),
    restartSampling: () => evses.forEach((e) => e.restartSampling()),
  };

  function present(evseId: number, idToken: IdToken): Promise<boolean> {
    const e = evse(evseId);
    if (!e) return Promise.resolve(false);
    const current = e.authorizedFor();
    if (current && e.transactionId()) {
      // E07.FR.01: the token that started the authorization, or one of the same group known locally, ends it.
      const group = current.groupIdToken;
      if (sameToken(current.idToken, idToken) || (group !== undefined && authorizer.groupOf(idToken) === group)) {
        e.stopAuthorized(idToken);
        return Promise.resolve(true);
      }
      return Promise.resolve(false); // the EVSE is in use by another driver
    }
    if (current && sameToken(current.idToken, idToken)) return Promise.resolve(false); // already waiting for this driver's cable
    return authorizer.authorize(idToken, evseId).then((info) => {
      if (info.status !== 'Accepted') {
        hal.log.info('EVSE ' + evseId + ': idToken ' + idToken.idToken + ' ' + info.status);
        return false;
      }
      const a: Authorization = { idToken, trigger: 'Authorized' };
      if (info.groupIdToken) a.groupIdToken = info.groupIdToken.idToken;
      e.authorized(a);
      return true;
    });
  }
}

/** IdTokens are case-insensitive (IdTokenType.idToken), and of one type. */
export function sameToken(a: IdToken, b: IdToken): boolean {
  return a.type === b.type && a.idToken.toLowerCase() === b.idToken.toLowerCase();
}
