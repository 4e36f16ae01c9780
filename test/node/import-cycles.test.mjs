// No import cycle in src/ and hal/ (type-only imports count: tsc would drop them, and the
// cycle would only show once a value import closes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { importGraph, findCycles } from '../../build/import-cycles.mjs';

test('src/ and hal/ have no import cycle', () => {
  const graph = importGraph(['src', 'hal']);
  assert.ok(Object.keys(graph).length > 30, 'the walk found the sources');
  assert.ok(graph['src/app/station.ts'].includes('src/app/core/connector.ts'), 'the walk reads imports');
  assert.deepEqual(findCycles(graph).map((c) => c.join(' -> ')), []);
});

test('the check finds a cycle through a type-only import, an index module and an export-from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
  try {
    mkdirSync(join(dir, 'src', 'part'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.ts'), "import { B } from './part';\nexport class A { b?: B }\n");
    writeFileSync(join(dir, 'src', 'part', 'index.ts'), "export { B } from './b';\n");
    writeFileSync(join(dir, 'src', 'part', 'b.ts'), "import type { A } from '../a';\nexport class B { a?: A }\n");
    writeFileSync(join(dir, 'src', 'leaf.ts'), "import { A } from './a';\nexport const x: A | null = null;\n");
    const cycles = findCycles(importGraph(['src'], dir));
    assert.deepEqual(cycles.map((c) => c.join(' -> ')), ['src/a.ts -> src/part/index.ts -> src/part/b.ts -> src/a.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
