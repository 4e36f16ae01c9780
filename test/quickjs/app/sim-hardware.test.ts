// The simulated EV and meter (hal/sim-hardware.ts).
import { test, assert, sleep } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { createHal } from '../../../hal/index';
import { SimHardware } from '../../../hal/sim-hardware';

function make(files?: { [name: string]: string }) {
  const host = new FakeHost({ files: files || {} });
  const hal = createHal(host);
  const events: string[] = [];
  const hw = new SimHardware({ connectors: 2, ticks: hal.ticks, defer: (fn) => hal.setTimeout(fn, 0), storage: hal.storage });
  hw.onEvent = (c, e) => events.push(c + ':' + e);
  return { host, hal, hw, events };
}

test('energy flows only with the cable in, the relay closed, the EV asking and a current offered', async () => {
  const { hw, events } = make();
  const c = hw.connector(1);
  c.setRelay(true);
  await sleep(3600000);
  assert.equal(c.read().energyWh, 0, 'no cable, no energy');
  c.plugIn({ maxCurrentA: 16 });
  await sleep(0);
  assert.deepEqual(events, ['1:plugged']);
  await sleep(60000); // one minute at 3 × 230 V × 16 A = 11040 W
  const r = c.read();
  assert.equal(r.powerW, 11040);
  assert.equal(r.currentA, 16);
  assert.equal(r.voltageV, 230);
  assert.equal(r.energyWh, 184);
  c.setCurrentLimit(8);
  assert.equal(c.read().powerW, 5520, 'the EV draws what is offered');
  c.setRelay(false);
  await sleep(60000);
  assert.equal(c.read().energyWh, 184, 'relay open: the register stands');
  assert.equal(c.read().powerW, 0);
  assert.equal(hw.connector(2).read().energyWh, 0, 'connectors have their own meters');
});

test('the EV stops asking when its battery is full (SuspendedEV event); a locked cable cannot be pulled', async () => {
  const { hw, events } = make();
  const c = hw.connector(2);
  c.plugIn({ maxCurrentA: 16, batteryWh: 1000, socPercent: 90 });
  c.setRelay(true);
  await sleep(60000); // 184 Wh > the 100 Wh the battery still takes
  c.read();
  await sleep(0);
  assert.deepEqual(events, ['2:plugged', '2:evSuspended']);
  assert.equal(c.evRequestsEnergy(), false);
  assert.equal(c.read().socPercent, 100);
  c.setLock(true);
  assert.equal(c.unplug(), false, 'locked');
  c.setLock(false);
  assert.equal(c.unplug(), true);
  c.breakLock(true);
  assert.equal(c.setLock(true), false, 'a jammed lock reports failure');
  c.setFault('GroundFailure');
  await sleep(0);
  assert.equal(events[events.length - 1], '2:fault');
  assert.equal(c.error(), 'GroundFailure');
});

test('the energy register survives a reboot (kept in storage), and a damaged file does not stop the boot', async () => {
  const { host, hw } = make();
  const c = hw.connector(1);
  c.plugIn();
  c.setRelay(true);
  await sleep(600000);
  const wh = c.read().energyWh;
  assert.ok(wh > 1000);
  const after = make(host.files).hw;
  assert.equal(after.connector(1).read().energyWh, wh);
  const damaged = make({ 'sim-meters.json': '[12,' }).hw;
  assert.equal(damaged.connector(1).read().energyWh, 0);
});
