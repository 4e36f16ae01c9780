// The layout of a bundle file with parts (build/parts.mjs writes it, README "Parts"): the
// bundle's own code, then each part, then the last line
//     //@ocpp-parts <build id> <bytes of the bundle's own code> <name>:<offset>:<length> ...
// Offsets and lengths in bytes. The same for a script and for the bytecode ocpp-host --compile
// makes of it. A section `@log-dictionary:<offset>:<length>` is no part: the bundle's log
// dictionary (sim/log-dictionary.mjs), carried in the file after the parts so that a firmware
// image brings its own texts wherever it is installed (withLogDictionary; ocpp-host --compile
// puts it there too); a file without parts that carries one has the last line all the same.
export const PARTS_TRAILER = '//@ocpp-parts ';
export const DICTIONARY_SECTION = '@log-dictionary';
/** The trailer is looked for in the file's last this many bytes. */
const TRAILER_MAX = 4096;

/**
 * { id, mainLength, parts: { name: [offset, length] }, dictionary: [offset, length] | null } of a
 * bundle file's bytes, or null when it has no last line (no parts, no dictionary).
 */
export function readParts(bytes) {
  const buf = Buffer.from(bytes);
  const tail = buf.subarray(Math.max(0, buf.length - TRAILER_MAX)).toString('latin1');
  const at = tail.lastIndexOf('\n' + PARTS_TRAILER);
  if (at < 0 || !tail.endsWith('\n')) return null;
  const fields = tail.slice(at + 1 + PARTS_TRAILER.length, -1).split(' ');
  const mainLength = Number(fields[1]);
  if (!/^[0-9a-f]+$/.test(fields[0]) || !(mainLength > 0 && mainLength <= buf.length)) return null;
  const parts = {};
  let dictionary = null;
  for (const f of fields.slice(2)) {
    const m = /^([a-z0-9-]+|@log-dictionary):(\d+):(\d+)$/.exec(f);
    if (!m || Number(m[2]) + Number(m[3]) > buf.length) continue;
    if (m[1] === DICTIONARY_SECTION) dictionary = [Number(m[2]), Number(m[3])];
    else parts[m[1]] = [Number(m[2]), Number(m[3])];
  }
  return { id: fields[0], mainLength, parts, dictionary };
}

/** The bytes of a bundle file that are code: all but the log dictionary it may carry. */
export function loadableSection(bytes) {
  const layout = readParts(bytes);
  return layout && layout.dictionary ? Buffer.from(bytes).subarray(0, layout.dictionary[0]) : Buffer.from(bytes);
}

/** The text of the log dictionary a bundle file carries, or null when it carries none. */
export function carriedDictionary(bytes) {
  const layout = readParts(bytes);
  return layout && layout.dictionary ? Buffer.from(bytes).subarray(layout.dictionary[0], layout.dictionary[0] + layout.dictionary[1]).toString('utf8') : null;
}

/**
 * A bundle file (script, with or without parts) with `dictionary` (a log dictionary's text)
 * inside: the firmware image to serve for an UpdateFirmware, so the station logs the new
 * build's texts after it. One it carried already is replaced.
 */
export function withLogDictionary(bytes, dictionary) {
  const buf = Buffer.from(bytes);
  const layout = readParts(buf);
  const text = Buffer.from(dictionary, 'utf8');
  if (!text.length) throw new Error('the log dictionary is empty');
  let head, id, fields;
  if (layout) {
    // everything before the dictionary it carries or its last line, the parts' offsets kept
    const end = layout.dictionary ? layout.dictionary[0] : buf.lastIndexOf('\n' + PARTS_TRAILER, buf.length - 2) + 1;
    head = buf.subarray(0, end);
    id = layout.id;
    fields = Object.entries(layout.parts).map(([name, [offset, length]]) => `${name}:${offset}:${length}`);
  } else {
    head = buf.length && buf[buf.length - 1] !== 0x0a ? Buffer.concat([buf, Buffer.from('\n')]) : buf;
    id = /^\/\/@ocpp-log-dictionary ([0-9a-f]+) /.exec(dictionary)?.[1] || '0';
    fields = [];
  }
  const mainLength = layout ? layout.mainLength : head.length;
  const body = text[text.length - 1] === 0x0a ? text : Buffer.concat([text, Buffer.from('\n')]);
  const trailer = [PARTS_TRAILER + id, mainLength, ...fields, `${DICTIONARY_SECTION}:${head.length}:${body.length}`].join(' ') + '\n';
  return Buffer.concat([head, body, Buffer.from(trailer)]);
}

/** The bundle's own code: the file without its parts (the whole file when it has none). */
export function mainSection(bytes) {
  const layout = readParts(bytes);
  return layout ? Buffer.from(bytes).subarray(0, layout.mainLength) : Buffer.from(bytes);
}
