// How much heap a QuickJS runtime (quickjs-emscripten) has in use, by QuickJS's own count:
// the figure the simulator's --heap-limit is checked against, the benchmark's heap profile
// and the QuickJS test runner's memoryUsed(). Read from the runtime's text dump, which
// QuickJS writes outside the JS heap: the library's computeMemoryUsage() would first add a
// context of its own (about 33 KB) to the runtime it measures.

/**
 * A QuickJS runtime's memory usage by its own account (JS_ComputeMemoryUsage), as
 * { 'memory used': { count, size }, atoms, strings, objects, properties, shapes,
 * 'bytecode functions', bytecode, … }.
 */
export function memoryUsage(rt) {
  const usage = {};
  for (const line of rt.dumpMemoryUsage().split('\n')) {
    const m = /^\s*([a-z][a-z0-9 ]*?)\s+(\d+)(?:\s+(\d+))?/.exec(line);
    if (m) usage[m[1]] = { count: Number(m[2]), size: m[3] === undefined ? 0 : Number(m[3]) };
  }
  return usage;
}

/**
 * The bytes a QuickJS runtime has in use (memory_used_size: objects, properties, shapes,
 * strings, atoms, functions and their bytecode, arrays, the runtime and its contexts): what
 * memory() reports and --heap-limit is checked against.
 */
export function heapInUse(rt) {
  const used = memoryUsage(rt)['memory used'];
  if (!used) throw new Error('QuickJS memory dump without a "memory used" line');
  return used.size;
}
