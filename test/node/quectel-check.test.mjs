// The Quectel port compiles: port/quectel/*.c against the compile-check headers of the SDK
// functions it uses (firmware-shim/port/quectel/sdk-check/) and Debian's mbedTLS, with and
// without the optional host-ABI members, warnings as errors (firmware-shim/quectel-check.mjs).
// It proves consistent C, not SDK behaviour: the port's functions are untested without hardware.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildShim } from '../../firmware-shim/build.mjs';
import { quectelCheck, quectelCheckMissing } from '../../firmware-shim/quectel-check.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') }); // fetches QuickJS's headers
const skip = !shim.ok ? shim.reason : quectelCheckMissing();
if (skip) process.stderr.write(`quectel-check skipped: ${skip}\n`);

(skip ? () => {} : test)('every file of the Quectel port compiles against the SDK declarations it uses, with and without the optional members', () => {
  const results = quectelCheck();
  const failed = results.filter((r) => !r.ok);
  assert.deepEqual(failed.map((r) => `${r.file}${r.members ? ' +members' : ''}:\n${r.output}`), []);
  for (const file of ['port/quectel/members.c', 'port/quectel/crypto.c', 'port/quectel/main.c', 'port/quectel/net.c', 'port/quectel/hardware.c', 'port/quectel/board.c', 'src/hardware.c']) {
    assert.ok(results.some((r) => r.file === file && r.members && r.ok), `${file} was compiled`);
  }
});
