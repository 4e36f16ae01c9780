// afterTopLevel: the station is built in a promise job, after the code that asked for it has
// returned (the bundle's top level, whose code QuickJS then frees), and a throw while it is
// built ends the program with the load error's 70.
import { test, assert } from '../../lib/harness';
import { Hal } from '../../../hal/index';
import { afterTopLevel } from '../../../src/lib/after-top-level';

function fakeHal(): { hal: Hal; errors: string[]; exits: number[] } {
  const errors: string[] = [];
  const exits: number[] = [];
  const hal = { log: { error: (text: string) => errors.push(text) }, exit: (code: number) => exits.push(code) } as unknown as Hal;
  return { hal, errors, exits };
}

test('the build runs once the caller has returned, and its result is what the promise resolves to', async () => {
  const { hal, exits } = fakeHal();
  const order: string[] = [];
  const built = afterTopLevel(hal, () => {
    order.push('build');
    return 42;
  });
  order.push('top level done');
  assert.equal(await built, 42);
  assert.deepEqual(order, ['top level done', 'build']);
  assert.deepEqual(exits, []);
});

test('a throw while building ends the program with 70 and is logged', async () => {
  const { hal, errors, exits } = fakeHal();
  const built = await afterTopLevel(hal, () => {
    throw new Error('no hardware');
  });
  assert.equal(built, null);
  assert.deepEqual(exits, [70]);
  assert.match(errors.join('\n'), /the station could not be built: .*no hardware/);
});
