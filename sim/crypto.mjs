// The simulator host's cryptography: the optional crypto* members of the host ABI
// (hal/host-abi.ts) for the security extension. Key pairs are ECDSA P-256, made with
// Node's WebCrypto; CSRs are PKCS#10, made with @peculiar/x509. Private keys stay here, in
// <station folder>/host-keys/<keyId>.pem — a folder the bundle cannot name — and reach
// only the TLS stack (wsOpen's keyId). Certificates are read and checked with Node's
// X509Certificate.
import { X509Certificate, constants, createHash, createPrivateKey, randomBytes, verify, webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const HASHES = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class HostKeys {
  /** @param {string} stationDir the station's folder */
  constructor(stationDir) {
    this.dir = join(stationDir, 'host-keys');
  }

  /** A new key pair (stored) and a CSR signed with it: { csr, keyId }. */
  async createCsr({ subject = {} } = {}) {
    if (!subject.commonName) throw new Error('subject.commonName is required');
    const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
    const name = [`CN=${escapeRdn(subject.commonName)}`];
    if (subject.organizationName) name.push(`O=${escapeRdn(subject.organizationName)}`);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: name.join(', '), keys, signingAlgorithm: EC });
    const keyId = `k${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.dir, `${keyId}.pem`), x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), { mode: 0o600 });
    return { csr: csr.toString('pem'), keyId };
  }

  /** The private key (PEM) of a key pair made here; throws for an unknown id. */
  privateKey(keyId) {
    if (!KEY_ID.test(String(keyId))) throw new Error(`bad key id ${JSON.stringify(keyId)}`);
    try {
      return readFileSync(join(this.dir, `${keyId}.pem`), 'utf8');
    } catch (err) {
      if (err.code === 'ENOENT') throw new Error(`unknown key id ${JSON.stringify(keyId)}`);
      throw err;
    }
  }
}

/** The PEM certificates in a text, parsed (throws on a malformed one or none). */
function certificatesIn(pem) {
  const blocks = String(pem).match(PEM_CERTIFICATE) || [];
  if (!blocks.length) throw new Error('no PEM certificate');
  return blocks.map((b) => new X509Certificate(b));
}

/** cryptoCertificateInfo: JSON { certificates: [CertificateInfo] } or { error }. */
export function certificateInfo(pem, hashAlgorithm = 'SHA256') {
  try {
    const hash = HASHES[hashAlgorithm];
    if (!hash) throw new Error(`unknown hash algorithm ${hashAlgorithm}`);
    const certs = certificatesIn(pem);
    const digest = (bytes) => createHash(hash).update(bytes).digest('hex');
    return {
      certificates: certs.map((cert) => {
        const parsed = new x509.X509Certificate(cert.raw);
        // The issuer's key: the issuer among the given certificates, or the certificate's
        // own when it is self-signed (a root, as installed certificates are).
        const issuer = certs.find((c) => c !== cert && cert.checkIssued(c)) || cert;
        return {
          subject: parsed.subject,
          issuer: parsed.issuer,
          serialNumber: cert.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
          issuerNameHash: digest(Buffer.from(parsed.issuerName.toArrayBuffer())),
          issuerKeyHash: digest(publicKeyBits(issuer)),
          notBefore: new Date(cert.validFrom).toISOString(),
          notAfter: new Date(cert.validTo).toISOString(),
          ca: isCa(cert),
          selfSigned: isSelfSigned(cert),
        };
      }),
    };
  } catch (err) {
    return { error: err.message };
  }
}

/** cryptoVerifyChain: JSON { ok: true } or { ok: false, error }. */
export function verifyChain(chainPem, trustedPem, keyId, keys) {
  try {
    const chain = certificatesIn(chainPem);
    const trusted = certificatesIn(trustedPem);
    const now = Date.now();
    for (const cert of chain) {
      if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) return { ok: false, error: `${cert.subject} is not valid now` };
    }
    for (let i = 0; i + 1 < chain.length; i++) {
      if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) {
        return { ok: false, error: `${chain[i].subject} is not signed by ${chain[i + 1].subject}` };
      }
      // An issuer must be a CA (basic constraints), not a leaf that signed another certificate.
      if (!isCa(chain[i + 1])) return { ok: false, error: `${chain[i + 1].subject} is not a CA` };
    }
    const last = chain[chain.length - 1];
    const anchor = trusted.find((t) => last.checkIssued(t) && last.verify(t.publicKey));
    if (!anchor) return { ok: false, error: `${last.issuer} is not a trusted root` };
    if (!isCa(anchor)) return { ok: false, error: `${anchor.subject} is not a CA` };
    if (keyId && !chain[0].checkPrivateKey(createPrivateKey(keys.privateKey(keyId)))) {
      return { ok: false, error: 'the certificate is not for the key of the signing request' };
    }
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err.message };
  }
}

/**
 * Is `signatureBase64` a signature of `bytes` (SHA-256; ECDSA in DER, RSA PKCS#1 v1.5 or
 * RSA-PSS) by the key of `certificatePem`? Throws on a malformed certificate or signature.
 */
export function verifyFirmwareSignature(bytes, certificatePem, signatureBase64) {
  const [cert] = certificatesIn(certificatePem);
  const signature = Buffer.from(String(signatureBase64).replace(/\s+/g, ''), 'base64');
  if (!signature.length) throw new Error('the signature is empty');
  if (verify('sha256', bytes, cert.publicKey, signature)) return true;
  // RSA: PKCS#1 v1.5 above, then PSS (any salt length).
  if (cert.publicKey.asymmetricKeyType !== 'rsa') return false;
  return verify('sha256', bytes, { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature);
}

function isSelfSigned(cert) {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

/**
 * A CA as OpenSSL's X509_check_ca counts one: basicConstraints cA, or a self-signed X.509 v1
 * certificate — v1 has no extensions to say so, and older CAs and many test PKIs issue
 * their roots as v1; OpenSSL takes such a root as a trust anchor.
 */
function isCa(cert) {
  return cert.ca || (x509Version(cert) === 1 && isSelfSigned(cert));
}

/** The certificate's X.509 version (1, 2 or 3), from the DER: TBSCertificate's optional [0] version. */
function x509Version(cert) {
  const raw = cert.raw;
  const [, tbsAt] = header(raw, 0); // Certificate ::= SEQUENCE { tbsCertificate, ... }
  const [, tbsContent] = header(raw, tbsAt);
  if (raw[tbsContent] !== 0xa0) return 1; // version absent: v1 (DEFAULT)
  const [, versionAt] = header(raw, tbsContent); // [0] EXPLICIT Version ::= INTEGER
  const [, value] = header(raw, versionAt);
  return raw[value] + 1;
}

/** The subjectPublicKey BIT STRING's bits (what OCPP's issuerKeyHash hashes), from the SPKI DER. */
function publicKeyBits(cert) {
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  let [, offset] = header(spki, 0); // into the outer SEQUENCE
  const [algLength, algStart] = header(spki, offset);
  offset = algStart + algLength;
  const [bitsLength, bitsStart] = header(spki, offset);
  return spki.subarray(bitsStart + 1, bitsStart + bitsLength); // after the unused-bits byte
}

/** DER tag-length header at `offset`: [content length, content start]. */
function header(der, offset) {
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i];
    start += bytes;
  }
  return [length, start];
}

function escapeRdn(text) {
  return String(text).replace(/([,+"\\<>;=])/g, '\\$1');
}
