// The HAL's larger optional members are in a bundle only when its code names them: the
// storage (hal/storage.ts) and the Firmware Management hooks (hal/firmware-hooks.ts) are
// each a module that createHal calls, and a bundle none of whose other modules names the
// member (`hal.storage`, `{ storage }`, 'storage' as a string: any word `storage`) gets
// a module in its place whose builder returns undefined. So a station that never stores or
// updates firmware (the OCPP core's 10-handler station, bench/core-station.ts) does not
// carry their functions, and every station that does is built as before. What a bundle's
// code names is read in the bundle built once with every member, not minified, its modules
// apart but the HAL's own (which name the members to build them) and the generated OCPP
// tables (whose field names are OCPP's).
import { dirname, join } from 'node:path';

/** Each optional member: its name on the Hal, its module and the builder createHal calls. */
export const HAL_MEMBERS = [
  { member: 'storage', module: 'hal/storage.ts', builder: 'storageOf' },
  { member: 'firmware', module: 'hal/firmware-hooks.ts', builder: 'firmwareOf' },
];

/** The modules that name the members as the HAL's own: not a use of them. */
const HAL_OWN = ['hal/index.ts', ...HAL_MEMBERS.map((m) => m.module)];

/** The generated OCPP tables and types: data whose field names (a 1.6 `firmware` object) are no HAL member. */
const GENERATED = /[\\/]generated[\\/]/;

/** esbuild's comment before each module of a bundle that is not minified: `  // path`. */
const MODULE_COMMENT = /^ {2}\/\/ (\S+)$/gm;

/**
 * The members of HAL_MEMBERS that no module of a bundle names: `code` the bundle built with
 * every member, not minified (esbuild names each module in a comment before its code), its
 * modules read from `tscDir` (relative to the repo: `tscRel`).
 */
export function unnamedHalMembers(code, tscRel) {
  const own = new Set(HAL_OWN.map((m) => tscRel + '/' + m.replace(/\.ts$/, '.js')));
  const starts = [...code.matchAll(MODULE_COMMENT)].map((m) => [m.index, m[1]]);
  if (!starts.some(([, path]) => path === tscRel + '/hal/index.js')) return [];
  let others = '';
  starts.forEach(([at, path], i) => {
    if (!own.has(path) && !GENERATED.test(path)) others += code.substring(at, i + 1 < starts.length ? starts[i + 1][0] : code.length);
  });
  return HAL_MEMBERS.filter(({ member }) => !new RegExp('\\b' + member + '\\b').test(others));
}

/** The esbuild plugin that serves each of `members` (from unnamedHalMembers) as a builder of nothing. */
export function halMembersPlugin(tscDir, members) {
  const paths = new Map(members.map((m) => [join(tscDir, m.module.replace(/\.ts$/, '.js')), m]));
  return {
    name: 'unnamed-hal-members',
    setup(b) {
      b.onLoad({ filter: /[\\/]hal[\\/][a-z-]+\.js$/ }, (args) => {
        const m = paths.get(args.path);
        if (!m) return undefined;
        return { contents: `// hal.${m.member}: no module of this bundle names it\nexport function ${m.builder}() {\n  return undefined;\n}\n`, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}
