// The log dictionary of a bundle built with log codes (build/log-dictionary.mjs writes it, README
// "Log dictionary"): the bundle does not hold its log texts; a log call passes a code and its
// arguments as text (HostABI.logCode) and the host formats the line from this file, which lies
// beside the bundle (dist/firmware.min.js -> dist/firmware.min.logdict):
//     //@ocpp-log-dictionary <id> <count>
//     <text of code 1>
//     <text of code 2> ...
// one text a line; in a text `{}` is the place of the next argument, `\{` a `{`, `\\` a
// backslash, `\n` and `\r` a line feed and a carriage return. The id is the dictionary's own
// (a hash of its texts); the bundle names the id it was built with (HostABI.logDictionary), so
// a host given another dictionary, or none, never prints a wrong text: it prints the code and
// its arguments raw (rawLine). The native host (firmware-shim/src/host.c) reads the same file.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { withLogDictionary } from './bundle-parts.mjs';

export const DICTIONARY_HEADER = '//@ocpp-log-dictionary ';

/** The dictionary file of a bundle file: its name without .js / .qjbc, and .logdict. */
export function dictionaryPath(bundle) {
  return bundle.replace(/\.(js|qjbc)$/, '') + '.logdict';
}

/** A log text as its pieces around the arguments ([text] without any) as one dictionary line. */
export function dictionaryLine(pieces) {
  const escape = (s) => s.replace(/[\\{\n\r]/g, (c) => ({ '\\': '\\\\', '{': '\\{', '\n': '\\n', '\r': '\\r' })[c]);
  return pieces.map(escape).join('{}');
}

/** The dictionary file of these lines (code 1 the first): its text and its id. */
export function dictionaryFile(lines) {
  const body = lines.map((l) => l + '\n').join('');
  const id = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { id, text: DICTIONARY_HEADER + id + ' ' + lines.length + '\n' + body };
}

/** { id, lines } of a dictionary file's text, or null when it is not one. */
export function parseDictionary(text) {
  if (!text.startsWith(DICTIONARY_HEADER)) return null;
  const nl = text.indexOf('\n');
  const [id, count] = text.slice(DICTIONARY_HEADER.length, nl).split(' ');
  const lines = text.slice(nl + 1).split('\n');
  if (lines.pop() !== '' || !/^[0-9a-f]+$/.test(id) || Number(count) !== lines.length) return null;
  return { id, lines };
}

/** A dictionary line's pieces around its arguments, or null when it is malformed. */
export function piecesOf(line) {
  const pieces = [''];
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      const e = { '\\': '\\', '{': '{', n: '\n', r: '\r' }[line[++i]];
      if (e === undefined) return null;
      pieces[pieces.length - 1] += e;
    } else if (c === '{') {
      if (line[++i] !== '}') return null;
      pieces.push('');
    } else pieces[pieces.length - 1] += c;
  }
  return pieces;
}

/** The line as printed without its text: `log#<code>` and each argument as a JSON string. */
export function rawLine(code, args) {
  return 'log#' + code + args.map((a) => ' ' + JSON.stringify(a)).join('');
}

/**
 * The log line of code `code` with `args` (texts), from `dictionary` ({ id, lines } or null)
 * when it is the one `id` names and has that code with as many places as arguments; else the
 * raw line.
 */
export function formatLogCode(dictionary, id, code, args) {
  const line = dictionary && dictionary.id === id && Number.isInteger(code) && code >= 1 ? dictionary.lines[code - 1] : undefined;
  const pieces = line === undefined ? null : piecesOf(line);
  if (!pieces || pieces.length !== args.length + 1) return rawLine(code, args);
  let text = pieces[0];
  for (let i = 0; i < args.length; i++) text += args[i] + pieces[i + 1];
  return text;
}

/**
 * The texts of the log codes `code` (a minified bundle's or a part's code) passes to the HAL
 * logger, `X.info(17, …)`, from `dictionary` ({ id, lines }): each with `{}` in its places. For
 * tools and tests that look for a log text in a bundle built with log codes.
 */
export function loggedTexts(code, dictionary) {
  const texts = [];
  for (const m of code.matchAll(/\.(?:debug|info|warning|error)\((\d+)[,)]/g)) {
    const pieces = dictionary.lines[Number(m[1]) - 1] === undefined ? null : piecesOf(dictionary.lines[Number(m[1]) - 1]);
    if (pieces) texts.push(pieces.join('{}'));
  }
  return texts;
}

/**
 * The firmware image of a bundle file for an UpdateFirmware: the file with the dictionary beside
 * it inside (withLogDictionary), so the station logs this build's texts once it runs it. A
 * bundle without a dictionary beside it (built with its texts) is its own image: null.
 */
export function firmwareImage(bundle) {
  let dictionary;
  try {
    dictionary = readFileSync(dictionaryPath(bundle), 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
  return withLogDictionary(readFileSync(bundle), dictionary);
}

// node sim/log-dictionary.mjs <bundle.js> <image.js>: writes the bundle's firmware image.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [bundle, out] = process.argv.slice(2);
  if (!bundle || !out) {
    process.stderr.write('usage: node sim/log-dictionary.mjs <bundle.js> <image.js>  (the bundle with its log dictionary inside)\n');
    process.exit(2);
  }
  const image = firmwareImage(bundle);
  if (!image) {
    process.stderr.write(`${dictionaryPath(bundle)} does not exist: ${bundle} has no log dictionary (it is its own image)\n`);
    process.exit(1);
  }
  writeFileSync(out, image);
  process.stdout.write(`${out}: ${bundle} with its log dictionary inside (${image.length} bytes)\n`);
}
