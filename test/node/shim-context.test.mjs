// The native host's QuickJS context carries what an ES5 + Promise bundle uses and nothing
// else: the intrinsics left out are heap the module does not have to spend.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildShim } from '../../firmware-shim/build.mjs';
import { runGuest } from '../../firmware-shim/testing.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`shim-context skipped: ${shim.reason}\n`);
const shimTest = shim.ok ? test : () => {};

const dataDir = mkdtempSync(join(tmpdir(), 'shim-context-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const GLOBALS = ['Object', 'Function', 'Array', 'Error', 'TypeError', 'Number', 'Boolean', 'String', 'Math', 'Date', 'RegExp', 'JSON', 'Promise', 'Symbol', 'Reflect', 'Proxy', 'Map', 'Set', 'WeakMap', 'WeakSet', 'ArrayBuffer', 'Uint8Array', 'DataView', 'BigInt'];

shimTest('the context has the ES5 + Promise intrinsics, and no Proxy, Map/Set, typed arrays or BigInt', async () => {
  const code = `var names = ${JSON.stringify(GLOBALS)};
    var present = names.filter(function (n) { return typeof globalThis[n] !== 'undefined'; });
    ocppHost.log(20, 'present ' + present.join(','));
    var p = Promise.resolve(1).then(function () {
      ocppHost.log(20, 'works ' + [JSON.stringify({ a: [1] }), /^a(b+)$/.exec('abb')[1], new Date(0).toISOString(), Math.max(1, 2), typeof ''.normalize].join(' '));
      ocppHost.exit(0);
    });`;
  const r = await runGuest(dataDir, code, ['--url', 'ws://127.0.0.1:9/ocpp', '--id', 'CTX-1', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const said = r.lines.map((l) => l.text);
  const present = said.find((t) => t.startsWith('present ')).slice('present '.length).split(',');
  assert.deepEqual(present, ['Object', 'Function', 'Array', 'Error', 'TypeError', 'Number', 'Boolean', 'String', 'Math', 'Date', 'RegExp', 'JSON', 'Promise', 'Symbol', 'Reflect']);
  assert.ok(said.includes('works {"a":[1]} bb 1970-01-01T00:00:00.000Z 2 undefined'), said.join('\n'));
});
