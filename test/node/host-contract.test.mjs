// The host-ABI contract of the optional members (hal/host-abi.ts), run against both hosts:
// the simulator host (sim/host.mjs, sim/crypto.mjs) and the native host (build/ocpp-host,
// libcurl and OpenSSL). One guest script calls each member with the same inputs under each
// host and logs every result; the results must be the same, error paths included —
// unreachable server, 404, oversize, not a script, FTP, an untrusted https server, a bad
// signature, an expired certificate, a non-CA issuer, an untrusted root, an unknown keyId.
// Where a result holds something that differs by nature (a CSR, a keyId, a compiler's
// message), the test says how it is compared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createHash, createPrivateKey, generateKeyPairSync, sign, constants, webcrypto } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost, hasOpenssl } from '../../firmware-shim/testing.mjs';
import { SimulatedStation } from '../../sim/host.mjs';
import { makeCa, issue, signCsr, csmsTls, makeV1Certificate } from './lib/pki.mjs';

x509.cryptoProvider.set(webcrypto);

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
const skip = !shim.ok ? shim.reason : !hasOpenssl ? 'the openssl CLI is missing' : false;
if (skip) process.stderr.write(`host-contract skipped: ${skip}\n`);
const it = skip ? () => {} : (name, fn) => test(name, { timeout: 120000 }, fn);

const dir = mkdtempSync(join(tmpdir(), 'host-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86400000;
const SCRIPT = Buffer.from('var firmwareImage = "a good image: é ✓";\n');
const MAX = 4 * 1024 * 1024;

// ---- servers: plain HTTP (files, uploads, 404) and HTTPS with a certificate of our CA ----

const uploads = [];
function handler(req, res) {
  const path = decodeURIComponent(req.url.split('?')[0]);
  if (req.method === 'GET' && path === '/good.js') return res.end(SCRIPT);
  if (req.method === 'GET' && path === '/empty.js') return res.end();
  if (req.method === 'GET' && path === '/broken.js') return res.end('function ( { not JavaScript');
  if (req.method === 'GET' && path === '/huge.js') return res.end(Buffer.alloc(MAX + 1, 0x20));
  if (req.method === 'PUT' && path.startsWith('/upload/')) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      uploads.push({ path, bytes: Buffer.concat(chunks), type: req.headers['content-type'] });
      res.writeHead(201);
      res.end();
    });
    return;
  }
  res.writeHead(404);
  res.end();
}

let http;
let https;
let untrusted;
let httpUrl;
let httpsUrl;
let pki;

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** A certificate with chosen validity / CA flag, signed by `issuer` ({ keys, name }) or self-signed. */
async function certificate({ cn, issuer, ca = false, notBefore = Date.now() - DAY, notAfter = Date.now() + 2 * DAY }) {
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const extensions = [new x509.BasicConstraintsExtension(ca, undefined, true)];
  const common = { serialNumber: '0a' + createHash('sha256').update(cn).digest('hex').slice(0, 6), notBefore: new Date(notBefore), notAfter: new Date(notAfter), signingAlgorithm: EC, extensions };
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({ ...common, subject: `CN=${cn}`, issuer: issuer.name, publicKey: keys.publicKey, signingKey: issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: `CN=${cn}`, keys });
  return { cert: cert.toString('pem'), name: `CN=${cn}`, keys };
}

/** An RSA signing certificate (openssl CLI) and its key. */
function rsaSigner() {
  const out = join(dir, 'rsa');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${out}.key`, '-out', `${out}.pem`, '-subj', '/CN=RSA Firmware Signing', '-days', '2'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { cert: readFileSync(`${out}.pem`, 'utf8'), key: readFileSync(`${out}.key`, 'utf8') };
}

before(async () => {
  if (skip) return;
  const ca = await makeCa('Contract CA');
  const stranger = await makeCa('Stranger CA');
  const tls = await csmsTls(ca);
  const strangerTls = await csmsTls(stranger);
  http = createHttpServer(handler);
  https = createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
  untrusted = createHttpsServer({ key: strangerTls.key, cert: strangerTls.cert }, handler);
  httpUrl = `http://127.0.0.1:${await listen(http)}`;
  httpsUrl = `https://127.0.0.1:${await listen(https)}`;
  const untrustedUrl = `https://127.0.0.1:${await listen(untrusted)}`;

  const ecSigner = await issue(ca, { cn: 'EC Firmware Signing' });
  const rsa = rsaSigner();
  const root = await certificate({ cn: 'Contract Root', ca: true });
  const intermediate = await certificate({ cn: 'Contract Intermediate', issuer: root, ca: true });
  const leaf = await certificate({ cn: 'CP-CONTRACT', issuer: intermediate });
  const expired = await certificate({ cn: 'Expired Leaf', issuer: root, notBefore: Date.now() - 3 * DAY, notAfter: Date.now() - DAY });
  const notCa = await certificate({ cn: 'Not A CA', issuer: root });
  const underNotCa = await certificate({ cn: 'Under A Leaf', issuer: notCa });
  const v1Root = makeV1Certificate('V1 Contract Root');
  const v1Leaf = makeV1Certificate('V1 Contract Leaf', v1Root);
  pki = { ca, stranger, untrustedUrl, ecSigner, rsa, root, intermediate, leaf, expired, notCa, underNotCa, v1Root, v1Leaf };
});
after(() => {
  http?.close();
  https?.close();
  untrusted?.close();
});

// ---- the guest: runs `steps` in order, logs "CONTRACT <i> <result JSON>" for each ----------

const GUEST = `
var steps = __STEPS__;
var i = 0;
ocppHost.timerStart(100000, function () {});
function report(result) {
  ocppHost.log(20, 'CONTRACT ' + i + ' ' + JSON.stringify(result));
  i++;
  ocppHost.timerStart(0, next);
}
function next() {
  if (i >= steps.length) { ocppHost.log(20, 'CONTRACT done'); ocppHost.exit(0); return; }
  var s = steps[i];
  for (var k = 0; k < s.args.length; k++) if (s.args[k] && typeof s.args[k] === "object") s.args[k] = new Array(s.args[k].repeat[1] + 1).join(s.args[k].repeat[0]);
  var fn = ocppHost[s.member];
  if (typeof fn !== 'function') return report({ absent: s.member });
  var transfer = { ondone: function (info) { report({ done: JSON.parse(info) }); }, onerror: function (e) { report({ error: e }); } };
  try {
    if (s.member === 'cryptoCreateCsr') fn.call(ocppHost, s.args[0], function (r) { report({ result: JSON.parse(r) }); });
    else if (s.member === 'cryptoCertificateInfo' || s.member === 'cryptoVerifyChain') report({ result: JSON.parse(fn.apply(ocppHost, s.args)) });
    else if (s.member === 'wsOpen') {
      var events = [];
      fn.call(ocppHost, s.args[0], s.args[1], { onopen: function () { events.push('open'); }, onmessage: function () {}, onerror: function (m) { events.push('error: ' + m); }, onclose: function (c) { events.push('close ' + c); report({ events: events }); } });
    } else if (s.member.indexOf('hardware') === 0) report({ result: fn.apply(ocppHost, s.args) });
    else fn.apply(ocppHost, s.args.concat([transfer]));
  } catch (e) { report({ threw: String(e) }); }
}
next();
`;

const guestCode = (steps) => GUEST.replace('__STEPS__', JSON.stringify(steps));

function parseResults(lines) {
  const out = [];
  for (const text of lines) {
    const m = /^CONTRACT (\d+) (.*)$/s.exec(text);
    if (m) out[Number(m[1])] = JSON.parse(m[2]);
  }
  return out;
}

/**
 * Runs the steps under both hosts (fresh station folders); { native, sim } result lists and their folders.
 * `hardware`: a function making a state folder (README "The hardware backend") for each host, given its name.
 */
async function underBothHosts(name, steps, { hardware } = {}) {
  const code = guestCode(steps);
  const file = join(dir, `${name}.js`);
  writeFileSync(file, code);
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pki.ca.cert);
  const nativeId = `N-${name}`;
  const simId = `S-${name}`;
  const nativeHardware = hardware ? hardware(nativeId) : null;
  const simHardware = hardware ? hardware(simId) : null;
  const host = startHost(file, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', nativeId, '--data-dir', dir, '--ca', caFile, ...(nativeHardware ? ['--hardware', nativeHardware] : [])], { timeout: 100000 });
  const station = new SimulatedStation({ settings: { url: 'ws://127.0.0.1:9/ocpp', id: simId, ca: pki.ca.cert }, dataDir: dir, bundle: { code, filename: `${name}.js` }, ...(simHardware && { hardware: simHardware }) });
  const simLines = [];
  station.on('log', (e) => simLines.push(e.text));
  await station.start();
  const [n, s] = await Promise.all([host.exited, station.exited]);
  assert.equal(n.code, 0, n.stdout + n.stderr);
  assert.equal(s.code, 0, s.reason);
  return { native: parseResults(n.lines.map((l) => l.text)), sim: parseResults(simLines), nativeDir: join(dir, nativeId), simDir: join(dir, simId), nativeLines: n.lines, nativeHardware, simHardware };
}

it('firmwareDownload / firmwareInstall / firmwareVerifySignature: the same results under both hosts, error paths included', async () => {
  const image = SCRIPT;
  const ecSignature = sign('sha256', image, createPrivateKey(pki.ecSigner.key)).toString('base64');
  const rsaSignature = sign('sha256', image, createPrivateKey(pki.rsa.key)).toString('base64');
  const pssSignature = sign('sha256', image, { key: createPrivateKey(pki.rsa.key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
  const otherSignature = sign('sha256', Buffer.from('other bytes'), createPrivateKey(pki.ecSigner.key)).toString('base64');
  const steps = [
    { member: 'firmwareInstall', args: [] }, // nothing staged yet
    { member: 'firmwareVerifySignature', args: [pki.ecSigner.cert, ecSignature] }, // nothing staged yet
    { member: 'firmwareDownload', args: [`${httpUrl}/none.js`] },
    { member: 'firmwareDownload', args: ['http://127.0.0.1:9/firmware.js'] },
    { member: 'firmwareDownload', args: [`${httpUrl}/empty.js`] },
    { member: 'firmwareDownload', args: [`${httpUrl}/huge.js`] },
    { member: 'firmwareDownload', args: ['ftp://127.0.0.1/firmware.js'] },
    { member: 'firmwareDownload', args: ['not a url'] },
    { member: 'firmwareDownload', args: [`${pki.untrustedUrl}/good.js`] },
    { member: 'firmwareDownload', args: [`${httpUrl}/broken.js`] }, // compared by its prefix
    { member: 'firmwareDownload', args: [`${httpsUrl}/good.js`] }, // https, verified against --ca
    { member: 'firmwareVerifySignature', args: [pki.ecSigner.cert, ecSignature] },
    { member: 'firmwareVerifySignature', args: [pki.rsa.cert, rsaSignature] },
    { member: 'firmwareVerifySignature', args: [pki.rsa.cert, pssSignature] },
    { member: 'firmwareVerifySignature', args: [pki.ecSigner.cert, otherSignature] },
    { member: 'firmwareVerifySignature', args: [pki.ecSigner.cert, ''] },
    { member: 'firmwareVerifySignature', args: ['not a certificate', ecSignature] },
    { member: 'firmwareInstall', args: [] },
  ];
  const { native, sim } = await underBothHosts('firmware', steps);
  assert.equal(native.length, steps.length, JSON.stringify(native));
  const broken = 9;
  for (const results of [native, sim]) {
    assert.match(results[broken].error, /^not a script QuickJS can compile: SyntaxError: /);
    results[broken] = 'compared by prefix';
  }
  assert.deepEqual(native, sim);
  const sha256 = createHash('sha256').update(image).digest('hex');
  assert.deepEqual(native, [
    { error: 'no firmware downloaded' },
    { error: 'no firmware downloaded' },
    { error: 'HTTP 404' },
    { error: 'ECONNREFUSED' },
    { error: 'the file is empty' },
    { error: `more than ${MAX} bytes` },
    { error: 'FTP is not supported: this host transfers over http and https only, not ftp:' },
    { error: 'not a URL: not a url' },
    { error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    'compared by prefix',
    { done: { size: image.length, sha256 } },
    { done: {} },
    { done: {} },
    { done: {} },
    { error: 'the signature does not match the firmware image' },
    { error: 'the signature is empty' },
    { error: 'no PEM certificate' },
    { done: {} },
  ]);
});

it('diagnosticsUpload: the bytes arrive as given (UTF-8, 160 KB) at location/fileName under both hosts; 404, unreachable and FTP fail alike', async () => {
  uploads.length = 0;
  const line = 'diagnostics ✓ é\n';
  const text = line.repeat(8192);
  const steps = [
    { member: 'diagnosticsUpload', args: [`${httpUrl}/upload/`, 'report 1.json', { repeat: [line, 8192] }] },
    { member: 'diagnosticsUpload', args: [`${httpsUrl}/upload`, 'report-2.json', '{"small":true}'] },
    { member: 'diagnosticsUpload', args: [`${httpUrl}/nowhere/`, 'x.json', 'x'] },
    { member: 'diagnosticsUpload', args: ['http://127.0.0.1:9/upload/', 'x.json', 'x'] },
    { member: 'diagnosticsUpload', args: ['ftp://127.0.0.1/upload/', 'x.json', 'x'] },
  ];
  const { native, sim } = await underBothHosts('upload', steps);
  assert.deepEqual(native, sim);
  assert.deepEqual(native, [{ done: {} }, { done: {} }, { error: 'HTTP 404' }, { error: 'ECONNREFUSED' }, { error: 'FTP is not supported: this host transfers over http and https only, not ftp:' }]);
  const got = (path) => uploads.filter((u) => u.path === path);
  assert.equal(got('/upload/report 1.json').length, 2, 'one from each host');
  for (const u of got('/upload/report 1.json')) assert.ok(u.bytes.equals(Buffer.from(text, 'utf8')), 'byte for byte');
  for (const u of got('/upload/report-2.json')) assert.equal(u.bytes.toString(), '{"small":true}');
  assert.deepEqual(got('/upload/report 1.json').map((u) => u.type), ['application/octet-stream', 'application/octet-stream']);
});

it('cryptoCertificateInfo / cryptoVerifyChain: the same JSON under both hosts — valid chains, expired, non-CA issuer, untrusted root, malformed', async () => {
  const { root, intermediate, leaf, expired, notCa, underNotCa, stranger } = pki;
  const steps = [
    { member: 'cryptoCertificateInfo', args: [leaf.cert + intermediate.cert + root.cert, 'SHA256'] },
    { member: 'cryptoCertificateInfo', args: [root.cert, 'SHA384'] },
    { member: 'cryptoCertificateInfo', args: [root.cert, 'SHA512'] },
    { member: 'cryptoCertificateInfo', args: [root.cert, 'MD5'] },
    { member: 'cryptoCertificateInfo', args: ['no certificate here', 'SHA256'] },
    { member: 'cryptoVerifyChain', args: [leaf.cert + intermediate.cert, root.cert, ''] },
    { member: 'cryptoVerifyChain', args: [expired.cert, root.cert, ''] },
    { member: 'cryptoVerifyChain', args: [underNotCa.cert + notCa.cert, root.cert, ''] },
    { member: 'cryptoVerifyChain', args: [underNotCa.cert, notCa.cert, ''] },
    { member: 'cryptoVerifyChain', args: [leaf.cert + intermediate.cert, stranger.cert, ''] },
    { member: 'cryptoVerifyChain', args: [leaf.cert + root.cert, root.cert, ''] },
    { member: 'cryptoVerifyChain', args: [leaf.cert + intermediate.cert, root.cert, 'kunknown1234'] },
    { member: 'cryptoVerifyChain', args: ['garbage', root.cert, ''] },
    // X.509 v1 (no basicConstraints): a self-signed one is a CA, as OpenSSL counts it; one it signed is not
    { member: 'cryptoCertificateInfo', args: [pki.v1Root.cert + pki.v1Leaf.cert, 'SHA256'] },
    { member: 'cryptoVerifyChain', args: [pki.v1Leaf.cert, pki.v1Root.cert, ''] },
    { member: 'cryptoCertificateInfo', args: [expired.cert, 'SHA256'] },
  ];
  const { native, sim } = await underBothHosts('certificates', steps);
  assert.deepEqual(native, sim);
  const [chainInfo] = native;
  assert.deepEqual(chainInfo.result.certificates.map((c) => [c.subject, c.issuer, c.ca, c.selfSigned]), [
    ['CN=CP-CONTRACT', 'CN=Contract Intermediate', false, false],
    ['CN=Contract Intermediate', 'CN=Contract Root', true, false],
    ['CN=Contract Root', 'CN=Contract Root', true, true],
  ]);
  assert.match(native[1].result.certificates[0].issuerNameHash, /^[0-9a-f]{96}$/);
  assert.deepEqual(native.slice(3, 13).map((r) => r.result), [
    { error: 'unknown hash algorithm MD5' },
    { error: 'no PEM certificate' },
    { ok: true },
    { ok: false, error: 'CN=Expired Leaf is not valid now' },
    { ok: false, error: 'CN=Not A CA is not a CA' },
    { ok: false, error: 'CN=Not A CA is not a CA' },
    { ok: false, error: 'CN=Contract Root is not a trusted root' },
    { ok: false, error: 'CN=CP-CONTRACT is not signed by CN=Contract Root' },
    { ok: false, error: 'unknown key id "kunknown1234"' },
    { ok: false, error: 'no PEM certificate' },
  ]);
  const v1 = native[13].result.certificates;
  assert.deepEqual(v1.map((c) => [c.subject, c.ca, c.selfSigned]), [['CN=V1 Contract Root', true, true], ['CN=V1 Contract Leaf', false, false]]);
  assert.deepEqual(native[14].result, { ok: true }, 'a v1 self-signed root anchors a chain');
  const [old] = native[15].result.certificates;
  assert.ok(Date.parse(old.notAfter) < Date.now(), `described though expired: ${old.notAfter}`);
});

it('cryptoCreateCsr and keyId: a key pair kept in the host folder, a CSR for it; the signed certificate verifies with its keyId, another does not; an unknown keyId fails wsOpen', async () => {
  const request = JSON.stringify({ subject: { commonName: 'CP-CSR', organizationName: 'Contract Org' } });
  const steps = [
    { member: 'cryptoCreateCsr', args: [request] },
    { member: 'cryptoCreateCsr', args: [JSON.stringify({ subject: {} })] },
    { member: 'wsOpen', args: ['wss://127.0.0.1:9/ocpp', JSON.stringify({ protocols: ['ocpp1.6'], cert: pki.leaf.cert, keyId: 'kmissing0000' })] },
  ];
  const { native, sim, nativeDir, simDir } = await underBothHosts('csr', steps);
  for (const [results, folder] of [[native, nativeDir], [sim, simDir]]) {
    const { csr, keyId } = results[0].result;
    assert.match(keyId, /^k[0-9a-z]+[0-9a-f]{8}$/);
    const parsed = new x509.Pkcs10CertificateRequest(csr);
    assert.equal(parsed.subject, 'CN=CP-CSR, O=Contract Org');
    assert.ok(await parsed.verify(), 'signed with its key');
    assert.equal(parsed.publicKey.algorithm.name, 'ECDSA');
    const keyFile = join(folder, 'host-keys', `${keyId}.pem`);
    assert.ok(existsSync(keyFile), 'the private key is in the host folder');
    assert.match(readFileSync(keyFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    results[0] = 'checked';
  }
  assert.deepEqual(native, sim);
  assert.deepEqual(native.slice(1), [{ result: { error: 'subject.commonName is required' } }, { events: ['error: unknown key id "kmissing0000"', 'close 1006'] }]);

  // The CSR signed by the CA, checked with its keyId (and one that is not for it) by each host.
  const second = await underBothHosts('csr-2', [{ member: 'cryptoCreateCsr', args: [request] }]);
  const signed = await signCsr(pki.ca, second.native[0].result.csr);
  const signedSim = await signCsr(pki.ca, second.sim[0].result.csr);
  const checkSteps = (cert, otherCert, keyId) => [
    { member: 'cryptoVerifyChain', args: [cert, pki.ca.cert, keyId] },
    { member: 'cryptoVerifyChain', args: [otherCert, pki.ca.cert, keyId] },
  ];
  // Each host checks the certificate of its own key: the key files stay in their own folders,
  // so the native station of this run is started on the same folder as the CSR run.
  const nativeCheck = await runNative('csr-2', checkSteps(signed, signedSim, second.native[0].result.keyId));
  assert.deepEqual(nativeCheck, [{ result: { ok: true } }, { result: { ok: false, error: 'the certificate is not for the key of the signing request' } }]);
});

/** The steps under the native host only, on the station folder of an earlier run (`name`). */
async function runNative(name, steps) {
  const file = join(dir, `${name}-again.js`);
  writeFileSync(file, guestCode(steps));
  const n = await startHost(file, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', `N-${name}`, '--data-dir', dir], { timeout: 60000 }).exited;
  assert.equal(n.code, 0, n.stdout);
  return parseResults(n.lines.map((l) => l.text));
}

// ---- the charger's IO members over the state-folder backend (--hardware DIR) ----------------

/** A state folder as an IO daemon leaves it: two connectors, good and bad texts. */
function stateFolder(name) {
  const folder = join(dir, `hw-${name}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'info'), '{"connectors":[{"maxCurrentA":16,"cableLock":false},{}]}');
  writeFileSync(join(folder, 'inputs-1'), '{"plugged":true,"evRequestsEnergy":true,"error":"NoError","idTag":"CARD-1"}\n');
  writeFileSync(join(folder, 'inputs-2'), 'not json');
  writeFileSync(join(folder, 'inputs-3'), 'x'.repeat(5000));
  writeFileSync(join(folder, 'meter-1'), '{"energyWh":1234.5,"powerW":7360,"currentA":10.7,"voltageV":230,"phases":3}');
  writeFileSync(join(folder, 'lock-stuck-2'), '1\n'); // connector 2's lock does not move
  writeFileSync(join(folder, 'lock-stuck-3'), '0\n'); // connector 3's does
  return folder;
}

it('hardwareInfo / hardwareInputs / hardwareMeter / hardwareWrite / hardwareListen over --hardware DIR: the same texts and error words under both hosts, the same files written', async () => {
  const steps = [
    { member: 'hardwareInfo', args: [] },
    { member: 'hardwareInputs', args: [1] },
    { member: 'hardwareInputs', args: [2] }, // not JSON: handed over as it is
    { member: 'hardwareInputs', args: [3] }, // over 4 KB: nothing
    { member: 'hardwareInputs', args: [4] }, // no file: nothing
    { member: 'hardwareInputs', args: [0] },
    { member: 'hardwareInputs', args: [33] },
    { member: 'hardwareInputs', args: [1.5] },
    { member: 'hardwareMeter', args: [1] },
    { member: 'hardwareMeter', args: [2] },
    { member: 'hardwareWrite', args: [1, '{"relay":true}'] },
    { member: 'hardwareWrite', args: [1, '{"lock":false}'] },
    { member: 'hardwareWrite', args: [2, '{"currentLimitA":13.5}'] },
    { member: 'hardwareWrite', args: [2, '{"lock":false}'] }, // lock-stuck-2: 1
    { member: 'hardwareWrite', args: [2, '{"relay":true}'] }, // only the lock is stuck
    { member: 'hardwareWrite', args: [3, '{"lock":true}'] }, // lock-stuck-3: 0
    { member: 'hardwareWrite', args: [1, 'not json'] },
    { member: 'hardwareWrite', args: [0, '{"relay":true}'] },
    { member: 'hardwareWrite', args: [40, '{"relay":true}'] },
    { member: 'hardwareWrite', args: [1, '[1]'] },
    { member: 'hardwareWrite', args: [1, '{"currentLimitA":-1}'] },
    { member: 'hardwareWrite', args: [1, '{"colour":"red"}'] },
    { member: 'hardwareListen', args: ['not a function'] },
  ];
  const { native, sim, nativeHardware, simHardware } = await underBothHosts('hardware', steps, { hardware: stateFolder });
  assert.deepEqual(native, sim);
  const ok = { result: '{"ok":true}' };
  const failed = (error) => ({ result: JSON.stringify({ ok: false, error }) });
  assert.deepEqual(native, [
    { result: '{"connectors":[{"maxCurrentA":16,"cableLock":false},{}]}' },
    { result: '{"plugged":true,"evRequestsEnergy":true,"error":"NoError","idTag":"CARD-1"}\n' },
    { result: 'not json' },
    { result: '' },
    { result: '' },
    { result: '' },
    { result: '' },
    { result: '' },
    { result: '{"energyWh":1234.5,"powerW":7360,"currentA":10.7,"voltageV":230,"phases":3}' },
    { result: '' },
    ok,
    ok,
    ok,
    failed('ConnectorLockFailure'),
    ok,
    ok,
    failed('the output is not JSON: not json'),
    failed('no connector 0'),
    failed('no connector 40'),
    failed('unknown output [1]'),
    failed('unknown output {"currentLimitA":-1}'),
    failed('unknown output {"colour":"red"}'),
    { threw: 'TypeError: hardwareListen onchange must be a function' },
  ]);
  for (const folder of [nativeHardware, simHardware]) {
    assert.equal(readFileSync(join(folder, 'relay-1'), 'utf8'), '1\n');
    assert.equal(readFileSync(join(folder, 'lock-1'), 'utf8'), '0\n');
    assert.equal(readFileSync(join(folder, 'current-limit-2'), 'utf8'), '13.5\n');
    assert.ok(!existsSync(join(folder, 'lock-2')), 'a stuck lock is not written');
    assert.equal(readFileSync(join(folder, 'relay-2'), 'utf8'), '1\n');
    assert.equal(readFileSync(join(folder, 'lock-3'), 'utf8'), '1\n');
    assert.ok(!existsSync(join(folder, 'relay-0')) && !existsSync(join(folder, 'relay-40')));
  }
});

it('hardwareListen: a new inputs-N (renamed over it, or written in place) calls onchange(N) on a later turn under both hosts; without --hardware the five members are absent', async () => {
  const guest = `
    var seen = [];
    ocppHost.timerStart(60000, function () { ocppHost.exit(3); });
    if (typeof ocppHost.hardwareListen !== 'function') { ocppHost.log(20, 'ABSENT ' + ['hardwareInfo', 'hardwareInputs', 'hardwareMeter', 'hardwareWrite', 'hardwareListen'].filter(function (m) { return typeof ocppHost[m] !== 'function'; }).join(',')); ocppHost.exit(0); }
    else {
      var inside = true;
      ocppHost.hardwareListen(function (id) {
        seen.push(id + (inside ? ' inside' : '') + ' ' + ocppHost.hardwareInputs(id));
        if (seen.length === 2) { ocppHost.log(20, 'CHANGED ' + JSON.stringify(seen)); ocppHost.exit(0); }
      });
      inside = false;
      ocppHost.log(20, 'LISTENING');
    }`;
  const file = join(dir, 'listen.js');
  writeFileSync(file, guest);
  const nativeFolder = stateFolder('N-listen');
  const simFolder = stateFolder('S-listen');
  const host = startHost(file, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', 'N-listen', '--data-dir', dir, '--hardware', nativeFolder], { timeout: 60000 });
  const station = new SimulatedStation({ settings: { url: 'ws://127.0.0.1:9/ocpp', id: 'S-listen' }, dataDir: dir, bundle: { code: guest, filename: 'listen.js' }, hardware: simFolder });
  const simLines = [];
  const simListening = new Promise((resolve) => station.on('log', (e) => (simLines.push(e.text), e.text === 'LISTENING' && resolve())));
  await station.start();
  await Promise.all([host.waitFor(/^LISTENING$/), simListening]);
  const change = (folder) => {
    writeFileSync(join(folder, '.tmp'), '{"plugged":false}');
    renameSync(join(folder, '.tmp'), join(folder, 'inputs-2')); // as a daemon replaces it
    setTimeout(() => writeFileSync(join(folder, 'inputs-1'), '{"plugged":true}'), 300); // written in place
  };
  change(nativeFolder);
  change(simFolder);
  const [n, s] = await Promise.all([host.exited, station.exited]);
  assert.equal(n.code, 0, n.stdout);
  assert.equal(s.code, 0, s.reason);
  const changed = (lines) => lines.find((t) => t.startsWith('CHANGED ')) || lines.join('\n');
  const expected = 'CHANGED ' + JSON.stringify(['2 {"plugged":false}', '1 {"plugged":true}']);
  assert.equal(changed(n.lines.map((l) => l.text)), expected);
  assert.equal(changed(simLines), expected);

  const bare = await runNativeAndSim('absent', guest);
  assert.deepEqual(bare, ['ABSENT hardwareInfo,hardwareInputs,hardwareMeter,hardwareWrite,hardwareListen', 'ABSENT hardwareInfo,hardwareInputs,hardwareMeter,hardwareWrite,hardwareListen']);
});

/** `code` under each host without --hardware; the ABSENT line each logged. */
async function runNativeAndSim(name, code) {
  const file = join(dir, `${name}.js`);
  writeFileSync(file, code);
  const host = startHost(file, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', `N-${name}`, '--data-dir', dir], { timeout: 60000 });
  const station = new SimulatedStation({ settings: { url: 'ws://127.0.0.1:9/ocpp', id: `S-${name}` }, dataDir: dir, bundle: { code, filename: `${name}.js` } });
  const lines = [];
  station.on('log', (e) => lines.push(e.text));
  await station.start();
  const [n] = await Promise.all([host.exited, station.exited]);
  return [n.lines.map((l) => l.text).find((t) => t.startsWith('ABSENT')), lines.find((t) => t.startsWith('ABSENT'))];
}
