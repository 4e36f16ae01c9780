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
// The requests and the CSRs are a part (certificate-actions.ts, src/lib/parts.ts), opened for
// a request, a TriggerMessage or a renewal and held while a CSR waits for its
// CertificateSigned; the store (src/lib/certificate-store.ts), the TLS credentials and the
// renewal check stay resident. What changes the store (src/lib/certificate-operations.ts) is
// the part's own code, as in the 1.6 station: not the store's methods, which would keep every
// operation resident.
import { CertificateStore as Store, CERTIFICATE_CHAIN_MAX, CERTIFICATE_STORE_MAX, joinPems } from '../../lib/certificate-store';
import { InstallCertificateUseEnum } from '../../ocpp/v201/generated/types';
import { StationContext } from '../context';
import { PartHolder } from '../../lib/part-holder';
import { certificateActionsPart } from './certificate-actions-part';
import type { CertificateActions, CertificatesPartContext } from './certificate-actions';

/** A03.FR.02: a new certificate is asked for once the one in use expires within a month; checked daily. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const RENEW_CHECK_MS = 24 * 3600 * 1000;

/** What block M gives the others: the store (firmware: the ManufacturerRootCertificates). */
export type CertificateStore = Store<InstallCertificateUseEnum>;

/** `raise`: block A's security events, when installed (InvalidChargingStationCertificate, A02.FR.07). */
export function installCertificates(station: StationContext, raise: (type: 'InvalidChargingStationCertificate', techInfo: string) => void = () => undefined): CertificateStore {
  const hal = station.hal;
  const model = station.model;
  const s = hal.settings;
  const store: CertificateStore = new Store<InstallCertificateUseEnum>(hal.storage, hal.crypto, {
    storeMax: () => CERTIFICATE_STORE_MAX,
    chainMax: () => model.getInt('SecurityCtrlr', 'MaxCertificateChainSize'),
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

  const context: CertificatesPartContext = { station, store, raise, renewing: false };
  const actions = new PartHolder<CertificatesPartContext, CertificateActions>(hal, certificateActionsPart, context);
  /** A CSR (A02, A03); a part that cannot be opened is logged, nothing sent. */
  const sign = (why: string) => {
    try {
      actions.open('SignCertificate').sign(why);
    } catch (e) {
      // logged
    }
  };
  station.triggers.add('SignChargingStationCertificate', { status: () => (hal.crypto ? 'Accepted' : 'Rejected'), send: () => sign('TriggerMessage') });

  // A03.FR.02: the certificate in use expires within a month (the CSMS's or the settings'): ask for a new one, once a day at most.
  const renewIfDue = () => {
    const cert = station.tls.clientCertificate().cert;
    const info = cert ? store.describe(cert) : null;
    if (!info || context.renewing || !station.online || Date.parse(info[0].notAfter) - hal.now() > RENEW_BEFORE_MS) return;
    context.renewing = true;
    sign('the certificate expires ' + info[0].notAfter);
  };
  station.on('bootAccepted', () => {
    renewIfDue();
    hal.setInterval(() => {
      context.renewing = false;
      renewIfDue();
    }, RENEW_CHECK_MS);
  });

  station.route({
    InstallCertificate: { on: (request) => actions.open('InstallCertificate').install(request) },
    DeleteCertificate: { on: (request) => actions.open('DeleteCertificate').remove(request) },
    GetInstalledCertificateIds: { on: (request) => actions.open('GetInstalledCertificateIds').ids(request) },
    CertificateSigned: {
      on: (request) => actions.open('CertificateSigned').signed(request),
      after: (_request, response) => actions.open('CertificateSigned').afterSigned(response),
    },
  });
  return store;
}
