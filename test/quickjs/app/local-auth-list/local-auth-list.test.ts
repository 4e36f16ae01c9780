// Local Auth List Management through the station: GetLocalListVersion, SendLocalList Full
// and Differential (VersionMismatch, Failed, NotSupported), persistence, and the list
// deciding offline (LocalAuthorizeOffline) and online (LocalPreAuthorize).
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline, Rig } from '../lib/station-harness';

async function send(rig: Rig, listVersion: number, updateType: string, list: any[]): Promise<string> {
  return (await rig.csms.call('SendLocalList', { listVersion, updateType, localAuthorizationList: list }))[2].status;
}

async function version(rig: Rig): Promise<number> {
  return (await rig.csms.call('GetLocalListVersion', {}))[2].listVersion;
}

async function goOffline(rig: Rig): Promise<void> {
  rig.csms.socket.drop(1006);
  await sleep(0);
  rig.csms.autoAnswer = {};
}

const accepted = { status: 'Accepted' };

test('SendLocalList Full then Differential: versions, VersionMismatch, removal; the list survives a reboot', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.equal(await version(rig), 0, 'no list yet');
  assert.equal(await send(rig, 3, 'Full', [{ idTag: 'A', idTagInfo: accepted }, { idTag: 'B', idTagInfo: { status: 'Blocked' } }]), 'Accepted');
  assert.equal(await version(rig), 3);
  assert.equal(await send(rig, 3, 'Differential', [{ idTag: 'C', idTagInfo: accepted }]), 'VersionMismatch', 'not newer');
  assert.equal(rig.station.features.localList!.lookup('C'), null, 'nothing changed');
  assert.equal(await send(rig, 4, 'Differential', [{ idTag: 'C', idTagInfo: accepted }, { idTag: 'b' }]), 'Accepted');
  assert.equal(await version(rig), 4);
  assert.equal(rig.station.features.localList!.lookup('B'), null, 'no idTagInfo: removed (case-insensitively)');
  assert.deepEqual(rig.station.features.localList!.lookup('c'), accepted);
  assert.equal(rig.station.features.localList!.size(), 2);
  rig.station.stop();
  const next = makeStation({}, rig.host.files);
  await startOnline(next);
  assert.equal(await version(next), 4);
  assert.deepEqual(next.station.features.localList!.lookup('A'), accepted);
  assert.equal(await send(next, 2, 'Full', [{ idTag: 'A', idTagInfo: accepted }]), 'Accepted', 'a Full update may go back to any version');
  assert.equal(await version(next), 2);
  assert.equal(await send(next, 7, 'Full', []), 'Accepted');
  assert.equal(next.station.features.localList!.size(), 0);
  assert.equal(await version(next), 0, 'section 5.10: 0 SHALL indicate an empty list, whatever version emptied it');
  assert.equal(await send(next, 1, 'Differential', [{ idTag: 'D', idTagInfo: accepted }]), 'Accepted', 'any version is newer than an empty list');
  assert.equal(await version(next), 1);
  assert.equal(await send(next, 2, 'Differential', [{ idTag: 'D' }]), 'Accepted');
  assert.equal(await version(next), 0, 'the last entry removed: empty');
  next.station.stop();
  const third = makeStation({}, next.host.files);
  await startOnline(third);
  assert.equal(await version(third), 0, 'also after a reboot');
});

test('Failed beyond SendLocalListMaxLength or LocalAuthListMaxLength (and nothing changes); LocalAuthListEnabled false: NotSupported, version -1', async () => {
  const rig = makeStation({ configuration: { SendLocalListMaxLength: 3, LocalAuthListMaxLength: 4 } });
  await startOnline(rig);
  const tags = (names: string[]) => names.map((n) => ({ idTag: n, idTagInfo: accepted }));
  assert.equal(await send(rig, 1, 'Full', tags(['A', 'B', 'C', 'D'])), 'Failed', 'four in one message, SendLocalListMaxLength 3');
  assert.equal(await send(rig, 1, 'Full', tags(['A', 'B', 'C'])), 'Accepted');
  assert.equal(await send(rig, 2, 'Differential', tags(['D', 'E'])), 'Failed', 'five in the list, LocalAuthListMaxLength 4');
  assert.equal(await version(rig), 1);
  assert.equal(rig.station.features.localList!.lookup('D'), null);
  assert.equal(await send(rig, 2, 'Differential', [{ idTag: 'A' }, { idTag: 'D', idTagInfo: accepted }, { idTag: 'E', idTagInfo: accepted }]), 'Accepted', 'one out, two in: four');
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'LocalAuthListEnabled', value: 'false' }))[2], { status: 'Accepted' });
  assert.equal(await version(rig), -1);
  assert.equal(await send(rig, 3, 'Full', tags(['A'])), 'NotSupported');
  assert.equal(rig.station.features.localList!.lookup('B'), null, 'a disabled list decides nothing');
});

test('offline (LocalAuthorizeOffline): the list decides before the cache — Accepted starts, Blocked and expired entries do not', async () => {
  const rig = makeStation();
  await startOnline(rig);
  await send(rig, 1, 'Full', [
    { idTag: 'LISTED', idTagInfo: accepted },
    { idTag: 'BLOCKED', idTagInfo: { status: 'Blocked' } },
    { idTag: 'OLD', idTagInfo: { status: 'Accepted', expiryDate: new Date(clock.now() + 60000).toISOString() } },
  ]);
  rig.station.cache.update('BLOCKED', { status: 'Accepted' }); // the list wins over the cache
  await goOffline(rig);
  await sleep(61000);
  assert.equal(await rig.station.presentIdTag(1, 'BLOCKED'), false);
  assert.equal(await rig.station.presentIdTag(1, 'OLD'), false, 'expired');
  assert.equal(await rig.station.presentIdTag(1, 'STRANGER'), false, 'unknown, AllowOfflineTxForUnknownId false');
  assert.equal(await rig.station.presentIdTag(1, 'listed'), true);
  assert.equal(rig.station.connector(1)!.awaitingCable, 'listed');
});

test('online with LocalPreAuthorize a listed Accepted tag starts without Authorize; a listed tag is never cached', async () => {
  const rig = makeStation({ configuration: { LocalPreAuthorize: true } });
  await startOnline(rig);
  await send(rig, 1, 'Full', [{ idTag: 'LISTED', idTagInfo: accepted }, { idTag: 'BLOCKED', idTagInfo: { status: 'Blocked' } }]);
  rig.csms.inbox.length = 0;
  assert.equal(await rig.station.presentIdTag(1, 'LISTED'), true);
  assert.equal(rig.csms.pending('Authorize').length, 0);
  assert.equal(await rig.station.presentIdTag(2, 'BLOCKED'), true, 'not Accepted in the list: the CSMS is asked, and it accepts');
  assert.equal((await rig.csms.next('Authorize'))[3].idTag, 'BLOCKED');
  assert.equal(rig.station.cache.size(), 0, 'listed tags stay out of the cache');
});
