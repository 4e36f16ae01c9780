// A station's routing is the OCPP core's, for either version: each feature gives the typed
// routes of the CSMS-initiated actions it serves (the generated types of its version), and
// registerRoutes() puts them on each connection's ChargePoint with cp.on / cp.after. `after`
// gets the response that was sent, so what `on` decided reaches it without a side table.
import { ChargePoint } from '../ocpp/charge-point';

/**
 * How the station serves one action: `on` answers it; `after` runs once that answer was sent.
 * Both are called as plain functions, not as methods of the route (write them as arrows).
 */
export interface RouteOf<Request, Response> {
  on(payload: Request): Response | Promise<Response>;
  after?(payload: Request, response: Response, uniqueId: string): void;
}

/** Routes by action, over a version's request and response types. */
export type RoutesOf<Rq, Rs> = { [A in keyof Rq & keyof Rs]?: RouteOf<Rq[A], Rs[A]> };

/** Adds `more` to `table` (a later route of an action replaces an earlier one). */
export function addRoutes<T extends object>(table: T, more: T): T {
  for (const action in more) if (Object.prototype.hasOwnProperty.call(more, action)) table[action] = more[action];
  return table;
}

/**
 * Routes every action of the table on one connection's ChargePoint; `guard(action)`, when
 * given, runs before each `on` and may throw the OcppError to answer instead.
 */
export function registerRoutesOf<Rq extends object, Rs extends object>(cp: ChargePoint<Rq, Rs>, routes: RoutesOf<Rq, Rs>, guard?: (action: keyof Rq & string) => void): void {
  for (const action in routes) if (Object.prototype.hasOwnProperty.call(routes, action)) registerRoute(cp, action as keyof Rq & keyof Rs & string, routes, guard);
}

function registerRoute<Rq extends object, Rs extends object, A extends keyof Rq & keyof Rs & string>(cp: ChargePoint<Rq, Rs>, action: A, routes: RoutesOf<Rq, Rs>, guard?: (action: keyof Rq & string) => void): void {
  const route = routes[action] as RouteOf<Rq[A], Rs[A]> | undefined;
  if (!route) return;
  // Without a guard the route's own function is the handler: no closure per action and connection.
  const on = route.on as (payload: Rq[A]) => Rs[A & keyof Rs];
  cp.on(
    action,
    guard
      ? (payload) => {
          guard(action);
          return on(payload);
        }
      : on
  );
  const after = route.after;
  if (after) cp.after(action, (payload, uniqueId, response) => after(payload, response as Rs[A], uniqueId as string), { callUniqueIdRequired: true, injectResponse: true });
}
