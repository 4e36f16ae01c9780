// @memory-limit 4194304
// (collectGarbage holds short-lived garbage until the collector runs; quickjs-emscripten's
// limit counts blocks, 8 bytes each, not their sizes, so this is about 500,000 blocks.)
// A seeded storm of hostile frames (test/lib/fuzz-frames.ts: every action of 1.6, and of
// 2.0.1, valid and mutated, broken framing, unreadable ids, corrupted text, deep nesting, oversize frames,
// answers to nobody, out-of-range numbers) against a ChargePoint whose handlers answer, fail,
// throw and take their (virtual) time, while it makes calls of its own that get valid,
// invalid, error or no answers. Every CALL with a readable id is answered exactly once with a
// valid CALLRESULT / CALLERROR, no description exceeds the caps, nothing escapes, and the
// heap comes back. A failure names the seed and the frame: rerun with that seed to see it.
import { test, assert, sleep, memoryUsed, collectGarbage } from '../../lib/harness';
import { rig } from './lib/rig';
import { CODES_16, CODES_201, FrameMaker, FuzzFrame, OCPP16, Tables, actionsOf, answerProblem, checkAnswers } from '../../lib/fuzz-frames';
import { InternalError, SecurityError } from '../../../src/ocpp/index';
import { ChargePoint as ChargePoint201 } from '../../../src/ocpp/v201/index';
import * as v201 from '../../../src/ocpp/v201/generated/schemas';

const FRAMES_PER_SEED = 1500;
const OCPP201: Tables = { schemas: v201.schemas, enums: v201.enums };

function fuzzStation(maker: FrameMaker, version: '1.6' | '2.0.1') {
  const r = rig({ logLevel: 'error' }, version === '2.0.1' ? (id, ws, o) => new ChargePoint201(id, ws, o) : undefined);
  const cp = r.cp as any;
  // Every action has a handler that answers a valid payload; some behave worse (the names
  // of one version are unknown actions to the other).
  const actions = actionsOf(maker.tables);
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i];
    cp.on(action, () => maker.valid(maker.tables.schemas[action][1]));
  }
  cp.on('Reset', async () => {
    await sleep(maker.int(5000));
    return { status: 'Accepted' };
  });
  cp.on('DataTransfer', () => {
    throw new TypeError('a bug in the handler');
  });
  cp.on('ClearCache', async () => {
    await sleep(maker.int(100));
    throw new SecurityError('not now');
  });
  cp.on('GetConfiguration', () => ({ configurationKey: 'not a list' }));
  cp.on('GetVariables', () => ({ getVariableResult: 'not a list' }));
  cp.on('UnlockConnector', () => Promise.reject(new InternalError('lock jammed')));
  cp.after('TriggerMessage', () => {
    throw new Error('after-hook failed');
  });
  cp.on('RemoteStartTransaction', () => undefined, { skipSchemaValidation: true });
  cp.on('RequestStartTransaction', () => undefined, { skipSchemaValidation: true });
  return r;
}

async function fuzz(version: '1.6' | '2.0.1', SEEDS: number[], tables: Tables, codes: string[]): Promise<void> {
  for (let s = 0; s < SEEDS.length; s++) {
    const maker = new FrameMaker(SEEDS[s], tables);
    const r = fuzzStation(maker, version);
    const answers: string[] = [];
    r.socket.onSend = (text) => {
      if (text.charAt(1) !== '2') answers.push(text); // our own CALLs are answered below
    };
    const ownCalls: Promise<unknown>[] = [];
    let callOutcomes = 0;
    const frames: FuzzFrame[] = [];
    const storm = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const f = maker.next();
        frames.push(f);
        r.deliver(f.text);
        if (i % 50 === 49) await sleep(maker.int(3000));
        if (i % 100 === 0) {
          // A call of our own, answered well, badly, with an error or not at all.
          r.socket.sent.length = 0;
          const p = r.cp.call('Heartbeat', {}, { suppress: maker.chance(0.5) }).then(
            () => callOutcomes++,
            () => callOutcomes++
          );
          ownCalls.push(p);
          await sleep(0);
          const sent = r.socket.sent.filter((t) => t.charAt(1) === '2');
          if (sent.length) {
            const id = JSON.parse(sent[sent.length - 1])[1];
            const answer = maker.pick([[3, id, { currentTime: '2026-11-25T10:00:00Z' }], [3, id, { currentTime: 5 }], [4, id, maker.foreign(100), maker.foreign(1000), {}], null]);
            if (answer) r.deliver(JSON.stringify(answer));
          }
        }
      }
      await sleep(60000); // the slow handlers answer, unanswered calls time out
    };
    await storm(200); // warm-up: what is allocated once
    await collectGarbage();
    const before = memoryUsed();
    await storm(FRAMES_PER_SEED);
    const problems = checkAnswers(frames, answers, codes);
    assert.deepEqual(problems, [], 'seed ' + SEEDS[s]);
    await Promise.all(ownCalls);
    assert.equal(callOutcomes, ownCalls.length, 'seed ' + SEEDS[s] + ': each of our calls resolved or rejected');
    const bugs = r.host.logs.filter((l) => l.text.indexOf('receive loop') >= 0);
    assert.deepEqual(bugs, [], 'seed ' + SEEDS[s] + ': no error reached the receive loop\'s last resort');
    assert.deepEqual(await r.exchange([2, 'last', 'Reset', maker.valid(tables.schemas.Reset[0])]).then((a) => a.length), 0, 'Reset answers later');
    await sleep(6000);
    assert.equal(answers[answers.length - 1].indexOf('[3,"last",'), 0, 'the station still answers: ' + answers[answers.length - 1]);
    assert.equal(answerProblem(answers[answers.length - 1], codes), null, 'validly');
    // Frames and answers are dropped; what stays is the station.
    frames.length = 0;
    answers.length = 0;
    r.host.logs.length = 0;
    await collectGarbage();
    const growth = memoryUsed() - before;
    assert.ok(growth < 2048, 'seed ' + SEEDS[s] + ': heap grew ' + growth + ' bytes over ' + FRAMES_PER_SEED + ' frames');
  }
}

test('fuzz, OCPP 1.6: 2 seeds × ' + FRAMES_PER_SEED + ' hostile frames — each CALL with a readable id answered once, validly, within the caps; nothing escapes; the heap comes back', () =>
  fuzz('1.6', [1, 2], OCPP16, CODES_16));

test('fuzz, OCPP 2.0.1: 1 seed × ' + FRAMES_PER_SEED + ' hostile frames, the same checks with 2.0.1\'s error codes', () => fuzz('2.0.1', [201], OCPP201, CODES_201));
