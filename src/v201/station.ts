// The OCPP 2.0.1 charging station: what every feature stands on — the CSMS session
// (provisioning/session.ts), the device model, the routes, the trigger registry, the hooks —
// over the HAL and the hardware. The features install themselves (context.ts `Feature`);
// the composition root (bootStation201 in src/boot-station-201.ts) says which:
//
//   const station = new Station(hal, hardware, openChargePointLink(hal));
//   station.install(provisioning); station.install(availability); ...
//   station.start();       // connect, boot, serve
import { Hal } from '../../hal/index';
import { ConnectorHardware, Hardware } from '../../hal/hardware';
import { BootReasonEnum, ConnectorStatusEnum, OutgoingAction, OutgoingRequests, OutgoingResponses } from '../ocpp/v201/generated/types';
import { Availability, Feature, StationContext, StationEvent, StationEvents, TlsCredentials, Transactions } from './context';
import { DeviceModel } from './device-model/model';
import { LinkOpener } from './link';
import { CsmsSession } from './provisioning/session';
import { Routes, addRoutes } from './routes';
import { Triggers } from './triggers';

export class Station implements StationContext {
  readonly model: DeviceModel;
  readonly triggers = new Triggers();
  readonly evseCount: number;
  transactions: Transactions = { running: () => false, stop: () => Promise.resolve() };
  availability: Availability = { status: (): ConnectorStatusEnum => 'Available', operative: () => true, hold: () => undefined };
  tls: TlsCredentials;
  private readonly session: CsmsSession;
  private readonly routes: Routes = {};
  private readonly hooks: { [E in StationEvent]?: Array<StationEvents[E]> } = {};

  constructor(readonly hal: Hal, readonly hardware: Hardware, openLink: LinkOpener) {
    this.evseCount = hardware.connectorCount;
    this.model = new DeviceModel(hal.storage, hal.settings.configuration);
    const s = hal.settings;
    this.tls = { trustedCas: () => s.ca, clientCertificate: () => ({ cert: s.cert, key: s.key, keyId: '' }) };
    // The session's events are the station's (bootAccepted, online, offline, connectFailed, clock, securityChanged).
    this.session = new CsmsSession(hal, this.model, openLink, this, () => this.tls);
    hardware.onEvent = (id, event) => this.emit('connector', id, 1, event);
    // Where the station connects is the session's (B09): served whatever the features.
    this.route({ SetNetworkProfile: { on: (request) => this.session.profiles.set(request) } });
  }

  /** Installs a feature (before start). */
  install(feature: Feature): this {
    feature(this);
    return this;
  }

  /** Connects, boots and serves what the features routed. */
  start(): void {
    this.session.start(this.routes);
  }

  /** Ends the station's activity (timers, connection); the files stay. */
  stop(): void {
    this.session.stop();
  }

  connector(evseId: number, connectorId: number): ConnectorHardware | null {
    return evseId >= 1 && evseId <= this.evseCount && connectorId === 1 ? this.hardware.connector(evseId) : null;
  }

  get bootReason(): BootReasonEnum {
    return this.session.bootReason;
  }

  get registration() {
    return this.session.registration;
  }

  get online(): boolean {
    return this.session.online;
  }

  get connected(): boolean {
    return this.session.connected;
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
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i].apply(null, args);
      } catch (e) {
        // One feature's failure does not keep the others from hearing the event.
        this.hal.log.error(event + ' hook failed: ' + ((e && (e as Error).message) || e));
      }
    }
  }

  send<A extends OutgoingAction>(action: A, payload: OutgoingRequests[A]): Promise<OutgoingResponses[A] | null> {
    return this.session.send(action, payload);
  }

  sendRequested<A extends OutgoingAction>(action: A, payload: OutgoingRequests[A]): Promise<OutgoingResponses[A] | null> {
    return this.session.sendRequested(action, payload);
  }

  call<A extends OutgoingAction>(action: A, payload: OutgoingRequests[A], uniqueId?: string): Promise<OutgoingResponses[A]> {
    return this.session.call(action, payload, uniqueId);
  }

  sendBoot(): void {
    this.session.sendBoot();
  }

  heartbeat(): void {
    this.session.heartbeat();
  }

  reconnect(why: string): void {
    this.session.reconnect(why);
  }

  /** The network is back (the simulator's control): connect now, not after the backoff. */
  connectNow(): void {
    this.session.connectNow();
  }

  reboot(reason: BootReasonEnum): void {
    this.session.reboot(reason);
  }
}
