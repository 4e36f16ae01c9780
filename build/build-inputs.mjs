// What a build is made from, as one fingerprint: the sources tsc compiles, the build scripts
// and generators, the compiler options and the pinned dependencies. `npm start` / `npm test`
// build only when it changed since the last build (build/setup.mjs). Node built-ins only:
// it runs before node_modules exists.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Folders whose files go into a build (each version's src/ocpp/…/generated/ is the build's own
 * output, bench/results.json the benchmark's: neither is an input).
 */
export const INPUT_DIRS = ['src', 'hal', 'build', 'examples', 'bench', 'test/quickjs', 'test/lib', 'test/fixtures'];
export const INPUT_FILES = ['tsconfig.json', 'package.json', 'package-lock.json', 'sim/log-dictionary.mjs'];
const SKIP = [join('src', 'ocpp', 'v16', 'generated'), join('src', 'ocpp', 'v201', 'generated'), join('bench', 'results.json')];

/** sha256 over every input file's path and content, in a stable order. */
export function inputsFingerprint(root, { dirs = INPUT_DIRS, files = INPUT_FILES } = {}) {
  const paths = [];
  const walk = (dir) => {
    if (SKIP.includes(relative(root, dir))) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (SKIP.includes(relative(root, p))) continue;
      if (statSync(p).isDirectory()) walk(p);
      else paths.push(p);
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  for (const f of files) if (existsSync(join(root, f))) paths.push(join(root, f));
  const hash = createHash('sha256');
  for (const p of paths) {
    hash.update(relative(root, p).split(sep).join('/') + '\0');
    hash.update(readFileSync(p));
    hash.update('\0');
  }
  return hash.digest('hex');
}
