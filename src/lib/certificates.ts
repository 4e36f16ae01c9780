// A station's certificate store with its operations as one class (the 2.0.1 station's, which
// keeps both resident): the store of certificate-store.ts (`certificates.json`, what TLS and
// the renewal check read) with the operations of certificate-operations.ts (InstallCertificate,
// DeleteCertificate, GetInstalledCertificateIds, the CSR, CertificateSigned) as its methods.
// The 1.6 station keeps the store resident and runs the operations in a part (it does not
// import this module).
import { CertificateLimits, CertificateStore } from './certificate-store';
import { acceptSigned, certificateIds, createCsr, hashOf, installCertificate, removeCertificate } from './certificate-operations';
import { HalCrypto, Storage } from '../../hal/index';

export { CERTIFICATE_CHAIN_MAX, CERTIFICATE_STORE_MAX, joinPems } from './certificate-store';
export type { CertificateHashData, HashAlgorithm } from './certificate-operations';
export { sameCertificate } from './certificate-operations';

/** `U`: the version's names of a root certificate's use. */
export interface Certificates<U extends string = string> extends CertificateStore<U> {
  /** InstallCertificate: a well-formed CA certificate that is valid now; Rejected otherwise. */
  install(type: U, pem: string, now: number): ReturnType<typeof installCertificate>;
  /** GetInstalledCertificateIds. */
  ids(type: U): ReturnType<typeof certificateIds>;
  /** DeleteCertificate. `mayRemoveLast(type)`: may the last certificate of this type go? */
  remove(wanted: Parameters<typeof removeCertificate>[0], mayRemoveLast: (type: U) => boolean): ReturnType<typeof removeCertificate>;
  /** SignCertificate: a new key pair at the host and its CSR; the key waits for CertificateSigned. */
  createCsr: typeof createCsr;
  /** CertificateSigned: null when the chain was taken, else why not. */
  acceptSigned: typeof acceptSigned;
  /** The hash data of the (first) certificate in `pem`, or null when the host cannot read it. */
  hashOf: typeof hashOf;
}

/**
 * The store's class itself, given the operations as its methods once this module is imported
 * (each operation takes the store as `this`, so a method is the function as it is): no
 * subclass, no wrapper per method.
 */
export const Certificates = CertificateStore as unknown as new <U extends string = string>(storage: Storage, crypto: HalCrypto | null, limits?: CertificateLimits) => Certificates<U>;
const methods = CertificateStore.prototype as Certificates;
methods.install = installCertificate;
methods.ids = certificateIds;
methods.remove = removeCertificate;
methods.createCsr = createCsr;
methods.acceptSigned = acceptSigned;
methods.hashOf = hashOf;
