// Transactions: authorize, start, sampled and clock-aligned meter values, stop with its
// reason and transactionData; offline transactions and the queue; power loss.
import { test, assert, sleep, clock } from '../../../lib/harness';
import { makeStation, startOnline, powerCut, Rig } from '../lib/station-harness';
import { REGISTER_TICK_MS } from '../../../../src/sim/sim-hardware';

/** Wh that 11040 W (3 × 230 V × 16 A) give in `ms`. */
const energyOf = (ms: number) => (11040 * ms) / 3600000;

/** Whole Wh between two readings of a register that counted for `ms` at 11040 W (each reading rounded down). */
function assertEnergy(wh: number, ms: number): void {
  assert.ok(wh >= Math.floor(energyOf(ms)) && wh <= Math.ceil(energyOf(ms)), wh + ' Wh for ' + ms + ' ms at 11040 W');
}

function actions(frames: any[]): string[] {
  return frames.filter((f) => f[0] === 2).map((f) => f[2]);
}

async function plugAndPresent(rig: Rig, connectorId: number, idTag: string): Promise<boolean> {
  rig.hw.connector(connectorId).plugIn();
  await sleep(0);
  return rig.station.presentIdTag(connectorId, idTag);
}

test('a session: Authorize, StartTransaction with meterStart, MeterValues every MeterValueSampleInterval, StopTransaction Local', async () => {
  const rig = makeStation({ configuration: { MeterValueSampleInterval: 10, MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import,SoC' } });
  await startOnline(rig);
  rig.csms.inbox.length = 0;
  assert.ok(await plugAndPresent(rig, 1, 'TAG-1'));
  const sent = actions(rig.csms.inbox);
  assert.deepEqual(sent.filter((a) => a !== 'StatusNotification'), ['Authorize', 'StartTransaction'], 'Authorize before the start');
  const start = await rig.csms.next('StartTransaction');
  assert.equal(start[3].connectorId, 1);
  assert.equal(start[3].idTag, 'TAG-1');
  assert.equal(start[3].meterStart, 0);
  assert.equal(rig.station.connector(1)!.status, 'Charging');
  assert.ok(rig.hw.connector(1).locked(), 'cable locked');
  const t0 = clock.now();
  const mv1 = await rig.csms.next('MeterValues');
  assert.equal(clock.now() - t0, 10000);
  assert.equal(mv1[3].transactionId, 101, 'the id from StartTransaction.conf');
  const sv = mv1[3].meterValue[0].sampledValue;
  assert.deepEqual(
    sv.map((v: any) => v.measurand + '/' + v.unit + '/' + v.context),
    ['Energy.Active.Import.Register/Wh/Sample.Periodic', 'Power.Active.Import/W/Sample.Periodic', 'SoC/Percent/Sample.Periodic']
  );
  assert.equal(sv[0].value, '30', '3 × 230 V × 16 A = 11040 W for 10 s');
  assert.equal(sv[1].value, '11040');
  await rig.csms.next('MeterValues');
  await sleep(5000);
  assert.ok(await rig.station.presentIdTag(1, 'tag-1'), 'the same card stops it');
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].transactionId, 101);
  assert.equal(stop[3].reason, 'Local');
  assert.equal(stop[3].idTag, 'tag-1');
  assert.equal(stop[3].meterStop, 76, '25 s at 11040 W');
  assert.equal(stop[3].transactionData, undefined, 'StopTxnSampledData empty: no transactionData');
  assert.equal(rig.station.connector(1)!.status, 'Finishing');
  assert.ok(!rig.hw.connector(1).locked(), 'unlocked after the stop');
  rig.hw.connector(1).unplug();
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'Available');
  assert.equal(rig.station.queue.size(), 0);
});

test('StopTxnSampledData and clock-aligned data (MeterValuesAlignedData at whole intervals, StopTxnAlignedData) go into the messages', async () => {
  const rig = makeStation({
    configuration: { MeterValueSampleInterval: 0, ClockAlignedDataInterval: 900, StopTxnSampledData: 'Energy.Active.Import.Register', StopTxnAlignedData: 'Current.Import' },
  });
  await startOnline(rig);
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  await rig.csms.next('StartTransaction');
  const aligned = await rig.csms.next('MeterValues');
  assert.equal(clock.now() % 900000, 0, 'at a whole multiple of 15 minutes');
  assert.equal(aligned[3].meterValue[0].sampledValue[0].context, 'Sample.Clock');
  assert.equal(aligned[3].transactionId, 101);
  // The other connector has no transaction: its aligned value has no transactionId (sent
  // once the first is answered: one CALL at a time).
  await sleep(10);
  const idle = rig.csms.pending('MeterValues').filter((f) => f[3].connectorId === 2);
  assert.equal(idle.length, 1);
  assert.equal(idle[0][3].transactionId, undefined);
  await rig.station.presentIdTag(1, 'TAG');
  const stop = await rig.csms.next('StopTransaction');
  const data = stop[3].transactionData;
  assert.deepEqual(
    data.map((mv: any) => mv.sampledValue[0].context + ' ' + mv.sampledValue[0].measurand),
    ['Transaction.Begin Energy.Active.Import.Register', 'Sample.Clock Current.Import', 'Transaction.End Energy.Active.Import.Register']
  );
});

test('offline: a known idTag starts from the cache; the queue delivers Start, every MeterValues and Stop in order, ids mapped, after the link returns', async () => {
  const rig = makeStation({ configuration: { MeterValueSampleInterval: 30 } });
  await startOnline(rig);
  // TAG is cached as Accepted by an earlier Authorize.
  assert.ok(await plugAndPresent(rig, 2, 'TAG'));
  await rig.csms.next('StartTransaction');
  await rig.station.presentIdTag(2, 'TAG');
  await rig.csms.next('StopTransaction');
  rig.hw.connector(2).unplug();
  rig.csms.inbox.length = 0;
  rig.csms.socket.drop(1006);
  await sleep(0);
  rig.csms.autoAnswer = {};
  // Nobody answers the reconnects for a while.
  assert.ok(await plugAndPresent(rig, 1, 'TAG'), 'accepted offline from the cache (LocalAuthorizeOffline)');
  assert.ok(!(await plugAndPresent(rig, 2, 'STRANGER')), 'an unknown tag is refused offline');
  await sleep(95000); // 3 MeterValues
  await rig.station.presentIdTag(1, 'TAG');
  assert.equal(rig.station.queue.size(), 5, 'Start, 3 MeterValues, Stop queued');
  // The CSMS comes back.
  while (rig.host.socket.closed) {
    await sleep(100);
    if (!rig.host.socket.open && !rig.host.socket.closed) break;
  }
  rig.csms.answerRoutine();
  rig.csms.autoAnswer.StartTransaction = () => ({ transactionId: 555, idTagInfo: { status: 'Accepted' } });
  rig.csms.accept();
  await sleep(1000);
  const got = rig.csms.inbox.filter((f) => f[0] === 2 && f[2] !== 'StatusNotification');
  assert.deepEqual(actions(got), ['StartTransaction', 'MeterValues', 'MeterValues', 'MeterValues', 'StopTransaction']);
  for (let i = 1; i < got.length; i++) assert.equal(got[i][3].transactionId, 555, 'mapped id on ' + got[i][2]);
  const values = got.slice(1, 4).map((f) => Number(f[3].meterValue[0].sampledValue[0].value));
  assert.ok(values[0] < values[1] && values[1] < values[2], 'in order');
  assert.equal(rig.station.queue.size(), 0);
});

test('AllowOfflineTxForUnknownId lets an unknown tag charge offline; StopTransactionOnInvalidId stops it (DeAuthorized) when the CSMS says Invalid', async () => {
  const rig = makeStation({ configuration: { AllowOfflineTxForUnknownId: true } });
  await startOnline(rig);
  rig.csms.socket.drop(1006);
  await sleep(0);
  rig.csms.autoAnswer = {};
  assert.ok(await plugAndPresent(rig, 1, 'NEW-TAG'));
  assert.equal(rig.station.connector(1)!.status, 'Charging');
  while (!(rig.host.socket.open === false && rig.host.socket.closed === false)) await sleep(100);
  rig.csms.answerRoutine();
  rig.csms.autoAnswer.StartTransaction = () => ({ transactionId: 9, idTagInfo: { status: 'Invalid' } });
  rig.csms.accept();
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'DeAuthorized');
  assert.equal(stop[3].transactionId, 9);
});

test('StopTransactionOnInvalidId false: the transaction goes on with energy withheld (SuspendedEVSE) after MaxEnergyOnInvalidId', async () => {
  const rig = makeStation({ configuration: { StopTransactionOnInvalidId: false, MaxEnergyOnInvalidId: 50, MeterValueSampleInterval: 10 } });
  await startOnline(rig);
  rig.csms.autoAnswer.StartTransaction = () => ({ transactionId: 3, idTagInfo: { status: 'Blocked' } });
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  await rig.csms.next('StartTransaction');
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'Charging', 'still charging below the limit');
  await sleep(25000); // the sample at 20 s reads 61 Wh
  assert.equal(rig.station.connector(1)!.status, 'SuspendedEVSE');
  assert.ok(!rig.hw.connector(1).relayClosed());
});

test('EV-side disconnect: StopTransactionOnEVSideDisconnect stops (EVDisconnected); when false the transaction is suspended (SuspendedEV)', async () => {
  const rig = makeStation();
  await startOnline(rig);
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  await rig.csms.next('StartTransaction');
  rig.hw.connector(1).setLock(false); // a cable the EV side pulls out
  rig.hw.connector(1).unplug();
  const stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'EVDisconnected');
  assert.equal(rig.station.connector(1)!.status, 'Available');

  await rig.csms.call('ChangeConfiguration', { key: 'StopTransactionOnEVSideDisconnect', value: 'false' });
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  await rig.csms.next('StartTransaction');
  rig.hw.connector(1).setLock(false);
  rig.hw.connector(1).unplug();
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'SuspendedEV');
  assert.ok(rig.station.connector(1)!.transaction, 'transaction kept');
  rig.hw.connector(1).plugIn();
  await sleep(0);
  assert.equal(rig.station.connector(1)!.status, 'Charging', 'the EV came back');
});

test('power loss mid-transaction: the next boot stops it with reason PowerLoss and delivers the stop, with the id mapped before the loss', async () => {
  const rig = makeStation({ configuration: { MeterValueSampleInterval: 60 } });
  await startOnline(rig);
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  await rig.csms.next('StartTransaction');
  await sleep(120000);
  const again = makeStation({ configuration: { MeterValueSampleInterval: 60 } }, powerCut(rig));
  await startOnline(again);
  const stop = await again.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'PowerLoss');
  assert.equal(stop[3].transactionId, 101);
  // 120 s at 11040 W = 368 Wh; stored every tick, so a power cut loses at most one tick.
  assert.ok(stop[3].meterStop >= Math.floor(energyOf(120000 - REGISTER_TICK_MS)) && stop[3].meterStop <= 368, 'meterStop from the stored meter register, which survived: ' + stop[3].meterStop);
  assert.equal(again.station.connector(1)!.transaction, null);
});

test('power loss while offline mid-transaction: after the reboot Start, MeterValues and Stop (PowerLoss) all arrive, in order, with the real id', async () => {
  const rig = makeStation({ configuration: { MeterValueSampleInterval: 60, AllowOfflineTxForUnknownId: true } });
  await startOnline(rig);
  rig.csms.socket.drop(1006);
  await sleep(0);
  rig.csms.autoAnswer = {};
  assert.ok(await plugAndPresent(rig, 1, 'OFFLINE'));
  await sleep(130000);
  const again = makeStation({ configuration: { MeterValueSampleInterval: 60 } }, powerCut(rig));
  again.csms.answerRoutine();
  again.csms.autoAnswer.StartTransaction = () => ({ transactionId: 77, idTagInfo: { status: 'Accepted' } });
  await startOnline(again);
  await sleep(1000);
  const got = again.csms.inbox.filter((f) => f[0] === 2 && /Transaction|MeterValues/.test(f[2]));
  assert.deepEqual(actions(got), ['StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction']);
  assert.equal(got[3][3].reason, 'PowerLoss');
  assert.equal(got[1][3].transactionId, 77);
  assert.equal(got[3][3].transactionId, 77);
});

test('MeterValueSampleInterval and ClockAlignedDataInterval changed by the CSMS take effect at once, mid-transaction', async () => {
  const rig = makeStation({ configuration: { MeterValueSampleInterval: 60 } });
  await startOnline(rig);
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  await rig.csms.next('StartTransaction');
  await sleep(1000);
  assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '10' }))[2], { status: 'Accepted' });
  const t0 = clock.now();
  const mv = await rig.csms.next('MeterValues');
  assert.equal(clock.now() - t0, 10000, 'the next sample after the new interval');
  assert.equal(mv[3].meterValue[0].sampledValue[0].context, 'Sample.Periodic');
  await rig.csms.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '0' });
  await rig.csms.call('ChangeConfiguration', { key: 'ClockAlignedDataInterval', value: '300' });
  rig.csms.inbox.length = 0;
  await sleep(600000);
  const sent = rig.csms.pending('MeterValues').filter((f) => f[3].connectorId === 1);
  assert.equal(sent.length, 2, 'only the clock-aligned ones, every 5 minutes');
  for (const f of sent) assert.equal(f[3].meterValue[0].sampledValue[0].context, 'Sample.Clock');
});


test('after any reboot the StopTransaction carries the stored register, never less than meterStart: PowerLoss, HardReset, SoftReset', async () => {
  // Nobody reads the meter while charging (no sampling): the register must count and be stored by itself.
  const config = { configuration: { MeterValueSampleInterval: 0 } };
  const meters = { 'sim-meters.json': '[1000.25,0]' };

  // A power cut 4.5 s into the transaction: the register stored at the last tick (4 s).
  let rig = makeStation(config, meters);
  await startOnline(rig);
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  assert.equal((await rig.csms.next('StartTransaction'))[3].meterStart, 1000);
  await sleep(4500);
  const files = powerCut(rig);
  const stored = JSON.parse(files['sim-meters.json'])[0];
  assert.ok(stored >= 1000.25 + energyOf(4500 - REGISTER_TICK_MS), 'at most one tick lost: ' + stored);
  rig = makeStation(config, files);
  await startOnline(rig);
  let stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'PowerLoss');
  assert.equal(stop[3].meterStop, Math.floor(stored), 'the last stored register');
  assert.ok(stop[3].meterStop > 1000, 'energy counted');

  // Reset Hard 4.5 s in: the contactor opens as the controller restarts, so nothing is lost.
  assert.ok(await plugAndPresent(rig, 2, 'TAG'));
  const start = await rig.csms.next('StartTransaction');
  await sleep(4500);
  assert.equal((await rig.csms.call('Reset', { type: 'Hard' }))[2].status, 'Accepted');
  await sleep(0);
  rig = makeStation(config, powerCut(rig));
  await startOnline(rig);
  stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'HardReset');
  assertEnergy(stop[3].meterStop - start[3].meterStart, 4500);

  // Reset Soft: the stop before the restart reads the meter.
  assert.ok(await plugAndPresent(rig, 2, 'TAG'));
  const softStart = await rig.csms.next('StartTransaction');
  await sleep(4500);
  await rig.csms.call('Reset', { type: 'Soft' });
  stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].reason, 'SoftReset');
  assertEnergy(stop[3].meterStop - softStart[3].meterStart, 4500);

  // The register file lost (a replaced meter): the stop does not go below meterStart.
  rig = makeStation(config, powerCut(rig));
  await startOnline(rig);
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  const lostStart = await rig.csms.next('StartTransaction');
  await sleep(4500);
  const lost = powerCut(rig);
  delete lost['sim-meters.json'];
  rig = makeStation(config, lost);
  await startOnline(rig);
  stop = await rig.csms.next('StopTransaction');
  assert.equal(stop[3].meterStop, lostStart[3].meterStart, 'never less than meterStart');
});

test('after a reboot the interrupted StopTransaction goes right after the BootNotification, before the StatusNotifications of every connector', async () => {
  const config = { connectors: 8, configuration: { MeterValueSampleInterval: 0 } };
  const rig = makeStation(config);
  await startOnline(rig);
  assert.ok(await plugAndPresent(rig, 8, 'TAG'));
  await rig.csms.next('StartTransaction');
  await sleep(10000);
  const again = makeStation(config, powerCut(rig));
  await startOnline(again);
  await sleep(1000);
  const sent = actions(again.csms.inbox);
  assert.deepEqual(sent.slice(0, 2), ['StopTransaction', 'StatusNotification'], 'the stop first: ' + sent.join(' '));
  assert.equal(sent.filter((a) => a === 'StatusNotification').length, 9, 'then connectors 0-8');
});

test('Power.Offered (offered current × voltage × phases) in the four measurand lists', async () => {
  const rig = makeStation({ configuration: { MeterValueSampleInterval: 10 } });
  await startOnline(rig);
  for (const key of ['MeterValuesSampledData', 'MeterValuesAlignedData', 'StopTxnSampledData', 'StopTxnAlignedData']) {
    assert.deepEqual((await rig.csms.call('ChangeConfiguration', { key, value: 'Power.Offered,Current.Offered' }))[2], { status: 'Accepted' }, key);
  }
  assert.ok(await plugAndPresent(rig, 1, 'TAG'));
  await rig.csms.next('StartTransaction');
  const sample = (await rig.csms.next('MeterValues'))[3].meterValue[0].sampledValue;
  assert.deepEqual(sample.map((v: any) => v.measurand + '=' + v.value + ' ' + v.unit), ['Power.Offered=22080 W', 'Current.Offered=32 A'], '32 A × 230 V × 3 phases');
  rig.hw.connector(1).setCurrentLimit(10);
  await rig.station.presentIdTag(1, 'TAG');
  const data = (await rig.csms.next('StopTransaction'))[3].transactionData;
  const end = data[data.length - 1].sampledValue;
  assert.equal(end[0].measurand, 'Power.Offered');
  assert.equal(end[0].value, '6900', '10 A × 230 V × 3 phases');
  assert.equal(end[0].context, 'Transaction.End');
});
