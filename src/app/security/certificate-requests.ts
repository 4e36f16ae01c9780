// The security extension's certificate operations (whitepaper sections 5 and 6): what the
// station answers to InstallCertificate, DeleteCertificate, GetInstalledCertificateIds and
// CertificateSigned, and the CSR it sends in SignCertificate (ExtendedTriggerMessage
// SignChargePointCertificate). The part certificate-requests-part.ts (src/lib/parts.ts), which
// security-routes.ts opens for such a CALL or trigger and lets go on a later turn: a bundle
// built with parts holds this code only then. The store (src/lib/certificate-store.ts: the
// TLS connection's CAs and client certificate) stays resident; the operations on it are
// src/lib/certificate-operations.ts's, in this part only.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { SessionView } from '../context';
import { CertificateStore } from '../../lib/certificate-store';
import { acceptSigned, certificateIds, createCsr, installCertificate, removeCertificate } from '../../lib/certificate-operations';
import {
  CertificateSignedRequest,
  CertificateSignedResponse,
  CertificateUse,
  DeleteCertificateRequest,
  DeleteCertificateResponse,
  GetInstalledCertificateIdsRequest,
  GetInstalledCertificateIdsResponse,
  InstallCertificateRequest,
  InstallCertificateResponse,
} from '../../ocpp/v16/generated/types';
import { SecurityEvents16 } from './security-event-types';

/** What the operations are given of the station and of Security's resident side. */
export interface CertificateRequestsContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly session: Pick<SessionView, 'call'>;
  readonly certificates: CertificateStore<CertificateUse>;
  readonly events: SecurityEvents16;
  /** The CAs the CSMS certificate may chain to: the settings' and the installed ones. */
  trustedCas(): string;
  /** Does the connection rely on the installed CentralSystemRootCertificates? */
  needsInstalledRoot(): boolean;
}

export interface CertificateRequests {
  install(p: InstallCertificateRequest): InstallCertificateResponse;
  remove(p: DeleteCertificateRequest): DeleteCertificateResponse;
  ids(p: GetInstalledCertificateIdsRequest): GetInstalledCertificateIdsResponse;
  signed(p: CertificateSignedRequest): CertificateSignedResponse;
  /**
   * SignCertificate (whitepaper A02): a new key pair and CSR from the host (CN = the
   * station id, O = CpoName), sent to the CSMS, whose CA answers with CertificateSigned.
   */
  sign(): void;
}

export function certificateRequests(station: CertificateRequestsContext): CertificateRequests {
  const { hal, certificates } = station;
  const log = hal.log;
  return {
    install: (p) => {
      const r = installCertificate.call(certificates, p.certificateType, p.certificate, hal.now());
      log.info('InstallCertificate ' + p.certificateType + ': ' + r.status + (r.why ? ' (' + r.why + ')' : ''));
      return { status: r.status };
    },
    remove: (p) => {
      // The CA the TLS connection relies on stays (whitepaper: not the one in use).
      const status = removeCertificate.call(certificates, p.certificateHashData, (type) => type !== 'CentralSystemRootCertificate' || !station.needsInstalledRoot());
      log.info('DeleteCertificate ' + p.certificateHashData.serialNumber + ': ' + status);
      return { status };
    },
    ids: (p) => {
      const ids = certificateIds.call(certificates, p.certificateType);
      return ids.length ? { status: 'Accepted', certificateHashData: ids } : { status: 'NotFound' };
    },
    signed: (p) => {
      const why = acceptSigned.call(certificates, p.certificateChain, station.trustedCas());
      if (why) {
        log.warning('CertificateSigned rejected: ' + why);
        station.events.raise('InvalidChargePointCertificate', why);
        return { status: 'Rejected' };
      }
      log.info('CertificateSigned: the new charge point certificate is used from the next connection');
      return { status: 'Accepted' };
    },
    sign: () => {
      createCsr.call(certificates, hal.settings.id, station.config.get('CpoName'))
        .then((csr) => station.session.call('SignCertificate', { csr }))
        .then(
          (conf) => log.info('SignCertificate: ' + (conf && conf.status)),
          (error: any) => log.warning('SignCertificate failed: ' + (error && (error.code || error.message)))
        );
    },
  };
}
