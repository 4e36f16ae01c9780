// The minified bundles shorten only the property names the program uses internally
// (build/mangle.mjs): every OCPP field, action and enum value, every member of the host ABI,
// of the JSON its hardware members give and of the settings the readable bundle names is still
// there in the flashed one, and a charging session writes its files with the same names from
// either bundle (a stored name that changed with a firmware update would break the recovery of
// what the old firmware stored), sends OCPP fields only, and answers the control API with no
// shortened name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as acorn from 'acorn';
import { root } from '../../build/build.mjs';
import { inputsFingerprint } from '../../build/build-inputs.mjs';
import { CROSSING_FILES, declaredMembers, mangleableNames, ocppNames } from '../../build/mangle.mjs';
import { Csms } from '../../sim/csms.mjs';
import { SimulatedStation } from '../../sim/host.mjs';

/** Every property name a bundle spells out: accessed, an object key, or a string. */
function spelledNames(file) {
  const names = new Set();
  const walk = (n) => {
    if (!n || typeof n.type !== 'string') return;
    if (n.type === 'MemberExpression' && !n.computed) names.add(n.property.name);
    if (n.type === 'Property') names.add(n.key.type === 'Identifier' ? n.key.name : String(n.key.value));
    if (n.type === 'Literal' && typeof n.value === 'string') names.add(n.value);
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v.type === 'string') walk(v);
    }
  };
  walk(acorn.parse(readFileSync(join(root, file), 'utf8'), { ecmaVersion: 5 }));
  return names;
}

const names = mangleableNames(root, inputsFingerprint(root));
const abi = declaredMembers(root, 'hal/host-abi.ts');
const hardwareJson = declaredMembers(root, 'hal/host-hardware.ts');
const settings = declaredMembers(root, 'hal/settings.ts');
const ocpp = ocppNames(root);
const crossing = (n) => ocpp.has(n) || abi.has(n) || hardwareJson.has(n) || settings.has(n);

test('the names to shorten are the program\'s own: none is an OCPP name, a host-ABI member, a hardware reading\'s field or a settings key', () => {
  assert.ok(names.length > 300, names.length + ' names');
  assert.deepEqual(CROSSING_FILES.slice().sort(), ['hal/host-abi.ts', 'hal/host-hardware.ts', 'hal/settings.ts']);
  for (const member of ['wsOpen', 'onmessage', 'timerStart', 'fileWrite', 'exit', 'protocols', 'headers']) assert.ok(abi.has(member), member);
  for (const member of ['plugged', 'evRequestsEnergy', 'vendorErrorCode']) assert.ok(hardwareJson.has(member), member);
  for (const key of ['url', 'maxConnectAttempts', 'reconnectMaxSeconds', 'logLevel', 'batteryWh']) assert.ok(settings.has(key), key);
  for (const n of names) {
    assert.ok(!ocpp.has(n), `${n} is an OCPP name`);
    assert.ok(!abi.has(n), `${n} is a host-ABI member`);
    assert.ok(!hardwareJson.has(n), `${n} is a hardware reading's field`);
    assert.ok(!settings.has(n), `${n} is a settings key`);
  }
});

for (const [readable, flashed] of [
  ['dist/firmware.js', 'dist/firmware.min.js'],
  ['dist/simulator.js', 'dist/simulator.min.js'],
  ['dist/firmware-201.js', 'dist/firmware-201.min.js'],
  ['dist/simulator-201.js', 'dist/simulator-201.min.js'],
]) {
  test(`${flashed}: every OCPP name, host-ABI member and settings key of ${readable} survives; the internal names are shortened`, () => {
    const before = spelledNames(readable);
    const after = spelledNames(flashed);
    const lost = [...before].filter((n) => crossing(n) && !after.has(n));
    assert.deepEqual(lost, []);
    const shortened = names.filter((n) => before.has(n));
    assert.ok(shortened.length > 50, shortened.length + ' internal names in the readable bundle');
    assert.deepEqual(shortened.filter((n) => after.has(n)), [], 'internal names left in the flashed bundle');
  });
}

/** Every key of a JSON value, however deep, into `keys`. */
function keysOf(v, keys = new Set()) {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, keys));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) keys.add(k), keysOf(v[k], keys);
  return keys;
}

/** Every key of every JSON value in the files under `dir` (a line each for the .jsonl-like logs too). */
function storedKeys(dir) {
  const keys = new Set();
  const add = (v) => keysOf(v, keys);
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p, 'utf8');
        for (const chunk of [text, ...text.split('\n')]) {
          try {
            add(JSON.parse(chunk));
          } catch {}
        }
      }
    }
  };
  walk(dir);
  return keys;
}

// The readable bundle keeps its whitespace and comments' worth of source text in the simulator's
// QuickJS, more than the default 1 MiB: what is compared here is the names, not the heap.
const HEAP_LIMIT = 4 * 1024 * 1024;

/**
 * A charging session of `bundle`: the keys of what it stored, of the OCPP messages it
 * exchanged with the CSMS and of the control API's state of it once it has booted.
 */
async function session(bundle, csms, id) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ocpp-mangle-'));
  const station = new SimulatedStation({ settings: { url: csms.url, id, connectors: 2, scenario: 'session', duration: 0, logLevel: 'warning' }, dataDir, bundle: join(root, bundle), heapLimit: HEAP_LIMIT });
  try {
    const booted = csms.waitForCall(id, 'BootNotification', { timeout: 60000 });
    await station.start();
    await booted;
    const state = station.control({ command: 'state' });
    assert.ok(state && state.ok !== false, `${bundle}: ${JSON.stringify(state)}`);
    const result = await station.exited;
    assert.equal(result.code, 0, `${bundle}: ${result.reason}`);
    const frames = new Set();
    for (const r of csms.messages(id)) keysOf(r.payload, frames);
    return { stored: storedKeys(dataDir), frames, state: keysOf(state) };
  } finally {
    if (station.running) await station.stop(0, 'test over');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const [readable, flashed, version] of [
  ['dist/simulator.js', 'dist/simulator.min.js', '1.6'],
  ['dist/simulator-201.js', 'dist/simulator-201.min.js', '2.0.1'],
]) {
  test(`an OCPP ${version} charging session stores the same names from the readable and the flashed bundle, and sends and answers no shortened name`, { timeout: 120000 }, async () => {
    const csms = new Csms({ heartbeatInterval: 300 });
    await csms.start();
    try {
      const tag = version.replace(/\./g, '');
      const [before, after] = await Promise.all([session(readable, csms, 'MANGLE-READABLE-' + tag), session(flashed, csms, 'MANGLE-FLASHED-' + tag)]);
      assert.ok(before.stored.size > 5, [...before.stored].join(' '));
      assert.deepEqual([...after.stored].sort(), [...before.stored].sort());
      // A name only the flashed bundle spells is a shortened one.
      const spelled = spelledNames(readable);
      const shortened = [...spelledNames(flashed)].filter((n) => !spelled.has(n));
      assert.ok(shortened.length > 100, shortened.length + ' shortened names');
      assert.ok(after.frames.size > 10 && after.state.size > 5, `${after.frames.size} message keys, ${after.state.size} state keys`);
      assert.deepEqual([...after.frames].filter((k) => !ocpp.has(k)), [], 'message keys that are no OCPP field');
      assert.deepEqual([...after.state].filter((k) => shortened.includes(k)), [], 'shortened names in the control API\'s state');
      assert.deepEqual([...after.state].filter((k) => !spelled.has(k)), [], 'control API state keys the readable bundle does not name');
    } finally {
      await csms.stop();
    }
  });
}
