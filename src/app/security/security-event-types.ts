// The 1.6 security whitepaper's security event types (section 4.1); the critical ones are
// marked. The events themselves are src/lib/security-events.ts's, shared with OCPP 2.0.1.
import { SecurityEvents } from '../../lib/security-events';

export type SecurityEventType =
  | 'FirmwareUpdated' // critical
  | 'FailedToAuthenticateAtCentralSystem'
  | 'CentralSystemFailedToAuthenticate'
  | 'SettingSystemTime' // critical
  | 'StartupOfTheDevice' // critical
  | 'ResetOrReboot' // critical
  | 'SecurityLogWasCleared' // critical
  | 'ReconfigurationOfSecurityParameters'
  | 'MemoryExhaustion' // critical
  | 'InvalidMessages'
  | 'AttemptedReplayAttacks'
  | 'TamperDetectionActivated' // critical
  | 'InvalidFirmwareSignature'
  | 'InvalidFirmwareSigningCertificate'
  | 'InvalidCentralSystemCertificate'
  | 'InvalidChargePointCertificate'
  | 'InvalidTLSVersion'
  | 'InvalidTLSCipherSuite';

/** The 1.6 station's security events. */
export type SecurityEvents16 = SecurityEvents<SecurityEventType>;
