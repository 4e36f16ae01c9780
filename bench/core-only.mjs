// The Core-only build beside the full one: the 1.6 station with only the Core and Remote
// Trigger profiles (`npm run build -- --features core,remote-trigger`), the firmware and the
// simulator's bundle (for the charging session), minified as flashed, into a folder of the
// benchmark's own.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleFile, FIRMWARE, SIMULATOR } from '../build/build.mjs';

export const CORE_ONLY = ['core', 'remote-trigger'];

/** { firmware, simulator }: paths of the two Core-only bundles (minified); size: the firmware's. */
export async function buildCoreOnly(dir) {
  const firmware = join(dir, 'firmware-core-only.min.js');
  const simulator = join(dir, 'simulator-core-only.min.js');
  const code = Buffer.from(await bundleFile(FIRMWARE.entry, { minify: true, outfile: firmware, features: CORE_ONLY, parts: true }));
  await bundleFile(SIMULATOR.entry, { minify: true, outfile: simulator, features: CORE_ONLY, parts: true });
  return { firmware, simulator, size: { raw: code.length, gzip: gzipSync(code, { level: 9 }).length } };
}
