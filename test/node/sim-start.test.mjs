// `npm start` (sim/start.mjs): the embedded CSMS and one station running a charging session;
// it ends with its success line, the station having closed its websocket (1000) before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDemo } from '../../sim/start.mjs';

test('npm start: a complete session, the websocket closed with 1000 before the success line, nothing dropped after it', async () => {
  const lines = [];
  const code = await runDemo({ out: (l) => lines.push(l) });
  assert.equal(code, 0, lines.join('\n'));
  const success = lines.findIndex((l) => /^\nnpm start: session complete — transaction \d+, \d+ Wh/.test(l));
  assert.ok(success > 0, lines.join('\n'));
  const closes = lines.filter((l) => /CP-DEMO {2}disconnected \(/.test(l));
  assert.equal(closes.length, 1, closes.join('\n'));
  assert.match(closes[0], /disconnected \(1000\)/);
  assert.ok(lines.indexOf(closes[0]) < success, 'the close comes before the success line');
  assert.ok(!lines.slice(success + 1).some((l) => /disconnected|FAILED|error/.test(l)), lines.slice(success).join('\n'));
});
