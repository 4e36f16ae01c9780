// What the station answers to the CSMS-initiated Core-profile actions. Each `on` decides and
// answers at once; what takes longer (a transaction start, a reset) runs in `after`, once the
// answer has gone, as the spec's sequence diagrams have it. The other feature profiles'
// actions have their own folders (TriggerMessage: remote-trigger/); a 1.6 action no feature
// serves gets the core's NotSupported CALLERROR.
import { Routes } from '../routes';
import { CoreContext } from '../context';
import { Connector } from './connector';
import { GetConfigurationResponse, StatusNotificationRequest, UnlockStatus } from '../../ocpp/v16/generated/types';

export function coreRoutes(station: CoreContext): Routes {
  return {
    ChangeAvailability: {
      on: (p) => ({ status: station.availability.change(p.connectorId, p.type === 'Operative') }),
    },

    ChangeConfiguration: {
      on: (p) => {
        const status = station.config.change(p.key, p.value);
        const shown = station.config.isWriteOnly(p.key) ? '(hidden)' : p.value; // AuthorizationKey is never logged
        station.hal.log.info('ChangeConfiguration ' + p.key + '=' + shown + ': ' + status);
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
      on: (p) => {
        const receiver = Object.prototype.hasOwnProperty.call(station.vendors, p.vendorId) ? station.vendors[p.vendorId] : null;
        return receiver ? receiver(p.messageId, p.data) : { status: 'UnknownVendorId' };
      },
    },

    GetConfiguration: {
      on: (p) => {
        const report = station.config.report(p.key);
        const conf: GetConfigurationResponse = { configurationKey: report.configurationKey };
        if (report.unknownKey.length) conf.unknownKey = report.unknownKey;
        return conf;
      },
    },

    RemoteStartTransaction: {
      on: (p) => {
        if (station.session.registration !== 'Accepted') return { status: 'Rejected' }; // not while Pending (section 4.2)
        if (!remoteStartConnector(station, p.idTag, p.connectorId)) return { status: 'Rejected' };
        // Without Smart Charging the profile is ignored (section 5.11).
        if (p.chargingProfile && station.features.smartCharging && p.chargingProfile.chargingProfilePurpose !== 'TxProfile') return { status: 'Rejected' };
        return { status: 'Accepted' };
      },
      after: (p, response) => {
        if (response.status !== 'Accepted') return;
        // The same choice as `on` made: only promise jobs ran in between.
        const c = remoteStartConnector(station, p.idTag, p.connectorId);
        if (!c) return;
        const smartCharging = station.features.smartCharging;
        if (p.chargingProfile && smartCharging) smartCharging.forRemoteStart(c.id, p.idTag, p.chargingProfile);
        remoteStart(station, c, p.idTag);
      },
    },

    RemoteStopTransaction: {
      on: (p) => ({ status: remoteStop(station, p.transactionId) ? 'Accepted' : 'Rejected' }),
      after: (p, response) => {
        const c = response.status === 'Accepted' ? connectorOfTransaction(station, p.transactionId) : null;
        if (c) c.stopTransaction('Remote');
      },
    },

    Reset: {
      on: () => ({ status: 'Accepted' }),
      after: (p) => station.restarts.reset(p.type),
    },

    UnlockConnector: {
      on: (p) => ({ status: unlock(station, p.connectorId) }),
    },
  };
}

/** The connector a RemoteStartTransaction may use (given, or the first free one), or null. */
function remoteStartConnector(station: CoreContext, idTag: string, connectorId?: number): Connector | null {
  const reservations = station.features.reservations;
  const mayStart = (c: Connector) => c.isFree() && c.awaitingCable === null && (!reservations || reservations.allows(c.id, idTag));
  if (connectorId !== undefined) {
    const c = station.connector(connectorId);
    return c && mayStart(c) ? c : null;
  }
  for (let i = 0; i < station.connectors.length; i++) {
    const c = station.connectors[i];
    if (mayStart(c)) return c;
  }
  return null;
}

/** After an accepted RemoteStartTransaction: authorize first if AuthorizeRemoteTxRequests. */
function remoteStart(station: CoreContext, c: Connector, idTag: string): void {
  station.hal.log.info('connector ' + c.id + ': remote start for ' + idTag);
  if (!station.config.getBool('AuthorizeRemoteTxRequests')) {
    if (c.isFree()) c.authorized(idTag);
    return;
  }
  station.authorization.authorize(idTag).then((info) => {
    if (info.status === 'Accepted' && c.isFree()) c.authorized(idTag, info.parentIdTag);
  });
}

/** The connector a RemoteStopTransaction stops (not while Pending, section 4.2), or null. */
function remoteStop(station: CoreContext, transactionId: number): Connector | null {
  return station.session.registration === 'Accepted' ? connectorOfTransaction(station, transactionId) : null;
}

/** The connector whose transaction the CSMS calls `transactionId`, or null. */
function connectorOfTransaction(station: CoreContext, transactionId: number): Connector | null {
  for (let i = 0; i < station.connectors.length; i++) {
    const c = station.connectors[i];
    if (c.transaction && c.transactionId() === transactionId) return c;
  }
  return null;
}

/**
 * UnlockConnector (section 5.18): stops a transaction there (UnlockCommand), then unlocks.
 * NotSupported for an unknown connector and one without a cable lock (a fixed cable).
 */
function unlock(station: CoreContext, connectorId: number): UnlockStatus {
  const c = station.connector(connectorId);
  if (!c || !c.hw.hasCableLock) return 'NotSupported';
  c.stopTransaction('UnlockCommand');
  const ok = c.hw.setLock(false);
  station.hal.log.info('connector ' + connectorId + ': ' + (ok ? 'unlocked' : 'unlock failed'));
  return ok ? 'Unlocked' : 'UnlockFailed';
}

/** The Core profile's messages a TriggerMessage / ExtendedTriggerMessage can ask for (the other features add theirs). */
export function addCoreTriggers(station: CoreContext): void {
  const triggers = station.triggers;
  triggers.add('BootNotification', { send: () => station.session.sendBoot() });
  triggers.add('Heartbeat', { send: () => station.session.heartbeat() });
  triggers.add('StatusNotification', {
    send: (connectorId) => {
      const sendAnyway = (n: StatusNotificationRequest) => station.session.sendRequested('StatusNotification', n);
      if (connectorId !== undefined) station.status.trigger(connectorId, sendAnyway);
      else for (let i = 0; i <= station.connectors.length; i++) station.status.trigger(i, sendAnyway);
    },
  });
  triggers.add('MeterValues', {
    send: (connectorId) => {
      const all = connectorId === undefined || connectorId === 0;
      for (let i = 0; i < station.connectors.length; i++) {
        if (!all && station.connectors[i].id !== connectorId) continue;
        const payload = station.connectors[i].triggeredMeterValues();
        if (payload) station.session.sendRequested('MeterValues', payload);
      }
    },
  });
}

/**
 * GetLocalListVersion and SendLocalList while Local Auth List Management is not installed:
 * what a charge point without a local list answers (section 5.10: version -1; SendLocalList:
 * NotSupported, as UpdateStatus has it).
 */
export function noLocalListRoutes(): Routes {
  return {
    GetLocalListVersion: { on: () => ({ listVersion: -1 }) },
    SendLocalList: { on: () => ({ status: 'NotSupported' }) },
  };
}
