// A station's certificates, for either OCPP version (1.6 security whitepaper sections 5 and 6,
// OCPP 2.0.1 A02, A03, M03-M05), kept in `certificates.json`: what the station needs of them
// all the time (its TLS connection's CAs and client certificate, a renewal check, the count):
// - installed root certificates, each with its use as the version names it (1.6:
//   CentralSystemRootCertificate, ManufacturerRootCertificate; 2.0.1: CSMSRootCertificate,
//   ManufacturerRootCertificate, V2GRootCertificate, MORootCertificate);
// - the station's own certificate from SignCertificate / CertificateSigned, used as the
//   client certificate of security profile 3. Its private key stays in the host; the
//   station only knows the key's id.
// What changes them or lists them (InstallCertificate, DeleteCertificate,
// GetInstalledCertificateIds, the CSR and CertificateSigned) is certificate-operations.ts,
// which both stations run in a part (1.6 `certificates`, 2.0.1 `certificates-201`). Reading and
// checking certificates is the host's job (HalCrypto). Without it the store accepts nothing
// new and reports nothing installed.
import { CertificateInfo, HalCrypto, Storage } from '../../hal/index';

export interface StoredCertificates<U extends string> {
  installed: { type: U; pem: string }[];
  /** The station's own certificate (PEM chain, leaf first) and its key's id at the host. */
  chargePoint: { chain: string; keyId: string } | null;
  /** The key of the last CSR, waiting for its CertificateSigned ('' = none). */
  pendingKeyId: string;
}

/** CertificateStoreMaxLength and CertificateSignedMaxChainSize as configured. */
export interface CertificateLimits {
  storeMax(): number;
  chainMax(): number;
}

const FILE = 'certificates.json';
/** CertificateStoreMaxLength: root certificates the store holds at most. */
export const CERTIFICATE_STORE_MAX = 10;
/** CertificateSignedMaxChainSize: the longest certificateChain accepted (the schema's maxLength). */
export const CERTIFICATE_CHAIN_MAX = 10000;

/** `U`: the version's names of a root certificate's use. */
export class CertificateStore<U extends string = string> {
  /** What is kept (the operations, certificate-operations.ts, change it and save()). */
  data: StoredCertificates<U>;

  constructor(
    private readonly storage: Storage,
    readonly crypto: HalCrypto | null,
    readonly limits: CertificateLimits = { storeMax: () => CERTIFICATE_STORE_MAX, chainMax: () => CERTIFICATE_CHAIN_MAX }
  ) {
    this.data = load<U>(storage);
  }

  /** How many root certificates are installed. */
  count(): number {
    return this.data.installed.length;
  }

  /** The installed certificates of this use, as one PEM text ('' = none). */
  pemsOf(type: U): string {
    const out: string[] = [];
    for (let i = 0; i < this.data.installed.length; i++) if (this.data.installed[i].type === type) out.push(this.data.installed[i].pem);
    return out.join('');
  }

  /** The station's own certificate from CertificateSigned, or null. */
  chargePointCertificate(): { chain: string; keyId: string } | null {
    return this.data.chargePoint;
  }

  /** The certificates in PEM text, or null when the host cannot read them (or there is none). */
  describe(pem: string): CertificateInfo[] | null {
    if (!this.crypto) return null;
    try {
      return this.crypto.certificateInfo(pem);
    } catch (e) {
      return null;
    }
  }

  save(): void {
    this.storage.set(FILE, JSON.stringify(this.data));
  }
}

function load<U extends string>(storage: Storage): StoredCertificates<U> {
  const empty: StoredCertificates<U> = { installed: [], chargePoint: null, pendingKeyId: '' };
  const text = storage.get(FILE);
  if (!text) return empty;
  try {
    const d = JSON.parse(text);
    return { installed: d.installed || [], chargePoint: d.chargePoint || null, pendingKeyId: d.pendingKeyId || '' };
  } catch (e) {
    return empty;
  }
}

/** Two PEM texts as one bundle (one block per line run, not glued together). */
export function joinPems(a: string, b: string): string {
  if (!a || !b) return a + b;
  return a.replace(/\s+$/, '') + '\n' + b;
}
