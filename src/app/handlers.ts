// What the station answers to the CSMS-initiated Core-profile actions (and TriggerMessage,
// Remote Trigger profile). Each `on` decides and answers at once; what takes longer (a
// transaction start, a reset, a triggered message) runs in `after`, once the answer has
// gone, as the spec's sequence diagrams have it. Actions not listed here (other profiles)
// get the core's NotImplemented CALLERROR.
import { Handlers } from './csms-link';
import { Station } from './station';

export function stationHandlers(station: Station): Handlers {
  // RemoteStartTransaction decisions, from `on` to its `after`.
  const remoteStarts: { connectorId: number; idTag: string }[] = [];
  const takeRemoteStart = (idTag: string) => {
    for (let i = 0; i < remoteStarts.length; i++) if (remoteStarts[i].idTag === idTag) return remoteStarts.splice(i, 1)[0];
    return null;
  };

  return {
    ChangeAvailability: {
      on: (p) => ({ status: station.changeAvailability(p.connectorId, p.type === 'Operative') }),
    },

    ChangeConfiguration: {
      on: (p) => {
        const status = station.config.change(p.key, p.value);
        station.hal.log.info('ChangeConfiguration ' + p.key + '=' + p.value + ': ' + status);
        return { status };
      },
    },

    ClearCache: {
      on: () => {
        station.cache.clear();
        return { status: 'Accepted' };
      },
    },

    DataTransfer: {
      on: (p) => station.dataTransferIn(p.vendorId, p.messageId, p.data),
    },

    GetConfiguration: {
      on: (p) => {
        const report = station.config.report(p.key);
        const conf: any = { configurationKey: report.configurationKey };
        if (report.unknownKey.length) conf.unknownKey = report.unknownKey;
        return conf;
      },
    },

    RemoteStartTransaction: {
      on: (p) => {
        const c = station.remoteStartConnector(p.connectorId);
        if (!c) return { status: 'Rejected' };
        remoteStarts.push({ connectorId: c.id, idTag: p.idTag });
        return { status: 'Accepted' };
      },
      after: (p) => {
        const decided = takeRemoteStart(p.idTag);
        if (decided) station.remoteStart(decided.connectorId, p.idTag);
      },
    },

    RemoteStopTransaction: {
      on: (p) => ({ status: station.connectorOfTransaction(p.transactionId) ? 'Accepted' : 'Rejected' }),
      after: (p) => {
        const c = station.connectorOfTransaction(p.transactionId);
        if (c) c.stopTransaction('Remote');
      },
    },

    Reset: {
      on: () => ({ status: 'Accepted' }),
      after: (p) => station.reset(p.type),
    },

    TriggerMessage: {
      on: (p) => ({ status: station.canTrigger(p.requestedMessage, p.connectorId) }),
      after: (p) => {
        if (station.canTrigger(p.requestedMessage, p.connectorId) === 'Accepted') station.trigger(p.requestedMessage, p.connectorId);
      },
    },

    UnlockConnector: {
      on: (p) => ({ status: station.unlock(p.connectorId) }),
    },
  };
}
