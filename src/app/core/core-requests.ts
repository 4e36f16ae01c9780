// What the station answers to the CSMS-initiated Core-profile actions: the part
// core-requests-part.ts (src/lib/parts.ts), which core-routes.ts opens when such a CALL
// arrives and lets go once it was answered, so a bundle built with parts holds this code only
// then. `answer` decides and answers at once; what takes longer (a transaction start, a
// reset) runs in `follow`, once the answer has gone, as the spec's sequence diagrams have it.
// One function for each, over the action, rather than a route object and closures per action:
// what a loaded part makes is what it costs while it runs. The other feature profiles' actions
// have their own folders (TriggerMessage: remote-trigger/); a 1.6 action no feature serves
// gets the core's NotSupported CALLERROR.
import { CoreContext } from '../context';
import { Connector } from './connector';
import { Requests, ResetType, Responses, UnlockStatus } from '../../ocpp/v16/generated/types';
import { configurationReport } from './configuration-report';

/** The part's value: the answers to the actions core-routes.ts routes to it. */
export interface CoreRequests {
  /** The answer to a CALL of `action`. */
  answer(action: string, payload: unknown): unknown;
  /** What follows the answer `response` that was sent (RemoteStartTransaction, RemoteStopTransaction, Reset). */
  follow(action: string, payload: unknown, response: unknown): void;
}

export function coreRequests(station: CoreContext): CoreRequests {
  return {
    answer: (action, payload) => answer(station, action, payload),
    follow: (action, payload, response) => follow(station, action, payload, response),
  };
}

function answer(station: CoreContext, action: string, payload: unknown): unknown {
  switch (action) {
    case 'ChangeAvailability': {
      const p = payload as Requests['ChangeAvailability'];
      const r: Responses['ChangeAvailability'] = { status: changeAvailability(station, p.connectorId, p.type === 'Operative') };
      return r;
    }
    case 'ChangeConfiguration': {
      const p = payload as Requests['ChangeConfiguration'];
      const status = station.config.change(p.key, p.value);
      const shown = station.config.isWriteOnly(p.key) ? '(hidden)' : p.value; // AuthorizationKey is never logged
      station.hal.log.info('ChangeConfiguration ' + p.key + '=' + shown + ': ' + status);
      const r: Responses['ChangeConfiguration'] = { status };
      return r;
    }
    case 'ClearCache': {
      station.cache.clear();
      const r: Responses['ClearCache'] = { status: 'Accepted' };
      return r;
    }
    case 'DataTransfer': {
      const p = payload as Requests['DataTransfer'];
      const receiver = Object.prototype.hasOwnProperty.call(station.vendors, p.vendorId) ? station.vendors[p.vendorId] : null;
      const r: Responses['DataTransfer'] = receiver ? receiver(p.messageId, p.data) : { status: 'UnknownVendorId' };
      return r;
    }
    case 'GetConfiguration': {
      const report = configurationReport(station.config, (payload as Requests['GetConfiguration']).key);
      const r: Responses['GetConfiguration'] = { configurationKey: report.configurationKey };
      if (report.unknownKey.length) r.unknownKey = report.unknownKey;
      return r;
    }
    case 'RemoteStartTransaction': {
      const p = payload as Requests['RemoteStartTransaction'];
      let accepted = station.session.registration === 'Accepted' && remoteStartConnector(station, p.idTag, p.connectorId) !== null; // not while Pending (section 4.2)
      // Without Smart Charging the profile is ignored (section 5.11).
      if (p.chargingProfile && station.features.smartCharging && p.chargingProfile.chargingProfilePurpose !== 'TxProfile') accepted = false;
      const r: Responses['RemoteStartTransaction'] = { status: accepted ? 'Accepted' : 'Rejected' };
      return r;
    }
    case 'RemoteStopTransaction': {
      const r: Responses['RemoteStopTransaction'] = { status: remoteStop(station, (payload as Requests['RemoteStopTransaction']).transactionId) ? 'Accepted' : 'Rejected' };
      return r;
    }
    case 'Reset': {
      const r: Responses['Reset'] = { status: 'Accepted' };
      return r;
    }
    case 'UnlockConnector': {
      const r: Responses['UnlockConnector'] = { status: unlock(station, (payload as Requests['UnlockConnector']).connectorId) };
      return r;
    }
    // While Local Auth List Management is not installed: what a charge point without a local
    // list answers (section 5.10: version -1; SendLocalList: NotSupported, as UpdateStatus has it).
    case 'GetLocalListVersion': {
      const r: Responses['GetLocalListVersion'] = { listVersion: -1 };
      return r;
    }
    default: {
      const r: Responses['SendLocalList'] = { status: 'NotSupported' };
      return r;
    }
  }
}

function follow(station: CoreContext, action: string, payload: unknown, response: unknown): void {
  if ((response as { status: string }).status !== 'Accepted') return;
  if (action === 'RemoteStartTransaction') {
    const p = payload as Requests['RemoteStartTransaction'];
    // The same choice as `answer` made: only promise jobs ran in between.
    const c = remoteStartConnector(station, p.idTag, p.connectorId);
    if (!c) return;
    const smartCharging = station.features.smartCharging;
    if (p.chargingProfile && smartCharging) smartCharging.forRemoteStart(c.id, p.idTag, p.chargingProfile);
    remoteStart(station, c, p.idTag);
  } else if (action === 'RemoteStopTransaction') {
    const c = connectorOfTransaction(station, (payload as Requests['RemoteStopTransaction']).transactionId);
    if (c) c.stopTransaction('Remote');
  } else reset(station, (payload as Requests['Reset']).type);
}

/** ChangeAvailability (section 5.2): 'Accepted', or 'Scheduled' when a transaction must end first. */
function changeAvailability(station: CoreContext, connectorId: number, operative: boolean): Responses['ChangeAvailability']['status'] {
  const connectors = station.connectors;
  if (connectorId < 0 || connectorId > connectors.length) return 'Rejected';
  let scheduled = false;
  for (let i = 0; i < connectors.length; i++) {
    const c = connectors[i];
    if (connectorId !== 0 && c.id !== connectorId) continue;
    if (c.transaction && !operative) {
      c.scheduled = operative;
      scheduled = true;
    } else {
      c.scheduled = null;
      c.operative = operative;
      if (!operative) c.awaitingCable = null;
      c.refresh();
    }
  }
  station.availability.save(operative, connectorId);
  return scheduled ? 'Scheduled' : 'Accepted';
}

/** How long a soft reset waits for the stops to be delivered before it restarts anyway. */
const SOFT_RESET_GRACE_MS = 10000;

/**
 * Reset (section 5.14): Soft stops the transactions (SoftReset), lets their stops go (a few
 * seconds at most) and restarts; Hard restarts at once, and the next boot stops the
 * transactions with reason HardReset (reboot-recovery.ts).
 */
function reset(station: CoreContext, type: ResetType): void {
  station.hal.log.info('reset (' + type + ')');
  if (type === 'Hard') {
    station.restarts.reboot('HardReset');
    return;
  }
  for (let i = 0; i < station.connectors.length; i++) station.connectors[i].stopTransaction('SoftReset');
  let done = false;
  const restart = () => {
    if (done) return;
    done = true;
    station.restarts.reboot('SoftReset');
  };
  station.sender.whenEmpty().then(restart);
  station.hal.setTimeout(restart, SOFT_RESET_GRACE_MS);
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
