// The native host's QuickJS is patched for memory (firmware-shim/patches/): the patches keep
// every answer the language gives (objects' shapes too). A guest asks function objects everything a program can
// ask them (length, name, prototype, their keys and descriptors, delete, define, freeze,
// setPrototypeOf, bind, backtraces) in the native host, as a script and as bytecode, and in
// quickjs-emscripten, which the simulator runs unpatched: the answers are the same. And
// the memory the patch saves stays saved: a function object that is only called holds no
// property array until one of its properties is looked at. The native functions (the
// built-ins' and the host ABI's members, promise resolving functions, C functions with data)
// the same.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { getQuickJS } from 'quickjs-emscripten';
import { buildShim } from '../../firmware-shim/build.mjs';
import { heapNow, runGuest, startHost } from '../../firmware-shim/testing.mjs';

const shim = buildShim({ say: (line) => process.stderr.write(line + '\n') });
if (!shim.ok) process.stderr.write(`shim-engine skipped: ${shim.reason}\n`);
const shimTest = shim.ok ? test : () => {};

const dataDir = mkdtempSync(join(tmpdir(), 'shim-engine-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const args = (id) => ['--url', 'ws://127.0.0.1:9/ocpp', '--id', id, '--data-dir', dataDir];

// observations(): one line per question, "what = answer".
const FUNCTIONS_GUEST = `
function observations() {
  var out = [];
  function say(what, answer) { out.push(what + ' = ' + answer); }
  function names(stack) { return (String(stack).match(/at [^\\s(]+/g) || []).join(' '); }
  function named(a, b) { return a + b; }
  var viaVar = function (x) {};
  var literal = { method: function (p, q, r) {} };
  var inArray = [function () {}];
  function Ctor() { this.x = 1; }
  Ctor.prototype.m = function () {};
  say('declaration', [named.length, named.name, typeof named.prototype, named.hasOwnProperty('name'), named.hasOwnProperty('prototype')].join());
  say('var name', [viaVar.name, viaVar.length, viaVar.hasOwnProperty('name')].join());
  say('literal member', literal.method.name + '/' + literal.method.length);
  say('array element', JSON.stringify(inArray[0].name) + '/' + inArray[0].hasOwnProperty('name'));
  say('keys', Object.getOwnPropertyNames(function f(a) {}).join());
  say('keys after an addition', (function () { var f = function g() {}; f.extra = 1; return Object.getOwnPropertyNames(f).join(); })());
  say('keys after a definition', (function () { var f = function () {}; Object.defineProperty(f, 'x', { value: 1 }); return Object.getOwnPropertyNames(f).join(); })());
  say('Reflect.ownKeys', Reflect.ownKeys(function q() {}).join());
  say('Object.keys, for-in', (function () { var f = function () {}; var k = []; for (var x in f) k.push(x); f.e = 1; for (var y in f) k.push(y); return Object.keys(function () {}).length + ' ' + k.join(); })());
  say('length descriptor', JSON.stringify(Object.getOwnPropertyDescriptor(function h(a, b) {}, 'length')));
  say('name descriptor', JSON.stringify(Object.getOwnPropertyDescriptor(named, 'name')));
  say('prototype descriptor', (function () { var f = function k() {}; var d = Object.getOwnPropertyDescriptor(f, 'prototype'); return [d.writable, d.enumerable, d.configurable, d.value.constructor === f, Object.getOwnPropertyNames(d.value).join()].join(); })());
  say('in', ['name' in viaVar, 'length' in viaVar, 'prototype' in viaVar, 'nope' in viaVar, 'call' in viaVar].join());
  say('delete name', (function () { var f = function z() {}; var r = delete f.name; return [r, f.hasOwnProperty('name'), JSON.stringify(f.name), Object.getOwnPropertyNames(f).join()].join(); })());
  say('delete length, prototype', (function () { var f = function z(a) {}; return [delete f.length, f.length, delete f.prototype, f.hasOwnProperty('prototype'), delete f.nothing].join(); })());
  say('assign name (strict)', (function () { 'use strict'; var f = function z() {}; try { f.name = 'w'; return 'no throw'; } catch (e) { return e.constructor.name + ' ' + f.name; } })());
  say('assign length (sloppy)', (function () { var f = function z(a) {}; f.length = 5; return f.length; })());
  say('define name', (function () { var f = function z() {}; Object.defineProperty(f, 'name', { value: 'w' }); return f.name + ' ' + Object.getOwnPropertyNames(f).join(); })());
  say('define name first', (function () { var f = function () {}; Object.defineProperty(f, 'name', { value: 'n', enumerable: true }); return Object.keys(f).join() + ' ' + Object.getOwnPropertyNames(f).join(); })());
  say('assign prototype', (function () { var f = function z() {}; var p = { a: 1 }; f.prototype = p; return [f.prototype === p, new f().a, Object.getOwnPropertyNames(f).join()].join(); })());
  say('new, instanceof', [new Ctor() instanceof Ctor, Ctor.prototype.constructor === Ctor, new Ctor().m === Ctor.prototype.m, {} instanceof Ctor].join());
  say('statics', (function () { function S() {} S.make = function () { return 'made'; }; return [S.make(), S.make.name, Object.keys(S).join(), Object.getOwnPropertyNames(S).join()].join(' '); })());
  say('setPrototypeOf', (function () { function B() {} B.st = 'st'; function D(a) {} Object.setPrototypeOf(D, B); return [D.st, D.name, D.length, Object.getPrototypeOf(D) === B, Object.getOwnPropertyNames(D).join()].join(); })());
  say('freeze', (function () { var f = function fz(a) {}; Object.freeze(f); f.name = 'x'; return [Object.isFrozen(f), f.name, f.length, Object.getOwnPropertyDescriptor(f, 'name').configurable].join(); })());
  say('preventExtensions', (function () { var f = function ne(a, b) {}; Object.preventExtensions(f); f.added = 1; return [Object.isExtensible(f), f.name, f.length, f.added, Object.isFrozen(f), Object.isSealed(f), Object.getOwnPropertyNames(f).join()].join(); })());
  say('seal', (function () { var f = function se() {}; Object.seal(f); return [Object.isSealed(f), delete f.name, f.name].join(); })());
  say('bind', (function () { var b = named.bind(null, 1); return [b.name, b.length, b(2)].join(); })());
  say('loop of closures', (function () { var fs = []; for (var i = 0; i < 3; i++) fs.push(function () {}); return fs.map(function (f) { return JSON.stringify(f.name); }).join(); })());
  say('loop of named closures', (function () { var n = []; for (var i = 0; i < 3; i++) { var v = function () {}; n.push(v.name); } return n.join(); })());
  say('closure of a factory', (function () { function make(k) { return { k: function () { return k; } }; } var a = make(1), b = make(2); return [a.k.name, b.k.name, a.k(), b.k(), a.k === b.k].join(); })());
  say('default parameters', [(function (a, b) {}).length, (function (a, b, c) { return arguments.length; })(1)].join());
  say('arguments.callee', (function f() { return arguments.callee.name; })());
  say('assign, JSON', JSON.stringify(Object.assign({}, function () {})) + ' ' + JSON.stringify({ f: function () {} }));
  say('getter on a function', (function () { var f = function () {}; Object.defineProperty(f, 'g', { get: function () { return 'got'; } }); return [f.g, Object.getOwnPropertyNames(f).join()].join(' '); })());
  say('as a prototype', (function () { var f = function pr(a) {}; var o = Object.create(f); return [o.name, o.length, o.hasOwnProperty('name'), Object.getOwnPropertyNames(o).length].join(); })());
  say('typeof, call, apply', [typeof named, named.call(null, 1, 2), named.apply(null, [3, 4])].join());
  say('backtrace', (function () {
    function thrower() { throw new Error('x'); }
    var viaVar2 = function () { thrower(); };
    var holder = { member: function () { viaVar2(); } };
    try { holder.member(); } catch (e) { return names(e.stack); }
  })());
  return out;
}
`;

/** The guest's answers in the native host: the bundle as given (a script, or bytecode). */
async function nativeAnswers(file, id) {
  const r = await startHost(file, args(id)).exited;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.lines.filter((l) => l.level === 'info' && l.text.includes(' = ')).map((l) => l.text);
}

/** What a guest's observations() answers in the unpatched engine (the simulator's quickjs-emscripten). */
async function unpatchedAnswers(guest, fileName) {
  const vm = (await getQuickJS()).newContext();
  try {
    const answers = vm.unwrapResult(vm.evalCode(guest + 'observations();', fileName));
    const reference = vm.dump(answers);
    answers.dispose();
    return reference;
  } finally {
    vm.dispose();
  }
}

shimTest('function objects answer in the native host as in the unpatched QuickJS the simulator runs', async () => {
  const script = join(dataDir, 'functions.js');
  writeFileSync(script, FUNCTIONS_GUEST + 'var o = observations(); for (var i = 0; i < o.length; i++) ocppHost.log(20, o[i]); ocppHost.exit(0);');
  const bytecode = join(dataDir, 'functions.qjbc');
  const compiled = spawnSync(shim.binary, [script, '--compile', bytecode], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stdout + compiled.stderr);

  const reference = await unpatchedAnswers(FUNCTIONS_GUEST, 'functions.js');
  assert.equal(reference.length, 37);
  // What the answers are (the unpatched engine's): a few that the patch could get wrong.
  assert.ok(reference.includes('var name = viaVar,1,true'), reference.join('\n'));
  assert.ok(reference.includes('keys after an addition = length,name,prototype,extra'), reference.join('\n'));
  assert.ok(reference.includes('backtrace = at thrower at viaVar2 at member at <anonymous> at observations at <eval>'), reference.join('\n'));

  assert.deepEqual(await nativeAnswers(script, 'ENGINE-SCRIPT'), reference);
  assert.deepEqual(await nativeAnswers(bytecode, 'ENGINE-BYTECODE'), reference);
});

// The native functions (lazy-native-function-properties.patch): the built-ins' members, a
// promise's resolving functions and the C functions with data (a promise executor, the
// resolve elements of Promise.all) asked the same questions, each question of a function
// that nothing has looked at yet, as a program would meet it first.
const NATIVE_FUNCTIONS_GUEST = `
function observations() {
  var out = [];
  function say(what, answer) { out.push(what + ' = ' + answer); }
  function names(stack) { return (String(stack).match(/at [^\\s(]+/g) || []).join(' '); }
  function own(f) { return Object.getOwnPropertyNames(f).join(); }
  function described(f, key) { return JSON.stringify(Object.getOwnPropertyDescriptor(f, key)); }
  var resolving = []; new Promise(function (res, rej) { resolving.push(res, rej); });
  var resolving2 = []; new Promise(function (res, rej) { resolving2.push(res, rej); });
  var executors = [], elements = [];
  function Capability(executor) { executors.push(executor); executor(function () {}, function () {}); }
  Capability.resolve = function (v) { return { then: function (onValue, onError) { elements.push(onValue); } }; };
  Promise.all.call(Capability, [1, 2, 3]);
  say('called', [Math.max(1, 3, 2), [3, 1, 2].sort().join(''), JSON.stringify({ a: [1] }), 'abc'.slice(1), Object.keys({ k: 1 }).join()].join(' '));
  say('length, name', [Math.min.length, Math.min.name, Array.prototype.push.length, Array.prototype.push.name, JSON.parse.name, Object.defineProperty.length].join());
  say('keys', [own(Math.abs), own(Array.prototype.indexOf), own(resolving[0]), own(executors[0]), own(elements[0])].join(' / '));
  say('descriptors', [described(Math.sqrt, 'length'), described(Math.sqrt, 'name'), described(resolving[1], 'name'), described(elements[1], 'length')].join(' '));
  say('hasOwnProperty', [Math.pow.hasOwnProperty('name'), Math.exp.hasOwnProperty('length'), Math.log.hasOwnProperty('prototype'), 'name' in Math.sin, 'call' in Math.cos, 'nope' in Math.tan].join());
  say('resolving functions', [resolving2[0].length, JSON.stringify(resolving2[0].name), resolving2[1].hasOwnProperty('length'), typeof resolving2[0].prototype].join());
  say('with data', [executors[0].length, JSON.stringify(executors[0].name), elements[2].length, JSON.stringify(elements[2].name), typeof elements[2].prototype].join());
  say('delete name', [delete Math.floor.name, Math.floor.hasOwnProperty('name'), JSON.stringify(Math.floor.name), own(Math.floor), Math.floor(2.5)].join());
  say('delete length', [delete Math.ceil.length, Math.ceil.length, own(Math.ceil), delete Math.ceil.nothing].join());
  say('assign name (strict)', (function () { 'use strict'; try { Math.round.name = 'w'; return 'no throw'; } catch (e) { return e.constructor.name + ' ' + Math.round.name; } })());
  say('define name', (function () { Object.defineProperty(Math.atan, 'name', { value: 'w', enumerable: true }); return [Math.atan.name, Object.keys(Math.atan).join(), own(Math.atan)].join(' '); })());
  say('added property', (function () { Math.asin.extra = 1; Object.defineProperty(Math.acos, 'x', { value: 2 }); return own(Math.asin) + ' ' + own(Math.acos); })());
  say('freeze, seal, preventExtensions', (function () { Object.freeze(Math.atan2); Object.seal(Math.random); Object.preventExtensions(Array.prototype.join); Array.prototype.join.added = 1; return [Object.isFrozen(Math.atan2), described(Math.atan2, 'name'), Object.isSealed(Math.random), Object.isExtensible(Array.prototype.join), Array.prototype.join.added, own(Array.prototype.join), [1, 2].join('+')].join(' '); })());
  say('setPrototypeOf', (function () { var base = { st: 'st' }; Object.setPrototypeOf(Array.prototype.reverse, base); return [Array.prototype.reverse.st, Array.prototype.reverse.name, own(Array.prototype.reverse), [1, 2].reverse().join()].join(); })());
  say('bind', (function () { var b = Array.prototype.slice.bind([1, 2, 3], 1); var b2 = resolving2[1].bind(null); var b3 = executors[0].bind(null, 1, 2, 3); return [b.name, b.length, b().join(), b2.name, b2.length, b3.name, b3.length, own(Array.prototype.slice), own(b)].join(); })());
  say('bind after a rename', (function () { Object.defineProperty(Array.prototype.concat, 'name', { value: 'renamed' }); Object.defineProperty(Array.prototype.concat, 'length', { value: 9 }); var b = Array.prototype.concat.bind(null, 1); return [b.name, b.length].join(); })());
  say('bind of a bound', (function () { var b = String.prototype.charAt.bind('xyz').bind(null, 1); return [b.name, b.length, b()].join(); })());
  say('toString', [Function.prototype.toString.call(Math.trunc), Function.prototype.toString.call(resolving[0]), String(Date.now).length > 0].join(' | '));
  say('as a prototype', (function () { var o = Object.create(Array.prototype.lastIndexOf); return [o.name, o.length, o.hasOwnProperty('name'), Object.getOwnPropertyNames(o).length].join(); })());
  say('JSON, assign', JSON.stringify({ f: Math.hypot }) + ' ' + JSON.stringify(Object.assign({}, Math.sign)) + ' ' + Object.keys(Math.cbrt).length);
  say('getter', (function () { var d = Object.getOwnPropertyDescriptor(RegExp.prototype, 'source'); return d && d.get ? [d.get.name, d.get.length, own(d.get)].join() : 'none'; })());
  say('iteration', (function () { var seen = []; for (var x of [1, 2, 3]) seen.push(x); return [seen.join(), [].concat([4, 5]).join(), 'a-b-c'.split(/-/).join('+'), 'aXb'.replace(/X/, 'y'), Array.from([6, 7]).join()].join(' '); })());
  say('a constructor', [typeof new Date(0).getTime, Date.UTC.length, Date.UTC.name, own(Date.UTC)].join(' '));
  say('backtrace', (function () {
    function thrower() { throw new Error('x'); }
    try { [1].forEach(function each() { [2].map(thrower); }); } catch (e) { return names(e.stack); }
  })());
  say('resolved', (function () { var r; new Promise(function (res) { r = res; }); r(1); r(2); return [typeof r, r.length].join(); })());
  return out;
}
`;

/** The guest's answers in the native host, as a script and as bytecode, and in the unpatched engine. */
async function answersEverywhere(guest, name) {
  const script = join(dataDir, `${name}.js`);
  writeFileSync(script, guest + 'var o = observations(); for (var i = 0; i < o.length; i++) ocppHost.log(20, o[i]); ocppHost.exit(0);');
  const bytecode = join(dataDir, `${name}.qjbc`);
  const compiled = spawnSync(shim.binary, [script, '--compile', bytecode], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stdout + compiled.stderr);
  return {
    reference: await unpatchedAnswers(guest, `${name}.js`),
    script: await nativeAnswers(script, `ENGINE-${name.toUpperCase()}-SCRIPT`),
    bytecode: await nativeAnswers(bytecode, `ENGINE-${name.toUpperCase()}-BYTECODE`),
  };
}

shimTest('native functions answer in the native host as in the unpatched QuickJS the simulator runs', async () => {
  const { reference, script, bytecode } = await answersEverywhere(NATIVE_FUNCTIONS_GUEST, 'native');
  assert.equal(reference.length, 25, reference.join('\n'));
  // A few of the unpatched engine's answers that the patch could get wrong.
  assert.ok(reference.includes('keys = length,name / length,name / length,name / length,name / length,name'), reference.join('\n'));
  assert.ok(reference.includes('bind after a rename = bound renamed,8'), reference.join('\n'));
  assert.ok(reference.includes('backtrace = at thrower at map at each at forEach at <anonymous> at observations at <eval>'), reference.join('\n'));
  assert.deepEqual(script, reference);
  assert.deepEqual(bytecode, reference);
});

// The host ABI's functions are made as the built-ins' members are (a function list): the
// same answers as a built-in member's own, which the unpatched engine gives for Math.max.
shimTest("the host ABI's functions have their length and name as the built-ins' members", async () => {
  const r = await runGuest(
    dataDir,
    `function own(f) { return Object.getOwnPropertyNames(f).join(); }
     var b = ocppHost.log.bind(ocppHost, 20);
     var answers = [ocppHost.now.length, ocppHost.now.name, ocppHost.wsSend.length, ocppHost.wsSend.name, own(ocppHost.ticks),
       JSON.stringify(Object.getOwnPropertyDescriptor(ocppHost.fileRead, 'name')), b.name, b.length, own(ocppHost.log),
       delete ocppHost.imei.name, JSON.stringify(ocppHost.imei.name), String(ocppHost.iccid).replace(/\\s+/g, ' ')];
     b(JSON.stringify(answers));
     ocppHost.exit(0);`,
    args('ENGINE-HOST-ABI')
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.lines.find((l) => l.text.startsWith('[')).text), [
    0, 'now', 2, 'wsSend', 'length,name', '{"value":"fileRead","writable":false,"enumerable":false,"configurable":true}',
    'bound log', 1, 'length,name', true, '""', 'function iccid() { [native code] }',
  ]);
});

// Objects' shapes (shape-hash-load-2.patch: a shape's hash table has a bucket for every 2
// properties, not every one): properties added, looked up, redefined, deleted (which
// compacts a shape once half its properties are gone) and listed, on objects of every size.
const SHAPES_GUEST = `
function observations() {
  var out = [];
  for (var n = 1; n <= 70; n += 3) {
    var o = {};
    for (var i = 0; i < n; i++) o['k' + i] = i;
    var sum = 0;
    for (var j = 0; j < n; j++) sum += o['k' + j];
    for (var d = 0; d < n; d += 2) delete o['k' + d];
    Object.defineProperty(o, 'k1', { value: 'one', enumerable: false });
    o.after = n;
    var kept = 0;
    for (var m = 1; m < n; m += 2) if (o['k' + m] === (m === 1 ? 'one' : m)) kept++;
    out.push([n, sum, kept, Object.keys(o).join(' '), 'k0' in o, o.hasOwnProperty('k' + (n - 1))].join(' / '));
  }
  var shared = [];
  for (var s = 0; s < 20; s++) shared.push({ a: s, b: s * 2, c: 'x' + s, d: null, e: [s] });
  out.push(shared.map(function (x) { return x.a + x.b + x.c + x.e[0]; }).join(','));
  return out;
}
`;

shimTest('objects keep their properties through additions, deletions and compaction as in the unpatched QuickJS', async () => {
  const script = join(dataDir, 'shapes.js');
  writeFileSync(script, SHAPES_GUEST + 'var o = observations(); for (var i = 0; i < o.length; i++) ocppHost.log(20, o[i]); ocppHost.exit(0);');
  const reference = await unpatchedAnswers(SHAPES_GUEST, 'shapes.js');
  assert.equal(reference.length, 25);
  const r = await startHost(script, args('ENGINE-SHAPES')).exited;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(r.lines.filter((l) => l.level === 'info' && !/^exited/.test(l.text)).map((l) => l.text), reference);
});

shimTest('Function.prototype.toString of a stripped function, in the native host', async () => {
  const r = await runGuest(
    dataDir,
    `function named(a) {} var viaVar = function () {};
     ocppHost.log(20, JSON.stringify([named.toString(), viaVar.toString(), (function () {}).toString()]));
     ocppHost.exit(0);`,
    args('ENGINE-TOSTRING')
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const native = '() {\n    [native code]\n}';
  assert.deepEqual(JSON.parse(r.lines.find((l) => l.text.startsWith('[')).text), [`function named${native}`, `function viaVar${native}`, `function ${native}`]);
});

// The memory: 3000 functions kept and only called, against 3000 whose name was read once.
// A function object holds its length, name and prototype (a 3-value array, 24 bytes on
// 32-bit, 48 on x86-64) only from the first look at one of them; unpatched, every one holds
// it from the start and the two heaps are the same.
shimTest('a function object holds no property array until one of its properties is looked at', async () => {
  const N = 3000;
  const guest = (look) =>
    `var keep = []; for (var i = 0; i < ${N}; i++) { keep.push(function (a) { return a; }); keep[i](i); }
     ${look ? 'for (var j = 0; j < keep.length; j++) keep[j].name;' : ''}
     ocppHost.exit(0);`;
  const [called, looked] = await Promise.all([runGuest(dataDir, guest(false), args('ENGINE-CALLED')), runGuest(dataDir, guest(true), args('ENGINE-LOOKED'))]);
  assert.equal(called.code, 0, called.stdout);
  assert.equal(looked.code, 0, looked.stdout);
  const perFunction = (looked.heapPeak - called.heapPeak) / N;
  assert.ok(perFunction >= 24, `heap peak ${called.heapPeak} bytes with ${N} functions only called, ${looked.heapPeak} once their names were read: ${perFunction.toFixed(1)} bytes a function`);
});

// The memory of the native functions: 800 promises whose resolving functions are kept, and
// the built-in Math functions read (each made once, on its first read), against the same
// once their names were read. Each held its 2-value property array (32 bytes on x86-64)
// from the start; now only once looked at. Unpatched, the two heaps are the same.
shimTest('a native function holds no property array until one of its properties is looked at', async () => {
  const N = 800;
  const guest = (look) =>
    `var keep = []; for (var i = 0; i < ${N}; i++) new Promise(function (res, rej) { keep.push(res, rej); });
     var math = Object.getOwnPropertyNames(Math).filter(function (k) { return typeof Math[k] === 'function'; });
     for (var m = 0; m < math.length; m++) keep.push(Math[math[m]]);
     ${look ? 'for (var j = 0; j < keep.length; j++) keep[j].name;' : ''}
     ocppHost.log(20, 'functions ' + keep.length);
     ocppHost.exit(0);`;
  const [called, looked] = await Promise.all([runGuest(dataDir, guest(false), args('ENGINE-NATIVE-KEPT')), runGuest(dataDir, guest(true), args('ENGINE-NATIVE-LOOKED'))]);
  assert.equal(called.code, 0, called.stdout);
  assert.equal(looked.code, 0, looked.stdout);
  const count = Number(/functions (\d+)/.exec(called.stdout)[1]);
  assert.ok(count > 2 * N + 30, called.stdout);
  const perFunction = (looked.heapPeak - called.heapPeak) / count;
  assert.ok(perFunction >= 24, `heap peak ${called.heapPeak} bytes with ${count} native functions kept, ${looked.heapPeak} once their names were read: ${perFunction.toFixed(1)} bytes a function`);
});

// The runtime's table of shared shapes (runtime-shape-hash-load-2.patch) grows with the most
// shapes ever held and never shrinks: at 2 shapes a bucket, not 1 in 2, it is a quarter of
// the size. 4000 objects of a shape each (o[i] = 1: a property that makes no atom), let go:
// what the heap keeps after them, beside a guest that made none, is mostly that table:
// 8192 buckets of 8 bytes (64 KB) on x86-64 unpatched, 2048 (16 KB) now.
// A function's counts of constants and closure variables are 16-bit in its table
// (unused-gc-header-bytes-hold-function-flags.patch, as its counts of arguments and variables
// already were): a function of 65535 constants (number literals that are not integers)
// compiles and runs, one of 65536 is a SyntaxError at load, never a count cut short.
shimTest('a function of 65535 constants runs, one of 65536 is refused with a SyntaxError', async () => {
  const big = (n) => {
    const lines = ['function big() { var s = 0;'];
    for (let i = 0; i < n; i++) lines.push(`s += ${i}.5;`);
    lines.push('return s; }', "ocppHost.log(20, 'sum ' + big()); ocppHost.exit(0);");
    const script = join(dataDir, `constants-${n}.js`);
    writeFileSync(script, lines.join('\n'));
    return startHost(script, [...args(`ENGINE-CONSTANTS-${n}`), '--heap-limit', String(64 * 1024 * 1024)]).exited;
  };
  const [fits, over] = await Promise.all([big(65535), big(65536)]);
  assert.equal(fits.code, 0, fits.stdout + fits.stderr);
  assert.match(fits.stdout, /sum 2147418112\.5\b/);
  assert.equal(over.code, 70, over.stdout + over.stderr);
  assert.match(over.stdout + over.stderr, /SyntaxError: too many constants or closure variables in a function/);
});

shimTest("the runtime's shape table keeps 2 shapes a bucket once grown", async () => {
  const N = 4000;
  const heapAfter = async (make) => {
    const file = join(dataDir, `shapes-${make ? 'made' : 'none'}.js`);
    writeFileSync(
      file,
      `var keep = [];
       ${make ? `for (var i = 0; i < ${N}; i++) { var o = {}; o[i] = 1; keep.push(o); }` : ''}
       keep = null;
       ocppHost.log(20, 'let go');
       ocppHost.timerStart(60000, function () { ocppHost.exit(0); });`
    );
    const host = startHost(file, [...args(make ? 'ENGINE-SHAPES-MADE' : 'ENGINE-SHAPES-NONE'), '--heap-limit', String(4 << 20)], { timeout: 60000 });
    try {
      await host.waitFor(/let go/, { timeout: 30000 });
      return await heapNow(host);
    } finally {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  };
  const [made, none] = await Promise.all([heapAfter(true), heapAfter(false)]);
  const kept = made - none;
  assert.ok(kept > 8192 && kept < 32768, `heap after ${N} shapes let go ${made} bytes, ${none} with none made: ${kept} bytes kept`);
});

// A closure of one variable keeps that variable's record in its function object, not in an
// array of its own (var-refs-of-one-in-place.patch): 3000 closures of one variable each,
// against 3000 closing over none, cost the record alone (48 bytes in the x86-64 host's
// pools), not the record and a 16-byte array. Methods that use super keep their home object.
shimTest('a closure of one variable holds its record in the function object', async () => {
  const N = 3000;
  const guest = (captures) =>
    `function make(i) { var a = i; return function () { return ${captures ? 'a' : '1'}; }; }
     var keep = []; for (var i = 0; i < ${N}; i++) keep.push(make(i));
     class A { m() { return 'a'; } }
     class B extends A { m() { var x = 'b'; var f = () => super.m() + x; return f(); } }
     var counter = (function () { var n = 0; return function () { return ++n; }; })();
     counter(); counter();
     ocppHost.log(20, 'answers ' + [keep[7](), new B().m(), counter()].join());
     ocppHost.exit(0);`;
  const [one, none] = await Promise.all([runGuest(dataDir, guest(true), args('ENGINE-ONE-VAR')), runGuest(dataDir, guest(false), args('ENGINE-NO-VAR'))]);
  assert.equal(one.code, 0, one.stdout);
  assert.equal(none.code, 0, none.stdout);
  assert.match(one.stdout, /answers 7,ab,3/);
  const perClosure = (one.heapPeak - none.heapPeak) / N;
  assert.ok(perClosure > 40 && perClosure < 56, `heap peak ${one.heapPeak} bytes with ${N} closures of one variable, ${none.heapPeak} with none: ${perClosure.toFixed(1)} bytes a closure`);
});

// The built-ins' accessors (lazy-accessors.patch): Object.prototype.__proto__, RegExp's flag
// getters and source, the [Symbol.species] getters, Symbol.prototype.description,
// Function.prototype's fileName and lineNumber are made at their first use, each a question
// a program could ask first: the same answers as the unpatched engine.
const ACCESSORS_GUEST = `
function observations() {
  var out = [];
  function say(what, answer) { out.push(what + ' = ' + answer); }
  function described(o, key) { var d = Object.getOwnPropertyDescriptor(o, key); return d ? [typeof d.get, typeof d.set, d.get && d.get.name, d.get && d.get.length, d.set && d.set.name, d.set && d.set.length, d.enumerable, d.configurable, 'writable' in d, 'value' in d].join() : 'none'; }
  function order(o, names) { var own = Object.getOwnPropertyNames(o); return names.filter(function (n) { return own.indexOf(n) >= 0; }).sort(function (a, b) { return own.indexOf(a) - own.indexOf(b); }).join(); }
  say('flags read', [/a/g.global, /a/i.ignoreCase, /a/m.multiline, /a/.sticky, /a/gim.flags, /a+b/.source].join());
  say('in, hasOwnProperty', ['global' in RegExp.prototype, RegExp.prototype.hasOwnProperty('source'), 'description' in Symbol.prototype, Object.prototype.hasOwnProperty('__proto__')].join());
  say('keys in order', order(RegExp.prototype, ['flags', 'source', 'global', 'ignoreCase', 'multiline', 'dotAll', 'unicode', 'sticky', 'exec', 'test']) + ' ' + Object.keys(RegExp.prototype).length);
  say('descriptor of a getter', described(RegExp.prototype, 'multiline'));
  say('descriptor of a getter and setter', described(Object.prototype, '__proto__'));
  say('__proto__', (function () { var p = { x: 1 }; var o = {}; o.__proto__ = p; return [o.x, Object.getPrototypeOf(o) === p, ({}).__proto__ === Object.prototype].join(); })());
  say('species', [Array[Symbol.species] === Array, Promise[Symbol.species] === Promise, RegExp[Symbol.species] === RegExp, described(Array, Symbol.species)].join());
  say('description', [Symbol('d').description, Symbol().description, described(Symbol.prototype, 'description')].join());
  say('same getter twice', Object.getOwnPropertyDescriptor(RegExp.prototype, 'global').get === Object.getOwnPropertyDescriptor(RegExp.prototype, 'global').get);
  say('getter on another receiver', (function () { try { Object.getOwnPropertyDescriptor(RegExp.prototype, 'unicode').get.call({}); return 'no throw'; } catch (e) { return e.constructor.name; } })());
  say('assign (strict)', (function () { 'use strict'; try { RegExp.prototype.dotAll = 1; return 'no throw'; } catch (e) { return e.constructor.name; } })());
  say('delete', [delete RegExp.prototype.sticky, 'sticky' in RegExp.prototype, /a/y.sticky].join());
  say('define over', (function () { Object.defineProperty(RegExp.prototype, 'ignoreCase', { value: 'v' }); return [RegExp.prototype.ignoreCase, /a/i.ignoreCase, described(RegExp.prototype, 'ignoreCase')].join(); })());
  say('frozen', (function () { Object.freeze(Symbol.prototype); return [Object.isFrozen(Symbol.prototype), described(Symbol.prototype, 'description')].join(); })());
  return out;
}
`;

shimTest("the built-ins' accessors answer in the native host as in the unpatched QuickJS the simulator runs", async () => {
  const { reference, script, bytecode } = await answersEverywhere(ACCESSORS_GUEST, 'accessors');
  assert.equal(reference.length, 14, reference.join('\n'));
  assert.ok(reference.includes('descriptor of a getter and setter = function,function,get __proto__,0,set __proto__,1,false,true,false,false'), reference.join('\n'));
  assert.ok(reference.includes('flags read = true,true,true,false,gim,a+b'), reference.join('\n'));
  assert.deepEqual(script, reference);
  assert.deepEqual(bytecode, reference);
});

// Their memory: the context's 16 getters and setters hold nothing until one is used. A guest
// that keeps them all, beside one that keeps as many nulls: unpatched they are made with the
// context either way and the two heaps are the same; now the first guest makes them.
shimTest("a built-in's getter or setter is made at its first use, not with the context", async () => {
  const guest = (use) =>
    `var keep = [];
     [[Object.prototype, '__proto__'], [Function.prototype, 'fileName'], [Function.prototype, 'lineNumber'], [Array, Symbol.species], [Promise, Symbol.species],
      [RegExp, Symbol.species], [RegExp.prototype, 'flags'], [RegExp.prototype, 'source'], [RegExp.prototype, 'global'], [RegExp.prototype, 'ignoreCase'],
      [RegExp.prototype, 'multiline'], [RegExp.prototype, 'dotAll'], [RegExp.prototype, 'unicode'], [RegExp.prototype, 'sticky'], [Symbol.prototype, 'description']
     ].forEach(function (at) {
       ${use ? 'var d = Object.getOwnPropertyDescriptor(at[0], at[1]); keep.push(d.get, d.set || null);' : 'keep.push(null, null);'}
     });
     ocppHost.log(20, 'accessors ' + keep.filter(Boolean).length);
     ocppHost.exit(0);`;
  const [used, unused] = await Promise.all([runGuest(dataDir, guest(true), args('ENGINE-ACCESSORS-USED')), runGuest(dataDir, guest(false), args('ENGINE-ACCESSORS-UNUSED'))]);
  assert.equal(used.code, 0, used.stdout);
  assert.equal(unused.code, 0, unused.stdout);
  assert.match(used.stdout, /accessors 16\b/);
  const perFunction = (used.heapPeak - unused.heapPeak) / 16;
  assert.ok(perFunction >= 96, `heap peak ${used.heapPeak} bytes with the 16 accessor functions used, ${unused.heapPeak} with none: ${perFunction.toFixed(1)} bytes a function`);
});
