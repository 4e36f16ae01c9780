// Shared parts (src/lib/shared-parts.ts, src/lib/part-holder.ts): a part other parts run on is loaded once however many
// of them are open, and let go with the last; a part that cannot be opened lets go of it again.
import { test, assert } from '../../lib/harness';
import { definePart } from '../../../src/lib/parts';
import { PartHolder } from '../../../src/lib/part-holder';
import { SharedPart } from '../../../src/lib/shared-parts';
import { InternalError } from '../../../src/ocpp/errors';

/** A HAL whose parts are `values` (as a bundle with parts gives them), recording loads and releases. */
function halOf(values: { [name: string]: (context: any) => unknown }) {
  const calls: string[] = [];
  const logged: string[] = [];
  const hal: any = {
    loadPart(name: string) {
      calls.push('load ' + name);
      if (!values[name]) throw new Error('the bundle has no part "' + name + '"');
      return { create: values[name] };
    },
    releasePart(name: string) {
      calls.push('release ' + name);
    },
    log: { error: (text: string) => logged.push(text) },
    setInterval: () => ({ cancel() {} }),
  };
  return { hal, calls, logged };
}

test('a shared part is loaded with its first user and released with its last', () => {
  const { hal, calls } = halOf({ kit: () => ({ kind: 'kit' }) });
  const shared = new SharedPart(definePart<unknown, { kind: string }>('kit'));
  assert.equal(shared.open(hal).kind, 'kit');
  const second = shared.open(hal);
  assert.equal(second, shared.value, 'the same value for the second user');
  shared.close(hal);
  assert.deepEqual(calls, ['load kit'], 'one user still holds it');
  shared.close(hal);
  assert.deepEqual(calls, ['load kit', 'release kit']);
  assert.equal(shared.value, null);
  shared.close(hal); // once more: nothing held, nothing released
  assert.deepEqual(calls, ['load kit', 'release kit']);
});

test('a part that runs on a shared part is given it; one that cannot be opened lets go of it again (InternalError, error line)', () => {
  const { hal, calls, logged } = halOf({ kit: () => ({ kind: 'kit' }), flow: (context: any) => ({ kit: context.kit(), underWay: () => false }) });
  const shared = new SharedPart(definePart<unknown, { kind: string }>('kit'));
  const context = { kit: () => shared.value };
  const holder = new PartHolder(hal, definePart<typeof context, { kit: unknown; underWay(): boolean }>('flow'), context, undefined, shared);
  assert.deepEqual(holder.open('Request').kit, { kind: 'kit' });
  assert.deepEqual(calls, ['load kit', 'load flow']);
  const missing = new PartHolder(hal, definePart<typeof context, { underWay(): boolean }>('gone'), context, undefined, shared);
  assert.throws(() => missing.open('Other'), InternalError);
  assert.match(logged[0], /^Other: part gone could not be loaded: the bundle has no part "gone"$/);
  assert.deepEqual(calls, ['load kit', 'load flow', 'load gone'], 'the kit stays for the flow still open');
  const { hal: hal2, calls: calls2 } = halOf({ kit: () => ({ kind: 'kit' }) });
  const alone = new SharedPart(definePart<unknown, { kind: string }>('kit'));
  assert.throws(() => new PartHolder(hal2, definePart<typeof context, { underWay(): boolean }>('gone'), context, undefined, alone).open('Other'), InternalError);
  assert.deepEqual(calls2, ['load kit', 'load gone', 'release kit'], 'no other user: the kit is let go at once');
});
