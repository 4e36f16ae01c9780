// @memory-limit 2097152
// Security profiles 0–3 (OCPP 1.6 security whitepaper): what the station connects with,
// the SecurityProfile and AuthorizationKey keys, upgrades with reconnect and fallback.
import { test, assert, sleep } from '../../../lib/harness';
import { makeStation, startOnline, Rig } from '../lib/station-harness';
import { base64 } from '../../../../src/lib/base64';
import { TRIAL_ATTEMPTS } from '../../../../src/app/security/security';

const KEY = 'sixteen-chars-pw';
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nCP\n-----END CERTIFICATE-----\n';
const PRIVATE = '-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n';

function basic(id: string, password: string): string {
  return 'Basic ' + base64(id + ':' + password);
}

async function configured(rig: Rig, key: string): Promise<any> {
  const answer = await rig.csms.call('GetConfiguration', { key: [key] });
  return answer[2].configurationKey[0];
}

/** Lets the station reconnect after a close, and returns its new socket (not yet accepted). */
async function nextSocket(rig: Rig): Promise<any> {
  const before = rig.host.sockets.length;
  for (let i = 0; i < 200 && rig.host.sockets.length === before; i++) await sleep(500);
  assert.ok(rig.host.sockets.length > before, 'the station opened a new connection');
  return rig.host.socket;
}

test('profile 1 (implied by a password on ws): Basic auth with the AuthorizationKey; the key is never readable', async () => {
  const rig = makeStation({ url: 'ws://csms/ocpp', password: KEY });
  await startOnline(rig);
  const s = rig.host.sockets[0];
  assert.equal(s.url, 'ws://csms/ocpp/CP-T');
  assert.deepEqual(s.options.headers, { Authorization: basic('CP-T', KEY) });
  assert.equal(s.options.ca, undefined);
  assert.deepEqual(await configured(rig, 'SecurityProfile'), { key: 'SecurityProfile', readonly: false, value: '1' });
  assert.deepEqual(await configured(rig, 'AuthorizationKey'), { key: 'AuthorizationKey', readonly: false }, 'listed without a value');
  const all = (await rig.csms.call('GetConfiguration', {}))[2].configurationKey;
  for (let i = 0; i < all.length; i++) assert.ok(JSON.stringify(all[i]).indexOf(KEY) < 0, 'the key is not in the full listing');
});

test('profile 2: TLS (ws:// becomes wss://) with the CA and Basic auth; profile 3: client certificate, no Basic auth', async () => {
  const two = makeStation({ url: 'ws://csms:9000/ocpp', securityProfile: 2, password: KEY, ca: CA });
  await startOnline(two);
  const s2 = two.host.sockets[0];
  assert.equal(s2.url, 'wss://csms:9000/ocpp/CP-T');
  assert.equal(s2.options.ca, CA);
  assert.deepEqual(s2.options.headers, { Authorization: basic('CP-T', KEY) });
  assert.equal(s2.options.cert, undefined);

  const three = makeStation({ url: 'wss://csms/ocpp', password: KEY, ca: CA, cert: CERT, key: PRIVATE });
  await startOnline(three);
  const s3 = three.host.sockets[0];
  assert.equal(s3.url, 'wss://csms/ocpp/CP-T');
  assert.equal(s3.options.cert, CERT);
  assert.equal(s3.options.key, PRIVATE);
  assert.equal(s3.options.ca, CA);
  assert.equal(s3.options.headers, undefined, 'profile 3 authenticates with the certificate only');
  assert.equal((await configured(three, 'SecurityProfile')).value, '3', 'implied by a certificate on wss');

  const none = makeStation({ url: 'ws://csms/ocpp' });
  await startOnline(none);
  assert.equal(none.host.sockets[0].options.headers, undefined);
  assert.equal((await configured(none, 'SecurityProfile')).value, '0');
});

test('SecurityProfile: never downward; upward only with what the new profile needs', async () => {
  const rig = makeStation({ url: 'ws://csms/ocpp', password: KEY, securityProfile: 1 });
  await startOnline(rig);
  const change = async (value: string) => (await rig.csms.call('ChangeConfiguration', { key: 'SecurityProfile', value }))[2].status;
  assert.equal(await change('0'), 'Rejected', 'a downgrade');
  assert.equal(await change('2'), 'Rejected', 'no CA to verify the CSMS with');
  assert.equal(await change('4'), 'Rejected', 'no such profile');
  assert.equal(await change('1'), 'Accepted', 'the same profile');
  await sleep(5000);
  assert.equal(rig.host.sockets.length, 1, 'nothing changed: no reconnect');

  const tls = makeStation({ url: 'wss://csms/ocpp', password: KEY, ca: CA });
  await startOnline(tls);
  assert.equal((await tls.csms.call('ChangeConfiguration', { key: 'SecurityProfile', value: '3' }))[2].status, 'Rejected', 'no client certificate');
  assert.equal((await tls.csms.call('ChangeConfiguration', { key: 'SecurityProfile', value: '1' }))[2].status, 'Rejected', 'a downgrade');
});

test('SecurityProfile 1 → 2: answered, then a reconnect with TLS; kept once that connection opens', async () => {
  const rig = makeStation({ url: 'ws://csms/ocpp', password: KEY, ca: CA });
  await startOnline(rig);
  assert.equal((await configured(rig, 'SecurityProfile')).value, '1');
  const answer = await rig.csms.call('ChangeConfiguration', { key: 'SecurityProfile', value: '2' });
  assert.equal(answer[2].status, 'Accepted');
  assert.ok(rig.host.files['security-trial.json'], 'the old credentials are kept until the new ones work');
  const s = await nextSocket(rig);
  assert.equal(s.url, 'wss://csms/ocpp/CP-T');
  assert.equal(s.options.ca, CA);
  assert.deepEqual(s.options.headers, { Authorization: basic('CP-T', KEY) });
  rig.csms.accept();
  await sleep(0);
  assert.equal(rig.host.files['security-trial.json'], undefined, 'the new profile works: kept');
  // Later failures of the TLS connection do not bring profile 1 back.
  rig.host.socket.drop();
  for (let i = 0; i < TRIAL_ATTEMPTS + 1; i++) (await nextSocket(rig)).refuse();
  assert.match((await nextSocket(rig)).url, /^wss:/);
});

test('SecurityProfile 1 → 2 that cannot connect: back to profile 1 after the attempts, and connected with it', async () => {
  const rig = makeStation({ url: 'ws://csms/ocpp', password: KEY, ca: CA });
  await startOnline(rig);
  assert.equal((await rig.csms.call('ChangeConfiguration', { key: 'SecurityProfile', value: '2' }))[2].status, 'Accepted');
  for (let i = 0; i < TRIAL_ATTEMPTS; i++) {
    const s = await nextSocket(rig);
    assert.match(s.url, /^wss:/, 'attempt ' + (i + 1) + ' with the new profile');
    s.refuse('certificate verify failed');
  }
  const back = await nextSocket(rig);
  assert.equal(back.url, 'ws://csms/ocpp/CP-T', 'fallen back to profile 1');
  rig.csms.accept();
  await sleep(0);
  assert.equal((await configured(rig, 'SecurityProfile')).value, '1');
  assert.equal(rig.host.files['security-trial.json'], undefined);
  assert.ok(rig.host.logs.some((l) => /back to profile 1/.test(l.text)), 'the fallback is logged');
});

test('SecurityProfile change then Reset: the reboot goes on trying the new profile', async () => {
  const rig = makeStation({ url: 'ws://csms/ocpp', password: KEY, ca: CA });
  await startOnline(rig);
  await rig.csms.call('ChangeConfiguration', { key: 'SecurityProfile', value: '2' });
  await rig.csms.call('Reset', { type: 'Hard' });
  await sleep(0);
  const next = makeStation({ url: 'ws://csms/ocpp', password: KEY, ca: CA }, rig.host.files);
  next.station.start();
  await sleep(0);
  assert.match(next.host.socket.url, /^wss:/, 'the new profile after the reboot');
  next.host.socket.refuse();
  for (let i = 1; i < TRIAL_ATTEMPTS; i++) {
    const s = await nextSocket(next);
    assert.match(s.url, /^wss:/);
    s.refuse();
  }
  assert.match((await nextSocket(next)).url, /^ws:/, 'still falls back when it never works');
});

test('AuthorizationKey: 16 to 40 characters; a new key reconnects with it; the key is never logged', async () => {
  const NEW = 'a-new-key-of-24-chars-xx';
  const rig = makeStation({ url: 'ws://csms/ocpp', password: KEY });
  await startOnline(rig);
  const change = async (value: string) => (await rig.csms.call('ChangeConfiguration', { key: 'AuthorizationKey', value }))[2].status;
  assert.equal(await change('too-short'), 'Rejected');
  assert.equal(await change('x1234567890123456789012345678901234567890'), 'Rejected', '41 characters');
  assert.equal(await change(NEW), 'Accepted');
  const s = await nextSocket(rig);
  assert.deepEqual(s.options.headers, { Authorization: basic('CP-T', NEW) });
  rig.csms.accept();
  await sleep(0);
  const logs = rig.host.logs.map((l) => l.text).join('\n');
  assert.ok(logs.indexOf(NEW) < 0 && logs.indexOf(KEY) < 0, 'no key in the log');
  assert.match(logs, /ChangeConfiguration AuthorizationKey=\(hidden\): Accepted/);
});

test('AuthorizationKey that the CSMS then refuses: back to the old key', async () => {
  const rig = makeStation({ url: 'ws://csms/ocpp', password: KEY });
  await startOnline(rig);
  await rig.csms.call('ChangeConfiguration', { key: 'AuthorizationKey', value: 'the-csms-forgot-this-one' });
  for (let i = 0; i < TRIAL_ATTEMPTS; i++) (await nextSocket(rig)).refuse('Unexpected server response: 401');
  const back = await nextSocket(rig);
  assert.deepEqual(back.options.headers, { Authorization: basic('CP-T', KEY) });
});
