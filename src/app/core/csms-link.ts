// The station's connection to the CSMS: what it needs of one (CsmsLink) and how it opens
// one (LinkOpener). openChargePointLink() makes them from the OCPP core's ChargePoint.
import { Hal, WebSocketOptions } from '../../../hal/index';
import { ChargePoint, OutgoingRequests, OutgoingResponses } from '../../ocpp/v16/index';
import { CallOf } from '../../ocpp/charge-point';
import { Routes, registerRoutes } from '../routes';

/** One open connection. */
export interface CsmsLink {
  /** Sends a CALL; resolves with the CALLRESULT payload; rejects on CALLERROR, timeout or close. */
  call: CallOf<OutgoingRequests, OutgoingResponses>;
  isOpen(): boolean;
  close(): void;
  /**
   * While on, what the CSMS initiates (CALLs, and frames that are no answer) goes unanswered
   * and is dropped; answers to the station's own CALLs still arrive (BootNotification Rejected).
   */
  silence(on: boolean): void;
}

/** What a connection reports (the station's CSMS session is them). */
export interface LinkEvents {
  /** The websocket is open and the routes are registered. */
  linkUp(link: CsmsLink): void;
  /** The connection closed or could not be opened (once per opener call); `reason` is the close reason or, when it has none, the socket's last error. */
  linkDown(code: number, reason: string): void;
  /** The CSMS sent something that is not valid OCPP (the CALLERROR went already). */
  invalidMessage(description: string): void;
}

/** A CALLRESULT or CALLERROR frame: [3, … or [4, … */
const ANSWER = /^\s*\[\s*[34]\s*,/;

export type LinkOpener = (url: string, options: WebSocketOptions, routes: Routes, events: LinkEvents) => void;

/**
 * The LinkOpener over the OCPP core: one 1.6 ChargePoint per connection, the routes registered
 * with cp.on / cp.after (so every CALL is validated and bad frames get their CALLERROR), and
 * call() → cp.call with suppress off, so a CALLERROR rejects with its typed OcppError.
 */
export function openChargePointLink(hal: Hal): LinkOpener {
  return (url, options, routes, events) => {
    const ws = hal.connect(url, options);
    // Why a connection failed (HTTP 401, a certificate the CA does not verify, ...) comes as an error before the close.
    let lastError = '';
    ws.onerror = (message) => (lastError = message);
    ws.onclose = (code, reason) => events.linkDown(code, reason || lastError); // the ChargePoint's close handling runs first
    const onInvalid = (description: string) => events.invalidMessage(description);
    const cp = new ChargePoint(decodeURIComponent(url.substring(url.lastIndexOf('/') + 1)), ws, { log: hal.log, setTimeout: hal.setTimeout, onInvalid });
    registerRoutes(cp, routes);
    let silent = false;
    const link: CsmsLink = {
      // Typed by action; the core validates each payload against its schema too.
      call: (action, payload, uniqueId) => cp.call(action, payload, { suppress: false, uniqueId }),
      isOpen: () => ws.readyState === 'open',
      close: () => ws.close(1000),
      silence: (on) => (silent = on),
    };
    ws.onopen = () => events.linkUp(link);
    cp.start();
    const receive = ws.onmessage;
    ws.onmessage = (text) => {
      // Not even the action is logged: the frame may carry a secret (AuthorizationKey).
      if (silent && !ANSWER.test(text)) hal.log.info('a message from the CSMS left unanswered (BootNotification Rejected)');
      else if (receive) receive(text);
    };
  };
}
