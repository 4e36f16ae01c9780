// Functional block F, Remote control: RequestStartTransaction (F01, F02), RequestStopTransaction
// (F03), UnlockConnector (F05) and TriggerMessage (F06, over the station's trigger registry).
import { StationContext } from '../context';
import { IdTokenInfo, RequestStartTransactionRequest, RequestStartTransactionResponse } from '../../ocpp/v201/generated/types';
import { Authorizer, TransactionsFeature } from '../transactions/transactions';

export function installRemoteControl(station: StationContext, transactions: TransactionsFeature, authorizer: Authorizer): void {
  const { hal, model } = station;

  /** The EVSE a remote start may use: the one asked for, or the first free one (F01.FR.20); 0 when none. */
  const pick = (p: RequestStartTransactionRequest): number => {
    const free = (evseId: number) => {
      const e = transactions.evse(evseId);
      if (!e) return false;
      const status = station.availability.status(evseId, 1);
      if (!station.availability.operative(evseId, 1) || status === 'Unavailable' || status === 'Faulted') return false; // F01.FR.23
      return !e.authorizedFor(); // F01.FR.24: not one authorized already
    };
    if (p.evseId !== undefined) return free(p.evseId) ? p.evseId : 0;
    for (let evseId = 1; evseId <= station.evseCount; evseId++) if (free(evseId)) return evseId;
    return 0;
  };

  const start = (evseId: number, p: RequestStartTransactionRequest, info?: IdTokenInfo) => {
    const e = transactions.evse(evseId);
    if (!e || e.authorizedFor()) return;
    const a = { idToken: p.idToken, remoteStartId: p.remoteStartId, trigger: 'RemoteStart' as const, groupIdToken: undefined as string | undefined };
    const group = (info && info.groupIdToken) || p.groupIdToken;
    if (group) a.groupIdToken = group.idToken;
    e.authorized(a); // F01.FR.19: the next event says RemoteStart
  };

  station.route({
    RequestStartTransaction: {
      on: (p): RequestStartTransactionResponse => {
        const evseId = pick(p);
        if (!evseId) return { status: 'Rejected' };
        // F01.FR.12: no Smart Charging here, so a charging profile is ignored.
        if (p.chargingProfile) hal.log.info('RequestStartTransaction: chargingProfile ' + p.chargingProfile.id + ' ignored (no Smart Charging)');
        const response: RequestStartTransactionResponse = { status: 'Accepted' };
        const running = transactions.evse(evseId)!.transactionId();
        if (running) response.transactionId = running; // F01.FR.13
        return response;
      },
      after: (p, response) => {
        if (response.status !== 'Accepted') return;
        const evseId = pick(p);
        if (!evseId) return;
        // F02.FR.09 / .10: authorized first, like a local start, only with AuthorizeRemoteStart.
        if (!model.getBool('AuthCtrlr', 'AuthorizeRemoteStart')) return start(evseId, p);
        authorizer.authorize(p.idToken, evseId).then((info) => {
          if (info.status === 'Accepted') start(evseId, p, info);
          else hal.log.info('RequestStartTransaction: idToken ' + p.idToken.idToken + ' ' + info.status);
        });
      },
    },
    RequestStopTransaction: {
      // F03: a transaction this station runs ends with stoppedReason Remote (E 1.5, F03.FR.03).
      on: (p) => ({ status: transactions.evseOf(p.transactionId) ? 'Accepted' : 'Rejected' }),
      after: (p, response) => {
        const e = response.status === 'Accepted' ? transactions.evseOf(p.transactionId) : null;
        if (e) e.stop('RemoteStop', 'Remote');
      },
    },
    UnlockConnector: {
      on: (p) => {
        const hw = station.connector(p.evseId, p.connectorId);
        if (!hw) return { status: 'UnknownConnector' as const };
        const e = transactions.evse(p.evseId);
        // F05: a transaction with an authorized driver keeps its cable locked.
        if (e && e.transactionId() && e.authorizedFor()) return { status: 'OngoingAuthorizedTransaction' as const };
        if (!hw.hasCableLock) return { status: 'UnlockFailed' as const };
        return { status: hw.setLock(false) ? ('Unlocked' as const) : ('UnlockFailed' as const) };
      },
    },
    TriggerMessage: {
      on: (p) => {
        const target = station.triggers.target(p.requestedMessage);
        if (!target) return { status: 'NotImplemented' as const };
        if (p.evse && p.evse.id && !station.connector(p.evse.id, p.evse.connectorId || 1)) return { status: 'Rejected' as const };
        return { status: target.status ? target.status(p.evse) : ('Accepted' as const) };
      },
      // F06: the message goes once the answer went.
      after: (p, response) => {
        const target = response.status === 'Accepted' ? station.triggers.target(p.requestedMessage) : null;
        if (target) target.send(p.evse);
      },
    },
  });
}
