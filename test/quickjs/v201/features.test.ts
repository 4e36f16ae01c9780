// The 2.0.1 station built with features of its own (bootStation201's `features`, what the
// build's --features cuts the built-in list down to): the core alone (the session, the device
// model, provisioning, availability and the transactions) accepts every idToken and answers
// the left-out blocks' actions NotSupported; with the authorization its authorizer is the
// transactions'.
import { test, assert, sleep, clock } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { createHal } from '../../../hal/index';
import { simHardwareFor, SimHardware } from '../../../src/sim/sim-hardware';
import { bootStation201, STATION_201_SETTINGS } from '../../../src/boot-station-201';
import { StationFeature201 } from '../../../src/v201/feature';
import { authorizationFeature } from '../../../src/v201/authorization/feature';
import { TransactionsFeature } from '../../../src/v201/transactions/transactions';
import { FakeCsms } from '../app/lib/station-harness';

async function boot(features: StationFeature201[]) {
  const host = new FakeHost({ config: { url: 'ws://csms/ocpp', id: 'CP-FEAT', connectors: 2 } });
  const csms = new FakeCsms(host, 'ocpp2.0.1');
  const now = () => new Date(clock.now()).toISOString();
  csms.autoAnswer.BootNotification = () => ({ status: 'Accepted', currentTime: now(), interval: 300 });
  csms.autoAnswer.StatusNotification = () => ({});
  csms.autoAnswer.TransactionEvent = () => ({});
  csms.autoAnswer.Authorize = () => ({ idTokenInfo: { status: 'Accepted' } });
  host.onConnect = () => csms.accept();
  let hw: SimHardware | null = null;
  let transactions: TransactionsFeature | null = null;
  const station = (await bootStation201(createHal(host), {
    settings: STATION_201_SETTINGS,
    hardware: (h) => (hw = simHardwareFor(h)),
    features,
    attach: (_s, t) => (transactions = t),
  }))!;
  await csms.next('BootNotification');
  await sleep(100);
  return { csms, hw: hw! as SimHardware, transactions: transactions! as TransactionsFeature, stop: () => (station.stop(), hw!.stop()) };
}

const variable = (component: string, name: string) => ({ component: { name: component }, variable: { name } });

test('the core alone: the left-out blocks have no variables and their actions answer NotSupported; a card charges without an Authorize', async () => {
  const features: StationFeature201[] = [];
  const rig = await boot(features);
  const got = await rig.csms.call('GetVariables', { getVariableData: [variable('AuthCtrlr', 'Enabled'), variable('TxCtrlr', 'EVConnectionTimeOut'), variable('SampledDataCtrlr', 'TxUpdatedInterval')] });
  assert.deepEqual(got[2].getVariableResult.map((r: any) => r.attributeStatus), ['UnknownComponent', 'Accepted', 'UnknownComponent']);
  for (const [action, payload] of [
    ['RequestStartTransaction', { idToken: { idToken: 'R', type: 'Central' }, remoteStartId: 1 }],
    ['GetLocalListVersion', {}],
    ['GetInstalledCertificateIds', {}],
    ['UpdateFirmware', { requestId: 1, firmware: { location: 'http://x/fw', retrieveDateTime: new Date(clock.now()).toISOString() } }],
    ['GetLog', { logType: 'DiagnosticsLog', requestId: 1, log: { remoteLocation: 'http://x/up' } }],
    ['DataTransfer', { vendorId: 'v' }],
  ] as Array<[string, object]>) {
    const answer = await rig.csms.call(action, payload);
    assert.deepEqual([answer[0], answer[2]], [4, 'NotSupported'], action);
  }
  rig.transactions.present(1, { idToken: 'CARD-1', type: 'ISO14443' });
  rig.hw.connector(1).plugIn();
  const started = await rig.csms.next('TransactionEvent');
  assert.equal(started[3].eventType, 'Started');
  assert.deepEqual(started[3].idToken, { idToken: 'CARD-1', type: 'ISO14443' });
  assert.equal(started[3].meterValue, undefined, 'no SampledDataCtrlr: no meter data (meter-values left out)');
  assert.equal(rig.csms.pending('Authorize').length, 0, 'no authorization: every idToken is accepted');
  assert.equal(features.length, 0);
  rig.stop();
});

test('with the authorization: the transactions ask it (Authorize), the list it was given stays as it was', async () => {
  const features = [authorizationFeature];
  const rig = await boot(features);
  const got = await rig.csms.call('GetVariables', { getVariableData: [variable('AuthCtrlr', 'Enabled'), variable('LocalAuthListCtrlr', 'Enabled')] });
  assert.deepEqual(got[2].getVariableResult.map((r: any) => r.attributeStatus), ['Accepted', 'UnknownComponent']);
  rig.transactions.present(1, { idToken: 'CARD-2', type: 'ISO14443' });
  const authorize = await rig.csms.next('Authorize');
  assert.deepEqual(authorize[3].idToken, { idToken: 'CARD-2', type: 'ISO14443' });
  rig.hw.connector(1).plugIn();
  assert.equal((await rig.csms.next('TransactionEvent'))[3].eventType, 'Started');
  assert.deepEqual(features, [authorizationFeature], "the entry's list is not emptied");
  rig.stop();
});
