// Security profiles 1–3 end to end: the real bundle in QuickJS on the simulator host, over
// real sockets (TLS with a throw-away CA made for the run), against the strict embedded
// CSMS. Also: a CSMS certificate from another CA is refused, the AuthorizationKey stays
// out of the logs and out of GetConfiguration, and the CLI's --security-profile flag.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs, UsageError } from '../../sim/cli-options.mjs';
import { makeCa, issue, csmsTls } from './lib/pki.mjs';
import { stationTests } from './lib/stations.mjs';

const KEY = 'profile-test-key-16';
const rig = stationTests('security-profiles');
const dataDir = rig.dataDir;
let ca;
let otherCa;

before(async () => {
  ca = await makeCa('Test CSMS Root');
  otherCa = await makeCa('Someone Else');
});

/** The station's security log file (what GetLog SecurityLog uploads). */
const securityLog = (id) => readFileSync(join(dataDir, id, 'security.log'), 'utf8');
const basic = (id, password) => 'Basic ' + Buffer.from(`${id}:${password}`).toString('base64');

/** The real bundle as station `id` (scenario idle, quick reconnects). */
async function startStation(csms, id, settings = {}) {
  return rig.start({ url: csms.url, id, scenario: 'idle', duration: 0, reconnectMaxSeconds: 1, ...settings }, { logLevel: 'debug' });
}

async function withCsms(options, fn) {
  const csms = await rig.csms({ heartbeatInterval: 60, callTimeout: 5, ...options });
  try {
    await fn(csms);
  } finally {
    await rig.stopStations();
    await csms.stop();
  }
}

test('profile 1: Basic auth over ws; a new AuthorizationKey reconnects with it; the key is in no log and not readable', async () => {
  await withCsms({ password: KEY }, async (csms) => {
    const station = await startStation(csms, 'SP1', { password: KEY, securityProfile: 1 });
    await csms.waitForCall('SP1', 'BootNotification');
    assert.equal(csms.connections[0].authorization, basic('SP1', KEY));
    assert.match(csms.url, /^ws:/);
    const read = await csms.call('SP1', 'GetConfiguration', { key: ['AuthorizationKey', 'SecurityProfile'] });
    assert.deepEqual(read.configurationKey, [
      { key: 'AuthorizationKey', readonly: false },
      { key: 'SecurityProfile', readonly: false, value: '1' },
    ]);

    const NEW = 'the-next-key-0123456789';
    assert.deepEqual(await csms.call('SP1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: NEW }), { status: 'Accepted' });
    csms.password = NEW; // the CSMS accepts only the new key from now on
    const second = await csms.waitForConnection('SP1', { after: 1, timeout: 15000 });
    assert.equal(second.authorization, basic('SP1', NEW));
    const logs = station.logs.join('\n');
    assert.ok(logs.includes('ChangeConfiguration'), 'the debug log shows the frames');
    assert.ok(!logs.includes(NEW) && !logs.includes(KEY), 'no AuthorizationKey in the station log (debug level, frames included)');

    // A wrong key: the CSMS answers the upgrade with 401, the station records why it failed.
    const refused = await startStation(csms, 'SP1-WRONG', { password: 'not-the-key-0123456789', securityProfile: 1, maxConnectAttempts: 1 });
    assert.equal((await refused.exited).code, 1);
    assert.match(securityLog('SP1-WRONG'), / FailedToAuthenticateAtCentralSystem .*401/);
  });
});

test('profile 2: TLS + Basic auth with the CSMS certificate verified against the CA; another CA, or none, is refused', async () => {
  await withCsms({ password: KEY, tls: await csmsTls(ca) }, async (csms) => {
    assert.match(csms.url, /^wss:/);
    // The station is given ws://: profile 2 connects with TLS to the same host and port.
    const plainUrl = csms.url.replace(/^wss:/, 'ws:');
    await startStation(csms, 'SP2', { url: plainUrl, password: KEY, securityProfile: 2, ca: ca.cert });
    await csms.waitForCall('SP2', 'BootNotification');
    assert.equal(csms.connections.find((c) => c.station === 'SP2').authorization, basic('SP2', KEY));

    const wrong = await startStation(csms, 'SP2-WRONG-CA', { password: KEY, securityProfile: 2, ca: otherCa.cert, maxConnectAttempts: 1 });
    const noCa = await startStation(csms, 'SP2-NO-CA', { password: KEY, securityProfile: 2, maxConnectAttempts: 1 });
    for (const s of [wrong, noCa]) {
      const { code } = await s.exited;
      assert.equal(code, 1, `${s.id} gives up`);
      assert.ok(s.logs.some((l) => /certificate/i.test(l)), `${s.id}: the TLS error is in the log:\n${s.logs.join('\n')}`);
      assert.equal(csms.connections.filter((c) => c.station === s.id).length, 0, `${s.id} never got through`);
      assert.match(securityLog(s.id), / InvalidCentralSystemCertificate .*certificate/i, `${s.id}: a security event with the TLS error`);
    }
  });
});

test('profile 3: TLS with a client certificate the CSMS verifies; no Basic auth; a certificate of another CA is refused', async () => {
  await withCsms({ tls: await csmsTls(ca, { requireClientCert: true }) }, async (csms) => {
    const mine = await issue(ca, { cn: 'SP3', client: true });
    await startStation(csms, 'SP3', { ca: ca.cert, cert: mine.cert, key: mine.key, securityProfile: 3, password: KEY });
    await csms.waitForCall('SP3', 'BootNotification');
    const c = csms.connections.find((x) => x.station === 'SP3');
    assert.equal(c.clientCertificate.subject, 'SP3');
    assert.equal(c.authorization, null, 'profile 3 sends no password');
    const read = await csms.call('SP3', 'GetConfiguration', { key: ['SecurityProfile'] });
    assert.equal(read.configurationKey[0].value, '3');
    assert.deepEqual(await csms.call('SP3', 'ChangeConfiguration', { key: 'SecurityProfile', value: '2' }), { status: 'Rejected' }, 'no downgrade');

    const foreign = await issue(otherCa, { cn: 'SP3-FOREIGN', client: true });
    const refused = await startStation(csms, 'SP3-FOREIGN', { ca: ca.cert, cert: foreign.cert, key: foreign.key, maxConnectAttempts: 1 });
    assert.equal((await refused.exited).code, 1);
    assert.equal(csms.connections.filter((x) => x.station === 'SP3-FOREIGN').length, 0);
  });
});

test('CLI: --security-profile 0..3 lands in the settings, with what each profile needs', () => {
  const pem = join(dataDir, 'x.pem');
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const base = ['--url', 'ws://localhost:9000/ocpp', '--id', 'CP'];
  assert.equal(parseCliArgs(base).stations[0].securityProfile, undefined, 'default: none (the bundle infers it from the other settings)');
  assert.equal(parseCliArgs([...base, '--security-profile', '2', '--password', KEY]).stations[0].securityProfile, 2);
  assert.equal(parseCliArgs([...base, '--security-profile', '3', '--cert', pem, '--key', pem]).stations[0].securityProfile, 3);
  const bad = [
    [[...base, '--security-profile', '4'], /--security-profile must be a whole number from 0 to 3/],
    [[...base, '--security-profile', '1'], /--security-profile 1 needs --password/],
    [[...base, '--security-profile', '2'], /--security-profile 2 needs --password/],
    [[...base, '--security-profile', '3'], /--security-profile 3 needs --cert and --key/],
  ];
  for (const [argv, message] of bad) {
    assert.throws(() => parseCliArgs(argv), (err) => err instanceof UsageError && message.test(err.message), argv.join(' '));
  }
});
