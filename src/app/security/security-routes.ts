// What the station answers to the security extension's CSMS-initiated actions:
// InstallCertificate, DeleteCertificate, GetInstalledCertificateIds, CertificateSigned and
// ExtendedTriggerMessage (whose SignChargePointCertificate starts a SignCertificate).
// SignedUpdateFirmware is signed-firmware.ts's, GetLog src/lib/log-upload.ts's: each a part
// Security holds while it runs (signed-firmware-part.ts, security-log-part.ts); the certificate
// operations are the part certificate-requests.ts, held for the CALL's turn.
import { Routes } from '../routes';
import { Triggers } from '../remote-trigger/triggers';
import { Security } from './security';

export function securityRoutes(security: Security, triggers: Triggers): Routes {
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

    // The certificate operations are a part, opened for the CALL.
    InstallCertificate: { on: (p) => security.certificateRequests.open('InstallCertificate').install(p) },
    DeleteCertificate: { on: (p) => security.certificateRequests.open('DeleteCertificate').remove(p) },
    GetInstalledCertificateIds: { on: (p) => security.certificateRequests.open('GetInstalledCertificateIds').ids(p) },
    CertificateSigned: { on: (p) => security.certificateRequests.open('CertificateSigned').signed(p) },

    ExtendedTriggerMessage: {
      on: (p) => ({ status: triggers.status(p.requestedMessage, p.connectorId, true) }),
      after: (p, response) => {
        if (response.status === 'Accepted') triggers.send(p.requestedMessage, p.connectorId, true);
      },
    },
  };
}
