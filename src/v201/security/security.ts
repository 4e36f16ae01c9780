// Functional block A, Security, as far as it is more than how the station connects (the
// security profile, BasicAuthPassword and the network profiles are the session's:
// provisioning/network-profiles.ts): the security events (A04). Every event goes to the
// security log (A04.FR.04); the critical ones (part 2 appendix, Security Events) are sent as
// SecurityEventNotification through a durable outbox (src/lib/security-events.ts, as the 1.6
// station's), so that none is lost across a dropped link or a power loss (A04.FR.02).
//
// The events this feature raises itself: StartupOfTheDevice at every boot, ResetOrReboot
// after a reboot that was not a power-up, SettingSystemTime when the CSMS's time moved the
// clock by more than ClockCtrlr.TimeAdjustmentReportingThreshold, FailedToAuthenticateAtCsms
// and InvalidCsmsCertificate when a connection attempt failed for that reason (once per run of
// failed attempts, A00.FR.316), ReconfigurationOfSecurityParameters when BasicAuthPassword or
// SecurityProfile changed (A01.FR.11). Other features raise theirs through `raise`
// (certificates: InvalidChargingStationCertificate; firmware: FirmwareUpdated, ...).
import { SecurityEvents } from '../../lib/security-events';
import { connectionFailure } from '../../lib/connection-failure';
import { StationContext } from '../context';

/** OCPP 2.0.1's security event types (part 2 appendix 1). */
export type SecurityEventType =
  | 'FirmwareUpdated'
  | 'FailedToAuthenticateAtCsms'
  | 'CsmsFailedToAuthenticate'
  | 'SettingSystemTime'
  | 'StartupOfTheDevice'
  | 'ResetOrReboot'
  | 'SecurityLogWasCleared'
  | 'ReconfigurationOfSecurityParameters'
  | 'MemoryExhaustion'
  | 'InvalidMessages'
  | 'AttemptedReplayAttacks'
  | 'TamperDetectionActivated'
  | 'InvalidFirmwareSignature'
  | 'InvalidFirmwareSigningCertificate'
  | 'InvalidCsmsCertificate'
  | 'InvalidChargingStationCertificate'
  | 'InvalidTLSVersion'
  | 'InvalidTLSCipherSuite'
  | 'MaintenanceLoginAccepted'
  | 'MaintenanceLoginFailed';

/** The types the appendix does not mark critical: logged only (A04.FR.01 asks for the critical ones). */
const NOT_CRITICAL = ',FailedToAuthenticateAtCsms,CsmsFailedToAuthenticate,ReconfigurationOfSecurityParameters,InvalidMessages,AttemptedReplayAttacks,';


/** What other features use of block A. */
export interface Security {
  /** Records a security event (security log; the critical ones queued durably for the CSMS). */
  raise(type: SecurityEventType, techInfo?: string): void;
  readonly events: SecurityEvents<SecurityEventType>;
}

export function installSecurity(station: StationContext): Security {
  const hal = station.hal;
  const model = station.model;
  /** The notifications are delivered as transaction messages are (E13): OCPPCommCtrlr's `variable`[TransactionEvent], when the transactions feature registered it. */
  const intOr = (variable: string, otherwise: number) => (model.get('OCPPCommCtrlr', variable, 'TransactionEvent') === '' ? otherwise : model.getInt('OCPPCommCtrlr', variable, 'TransactionEvent'));
  model.add('ClockCtrlr', [{ name: 'TimeAdjustmentReportingThreshold', type: 'integer', mutability: 'ReadWrite', value: '60', unit: 's', min: 0 }]);
  const events = new SecurityEvents<SecurityEventType>({
    storage: hal.storage,
    now: hal.now,
    log: hal.log,
    setTimeout: hal.setTimeout,
    attempts: () => intOr('MessageAttempts', 3),
    retryInterval: () => intOr('MessageAttemptInterval', 60),
    notify: (type) => NOT_CRITICAL.indexOf(',' + type + ',') < 0,
  });
  const raise = (type: SecurityEventType, techInfo?: string) => events.raise(type, techInfo);

  station.on('online', () => events.online({ call: (action, payload) => station.call(action, payload), isOpen: () => station.online }));
  station.on('offline', () => events.offline());

  // A00.FR.310 / A00.FR.413 (InvalidCsmsCertificate); one event per run of failed attempts (A00.FR.316's note).
  let failureReported = false;
  station.on('connectFailed', (reason, profile) => {
    const failure = failureReported ? null : connectionFailure(reason, profile);
    if (!failure) return;
    failureReported = true;
    raise(failure === 'credentialsRefused' ? 'FailedToAuthenticateAtCsms' : 'InvalidCsmsCertificate', reason);
  });
  station.on('online', () => (failureReported = false));

  station.on('clock', (before, after) => {
    const threshold = model.getInt('ClockCtrlr', 'TimeAdjustmentReportingThreshold');
    if (threshold > 0 && Math.abs(after - before) > threshold * 1000) {
      raise('SettingSystemTime', new Date(before).toISOString() + ' -> ' + new Date(after).toISOString());
    }
  });
  station.on('securityChanged', (what) => raise('ReconfigurationOfSecurityParameters', what));

  if (station.bootReason !== 'PowerUp') raise('ResetOrReboot', station.bootReason);
  raise('StartupOfTheDevice', hal.settings.firmwareVersion);
  return { raise, events };
}
