// README.md cannot drift from the code: every ```ts block type-checks against the sources
// (each block as a file of src/, with the project's compiler options), the OCPP core's size
// is the one the build prints, and the source comments cite no issue numbers or files that
// do not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { bundleFile, root } from '../../build/build.mjs';

const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The ```ts blocks of the README, with the line each starts on. */
function tsBlocks(text) {
  const blocks = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    while (++i < lines.length && lines[i].trim() !== '```');
    blocks.push({ line: start + 1, code: lines.slice(start, i).join('\n') + '\n' });
  }
  return blocks;
}

test('every TypeScript block of the README type-checks as a file of src/', () => {
  const blocks = tsBlocks(readme);
  assert.ok(blocks.length >= 2, 'the core API and HAL examples are there');
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const files = new Map(blocks.map((b, i) => [join(root, 'src', `readme-block-${i + 1}.ts`), b]));
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile;
  host.readFile = (f) => (files.has(resolve(f)) ? files.get(resolve(f)).code : readFile(f));
  const fileExists = host.fileExists;
  host.fileExists = (f) => files.has(resolve(f)) || fileExists(f);
  // the ambient declaration of ocppHost comes with the host ABI
  const program = ts.createProgram([...files.keys(), join(root, 'hal', 'host-abi.ts')], { ...config.options, noEmit: true }, host);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file) return text;
    const block = files.get(resolve(d.file.fileName));
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return block ? `README.md line ${block.line + line}: ${text}` : `${relative(root, d.file.fileName)}:${line + 1}: ${text}`;
  });
  assert.deepEqual(problems, []);
});

test('the OCPP cores\' sizes in the README are the ones the build prints', async () => {
  for (const [version, entry] of [['1.6', 'src/ocpp/v16/index.ts'], ['2.0.1', 'src/ocpp/v201/index.ts']]) {
    if (!existsSync(join(root, entry))) continue;
    const core = Buffer.byteLength(await bundleFile(entry, { minify: true }));
    const printed = `${(core / 1024).toFixed(1)} KB`;
    const m = new RegExp(`with every ${version.replace(/\./g, '\\.')} validator\\s+is \\*\\*([\\d.]+ KB) minified\\*\\*`).exec(readme);
    assert.ok(m, `the README states the size of the ${version} core`);
    assert.equal(m[1], printed, `README.md: the ${version} core's size as npm run build prints it`);
  }
});

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!['node_modules', 'vendor', 'generated', 'build'].includes(name) || (name === 'build' && dirname(p) === root)) sources(p, out);
    } else if (/\.(ts|mjs|js|c|h)$/.test(name) || name === 'Makefile' || name === 'CMakeLists.txt' || name === 'run') out.push(p);
  }
  return out;
}

test('source comments cite no issue numbers and no file that does not exist', () => {
  const dirs = ['src', 'hal', 'sim', 'build', 'bench', 'test', 'examples', 'firmware-shim', '.ci'].map((d) => join(root, d)).filter(existsSync);
  const found = [];
  for (const file of dirs.flatMap((d) => sources(d))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const comment = /(\/\/|\/\*|^\s*\*|^\s*#)(.*)$/.exec(line);
        if (!comment) return;
        const where = `${relative(root, file)}:${i + 1}`;
        if (/\bissues? #?\d+|\(#\d+\)/i.test(comment[2])) found.push(`${where}: an issue number: ${line.trim()}`);
        for (const [, name] of comment[2].matchAll(/\b([A-Z][A-Z0-9_-]+\.md)\b/g)) if (!existsSync(join(root, name))) found.push(`${where}: cites ${name}, which does not exist`);
      });
  }
  assert.deepEqual(found, []);
});
