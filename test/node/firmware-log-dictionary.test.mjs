// A firmware image brings its log dictionary (README "Log codes"): an UpdateFirmware of another
// build logs that build's texts from its first boot on, on both hosts, because the image carries
// its dictionary as a section of the file (sim/bundle-parts.mjs withLogDictionary for a script,
// ocpp-host --compile for bytecode), installed with it as one file. What must hold:
// - the factory bundle logs with the dictionary beside it; the installed image, built with
//   another dictionary, logs its own texts (before: raw `log#N` lines, the factory's dictionary
//   being another build's);
// - an image without a dictionary keeps working: raw lines, never the factory's texts;
// - an image with parts and a dictionary loads its parts; the download's check compiles the
//   code only, not the dictionary behind it; the bytecode --compile makes carries the dictionary.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildShim } from '../../firmware-shim/build.mjs';
import { startHost } from '../../firmware-shim/testing.mjs';
import { DEFAULT_BUNDLE, SimulatedStation } from '../../sim/host.mjs';
import { carriedDictionary, loadableSection, mainSection, readParts, withLogDictionary } from '../../sim/bundle-parts.mjs';
import { dictionaryFile, dictionaryPath, firmwareImage } from '../../sim/log-dictionary.mjs';

// No dictionary but the ones this file puts beside its bundles.
delete process.env.OCPP_LOG_DICTIONARY;
const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`firmware-log-dictionary: the native host's tests skipped: ${shim.reason}\n`);
const native = shim.ok ? test : () => {};

const dir = mkdtempSync(join(tmpdir(), 'firmware-log-dictionary-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FACTORY = dictionaryFile(['factory {}', 'factory two']);
const NEW = dictionaryFile(['connector {}: now {}', 'installed, without arguments', 'part {} loaded']);

// The new build: logs code 1 and 2 of its dictionary (and, with parts, loads one that logs code 3).
const NEW_GUEST = `ocppHost.logDictionary = ${JSON.stringify(NEW.id)};
ocppHost.logCode(20, 1, '2', 'Charging');
ocppHost.logCode(30, 2);
ocppHost.exit(0);
`;
const PARTED_MAIN = `ocppHost.logDictionary = ${JSON.stringify(NEW.id)};
ocppHost.logCode(20, 1, '1', 'Preparing');
ocppHost.partLoad('extra').create();
ocppHost.exit(0);
`;
const PART = `({ create: function () { ocppHost.logCode(20, 3, 'extra'); } })\n`;
/** A script with one part, as build/parts.mjs lays it out. */
function partedScript() {
  const main = Buffer.from(PARTED_MAIN);
  const part = Buffer.from(PART);
  return Buffer.concat([main, part, Buffer.from(`//@ocpp-parts 0a1b2c ${main.length} extra:${main.length}:${part.length}\n`)]);
}

// The factory bundle: downloads the image at `path`, installs it and restarts into it.
const factoryGuest = (url) => `ocppHost.logDictionary = ${JSON.stringify(FACTORY.id)};
ocppHost.logCode(20, 1, 'boot');
ocppHost.firmwareDownload(${JSON.stringify(url)}, {
  ondone: function () {
    ocppHost.firmwareInstall({
      ondone: function () { ocppHost.restart(); },
      onerror: function (e) { ocppHost.log(40, 'install: ' + e); ocppHost.exit(3); },
    });
  },
  onerror: function (e) { ocppHost.log(40, 'download: ' + e); ocppHost.exit(2); },
});
`;

const images = {};
let server;
let base;
before(async () => {
  images['/with.js'] = withLogDictionary(NEW_GUEST, NEW.text);
  images['/without.js'] = Buffer.from(NEW_GUEST);
  images['/parted.js'] = withLogDictionary(partedScript(), NEW.text);
  server = createServer((req, res) => {
    const image = images[req.url];
    if (!image) res.writeHead(404);
    res.end(image);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

/** The factory bundle in a folder of its own, its dictionary beside it. */
let seq = 0;
function factoryFile(path) {
  const folder = join(dir, `case-${++seq}`);
  mkdirSync(folder);
  const file = join(folder, 'factory.js');
  writeFileSync(file, factoryGuest(base + path));
  writeFileSync(dictionaryPath(file), FACTORY.text);
  return { file, folder };
}

const bundleLines = (texts) => texts.filter((t) => /^(factory|connector|installed|part|log#|download|install:)/.test(t));

async function simulatorLines(path) {
  const { file, folder } = factoryFile(path);
  const station = new SimulatedStation({ dataDir: folder, bundle: file, settings: { id: 'OTA-LOG', url: 'ws://127.0.0.1:9' } });
  const texts = [];
  station.on('log', (e) => e.source === 'bundle' && texts.push(e.text));
  await station.start();
  const r = await station.exited;
  assert.equal(r.code, 0, r.reason + '\n' + texts.join('\n'));
  return bundleLines(texts);
}

async function nativeLines(path) {
  const { file, folder } = factoryFile(path);
  const r = await startHost(file, ['--url', 'ws://127.0.0.1:9', '--id', 'OTA-LOG', '--data-dir', folder]).exited;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return bundleLines(r.lines.map((l) => l.text));
}

const TEXTS = ['factory boot', 'connector 2: now Charging', 'installed, without arguments'];
const RAW = ['factory boot', 'log#1 "2" "Charging"', 'log#2'];
const PARTED = ['factory boot', 'connector 1: now Preparing', 'part extra loaded'];

test('an image with its dictionary: the layout names it after the parts, and the code is what it was', () => {
  const plain = images['/with.js'];
  assert.equal(mainSection(plain).toString(), NEW_GUEST);
  assert.equal(carriedDictionary(plain), NEW.text);
  assert.equal(loadableSection(plain).toString(), NEW_GUEST, 'the code the download checks: not the dictionary');
  assert.equal(carriedDictionary(Buffer.from(NEW_GUEST)), null);
  const parted = images['/parted.js'];
  const layout = readParts(parted);
  assert.equal(layout.id, '0a1b2c');
  assert.equal(mainSection(parted).toString(), PARTED_MAIN);
  assert.equal(parted.subarray(layout.parts.extra[0], layout.parts.extra[0] + layout.parts.extra[1]).toString(), PART);
  assert.equal(carriedDictionary(parted), NEW.text);
  assert.deepEqual(withLogDictionary(parted, FACTORY.text), withLogDictionary(partedScript(), FACTORY.text), 'a dictionary carried is replaced');
  assert.equal(carriedDictionary(withLogDictionary(parted, FACTORY.text)), FACTORY.text);
});

test('the flashed bundle\'s image (firmwareImage): its parts and code as they were, its dictionary inside', () => {
  const bytes = readFileSync(DEFAULT_BUNDLE);
  const image = firmwareImage(DEFAULT_BUNDLE);
  assert.deepEqual(readParts(image).parts, readParts(bytes).parts);
  assert.deepEqual(mainSection(image), mainSection(bytes));
  assert.equal(carriedDictionary(image), readFileSync(dictionaryPath(DEFAULT_BUNDLE), 'utf8'));
});

for (const [what, path, expected] of [
  ['an image that carries its dictionary: the new build\'s texts', '/with.js', TEXTS],
  ['an image without a dictionary: raw lines, not the factory\'s texts', '/without.js', RAW],
  ['an image with parts and its dictionary: its texts, its part loaded', '/parted.js', PARTED],
]) {
  test(`UpdateFirmware on the simulator host, ${what}`, async () => {
    assert.deepEqual(await simulatorLines(path), expected);
  });
  native(`UpdateFirmware on the native host, ${what}`, async () => {
    assert.deepEqual(await nativeLines(path), expected);
  });
}

native('the bytecode ocpp-host --compile makes carries the dictionary, and an UpdateFirmware of it logs its texts', async () => {
  const folder = join(dir, 'compile');
  mkdirSync(folder);
  const script = join(folder, 'new.js');
  writeFileSync(script, NEW_GUEST);
  writeFileSync(dictionaryPath(script), NEW.text);
  const out = join(folder, 'new.qjbc');
  const c = await startHost(script, ['--compile', out]).exited;
  assert.equal(c.code, 0, c.stdout + c.stderr);
  const bytecode = readFileSync(out);
  assert.equal(carriedDictionary(bytecode), NEW.text);
  images['/new.qjbc'] = bytecode;
  assert.deepEqual(await nativeLines('/new.qjbc'), TEXTS);
  // a script that carries one already: that one goes into the bytecode
  const parted = join(folder, 'parted.js');
  writeFileSync(parted, images['/parted.js']);
  const out2 = join(folder, 'parted.qjbc');
  const c2 = await startHost(parted, ['--compile', out2]).exited;
  assert.equal(c2.code, 0, c2.stdout + c2.stderr);
  assert.equal(carriedDictionary(readFileSync(out2)), NEW.text);
  assert.ok(readParts(readFileSync(out2)).parts.extra, 'its part too');
  images['/parted.qjbc'] = readFileSync(out2);
  assert.deepEqual(await nativeLines('/parted.qjbc'), PARTED);
});
