// A station's certificates, for either OCPP version (1.6 security whitepaper sections 5 and 6,
// OCPP 2.0.1 A02, A03, M03-M05), kept in `certificates.json`:
// - installed root certificates (InstallCertificate, DeleteCertificate,
//   GetInstalledCertificateIds), each with its use as the version names it (1.6:
//   CentralSystemRootCertificate, ManufacturerRootCertificate; 2.0.1: CSMSRootCertificate,
//   ManufacturerRootCertificate, V2GRootCertificate, MORootCertificate);
// - the station's own certificate from SignCertificate / CertificateSigned, used as the
//   client certificate of security profile 3. Its private key stays in the host; the
//   station only knows the key's id.
// Reading and checking certificates is the host's job (HalCrypto). Without it the store
// accepts nothing new and reports nothing installed.
import { CertificateInfo, HalCrypto, Storage } from '../../hal/index';
import { DeleteCertificateStatus, HashAlgorithm as HashAlgorithm16, InstallCertificateStatus } from '../ocpp/v16/generated/types';
import { DeleteCertificateStatusEnum, HashAlgorithmEnum, InstallCertificateStatusEnum } from '../ocpp/v201/generated/types';

/** The hash algorithms and hash data of a certificate, as both versions' CertificateHashData has them. */
export type HashAlgorithm = HashAlgorithm16 | HashAlgorithmEnum;
export interface CertificateHashData {
  hashAlgorithm: HashAlgorithm;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

interface StoredCertificates<U extends string> {
  installed: { type: U; pem: string }[];
  /** The station's own certificate (PEM chain, leaf first) and its key's id at the host. */
  chargePoint: { chain: string; keyId: string } | null;
  /** The key of the last CSR, waiting for its CertificateSigned ('' = none). */
  pendingKeyId: string;
}

const FILE = 'certificates.json';
/** CertificateStoreMaxLength: root certificates the store holds at most. */
export const CERTIFICATE_STORE_MAX = 10;
/** CertificateSignedMaxChainSize: the longest certificateChain accepted (the schema's maxLength). */
export const CERTIFICATE_CHAIN_MAX = 10000;

/** `U`: the version's names of a root certificate's use. */
export class Certificates<U extends string = string> {
  private data: StoredCertificates<U>;

  /** `limits`: CertificateStoreMaxLength and CertificateSignedMaxChainSize as configured. */
  constructor(
    private readonly storage: Storage,
    readonly crypto: HalCrypto | null,
    private readonly limits: { storeMax(): number; chainMax(): number } = { storeMax: () => CERTIFICATE_STORE_MAX, chainMax: () => CERTIFICATE_CHAIN_MAX }
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

  /** InstallCertificate: a well-formed CA certificate that is valid now; Rejected otherwise. */
  install(type: U, pem: string, now: number): { status: InstallCertificateStatus | InstallCertificateStatusEnum; why?: string; full?: boolean } {
    const info = this.describe(pem);
    if (!info) return { status: 'Rejected', why: this.crypto ? 'not a certificate' : 'this host cannot read certificates' };
    if (info.length !== 1) return { status: 'Rejected', why: 'one certificate expected, got ' + info.length };
    const c = info[0];
    // The host decides CA as OpenSSL does (a self-signed X.509 v1 root counts: hal/host-abi.ts).
    if (!c.ca) return { status: 'Rejected', why: 'not a CA certificate' };
    if (Date.parse(c.notAfter) < now || Date.parse(c.notBefore) > now) return { status: 'Rejected', why: 'not valid now' };
    const hash = this.hashOf(pem, 'SHA256');
    for (let i = 0; i < this.data.installed.length; i++) {
      const other = this.hashOf(this.data.installed[i].pem, 'SHA256');
      if (hash && other && sameCertificate(hash, other)) {
        this.data.installed[i].type = type; // installed again: kept once
        this.save();
        return { status: 'Accepted' };
      }
    }
    const storeMax = this.limits.storeMax();
    if (this.data.installed.length >= storeMax) return { status: 'Failed', why: 'the store is full (' + storeMax + ')', full: true };
    this.data.installed.push({ type, pem: normalisePem(pem) });
    this.save();
    return { status: 'Accepted' };
  }

  /** GetInstalledCertificateIds. */
  ids(type: U): CertificateHashData[] {
    const out: CertificateHashData[] = [];
    for (let i = 0; i < this.data.installed.length; i++) {
      if (this.data.installed[i].type !== type) continue;
      const hash = this.hashOf(this.data.installed[i].pem, 'SHA256');
      if (hash) out.push(hash);
    }
    return out;
  }

  /**
   * DeleteCertificate. `mayRemoveLast(type)`: may the last certificate of this type go?
   * (The CA the TLS connection relies on must not.)
   */
  remove(wanted: CertificateHashData, mayRemoveLast: (type: U) => boolean): DeleteCertificateStatus | DeleteCertificateStatusEnum {
    for (let i = 0; i < this.data.installed.length; i++) {
      const entry = this.data.installed[i];
      const hash = this.hashOf(entry.pem, wanted.hashAlgorithm);
      if (!hash || !sameCertificate(hash, wanted)) continue;
      if (this.ids(entry.type).length === 1 && !mayRemoveLast(entry.type)) return 'Failed';
      this.data.installed.splice(i, 1);
      this.save();
      return 'Accepted';
    }
    return 'NotFound';
  }

  /** SignCertificate: a new key pair at the host and its CSR; the key waits for CertificateSigned. */
  createCsr(commonName: string, organizationName: string): Promise<string> {
    if (!this.crypto) return Promise.reject(new Error('this host cannot make keys'));
    const subject: { commonName: string; organizationName?: string } = { commonName };
    if (organizationName) subject.organizationName = organizationName;
    return this.crypto.createCsr(subject).then((r) => {
      this.data.pendingKeyId = r.keyId;
      this.save();
      return r.csr;
    });
  }

  /**
   * CertificateSigned: the chain must certify the waiting key, be valid now and chain to
   * `trusted`. Null when it was taken (the new client certificate), else why not.
   */
  acceptSigned(chain: string, trusted: string): string | null {
    if (!this.crypto) return 'this host cannot check certificates';
    if (!this.data.pendingKeyId) return 'no certificate signing request is waiting';
    if (chain.length > this.limits.chainMax()) return 'the chain is longer than CertificateSignedMaxChainSize';
    if (!trusted) return 'no CentralSystemRootCertificate to check it against';
    const why = this.crypto.verifyChain(chain, trusted, this.data.pendingKeyId);
    if (why) return why;
    this.data.chargePoint = { chain: normalisePem(chain), keyId: this.data.pendingKeyId };
    this.data.pendingKeyId = '';
    this.save();
    return null;
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

  /** The hash data of the (first) certificate in `pem`, or null when the host cannot read it. */
  hashOf(pem: string, hashAlgorithm: HashAlgorithm): CertificateHashData | null {
    if (!this.crypto) return null;
    try {
      const c = this.crypto.certificateInfo(pem, hashAlgorithm)[0];
      return { hashAlgorithm, issuerNameHash: c.issuerNameHash, issuerKeyHash: c.issuerKeyHash, serialNumber: c.serialNumber };
    } catch (e) {
      return null;
    }
  }

  private save(): void {
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

/** Same certificate: hashes compared without regard to case, serial numbers without leading zeros. */
export function sameCertificate(a: CertificateHashData, b: CertificateHashData): boolean {
  const serial = (s: string) => s.toLowerCase().replace(/^0+(?=.)/, '');
  return (
    a.hashAlgorithm === b.hashAlgorithm &&
    a.issuerNameHash.toLowerCase() === b.issuerNameHash.toLowerCase() &&
    a.issuerKeyHash.toLowerCase() === b.issuerKeyHash.toLowerCase() &&
    serial(a.serialNumber) === serial(b.serialNumber)
  );
}

/** Two PEM texts as one bundle (one block per line run, not glued together). */
export function joinPems(a: string, b: string): string {
  if (!a || !b) return a + b;
  return a.replace(/\s+$/, '') + '\n' + b;
}

/** PEM text ending in one newline, so installed certificates concatenate into a valid bundle. */
function normalisePem(pem: string): string {
  return pem.replace(/\r\n/g, '\n').replace(/\s+$/, '') + '\n';
}
