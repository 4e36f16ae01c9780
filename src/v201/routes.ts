// The 2.0.1 station's routes: src/lib/routes.ts over the generated 2.0.1 types.
import { Action, Requests, Responses } from '../ocpp/v201/generated/types';
import { ChargePoint } from '../ocpp/v201/index';
import { RouteOf, RoutesOf, registerRoutesOf } from '../lib/routes';

export { addRoutes } from '../lib/routes';

/** How the station serves one action: `on` answers it; `after` runs once that answer was sent. */
export type Route<A extends Action> = RouteOf<Requests[A], Responses[A]>;

/** Routes by action (a feature's, or the station's whole table). */
export type Routes = RoutesOf<Requests, Responses>;

/** Routes every action of the table on one connection's ChargePoint (guard: see registerRoutesOf). */
export function registerRoutes(cp: ChargePoint, routes: Routes, guard: (action: Action) => void): void {
  registerRoutesOf<Requests, Responses>(cp, routes, guard);
}
