// OCPP 2.0.1 blocks C (authorization: Authorize, the cache, the offline rules, ClearCache,
// GroupId) and D (the local list: SendLocalList Full / Differential, GetLocalListVersion,
// kept across a reboot).
import { test, assert, sleep } from '../../lib/harness';
import { FakeStation } from './lib/fake-station';
import { installAuthorization } from '../../../src/v201/authorization/authorization';
import { installLocalAuthList } from '../../../src/v201/local-auth-list/local-auth-list';
import { Authorizer } from '../../../src/v201/transactions/transactions';
import { IdToken } from '../../../src/ocpp/v201/generated/types';

const A: IdToken = { idToken: 'CARD-A', type: 'ISO14443' };
const B: IdToken = { idToken: 'CARD-B', type: 'ISO14443' };

function build(files: { [name: string]: string } = {}): { station: FakeStation; auth: Authorizer } {
  const station = new FakeStation({ files });
  const auth = installAuthorization(station, installLocalAuthList(station));
  return { station, auth };
}

const authorizes = (station: FakeStation) => station.sent.filter((c) => c.action === 'Authorize').length;

test('online: Authorize asks the CSMS and the answer is cached; offline the cached Accepted authorizes (LocalAuthorizeOffline), an unknown id does not (C10, C12, C15)', async () => {
  const { station, auth } = build();
  station.answer = (action, p) => (action === 'Authorize' ? { idTokenInfo: { status: p.idToken.idToken === 'CARD-A' ? 'Accepted' : 'Blocked', groupIdToken: { idToken: 'FLEET', type: 'Central' } } } : {});
  assert.equal((await auth.authorize(A, 1)).status, 'Accepted');
  assert.equal((await auth.authorize(B, 1)).status, 'Blocked');
  assert.equal(authorizes(station), 2);
  assert.equal((await auth.authorize(A, 1)).status, 'Accepted');
  assert.equal(authorizes(station), 3, 'online without LocalPreAuthorize the CSMS is asked every time');
  station.up = false;
  assert.equal((await auth.authorize(A, 1)).status, 'Accepted', 'offline: the cache');
  assert.equal((await auth.authorize(B, 1)).status, 'Blocked', 'offline: a cached non-Accepted stays refused');
  assert.equal((await auth.authorize({ idToken: 'NEW', type: 'ISO14443' }, 1)).status, 'Unknown');
  station.model.put('AuthCtrlr/OfflineTxForUnknownIdEnabled', 'true');
  assert.equal((await auth.authorize({ idToken: 'NEW', type: 'ISO14443' }, 1)).status, 'Accepted', 'C15: unknown ids offline');
  station.model.put('AuthCtrlr/LocalAuthorizeOffline', 'false');
  assert.notEqual((await auth.authorize(A, 1)).status, 'Accepted', 'without LocalAuthorizeOffline the cache does not authorize offline');
  assert.equal(auth.groupOf({ idToken: 'card-a', type: 'ISO14443' }), 'FLEET', 'the group of a cached token (case-insensitive)');
  assert.equal(authorizes(station), 3, 'nothing asked while offline');
});

test('LocalPreAuthorize: a cached Accepted token starts without asking; the cache survives a reboot; LifeTime and cacheExpiryDateTime end an entry; ClearCache (C11)', async () => {
  const files: { [name: string]: string } = {};
  let { station, auth } = build(files);
  station.answer = () => ({ idTokenInfo: { status: 'Accepted', cacheExpiryDateTime: new Date(station.hal.now() + 3600000).toISOString() } });
  await auth.authorize(A, 1);
  ({ station, auth } = build(files));
  station.model.put('AuthCtrlr/LocalPreAuthorize', 'true');
  assert.equal((await auth.authorize(A, 1)).status, 'Accepted');
  assert.equal(authorizes(station), 0, 'from the cache kept across the reboot');
  await sleep(3600000);
  await auth.authorize(A, 1);
  assert.equal(authorizes(station), 1, 'past cacheExpiryDateTime the CSMS is asked again');
  station.model.put('AuthCacheCtrlr/LifeTime', '60');
  await sleep(61000);
  await auth.authorize(A, 1);
  assert.equal(authorizes(station), 2, 'unused for LifeTime: gone');
  assert.deepEqual(station.request('ClearCache', {}), { status: 'Accepted' });
  station.up = false;
  assert.equal((await auth.authorize(A, 1)).status, 'Unknown', 'cleared');
  station.model.put('AuthCacheCtrlr/Enabled', 'false');
  assert.deepEqual(station.request('ClearCache', {}), { status: 'Rejected' }, 'no cache enabled');
});

test('an Authorize without an answer (the link went) is decided as offline', async () => {
  const { station, auth } = build();
  station.holdAnswers = true;
  const pending = auth.authorize(A, 1);
  station.linkDown();
  assert.equal((await pending).status, 'Unknown');
});

test('the local list: Full and Differential updates, removals, VersionMismatch, GetLocalListVersion, kept across a reboot, offline authorization from it (D01, D02, C13)', async () => {
  const files: { [name: string]: string } = {};
  let { station, auth } = build(files);
  assert.deepEqual(station.request('GetLocalListVersion', {}), { versionNumber: 0 }, 'D02.FR.02: none yet');
  const accepted = { status: 'Accepted' as const };
  assert.deepEqual(station.request('SendLocalList', { versionNumber: 3, updateType: 'Full', localAuthorizationList: [{ idToken: A, idTokenInfo: accepted }, { idToken: B, idTokenInfo: { status: 'Blocked' } }] }), { status: 'Accepted' });
  assert.equal(station.model.get('LocalAuthListCtrlr/Entries'), '2');
  assert.deepEqual(station.request('SendLocalList', { versionNumber: 3, updateType: 'Differential', localAuthorizationList: [] }), { status: 'VersionMismatch' }, 'D01.FR.19');
  assert.deepEqual(station.request('SendLocalList', { versionNumber: 4, updateType: 'Differential', localAuthorizationList: [{ idToken: B }, { idToken: { idToken: 'CARD-C', type: 'ISO14443' }, idTokenInfo: accepted }] }), { status: 'Accepted' });
  assert.equal(station.model.get('LocalAuthListCtrlr/Entries'), '2', 'B removed (D01.FR.17), C added');
  ({ station, auth } = build(files));
  assert.deepEqual(station.request('GetLocalListVersion', {}), { versionNumber: 4 }, 'kept across a reboot (D01.FR.10)');
  station.up = false;
  assert.equal((await auth.authorize({ idToken: 'card-c', type: 'ISO14443' }, 1)).status, 'Accepted', 'C13: offline from the list');
  assert.equal((await auth.authorize(B, 1)).status, 'Unknown', 'removed');
  station.up = true;
  station.model.put('AuthCtrlr/LocalPreAuthorize', 'true');
  assert.equal((await auth.authorize(A, 1)).status, 'Accepted');
  assert.equal(authorizes(station), 0, 'C14: online from the list with LocalPreAuthorize');
  assert.deepEqual(station.request('SendLocalList', { versionNumber: 5, updateType: 'Full' }), { status: 'Accepted' }, 'D01.FR.04: a Full without a list empties it');
  assert.equal(station.model.get('LocalAuthListCtrlr/Entries'), '0');
  assert.deepEqual(station.request('GetLocalListVersion', {}), { versionNumber: 5 }, 'the version is taken');
  station.model.put('LocalAuthListCtrlr/Enabled', 'false');
  assert.deepEqual(station.request('GetLocalListVersion', {}), { versionNumber: 0 }, 'D02.FR.03');
  assert.deepEqual(station.request('SendLocalList', { versionNumber: 6, updateType: 'Full' }), { status: 'Failed' });
});

test('a SendLocalList with more entries than ItemsPerMessage fails and changes nothing', () => {
  const { station } = build();
  const list = [];
  for (let i = 0; i < 51; i++) list.push({ idToken: { idToken: 'T' + i, type: 'ISO14443' as const }, idTokenInfo: { status: 'Accepted' as const } });
  assert.deepEqual(station.request('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: list }), { status: 'Failed' });
  assert.deepEqual(station.request('GetLocalListVersion', {}), { versionNumber: 0 });
});
