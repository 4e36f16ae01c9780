// Routing of incoming CALLs to handlers: `on` answers an action, `after` runs once the answer
// was sent. Both work as ChargePoint methods (cp.on('Reset', fn)) and as decorators on the
// methods of a ChargePoint subclass (experimentalDecorators), like the Python `ocpp`
// package's ocpp.routing.on / ocpp.routing.after.

export interface OnOptions {
  /** Neither the request nor the handler's response is checked against its schema. */
  skipSchemaValidation?: boolean;
  /** The handler gets the CALL's unique id as its second argument. */
  callUniqueIdRequired?: boolean;
}

export interface AfterOptions {
  /** The hook gets the CALL's unique id as its second argument. */
  callUniqueIdRequired?: boolean;
  /**
   * The hook gets the response that was sent as its third argument (the second is the unique
   * id, or undefined without callUniqueIdRequired), like the Python package's
   * `after(..., inject_response=True)`: what `on` decided reaches `after` without a side table.
   */
  injectResponse?: boolean;
}

/** A handler: the request payload (and unique id when asked for) in; the response (or its promise) out. An after-hook may also get the response. */
export type Handler = (payload: any, uniqueId?: string, response?: any) => any;

/** The options of a handler as bits (a ChargePoint keeps them per action, its hook's shifted by HOOK_BITS). */
export const SKIP_VALIDATION = 1;
export const UNIQUE_ID = 2;
export const INJECT_RESPONSE = 4;

/** A flag of a decorated route: an `after` hook (else an `on` handler). */
export const AFTER = 8;

/** How far an `after` hook's option bits are shifted beside its action's `on` handler's. */
export const HOOK_BITS = 4;

/** Handlers (or hooks, or option bits) per action. */
export interface ByAction<T> {
  [action: string]: T;
}

/** A handler's options as bits (SKIP_VALIDATION, UNIQUE_ID, INJECT_RESPONSE). */
export function optionBits(o: (OnOptions & AfterOptions) | undefined): number {
  return o ? (o.skipSchemaValidation ? SKIP_VALIDATION : 0) | (o.callUniqueIdRequired ? UNIQUE_ID : 0) | (o.injectResponse ? INJECT_RESPONSE : 0) : 0;
}

/**
 * The decorated methods of a class, remembered on its prototype: one flat list of triples,
 * the action, the method's name and its flags (AFTER and the option bits), one array per
 * class rather than an object and an options object per route for as long as the class lives.
 */
export type DecoratedRoutes = Array<string | number>;

const KEY = '__ocppRoutes';

function remember(prototype: any, action: string, method: string, flags: number): void {
  // Each class gets its own list, starting with what it inherits: decorating a subclass
  // never adds handlers to its parent.
  if (!Object.prototype.hasOwnProperty.call(prototype, KEY)) prototype[KEY] = (prototype[KEY] || []).slice();
  prototype[KEY].push(action, method, flags);
}

/** The decorated routes of an object's class (and its parent classes). */
export function decoratedRoutes(instance: object): DecoratedRoutes {
  return (instance as any)[KEY] || [];
}

/** Decorator: the method answers `action`. */
export function on(action: string, options?: OnOptions) {
  const flags = optionBits(options);
  return (prototype: object, method: string, _descriptor?: PropertyDescriptor): void => remember(prototype, action, method, flags);
}

/** Decorator: the method runs once the answer to `action` was sent. */
export function after(action: string, options?: AfterOptions) {
  const flags = AFTER | optionBits(options);
  return (prototype: object, method: string, _descriptor?: PropertyDescriptor): void => remember(prototype, action, method, flags);
}
