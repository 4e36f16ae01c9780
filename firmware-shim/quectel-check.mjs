// The Quectel port's compile check: every port/quectel/*.c (and the portable sources the
// port adds to the module's build, src/members.c and src/firmware.c) compiled with the host's
// C compiler against port/quectel/sdk-check/ — minimal headers that declare exactly the
// QuecOpen SDK functions, types and constants the port uses — and Debian's mbedTLS headers,
// with and without the optional members. -Werror: a warning is a failure.
//
// It proves the port is consistent C (every SDK call as declared, nothing undeclared, the
// port and the host agree on port.h and members.h); not that the SDK behaves as assumed, nor
// that the declarations match a given SDK version to the letter (sdk-check/README.md).
//
//   node firmware-shim/quectel-check.mjs      (test/node/quectel-check.test.mjs runs it)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shimDir } from './build.mjs';

const quectel = join(shimDir, 'port', 'quectel');
const quickjs = join(shimDir, 'vendor', 'quickjs-2021-03-27');

/** Why the check cannot run here, or null. */
export function quectelCheckMissing() {
  if (spawnSync('cc', ['--version'], { stdio: 'ignore' }).status !== 0) return 'no C compiler';
  if (!existsSync('/usr/include/mbedtls/x509_crt.h')) return 'the mbedTLS headers are missing (Debian libmbedtls-dev)';
  if (!existsSync(join(quickjs, 'quickjs.h'))) return 'QuickJS is not fetched (npm run shim)';
  return null;
}

/** Compiles each file in both configurations; [{ file, members, ok, output }]. */
export function quectelCheck() {
  const files = [...readdirSync(quectel).filter((f) => f.endsWith('.c')).map((f) => join(quectel, f)), join(shimDir, 'src', 'members.c'), join(shimDir, 'src', 'firmware.c'), join(shimDir, 'src', 'hardware.c')];
  const results = [];
  for (const members of [true, false]) {
    for (const file of files) {
      if (!members && (file.endsWith('members.c') || file.endsWith('crypto.c') || file.endsWith('firmware.c'))) continue;
      const args = ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', '-Wno-missing-field-initializers', '-fsyntax-only',
        `-I${join(quectel, 'sdk-check')}`, `-I${join(shimDir, 'src')}`, '-isystem', quickjs, '-DOCPP_LWIP', ...(members ? ['-DOCPP_HOST_MEMBERS', '-DOCPP_FIRMWARE_LIGHT_CHECK'] : []), file];
      const r = spawnSync('cc', args, { encoding: 'utf8' });
      results.push({ file: file.slice(shimDir.length + 1), members, ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() });
    }
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const missing = quectelCheckMissing();
  if (missing) {
    console.error(`quectel-check: ${missing}`);
    process.exit(1);
  }
  let failed = 0;
  for (const r of quectelCheck()) {
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file}${r.members ? ' (with the optional members)' : ''}`);
    if (!r.ok) {
      failed++;
      console.log(r.output);
    }
  }
  process.exit(failed ? 1 : 0);
}
