// The simulated EV and meter (src/sim/sim-hardware.ts).
import { test, assert, sleep } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { createHal } from '../../../hal/index';
import { SimHardware, REGISTER_TICK_MS } from '../../../src/sim/sim-hardware';

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

test('the register counts while energy flows whether or not anyone reads it, and is stored every tick (a power cut loses at most one)', async () => {
  const { host, hal, events } = make();
  const hw = new SimHardware({ connectors: 1, ticks: hal.ticks, defer: (fn) => hal.setTimeout(fn, 0), setInterval: hal.setInterval, storage: hal.storage });
  hw.onEvent = (c, e) => events.push(c + ':' + e);
  const c = hw.connector(1);
  c.plugIn({ maxCurrentA: 16, batteryWh: 1000, socPercent: 90 });
  c.setRelay(true);
  await sleep(REGISTER_TICK_MS * 15 + 1); // 30 s at 11040 W = 92 Wh, nobody reads
  assert.equal(JSON.parse(host.files['sim-meters.json'])[0], 92, 'stored at the last tick');
  await sleep(REGISTER_TICK_MS / 2);
  assert.equal(JSON.parse(host.files['sim-meters.json'])[0], 92, 'between two ticks the file holds the last one');
  await sleep(30000);
  // 100 Wh fill the battery: the EV stops asking when the register says so, not when read.
  assert.deepEqual(events, ['1:plugged', '1:evSuspended']);
  assert.ok(c.registerValue() >= 100 && c.registerValue() < 100 + (11040 * REGISTER_TICK_MS) / 3600000, 'it stopped at the tick after the battery was full: ' + c.registerValue());
  const stored = host.files['sim-meters.json'];
  assert.equal(JSON.parse(stored)[0], Math.round(c.registerValue() * 1000) / 1000, 'stored when the flow stopped');
  await sleep(600000);
  assert.equal(host.files['sim-meters.json'], stored, 'no energy: nothing more to store');
  const again = new SimHardware({ connectors: 1, ticks: hal.ticks, defer: (fn) => hal.setTimeout(fn, 0), storage: hal.storage });
  assert.equal(again.connector(1).read().energyWh, Math.floor(c.registerValue()), 'the next boot starts from the stored register');
});
