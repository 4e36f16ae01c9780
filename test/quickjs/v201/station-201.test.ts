// The whole 2.0.1 station (bootStation201, the firmware's composition) on the fake host, with
// the test as the CSMS: provisioning and availability together with a real transaction
// (Reset OnIdle and ChangeAvailability while it runs: Scheduled, then what was asked once
// it has ended).
import { test, assert, sleep, clock } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { createHal } from '../../../hal/index';
import { simHardwareFor, SimHardware } from '../../../src/sim/sim-hardware';
import { bootStation201, STATION_201_SETTINGS } from '../../../src/boot-station-201';
import { FakeCsms } from '../app/lib/station-harness';

const now = () => new Date(clock.now()).toISOString();

async function boot(files: { [name: string]: string } = {}) {
  const host = new FakeHost({ config: { url: 'ws://csms/ocpp', id: 'CP-FULL', connectors: 2 }, files });
  const hal = createHal(host);
  const csms = new FakeCsms(host, 'ocpp2.0.1');
  const answers: { [action: string]: (p: any) => any } = {
    BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 300 }),
    Heartbeat: () => ({ currentTime: now() }),
    StatusNotification: () => ({}),
    NotifyReport: () => ({}),
    Authorize: () => ({ idTokenInfo: { status: 'Accepted' } }),
    TransactionEvent: () => ({}),
    MeterValues: () => ({}),
  };
  for (const a in answers) csms.autoAnswer[a] = answers[a];
  host.onConnect = () => csms.accept();
  let hw: SimHardware | null = null;
  const station = (await bootStation201(hal, { settings: STATION_201_SETTINGS, hardware: (h) => (hw = simHardwareFor(h)) }))!;
  return { host, hal, csms, station, hw: hw! as SimHardware };
}

type Rig = Awaited<ReturnType<typeof boot>>;

const statuses = (csms: FakeCsms) => csms.pending('StatusNotification').map((f) => f[3].evseId + ':' + f[3].connectorStatus);

async function startTransaction(rig: Rig): Promise<string> {
  const r = await rig.csms.call('RequestStartTransaction', { idToken: { idToken: 'REMOTE-1', type: 'Central' }, remoteStartId: 5, evseId: 1 });
  assert.deepEqual(r[2].status, 'Accepted');
  rig.hw.connector(1).plugIn();
  const started = await rig.csms.next('TransactionEvent');
  assert.equal(started[3].eventType, 'Started');
  return started[3].transactionInfo.transactionId;
}

async function endTransaction(rig: Rig, transactionId: string): Promise<void> {
  assert.deepEqual((await rig.csms.call('RequestStopTransaction', { transactionId }))[2], { status: 'Accepted' });
  for (;;) {
    const e = await rig.csms.next('TransactionEvent');
    if (e[3].eventType === 'Ended') break;
  }
  rig.hw.connector(1).unplug();
  await sleep(500);
}

test('Reset OnIdle during a transaction: Scheduled, the other EVSE Unavailable meanwhile, the reboot once the transaction has ended and the cable is out; the next boot says ScheduledReset', async () => {
  const rig = await boot();
  await rig.csms.next('BootNotification');
  await sleep(100);
  const tx = await startTransaction(rig);
  rig.csms.inbox = rig.csms.inbox.filter((f) => f[2] !== 'StatusNotification');
  assert.deepEqual((await rig.csms.call('Reset', { type: 'OnIdle' }))[2], { status: 'Scheduled' });
  await sleep(100);
  assert.deepEqual(statuses(rig.csms), ['2:Unavailable'], 'EVSE 2 held Unavailable; EVSE 1 charges on');
  assert.equal(rig.host.restarts, 0);
  await endTransaction(rig, tx);
  assert.equal(rig.host.restarts, 1, 'rebooted once idle');
  const files: { [name: string]: string } = {};
  for (const k in rig.host.files) files[k] = rig.host.files[k];
  rig.station.stop();
  rig.hw.stop();
  const next = await boot(files);
  const bootFrame = await next.csms.next('BootNotification');
  assert.equal(bootFrame[3].reason, 'ScheduledReset');
  await sleep(100);
  assert.deepEqual(statuses(next.csms), ['1:Available', '2:Available'], 'a reset is no ChangeAvailability: both Available again');
  next.station.stop();
  next.hw.stop();
});

test('ChangeAvailability Inoperative of the station during a transaction: Scheduled; the idle EVSE Unavailable at once, the charging one once its transaction has ended; no new transaction meanwhile', async () => {
  const rig = await boot();
  await rig.csms.next('BootNotification');
  await sleep(100);
  const tx = await startTransaction(rig);
  rig.csms.inbox = rig.csms.inbox.filter((f) => f[2] !== 'StatusNotification');
  assert.deepEqual((await rig.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' }))[2], { status: 'Scheduled' }, 'G04.FR.06');
  await sleep(100);
  assert.deepEqual(statuses(rig.csms), ['2:Unavailable'], 'G04.FR.07: the idle EVSE at once');
  const refused = await rig.csms.call('RequestStartTransaction', { idToken: { idToken: 'REMOTE-2', type: 'Central' }, remoteStartId: 6, evseId: 2 });
  assert.equal(refused[2].status, 'Rejected', 'no transaction on an Unavailable EVSE');
  rig.csms.inbox = rig.csms.inbox.filter((f) => f[2] !== 'StatusNotification');
  await endTransaction(rig, tx);
  assert.deepEqual(statuses(rig.csms).slice(-1), ['1:Unavailable'], 'EVSE 1 once the transaction has ended and the cable is out');
  rig.station.stop();
  rig.hw.stop();
});
