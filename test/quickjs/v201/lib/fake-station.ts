// A StationContext for the 2.0.1 features' QuickJS tests: the real HAL over the fake host,
// the simulated hardware, the real device model, routes and trigger registry, and a CSMS the
// test plays: every CALL the features send is recorded and answered by `answer` (or held
// while the link is down, and rejected when it goes).
import { FakeHost } from '../../../lib/fake-host';
import { createHal, Hal } from '../../../../hal/index';
import { SimHardware } from '../../../../src/sim/sim-hardware';
import { Availability, StationContext, StationEvent, StationEvents, TlsCredentials, Transactions } from '../../../../src/v201/context';
import { DeviceModel } from '../../../../src/v201/device-model/model';
import { Routes, addRoutes } from '../../../../src/v201/routes';
import { Triggers } from '../../../../src/v201/triggers';
import { Action, BootReasonEnum, RegistrationStatusEnum } from '../../../../src/ocpp/v201/generated/types';

export interface SentCall {
  action: string;
  payload: any;
  uniqueId?: string;
}

export class FakeStation implements StationContext {
  readonly host: FakeHost;
  readonly hal: Hal;
  readonly hardware: SimHardware;
  readonly model: DeviceModel;
  readonly triggers = new Triggers();
  readonly evseCount: number;
  readonly routes: Routes = {};
  registration: RegistrationStatusEnum | null = 'Accepted';
  bootReason: BootReasonEnum = 'PowerUp';
  /** The link is up (and the station accepted). */
  up = true;
  /** Every CALL sent while up, in order. */
  readonly sent: SentCall[] = [];
  /** The CSMS's answer to a CALL; a thrown error becomes a rejection (a CALLERROR). */
  answer: (action: string, payload: any) => any = (action, payload) => defaultAnswer(action, payload);
  /** Hold the answers (the CSMS is slow): they come when release() is called or never when the link drops. */
  holdAnswers = false;
  transactions: Transactions = { running: () => false, stop: () => Promise.resolve() };
  availability: Availability = { status: () => 'Available', operative: () => true, hold: () => undefined };
  tls: TlsCredentials = { trustedCas: () => '', clientCertificate: () => ({ cert: '', key: '', keyId: '' }) };
  private readonly hooks: { [E in StationEvent]?: Array<StationEvents[E]> } = {};
  private held: { resolve: (v: any) => void; reject: (e: any) => void; call: SentCall }[] = [];

  constructor(options: { files?: { [name: string]: string }; evses?: number } = {}) {
    this.host = new FakeHost({ files: options.files || {} });
    this.hal = createHal(this.host);
    this.evseCount = options.evses || 1;
    this.hardware = new SimHardware({ connectors: this.evseCount, ticks: this.hal.ticks, defer: (fn) => this.hal.setTimeout(fn, 0), setInterval: this.hal.setInterval, storage: this.hal.storage });
    this.hardware.onEvent = (id, event) => this.emit('connector', id, 1, event);
    this.model = new DeviceModel(this.hal.storage);
  }

  get online(): boolean {
    return this.up && this.registration === 'Accepted';
  }
  get connected(): boolean {
    return this.up;
  }
  connector(evseId: number, connectorId: number) {
    return evseId >= 1 && evseId <= this.evseCount && connectorId === 1 ? this.hardware.connector(evseId) : null;
  }
  route(routes: Routes): void {
    addRoutes(this.routes, routes);
  }
  on<E extends StationEvent>(event: E, hook: StationEvents[E]): void {
    const list = (this.hooks[event] || (this.hooks[event] = [])) as Array<StationEvents[E]>;
    list.push(hook);
  }
  emit<E extends StationEvent>(event: E, ...args: Parameters<StationEvents[E]>): void {
    const list = this.hooks[event] as Array<(...a: any[]) => void> | undefined;
    if (list) for (let i = 0; i < list.length; i++) list[i].apply(null, args);
  }
  send(action: string, payload: object): Promise<any> {
    return this.online ? this.call(action, payload).then(null, () => null) : Promise.resolve(null);
  }
  sendRequested(action: string, payload: object): Promise<any> {
    return this.send(action, payload);
  }
  call(action: string, payload: object, uniqueId?: string): Promise<any> {
    if (!this.up) return Promise.reject(new Error('not connected'));
    const call: SentCall = { action, payload: JSON.parse(JSON.stringify(payload)), uniqueId };
    this.sent.push(call);
    return new Promise((resolve, reject) => {
      if (this.holdAnswers) {
        this.held.push({ resolve, reject, call });
        return;
      }
      Promise.resolve().then(() => {
        try {
          resolve(this.answer(action, call.payload));
        } catch (e) {
          reject(e);
        }
      });
    });
  }
  /** Answers the held CALLs. */
  release(): void {
    const held = this.held;
    this.held = [];
    this.holdAnswers = false;
    for (let i = 0; i < held.length; i++) held[i].resolve(this.answer(held[i].call.action, held[i].call.payload));
  }
  /** The link drops: calls in flight reject, the features hear `offline`. */
  linkDown(): void {
    this.up = false;
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i++) held[i].reject(new Error('connection closed'));
    this.emit('offline');
  }
  linkUp(): void {
    this.up = true;
    this.emit('online');
  }
  sendBoot(): void {}
  heartbeat(): void {}
  reconnect(): void {}
  reboot(): void {}

  /** A CSMS-initiated CALL through the routes: the answer, and the after-hook once it went. */
  request(action: Action, payload: any): any {
    const route = (this.routes as any)[action];
    if (!route) throw new Error('no route for ' + action);
    const response = route.on(payload);
    if (route.after) route.after(payload, response, 'csms-1');
    return response;
  }

  /** The TransactionEvents sent, in order (the first transmission of each). */
  events(): any[] {
    return this.sent.filter((c) => c.action === 'TransactionEvent').map((c) => c.payload);
  }
}

function defaultAnswer(action: string, payload: any): any {
  if (action === 'Authorize') return { idTokenInfo: { status: 'Accepted' } };
  if (action === 'TransactionEvent') return payload.idToken ? { idTokenInfo: { status: 'Accepted' } } : {};
  return {};
}
