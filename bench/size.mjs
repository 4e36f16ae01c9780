// Figure 1: what gets flashed. Sizes of the firmware bundle (and, beside it, the simulator's), separately, of the OCPP core
// with every validator of one version (the part a user who writes their own application
// always carries): 1.6 and 2.0.1.
import { gzipSync } from 'node:zlib';
import { bundleFile, sizes, FIRMWARE_201, SIMULATOR } from '../build/build.mjs';

export async function measureSize() {
  const s = sizes();
  const core = Buffer.from(await bundleFile('src/ocpp/v16/index.ts', { minify: true }));
  const core201 = Buffer.from(await bundleFile('src/ocpp/v201/index.ts', { minify: true }));
  const s201 = sizes(FIRMWARE_201.out);
  const sim = sizes(SIMULATOR.out);
  return {
    'firmware.js': s['firmware.js'],
    'firmware.min.js': s['firmware.min.js'],
    'simulator.min.js': sim['simulator.min.js'],
    'firmware-201.min.js': s201['firmware-201.min.js'],
    'core.min.js': { raw: core.length, gzip: gzipSync(core, { level: 9 }).length },
    'core201.min.js': { raw: core201.length, gzip: gzipSync(core201, { level: 9 }).length },
  };
}
