// bench/atoms.mjs, the census of the atoms a bundle brings into QuickJS's heap: every atom of
// the flashed firmware's bytecode is counted once, in the class its use in the code says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFile, FIRMWARE, root } from '../../build/build.mjs';
import { buildShim } from '../../firmware-shim/build.mjs';
import { atomBytes, census, CLASSES, compile, bytecodeAtoms } from '../../bench/atoms.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`atoms-census skipped: ${shim.reason}\n`);
const shimTest = shim.ok ? test : () => {};

shimTest('every atom of the flashed firmware\'s bytecode is in one class, by how the code uses it', () => {
  const minified = join(root, 'dist', 'firmware.min.js');
  const c = census(minified, join(root, 'dist', 'firmware.js'));
  const table = bytecodeAtoms(compile(minified));
  assert.ok(table.length > 1000, table.length + ' atoms');
  assert.deepEqual(c.atoms.map((a) => a.text), table);
  assert.equal(new Set(table).size, table.length, 'the table names each atom once');
  const cls = new Map(c.atoms.map((a) => [a.text, a.cls]));
  const expected = {
    wsOpen: 'abi', // hal/host-abi.ts
    chargePointVendor: 'ocpp', // a BootNotification field
    SuspendedEVSE: 'ocpp', // a ChargePointStatus value
    reconnectMaxSeconds: 'settings', // hal/settings.ts
    'transaction queue: unreadable record skipped': 'log', // options.warn's
    'CALLERROR is not [4, id, code, description, details]': 'error',
  };
  // The validator tables are one text (textProtocol's): the atom holding the ChargePointStatus list as a line.
  const tables = table.filter((t) => t.indexOf('\nAvailable|Preparing|Charging|SuspendedEVSE|SuspendedEV|Finishing|Reserved|Unavailable|Faulted\n') >= 0);
  assert.equal(tables.length, 1, 'one atom holds the tables');
  expected[tables[0]] = 'schema';
  for (const [text, want] of Object.entries(expected)) assert.equal(cls.get(text), want, text);
  assert.ok(!cls.has('length'), 'QuickJS\'s predefined atoms are not in the file\'s table');
  const total = c.classes.reduce((s, k) => s + k.bytes, 0);
  assert.equal(total, table.reduce((s, t) => s + atomBytes(t), 0));
  assert.deepEqual(c.classes.map((k) => k.cls).sort(), CLASSES.map(([k]) => k).sort());
  assert.equal(atomBytes('ab'), 16 + 3 + 6);
  assert.equal(atomBytes('\u2026'), 16 + 2 + 6);
});

shimTest('the flashed firmware built with log codes: its bytecode holds a fraction of the log texts the same bundle with texts holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atoms-log-codes-'));
  try {
    const texts = join(dir, 'firmware.min.js');
    writeFileSync(texts, await bundleFile(FIRMWARE.entry, { minify: true, parts: true }));
    const logTexts = (minified) => census(minified, join(root, 'dist', 'firmware.js')).classes.find((k) => k.cls === 'log');
    const coded = logTexts(join(root, 'dist', 'firmware.min.js'));
    const plain = logTexts(texts);
    assert.ok(plain.count > 100, `${plain.count} log texts with texts`);
    assert.ok(coded.count * 3 < plain.count, `${coded.count} log texts left with codes, ${plain.count} with texts`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
