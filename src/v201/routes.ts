// The 2.0.1 station's routing is the OCPP core's: each feature adds the typed routes of the
// CSMS-initiated actions it serves (payloads and responses of the generated 2.0.1 types), and
// registerRoutes() puts them on each connection's ChargePoint with cp.on / cp.after. `after`
// gets the response that was sent, so what `on` decided reaches it without a side table.
import { ChargePoint } from '../ocpp/v201/index';
import { Action, Requests, Responses } from '../ocpp/v201/generated/types';

/** How the station serves one action: `on` answers it; `after` runs once that answer was sent. */
export interface Route<A extends Action> {
  on(payload: Requests[A]): Responses[A] | Promise<Responses[A]>;
  after?(payload: Requests[A], response: Responses[A], uniqueId: string): void;
}

/** Routes by action (a feature's, or the station's whole table). */
export type Routes = { [A in Action]?: Route<A> };

/** Adds `more` to `table` (a later route of an action replaces an earlier one). */
export function addRoutes(table: Routes, more: Routes): Routes {
  for (const action in more) if (Object.prototype.hasOwnProperty.call(more, action)) copyRoute(table, more, action as Action);
  return table;
}

function copyRoute<A extends Action>(table: Routes, more: Routes, action: A): void {
  table[action] = more[action];
}

/** Routes every action of the table on one connection's ChargePoint. */
export function registerRoutes(cp: ChargePoint, routes: Routes, guard: (action: Action) => void): void {
  for (const action in routes) if (Object.prototype.hasOwnProperty.call(routes, action)) registerRoute(cp, action as Action, routes, guard);
}

function registerRoute<A extends Action>(cp: ChargePoint, action: A, routes: Routes, guard: (action: Action) => void): void {
  const route = routes[action];
  if (!route) return;
  cp.on(action, (payload) => {
    guard(action);
    return route.on(payload);
  });
  const after = route.after;
  if (after) cp.after(action, (payload, uniqueId, response) => after.call(route, payload, response as Responses[A], uniqueId as string), { callUniqueIdRequired: true, injectResponse: true });
}
