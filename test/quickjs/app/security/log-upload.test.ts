// @memory-limit 2097152
// GetLog / LogStatusNotification through the station, on a fake host whose upload member
// is scripted: SecurityLog within the requested time window, DiagnosticsLog (the station
// state), retries, a GetLog replacing one under way, triggered notifications, and a host
// without the upload member.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { FakeHost } from '../../../lib/fake-host';
import { makeStation, startOnline, Rig } from '../lib/station-harness';
import { linesWithin } from '../../../../src/lib/log-upload';

interface Uploads {
  done: { location: string; fileName: string; data: string }[];
  /** Outcome of the next uploads ('' = success); success once empty. */
  errors: string[];
  delayMs: number;
}

function uploader(u: Uploads): (host: FakeHost) => void {
  return (host) => {
    (host as any).diagnosticsUpload = (location: string, fileName: string, data: string, cb: any) => {
      const error = u.errors.shift();
      clock.schedule(u.delayMs, () => {
        if (error) cb.onerror(error);
        else {
          u.done.push({ location, fileName, data });
          cb.ondone('{}');
        }
      });
    };
  };
}

async function online(u: Uploads | null): Promise<Rig> {
  const rig = makeStation({}, {}, u ? uploader(u) : undefined);
  rig.csms.autoAnswer.LogStatusNotification = () => ({});
  await startOnline(rig);
  return rig;
}

async function statuses(rig: Rig, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = (await rig.csms.next('LogStatusNotification', 300000))[3];
    out.push(p.status + '/' + p.requestId);
  }
  return out;
}

test('linesWithin: keeps the lines whose timestamp is within the window (either end optional)', () => {
  const lines = ['2026-11-25T10:00:00.000Z A', '2026-11-25T11:00:00.000Z B x', '2026-11-25T12:00:00.000Z C'];
  assert.equal(linesWithin(lines), lines.join('\n') + '\n');
  assert.equal(linesWithin(lines, '2026-11-25T10:30:00Z'), lines[1] + '\n' + lines[2] + '\n');
  assert.equal(linesWithin(lines, undefined, '2026-11-25T11:00:00Z'), lines[0] + '\n' + lines[1] + '\n');
  assert.equal(linesWithin(lines, '2026-11-25T13:00:00Z'), '');
});

test('SecurityLog: a file name at once, Uploading, Uploaded with the requestId; only the events within the window', async () => {
  const u: Uploads = { done: [], errors: [], delayMs: 100 };
  const rig = await online(u);
  const events = rig.station.features.security!.events;
  events.raise('TamperDetectionActivated', 'lid opened');
  const cut = new Date(clock.now() + 30000).toISOString();
  await sleep(60000);
  events.raise('MemoryExhaustion', 'heap low');
  const answer = (await rig.csms.call('GetLog', { logType: 'SecurityLog', requestId: 5, log: { remoteLocation: 'http://csms/logs/', oldestTimestamp: cut } }))[2];
  assert.equal(answer.status, 'Accepted');
  assert.match(answer.filename, /^security-log-CP-T-\d{8}T\d{6}Z\.log$/);
  assert.deepEqual(await statuses(rig, 2), ['Uploading/5', 'Uploaded/5']);
  assert.equal(u.done.length, 1);
  assert.equal(u.done[0].fileName, answer.filename);
  assert.equal(u.done[0].location, 'http://csms/logs/');
  assert.match(u.done[0].data, /^\S+Z MemoryExhaustion heap low\n$/, 'only what is newer than oldestTimestamp');
});

test('DiagnosticsLog: the station state; a failed upload is retried retryInterval later, then UploadFailure after the retries', async () => {
  const u: Uploads = { done: [], errors: ['HTTP 503'], delayMs: 100 };
  const rig = await online(u);
  const answer = (await rig.csms.call('GetLog', { logType: 'DiagnosticsLog', requestId: 6, retries: 1, retryInterval: 20, log: { remoteLocation: 'http://csms/logs' } }))[2];
  assert.match(answer.filename, /^diagnostics-log-CP-T-.*\.json$/);
  const started = clock.now();
  assert.deepEqual(await statuses(rig, 3), ['Uploading/6', 'Uploading/6', 'Uploaded/6']);
  assert.ok(clock.now() - started >= 20000, 'the retry waited retryInterval');
  const report = JSON.parse(u.done[0].data);
  assert.equal(report.station, 'CP-T');
  assert.equal(report.connectors.length, 2);

  u.errors = ['refused', 'refused'];
  await rig.csms.call('GetLog', { logType: 'DiagnosticsLog', requestId: 7, retries: 1, retryInterval: 5, log: { remoteLocation: 'http://csms/logs' } });
  assert.deepEqual(await statuses(rig, 3), ['Uploading/7', 'Uploading/7', 'UploadFailure/7']);
});

test('a GetLog during an upload: AcceptedCanceled, only the new one reports; a trigger tells Uploading with the requestId, then Idle', async () => {
  const u: Uploads = { done: [], errors: [], delayMs: 5000 };
  const rig = await online(u);
  await rig.csms.call('GetLog', { logType: 'SecurityLog', requestId: 1, log: { remoteLocation: 'http://csms/a' } });
  assert.deepEqual(await statuses(rig, 1), ['Uploading/1']);
  await rig.csms.call('ExtendedTriggerMessage', { requestedMessage: 'LogStatusNotification' });
  assert.deepEqual(await statuses(rig, 1), ['Uploading/1'], 'triggered while busy');
  assert.equal((await rig.csms.call('GetLog', { logType: 'SecurityLog', requestId: 2, log: { remoteLocation: 'http://csms/b' } }))[2].status, 'AcceptedCanceled');
  assert.deepEqual(await statuses(rig, 2), ['Uploading/2', 'Uploaded/2']);
  await sleep(10000);
  assert.equal(rig.csms.pending('LogStatusNotification').length, 0, 'the replaced upload reports nothing');
  await rig.csms.call('ExtendedTriggerMessage', { requestedMessage: 'LogStatusNotification' });
  assert.deepEqual((await rig.csms.next('LogStatusNotification'))[3], { status: 'Idle' });
});

test('a host without the upload member: Accepted, then UploadFailure', async () => {
  const rig = await online(null);
  assert.equal((await rig.csms.call('GetLog', { logType: 'SecurityLog', requestId: 9, retries: 0, log: { remoteLocation: 'http://csms/a' } }))[2].status, 'Accepted');
  assert.deepEqual(await statuses(rig, 2), ['Uploading/9', 'UploadFailure/9']);
});
