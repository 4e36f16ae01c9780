// Parts: code a station runs only now and then (a firmware update, a diagnostics upload), kept
// out of the resident code of a bundle built with parts. In such a bundle (the minified twins,
// build/parts.mjs) a part's code is appended to the bundle file behind the bundle's own; the
// host evaluates it when the station opens the part (HostABI.partLoad, through the HAL), and
// frees it once the station has closed it again (HostABI.partRelease: what the part made is
// reference cycles, which QuickJS's reference counting alone never frees). In a bundle
// without parts (dist/*.js, a `--parts none` build, the QuickJS tests) the same code is
// resident and opening a part only calls it. A part sees the station only through the typed
// context it is given: it holds no module state the resident code would share (the build
// refuses a module of both that has any, build/parts.mjs).

/** A part: its name in the bundle file, and its code where the bundle keeps it resident. */
export interface Part<C, T> {
  readonly name: string;
  /** The part's code on its context; absent in a bundle built with parts (the host has it). */
  readonly create?: (context: C) => T;
}

/** What opening and closing a part needs of the HAL. */
export interface PartHost {
  loadPart(name: string): unknown;
  releasePart(name: string): void;
}

/** What a part evaluated by the host gives: its entry module's exports. */
interface PartExports<C, T> {
  create?: (context: C) => T;
}

/**
 * Declares a part (in a module of its own, `*-part.ts`, which a bundle built with parts
 * replaces by the part's name alone).
 */
export function definePart<C, T>(name: string, create?: (context: C) => T): Part<C, T> {
  return { name, create };
}

/**
 * The part's value on `context`: its resident code's, or the host's evaluation of it. Throws
 * an Error saying why when the host cannot give it (no partLoad, no such part, a corrupt one).
 */
export function openPart<C, T>(hal: PartHost, part: Part<C, T>, context: C): T {
  if (part.create) return part.create(context);
  let exports: PartExports<C, T> | null = null;
  try {
    exports = hal.loadPart(part.name) as PartExports<C, T>;
  } catch (e) {
    throw new Error('part ' + part.name + ' could not be loaded: ' + ((e && (e as Error).message) || e));
  }
  if (!exports || typeof exports.create !== 'function') throw new Error('part ' + part.name + ' could not be loaded: it is no part of this bundle');
  return exports.create(context);
}

/**
 * The station let go of what it opened of `part` (it holds nothing of it any more): the host
 * may free the part's code now (its reference cycles; HostABI.partRelease). Nothing for a
 * resident part.
 */
export function closePart<C, T>(hal: PartHost, part: Part<C, T>): void {
  if (!part.create) hal.releasePart(part.name);
}
