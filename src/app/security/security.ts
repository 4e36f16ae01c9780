// The station's part of the OCPP 1.6 security extension (security whitepaper, edition 2):
// security profiles and their keys, the security events, certificates, logs and signed
// firmware. The Station asks it how to connect and tells it when a link goes up or down;
// it adds its configuration keys and its handlers.
//
// Changing the profile (or the Basic auth password) follows the whitepaper: upward only;
// the station answers, disconnects and reconnects with the new credentials. Until one
// connection with them has opened, the previous ones are kept in `security-trial.json`;
// after TRIAL_ATTEMPTS failed attempts (or a reboot that finds them) the station falls
// back to them. A reboot in between continues the trial.
import { Hal } from '../../../hal/index';
import { ConnectionTarget, Credentials, connectionFor, impliedProfile } from '../core/connection';
import { SecurityEvents, EventLink } from '../../lib/security-events';
import { SecurityEventType } from './security-event-types';
import { connectionFailure } from '../../lib/connection-failure';
import { CertificateStore, CERTIFICATE_CHAIN_MAX, CERTIFICATE_STORE_MAX, joinPems } from '../../lib/certificate-store';
import { CertificateUse } from '../../ocpp/v16/generated/types';
import { SecurityContext } from '../context';
import { PartHolder } from '../../lib/part-holder';
import { TurnHolder } from '../../lib/turn-holder';
import { transferFlow } from '../transfer-flow';
import type { LogUploadFlow } from '../../lib/log-upload';
import { signedFirmwarePart } from './signed-firmware-part';
import { securityLogPart } from './security-log-part';
import { certificateRequestsPart } from './certificate-requests-part';
import type { SignedFirmware, SignedFirmwareContext } from './signed-firmware';
import type { SecurityLogContext } from './security-log';
import type { CertificateRequests, CertificateRequestsContext } from './certificate-requests';

/** Connection attempts with new credentials before the station falls back to the old ones. */
export const TRIAL_ATTEMPTS = 3;
const TRIAL_FILE = 'security-trial.json';
/** Wait between the answer to a change and the reconnect, so the answer reaches the CSMS. */
const RECONNECT_DELAY_MS = 1000;
/** A clock correction smaller than this is drift or network delay, not a SettingSystemTime event. */
const CLOCK_EVENT_MIN_MS = 60000;
/** InvalidMessages: at most one event in this long (the others are counted into the next). */
const INVALID_EVENT_INTERVAL_MS = 3600000;
/** Where a signed firmware update's progress is kept across a reboot. */
const SIGNED_UPDATE_FILE = 'signed-firmware-update.json';
/** What a trigger reports while no transfer runs. */
const IDLE: { status: 'Idle' } = { status: 'Idle' };


interface SavedCredentials {
  profile: number;
  key: string;
}

export class Security {
  readonly events: SecurityEvents<SecurityEventType>;
  readonly certificates: CertificateStore<CertificateUse>;
  /** The certificate operations, for the CALL that opened them (a part: certificate-requests.ts). */
  readonly certificateRequests: TurnHolder<CertificateRequestsContext, CertificateRequests>;
  /** SignedUpdateFirmware's flow while an update runs (a part: signed-firmware.ts). */
  readonly signedUpdate: PartHolder<SignedFirmwareContext, SignedFirmware>;
  /** GetLog's upload while one runs (a part: security-log.ts). */
  readonly logUpload: PartHolder<SecurityLogContext, LogUploadFlow>;
  /** The credentials of the last connection that opened (or the ones the station booted with). */
  private proven: SavedCredentials;
  /** Credentials being tried: failed attempts so far (null: no trial). */
  private trialFailures: number | null = null;
  private reverting = false;
  /** Connection attempts failed for an authentication or certificate reason since the last open (one event per run of them). */
  private failureReported = false;
  private invalidReportedAt = -Infinity;
  private invalidUnreported = 0;

  constructor(private readonly station: SecurityContext) {
    const hal = station.hal;
    const s = hal.settings;
    const config = station.config;
    this.events = new SecurityEvents<SecurityEventType>({
      storage: hal.storage,
      now: hal.now,
      log: hal.log,
      setTimeout: hal.setTimeout,
      attempts: () => config.getInt('TransactionMessageAttempts'),
      retryInterval: () => config.getInt('TransactionMessageRetryInterval'),
      notify: () => this.securityProfile() >= 1, // the whitepaper's profiles are 1-3; every event type
    });
    this.certificates = new CertificateStore<CertificateUse>(hal.storage, hal.crypto, {
      storeMax: () => config.getInt('CertificateStoreMaxLength'),
      chainMax: () => config.getInt('CertificateSignedMaxChainSize'),
    });
    const initialProfile = s.securityProfile >= 0 && s.securityProfile <= 3 ? s.securityProfile : impliedProfile(s.url, s.password, s.cert, s.key);
    config.addKey('SecurityProfile', {
      value: String(initialProfile),
      kind: 'int',
      min: 0,
      max: 3,
      guard: (value) => this.mayChangeProfile(parseInt(value, 10)),
    });
    config.addKey('AuthorizationKey', {
      value: s.password,
      kind: 'text',
      writeOnly: true,
      validate: (value) => value.length <= 40,
      // Whitepaper: at least 16 characters (a password of at most 40, as OCPP 2.0.1's).
      guard: (value) => value.length >= 16,
    });
    config.addKey('CpoName', { value: '', kind: 'text', validate: (value) => value.length <= 64 });
    config.addKey('CertificateSignedMaxChainSize', { value: String(CERTIFICATE_CHAIN_MAX), kind: 'int', readonly: true });
    config.addKey('CertificateStoreMaxLength', { value: String(CERTIFICATE_STORE_MAX), kind: 'int', readonly: true });

    const trial = readTrial(hal);
    if (trial) {
      // A reboot while new credentials were being tried (e.g. the CSMS's Reset after the
      // change): the trial goes on, from a fresh count.
      this.proven = trial;
      this.trialFailures = 0;
    } else {
      this.proven = { profile: this.securityProfile(), key: config.get('AuthorizationKey') };
    }
    config.onChange((key) => this.configurationChanged(key));
    // What the transfers' parts are given (both run on the shared transfer flow).
    const parts: SignedFirmwareContext & SecurityLogContext = {
      hal,
      config,
      connectors: station.connectors,
      session: station.session,
      restarts: station.restarts,
      certificates: this.certificates,
      events: this.events,
      updateFile: SIGNED_UPDATE_FILE,
      get transfer() {
        return transferFlow.value!; // held while either part is
      },
      ended: () => hal.startTask(() => this.logUpload.release()),
    };
    this.signedUpdate = new PartHolder<SignedFirmwareContext, SignedFirmware>(hal, signedFirmwarePart, parts, undefined, transferFlow);
    this.logUpload = new PartHolder<SecurityLogContext, LogUploadFlow>(hal, securityLogPart, parts, undefined, transferFlow);
    this.certificateRequests = new TurnHolder<CertificateRequestsContext, CertificateRequests>(hal, certificateRequestsPart, {
      hal,
      config,
      session: station.session,
      certificates: this.certificates,
      events: this.events,
      trustedCas: () => this.trustedCas(),
      needsInstalledRoot: () => this.needsInstalledRoot(),
    });

    if (station.rebootMarker.found) this.events.raise('ResetOrReboot', station.rebootMarker.reason);
    this.events.raise('StartupOfTheDevice', hal.settings.firmwareVersion);
    this.addTriggers(station);
  }

  /** ExtendedTriggerMessage's own targets, and its FirmwareStatusNotification: the signed update's. */
  private addTriggers(station: SecurityContext): void {
    const triggers = station.triggers;
    triggers.addExtended('LogStatusNotification', { status: () => 'Accepted', send: () => station.session.sendRequested('LogStatusNotification', this.logUpload.value ? statusOf(this.logUpload.value) : IDLE) }); // Idle, or Uploading
    // The host cannot make keys: Rejected.
    triggers.addExtended('SignChargePointCertificate', { status: () => (this.certificates.crypto ? 'Accepted' : 'Rejected'), send: () => this.signCertificate() });
    triggers.addExtended('FirmwareStatusNotification', { send: () => station.session.sendRequested('SignedFirmwareStatusNotification', this.signedUpdate.value ? statusOf(this.signedUpdate.value) : IDLE) }); // Idle, or the update's step
  }

  /** At boot, after the interrupted transactions were stopped: a stored signed update goes on. */
  start(): void {
    if (this.station.hal.storage.get(SIGNED_UPDATE_FILE) === null) return;
    try {
      this.signedUpdate.open('the stored signed firmware update').start();
    } catch (e) {
      return; // logged; the record stays for a boot that can open the part
    }
  }

  stop(): void {
    this.signedUpdate.stop();
    this.logUpload.stop();
  }

  /** Booted and connected: queued security events and held-back notifications go out. */
  online(link: EventLink): void {
    this.events.online(link);
    const signed = this.signedUpdate.value;
    const logs = this.logUpload.value;
    if (signed) signed.online();
    if (logs) logs.online();
  }

  /** A connector changed (an install waits for the transactions). */
  connectorChanged(): void {
    const signed = this.signedUpdate.value;
    if (signed) signed.connectorChanged();
  }

  offline(): void {
    this.events.offline();
  }

  /** The SecurityProfile in force. */
  securityProfile(): number {
    return this.station.config.getInt('SecurityProfile');
  }

  /** Where and how to connect now. */
  connection(): ConnectionTarget {
    const s = this.station.hal.settings;
    return connectionFor(s.url, s.id, this.credentials());
  }

  /** A connection opened: the credentials it used are proven. */
  linkUp(): void {
    this.failureReported = false;
    if (this.trialFailures === null) return;
    this.trialFailures = null;
    this.proven = { profile: this.securityProfile(), key: this.station.config.get('AuthorizationKey') };
    this.station.hal.storage.remove(TRIAL_FILE);
    this.station.hal.log.info('security profile ' + this.proven.profile + ' works: kept');
  }

  /** The link closed; `wasUp` false: an attempt that never opened, `reason` why (the host's words). */
  linkDown(wasUp: boolean, reason: string): void {
    // An attempt that failed on the credentials or the CSMS's certificate (the host's words for it:
    // an HTTP 401 / 403 answer to the upgrade, the TLS stack's error) is a security event under
    // profiles 1-3, once until a connection opens again.
    const failure = wasUp || this.failureReported ? null : connectionFailure(reason, this.securityProfile());
    if (failure) {
      this.failureReported = true;
      this.events.raise(failure === 'credentialsRefused' ? 'FailedToAuthenticateAtCentralSystem' : 'InvalidCentralSystemCertificate', reason);
    }
    if (wasUp || this.trialFailures === null) return;
    this.trialFailures++;
    if (this.trialFailures >= TRIAL_ATTEMPTS) this.fallBack(TRIAL_ATTEMPTS + ' connection attempts failed');
  }

  /** The station set its clock from the CSMS: a jump is a SettingSystemTime event. */
  clockSet(before: number, after: number): void {
    const moved = after - before;
    if (Math.abs(moved) < CLOCK_EVENT_MIN_MS) return;
    this.events.raise('SettingSystemTime', 'clock set from the CSMS: ' + new Date(before).toISOString() + ' -> ' + new Date(after).toISOString());
  }

  /** The CSMS sent something that is not valid OCPP: an InvalidMessages event, at most one an hour. */
  invalidMessage(description: string): void {
    const now = this.station.hal.ticks();
    if (now - this.invalidReportedAt < INVALID_EVENT_INTERVAL_MS) {
      this.invalidUnreported++;
      return;
    }
    const more = this.invalidUnreported ? ' (and ' + this.invalidUnreported + ' more since the last report)' : '';
    this.invalidReportedAt = now;
    this.invalidUnreported = 0;
    this.events.raise('InvalidMessages', description + more);
  }

  /** The CAs the CSMS certificate may chain to: the settings' and the installed ones. */
  trustedCas(): string {
    return joinPems(this.station.hal.settings.ca, this.certificates.pemsOf('CentralSystemRootCertificate'));
  }

  /** Does the connection rely on the installed CentralSystemRootCertificates (TLS, no CA in the settings)? */
  needsInstalledRoot(): boolean {
    return this.securityProfile() >= 2 && !this.station.hal.settings.ca;
  }

  /** SignCertificate (whitepaper A02): the CSR made and sent by the certificate operations' part; one that cannot be opened is logged, nothing sent. */
  private signCertificate(): void {
    try {
      this.certificateRequests.open('SignCertificate').sign();
    } catch (e) {
      // logged
    }
  }

  // ---- profile and password changes -----------------------------------------------------

  private credentials(): Credentials {
    const s = this.station.hal.settings;
    // A certificate the CSMS signed (CertificateSigned) replaces the one from the settings.
    const signed = this.certificates.chargePointCertificate();
    return {
      profile: this.securityProfile(),
      authorizationKey: this.station.config.get('AuthorizationKey'),
      trustedCas: this.trustedCas(),
      clientCert: signed ? signed.chain : s.cert,
      clientKey: signed ? '' : s.key,
      clientKeyId: signed ? signed.keyId : '',
    };
  }

  /** ChangeConfiguration SecurityProfile: never downward, and only with what the profile needs. */
  private mayChangeProfile(to: number): boolean {
    const c = this.credentials();
    if (to < c.profile) return false;
    if ((to === 1 || to === 2) && !c.authorizationKey) return false;
    // TLS needs a CA to verify the CSMS with; profile 3 a certificate of the station's own.
    if (to >= 2 && !c.trustedCas) return false;
    if (to === 3 && !c.clientCert) return false;
    return true;
  }

  private configurationChanged(key: string): void {
    if (this.reverting) return;
    const profile = this.securityProfile();
    const usesKey = profile === 1 || profile === 2;
    if (key === 'SecurityProfile' || key === 'AuthorizationKey') this.events.raise('ReconfigurationOfSecurityParameters', key + ' changed');
    if (key === 'SecurityProfile' && profile !== this.proven.profile) this.tryNew('security profile ' + this.proven.profile + ' → ' + profile);
    else if (key === 'AuthorizationKey' && usesKey) this.tryNew('new AuthorizationKey');
  }

  /** Reconnects with the new credentials; the proven ones are kept until one works. */
  private tryNew(what: string): void {
    const hal = this.station.hal;
    hal.storage.set(TRIAL_FILE, JSON.stringify(this.proven));
    this.trialFailures = 0;
    hal.log.info(what + ': reconnecting');
    hal.setTimeout(() => this.station.session.reconnect(what), RECONNECT_DELAY_MS);
  }

  private fallBack(why: string): void {
    const hal = this.station.hal;
    const config = this.station.config;
    const tried = this.securityProfile();
    this.reverting = true;
    try {
      config.set('SecurityProfile', String(this.proven.profile));
      config.set('AuthorizationKey', this.proven.key);
    } finally {
      this.reverting = false;
    }
    this.trialFailures = null;
    hal.storage.remove(TRIAL_FILE);
    hal.log.warning('new security settings (profile ' + tried + ') do not work (' + why + '): back to profile ' + this.proven.profile);
    this.events.raise('ReconfigurationOfSecurityParameters', 'security profile ' + tried + ' failed (' + why + '), back to ' + this.proven.profile);
  }
}

/** A triggered status notification: the flow's status, with its requestId while one runs. */
function statusOf<S extends string>(flow: { status: S; requestId?: number }): { status: S; requestId?: number } {
  const payload: { status: S; requestId?: number } = { status: flow.status };
  if (flow.status !== 'Idle' && flow.requestId !== undefined) payload.requestId = flow.requestId;
  return payload;
}

function readTrial(hal: Hal): SavedCredentials | null {
  const text = hal.storage.get(TRIAL_FILE);
  if (!text) return null;
  try {
    const t = JSON.parse(text);
    if (typeof t.profile === 'number' && typeof t.key === 'string') return t;
  } catch (e) {
    // unreadable: no trial
  }
  hal.storage.remove(TRIAL_FILE);
  return null;
}
