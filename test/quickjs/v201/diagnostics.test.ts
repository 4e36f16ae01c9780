// OCPP 2.0.1 block N: GetLog → LogStatusNotification (N01) on a fake host whose upload member
// is scripted, and CustomerInformation → NotifyCustomerInformation (N09, N10) over the
// authorization cache and the local list.
import { test, assert, sleep, clock } from '../../lib/harness';
import { FakeStation } from './lib/fake-station';
import { installLogUpload } from '../../../src/v201/diagnostics/log-upload';
import { installCustomerInformation } from '../../../src/v201/diagnostics/customer-information';
import { installAuthorization } from '../../../src/v201/authorization/authorization';
import { installLocalAuthList } from '../../../src/v201/local-auth-list/local-auth-list';
import { IdToken } from '../../../src/ocpp/v201/generated/types';

interface Uploads {
  done: { location: string; fileName: string; data: string }[];
  attempts: number;
}

/** The fake host's diagnosticsUpload: `ms` later, fails for a location with "broken" in it. */
function scriptUploads(station: FakeStation, ms = 100): Uploads {
  const u: Uploads = { done: [], attempts: 0 };
  (station.host as any).diagnosticsUpload = (location: string, fileName: string, data: string, cb: any) => {
    u.attempts++;
    clock.schedule(ms, () => {
      if (location.indexOf('broken') >= 0) return cb.onerror('HTTP 500');
      u.done.push({ location, fileName, data });
      cb.ondone('{}');
    });
  };
  return u;
}

const logStatuses = (station: FakeStation) => station.sent.filter((c) => c.action === 'LogStatusNotification').map((c) => c.payload.status + (c.payload.requestId !== undefined ? '/' + c.payload.requestId : ''));

function getLog(requestId: number, logType: 'DiagnosticsLog' | 'SecurityLog', extra: { [k: string]: any } = {}): any {
  const log: any = { remoteLocation: extra.location || 'http://csms/logs' };
  if (extra.oldest) log.oldestTimestamp = extra.oldest;
  const p: any = { requestId, logType, log };
  if (extra.retries !== undefined) p.retries = extra.retries;
  if (extra.retryInterval !== undefined) p.retryInterval = extra.retryInterval;
  return p;
}

test('GetLog DiagnosticsLog: Accepted with the file name (N01.FR.01), Uploading then Uploaded with the requestId (N01.FR.07-09); the file holds the EVSEs and the variables, no write-only one; FileTransferProtocols in the device model', async () => {
  const station = new FakeStation({ evses: 2 });
  const uploads = scriptUploads(station);
  installLogUpload(station);
  station.model.add('SecurityCtrlr', [{ name: 'BasicAuthPassword', type: 'string', mutability: 'WriteOnly', value: 'very-secret-password' }]);
  const answer = station.request('GetLog', getLog(7, 'DiagnosticsLog'));
  assert.equal(answer.status, 'Accepted');
  assert.ok(/^diagnostics-log-.+\.json$/.test(answer.filename), answer.filename);
  await sleep(500);
  assert.deepEqual(logStatuses(station), ['Uploading/7', 'Uploaded/7']);
  assert.equal(uploads.done.length, 1);
  assert.equal(uploads.done[0].fileName, answer.filename);
  assert.equal(uploads.done[0].location, 'http://csms/logs');
  const report = JSON.parse(uploads.done[0].data);
  assert.deepEqual(report.evses.map((e: any) => e.id + ':' + e.status), ['1:Available', '2:Available']);
  assert.equal(report.variables['OCPPCommCtrlr/FileTransferProtocols'], 'HTTP,HTTPS');
  assert.ok(uploads.done[0].data.indexOf('very-secret-password') < 0, 'no write-only value');
  assert.equal(station.model.get('OCPPCommCtrlr/FileTransferProtocols'), 'HTTP,HTTPS');
});

test('GetLog SecurityLog: Rejected when no security log is kept (N01.FR.05); with block A\'s log the lines since oldestTimestamp (N01.FR.03)', async () => {
  const bare = new FakeStation();
  const none = scriptUploads(bare);
  installLogUpload(bare);
  assert.deepEqual(bare.request('GetLog', getLog(1, 'SecurityLog')), { status: 'Rejected' });
  await sleep(500);
  assert.equal(none.attempts, 0);
  assert.deepEqual(logStatuses(bare), []);

  const station = new FakeStation();
  const uploads = scriptUploads(station);
  installLogUpload(station, { securityLog: () => ['2026-11-25T10:00:00Z StartupOfTheDevice', '2026-11-25T11:00:00Z ResetOrReboot'] });
  const answer = station.request('GetLog', getLog(2, 'SecurityLog', { oldest: '2026-11-25T10:30:00Z' }));
  assert.equal(answer.status, 'Accepted');
  assert.ok(/^security-log-.+\.log$/.test(answer.filename));
  await sleep(500);
  assert.deepEqual(logStatuses(station), ['Uploading/2', 'Uploaded/2']);
  assert.equal(uploads.done[0].data, '2026-11-25T11:00:00Z ResetOrReboot\n');
});

test('GetLog: a failing upload retried `retries` times retryInterval apart, then UploadFailure (N01.FR.10); a GetLog while one uploads cancels it: AcceptedCanceled in the answer and a notification with the old requestId (N01.FR.12, .20); TriggerMessage: Uploading with the requestId, else Idle without (N01.FR.13)', async () => {
  const station = new FakeStation();
  const uploads = scriptUploads(station, 5000);
  installLogUpload(station);
  const trigger = () => station.triggers.target('LogStatusNotification')!.send();
  station.request('GetLog', getLog(3, 'DiagnosticsLog', { location: 'http://csms/broken', retries: 2, retryInterval: 20 }));
  await sleep(1000);
  trigger();
  await sleep(0);
  const start = clock.now();
  await sleep(60000);
  assert.deepEqual(logStatuses(station), ['Uploading/3', 'Uploading/3', 'Uploading/3', 'Uploading/3', 'UploadFailure/3']);
  assert.equal(uploads.attempts, 3, 'once and two retries');
  assert.ok(clock.now() - start >= 40000);
  trigger();
  await sleep(0);
  assert.deepEqual(logStatuses(station).pop(), 'Idle', 'nothing under way: Idle, no requestId');

  station.sent.length = 0;
  assert.equal(station.request('GetLog', getLog(4, 'DiagnosticsLog')).status, 'Accepted');
  await sleep(1000);
  assert.equal(station.request('GetLog', getLog(5, 'DiagnosticsLog')).status, 'AcceptedCanceled');
  await sleep(20000);
  assert.deepEqual(logStatuses(station), ['Uploading/4', 'AcceptedCanceled/4', 'Uploading/5', 'Uploaded/5']);
  assert.equal(uploads.done.length, 2, 'the canceled upload finished at the host, but no Uploaded goes for it');
});

const A: IdToken = { idToken: 'CARD-A', type: 'ISO14443' };
const B: IdToken = { idToken: 'CARD-B', type: 'ISO14443' };

test('CustomerInformation: Invalid without or with two references (N09.FR.09), Rejected with neither report nor clear (N09.FR.07); a report of the cache and the local list entries (N09.FR.05), "No data found" for an unknown one (N09.FR.06); clear removes the cache entry, never the local list\'s (N10.FR.03/06)', async () => {
  const station = new FakeStation();
  const list = installLocalAuthList(station);
  const auth = installAuthorization(station, list);
  installCustomerInformation(station, { cache: auth.cache, list });
  auth.learned(A, { status: 'Accepted', groupIdToken: { idToken: 'FLEET', type: 'Central' } });
  assert.deepEqual(station.request('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: A, idTokenInfo: { status: 'Accepted' } }] }), { status: 'Accepted' });
  const notified = () => station.sent.filter((c) => c.action === 'NotifyCustomerInformation').map((c) => c.payload);

  assert.deepEqual(station.request('CustomerInformation', { requestId: 1, report: true, clear: false }), { status: 'Invalid' });
  assert.deepEqual(station.request('CustomerInformation', { requestId: 2, report: true, clear: false, idToken: A, customerIdentifier: 'X' }), { status: 'Invalid' });
  assert.deepEqual(station.request('CustomerInformation', { requestId: 3, report: false, clear: false, idToken: A }), { status: 'Rejected' });
  await sleep(10);
  assert.equal(notified().length, 0);

  assert.deepEqual(station.request('CustomerInformation', { requestId: 4, report: true, clear: false, idToken: { idToken: 'card-a', type: 'ISO14443' } }), { status: 'Accepted' });
  await sleep(10);
  let n = notified();
  assert.equal(n.length, 1);
  assert.equal(n[0].requestId, 4);
  assert.equal(n[0].seqNo, 0);
  assert.ok(!n[0].tbc);
  const lines = n[0].data.split('\n');
  assert.equal(lines.length, 2, n[0].data);
  assert.ok(lines[0].indexOf('AuthorizationCache') === 0 && lines[0].indexOf('FLEET') > 0, lines[0]);
  assert.ok(lines[1].indexOf('LocalAuthorizationList') === 0, lines[1]);

  station.request('CustomerInformation', { requestId: 5, report: true, clear: false, idToken: B });
  station.request('CustomerInformation', { requestId: 6, report: true, clear: false, customerIdentifier: 'customer-17' });
  await sleep(10);
  n = notified();
  assert.deepEqual([n[1].requestId, n[1].data, n[2].requestId, n[2].data], [5, 'No data found', 6, 'No data found']);

  station.request('CustomerInformation', { requestId: 7, report: true, clear: true, idToken: A });
  await sleep(10);
  assert.equal(notified()[3].data.split('\n').length, 2, 'N10.FR.03: the cleared data reported');
  assert.equal(auth.cache.peek(A), null, 'the cache entry is gone');
  assert.equal(JSON.parse(station.host.files['auth-cache.json'] || '[]').length, 0, 'from storage too');
  assert.deepEqual(list.lookup(A), { status: 'Accepted' }, 'the local list is the CSMS\'s to change (N10.FR.02)');

  auth.learned(B, { status: 'Accepted' });
  station.request('CustomerInformation', { requestId: 8, report: false, clear: true, idToken: B });
  station.request('CustomerInformation', { requestId: 9, report: false, clear: true, idToken: A });
  await sleep(10);
  n = notified();
  assert.equal(n[4].data, 'Cleared', 'N10.FR.06');
  assert.equal(auth.cache.peek(B), null);
  assert.ok(/^Nothing cleared/.test(n[5].data), 'only in the local list: nothing to clear');
});
