// The 2.0.1 station's connection to the CSMS: what the session needs of one (CsmsLink) and
// how it opens one (LinkOpener), over the OCPP core's 2.0.1 ChargePoint.
import { Hal, WebSocketOptions } from '../../hal/index';
import { Action, ChargePoint, OutgoingRequests, OutgoingResponses } from '../ocpp/v201/index';
import { CallOf } from '../ocpp/charge-point';
import { Routes, registerRoutes } from './routes';

/** One open connection. */
export interface CsmsLink {
  /** Sends a CALL; resolves with the CALLRESULT payload; rejects on CALLERROR, timeout or close. */
  call: CallOf<OutgoingRequests, OutgoingResponses>;
  isOpen(): boolean;
  close(): void;
}

export interface LinkEvents {
  /** The websocket is open and the routes are registered. */
  opened(link: CsmsLink): void;
  /** The connection closed or could not be opened (once per opener call). */
  closed(code: number, reason: string): void;
}

/**
 * Opens a connection serving `routes`; `guard(action)` runs before each route and may throw
 * the OcppError to answer instead (SecurityError while Rejected, B03.FR.08).
 */
export type LinkOpener = (url: string, options: WebSocketOptions, routes: Routes, guard: (action: Action) => void, events: LinkEvents) => void;

/**
 * The LinkOpener over the OCPP core: one 2.0.1 ChargePoint per connection, the routes
 * registered with cp.on / cp.after (every CALL validated, bad frames answered with the
 * 2.0.1 error codes), and call() → cp.call with suppress off, so a CALLERROR rejects.
 */
export function openChargePointLink(hal: Hal): LinkOpener {
  return (url, options, routes, guard, events) => {
    const ws = hal.connect(url, options);
    let lastError = '';
    ws.onerror = (message) => (lastError = message);
    ws.onclose = (code, reason) => events.closed(code, reason || lastError);
    const cp = new ChargePoint(decodeURIComponent(url.substring(url.lastIndexOf('/') + 1)), ws, { log: hal.log, setTimeout: hal.setTimeout });
    registerRoutes(cp, routes, guard);
    ws.onopen = () =>
      events.opened({
        call: (action, payload, uniqueId) => cp.call(action, payload, { suppress: false, uniqueId }),
        isOpen: () => ws.readyState === 'open',
        close: () => ws.close(1000),
      });
    cp.start();
  };
}
