// The benchmark's quick run as the bench tests make it (bench.test.mjs and bench-armhf.test.mjs,
// each a part of the figures: a test file has 300 s in npm test, and the two parts of a run on a
// loaded machine each stay well within it), and how they find its table's rows.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../../bench/run.mjs', import.meta.url));
/** Below the test runner's 300 s for a file, so that a run that is too slow fails with its own output (where it was). */
const RUN_TIMEOUT_MS = 290000;

/** `npm run bench -- --quick` with `args` (--only / --skip): { status, stdout, stderr, results } (results: the file it wrote, null if none). */
export function quickBench(args) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
  try {
    const out = join(dir, 'results.json');
    const r = spawnSync(process.execPath, [RUN, '--quick', '--out', out, ...args], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    let results = null;
    try {
      results = JSON.parse(readFileSync(out, 'utf8'));
    } catch {}
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench` with `args` and no more, as it is (a run that ends at once: bad arguments). */
export const benchWith = (args) => spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS });

/** Why a run failed, for the assertion's message (a timeout included: the last figure it began is in its output). */
export const failure = (r) => `bench failed${r.error ? ` (${r.error.message})` : ''}:\n${r.stdout}\n${r.stderr}`;

export const KB1 = '\\d+\\.\\d KB';
const KB2 = `${KB1} / ${KB1}`;
/** The table's row `figure` (the text, not a pattern): its value (two figures unless said), then the target and met / MISSED, or (no target) nothing after the value. */
export function rowOf(figure, target = null, value = KB2) {
  const text = (t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^${text(figure)}\\s+${value}${target ? `[^\\n]*?\\s+${text(target)}\\s+(met|MISSED)$` : ' *$'}`, 'm');
}
