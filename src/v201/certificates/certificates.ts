// Functional block M (certificate management: M03 GetInstalledCertificateIds, M04
// DeleteCertificate, M05 InstallCertificate) and the station's own certificate of block A
// (A02 / A03: SignCertificate, CertificateSigned), on the certificate store the 1.6 station
// uses too (src/lib/certificates.ts: `certificates.json`; reading, checking and key pairs are
// the host's crypto members). The feature also becomes the station's TLS credentials: the
// CAs the CSMS's certificate may chain to are the settings' `ca` and the installed
// CSMSRootCertificates, and the client certificate of security profile 3 the one
// CertificateSigned gave (its key stays in the host), else the settings' `cert` / `key`.
// Not built: ISO 15118 (V2GCertificate: Rejected; V2GCertificateChain: none installed) and
// AdditionalRootCertificateCheck (false: M05.FR.09-16 do not apply).
import { Certificates, CERTIFICATE_CHAIN_MAX, CERTIFICATE_STORE_MAX, joinPems, sameCertificate } from '../../lib/certificates';
import { CertificateHashDataChain, GetCertificateIdUseEnum, InstallCertificateUseEnum, StatusInfo } from '../../ocpp/v201/generated/types';
import { StationContext } from '../context';

/** The root certificates' uses (InstallCertificateUseEnumType), as GetInstalledCertificateIds lists them without a filter. */
const ROOTS: InstallCertificateUseEnum[] = ['CSMSRootCertificate', 'ManufacturerRootCertificate', 'V2GRootCertificate', 'MORootCertificate'];
const CHAIN_MAX = 'SecurityCtrlr/MaxCertificateChainSize';
const WAIT_MINIMUM = 'SecurityCtrlr/CertSigningWaitMinimum';
const REPEAT_TIMES = 'SecurityCtrlr/CertSigningRepeatTimes';
/** A03.FR.02: a new certificate is asked for once the one in use expires within a month; checked daily. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const RENEW_CHECK_MS = 24 * 3600 * 1000;
/** Wait between the answer to CertificateSigned and the reconnect with the new certificate, so the answer reaches the CSMS. */
const RECONNECT_DELAY_MS = 1000;

/** What block M gives the others: the store (firmware: the ManufacturerRootCertificates). */
export type CertificateStore = Certificates<InstallCertificateUseEnum>;

/** `raise`: block A's security events, when installed (InvalidChargingStationCertificate, A02.FR.07). */
export function installCertificates(station: StationContext, raise: (type: 'InvalidChargingStationCertificate', techInfo: string) => void = () => undefined): CertificateStore {
  const hal = station.hal;
  const model = station.model;
  const s = hal.settings;
  const store: CertificateStore = new Certificates<InstallCertificateUseEnum>(hal.storage, hal.crypto, {
    storeMax: () => CERTIFICATE_STORE_MAX,
    chainMax: () => model.getInt(CHAIN_MAX),
  });
  model.add('SecurityCtrlr', [
    // M05.FR.06: installing beyond its maxLimit is Rejected.
    { name: 'CertificateEntries', type: 'integer', read: () => String(store.count()), max: CERTIFICATE_STORE_MAX },
    { name: 'MaxCertificateChainSize', type: 'integer', value: String(CERTIFICATE_CHAIN_MAX), max: CERTIFICATE_CHAIN_MAX, constant: true }, // A02.FR.16
    // A02.FR.17-19: a SignCertificate the CSMS accepted goes again after this wait, doubled each time, this many times.
    { name: 'CertSigningWaitMinimum', type: 'integer', mutability: 'ReadWrite', value: '60', unit: 's', min: 1 },
    { name: 'CertSigningRepeatTimes', type: 'integer', mutability: 'ReadWrite', value: '3', min: 0 },
    { name: 'AdditionalRootCertificateCheck', type: 'boolean', value: 'false', constant: true },
  ]);

  /** The signed certificate in use: valid from its notBefore on (A02.FR.08). */
  const signed = (): { chain: string; keyId: string } | null => {
    const own = store.chargePointCertificate();
    if (!own) return null;
    const info = store.describe(own.chain);
    return info && Date.parse(info[0].notBefore) <= hal.now() ? own : null;
  };
  station.tls = {
    trustedCas: () => joinPems(s.ca, store.pemsOf('CSMSRootCertificate')),
    clientCertificate: () => {
      const own = signed();
      return own ? { cert: own.chain, key: '', keyId: own.keyId } : { cert: s.cert, key: s.key, keyId: '' };
    },
  };

  // ---- SignCertificate (A02, A03) -------------------------------------------------------
  let repeat: { cancel(): void } | null = null;
  const stopRepeating = () => {
    if (repeat) repeat.cancel();
    repeat = null;
  };
  /** Sends the CSR; accepted, it goes again while no CertificateSigned came (A02.FR.17-19). */
  const sendCsr = (csr: string, round: number) => {
    station.sendRequested('SignCertificate', { csr, certificateType: 'ChargingStationCertificate' }).then((conf) => {
      hal.log.info('SignCertificate: ' + (conf ? conf.status : 'no answer'));
      if (!conf || conf.status !== 'Accepted' || round >= model.getInt(REPEAT_TIMES)) return;
      stopRepeating();
      repeat = hal.setTimeout(() => sendCsr(csr, round + 1), model.getInt(WAIT_MINIMUM) * 1000 * Math.pow(2, round));
    });
  };
  /** A new key pair at the host and its CSR: CN the station's identity, O OrganizationName (A02.FR.02-03, A00.FR.509/511). */
  const sign = (why: string) => {
    stopRepeating();
    store.createCsr(s.id, model.get('SecurityCtrlr/OrganizationName')).then(
      (csr) => {
        hal.log.info('SignCertificate (' + why + ')');
        sendCsr(csr, 0);
      },
      (error: any) => hal.log.warning('SignCertificate: no CSR (' + ((error && error.message) || error) + ')')
    );
  };
  station.triggers.add('SignChargingStationCertificate', { status: () => (hal.crypto ? 'Accepted' : 'Rejected'), send: () => sign('TriggerMessage') });

  // A03.FR.02: the certificate in use expires within a month (the CSMS's or the settings'): ask for a new one, once a day at most.
  let renewing = false;
  const renewIfDue = () => {
    const cert = station.tls.clientCertificate().cert;
    const info = cert ? store.describe(cert) : null;
    if (!info || renewing || !station.online || Date.parse(info[0].notAfter) - hal.now() > RENEW_BEFORE_MS) return;
    renewing = true;
    sign('the certificate expires ' + info[0].notAfter);
  };
  station.on('bootAccepted', () => {
    renewIfDue();
    hal.setInterval(() => {
      renewing = false;
      renewIfDue();
    }, RENEW_CHECK_MS);
  });

  const rejected = (why: string): { status: 'Rejected'; statusInfo: StatusInfo } => ({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidCertificate', additionalInfo: why.substring(0, 512) } });
  station.route({
    InstallCertificate: {
      on: (request) => {
        const r = store.install(request.certificateType, request.certificate, hal.now());
        hal.log.info('InstallCertificate ' + request.certificateType + ': ' + r.status + (r.why ? ' (' + r.why + ')' : ''));
        if (r.full) return { status: 'Rejected', statusInfo: { reasonCode: 'OutOfStorage', additionalInfo: r.why } }; // M05.FR.06
        return r.status === 'Accepted' ? { status: 'Accepted' } : r.status === 'Rejected' ? rejected(r.why || '') : { status: 'Failed' }; // M05.FR.02, 07, 03
      },
    },
    DeleteCertificate: {
      on: (request) => {
        const wanted = request.certificateHashData;
        // M04.FR.06: not the station's own certificate.
        const own = store.chargePointCertificate();
        const ownHash = own ? store.hashOf(own.chain, wanted.hashAlgorithm) : null;
        if (ownHash && sameCertificate(ownHash, wanted)) return { status: 'Failed', statusInfo: { reasonCode: 'NotAllowed', additionalInfo: 'the ChargingStationCertificate' } };
        // M04.FR.03's note: the last CSMSRootCertificate stays while the TLS connection relies on it (no CA in the settings).
        const status = store.remove(wanted, (type) => type !== 'CSMSRootCertificate' || s.ca !== '' || model.getInt('SecurityCtrlr/SecurityProfile') < 2);
        hal.log.info('DeleteCertificate ' + wanted.serialNumber + ': ' + status);
        return { status }; // M04.FR.02-04
      },
    },
    GetInstalledCertificateIds: {
      on: (request) => {
        const types: GetCertificateIdUseEnum[] = request.certificateType && request.certificateType.length ? request.certificateType : ROOTS;
        const chain: CertificateHashDataChain[] = [];
        for (let i = 0; i < types.length; i++) {
          if (types[i] === 'V2GCertificateChain') continue; // no ISO 15118 here: none installed
          const ids = store.ids(types[i] as InstallCertificateUseEnum);
          for (let k = 0; k < ids.length; k++) chain.push({ certificateType: types[i], certificateHashData: ids[k] });
        }
        return chain.length ? { status: 'Accepted', certificateHashDataChain: chain } : { status: 'NotFound' }; // M03.FR.02-04
      },
    },
    CertificateSigned: {
      on: (request) => {
        stopRepeating(); // A02.FR.20: after a rejected one, a new CSR only when the CSMS asks
        renewing = false;
        if (request.certificateType === 'V2GCertificate') return rejected('no ISO 15118 here');
        if (request.certificateChain.length > model.getInt(CHAIN_MAX)) return rejected('longer than MaxCertificateChainSize'); // A02.FR.16
        // A02.FR.06: valid now, chaining to the CSO's roots, certifying the key of the last CSR.
        const why = store.acceptSigned(request.certificateChain, station.tls.trustedCas());
        if (why) {
          hal.log.warning('CertificateSigned rejected: ' + why);
          raise('InvalidChargingStationCertificate', why); // A02.FR.07
          return rejected(why);
        }
        return { status: 'Accepted' };
      },
      after: (_request, response) => {
        if (response.status !== 'Accepted' || model.getInt('SecurityCtrlr/SecurityProfile') !== 3) return;
        // A02.FR.08: the new certificate from its notBefore on, by reconnecting.
        const info = store.describe(store.chargePointCertificate()!.chain);
        const wait = info ? Math.max(RECONNECT_DELAY_MS, Date.parse(info[0].notBefore) - hal.now()) : RECONNECT_DELAY_MS;
        hal.setTimeout(() => station.reconnect('the new ChargingStationCertificate'), wait);
      },
    },
  });
  return store;
}

