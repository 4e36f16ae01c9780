// A station on the fake host, with the test playing the CSMS on the fake socket: frames the
// station sends are read with csms.next(), answers and CALLs go back with csms.reply() /
// csms.call().
import { clock, sleep } from '../../../lib/harness';
import { FakeHost, FakeSocket } from '../../../lib/fake-host';
import { createHal, Hal } from '../../../../hal/index';
import { SimHardware, simHardwareFor } from '../../../../src/sim/sim-hardware';
import { Station } from '../../../../src/app/station';
import { openChargePointLink } from '../../../../src/app/core/csms-link';
import { StationFeature } from '../../../../src/app/feature';
import { BUILT_IN_FEATURES } from '../../../../src/app/built-in-features';

export interface Rig {
  host: FakeHost;
  hal: Hal;
  hw: SimHardware;
  station: Station;
  csms: FakeCsms;
}

/**
 * `prepare` may give the host optional ABI members before the HAL looks for them; `features`:
 * the ones the station may install (default: every built-in one).
 */
export function makeStation(config: { [k: string]: unknown } = {}, files?: { [name: string]: string }, prepare?: (host: FakeHost) => void, features?: StationFeature[]): Rig {
  const settings: { [k: string]: unknown } = { url: 'ws://csms/ocpp', id: 'CP-T', connectors: 2, idTag: 'TAG' };
  for (const k in config) settings[k] = config[k];
  const host = new FakeHost({ config: settings, files: files || {} });
  if (prepare) prepare(host);
  const hal = createHal(host);
  const hw = simHardwareFor(hal);

  const station = new Station(hal, hw, openChargePointLink(hal), features || BUILT_IN_FEATURES);
  const csms = new FakeCsms(host);
  return { host, hal, hw, station, csms };
}

/**
 * The power goes: the station and its simulated meter stop where they are, and only a copy
 * of the files is left for the next boot (makeStation(config, files)).
 */
export function powerCut(rig: Rig): { [name: string]: string } {
  const files: { [name: string]: string } = {};
  for (const name in rig.host.files) files[name] = rig.host.files[name];
  rig.station.stop();
  rig.hw.stop();
  return files;
}

/** The CSMS side of the fake sockets. */
export class FakeCsms {
  /** Frames the station sent, not yet taken by next(). */
  inbox: any[] = [];
  autoAnswer: { [action: string]: (payload: any) => any } = {};
  private callSeq = 0;
  results: { [id: string]: any } = {};

  /** `protocol`: the subprotocol accept() agrees to (the 2.0.1 station's tests: ocpp2.0.1). */
  constructor(readonly host: FakeHost, private readonly protocol: string = 'ocpp1.6') {}

  get socket(): FakeSocket {
    return this.host.socket;
  }

  /** Accepts the newest connection (call after the station opened it). */
  accept(): void {
    const s = this.socket;
    s.onSend = (text) => this.received(JSON.parse(text));
    s.accept(this.protocol);
  }

  private received(frame: any): void {
    if (frame[0] === 2 && this.autoAnswer[frame[2]]) {
      const answer = this.autoAnswer[frame[2]](frame[3]);
      this.inbox.push(frame);
      if (answer !== undefined) clock.schedule(0, () => this.socket.open && this.socket.deliver(JSON.stringify([3, frame[1], answer])));
      return;
    }
    if (frame[0] === 3 || frame[0] === 4) this.results[frame[1]] = frame;
    this.inbox.push(frame);
  }

  /** The next CALL the station sent with this action (waiting virtual time for it). */
  async next(action: string, maxMs: number = 600000): Promise<any> {
    const until = clock.now() + maxMs;
    for (;;) {
      for (let i = 0; i < this.inbox.length; i++) {
        if (this.inbox[i][0] === 2 && this.inbox[i][2] === action) return this.inbox.splice(i, 1)[0];
      }
      if (clock.now() >= until) throw new Error('no ' + action + ' within ' + maxMs + ' ms; inbox ' + JSON.stringify(this.inbox));
      await sleep(50);
    }
  }

  /** CALLs of an action still in the inbox (without taking them). */
  pending(action: string): any[] {
    return this.inbox.filter((f) => f[0] === 2 && f[2] === action);
  }

  reply(frame: any, payload: any): void {
    this.socket.deliver(JSON.stringify([3, frame[1], payload]));
  }

  error(frame: any, code: string, description: string = ''): void {
    this.socket.deliver(JSON.stringify([4, frame[1], code, description, {}]));
  }

  /** Sends a CALL to the station and resolves with its answer frame. */
  async call(action: string, payload: any): Promise<any> {
    const id = 'csms-' + ++this.callSeq;
    this.socket.deliver(JSON.stringify([2, id, action, payload]));
    for (let i = 0; i < 200; i++) {
      if (this.results[id]) {
        const r = this.results[id];
        for (let k = 0; k < this.inbox.length; k++) if (this.inbox[k] === r) this.inbox.splice(k, 1);
        return r;
      }
      await sleep(0);
    }
    throw new Error('no answer to ' + action);
  }

  /** Answers what a CSMS answers by itself: boot (Accepted), heartbeat, status, authorize, transactions. */
  answerRoutine(interval: number = 300): void {
    let tx = 100;
    const now = () => new Date(clock.now()).toISOString();
    const routine: { [action: string]: (payload: any) => any } = {
      BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval }),
      Heartbeat: () => ({ currentTime: now() }),
      StatusNotification: () => ({}),
      Authorize: () => ({ idTagInfo: { status: 'Accepted' } }),
      StartTransaction: () => ({ transactionId: ++tx, idTagInfo: { status: 'Accepted' } }),
      MeterValues: () => ({}),
      StopTransaction: () => ({}),
      FirmwareStatusNotification: () => ({}),
      DiagnosticsStatusNotification: () => ({}),
    };
    // What a test set itself stays.
    for (const action in routine) if (!this.autoAnswer[action]) this.autoAnswer[action] = routine[action];
  }
}

/** Starts the station and lets it connect; the CSMS accepts. */
export async function startOnline(rig: Rig, interval: number = 300): Promise<void> {
  rig.csms.answerRoutine(interval);
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  await rig.csms.next('BootNotification');
  await sleep(0);
  // One CALL at a time (OCPP-J): the boot's StatusNotifications (connector 0 too) follow
  // one another, each after the answer to the one before.
  for (let i = 0; i < 50 && rig.csms.pending('StatusNotification').length <= rig.hal.settings.connectors; i++) await sleep(0);
}

/** The driver plugs in and presents an idTag; resolves with the StartTransaction frame the CSMS got. */
export async function startCharging(rig: Rig, connectorId: number, idTag: string = 'TAG'): Promise<any> {
  rig.hw.connector(connectorId).plugIn();
  await sleep(0);
  await rig.station.presentIdTag(connectorId, idTag);
  return rig.csms.next('StartTransaction');
}
