// What the station answers to the security extension's CSMS-initiated actions:
// InstallCertificate, DeleteCertificate, GetInstalledCertificateIds, CertificateSigned and
// ExtendedTriggerMessage (whose SignChargePointCertificate starts a SignCertificate).
// SignedUpdateFirmware is signed-firmware.ts's, GetLog src/lib/log-upload.ts's: each a part
// Security holds while it runs (signed-firmware-part.ts, security-log-part.ts).
import { Routes } from '../routes';
import { Triggers } from '../remote-trigger/triggers';
import { Security } from './security';

export function securityRoutes(security: Security, triggers: Triggers): Routes {
  const certificates = security.certificates;
  const log = security.log;
  return {
    // The transfers are parts, opened for the request.
    SignedUpdateFirmware: {
      on: (p) => security.signedUpdate.open('SignedUpdateFirmware').routes().SignedUpdateFirmware!.on(p),
      after: (p, response, uniqueId) => security.signedUpdate.open('SignedUpdateFirmware').routes().SignedUpdateFirmware!.after!(p, response, uniqueId),
    },
    GetLog: {
      on: (p) => security.logUpload.open('GetLog').route.on(p),
      after: (p, response) => security.logUpload.open('GetLog').route.after(p, response),
    },

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
      on: (p) => ({ status: triggers.status(p.requestedMessage, p.connectorId, true) }),
      after: (p, response) => {
        if (response.status === 'Accepted') triggers.send(p.requestedMessage, p.connectorId, true);
      },
    },
  };
}
