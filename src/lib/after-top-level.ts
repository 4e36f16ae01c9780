// The composition roots build their station here: in a promise job the host runs as soon as
// the bundle's top level has returned, before any event. QuickJS frees the top level's code
// when it returns — every module's and every class's run-once definitions, about 30 KB of
// bytecode and function tables on 32-bit ARM — so it is gone before the station's objects are
// made, instead of being held beside them at the heap's peak.
import { Hal } from '../../hal/index';

/** The exit code of a bundle that throws while it is evaluated (the hosts' load error). */
const LOAD_ERROR = 70;

/**
 * Runs `build` once the top level has returned; resolves to what it returns. A throw ends the
 * program with 70, as a throw in the top level does (and resolves to null).
 */
export function afterTopLevel<T>(hal: Hal, build: () => T): Promise<T | null> {
  return Promise.resolve()
    .then(build)
    .then(undefined, (err: Error) => {
      // QuickJS's stack is the frames only: the message goes first.
      hal.log.error('the station could not be built: ' + String(err) + (err && err.stack ? '\n' + err.stack : ''));
      hal.exit(LOAD_ERROR);
      return null;
    });
}
