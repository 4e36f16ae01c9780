// The host ABI at its smallest, as JS source the guest evaluates before the bundle: every
// member the bundle calls at load, none of them ever calling back (no socket opens, no timer
// fires). The bundle evaluates and then waits for ever — for tests and profiles of the
// evaluation alone. `print`: log lines go to a guest global `__print(line)` the caller
// provides (a bundle's log codes as text from the log dictionary OCPP_LOG_DICTIONARY names,
// else raw: sim/log-dictionary.mjs); without it they are dropped.
import { existsSync, readFileSync } from 'node:fs';
import { parseDictionary, piecesOf } from './log-dictionary.mjs';

/** The member logCode, as guest source: the dictionary's texts as their pieces (sim/log-dictionary.mjs). */
function logCodeSource() {
  const file = process.env.OCPP_LOG_DICTIONARY;
  const dictionary = file && existsSync(file) ? parseDictionary(readFileSync(file, 'utf8')) : null;
  const pieces = dictionary ? dictionary.lines.map(piecesOf) : [];
  return `
  logCode: function (level, code) {
    var p = ${JSON.stringify(pieces)}[code - 1], args = [].slice.call(arguments, 2), line = 'log#' + code, i;
    for (i = 0; i < args.length; i++) line += ' ' + JSON.stringify(args[i]);
    if (p && this.logDictionary === ${JSON.stringify(dictionary ? dictionary.id : '')} && p.length === args.length + 1) {
      line = p[0];
      for (i = 0; i < args.length; i++) line += args[i] + p[i + 1];
    }
    __print(level + ' ' + line);
  },`;
}

export function inertHostSource({ name, imei, settings, print = false }) {
  return `globalThis.ocppHost = {
  abi: 1, name: ${JSON.stringify(name)},
  log: ${print ? "function (level, text) { __print(level + ' ' + text); }" : 'function () {}'},${print ? logCodeSource() : ''}
  now: function () { return 0; }, ticks: function () { return 0; },
  timerStart: function () { return 1; }, timerStop: function () {},
  imei: function () { return ${JSON.stringify(imei)}; }, iccid: function () { return ''; },
  config: function () { return ${JSON.stringify(JSON.stringify(settings))}; },
  fileRead: function () { return null; }, fileWrite: function () { return true; },
  fileAppend: function () { return true; }, fileRemove: function () { return false; },
  wsOpen: function () { return 1; }, wsSend: function () { return false; }, wsClose: function () {},
  exit: function () {}, restart: function () {}
};`;
}
