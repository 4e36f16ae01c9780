// The Core profile's CSMS-initiated actions: each CALL's answer is the part core-requests
// (core-requests.ts, src/lib/parts.ts). The station routes the actions here; when one of them
// arrives the part is opened, answers (and does what follows the answer, in `after`), and is
// let go on a later turn, once the answer has gone: a bundle built with parts holds the code
// of these answers only while one is made. A part that cannot be opened (a host without
// partLoad, a missing or corrupt part) answers the CALL with a CALLERROR InternalError and an
// error log line; the station goes on. What the station sends on request (TriggerMessage's
// targets) stays resident: its registry is consulted whenever a trigger comes.
import { Routes } from '../routes';
import { RouteOf } from '../../lib/routes';
import { CoreContext } from '../context';
import { closePart, openPart } from '../../lib/parts';
import { InternalError } from '../../ocpp/errors';
import { StatusNotificationRequest } from '../../ocpp/v16/generated/types';
import { coreRequestsPart } from './core-requests-part';
import type { CoreRequests } from './core-requests';

type AnyRoute = RouteOf<unknown, unknown>;

/**
 * The actions the part answers (GetLocalListVersion and SendLocalList as a station without a
 * local list does: Local Auth List Management replaces them when installed), and those of
 * them that also do something once the answer went (the part's `follow`). Each a literal: the
 * build finds the actions a bundle serves by their names in its code.
 */
const CORE_REQUESTS = ['ChangeAvailability', 'ChangeConfiguration', 'ClearCache', 'DataTransfer', 'GetConfiguration', 'UnlockConnector', 'GetLocalListVersion', 'SendLocalList', 'RemoteStartTransaction', 'RemoteStopTransaction', 'Reset'];
const FOLLOWED = 3; // the last three

/**
 * The routes of the Core profile's actions, each opening the part when its CALL comes. The same
 * holding as src/lib/turn-holder.ts's TurnHolder, written out here: the Core-only build has no
 * other use of that class or of part-holder.ts, and using them cost it 1.3 KB of heap after boot
 * and 1.5 at the peak (armhf, its simulator bundle, 03:47 UTC on main 42da682).
 */
export function coreRoutes(station: CoreContext): Routes {
  let held: CoreRequests | null = null;
  const release = () => {
    held = null;
    closePart(station.hal, coreRequestsPart);
  };
  const open = (action: string): CoreRequests => {
    if (!held) {
      try {
        held = openPart(station.hal, coreRequestsPart, station);
      } catch (e) {
        const why = String((e && (e as Error).message) || e);
        station.hal.log.error(action + ': ' + why);
        throw new InternalError(action + ': ' + why);
      }
      // A task runs once this turn's promise jobs are done: the answer and what follows it have run.
      station.hal.startTask(release);
    }
    return held;
  };
  const routes: { [action: string]: AnyRoute } = {};
  for (let i = 0; i < CORE_REQUESTS.length; i++) routes[CORE_REQUESTS[i]] = forward(open, CORE_REQUESTS[i], i >= CORE_REQUESTS.length - FOLLOWED);
  return routes as Routes;
}

/** A route whose answer (and what follows it) are the part's, opened for the CALL. */
function forward(open: (action: string) => CoreRequests, action: string, follows: boolean): AnyRoute {
  const route: AnyRoute = { on: (p) => open(action).answer(action, p) };
  if (follows) route.after = (p, response) => open(action).follow(action, p, response);
  return route;
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
