// Running the native host from tests (test/node/shim*.test.mjs) and benchmarks: spawn
// build/ocpp-host on a bundle, collect its log lines, wait for lines and for its exit.
//
//   const host = startHost(bundlePath, ['--url', url, '--id', 'CP-1']);
//   await host.waitFor(/booted/);
//   const { code, heapPeak, lines } = await host.exited;
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binary } from './build.mjs';

/**
 * The binary under test: build/ocpp-host, or OCPP_HOST_BINARY (a sanitizer build, say:
 * OCPP_HOST_BINARY=/tmp/asan/ocpp-host node test/run.mjs test/node/shim-host.test.mjs).
 */
export function hostBinary() {
  return process.env.OCPP_HOST_BINARY || binary;
}

/** "HH:MM:SS.mmm  ID  [level] text": the host's log line, as the simulator CLI prints it. */
const LOG_LINE = /^\d\d:\d\d:\d\d\.\d{3} {2}(\S+) {2}(?:\[(debug|warning|error)\] )?(.*)$/;
const HEAP_LINE = /^ocpp-host: heap peak (\d+) bytes/;
const NATIVE_RAM_LINE = /^ocpp-host: native RAM peak (\d+) bytes/;

/**
 * Starts ocpp-host. `lines` fills as it logs: { level: 'debug'|'info'|'warning'|'error', text }
 * (a multi-line text, e.g. an error with its stack, stays one entry).
 * @returns {{ child, lines: {level: string, text: string}[], output: () => string,
 *   waitFor: (pattern: RegExp, options?: { timeout?: number, from?: number }) => Promise<{level: string, text: string}>,
 *   exited: Promise<{ code: number, signal: string|null, lines: object[], heapPeak: number|null,
 *     nativeRamPeak: number|null, stdout: string, stderr: string }>,
 *   stop: (signal?: string) => Promise<object> }}
 * `runner`: the command that runs the binary, e.g. ['qemu-arm', '-L', sysroot] for the armhf
 * build (build.mjs ARMHF.runner). nativeRamPeak: where the binary counts every malloc.
 */
export function startHost(bundle, args, { timeout = 20000, binaryPath = hostBinary(), runner = [], env } = {}) {
  const [command, ...before] = [...runner, binaryPath];
  const child = spawn(command, [...before, bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env || process.env });
  const lines = [];
  let stdout = '';
  let stderr = '';
  let heapPeak = null;
  let nativeRamPeak = null;
  let pending = '';
  const waiters = new Set();
  const check = () => {
    for (const w of waiters) {
      const found = lines.slice(w.from).find((l) => w.pattern.test(l.text));
      if (found) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(found);
      }
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop();
    for (const line of parts) {
      const m = LOG_LINE.exec(line);
      const heap = HEAP_LINE.exec(line);
      const ram = NATIVE_RAM_LINE.exec(line);
      if (heap) heapPeak = Number(heap[1]);
      if (ram) nativeRamPeak = Number(ram[1]);
      if (m) lines.push({ level: m[2] || 'info', text: m[3] });
      else if (lines.length && !line.startsWith('ocpp-host: ')) lines[lines.length - 1].text += '\n' + line;
    }
    check();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const output = () => stdout + stderr;
  let killer;
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error(`ocpp-host exited (${code ?? signal}) before logging ${w.pattern}; output:\n${output()}`));
      }
      waiters.clear();
      resolve({ code, signal, lines, heapPeak, nativeRamPeak, stdout, stderr });
    });
  });
  // A host that does not end on its own within `timeout` is killed: the test then fails on
  // its exit code instead of hanging.
  killer = setTimeout(() => child.kill('SIGKILL'), timeout);
  return {
    child,
    lines,
    output,
    exited,
    waitFor(pattern, { timeout: wait = 10000, from = 0 } = {}) {
      return new Promise((resolve, reject) => {
        const w = { pattern, from, resolve, reject };
        w.timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`ocpp-host did not log ${pattern} within ${wait} ms; output:\n${output()}`));
        }, wait);
        waiters.add(w);
        check();
      });
    },
    stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

/** Writes guest code to a file in `dir` and runs it as the bundle; resolves when it ends. */
let guestSeq = 0;
export function runGuest(dir, code, args, options) {
  const file = join(dir, `guest-${++guestSeq}.js`);
  writeFileSync(file, code);
  return startHost(file, args, options).exited;
}

/**
 * The heap a running host reports now (SIGUSR1, asked again each second until it answers):
 * its `heap now N bytes` figure.
 */
export async function heapNow(host, { timeout = 10000 } = {}) {
  let m;
  for (let waited = 0; !m && waited < timeout; waited += 100) {
    if (waited % 1000 === 0) host.child.kill('SIGUSR1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    m = /heap now (\d+) bytes/.exec(host.output());
  }
  if (!m) throw new Error(`no memory report after SIGUSR1:\n${host.output()}`);
  return Number(m[1]);
}

/**
 * The answers a guest logs (`answers <JSON>`, then exit 0) when `change(bundle)` has been done to
 * its file once it logged `ready`: how a host meets a bundle file that changed under it.
 */
export async function answersAfterChange(bundle, args, change) {
  const host = startHost(bundle, args);
  await host.waitFor(/^ready$/);
  change(bundle);
  const r = await host.exited;
  if (r.code !== 0) throw new Error(`ocpp-host ended with ${r.code}:\n${r.stdout}${r.stderr}`);
  const line = r.lines.find((l) => l.text.startsWith('answers '));
  if (!line) throw new Error(`no answers line:\n${r.stdout}`);
  return JSON.parse(line.text.slice('answers '.length));
}

/**
 * A throw-away PKI made with the openssl CLI: a CA, a server certificate for 127.0.0.1 and
 * a client certificate for `clientId`. PEM texts.
 */
export function makeTestPki(clientId) {
  const dir = mkdtempSync(join(process.env.TMPDIR || '/tmp', 'shim-pki-'));
  const openssl = (...args) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  const newKey = (name) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const sign = (name, subject, extension) => {
    newKey(name);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), `${extension}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  };
  newKey('ca');
  openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=Shim Test CA', '-days', '2', '-out', 'ca.pem');
  sign('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1');
  sign('client', `/CN=${clientId}`, 'extendedKeyUsage=clientAuth');
  const pem = (f) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    files: { ca: join(dir, 'ca.pem'), clientCert: join(dir, 'client.pem'), clientKey: join(dir, 'client.key') },
    ca: pem('ca.pem'),
    serverKey: pem('server.key'),
    serverCert: pem('server.pem'),
    clientKey: pem('client.key'),
    clientCert: pem('client.pem'),
  };
}

export const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
