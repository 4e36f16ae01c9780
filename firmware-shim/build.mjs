// `npm run shim`: builds the native firmware host, firmware-shim/build/ocpp-host (POSIX port).
//
//   1. the toolchain: a C compiler, make, pkg-config, libwebsockets, OpenSSL and libcurl headers;
//      missing ones are installed with apt-get when we may (root on Debian), else named;
//   2. QuickJS 2021-03-27, from the npm registry: the `qjsc` package ships its C sources
//      under deps/. `npm pack` fetches the tarball (checked against the pinned integrity),
//      deps/ is unpacked into vendor/, the patches of patches/ are applied (each a small
//      fix or memory cut, named and explained in README) and `make libquickjs.a` builds it
//      once (about 30 s); a stamp file (the package, its integrity and the patches' hash)
//      makes later runs skip this, and a changed patch rebuilds it;
//   3. `make` in firmware-shim/ compiles the shim (incremental, a few seconds): ocpp-host
//      (libwebsockets) and ocpp-host-sockets (the Quectel port's websocket client).
//
//   npm run shim -- --target armhf
// cross-builds for 32-bit ARM (ARMv7-A hard-float, a module's word size) with Debian's
// gcc-arm-linux-gnueabihf: QuickJS's sources copied into vendor/armhf/ and built there once
// (its own stamp), then build/armhf/ocpp-host-sockets without TLS and with every malloc
// counted (Makefile TARGET=armhf). qemu-user runs it: qemu-arm -L /usr/arm-linux-gnueabihf.
//
// Tests import buildShim({ installPackages: false }) and skip with its `reason` when the
// toolchain is absent; CI (.ci/run) installs the packages first so they really run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const shimDir = dirname(fileURLToPath(import.meta.url));
export const binary = join(shimDir, 'build', 'ocpp-host');
/** The same host on the Quectel port's own websocket client (select + src/ws_engine.c). */
export const socketsBinary = join(shimDir, 'build', 'ocpp-host-sockets');

const QUICKJS = {
  package: 'qjsc@0.3.0',
  integrity: 'sha512-a7+cU6/IVcZbIejffdt/wZVMX6LL2MDL3HQ9Zb5Gm23G9DvBMS/z9GHFxz39bAvp2PvMOM+ypSOAyokt2DdZ2w==',
  sourceDir: 'package/deps/quickjs_2021_03_27',
  version: '2021-03-27',
};
const vendorDir = join(shimDir, 'vendor', `quickjs-${QUICKJS.version}`);
const stampFile = join(vendorDir, '.built-from');
/** Patches to the vendored sources, applied in name order with patch -p1 (README lists them). */
const patchesDir = join(shimDir, 'patches');
const patches = readdirSync(patchesDir).filter((name) => name.endsWith('.patch')).sort();
const patchesHash = createHash('sha256');
for (const name of patches) patchesHash.update(name).update(readFileSync(join(patchesDir, name)));
const stamp = `${QUICKJS.package} ${QUICKJS.integrity}\npatches ${patchesHash.digest('hex')}\n`;

/** The armhf build: Debian's cross compiler and qemu-user to run what it makes. */
export const ARMHF = {
  binary: join(shimDir, 'build', 'armhf', 'ocpp-host-sockets'),
  vendorDir: join(shimDir, 'vendor', 'armhf', `quickjs-${QUICKJS.version}`),
  cross: 'arm-linux-gnueabihf-',
  /** The armhf C library the cross compiler links against, for qemu-arm -L. */
  sysroot: '/usr/arm-linux-gnueabihf',
  /** How a test or the benchmark runs the binary: [command, ...arguments before it]. */
  runner: ['qemu-arm', '-L', '/usr/arm-linux-gnueabihf'],
  packages: [
    { name: 'gcc-arm-linux-gnueabihf', present: () => has('arm-linux-gnueabihf-gcc', ['--version']) },
    { name: 'libc6-dev-armhf-cross', present: () => existsSync('/usr/arm-linux-gnueabihf/include/stdio.h') },
    { name: 'qemu-user', present: () => has('qemu-arm', ['--version']) },
    { name: 'make', present: () => has('make', ['--version']) },
    { name: 'patch', present: () => has('patch', ['--version']) },
  ],
};

/** Debian packages the shim needs, with how to tell each is there. */
const PACKAGES = [
  { name: 'build-essential', present: () => has('cc', ['--version']) && has('make', ['--version']) },
  { name: 'pkg-config', present: () => has('pkg-config', ['--version']) },
  { name: 'patch', present: () => has('patch', ['--version']) },
  { name: 'libwebsockets-dev', present: () => has('pkg-config', ['--exists', 'libwebsockets']) },
  { name: 'libssl-dev', present: () => has('pkg-config', ['--exists', 'openssl']) },
  // the optional host-ABI members: firmware download, diagnostics upload (make MEMBERS=0 builds without)
  { name: 'libcurl4-openssl-dev', present: () => has('pkg-config', ['--exists', 'libcurl']) },
];

function has(command, args) {
  const r = spawnSync(command, args, { stdio: 'ignore' });
  return r.status === 0;
}

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    const output = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}):\n${output}`);
  }
  return r.stdout;
}

/** Names of the missing packages; installs them first when allowed and possible. */
function ensurePackages({ installPackages, say, packages = PACKAGES }) {
  let missing = packages.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length === 0) return [];
  const canInstall = installPackages && process.platform === 'linux' && process.getuid?.() === 0 && has('apt-get', ['--version']);
  if (!canInstall) return missing;
  say(`shim: installing ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
  missing = packages.filter((p) => !p.present()).map((p) => p.name);
  return missing;
}

/**
 * Runs fn holding firmware-shim/vendor/.lock, so that two builds at once (npm test's prebuild,
 * test/prebuild-native.mjs, and a test file's own) never write the same files. A lock whose holder has died is taken over.
 */
function withBuildLock(fn) {
  const lock = join(shimDir, 'vendor', '.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 20 * 60 * 1000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // being created: its holder writes the pid next
    }
    if (holder && !isAlive(holder)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another shim build (pid ${holder}) has held ${lock} for 20 minutes`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** QuickJS sources from the registry, built into vendor/ once. */
function ensureQuickJS({ say }) {
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(join(vendorDir, 'libquickjs.a'))) return;
  say(`shim: fetching QuickJS ${QUICKJS.version} (npm pack ${QUICKJS.package}) and building libquickjs.a`);
  const work = mkdtempSync(join(tmpdir(), 'ocpp-shim-quickjs-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packed = JSON.parse(run(npm, ['pack', QUICKJS.package, '--json', '--pack-destination', work], { cwd: work }));
    const tarball = join(work, packed[0].filename);
    const integrity = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
    if (integrity !== QUICKJS.integrity) {
      throw new Error(`${QUICKJS.package}: integrity ${integrity} is not the pinned ${QUICKJS.integrity}`);
    }
    run('tar', ['-xzf', tarball, '-C', work, QUICKJS.sourceDir]);
    for (const name of patches) run('patch', ['-p1', '--forward', '--batch', '-i', join(patchesDir, name)], { cwd: join(work, QUICKJS.sourceDir) });
    rmSync(vendorDir, { recursive: true, force: true });
    mkdirSync(dirname(vendorDir), { recursive: true });
    renameSync(join(work, QUICKJS.sourceDir), vendorDir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const started = Date.now();
  run('make', ['-j2', 'libquickjs.a'], { cwd: vendorDir });
  writeFileSync(stampFile, stamp);
  say(`shim: libquickjs.a built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** QuickJS's sources again under vendor/armhf/, cross-built there once (its own stamp). */
function ensureQuickJSArmhf({ say }) {
  const dir = ARMHF.vendorDir;
  const crossStamp = `${stamp}${ARMHF.cross}\n`;
  const armStamp = join(dir, '.built-from');
  if (existsSync(armStamp) && readFileSync(armStamp, 'utf8') === crossStamp && existsSync(join(dir, 'libquickjs.a'))) return;
  ensureQuickJS({ say });
  say(`shim: cross-building QuickJS ${QUICKJS.version} for armhf (${ARMHF.cross}gcc)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(vendorDir, dir, { recursive: true, filter: (source) => !/\.(o|a)$|\/\.obj(\/|$)|\/\.built-from$/.test(source) });
  const started = Date.now();
  run('make', ['-j2', `CROSS_PREFIX=${ARMHF.cross}`, 'libquickjs.a'], { cwd: dir });
  writeFileSync(armStamp, crossStamp);
  say(`shim: armhf libquickjs.a built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * The armhf host, build/armhf/ocpp-host-sockets, when needed.
 * @returns {{ ok: true, binary: string, runner: string[] } | { ok: false, reason: string }}
 *   ok: false only when the cross tools are missing; a failing build throws.
 */
export function buildShimArmhf({ installPackages = false, say = () => {} } = {}) {
  const missing = ensurePackages({ installPackages, say, packages: ARMHF.packages });
  if (missing.length) {
    return {
      ok: false,
      reason: `the armhf build needs the Debian packages ${missing.join(', ')} (npm run shim -- --target armhf installs them as root; .ci/run does)`,
    };
  }
  withBuildLock(() => {
    ensureQuickJSArmhf({ say });
    run('make', ['-j2', '--no-print-directory', '-C', shimDir, 'TARGET=armhf']);
  });
  return { ok: true, binary: ARMHF.binary, runner: ARMHF.runner };
}

/**
 * Builds build/ocpp-host when needed.
 * @param {{ installPackages?: boolean, say?: (line: string) => void }} [options]
 * @returns {{ ok: true, binary: string } | { ok: false, reason: string }}
 *   ok: false only when the toolchain is missing; a failing build throws.
 */
export function buildShim({ installPackages = false, say = () => {} } = {}) {
  const missing = ensurePackages({ installPackages, say });
  if (missing.length) {
    return {
      ok: false,
      reason: `the native shim needs the Debian packages ${missing.join(', ')} (npm run shim installs them as root; .ci/run does)`,
    };
  }
  withBuildLock(() => {
    ensureQuickJS({ say });
    run('make', ['-j2', '--no-print-directory', '-C', shimDir]);
  });
  return { ok: true, binary };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { values } = parseArgs({ options: { target: { type: 'string', default: 'native' } } });
    const builders = { native: buildShim, armhf: buildShimArmhf };
    if (!builders[values.target]) throw new Error(`--target ${values.target}: the targets are native and armhf`);
    const result = builders[values.target]({ installPackages: true, say: (line) => console.log(line) });
    if (!result.ok) {
      console.error(`shim: ${result.reason}`);
      process.exit(1);
    }
    console.log(`shim: built ${result.binary}`);
  } catch (err) {
    console.error(`shim: ${err.message}`);
    process.exit(1);
  }
}
