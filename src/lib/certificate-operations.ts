// What changes or lists a station's certificates (certificate-store.ts), for either OCPP
// version: InstallCertificate, GetInstalledCertificateIds, DeleteCertificate, the CSR of
// SignCertificate and CertificateSigned. Functions, not the store's methods, so a
// station can run them in a part while the store stays resident (the 1.6 station's
// `certificates` part, the 2.0.1 station's `certificates-201`). Each takes the store as
// `this` (`installCertificate.call(store, …)`).
import { DeleteCertificateStatus, HashAlgorithm as HashAlgorithm16, InstallCertificateStatus } from '../ocpp/v16/generated/types';
import { DeleteCertificateStatusEnum, HashAlgorithmEnum, InstallCertificateStatusEnum } from '../ocpp/v201/generated/types';
import type { CertificateStore } from './certificate-store';

/** The hash algorithms and hash data of a certificate, as both versions' CertificateHashData has them. */
export type HashAlgorithm = HashAlgorithm16 | HashAlgorithmEnum;
export interface CertificateHashData {
  hashAlgorithm: HashAlgorithm;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

/** InstallCertificate: a well-formed CA certificate that is valid now; Rejected otherwise. */
export function installCertificate<U extends string>(this: CertificateStore<U>, type: U, pem: string, now: number): { status: InstallCertificateStatus | InstallCertificateStatusEnum; why?: string; full?: boolean } {
  const info = this.describe(pem);
  if (!info) return { status: 'Rejected', why: this.crypto ? 'not a certificate' : 'this host cannot read certificates' };
  if (info.length !== 1) return { status: 'Rejected', why: 'one certificate expected, got ' + info.length };
  const c = info[0];
  // The host decides CA as OpenSSL does (a self-signed X.509 v1 root counts: hal/host-abi.ts).
  if (!c.ca) return { status: 'Rejected', why: 'not a CA certificate' };
  if (Date.parse(c.notAfter) < now || Date.parse(c.notBefore) > now) return { status: 'Rejected', why: 'not valid now' };
  const installed = this.data.installed;
  const hash = hashOf.call(this, pem, 'SHA256');
  for (let i = 0; i < installed.length; i++) {
    const other = hashOf.call(this, installed[i].pem, 'SHA256');
    if (hash && other && sameCertificate(hash, other)) {
      installed[i].type = type; // installed again: kept once
      this.save();
      return { status: 'Accepted' };
    }
  }
  const storeMax = this.limits.storeMax();
  if (installed.length >= storeMax) return { status: 'Failed', why: 'the store is full (' + storeMax + ')', full: true };
  installed.push({ type, pem: normalisePem(pem) });
  this.save();
  return { status: 'Accepted' };
}

/** GetInstalledCertificateIds. */
export function certificateIds<U extends string>(this: CertificateStore<U>, type: U): CertificateHashData[] {
  const out: CertificateHashData[] = [];
  const installed = this.data.installed;
  for (let i = 0; i < installed.length; i++) {
    if (installed[i].type !== type) continue;
    const hash = hashOf.call(this, installed[i].pem, 'SHA256');
    if (hash) out.push(hash);
  }
  return out;
}

/**
 * DeleteCertificate. `mayRemoveLast(type)`: may the last certificate of this type go?
 * (The CA the TLS connection relies on must not.)
 */
export function removeCertificate<U extends string>(this: CertificateStore<U>, wanted: CertificateHashData, mayRemoveLast: (type: U) => boolean): DeleteCertificateStatus | DeleteCertificateStatusEnum {
  const installed = this.data.installed;
  for (let i = 0; i < installed.length; i++) {
    const entry = installed[i];
    const hash = hashOf.call(this, entry.pem, wanted.hashAlgorithm);
    if (!hash || !sameCertificate(hash, wanted)) continue;
    if (certificateIds.call(this, entry.type).length === 1 && !mayRemoveLast(entry.type)) return 'Failed';
    installed.splice(i, 1);
    this.save();
    return 'Accepted';
  }
  return 'NotFound';
}

/** SignCertificate: a new key pair at the host and its CSR; the key waits for CertificateSigned. */
export function createCsr(this: CertificateStore, commonName: string, organizationName: string): Promise<string> {
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
export function acceptSigned(this: CertificateStore, chain: string, trusted: string): string | null {
  const data = this.data;
  if (!this.crypto) return 'this host cannot check certificates';
  if (!data.pendingKeyId) return 'no certificate signing request is waiting';
  if (chain.length > this.limits.chainMax()) return 'the chain is longer than CertificateSignedMaxChainSize';
  if (!trusted) return 'no CentralSystemRootCertificate to check it against';
  const why = this.crypto.verifyChain(chain, trusted, data.pendingKeyId);
  if (why) return why;
  data.chargePoint = { chain: normalisePem(chain), keyId: data.pendingKeyId };
  data.pendingKeyId = '';
  this.save();
  return null;
}

/** The hash data of the (first) certificate in `pem`, or null when the host cannot read it. */
export function hashOf(this: CertificateStore, pem: string, hashAlgorithm: HashAlgorithm): CertificateHashData | null {
  if (!this.crypto) return null;
  try {
    const c = this.crypto.certificateInfo(pem, hashAlgorithm)[0];
    return { hashAlgorithm, issuerNameHash: c.issuerNameHash, issuerKeyHash: c.issuerKeyHash, serialNumber: c.serialNumber };
  } catch (e) {
    return null;
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

/** PEM text ending in one newline, so installed certificates concatenate into a valid bundle. */
function normalisePem(pem: string): string {
  return pem.replace(/\r\n/g, '\n').replace(/\s+$/, '') + '\n';
}
