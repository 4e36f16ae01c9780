// Authorization at the station (sections 3.5, 4.2 Authorize): the cache, LocalPreAuthorize,
// LocalAuthorizeOffline, AllowOfflineTxForUnknownId, AuthorizationCacheEnabled, groups.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline, Rig } from '../lib/station-harness';

/** Drops the link and lets nobody answer the reconnects: the station is offline. */
async function goOffline(rig: Rig): Promise<void> {
  rig.csms.socket.drop(1006);
  await sleep(0);
  rig.csms.autoAnswer = {};
}

test('LocalPreAuthorize: a tag the cache holds as Accepted starts at once, without Authorize; otherwise the CSMS is asked', async () => {
  const rig = makeStation({ configuration: { LocalPreAuthorize: true } });
  await startOnline(rig);
  rig.station.cache.update('KNOWN', { status: 'Accepted' });
  rig.station.cache.update('OLD', { status: 'Accepted', expiryDate: new Date(clock.now() - 1000).toISOString() });
  rig.csms.inbox.length = 0;
  assert.ok(await rig.station.presentIdTag(1, 'KNOWN'));
  assert.equal(rig.csms.pending('Authorize').length, 0, 'no Authorize for a cached Accepted tag');
  assert.equal(rig.station.connector(1)!.status, 'Preparing');
  assert.ok(await rig.station.presentIdTag(2, 'OLD'));
  assert.equal(rig.csms.pending('Authorize').length, 1, 'an expired entry is asked about');
  await rig.csms.call('ChangeConfiguration', { key: 'LocalPreAuthorize', value: 'false' });
  rig.csms.inbox.length = 0;
  rig.station.connector(1)!.cancelAuthorization();
  assert.ok(await rig.station.presentIdTag(1, 'KNOWN'));
  assert.equal(rig.csms.pending('Authorize').length, 1, 'LocalPreAuthorize false: always asked');
});

test('the cache learns from Authorize and StartTransaction answers; an Invalid tag is refused offline even with AllowOfflineTxForUnknownId', async () => {
  const rig = makeStation({ configuration: { AllowOfflineTxForUnknownId: true } });
  await startOnline(rig);
  rig.csms.autoAnswer.Authorize = (p) => ({ idTagInfo: { status: p.idTag === 'BAD' ? 'Invalid' : 'Accepted' } });
  assert.ok(!(await rig.station.presentIdTag(1, 'BAD')), 'Invalid: not started');
  assert.equal(rig.station.connector(1)!.status, 'Available');
  assert.equal(rig.station.cache.lookup('BAD', clock.now())!.status, 'Invalid');
  rig.csms.autoAnswer.StartTransaction = () => ({ transactionId: 5, idTagInfo: { status: 'Accepted', expiryDate: '2099-01-01T00:00:00.000Z' } });
  rig.hw.connector(2).plugIn();
  await sleep(0);
  assert.ok(await rig.station.presentIdTag(2, 'GOOD'));
  await rig.csms.next('StartTransaction');
  await sleep(0);
  assert.equal(rig.station.cache.lookup('GOOD', clock.now())!.expiryDate, '2099-01-01T00:00:00.000Z', 'StartTransaction.conf updated the entry');
  await goOffline(rig);
  assert.ok(!(await rig.station.presentIdTag(1, 'BAD')), 'the cached Invalid decides, not AllowOfflineTxForUnknownId');
  assert.ok(await rig.station.presentIdTag(1, 'NEVER-SEEN'), 'an unknown tag is let in');
});

test('LocalAuthorizeOffline false: offline, even a cached Accepted tag is refused (unknown ones only with AllowOfflineTxForUnknownId)', async () => {
  const rig = makeStation({ configuration: { LocalAuthorizeOffline: false } });
  await startOnline(rig);
  assert.ok(await rig.station.presentIdTag(1, 'TAG'));
  assert.ok(rig.station.cache.lookup('TAG', clock.now()), 'cached by the Authorize');
  rig.station.connector(1)!.cancelAuthorization();
  await goOffline(rig);
  assert.ok(!(await rig.station.presentIdTag(1, 'TAG')));
  assert.equal(rig.station.connector(1)!.status, 'Available');
  rig.station.config.change('AllowOfflineTxForUnknownId', 'true');
  assert.ok(await rig.station.presentIdTag(1, 'TAG'), 'now every tag is let in offline');
});

test('AuthorizationCacheEnabled false: nothing is cached, the cache is emptied, offline only AllowOfflineTxForUnknownId decides', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.ok(await rig.station.presentIdTag(1, 'TAG'));
  assert.equal(rig.station.cache.size(), 1);
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'AuthorizationCacheEnabled', value: 'false' }))[2], { status: 'Accepted' });
  assert.equal(rig.station.cache.size(), 0, 'emptied');
  assert.equal(rig.host.files['authorization-cache.json'], undefined);
  assert.ok(await rig.station.presentIdTag(2, 'OTHER'));
  assert.equal(rig.station.cache.size(), 0, 'an Authorize answer is not cached');
  rig.station.connector(1)!.cancelAuthorization();
  rig.station.connector(2)!.cancelAuthorization();
  rig.station.cache.update('TAG', { status: 'Accepted' }); // as if it were left over
  await goOffline(rig);
  assert.ok(!(await rig.station.presentIdTag(1, 'TAG')), 'the cache is not consulted');
});

test('no answer to Authorize (the link stays up): decided as offline', async () => {
  const rig = makeStation();
  await startOnline(rig);
  rig.station.cache.update('CACHED', { status: 'Accepted' });
  delete rig.csms.autoAnswer.Authorize;
  const t0 = clock.now();
  assert.ok(await rig.station.presentIdTag(1, 'CACHED'), 'accepted from the cache after the timeout');
  assert.ok(clock.now() - t0 >= 29000, 'after the response timeout');
  assert.ok(!(await rig.station.presentIdTag(2, 'UNKNOWN')));
});

test('a card of the same group (parentIdTag) stops the transaction; a card of another group does not', async () => {
  const rig = makeStation();
  await startOnline(rig);
  const groups: { [tag: string]: string } = { ALICE: 'FAMILY', BOB: 'FAMILY', EVE: 'OTHER' };
  rig.csms.autoAnswer.Authorize = (p) => ({ idTagInfo: { status: 'Accepted', parentIdTag: groups[p.idTag] } });
  rig.hw.connector(1).plugIn();
  await sleep(0);
  assert.ok(await rig.station.presentIdTag(1, 'ALICE'));
  await rig.csms.next('StartTransaction');
  assert.ok(!(await rig.station.presentIdTag(1, 'EVE')), 'another group');
  assert.ok(rig.station.connector(1)!.transaction);
  assert.ok(await rig.station.presentIdTag(1, 'BOB'));
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].idTag, 'BOB');
  assert.equal(stop[3].reason, 'Local');
});
