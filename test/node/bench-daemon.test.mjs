// The benchmark's charger daemon (bench/hardware-daemon.mjs's chargerSession), which plays the
// flashed firmware's sessions whose heap the budget rows measure: it drives the charger in a
// fixed order on a fixed timeline, so that the station does the same things in the same order
// in every run. Played here against dist/firmware.min.js on the native x86-64 host (the bench
// plays it on the armhf build): connector 2's cable goes in only once the CSMS has answered
// connector 1's StartTransaction, the CSMS's calls come once both transactions' starts are
// answered and before either stops, and what the station samples is the daemon's tick, not
// the moment it happened to read the meter.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { stationTests } from './lib/stations.mjs';
import { chargerSession, HardwareFolder } from '../../bench/hardware-daemon.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIRMWARE = join(root, 'dist', 'firmware.min.js');
const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`bench-daemon skipped: ${shim.reason}\n`);

const rig = stationTests('bench-daemon');
let csms;
before(async () => {
  if (shim.ok) csms = await rig.csms({ heartbeatInterval: 300 });
});

/** A register in Wh after `ticks` of the daemon's meter at 16 A on 3 phases at 230 V (its EV's draw). */
const afterTicks = (ticks) => Math.floor((ticks * 16 * 230 * 3) / 3600);
const registerOf = (meterValues) => meterValues.map((p) => Number(p.meterValue[0].sampledValue.find((v) => !v.measurand || v.measurand === 'Energy.Active.Import.Register').value));

test('the bench daemon drives both connectors in a fixed order: connector 2 after connector 1\'s StartTransaction is answered, the CSMS\'s calls once both are, the meter on its own tick', { skip: shim.ok ? false : shim.reason, timeout: 120000 }, async () => {
  const id = 'BENCH-DAEMON';
  const settings = join(rig.dataDir, 'settings.json');
  // As the bench's 1.6 sessions run: MeterValues every 5 s of a transaction.
  writeFileSync(settings, JSON.stringify({ configuration: { MeterValueSampleInterval: 5 } }));
  const hw = new HardwareFolder(join(rig.dataDir, 'hw'), [{ maxCurrentA: 32 }, { maxCurrentA: 32 }]);
  // Each input the daemon changes, with how many messages the CSMS had recorded then.
  const inputs = [];
  const set = hw.set.bind(hw);
  hw.set = (c, change) => (inputs.push({ c, change, at: csms.records.length }), set(c, change));
  const host = startHost(FIRMWARE, ['--url', csms.url, '--id', id, '--data-dir', rig.dataDir, '--settings', settings, '--hardware', hw.dir], { timeout: 110000 });
  try {
    await host.waitFor(/charger IO from the host: 2 connector\(s\)/, { timeout: 60000 });
    await csms.waitFor((r) => r.station === id && r.type === 'CALL' && r.action === 'StatusNotification' && r.payload.connectorId === 2 && r.payload.status === 'Available', { timeout: 30000, what: 'connector 2 Available' });
    const from = csms.records.length;
    let calledAt = null;
    const seconds = 6;
    await chargerSession({ csms, id, hw, connectors: [1, 2], seconds, whileCharging: async () => (calledAt = csms.records.length) });
    const records = csms.records.slice(from).filter((r) => r.station === id);
    const answerTo = (call) => records.find((r) => r.direction === 'out' && r.type === 'CALLRESULT' && r.id === call.id);
    const calls = (action) => records.filter((r) => r.direction === 'in' && r.type === 'CALL' && r.action === action);
    const starts = [1, 2].map((c) => calls('StartTransaction').find((r) => r.payload.connectorId === c));
    assert.ok(starts.every(Boolean), 'both connectors started a transaction');
    const [start1, start2] = starts.map(answerTo);
    const plugged2 = inputs.find((i) => i.c === 2 && i.change.plugged === true);
    assert.ok(plugged2.at > start1.seq, `connector 2's cable went in (record ${plugged2.at}) after connector 1's StartTransaction was answered (record ${start1.seq})`);
    assert.ok(calledAt !== null, 'the CSMS\'s calls were made');
    const firstStop = calls('StopTransaction')[0];
    assert.ok(calledAt > start2.seq && calledAt <= firstStop.seq, `the CSMS's calls (at record ${calledAt}) once both starts were answered (${start1.seq}, ${start2.seq}), before the first stop (${firstStop.seq})`);
    assert.ok(starts[1].seq < firstStop.seq, 'both transactions ran at once');
    // Each connector's one periodic sample (5 s into its transaction) reads 5 of the daemon's
    // ticks, its stop (6 s after its card) 6: the same registers in every run.
    for (const c of [1, 2]) {
      const periodic = calls('MeterValues').filter((r) => r.payload.connectorId === c);
      assert.deepEqual(registerOf(periodic.map((r) => r.payload)), [afterTicks(5)], `connector ${c}'s periodic MeterValues`);
    }
    const registers = [...csms.transactions.values()].filter((t) => t.station === id).map((t) => [t.connectorId, t.meterStart, t.meterStop]);
    assert.deepEqual(registers, [
      [1, 0, afterTicks(seconds)],
      [2, 0, afterTicks(seconds)],
    ]);
    assert.deepEqual(csms.violations.filter((v) => v.station === id), [], 'every message valid against the OCPP 1.6 schemas');
  } finally {
    await host.stop('SIGTERM');
  }
});
