// The function census (bench/functions.mjs): every function of a bundle counted once, under the
// module esbuild's comment names, as run once (a class's ES5 wrapper), once (a method, a
// module's function) or nested (made each time the function around it runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { censusOf, functionsOf, kindOf } from '../../bench/functions.mjs';

const BUNDLE = `"use strict";
(function() {
  // .build/tsc/src/a.js
  function helper(x) { return x + 1; }
  var Thing = /** @class */ (function() {
    function Thing() { var _this = this; this.onTick = function() { return _this.tick(); }; }
    Thing.prototype.tick = function() { return [1, 2].map(function(n) { return helper(n); }); };
    return Thing;
  }());
  // .build/tsc/hal/b.js
  function make(host) { return { now: function() { return host.now(); } }; }
})();
`;

test('the census tells apart the modules and what is made once from what is made per call', () => {
  const fns = functionsOf(BUNDLE);
  const seen = fns.map((f) => [f.module, f.name, kindOf(f)]);
  assert.deepEqual(seen, [
    ['src/a.ts', 'helper', 'once'],
    ['src/a.ts', '(anonymous)', 'runOnce'],
    ['src/a.ts', 'Thing', 'once'],
    ['src/a.ts', 'this.onTick', 'nested'],
    ['src/a.ts', 'Thing.prototype.tick', 'once'],
    ['src/a.ts', '(argument of ….map)', 'nested'],
    ['hal/b.ts', 'make', 'once'],
    ['hal/b.ts', 'now', 'nested'],
  ]);
});

test('the core station census counts the OCPP core and the HAL it is built on', async () => {
  const r = await censusOf({ entry: 'bench/core-station.ts', features: ['core'] });
  const modules = r.modules.map((m) => m.module);
  for (const m of ['src/ocpp/charge-point.ts', 'src/ocpp/messages.ts', 'src/ocpp/validation.ts', 'hal/index.ts']) assert.ok(modules.includes(m), m);
  assert.equal(r.total, r.runOnce + r.once + r.nested);
  assert.equal(r.total, r.modules.reduce((n, m) => n + m.functions, 0));
  assert.ok(!modules.some((m) => m.startsWith('src/app/')), 'no station application in the core station');
});
