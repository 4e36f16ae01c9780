// Provisioning of the 2.0.1 station (block B) with the test as the CSMS: the boot (B01-B03),
// GetVariables / SetVariables (B05, B06), GetBaseReport and its NotifyReport parts (B07),
// Reset (B11, B12) and network profiles (B09, B10).
import { test, assert, sleep, clock } from '../../lib/harness';
import { makeStation201, startOnline201, powerCut, Rig201, variableCount } from './lib/station201';
import { base64 } from '../../../src/lib/base64';

const now = () => new Date(clock.now()).toISOString();
const calls = (rig: Rig201) => rig.csms.inbox.filter((f) => f[0] === 2).map((f) => f[2]);

/** A transactions view the test drives (the transactions feature's place). */
function fakeTransactions(rig: Rig201, running: number[]) {
  const stops: string[] = [];
  rig.station.transactions = {
    running: (evseId?: number) => (evseId ? running.indexOf(evseId) >= 0 : running.length > 0),
    stop: (evseId, reason) => {
      stops.push((evseId || 'all') + ':' + reason);
      running.length = 0;
      return Promise.resolve();
    },
  };
  return stops;
}

test('boot Accepted: reason PowerUp, the clock and HeartbeatInterval from the answer, a StatusNotification per connector, then heartbeats', async () => {
  const rig = makeStation201({ vendor: 'ACME', model: 'W-201', firmwareVersion: '2.0' });
  rig.station.start();
  await sleep(0);
  assert.deepEqual(rig.host.socket.options.protocols, ['ocpp2.0.1']);
  assert.equal(rig.host.socket.url, 'ws://csms/ocpp/CP-201');
  rig.csms.accept();
  const boot = await rig.csms.next('BootNotification');
  assert.deepEqual(boot[3], { reason: 'PowerUp', chargingStation: { model: 'W-201', vendorName: 'ACME', firmwareVersion: '2.0' } });
  const csmsTime = Date.UTC(2031, 0, 2, 3, 4, 5);
  rig.csms.reply(boot, { status: 'Accepted', currentTime: new Date(csmsTime).toISOString(), interval: 90 });
  await sleep(0);
  assert.ok(Math.abs(rig.hal.now() - csmsTime) < 1000, 'clock from currentTime (B01.FR.06)');
  assert.equal(rig.station.model.get('OCPPCommCtrlr/HeartbeatInterval'), '90', 'B01.FR.04');
  const statuses: any[] = [];
  for (let i = 0; i < 2; i++) {
    statuses.push(await rig.csms.next('StatusNotification'));
    rig.csms.reply(statuses[i], {});
  }
  assert.deepEqual(statuses.map((f) => f[3].evseId + '.' + f[3].connectorId + ':' + f[3].connectorStatus), ['1.1:Available', '2.1:Available'], 'B01.FR.05');
  const t0 = clock.now();
  const hb = await rig.csms.next('Heartbeat');
  assert.equal(clock.now() - t0, 90000, 'the heartbeat at the interval');
  rig.csms.reply(hb, { currentTime: now() });
});

test('Pending: only BootNotification, again after the interval; GetVariables, SetVariables and GetBaseReport are answered and its NotifyReport goes (B02.FR.01-02)', async () => {
  const rig = makeStation201();
  rig.csms.autoAnswer.NotifyReport = () => ({});
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const first = await rig.csms.next('BootNotification');
  rig.csms.reply(first, { status: 'Pending', currentTime: now(), interval: 20 });
  await sleep(0);
  const get = await rig.csms.call('GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }] });
  assert.equal(get[2].getVariableResult[0].attributeValue, 'CP-201');
  const set = await rig.csms.call('SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' }, attributeValue: '120' }] });
  assert.equal(set[2].setVariableResult[0].attributeStatus, 'Accepted');
  const report = await rig.csms.call('GetBaseReport', { requestId: 7, reportBase: 'SummaryInventory' });
  assert.deepEqual(report[2], { status: 'Accepted' });
  const part = await rig.csms.next('NotifyReport');
  assert.equal(part[3].requestId, 7, 'a report the CSMS asked for goes while Pending');
  rig.hw.connector(1).plugIn();
  const t0 = clock.now();
  const second = await rig.csms.next('BootNotification');
  assert.ok(clock.now() - t0 >= 19000, 'waited the interval (B02.FR.08)');
  assert.deepEqual(calls(rig), [], 'no StatusNotification, no Heartbeat while Pending (B02.FR.02)');
  rig.csms.reply(second, { status: 'Accepted', currentTime: now(), interval: 300 });
  const status = await rig.csms.next('StatusNotification');
  assert.equal(status[3].connectorStatus, 'Occupied', 'the state of now once Accepted');
});

test('Rejected: nothing goes out until the interval is over, CSMS requests get SecurityError (B03.FR.02, B03.FR.08); interval 0: the station\'s own wait', async () => {
  const rig = makeStation201();
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  const first = await rig.csms.next('BootNotification');
  rig.csms.reply(first, { status: 'Rejected', currentTime: now(), interval: 0 });
  await sleep(0);
  const refused = await rig.csms.call('GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }] });
  assert.equal(refused[0], 4);
  assert.equal(refused[2], 'SecurityError');
  const t0 = clock.now();
  const second = await rig.csms.next('BootNotification');
  assert.equal(clock.now() - t0, 30000, 'its own 30 s (B03.FR.05)');
  assert.deepEqual(calls(rig), []);
  rig.csms.reply(second, { status: 'Accepted', currentTime: now(), interval: 300 });
  await rig.csms.next('StatusNotification');
  const answered = await rig.csms.call('GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }] });
  assert.equal(answered[0], 3, 'served once Accepted');
});

test('GetVariables: one result per element with the component, variable and attribute asked; WriteOnly Rejected; more than ItemsPerMessage a CALLERROR (B06)', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  const ask = (component: any, variable: any, attributeType?: string) => (attributeType ? { component, variable, attributeType } : { component, variable });
  const r = await rig.csms.call('GetVariables', {
    getVariableData: [
      ask({ name: 'DeviceDataCtrlr' }, { name: 'ItemsPerMessage', instance: 'GetVariables' }),
      ask({ name: 'Connector', evse: { id: 2, connectorId: 1 } }, { name: 'ConnectorType' }),
      ask({ name: 'ClockCtrlr' }, { name: 'DateTime' }, 'Actual'),
      ask({ name: 'OCPPCommCtrlr' }, { name: 'HeartbeatInterval' }, 'MaxSet'),
      ask({ name: 'EVSE', evse: { id: 3 } }, { name: 'AvailabilityState' }),
    ],
  });
  const results = r[2].getVariableResult;
  assert.deepEqual(
    results.map((x: any) => [x.attributeStatus, x.attributeType, x.attributeValue]),
    [
      ['Accepted', 'Actual', '16'],
      ['Accepted', 'Actual', 'cType2'],
      ['Accepted', 'Actual', new Date(clock.now()).toISOString()],
      ['NotSupportedAttributeType', 'MaxSet', undefined],
      ['UnknownComponent', 'Actual', undefined],
    ]
  );
  assert.deepEqual(results[1].component, { name: 'Connector', evse: { id: 2, connectorId: 1 } }, 'B06.FR.02');
  rig.station.model.add('SecurityCtrlr', [{ name: 'BasicAuthPassword', type: 'string', mutability: 'WriteOnly' }]);
  const wo = await rig.csms.call('GetVariables', { getVariableData: [ask({ name: 'SecurityCtrlr' }, { name: 'BasicAuthPassword' })] });
  assert.equal(wo[2].getVariableResult[0].attributeStatus, 'Rejected', 'B06.FR.09');
  const many: any[] = [];
  for (let i = 0; i < 17; i++) many.push(ask({ name: 'ClockCtrlr' }, { name: 'DateTime' }));
  const tooMany = await rig.csms.call('GetVariables', { getVariableData: many });
  assert.deepEqual([tooMany[0], tooMany[2]], [4, 'OccurrenceConstraintViolation'], 'B06.FR.16');
  const long = await rig.csms.call('GetVariables', { getVariableData: [ask({ name: 'ClockCtrlr' }, { name: 'DateTime' })], customData: { vendorId: 'V', pad: new Array(8001).join('p') } });
  assert.deepEqual([long[0], long[2]], [4, 'FormatViolation'], 'more than BytesPerMessage (B06.FR.17)');
});

test('SetVariables: Accepted changes behaviour (HeartbeatInterval) and survives a reboot; Rejected with why; Unknown*; RebootRequired (B05, B10.FR.01-02)', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  const set = (name: string, attributeValue: string, variable: any, attributeType?: string) => {
    const d: any = { component: { name }, variable, attributeValue };
    if (attributeType) d.attributeType = attributeType;
    return d;
  };
  const r = await rig.csms.call('SetVariables', {
    setVariableData: [
      set('OCPPCommCtrlr', '40', { name: 'HeartbeatInterval' }),
      set('OCPPCommCtrlr', '-5', { name: 'OfflineThreshold' }),
      set('SecurityCtrlr', 'CP-X', { name: 'Identity' }),
      set('OCPPCommCtrlr', '1', { name: 'Nope' }),
      set('NopeCtrlr', '1', { name: 'HeartbeatInterval' }),
      set('OCPPCommCtrlr', '40', { name: 'HeartbeatInterval' }, 'Target'),
      set('OCPPCommCtrlr', '0,1', { name: 'NetworkConfigurationPriority' }),
      set('OCPPCommCtrlr', '0', { name: 'NetworkConfigurationPriority' }),
    ],
  });
  const results = r[2].setVariableResult;
  assert.deepEqual(
    results.map((x: any) => x.attributeStatus + ':' + x.attributeType),
    ['Accepted:Actual', 'Rejected:Actual', 'Rejected:Actual', 'UnknownVariable:Actual', 'UnknownComponent:Actual', 'NotSupportedAttributeType:Target', 'Rejected:Actual', 'RebootRequired:Actual']
  );
  assert.equal(results[1].attributeStatusInfo.additionalInfo, 'below 0', 'why, in statusInfo (B05.FR.08)');
  assert.equal(results[6].attributeStatusInfo.additionalInfo, 'slot 1 holds no network profile', 'B10.FR.02');
  const t0 = clock.now();
  await rig.csms.next('Heartbeat');
  assert.equal(clock.now() - t0, 40000, 'the new interval at once');
  const files = powerCut(rig);
  const again = makeStation201({}, files);
  assert.equal(again.station.model.get('OCPPCommCtrlr/HeartbeatInterval'), '40', 'kept across the reboot');
});

test('GetBaseReport: FullInventory in NotifyReport parts of ItemsPerMessage(GetReport), seqNo from 0, tbc until the last, every attribute with characteristics (B07)', async () => {
  const rig = makeStation201({ connectors: 1 });
  await startOnline201(rig);
  rig.csms.autoAnswer.NotifyReport = () => undefined; // the test answers each part itself
  const answer = await rig.csms.call('GetBaseReport', { requestId: 42, reportBase: 'FullInventory' });
  assert.deepEqual(answer[2], { status: 'Accepted' });
  const busy = await rig.csms.call('GetBaseReport', { requestId: 43, reportBase: 'SummaryInventory' });
  assert.deepEqual(busy[2], { status: 'Rejected' }, 'one report at a time (B07.FR.13)');
  const parts: any[] = [];
  for (;;) {
    const p = await rig.csms.next('NotifyReport');
    parts.push(p[3]);
    rig.csms.reply(p, {});
    if (!p[3].tbc) break;
  }
  await sleep(0);
  assert.deepEqual((await rig.csms.call('GetBaseReport', { requestId: 44, reportBase: 'SummaryInventory' }))[2], { status: 'Accepted' }, 'the next report once the last part went');
  const total = variableCount(rig.station.model);
  assert.equal(parts.length, Math.ceil(total / 16));
  assert.deepEqual(parts.map((p) => p.seqNo), parts.map((_p, i) => i), 'B07.FR.10');
  assert.ok(parts.every((p) => p.requestId === 42), 'B07.FR.04');
  assert.ok(parts.every((p) => p.reportData.length <= 16));
  const data: any[] = [];
  parts.forEach((p) => p.reportData.forEach((d: any) => data.push(d)));
  assert.equal(data.length, total, 'every variable once');
  const hb = data.filter((d) => d.component.name === 'OCPPCommCtrlr' && d.variable.name === 'HeartbeatInterval')[0];
  assert.deepEqual(hb.variableAttribute, [{ type: 'Actual', value: '300', mutability: 'ReadWrite', persistent: true, constant: false }]);
  assert.deepEqual(hb.variableCharacteristics, { dataType: 'integer', supportsMonitoring: false, unit: 's', minLimit: 1 });
  const ct = data.filter((d) => d.variable.name === 'ConnectorType')[0];
  assert.deepEqual(ct.component, { name: 'Connector', evse: { id: 1, connectorId: 1 } });
  const prio = data.filter((d) => d.variable.name === 'NetworkConfigurationPriority')[0];
  assert.equal(prio.variableCharacteristics.valuesList, '0,1,2', 'the slots there are (B10)');
});

test('GetBaseReport: ConfigurationInventory lists what can be set; SummaryInventory the availability states', async () => {
  const rig = makeStation201({ connectors: 1 });
  await startOnline201(rig);
  await rig.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
  const reportOf = async (reportBase: string, requestId: number) => {
    assert.deepEqual((await rig.csms.call('GetBaseReport', { requestId, reportBase }))[2], { status: 'Accepted' });
    const data: any[] = [];
    for (;;) {
      const p = await rig.csms.next('NotifyReport');
      p[3].reportData.forEach((d: any) => data.push(d));
      if (!p[3].tbc) return data;
    }
  };
  const config = await reportOf('ConfigurationInventory', 1);
  assert.ok(config.length > 3);
  assert.ok(config.every((d) => d.variableAttribute[0].mutability !== 'ReadOnly'), 'only what the operator can set (B07.FR.07)');
  assert.ok(config.some((d) => d.variable.name === 'HeartbeatInterval'));
  const summary = await reportOf('SummaryInventory', 2);
  assert.deepEqual(
    summary.map((d) => d.component.name + (d.component.evse ? '@' + d.component.evse.id : '') + '=' + d.variableAttribute[0].value),
    ['ChargingStation=Available', 'EVSE@1=Unavailable', 'Connector@1=Unavailable'],
    'B07.FR.09'
  );
});

test('Reset OnIdle without a transaction: Accepted, then the reboot; the next BootNotification says RemoteReset (B11.FR.03, B01.FR.09)', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  const r = await rig.csms.call('Reset', { type: 'OnIdle' });
  assert.deepEqual(r[2], { status: 'Accepted' });
  await sleep(0);
  assert.equal(rig.host.restarts, 1, 'rebooted');
  const next = makeStation201({}, powerCut(rig));
  await startOnline201(next);
  const boots = next.host.socket.frames().filter((f) => f[2] === 'BootNotification');
  assert.equal(boots[0][3].reason, 'RemoteReset');
  const third = makeStation201({}, powerCut(next));
  await startOnline201(third);
  assert.equal(third.host.socket.frames().filter((f) => f[2] === 'BootNotification')[0][3].reason, 'PowerUp', 'once only');
});

test('Reset with a transaction: OnIdle Scheduled until it ends (B12.FR.01, B12.FR.03); Immediate ends it first (B12.FR.02, B12.FR.04); an EVSE reset; an unknown EVSE Rejected', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  await rig.csms.next('StatusNotification');
  await rig.csms.next('StatusNotification');
  const running = [1];
  const stops = fakeTransactions(rig, running);
  assert.deepEqual((await rig.csms.call('Reset', { type: 'OnIdle' }))[2], { status: 'Scheduled' });
  await sleep(1000);
  assert.equal(rig.host.restarts, 0, 'waits for the transaction');
  const held = await rig.csms.next('StatusNotification');
  assert.deepEqual([held[3].evseId, held[3].connectorStatus], [2, 'Unavailable'], 'the Available EVSE held Unavailable meanwhile (B12 3a)');
  assert.equal(rig.station.availability.operative(1), false, 'no new transaction on EVSE 1 either');
  running.length = 0;
  rig.station.emit('idle', 1);
  await sleep(0);
  assert.equal(rig.host.restarts, 1, 'rebooted once idle');
  assert.deepEqual(stops, ['all:ImmediateReset'], 'nothing left to stop');
  const after = makeStation201({}, powerCut(rig));
  await startOnline201(after);
  assert.equal(after.host.socket.frames().filter((f) => f[2] === 'BootNotification')[0][3].reason, 'ScheduledReset', 'the reset waited: ScheduledReset');

  const other = makeStation201();
  await startOnline201(other);
  const stops2 = fakeTransactions(other, [2]);
  assert.deepEqual((await other.csms.call('Reset', { type: 'OnIdle', evseId: 2 }))[2], { status: 'Scheduled' });
  assert.equal(other.station.availability.operative(2), false, 'held while it waits');
  assert.equal(other.station.availability.operative(1), true, 'the other EVSE goes on');
  assert.deepEqual((await other.csms.call('Reset', { type: 'Immediate', evseId: 2 }))[2], { status: 'Accepted' });
  await sleep(0);
  assert.deepEqual(stops2, ['2:ImmediateReset'], 'the EVSE\'s transaction ended (B12.FR.08)');
  assert.equal(other.station.availability.operative(2), true, 'reset: the EVSE back as it was');
  assert.equal(other.host.restarts, 0, 'an EVSE reset is no reboot');
  assert.deepEqual((await other.csms.call('Reset', { type: 'Immediate', evseId: 3 }))[2], { status: 'Rejected' });
  const both = [1, 2];
  fakeTransactions(other, both);
  other.station.transactions.stop = (evseId) => {
    both.splice(both.indexOf(evseId || 0), 1);
    return Promise.resolve();
  };
  assert.deepEqual((await other.csms.call('Reset', { type: 'OnIdle' }))[2], { status: 'Scheduled' }, 'the station, once both transactions ended');
  assert.deepEqual((await other.csms.call('Reset', { type: 'Immediate', evseId: 2 }))[2], { status: 'Accepted' });
  await sleep(0);
  other.station.emit('idle', 2);
  await sleep(0);
  assert.equal(other.host.restarts, 0, 'the EVSE reset left the station reset waiting: EVSE 1 still charges');
  both.length = 0;
  other.station.emit('idle', 1);
  await sleep(0);
  assert.equal(other.host.restarts, 1, 'then the station reset');
  const other2 = makeStation201();
  await startOnline201(other2);
  fakeTransactions(other2, [1]);
  assert.deepEqual((await other2.csms.call('Reset', { type: 'Immediate' }))[2], { status: 'Accepted' });
  await sleep(0);
  assert.equal(other2.host.restarts, 1);
});

test('SetNetworkProfile: validated and stored (B09); NetworkConfigurationPriority then names the slot, after the reboot the station connects there, and falls back after NetworkProfileConnectionAttempts (B10)', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  const profile = (over: any) => {
    const p: any = { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'ws://csms2/ocpp', messageTimeout: 30, securityProfile: 0, ocppInterface: 'Wireless0' };
    for (const k in over) p[k] = over[k];
    return p;
  };
  const setProfile = async (slot: number, over: any) => (await rig.csms.call('SetNetworkProfile', { configurationSlot: slot, connectionData: profile(over) }))[2].status;
  assert.equal(await setProfile(5, {}), 'Rejected', 'no such slot (B09.FR.05)');
  assert.equal(await setProfile(0, {}), 'Rejected', 'slot 0 is the settings\'');
  assert.equal(await setProfile(1, { ocppVersion: 'OCPP16' }), 'Rejected', 'B09.FR.02');
  assert.equal(await setProfile(1, { ocppCsmsUrl: 'http://x' }), 'Rejected');
  assert.equal(await setProfile(1, { securityProfile: 2 }), 'Rejected', 'profile 2 needs wss');
  assert.equal(await setProfile(1, {}), 'Accepted', 'B09.FR.01');
  const prio = await rig.csms.call('SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' }, attributeValue: '1,0' }] });
  assert.equal(prio[2].setVariableResult[0].attributeStatus, 'RebootRequired');
  assert.equal(rig.host.socket.url, 'ws://csms/ocpp/CP-201', 'no change before the reboot');

  const next = makeStation201({ reconnectMaxSeconds: 1 }, powerCut(rig));
  next.station.start();
  await sleep(0);
  assert.equal(next.host.socket.url, 'ws://csms2/ocpp/CP-201', 'the first entry after the reboot (B10.FR.04)');
  for (let i = 0; i < 3; i++) {
    next.host.socket.refuse();
    await sleep(1100);
  }
  assert.equal(next.host.socket.url, 'ws://csms/ocpp/CP-201', 'the next entry after 3 attempts (B10.FR.03)');
  next.csms.answerRoutine();
  next.csms.accept();
  await next.csms.next('BootNotification');
  const active = await next.csms.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'ActiveNetworkProfile' } }] });
  assert.equal(active[2].getVariableResult[0].attributeValue, '0');
});

test('BasicAuthPassword (A01): WriteOnly, set by SetVariables; the station reconnects with it, keeps it once a connection opened, and goes back to the previous one after 3 attempts that did not', async () => {
  const basic = (password: string) => 'Basic ' + base64('CP-201:' + password);
  const rig = makeStation201({ password: 'first-password-0001', reconnectMaxSeconds: 1 });
  await startOnline201(rig);
  assert.equal(rig.host.socket.options.headers!.Authorization, basic('first-password-0001'), 'security profile 1 from the settings');
  const set = (value: string) => rig.csms.call('SetVariables', { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: value }] });
  assert.equal((await set('second-password-0002'))[2].setVariableResult[0].attributeStatus, 'Accepted');
  const read = await rig.csms.call('GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] });
  assert.deepEqual([read[2].getVariableResult[0].attributeStatus, read[2].getVariableResult[0].attributeValue], ['Rejected', undefined], 'never read back (B06.FR.09)');
  const before = rig.host.sockets.length;
  await sleep(2000);
  assert.ok(rig.host.sockets.length > before, 'reconnected');
  assert.equal(rig.host.socket.options.headers!.Authorization, basic('second-password-0002'));
  assert.ok(rig.host.logs.every((l) => l.text.indexOf('second-password') < 0), 'the password is not logged (A01.FR.12)');
  // The CSMS does not take it: three attempts, then the previous one.
  for (let i = 0; i < 3; i++) {
    rig.host.socket.refuse('HTTP 401');
    await sleep(1100);
  }
  assert.equal(rig.host.socket.options.headers!.Authorization, basic('first-password-0001'), 'back to the previous password');
  rig.csms.accept();
  await sleep(100);
  assert.ok(rig.station.online, 'online again, with the previous password (a reconnect, no new boot)');
  // Set again; this time the CSMS takes it, and it stays across a reboot.
  assert.equal((await set('third-password-0003'))[2].setVariableResult[0].attributeStatus, 'Accepted');
  await sleep(2000);
  assert.equal(rig.host.socket.options.headers!.Authorization, basic('third-password-0003'));
  rig.csms.accept();
  await sleep(100);
  assert.equal(rig.host.files['password-trial.json'], undefined, 'the trial is over');
  const next = makeStation201({ password: 'first-password-0001' }, powerCut(rig));
  next.station.start();
  await sleep(0);
  assert.equal(next.host.socket.options.headers!.Authorization, basic('third-password-0003'), 'kept across the reboot (A01.FR.01)');
});

test('GetReport: the componentVariables and componentCriteria a CSMS names, in NotifyReport parts; none matching EmptyResultSet (B08)', async () => {
  const rig = makeStation201();
  await startOnline201(rig);
  let requestId = 100;
  const report = async (request: any): Promise<string[] | string> => {
    request.requestId = ++requestId;
    const answer = await rig.csms.call('GetReport', request);
    if (answer[2].status !== 'Accepted') return answer[2].status;
    const names: string[] = [];
    for (;;) {
      const p = await rig.csms.next('NotifyReport');
      assert.equal(p[3].requestId, requestId, 'B08.FR.04');
      p[3].reportData.forEach((d: any) => {
        assert.ok(d.variableCharacteristics && d.variableCharacteristics.dataType, 'with characteristics (B08.FR.12)');
        const c = d.component;
        names.push(c.name + (c.evse ? '@' + c.evse.id + (c.evse.connectorId ? '.' + c.evse.connectorId : '') : '') + '/' + d.variable.name + (d.variable.instance ? '#' + d.variable.instance : ''));
      });
      if (!p[3].tbc) return names;
    }
  };
  assert.deepEqual(await report({ componentVariable: [{ component: { name: 'EVSE' }, variable: { name: 'AvailabilityState' } }] }), ['EVSE@1/AvailabilityState', 'EVSE@2/AvailabilityState'], 'every EVSE (B08.FR.23)');
  assert.deepEqual(
    await report({ componentVariable: [{ component: { name: 'devicedatactrlr' }, variable: { name: 'ItemsPerMessage' } }] }),
    ['DeviceDataCtrlr/ItemsPerMessage#GetReport', 'DeviceDataCtrlr/ItemsPerMessage#GetVariables', 'DeviceDataCtrlr/ItemsPerMessage#SetVariables'],
    'every instance (B08.FR.21)'
  );
  assert.deepEqual(
    await report({ componentVariable: [{ component: { name: 'Connector', evse: { id: 2 } } }] }),
    ['Connector@2.1/AvailabilityState', 'Connector@2.1/Available', 'Connector@2.1/SupplyPhases', 'Connector@2.1/ConnectorType'],
    'every variable of the connectors of EVSE 2 (B08.FR.20, B08.FR.22)'
  );
  assert.equal(await report({ componentCriteria: ['Problem'] }), 'EmptyResultSet', 'no component has a problem (B08.FR.10, B08.FR.15)');
  assert.deepEqual(await report({ componentCriteria: ['Available', 'Problem'], componentVariable: [{ component: { name: 'ClockCtrlr' } }] }), ['ClockCtrlr/DateTime', 'ClockCtrlr/TimeSource'], 'without an Available variable a component is available (B08.FR.08, B08.FR.13)');
  assert.equal(await report({ componentVariable: [{ component: { name: 'NoSuchCtrlr' } }] }), 'EmptyResultSet');
  const all = await report({});
  assert.equal((all as string[]).length, variableCount(rig.station.model), 'no criteria, no componentVariables: everything');
});
