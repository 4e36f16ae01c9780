// The 1.6 station's routes: src/lib/routes.ts over the generated 1.6 types. Each feature
// exports the typed routes of the CSMS-initiated actions it serves.
import { Action, Requests, Responses } from '../ocpp/v16/generated/types';
import { ChargePoint } from '../ocpp/v16/index';
import { RouteOf, RoutesOf, registerRoutesOf } from '../lib/routes';

export { addRoutes } from '../lib/routes';

/** How the station serves one action: `on` answers it; `after` runs once that answer was sent. */
export type Route<A extends Action> = RouteOf<Requests[A], Responses[A]>;

/** Routes by action (a feature's, or the station's whole table). */
export type Routes = RoutesOf<Requests, Responses>;

/** Routes every action of the table on one connection's ChargePoint (registerRoutesOf over the 1.6 types, not a function of its own). */
export const registerRoutes: (cp: ChargePoint, routes: Routes) => void = registerRoutesOf;
