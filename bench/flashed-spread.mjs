// How far the flashed rows of `npm run bench` move between runs of the same code: the six
// flashed sessions on armhf (bench/armhf.mjs's measureArmhfFlashed and its parts sessions,
// each build's pair at once as the bench runs them) `--runs N` times, each figure of each run
// in bytes and its spread (largest less smallest).
//   node bench/flashed-spread.mjs [--runs 3] [--only full,core-only,201]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root, FIRMWARE_201, minifiedName } from '../build/build.mjs';
import { armhfBuilt, compileArmhf, measureArmhfFlashed, measureArmhfWithCoreRequests, measureArmhfWithParts, measureArmhf201WithEpisodes } from './armhf.mjs';
import { buildCoreOnly } from './core-only.mjs';

const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '3' }, only: { type: 'string', default: 'full,core-only,201' } } });
if (!armhfBuilt()) throw new Error('the armhf host is not built (npm run shim -- --target armhf)');
const dir = mkdtempSync(join(tmpdir(), 'ocpp-bench-spread-'));
try {
  const full = compileArmhf(join(root, 'dist', 'firmware.min.js'), join(dir, 'firmware.qjbc'));
  const coreOnly = compileArmhf((await buildCoreOnly(dir)).firmware, join(dir, 'firmware-core-only.qjbc'));
  const v201 = compileArmhf(join(root, minifiedName(FIRMWARE_201.out)), join(dir, 'firmware-201.qjbc'));
  const builds = {
    full: () => [measureArmhfFlashed({ bundle: full, id: 'SPREAD-FW' }), measureArmhfWithParts({ bundle: full, flashed: true })],
    'core-only': () => [measureArmhfFlashed({ bundle: coreOnly, id: 'SPREAD-CO' }), measureArmhfWithCoreRequests({ bundle: coreOnly, flashed: true })],
    201: () => [measureArmhfFlashed({ bundle: v201, id: 'SPREAD-201', version: '2.0.1' }), measureArmhf201WithEpisodes({ bundle: v201, flashed: true })],
  };
  const figures = {}; // row name -> [value per run]
  const add = (name, value) => (figures[name] = figures[name] || []).push(value);
  for (let run = 0; run < Number(flags.runs); run++) {
    for (const name of flags.only.split(',')) {
      const [plain, busy] = await Promise.all(builds[name]());
      add(`${name}: heap after boot`, plain.afterBoot.used);
      add(`${name}: heap peak`, plain.sessionPeak);
      add(`${name}: RAM peak`, plain.nativePeak);
      add(`${name}: with its parts, heap peak`, busy.sessionPeak);
      add(`${name}: with its parts, RAM peak`, busy.nativePeak);
    }
    console.log(`run ${run + 1} done`);
  }
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [name, values] of Object.entries(figures)) {
    console.log(`${name.padEnd(width)}  ${values.map((v) => String(v).padStart(7)).join(' ')}  spread ${String(Math.max(...values) - Math.min(...values)).padStart(5)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
