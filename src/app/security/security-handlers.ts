// What the station answers to the security extension's CSMS-initiated actions:
// InstallCertificate, DeleteCertificate, GetInstalledCertificateIds, CertificateSigned and
// ExtendedTriggerMessage (whose SignChargePointCertificate starts a SignCertificate).
// SignedUpdateFirmware is signed-firmware.ts's, GetLog log-upload.ts's.
import { Handlers } from '../csms-link';
import { canTrigger as canTriggerCore, trigger as triggerCore } from '../handlers';
import type { Station } from '../station';
import { Security } from './security';

export function securityHandlers(security: Security, station: Station): Handlers {
  const certificates = security.certificates;
  const log = security.log;
  return {
    SignedUpdateFirmware: security.signedFirmware.handlers().SignedUpdateFirmware,
    GetLog: security.logs.handlers().GetLog,

    InstallCertificate: {
      on: (p) => {
        const r = certificates.install(p.certificateType, p.certificate, security.now());
        log.info('InstallCertificate ' + p.certificateType + ': ' + r.status + (r.why ? ' (' + r.why + ')' : ''));
        return { status: r.status };
      },
    },

    DeleteCertificate: {
      on: (p) => {
        // The CA the TLS connection relies on stays (whitepaper: not the one in use).
        const status = certificates.remove(p.certificateHashData, (type) => type !== 'CentralSystemRootCertificate' || !security.needsInstalledRoot());
        log.info('DeleteCertificate ' + p.certificateHashData.serialNumber + ': ' + status);
        return { status };
      },
    },

    GetInstalledCertificateIds: {
      on: (p) => {
        const ids = certificates.ids(p.certificateType);
        return ids.length ? { status: 'Accepted', certificateHashData: ids } : { status: 'NotFound' };
      },
    },

    CertificateSigned: {
      on: (p) => {
        const why = certificates.acceptSigned(p.certificateChain, security.trustedCas());
        if (why) {
          log.warning('CertificateSigned rejected: ' + why);
          security.events.raise('InvalidChargePointCertificate', why);
          return { status: 'Rejected' };
        }
        log.info('CertificateSigned: the new charge point certificate is used from the next connection');
        return { status: 'Accepted' };
      },
    },

    ExtendedTriggerMessage: {
      on: (p) => ({ status: canTrigger(security, station, p.requestedMessage, p.connectorId) }),
      after: (p) => {
        if (canTrigger(security, station, p.requestedMessage, p.connectorId) === 'Accepted') trigger(security, station, p.requestedMessage, p.connectorId);
      },
    },
  };
}

/** ExtendedTriggerMessage: TriggerMessage's targets, plus the security extension's. */
function canTrigger(security: Security, station: Station, message: string, connectorId?: number): 'Accepted' | 'Rejected' | 'NotImplemented' {
  switch (message) {
    case 'LogStatusNotification':
      return 'Accepted';
    case 'SignChargePointCertificate':
      return security.certificates.crypto ? 'Accepted' : 'Rejected'; // the host cannot make keys
    default:
      return canTriggerCore(station, message, connectorId);
  }
}

function trigger(security: Security, station: Station, message: string, connectorId?: number): void {
  switch (message) {
    case 'FirmwareStatusNotification':
      station.sendTriggered('SignedFirmwareStatusNotification', statusOf(security.signedFirmware)); // Idle, or the update's step
      break;
    case 'LogStatusNotification':
      station.sendTriggered('LogStatusNotification', statusOf(security.logs)); // Idle, or Uploading
      break;
    case 'SignChargePointCertificate':
      security.signCertificate();
      break;
    default:
      triggerCore(station, message, connectorId);
  }
}

/** A triggered status notification: the flow's status, with its requestId while one runs. */
function statusOf(flow: { status: string; requestId?: number }): { status: string; requestId?: number } {
  const payload: { status: string; requestId?: number } = { status: flow.status };
  if (flow.status !== 'Idle' && flow.requestId !== undefined) payload.requestId = flow.requestId;
  return payload;
}
