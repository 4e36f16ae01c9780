// A ChargePoint on the fake host's websocket, with the test playing the CSMS: frames the
// charge point sends are read with `frames()`, frames to it go in with `deliver()`.
import { assert, sleep } from '../../../lib/harness';
import { FakeHost, FakeSocket } from '../../../lib/fake-host';
import { createHal, Hal, WebSocket } from '../../../../hal/index';
import { ChargePoint } from '../../../../src/ocpp/v16/index';
import { ChargePointOptions } from '../../../../src/ocpp/charge-point';

export interface Rig<C> {
  host: FakeHost;
  hal: Hal;
  ws: WebSocket;
  socket: FakeSocket;
  cp: C;
  /** Takes the frames the charge point sent so far, parsed. */
  frames(): any[];
  /** Sends a frame to the charge point (an object is JSON-encoded). */
  deliver(frame: unknown): void;
  /** Sends a frame and returns what the charge point sent in answer once its handlers ran. */
  exchange(frame: unknown): Promise<any[]>;
}

export type Options = Partial<ChargePointOptions> & { logLevel?: string; subprotocol?: string };

export function rig<C = ChargePoint>(options: Options = {}, make?: (id: string, ws: WebSocket, o: ChargePointOptions) => C): Rig<C> {
  const host = new FakeHost({ config: { logLevel: options.logLevel || 'debug' } });
  const hal = createHal(host);
  const subprotocol = options.subprotocol || 'ocpp1.6';
  const ws = hal.connect('ws://csms/CP-1', { protocols: [subprotocol] });
  const socket = host.socket;
  socket.accept(subprotocol);
  const o: ChargePointOptions = { log: hal.log, setTimeout: hal.setTimeout };
  if (options.responseTimeout !== undefined) o.responseTimeout = options.responseTimeout;
  if (options.onInvalid) o.onInvalid = options.onInvalid;
  const cp = make ? make('CP-1', ws, o) : (new ChargePoint('CP-1', ws, o) as unknown as C);
  (cp as unknown as ChargePoint).start();
  const deliver = (frame: unknown) => socket.deliver(typeof frame === 'string' ? frame : JSON.stringify(frame));
  return {
    host,
    hal,
    ws,
    socket,
    cp,
    frames: () => socket.take(),
    deliver,
    async exchange(frame) {
      socket.take();
      deliver(frame);
      await sleep(0);
      return socket.take();
    },
  };
}

/** Log lines of at least warning level that contain `text`. */
export function logged(host: FakeHost, text: string): string[] {
  return host.logs.filter((l) => l.level >= 30 && l.text.indexOf(text) >= 0).map((l) => l.text);
}

/** A string of n copies of c (String.prototype.repeat is ES2015). */
export function repeat(c: string, n: number): string {
  return new Array(n + 1).join(c);
}

/**
 * The one frame answered: a CALLERROR with this id and code, 5 elements, a string description
 * and an object for details; then `serving` checks the loop still answers a valid CALL.
 */
export async function expectCallError<C>(r: Rig<C>, frame: unknown, id: string, code: string, serving: (r: Rig<C>) => Promise<void>): Promise<any[]> {
  const out = await r.exchange(frame);
  assert.equal(out.length, 1, 'one answer to ' + JSON.stringify(frame) + ', got ' + JSON.stringify(out));
  const e = out[0];
  assert.equal(e.length, 5, 'CALLERROR has 5 elements');
  assert.deepEqual([e[0], e[1], e[2]], [4, id, code], 'answer to ' + JSON.stringify(frame) + ': ' + JSON.stringify(e));
  assert.equal(typeof e[3], 'string');
  assert.equal(Object.prototype.toString.call(e[4]), '[object Object]', 'details is an object');
  await serving(r);
  return e;
}
