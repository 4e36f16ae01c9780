// The CSMS session of the 2.0.1 station: the one connection (link.ts over the core's
// ChargePoint), reconnects backed off with jitter, BootNotification until Accepted (B01-B03),
// the heartbeat (G02) and what may be sent in which state.
import { Hal } from '../../../hal/index';
import { Backoff } from '../../lib/backoff';
import { SecurityError } from '../../ocpp/errors';
import { Action, BootNotificationRequest, BootNotificationResponse, BootReasonEnum, RegistrationStatusEnum } from '../../ocpp/v201/generated/types';
import { DeviceModel } from '../device-model/model';
import { CsmsLink, LinkOpener } from '../link';
import { Routes } from '../routes';
import { TlsCredentials } from '../context';
import { NetworkProfiles } from './network-profiles';

/** The wait the station picks itself when the CSMS gave none (B02.FR.07, B03.FR.05) or did not answer (B01 error handling). */
const BOOT_RETRY_SECONDS = 30;
/** Why the next boot happens (written before a restart, B01.FR.09): one word. */
const BOOT_REASON_FILE = 'boot-reason.txt';

/** What the session tells the station. */
export interface SessionEvents {
  bootAccepted(): void;
  online(): void;
  offline(): void;
  /** A connection attempt did not open (the host's reason). */
  connectFailed(reason: string, securityProfile: number): void;
  /** The clock was set from the CSMS's time. */
  clockSet(before: number, after: number): void;
  /** A security parameter changed (BasicAuthPassword, SecurityProfile). */
  securityChanged(what: string): void;
}

export class CsmsSession {
  /** The BootNotification's answer in this boot (null: none yet). */
  registration: RegistrationStatusEnum | null = null;
  private link: CsmsLink | null = null;
  private stopped = false;
  private readonly backoff: Backoff;
  private heartbeatTimer: { cancel(): void } | null = null;
  private bootTimer: { cancel(): void } | null = null;
  private reconnectTimer: { cancel(): void } | null = null;
  /** BootNotification Rejected: nothing may go out before this monotonic time, ms (B03.FR.02). */
  private rejectedUntil = 0;
  /** Why this boot happened (B01.FR.09). */
  readonly bootReason: BootReasonEnum;
  private routes: Routes = {};
  /** Where to connect (SetNetworkProfile, NetworkConfigurationPriority). */
  readonly profiles: NetworkProfiles;

  constructor(
    private readonly hal: Hal,
    private readonly model: DeviceModel,
    private readonly openLink: LinkOpener,
    private readonly events: SessionEvents,
    tls: () => TlsCredentials
  ) {
    this.profiles = new NetworkProfiles(hal, model, (why) => this.reconnect(why), (what) => events.securityChanged(what), tls);
    this.backoff = new Backoff({ baseMs: 1000, capMs: Math.max(1, hal.settings.reconnectMaxSeconds) * 1000 });
    this.bootReason = (hal.storage.get(BOOT_REASON_FILE) as BootReasonEnum) || 'PowerUp';
    model.add('OCPPCommCtrlr', [
      // B01.FR.04: the interval of an Accepted BootNotification; the CSMS may set it too.
      { name: 'HeartbeatInterval', type: 'integer', mutability: 'ReadWrite', value: '300', unit: 's', min: 1, changed: () => this.startHeartbeat() },
    ]);
  }

  get connected(): boolean {
    return this.link !== null;
  }

  /** Accepted and connected: messages can go now. */
  get online(): boolean {
    return this.link !== null && this.registration === 'Accepted';
  }

  /** Connects (and keeps connecting), serving `routes` on each connection. */
  start(routes: Routes): void {
    this.routes = routes;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    cancel(this.reconnectTimer);
    cancel(this.bootTimer);
    cancel(this.heartbeatTimer);
    if (this.link) this.link.close();
  }

  /** Restarts the firmware; the next boot's BootNotification gives `reason` (B01.FR.09). */
  reboot(reason: BootReasonEnum): void {
    this.hal.storage.set(BOOT_REASON_FILE, reason);
    this.stop();
    this.hal.restart();
  }

  // ---- connection -----------------------------------------------------------------------

  private connect(): void {
    if (this.stopped) return;
    const target = this.profiles.target();
    this.hal.log.debug('connecting to ' + target.url + ' (network profile ' + target.slot + ')');
    let opened = false;
    this.openLink(target.url, target.options, this.routes, (action) => this.guard(action), {
      opened: (link) => {
        opened = true;
        this.profiles.connected();
        this.hal.log.info('connected to the CSMS (' + target.url + ', ocpp2.0.1)');
        this.linkUp(link);
      },
      closed: (code, reason) => {
        if (!opened) {
          this.profiles.failed();
          this.events.connectFailed(reason, target.securityProfile);
        }
        this.linkDown(code, reason);
      },
    });
  }

  /** What the CSMS may ask when: nothing while Rejected (B03.FR.08). */
  private guard(action: Action): void {
    if (this.registration === 'Rejected') throw new SecurityError('the CSMS rejected this station (BootNotification); ' + action + ' not served');
  }

  private linkUp(link: CsmsLink): void {
    this.link = link;
    if (this.registration === 'Accepted') this.goOnline();
    else if (this.registration === 'Rejected' && this.rejectedUntil > this.hal.ticks()) this.bootLater((this.rejectedUntil - this.hal.ticks()) / 1000);
    else this.sendBoot();
  }

  private linkDown(code: number, reason: string): void {
    const wasOnline = this.online;
    this.link = null;
    cancel(this.heartbeatTimer);
    cancel(this.bootTimer);
    this.heartbeatTimer = this.bootTimer = null;
    if (wasOnline) this.events.offline();
    if (this.stopped) return;
    const s = this.hal.settings;
    if (s.maxConnectAttempts > 0 && this.registration === null && this.backoff.failures + 1 >= s.maxConnectAttempts) {
      this.hal.log.error('the CSMS at ' + s.url + ' is unreachable after ' + s.maxConnectAttempts + ' attempts (' + code + (reason ? ' ' + reason : '') + ')');
      this.hal.exit(1); // as the 1.6 station: the program ends, the host decides what next
      return;
    }
    const delay = this.backoff.next();
    this.hal.log.info((wasOnline ? 'connection lost' : 'cannot connect') + ' (' + code + (reason ? ' ' + reason : '') + '); again in ' + (delay / 1000).toFixed(1) + ' s');
    this.reconnectTimer = this.hal.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  /** Closes the connection; the station connects again. */
  reconnect(why: string): void {
    if (!this.link) return;
    this.hal.log.info('disconnecting: ' + why);
    this.link.close();
  }

  // ---- boot and heartbeat -----------------------------------------------------------------

  /** BootNotification (B01.FR.01); again after the interval while not Accepted (B02.FR.08, B03.FR.06). */
  sendBoot(): void {
    const link = this.link;
    if (!link) return;
    cancel(this.bootTimer);
    this.bootTimer = null;
    const s = this.hal.settings;
    const request: BootNotificationRequest = {
      reason: this.bootReason, // B01.FR.09
      chargingStation: { model: s.model.substring(0, 20), vendorName: s.vendor.substring(0, 50), firmwareVersion: s.firmwareVersion.substring(0, 50) },
    };
    link.call('BootNotification', request).then(
      (conf: BootNotificationResponse) => {
        if (this.link !== link) return;
        this.setClock(conf.currentTime); // B01.FR.06
        const wasAccepted = this.registration === 'Accepted';
        this.registration = conf.status;
        if (conf.status === 'Accepted') {
          if (conf.interval > 0) this.model.put('OCPPCommCtrlr/HeartbeatInterval', String(conf.interval)); // B01.FR.04
          this.hal.log.info('booted (Accepted, heartbeat ' + this.heartbeatInterval() + ' s)');
          if (!wasAccepted) {
            this.hal.storage.remove(BOOT_REASON_FILE);
            this.events.bootAccepted();
          }
          this.goOnline();
          return;
        }
        if (wasAccepted) this.goOffline();
        const wait = conf.interval > 0 ? conf.interval : BOOT_RETRY_SECONDS; // B02.FR.07-08, B03.FR.05-06
        // Rejected: nothing goes out until the interval is over (B03.FR.02); the connection stays open.
        if (conf.status === 'Rejected') this.rejectedUntil = this.hal.ticks() + wait * 1000;
        this.hal.log.info('BootNotification ' + conf.status + '; again in ' + wait + ' s');
        this.bootLater(wait);
      },
      (error: any) => {
        if (this.link !== link || !link.isOpen()) return;
        this.hal.log.warning('BootNotification failed (' + describe(error) + '); again in ' + BOOT_RETRY_SECONDS + ' s');
        this.bootLater(BOOT_RETRY_SECONDS);
      }
    );
  }

  private bootLater(seconds: number): void {
    cancel(this.bootTimer);
    this.bootTimer = this.hal.setTimeout(() => this.sendBoot(), seconds * 1000);
  }

  private goOnline(): void {
    this.backoff.reset();
    this.startHeartbeat();
    this.events.online();
  }

  /** A later BootNotification got Pending / Rejected: nothing but BootNotification goes out. */
  private goOffline(): void {
    cancel(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.events.offline();
  }

  private heartbeatInterval(): number {
    return this.model.getInt('OCPPCommCtrlr/HeartbeatInterval');
  }

  /** (Re)starts the periodic Heartbeat at HeartbeatInterval (online only, G02.FR.01). */
  startHeartbeat(): void {
    cancel(this.heartbeatTimer);
    this.heartbeatTimer = null;
    const interval = this.heartbeatInterval();
    if (interval > 0 && this.online) this.heartbeatTimer = this.hal.setInterval(() => this.heartbeat(), interval * 1000);
  }

  /** A Heartbeat; its answer sets the clock (G02.FR.03 / B01.FR.06). */
  heartbeat(): void {
    this.sendRequested('Heartbeat', {}).then((conf) => conf && this.setClock(conf.currentTime));
  }

  private setClock(iso: string | undefined): void {
    const ms = iso ? Date.parse(iso) : NaN;
    if (isNaN(ms)) return;
    const before = this.hal.now();
    this.hal.setTime(ms);
    this.events.clockSet(before, this.hal.now());
  }

  // ---- messages --------------------------------------------------------------------------

  /** Sends a CALL if online; resolves with the answer, or null. */
  send(action: string, payload: object): Promise<any> {
    return this.online ? this.sendOn(action, payload) : Promise.resolve(null);
  }

  /** A CALL the CSMS asked for: also while Pending (B02.FR.02), never while Rejected (B03.FR.02). */
  sendRequested(action: string, payload: object): Promise<any> {
    return this.link && this.registration !== 'Rejected' ? this.sendOn(action, payload) : Promise.resolve(null);
  }

  private sendOn(action: string, payload: object): Promise<any> {
    const link = this.link;
    if (!link) return Promise.resolve(null);
    return link.call(action, payload).then(
      (conf: any) => conf,
      (error: any) => {
        this.hal.log.warning(action + ' failed: ' + describe(error));
        return null;
      }
    );
  }

  /** Sends a CALL now if online; rejects when not, on a CALLERROR and on a timeout. */
  call(action: string, payload: object, uniqueId?: string): Promise<any> {
    const link = this.link;
    if (!link || !this.online) return Promise.reject(new Error('offline'));
    return link.call(action, payload, uniqueId);
  }
}

function cancel(timer: { cancel(): void } | null): void {
  if (timer) timer.cancel();
}

/** An error as one short line: "InternalError: database down", "timed out", ... */
function describe(error: any): string {
  if (!error) return String(error);
  if (error.code && error.description !== undefined) return error.code + (error.description ? ': ' + error.description : '');
  return error.message || String(error);
}
