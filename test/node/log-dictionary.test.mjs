// Log codes (build/log-dictionary.mjs, sim/log-dictionary.mjs, HostABI.logCode): the minified
// bundles pass a code and its arguments instead of their log texts, and the host formats the
// line from the dictionary beside the bundle. What must hold:
// - a session's log lines are the same text with codes as with the texts, on both hosts (the
//   simulator and the native host, the script and its bytecode, whose --compile takes the
//   dictionary along);
// - a host given another build's dictionary, a malformed one or none prints the code and its
//   arguments raw (`log#17 "a" "b"`), the same on both hosts, and never a wrong text;
// - the build codes only the calls it can prove are the HAL logger's, with the text the call
//   would have made: numbers added before the first text, templates, objects' own toString;
//   a logger that another value reaches, or a text it cannot take apart, stays as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { bundleFile, root, SIMULATOR } from '../../build/build.mjs';
import { compileProject, codedDir } from '../../build/log-dictionary.mjs';
import { buildShim } from '../../firmware-shim/build.mjs';
import { runGuest, startHost } from '../../firmware-shim/testing.mjs';
import { DEFAULT_BUNDLE, SimulatedStation } from '../../sim/host.mjs';
import { Csms } from '../../sim/csms.mjs';
import { dictionaryFile, dictionaryLine, dictionaryPath, formatLogCode, parseDictionary, rawLine } from '../../sim/log-dictionary.mjs';

// The hosts' dictionary where none lies beside the bundle: this file's tests say which.
delete process.env.OCPP_LOG_DICTIONARY;
const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`log-dictionary: the native host's tests skipped: ${shim.reason}\n`);
const native = shim.ok ? test : () => {};

const dir = mkdtempSync(join(tmpdir(), 'log-dictionary-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// ---- the dictionary and the hosts' formatting -------------------------------------------

const LINES = [dictionaryLine(['connector ', ': ', ' {braces} \\ back']), dictionaryLine(['no arguments']), dictionaryLine(['line\nbreak ', ''])];
const DICTIONARY = dictionaryFile(LINES);
const OTHER = dictionaryFile(['connector {}: other text {}', 'no arguments', 'x{}']);

test('the dictionary file: its lines escape braces, backslashes and line breaks; formatLogCode gives the text, else the raw line', () => {
  assert.ok(DICTIONARY.text.startsWith('//@ocpp-log-dictionary ' + DICTIONARY.id + ' 3\n'));
  assert.equal(LINES[0], 'connector {}: {} \\{braces} \\\\ back');
  const d = parseDictionary(DICTIONARY.text);
  assert.equal(formatLogCode(d, DICTIONARY.id, 1, ['2', 'Charging']), 'connector 2: Charging {braces} \\ back');
  assert.equal(formatLogCode(d, DICTIONARY.id, 2, []), 'no arguments');
  assert.equal(formatLogCode(d, DICTIONARY.id, 3, ['x']), 'line\nbreak x');
  assert.equal(formatLogCode(d, OTHER.id, 1, ['2', 'x']), 'log#1 "2" "x"', 'another build');
  assert.equal(formatLogCode(d, DICTIONARY.id, 1, ['2']), 'log#1 "2"', 'another number of places');
  assert.equal(formatLogCode(d, DICTIONARY.id, 4, []), 'log#4', 'no such code');
  assert.equal(formatLogCode(null, DICTIONARY.id, 2, ['"q"\n']), rawLine(2, ['"q"\n']));
  assert.equal(rawLine(2, ['"q"\n']), 'log#2 "\\"q\\"\\n"');
  assert.equal(parseDictionary(DICTIONARY.text.replace(' 3\n', ' 4\n')), null, 'a count that does not match');
  assert.equal(dictionaryPath('dist/firmware.min.js'), 'dist/firmware.min.logdict');
  assert.equal(dictionaryPath('/tmp/x/firmware.qjbc'), '/tmp/x/firmware.logdict');
});

// A guest that names a dictionary and logs through logCode: code 1 with two arguments, code 2,
// code 3 (a line break in the text), code 1 with one argument, code 9, and one below the level.
const guest = (id) => `
ocppHost.logDictionary = ${JSON.stringify(id)};
ocppHost.logCode(20, 1, '2', 'Charging é ✓');
ocppHost.logCode(30, 2);
ocppHost.logCode(40, 3, 'x');
ocppHost.logCode(20, 1, '"quoted"\\t');
ocppHost.logCode(20, 9);
ocppHost.logCode(10, 2);
ocppHost.exit(0);
`;
const GIVEN = ['connector 2: Charging é ✓ {braces} \\ back', 'no arguments', 'line\nbreak x', 'log#1 "\\"quoted\\"\\t"', 'log#9'];
const RAW = ['log#1 "2" "Charging é ✓"', 'log#2', 'log#3 "x"', 'log#1 "\\"quoted\\"\\t"', 'log#9'];

/** The guest as a file in a folder of its own, with `dictionary` (text) beside it or none. */
function guestFile(name, id, dictionary) {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'guest.js');
  writeFileSync(file, guest(id));
  if (dictionary !== null) writeFileSync(dictionaryPath(file), dictionary);
  return file;
}

async function simulatorLines(file) {
  const station = new SimulatedStation({ dataDir: dir, bundle: file, settings: { id: 'LOG-GUEST', url: 'ws://127.0.0.1:9' } });
  const lines = [];
  station.on('log', (e) => e.source === 'bundle' && lines.push(e.text));
  await station.start();
  const r = await station.exited;
  assert.equal(r.code, 0, r.reason);
  return lines;
}

async function nativeLines(file) {
  const r = await startHost(file, ['--url', 'ws://127.0.0.1:9', '--id', 'LOG-GUEST', '--data-dir', dir]).exited;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.lines.filter((l) => !/^(ws#|exit |exited )/.test(l.text)).map((l) => l.text);
}

const CASES = [
  ['its own dictionary: the texts', DICTIONARY.id, DICTIONARY.text, GIVEN],
  ['another build\'s dictionary: raw', DICTIONARY.id, OTHER.text, RAW],
  ['a dictionary of another id than the bundle names: raw', OTHER.id, DICTIONARY.text, RAW],
  ['no dictionary: raw', DICTIONARY.id, null, RAW],
  ['a malformed dictionary: raw', DICTIONARY.id, DICTIONARY.text.replace(' 3\n', ' 7\n'), RAW],
  ['a dictionary with a broken escape: that line raw', DICTIONARY.id, DICTIONARY.text.replace('\\\\ back', '\\q back'), [RAW[0], ...GIVEN.slice(1)]],
];

for (const [what, id, dictionary, expected] of CASES) {
  test(`logCode on the simulator host, ${what}`, async () => {
    assert.deepEqual(await simulatorLines(guestFile('sim-' + CASES.findIndex((c) => c[0] === what), id, dictionary)), expected);
  });
  native(`logCode on the native host, ${what}`, async () => {
    assert.deepEqual(await nativeLines(guestFile('native-' + CASES.findIndex((c) => c[0] === what), id, dictionary)), expected);
  });
}

test('a bundle without a dictionary beside it: the one OCPP_LOG_DICTIONARY names, on both hosts', async () => {
  const file = guestFile('named', DICTIONARY.id, null);
  const named = join(dir, 'named', 'elsewhere.logdict');
  writeFileSync(named, DICTIONARY.text);
  process.env.OCPP_LOG_DICTIONARY = named;
  try {
    assert.deepEqual(await simulatorLines(file), GIVEN);
    if (shim.ok) assert.deepEqual(await nativeLines(file), GIVEN);
    writeFileSync(dictionaryPath(file), OTHER.text);
    assert.deepEqual(await simulatorLines(file), RAW, 'the file beside the bundle comes first');
    if (shim.ok) assert.deepEqual(await nativeLines(file), RAW);
  } finally {
    delete process.env.OCPP_LOG_DICTIONARY;
  }
});

native('the native host\'s --compile takes the dictionary along: the bytecode logs the texts', async () => {
  const file = guestFile('compiled', DICTIONARY.id, DICTIONARY.text);
  const out = join(dir, 'compiled', 'out', 'guest.qjbc');
  mkdirSync(join(dir, 'compiled', 'out'));
  const r = await startHost(file, ['--compile', out]).exited;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(readFileSync(dictionaryPath(out), 'utf8'), DICTIONARY.text);
  assert.deepEqual(await nativeLines(out), GIVEN);
});

// ---- a session, with codes and with texts ------------------------------------------------

// The same minified bundle built with its texts (no dictionary beside it).
let texts;
before(async () => {
  texts = join(dir, 'texts', 'simulator.min.js');
  await bundleFile(SIMULATOR.entry, { minify: true, outfile: texts, served201: 'station', parts: true, logCodes: false });
});
// A CSMS for each session (its transaction ids start at 1), stopped after the file's tests.
const servers = [];
async function freshCsms() {
  const server = new Csms({ heartbeatInterval: 300 });
  servers.push(server);
  await server.start();
  return server;
}
after(async () => {
  for (const c of servers) await c.stop();
});

// What differs between two runs: the energy (it follows the clock) and the CSMS's port.
const steady = (lines) => lines.map((l) => l.replace(/\d+ Wh\)/g, 'N Wh)').replace(/127\.0\.0\.1:\d+/g, 'CSMS'));

test('the flashed bundles carry codes, not their log texts, and their dictionary lies beside them', () => {
  const coded = readFileSync(DEFAULT_BUNDLE, 'utf8');
  assert.ok(existsSync(dictionaryPath(DEFAULT_BUNDLE)), 'dist/simulator.min.logdict');
  const d = parseDictionary(readFileSync(dictionaryPath(DEFAULT_BUNDLE), 'utf8'));
  assert.ok(d.lines.includes('booted ({}, heartbeat {} s)'));
  assert.ok(!coded.includes('transaction started for '), 'a log text is not in the minified bundle');
  assert.ok(coded.includes(JSON.stringify(d.id)), 'the bundle names its dictionary');
  assert.ok(readFileSync(texts, 'utf8').includes('transaction started for '), 'the texts twin has it');
  assert.ok(readFileSync(join(root, 'dist', 'simulator.js'), 'utf8').includes('transaction started for '), 'the readable bundle keeps its texts');
});

/** A session's bundle log lines on the simulator host (at debug level). */
async function simulatorSession(bundle) {
  const server = await freshCsms();
  const station = new SimulatedStation({ dataDir: mkdtempSync(join(dir, 'sim-')), bundle, logLevel: 'debug', settings: { url: server.url, id: 'LOG-SESSION', connectors: 2, idTag: 'DEMO-TAG', scenario: 'session', duration: 3 } });
  const lines = [];
  station.on('log', (e) => e.source === 'bundle' && lines.push(e.text));
  await station.start();
  const r = await station.exited;
  assert.equal(r.code, 0, r.reason + '\n' + lines.join('\n'));
  return steady(lines);
}

test('a session on the simulator host: the same log lines with codes as with texts', { timeout: 120000 }, async () => {
  const [coded, plain] = await Promise.all([simulatorSession(DEFAULT_BUNDLE), simulatorSession(texts)]);
  assert.ok(coded.length >= 15, coded.join('\n'));
  assert.ok(coded.includes('booted (Accepted, heartbeat 300 s)'));
  assert.deepEqual(coded, plain);
  assert.ok(!coded.some((l) => l.startsWith('log#')), 'no raw line');
});

/** A session's log lines on the native host (its own lines but the sockets' left out). */
async function nativeSession(bundle) {
  const server = await freshCsms();
  const r = await startHost(bundle, ['--url', server.url, '--id', 'LOG-SESSION', '--data-dir', mkdtempSync(join(dir, 'nat-')), '--scenario', 'session', '--duration', '3', '--log-level', 'debug'], { timeout: 120000 }).exited;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return steady(r.lines.filter((l) => !/^(ws#|→|←|part )/.test(l.text)).map((l) => l.text));
}

native('a session on the native host, script and bytecode: the same log lines with codes as with texts', { timeout: 180000 }, async () => {
  const compiled = join(dir, 'compiled-session', 'simulator.qjbc');
  mkdirSync(join(dir, 'compiled-session'));
  const c = await startHost(DEFAULT_BUNDLE, ['--compile', compiled]).exited;
  assert.equal(c.code, 0, c.stdout + c.stderr);
  const [coded, plain] = await Promise.all([nativeSession(DEFAULT_BUNDLE), nativeSession(texts)]);
  assert.ok(coded.includes('booted (Accepted, heartbeat 300 s)'), coded.join('\n'));
  assert.deepEqual(coded, plain);
  assert.deepEqual(await nativeSession(compiled), plain, 'the bytecode too');
});

// ---- the build step ------------------------------------------------------------------------

// A project of its own: hal/index.ts as it is, and a module with the log calls to prove.
const FIXTURE = `
import { Logger, createHal } from '../hal/index';

interface Hardware { error(text: string): void; state(): number }
interface Recorder { info(text: string): void }
export function calls(hw: Hardware, record: (r: Recorder) => void) {
  const hal = createHal(ocppHost);
  const log: Logger = hal.log;
  const n = 2;
  const obj = { toString: () => 'OBJ' };
  const list = ['a', 'b'];
  log.info('plain literal');
  log.info('connector ' + n + ': ' + obj + ' ' + list + ' ' + true);
  log.warning(n + 1 + ' added first, then ' + n);
  log.error(\`template \${n * 3} and \${obj} {braces} \\\\ done\`);
  hal.log.debug('debug ' + n);
  log.info('nested ' + (n + 1) + ' ' + ('x' + n));
  const text = 'not taken apart';
  log.info(text);
  hw.error('hardware ' + n);
  record({ info: (t) => log.info('recorded ' + t) });
  const r: Recorder = { info: () => {} };
  r.info('a recorder reached by another value: ' + n);
}
`;

test('the build codes only the HAL logger\'s calls it can prove, and each coded line is the text the call made', { timeout: 120000 }, async () => {
  const project = join(dir, 'project');
  cpSync(join(root, 'hal'), join(project, 'hal'), { recursive: true });
  mkdirSync(join(project, 'src'));
  writeFileSync(join(project, 'src', 'fixture.ts'), FIXTURE);
  writeFileSync(join(project, 'tsconfig.json'), readFileSync(join(root, 'tsconfig.json'), 'utf8').replace(/"include": \[[^\]]*\]/, '"include": ["src/**/*.ts", "hal/**/*.ts"]'));
  cpSync(join(root, 'node_modules', 'tslib'), join(project, 'node_modules', 'tslib'), { recursive: true });
  const tscDir = join(project, '.build', 'tsc');
  const result = compileProject(project, tscDir);
  const coded = readFileSync(join(codedDir(tscDir), 'src', 'fixture.js'), 'utf8');
  const dictionary = parseDictionary(readFileSync(join(codedDir(tscDir), 'log-dictionary.logdict'), 'utf8'));
  assert.equal(result.id, dictionary.id);
  assert.ok(dictionary.lines.includes('connector {}: {} {} {}'), dictionary.lines.join('\n'));
  assert.ok(dictionary.lines.includes('{} added first, then {}'));
  assert.ok(dictionary.lines.includes('template {} and {} \\{braces} \\\\ done'));
  assert.ok(coded.includes("log.info(text)"), 'a variable stays as it is');
  assert.ok(coded.includes("hw.error('hardware ' + n)") || coded.includes('hw.error("hardware " + n)'), 'not a logger: as it is');
  assert.match(coded, /r\.info\(["']a recorder reached/, 'a logger type another value reaches: as it is');
  assert.ok(result.left.some((l) => /reached by another value at src\/fixture\.ts:\d+/.test(l.why)));
  assert.ok(!coded.includes('plain literal') && !coded.includes('added first'), 'the HAL logger\'s texts are gone');

  // Run both emits' calls() with a host that records every line: the same lines.
  const run = async (folder, withDictionary) => {
    const out = await esbuild.build({ entryPoints: [join(folder, 'src', 'fixture.js')], bundle: true, format: 'iife', globalName: 'fixture', write: false, platform: 'neutral', alias: { tslib: join(project, 'node_modules', 'tslib', 'tslib.es6.js') } });
    const lines = [];
    const host = {
      config: () => JSON.stringify({ logLevel: 'debug' }),
      ticks: () => 0,
      imei: () => '',
      iccid: () => '',
      exit: () => {},
      restart: () => {},
      log: (level, text) => lines.push(level + ' ' + text),
      ...(withDictionary && { logCode: (level, code, ...args) => lines.push(level + ' ' + formatLogCode(dictionary, host.logDictionary, code, args)) }),
    };
    const fn = new Function('ocppHost', out.outputFiles[0].text + '; return fixture;');
    fn(host).calls({ error: (t) => lines.push('hw ' + t), state: () => 0 }, (r) => r.info('x'));
    return lines;
  };
  const plain = await run(tscDir, false);
  assert.equal(plain.length, 9, plain.join('\n'));
  assert.deepEqual(await run(codedDir(tscDir), true), plain);
  const raw = await run(codedDir(tscDir), false);
  assert.ok(raw.includes('20 log#' + (dictionary.lines.indexOf('plain literal') + 1)), 'a host without logCode: the raw line ' + raw.join('\n'));
});
