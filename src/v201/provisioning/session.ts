// The CSMS session of the 2.0.1 station: the version-neutral session (src/lib/csms-session.ts:
// reconnects with backoff, BootNotification until Accepted, heartbeat, clock, send policy) on
// the one connection (link.ts over the core's ChargePoint), with the 2.0.1 rules: where to
// connect (network profiles, B09), the BootNotification's fields and reason (B01.FR.09),
// OCPPCommCtrlr.HeartbeatInterval (B01.FR.04, G02), while Pending what the CSMS asks for may
// go out (B02.FR.02), while Rejected nothing goes out (B03.FR.02) and the CSMS's requests are
// refused (B03.FR.08). B02.FR.07-08 / B03.FR.05-06 (the interval, else the station's own
// wait) and B01.FR.06 (the clock) are the neutral session's.
import { Hal } from '../../../hal/index';
import { CsmsSession as Session } from '../../lib/csms-session';
import { SecurityError } from '../../ocpp/errors';
import { Action, BootNotificationRequest, BootReasonEnum, OutgoingRequests, OutgoingResponses, RegistrationStatusEnum } from '../../ocpp/v201/generated/types';
import { DeviceModel } from '../device-model/model';
import { CsmsLink, LinkOpener } from '../link';
import { Routes } from '../routes';
import { StationContext, TlsCredentials } from '../context';
import { NetworkProfiles } from './network-profiles';

/** Why the next boot happens (written before a restart, B01.FR.09): one word. */
const BOOT_REASON_FILE = 'boot-reason.txt';

/**
 * What the session tells the station: its events (context.ts, StationEvents: bootAccepted,
 * online, offline, connectFailed, clock, securityChanged), through the station's own emit.
 */
export type SessionEvents = Pick<StationContext, 'emit'>;

export class CsmsSession extends Session<OutgoingRequests, OutgoingResponses, CsmsLink, Routes> {
  protected readonly whileRejected = 'nothing sent on the open connection';
  /** Why this boot happened (B01.FR.09). */
  readonly bootReason: BootReasonEnum;
  /** Where to connect (SetNetworkProfile, NetworkConfigurationPriority). */
  readonly profiles: NetworkProfiles;

  constructor(hal: Hal, private readonly model: DeviceModel, private readonly openLink: LinkOpener, private readonly events: SessionEvents, tls: () => TlsCredentials) {
    super(hal);
    this.profiles = new NetworkProfiles(hal, model, (why) => this.reconnect(why), (what) => events.emit('securityChanged', what), tls);
    this.bootReason = (hal.storage.get(BOOT_REASON_FILE) as BootReasonEnum) || 'PowerUp';
    model.add('OCPPCommCtrlr', [
      // B01.FR.04: the interval of an Accepted BootNotification; the CSMS may set it too.
      { name: 'HeartbeatInterval', type: 'integer', mutability: 'ReadWrite', value: '300', unit: 's', min: 1, changed: () => this.startHeartbeat() },
    ]);
  }

  /** Ends the session: timers and the connection. */
  stop(): void {
    super.stop();
    this.close();
  }

  /** Restarts the firmware; the next boot's BootNotification gives `reason` (B01.FR.09). */
  reboot(reason: BootReasonEnum): void {
    this.hal.storage.set(BOOT_REASON_FILE, reason);
    this.stop();
    this.hal.restart();
  }

  protected open(routes: Routes): void {
    const target = this.profiles.target();
    this.hal.log.debug('connecting to ' + target.url + ' (network profile ' + target.slot + ')');
    let opened = false;
    this.openLink(target.url, target.options, routes, (action) => this.guard(action), {
      opened: (link) => {
        opened = true;
        this.profiles.connected();
        this.hal.log.info('connected to the CSMS (' + target.url + ', ocpp2.0.1)');
        this.linkUp(link);
      },
      closed: (code, reason) => {
        if (!opened) {
          this.profiles.failed();
          this.events.emit('connectFailed', reason, target.securityProfile);
        }
        this.linkDown(code, reason);
      },
    });
  }

  /** What the CSMS may ask when: nothing while Rejected (B03.FR.08). */
  private guard(action: Action): void {
    if (this.registration === 'Rejected') throw new SecurityError('the CSMS rejected this station (BootNotification); ' + action + ' not served');
  }

  protected opened(): void {}

  protected closed(wasConnected: boolean, wasOnline: boolean): void {
    if (wasOnline) this.events.emit('offline');
  }

  /** A station the CSMS never answered in this boot gives up after maxConnectAttempts. */
  protected giveUpAfter(): number {
    return this.registration === null ? this.hal.settings.maxConnectAttempts : 0;
  }

  protected unreachable(): void {
    this.hal.exit(1); // as the 1.6 station: the program ends, the host decides what next
  }

  /** B01.FR.01 */
  protected bootRequest(): BootNotificationRequest {
    const s = this.hal.settings;
    return {
      reason: this.bootReason, // B01.FR.09
      chargingStation: { model: s.model.substring(0, 20), vendorName: s.vendor.substring(0, 50), firmwareVersion: s.firmwareVersion.substring(0, 50) },
    };
  }

  protected heartbeatInterval(): number {
    return this.model.getInt('OCPPCommCtrlr', 'HeartbeatInterval');
  }

  /** B01.FR.04 */
  protected setHeartbeatInterval(seconds: number): void {
    this.model.put('OCPPCommCtrlr/HeartbeatInterval', String(seconds));
  }

  protected wentOnline(link: CsmsLink, firstTime: boolean): void {
    if (firstTime) {
      this.hal.storage.remove(BOOT_REASON_FILE);
      this.events.emit('bootAccepted');
    }
    this.events.emit('online');
  }

  protected acceptedAgain(): void {
    this.events.emit('online');
  }

  /** A later BootNotification got Pending / Rejected: nothing but BootNotification goes out. */
  protected wentOffline(wasAccepted: boolean): void {
    if (wasAccepted) this.events.emit('offline');
  }

  /** While Rejected the connection is not silenced: the routes' guard answers every CALL (B03.FR.08). */
  protected silence(): void {}

  protected clockSet(before: number): void {
    this.events.emit('clock', before, this.hal.now());
  }

  /** Also while Pending (B02.FR.02), never while Rejected (B03.FR.02). */
  protected mayAnswer(registration: RegistrationStatusEnum | null): boolean {
    return registration !== 'Rejected';
  }
}
