// Throw-away PKI for the TLS tests, made in-process with @peculiar/x509 over Node's
// WebCrypto: a CA, certificates it issues (a server certificate for 127.0.0.1, a client
// certificate for a station) and CSR signing, as a CSMS's CA does for SignCertificate.
import { generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 24 * 60 * 60 * 1000;
let serial = 1;

function nextSerial() {
  return (0x10 + serial++).toString(16).padStart(4, '0');
}

async function keyPair() {
  return webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
}

async function privatePem(key) {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** A self-signed CA: { cert (PEM), name, keys }. */
export async function makeCa(name = 'Test CA') {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 2 * DAY),
    signingAlgorithm: EC,
    keys,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return { cert: cert.toString('pem'), name: `CN=${name}`, keys, x509: cert };
}

function leafExtensions({ server, client, ip }) {
  const extensions = [new x509.BasicConstraintsExtension(false, undefined, true)];
  const usages = [];
  if (server) usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (client) usages.push(x509.ExtendedKeyUsage.clientAuth);
  if (usages.length) extensions.push(new x509.ExtendedKeyUsageExtension(usages));
  if (ip) extensions.push(new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: ip }]));
  return extensions;
}

/** A certificate the CA issues for a new key: { cert, key } (PEM). */
export async function issue(ca, { cn, server = false, client = false, ip } = {}) {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: `CN=${cn}`,
    issuer: ca.name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 2 * DAY),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: leafExtensions({ server, client, ip }),
  });
  return { cert: cert.toString('pem'), key: await privatePem(keys.privateKey) };
}

/** Signs a PKCS#10 CSR (PEM) with the CA: the certificate PEM, for the CSR's key and subject. */
export async function signCsr(ca, csrPem, { client = true } = {}) {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await csr.verify())) throw new Error('CSR signature does not verify');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: csr.subject,
    issuer: ca.name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 2 * DAY),
    signingAlgorithm: EC,
    publicKey: await csr.publicKey.export(EC, ['verify'], webcrypto),
    signingKey: ca.keys.privateKey,
    extensions: leafExtensions({ client }),
  });
  return cert.toString('pem');
}

/** TLS options for the embedded CSMS: server certificate for 127.0.0.1, client certificates from `ca` required or not. */
export async function csmsTls(ca, { requireClientCert = false } = {}) {
  const server = await issue(ca, { cn: '127.0.0.1', server: true, ip: '127.0.0.1' });
  return { key: server.key, cert: server.cert, ca: ca.cert, requestCert: requireClientCert, rejectUnauthorized: requireClientCert };
}

// ---- X.509 v1 (no version field, no extensions), as older CAs and many test PKIs issue -----
// @peculiar/x509 makes only v3, so the DER is put together here and signed with Node's crypto.

/** DER: tag, length, content. */
function der(tag, ...parts) {
  const content = Buffer.concat(parts.map((p) => Buffer.from(p)));
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

function utcTime(date) {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'; // YYMMDDHHMMSSZ
  return der(0x17, Buffer.from(text, 'ascii'));
}

const ECDSA_WITH_SHA256 = der(0x30, der(0x06, Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])));

/**
 * An X.509 v1 certificate for `subject` (a new P-256 key), signed by `issuer` ({ name, privateKey })
 * or by itself: { cert (PEM), name, privateKey }.
 */
export function makeV1Certificate(subject, issuer) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = new x509.Name(`CN=${subject}`).toArrayBuffer();
  const signer = issuer || { name, privateKey };
  const tbs = der(
    0x30,
    der(0x02, Buffer.from([0x01, serial++ & 0x7f])),
    ECDSA_WITH_SHA256,
    signer.name,
    der(0x30, utcTime(new Date(Date.now() - DAY)), utcTime(new Date(Date.now() + 2 * DAY))),
    name,
    publicKey.export({ type: 'spki', format: 'der' })
  );
  const signature = sign('sha256', tbs, signer.privateKey); // ECDSA signature in DER
  const cert = der(0x30, tbs, ECDSA_WITH_SHA256, der(0x03, Buffer.from([0]), signature));
  return { cert: x509.PemConverter.encode(cert, 'CERTIFICATE'), name, privateKey };
}
