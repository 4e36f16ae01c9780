// The layout of a bundle file with parts (build/parts.mjs writes it, README "Parts"): the
// bundle's own code, then each part, then the last line
//     //@ocpp-parts <build id> <bytes of the bundle's own code> <name>:<offset>:<length> ...
// Offsets and lengths in bytes. The same for a script and for the bytecode ocpp-host --compile
// makes of it.
export const PARTS_TRAILER = '//@ocpp-parts ';
/** The trailer is looked for in the file's last this many bytes. */
const TRAILER_MAX = 4096;

/** { id, mainLength, parts: { name: [offset, length] } } of a bundle file's bytes, or null when it has no parts. */
export function readParts(bytes) {
  const buf = Buffer.from(bytes);
  const tail = buf.subarray(Math.max(0, buf.length - TRAILER_MAX)).toString('latin1');
  const at = tail.lastIndexOf('\n' + PARTS_TRAILER);
  if (at < 0 || !tail.endsWith('\n')) return null;
  const fields = tail.slice(at + 1 + PARTS_TRAILER.length, -1).split(' ');
  const mainLength = Number(fields[1]);
  if (!/^[0-9a-f]+$/.test(fields[0]) || !(mainLength > 0 && mainLength <= buf.length)) return null;
  const parts = {};
  for (const f of fields.slice(2)) {
    const m = /^([a-z0-9-]+):(\d+):(\d+)$/.exec(f);
    if (m && Number(m[2]) + Number(m[3]) <= buf.length) parts[m[1]] = [Number(m[2]), Number(m[3])];
  }
  return { id: fields[0], mainLength, parts };
}

/** The bundle's own code: the file without its parts (the whole file when it has none). */
export function mainSection(bytes) {
  const layout = readParts(bytes);
  return layout ? Buffer.from(bytes).subarray(0, layout.mainLength) : Buffer.from(bytes);
}
