// Block M's actions and block A's certificate signing, the part (src/lib/parts.ts) the resident
// side (certificates.ts) opens for a request or a CSR and holds while a CSR waits for its
// CertificateSigned: InstallCertificate (M05), DeleteCertificate (M04),
// GetInstalledCertificateIds (M03), SignCertificate sent again while no CertificateSigned came
// (A02.FR.17-19), CertificateSigned (A02.FR.06-08, .16). The store, the TLS credentials and the
// renewal check stay resident; a bundle built with parts carries this behind its own code
// (certificate-actions-part.ts).
import {
  CertificateHashDataChain,
  CertificateSignedRequest,
  CertificateSignedResponse,
  DeleteCertificateRequest,
  DeleteCertificateResponse,
  GetCertificateIdUseEnum,
  GetInstalledCertificateIdsRequest,
  GetInstalledCertificateIdsResponse,
  InstallCertificateRequest,
  InstallCertificateResponse,
  InstallCertificateUseEnum,
  StatusInfo,
} from '../../ocpp/v201/generated/types';
import { StationContext } from '../context';
import type { CertificateStore } from '../../lib/certificate-store';
import { acceptSigned, certificateIds, createCsr, hashOf, installCertificate, removeCertificate, sameCertificate } from '../../lib/certificate-operations';

/** What the actions are given of the station and of the resident side. */
export interface CertificatesPartContext {
  readonly station: StationContext;
  readonly store: CertificateStore<InstallCertificateUseEnum>;
  /** Block A's security event, when installed (InvalidChargingStationCertificate, A02.FR.07). */
  readonly raise: (type: 'InvalidChargingStationCertificate', techInfo: string) => void;
  /** A renewal was asked for (A03.FR.02) and no CertificateSigned came since: the resident check asks once a day at most. */
  renewing: boolean;
}

export interface CertificateActions {
  /** A CSR on its way or waiting to go again, or a reconnect with a new certificate waiting. */
  underWay(): boolean;
  /** A new key pair at the host and SignCertificate with its CSR (A02.FR.02-03). */
  sign(why: string): void;
  install(request: InstallCertificateRequest): InstallCertificateResponse;
  remove(request: DeleteCertificateRequest): DeleteCertificateResponse;
  ids(request: GetInstalledCertificateIdsRequest): GetInstalledCertificateIdsResponse;
  signed(request: CertificateSignedRequest): CertificateSignedResponse;
  /** After the answer to CertificateSigned: the new certificate from its notBefore on (A02.FR.08). */
  afterSigned(response: CertificateSignedResponse): void;
}

/** The root certificates' uses (InstallCertificateUseEnumType), as GetInstalledCertificateIds lists them without a filter. */
const ROOTS: InstallCertificateUseEnum[] = ['CSMSRootCertificate', 'ManufacturerRootCertificate', 'V2GRootCertificate', 'MORootCertificate'];
/** Wait between the answer to CertificateSigned and the reconnect with the new certificate, so the answer reaches the CSMS. */
const RECONNECT_DELAY_MS = 1000;

export function openCertificateActions(context: CertificatesPartContext): CertificateActions {
  const { station, store } = context;
  const hal = station.hal;
  const model = station.model;
  /** CSRs being made or sent (a promise pending) and reconnects waiting; the repeat's timer. */
  let pending = 0;
  let repeat: { cancel(): void } | null = null;
  const stopRepeating = () => {
    if (repeat) repeat.cancel();
    repeat = null;
  };
  /** Sends the CSR; accepted, it goes again while no CertificateSigned came (A02.FR.17-19). */
  const sendCsr = (csr: string, round: number) => {
    pending++;
    station.sendRequested('SignCertificate', { csr, certificateType: 'ChargingStationCertificate' }).then((conf) => {
      pending--;
      hal.log.info('SignCertificate: ' + (conf ? conf.status : 'no answer'));
      if (!conf || conf.status !== 'Accepted' || round >= model.getInt('SecurityCtrlr', 'CertSigningRepeatTimes')) return;
      stopRepeating();
      repeat = hal.setTimeout(() => {
        repeat = null;
        sendCsr(csr, round + 1);
      }, model.getInt('SecurityCtrlr', 'CertSigningWaitMinimum') * 1000 * Math.pow(2, round));
    });
  };
  const rejected = (why: string): { status: 'Rejected'; statusInfo: StatusInfo } => ({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidCertificate', additionalInfo: why.substring(0, 512) } });
  const s = hal.settings;
  return {
    underWay: () => pending > 0 || repeat !== null,
    // CN the station's identity, O OrganizationName (A02.FR.02-03, A00.FR.509/511).
    sign: (why) => {
      stopRepeating();
      pending++;
      createCsr.call(store, s.id, model.get('SecurityCtrlr', 'OrganizationName')).then(
        (csr) => {
          pending--;
          hal.log.info('SignCertificate (' + why + ')');
          sendCsr(csr, 0);
        },
        (error: any) => {
          pending--;
          hal.log.warning('SignCertificate: no CSR (' + ((error && error.message) || error) + ')');
        }
      );
    },
    install: (request) => {
      const r = installCertificate.call(store, request.certificateType, request.certificate, hal.now());
      hal.log.info('InstallCertificate ' + request.certificateType + ': ' + r.status + (r.why ? ' (' + r.why + ')' : ''));
      if (r.full) return { status: 'Rejected', statusInfo: { reasonCode: 'OutOfStorage', additionalInfo: r.why } }; // M05.FR.06
      return r.status === 'Accepted' ? { status: 'Accepted' } : r.status === 'Rejected' ? rejected(r.why || '') : { status: 'Failed' }; // M05.FR.02, 07, 03
    },
    remove: (request) => {
      const wanted = request.certificateHashData;
      // M04.FR.06: not the station's own certificate.
      const own = store.chargePointCertificate();
      const ownHash = own ? hashOf.call(store, own.chain, wanted.hashAlgorithm) : null;
      if (ownHash && sameCertificate(ownHash, wanted)) return { status: 'Failed', statusInfo: { reasonCode: 'NotAllowed', additionalInfo: 'the ChargingStationCertificate' } };
      // M04.FR.03's note: the last CSMSRootCertificate stays while the TLS connection relies on it (no CA in the settings).
      const status = removeCertificate.call(store, wanted, (type) => type !== 'CSMSRootCertificate' || s.ca !== '' || model.getInt('SecurityCtrlr', 'SecurityProfile') < 2);
      hal.log.info('DeleteCertificate ' + wanted.serialNumber + ': ' + status);
      return { status }; // M04.FR.02-04
    },
    ids: (request) => {
      const types: GetCertificateIdUseEnum[] = request.certificateType && request.certificateType.length ? request.certificateType : ROOTS;
      const chain: CertificateHashDataChain[] = [];
      for (let i = 0; i < types.length; i++) {
        if (types[i] === 'V2GCertificateChain') continue; // no ISO 15118 here: none installed
        const ids = certificateIds.call(store, types[i] as InstallCertificateUseEnum);
        for (let k = 0; k < ids.length; k++) chain.push({ certificateType: types[i], certificateHashData: ids[k] });
      }
      return chain.length ? { status: 'Accepted', certificateHashDataChain: chain } : { status: 'NotFound' }; // M03.FR.02-04
    },
    signed: (request) => {
      stopRepeating(); // A02.FR.20: after a rejected one, a new CSR only when the CSMS asks
      context.renewing = false;
      if (request.certificateType === 'V2GCertificate') return rejected('no ISO 15118 here');
      if (request.certificateChain.length > model.getInt('SecurityCtrlr', 'MaxCertificateChainSize')) return rejected('longer than MaxCertificateChainSize'); // A02.FR.16
      // A02.FR.06: valid now, chaining to the CSO's roots, certifying the key of the last CSR.
      const why = acceptSigned.call(store, request.certificateChain, station.tls.trustedCas());
      if (why) {
        hal.log.warning('CertificateSigned rejected: ' + why);
        context.raise('InvalidChargingStationCertificate', why); // A02.FR.07
        return rejected(why);
      }
      return { status: 'Accepted' };
    },
    afterSigned: (response) => {
      if (response.status !== 'Accepted' || model.getInt('SecurityCtrlr', 'SecurityProfile') !== 3) return;
      // A02.FR.08: the new certificate from its notBefore on, by reconnecting.
      const info = store.describe(store.chargePointCertificate()!.chain);
      const wait = info ? Math.max(RECONNECT_DELAY_MS, Date.parse(info[0].notBefore) - hal.now()) : RECONNECT_DELAY_MS;
      pending++;
      hal.setTimeout(() => {
        pending--;
        station.reconnect('the new ChargingStationCertificate');
      }, wait);
    },
  };
}
