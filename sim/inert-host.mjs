// The host ABI at its smallest, as JS source the guest evaluates before the bundle: every
// member the bundle calls at load, none of them ever calling back (no socket opens, no timer
// fires). The bundle evaluates and then waits for ever — for tests and profiles of the
// evaluation alone. `print`: log lines go to a guest global `__print(line)` the caller
// provides; without it they are dropped.
export function inertHostSource({ name, imei, settings, print = false }) {
  return `globalThis.ocppHost = {
  abi: 1, name: ${JSON.stringify(name)},
  log: ${print ? "function (level, text) { __print(level + ' ' + text); }" : 'function () {}'},
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
