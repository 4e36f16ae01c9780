// What the optional host-ABI members cost in native RAM: the native host (the module's
// select loop, ocpp-host-sockets) built twice on this machine with every malloc of the
// process counted (port/posix/malloc_count.c) — with the members (libcurl, OpenSSL) and
// without (MEMBERS=0) — runs a guest that boots, then uses the members (a 200 KB firmware
// download with its check, a CSR with a new key pair, a 50 KB diagnostics upload). Measured
// in the process (SIGUSR1 reports): native RAM after boot with and without the members (what
// linking them keeps resident: libcurl's and OpenSSL's global state), after the members
// were used (what they keep once done), and the peak while they ran. x86-64: the armhf build
// has no libcurl / OpenSSL to link (Debian has none for armhf beside amd64's).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { shimDir } from '../firmware-shim/build.mjs';
import { scratchDir } from './stations.mjs';

const RAM_NOW = /^ocpp-host: native RAM now (\d+) bytes in (\d+) chunks, peak (\d+) bytes/;
const variants = {
  members: { build: 'build/ram-members', flags: ['MEMBERS=1'] },
  plain: { build: 'build/ram-plain', flags: ['MEMBERS=0'] },
};

/** Builds both variants (incremental); false when this machine cannot (no libcurl). */
export function buildMembersRam() {
  for (const v of Object.values(variants)) {
    const r = spawnSync('make', ['-j2', '--no-print-directory', '-C', shimDir, `BUILD=${v.build}`, 'NATIVE_RAM_COUNT=1', ...v.flags, `${v.build}/ocpp-host-sockets`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`members-ram build (${v.build}) failed:\n${r.stdout}${r.stderr}`);
  }
  return Object.values(variants).every((v) => existsSync(join(shimDir, v.build, 'ocpp-host-sockets')));
}

const GUEST = (base) => `
var members = typeof ocppHost.firmwareDownload === 'function';
var left = 3;
function done() { if (--left === 0) ocppHost.log(20, 'PHASE used'); }
ocppHost.timerStart(200, function () { ocppHost.log(20, 'PHASE booted'); });
ocppHost.timerStart(60000, function () { ocppHost.exit(0); });
function use() {
  if (!members) return ocppHost.log(20, 'PHASE used');
  var cb = { ondone: done, onerror: function (e) { ocppHost.log(40, 'member failed: ' + e); done(); } };
  ocppHost.firmwareDownload('${base}/image.js', cb);
  ocppHost.cryptoCreateCsr(JSON.stringify({ subject: { commonName: 'RAM-BENCH' } }), done);
  ocppHost.diagnosticsUpload('${base}/upload/', 'report.json', new Array(51201).join('d'), cb);
}
ocppHost.timerStart(1500, use);
`;

/** One variant's figures: { afterBoot, afterUse, peak } in bytes. */
async function measure(variant, base) {
  const scratch = scratchDir('members-ram');
  try {
    const guest = join(scratch.dir, 'guest.js');
    writeFileSync(guest, GUEST(base));
    const child = spawn(join(shimDir, variants[variant].build, 'ocpp-host-sockets'), [guest, '--url', 'ws://127.0.0.1:9/ocpp', '--id', `RAM-${variant}`, '--data-dir', scratch.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const reports = [];
    let waiting = null;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = RAM_NOW.exec(line);
      if (m) reports.push({ now: Number(m[1]), peak: Number(m[3]) });
      if (/PHASE (booted|used)/.test(line)) setTimeout(() => child.kill('SIGUSR1'), 300); // a moment to settle
      if (waiting && reports.length >= waiting.count) waiting.resolve();
    });
    const until = (count) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`members-ram ${variant}: no report ${count} within 30 s`)), 30000);
      waiting = { count, resolve: () => (clearTimeout(timer), resolve()) };
    });
    await until(2);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('close', resolve));
    return { afterBoot: reports[0].now, afterUse: reports[1].now, peak: reports[1].peak };
  } finally {
    scratch.remove();
  }
}

/** { members: {afterBoot, afterUse, peak}, plain: {...} }, or null when it cannot be built here. */
export async function measureMembersRam() {
  if (!buildMembersRam()) return null;
  const image = Buffer.from(`var image = "${'x'.repeat(200 * 1024)}";\n`);
  const server = createServer((req, res) => {
    if (req.method === 'GET') return res.end(image);
    req.resume();
    req.on('end', () => {
      res.writeHead(201);
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    return { members: await measure('members', base), plain: await measure('plain', base) };
  } finally {
    server.close();
  }
}
