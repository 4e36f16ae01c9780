// `npm test` (after build/setup.mjs has installed and built): the QuickJS tests, then the
// Node-side tests (node:test), then one closing line "N passed, N failed".
//   node test/run.mjs [--quickjs-only | --node-only] [files...]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from 'node:test';
import { spawn } from 'node:child_process';
import { bundleFile, root } from '../build/build.mjs';
import { runTestBundle, DEFAULT_MEMORY_LIMIT } from './quickjs-runner.mjs';

const args = process.argv.slice(2);
const quickjsOnly = args.includes('--quickjs-only');
const nodeOnly = args.includes('--node-only');
const files = args.filter((a) => !a.startsWith('--'));

function find(dir, suffix) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(suffix)) out.push(relative(root, p));
    }
  };
  walk(join(root, dir));
  return out;
}

let passed = 0;
let failed = 0;

// A test file may raise its QuickJS memory limit with a line "// @memory-limit <bytes>".
function memoryLimitOf(source) {
  const m = /^\/\/ @memory-limit (\d+)/m.exec(source);
  return m ? Number(m[1]) : DEFAULT_MEMORY_LIMIT;
}

async function runQuickJS(list) {
  for (const file of list) {
    const source = readFileSync(join(root, file), 'utf8');
    let code;
    try {
      code = await bundleFile(file);
    } catch (err) {
      console.log(`FAIL ${file}: cannot bundle: ${err.message}`);
      failed++;
      continue;
    }
    const started = Date.now();
    const { results, fileError, memoryUsed } = await runTestBundle(code, {
      filename: file,
      memoryLimit: memoryLimitOf(source),
      print: (t) => console.log('    ' + t),
    });
    if (fileError && results.length === 0) {
      console.log(`FAIL ${file}: ${fileError}`);
      failed++;
      continue;
    }
    for (const r of results) {
      if (r.ok) passed++;
      else failed++;
      console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${file} › ${r.name}`);
      if (!r.ok) console.log('     ' + String(r.error).split('\n').join('\n     '));
    }
    console.log(`     (${file}: ${Date.now() - started} ms in QuickJS, heap ${(memoryUsed / 1024).toFixed(0)} KB at end)`);
  }
}

async function runNode(list) {
  if (!list.length) return;
  const stream = run({ files: list.map((f) => join(root, f)), concurrency: 1, timeout: 300000 });
  stream.on('test:pass', (ev) => {
    if (ev.details && ev.details.type === 'suite') return;
    passed++;
    console.log(`ok   ${relative(root, ev.file || '')} › ${ev.name}`);
  });
  stream.on('test:fail', (ev) => {
    if (ev.details && ev.details.type === 'suite') return;
    failed++;
    const err = ev.details && ev.details.error;
    const cause = err && err.cause ? err.cause : err;
    console.log(`FAIL ${relative(root, ev.file || '')} › ${ev.name}`);
    console.log('     ' + String((cause && (cause.stack || cause.message)) || cause).split('\n').slice(0, 12).join('\n     '));
  });
  stream.on('test:stderr', (ev) => process.stderr.write(ev.message));
  for await (const _ of stream);
}

// The log dictionary of the build (dist/), for the hosts of a test that runs a copy of a
// minified bundle without its own beside it (sim/log-dictionary.mjs).
process.env.OCPP_LOG_DICTIONARY ??= join(root, 'dist', 'firmware.min.logdict');
const quickjsFiles = files.length ? files.filter((f) => f.endsWith('.ts')) : find('test/quickjs', '.test.ts');
const nodeFiles = files.length ? files.filter((f) => f.endsWith('.mjs')) : find('test/node', '.test.mjs');
// The native hosts build meanwhile (test/prebuild-native.mjs), when a Node-side test needs them.
const prebuild =
  !quickjsOnly && nodeFiles.some((f) => readFileSync(join(root, f), 'utf8').includes('firmware-shim/build.mjs'))
    ? new Promise((resolve) => {
        const child = spawn(process.execPath, [join(root, 'test', 'prebuild-native.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('exit', resolve);
        child.on('error', resolve);
      })
    : Promise.resolve();
if (!nodeOnly) await runQuickJS(quickjsFiles);
await prebuild;
if (!quickjsOnly) await runNode(nodeFiles);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
