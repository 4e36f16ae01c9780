// The station's connection to the CSMS: what it needs of one (CsmsLink) and how it opens
// one (LinkOpener). openChargePointLink() makes them from the OCPP core's ChargePoint.
import { WebSocketOptions } from '../../hal/index';

/** A CSMS-initiated action: `on` answers it; `after` runs once the answer was sent. */
export interface Handler {
  on: (payload: any) => any;
  after?: (payload: any) => void;
}
export interface Handlers {
  [action: string]: Handler;
}

/** One open connection. */
export interface CsmsLink {
  /** Sends a CALL; resolves with the CALLRESULT payload; rejects on CALLERROR, timeout or close. */
  call(action: string, payload: object, uniqueId?: string): Promise<any>;
  isOpen(): boolean;
  close(): void;
}

export interface LinkEvents {
  /** The websocket is open and the handlers are routed. */
  opened(link: CsmsLink): void;
  /** The connection closed or could not be opened (once per opener call). */
  closed(code: number, reason: string): void;
}

export type LinkOpener = (url: string, options: WebSocketOptions, handlers: Handlers, events: LinkEvents) => void;
