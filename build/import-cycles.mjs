// The import graph of the TypeScript sources (every import and export-from, type-only ones
// included: tsc drops those from its output, so a cycle through them would hide until a value
// import closes it) and the cycles in it. `npm test` runs it over src/ and hal/
// (test/node/import-cycles.test.mjs).
//   node build/import-cycles.mjs [dir...]     prints the cycles, exits 1 if there is one
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The .ts file a relative specifier names (./x → x.ts or x/index.ts), or null (a package). */
function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [base + '.ts', join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return null;
}

/** file (relative to the repo) → the files it imports (relative), for every .ts file under `dirs`. */
export function importGraph(dirs, base = root) {
  const graph = {};
  for (const dir of dirs) {
    for (const file of sources(resolve(base, dir))) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
      const targets = [];
      for (const ref of info.importedFiles) {
        const target = resolveImport(file, ref.fileName);
        if (target) targets.push(relative(base, target));
      }
      graph[relative(base, file)] = targets;
    }
  }
  return graph;
}

/** Every cycle of the graph, once each (as the list of files from its first file back to it). */
export function findCycles(graph) {
  const cycles = [];
  const seen = {};
  const state = {}; // 1: on the current path, 2: done
  const path = [];
  const visit = (file) => {
    state[file] = 1;
    path.push(file);
    for (const next of graph[file] || []) {
      if (state[next] === 1) {
        const cycle = path.slice(path.indexOf(next)).concat(next);
        const key = cycle.slice(0, -1).slice().sort().join(' ');
        if (!seen[key]) {
          seen[key] = true;
          cycles.push(cycle);
        }
      } else if (!state[next]) visit(next);
    }
    path.pop();
    state[file] = 2;
  };
  for (const file of Object.keys(graph).sort()) if (!state[file]) visit(file);
  return cycles;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dirs = process.argv.slice(2);
  const cycles = findCycles(importGraph(dirs.length ? dirs : ['src', 'hal']));
  for (const c of cycles) console.log('import cycle: ' + c.join(' -> '));
  if (cycles.length) process.exit(1);
  console.log('no import cycle');
}
