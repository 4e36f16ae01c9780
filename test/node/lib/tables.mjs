// The generated validator tables as data, for tests that compare a bundle's served tables
// (build/features.mjs, build/build.mjs) with the generated ones.

/** The enum lists and compact tables of a generated schemas module (tsc's output or a served one). */
export function tablesOf(code) {
  const body = code.replace(/^import .*$/gm, '').replace(/^export var schemas = .*$/m, '').replace(/^export var /gm, 'var ');
  return new Function(body + '\nreturn { enums: enums, compact: compactSchemas };')();
}

/** An action's compact text with every #reference and enum index replaced by what it stands for. */
export function expanded({ enums, compact }, action) {
  const resolve = (text) => text.replace(/#(\d+)/g, (m, i) => resolve(compact.shared[+i])).replace(/(^|[=[;])e(\d+)(?=[,}\];]|$)/g, (m, before, i) => before + 'e<' + enums[+i] + '>');
  return resolve(compact.actions[action]);
}
