// The build of a station of one's own (`npm run build -- --entry … --out …`): the same ES5
// proof, minified twin and size report as the firmware's; and `npm start` / `npm test` build
// only when an input changed (build/setup.mjs, build/build-inputs.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../../build/build.mjs';
import { inputsFingerprint } from '../../build/build-inputs.mjs';

const node = (args) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

test('bad build flags are refused with a reason', () => {
  for (const [args, why] of [
    [['--entry', 'examples/minimal-station.ts'], /--entry needs --out/],
    [['--entry', 'examples/no-such.ts', '--out', 'dist/x.js'], /no-such\.ts: no such file/],
    [['--entry', '/tmp/elsewhere.ts', '--out', 'dist/x.js'], /outside the project folder/],
    [['--entry', 'examples/minimal-station.ts', '--out', 'dist/x.min.js'], /a \.js file name is needed/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ]) {
    const r = node(['build/build.mjs', ...args]);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, why);
  }
});

test('npm test / npm start do not build again when nothing changed', () => {
  // The suite runs after build/setup.mjs --if-changed: the firmware is up to date now.
  const before = statSync(join(root, 'dist/firmware.min.js')).mtimeMs;
  const r = node(['build/setup.mjs', '--if-changed', '--dry-run']); // says, never builds (other tests read dist/)
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /build: dist\/firmware\.js is up to date/);
  assert.equal(statSync(join(root, 'dist/firmware.min.js')).mtimeMs, before, 'dist/ untouched');
  // The features are part of the fingerprint: the same inputs with other features are another build.
  const cut = node(['build/setup.mjs', '--if-changed', '--dry-run', '--features', 'core,remote-trigger']);
  assert.equal(cut.status, 1, cut.stdout + cut.stderr);
  assert.match(cut.stdout, /build: dist\/firmware\.js would be built/);
});

test('the build fingerprint changes with any source, generator or dependency, and only then', () => {
  const dir = mkdtempSync(join(tmpdir(), 'build-inputs-'));
  try {
    for (const d of ['src/ocpp/v16/generated', 'src/ocpp/v201/generated', 'build', 'hal']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'src/a.ts'), 'export const a = 1;');
    writeFileSync(join(dir, 'build/gen-x.mjs'), '// generator');
    writeFileSync(join(dir, 'package-lock.json'), '{}');
    const first = inputsFingerprint(dir);
    assert.equal(inputsFingerprint(dir), first, 'stable');
    writeFileSync(join(dir, 'src/ocpp/v16/generated/types.ts'), 'generated');
    writeFileSync(join(dir, 'src/ocpp/v201/generated/schemas.ts'), 'generated');
    assert.equal(inputsFingerprint(dir), first, 'the generated output is not an input');
    mkdirSync(join(dir, 'bench'));
    writeFileSync(join(dir, 'bench/results.json'), '{"date":"a bench run"}');
    assert.equal(inputsFingerprint(dir), first, "the benchmark's results are not an input");
    for (const [file, text] of [['src/a.ts', 'export const a = 2;'], ['build/gen-x.mjs', '// generator 2'], ['package-lock.json', '{"v":2}'], ['hal/new.ts', ''], ['bench/run.mjs', '// bench']]) {
      const was = inputsFingerprint(dir);
      writeFileSync(join(dir, file), text);
      assert.notEqual(inputsFingerprint(dir), was, file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
