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

/** The options of a handler as bits of ActionRoute's flags. */
export const SKIP_VALIDATION = 1;
export const UNIQUE_ID = 2;
export const INJECT_RESPONSE = 4;

/**
 * How one action is served on a ChargePoint: one object per action, its handlers and their
 * options as bits (SKIP_VALIDATION, UNIQUE_ID, INJECT_RESPONSE), not an object per handler.
 */
export interface ActionRoute {
  on?: Handler;
  onFlags?: number;
  after?: Handler;
  afterFlags?: number;
}

/** The routes of one ChargePoint, per action. */
export interface Routes {
  [action: string]: ActionRoute;
}

/** A decorated method, remembered on its class's prototype. */
export interface DecoratedRoute {
  after: boolean;
  action: string;
  method: string;
  options: OnOptions & AfterOptions;
}

const KEY = '__ocppRoutes';

function remember(prototype: any, route: DecoratedRoute): void {
  // Each class gets its own list, starting with what it inherits: decorating a subclass
  // never adds handlers to its parent.
  if (!Object.prototype.hasOwnProperty.call(prototype, KEY)) prototype[KEY] = (prototype[KEY] || []).slice();
  prototype[KEY].push(route);
}

/** The decorated routes of an object's class (and its parent classes). */
export function decoratedRoutes(instance: object): DecoratedRoute[] {
  return (instance as any)[KEY] || [];
}

/** Decorator: the method answers `action`. */
export function on(action: string, options?: OnOptions) {
  return (prototype: object, method: string, _descriptor?: PropertyDescriptor): void => {
    remember(prototype, { after: false, action, method, options: options || {} });
  };
}

/** Decorator: the method runs once the answer to `action` was sent. */
export function after(action: string, options?: AfterOptions) {
  return (prototype: object, method: string, _descriptor?: PropertyDescriptor): void => {
    remember(prototype, { after: true, action, method, options: options || {} });
  };
}
