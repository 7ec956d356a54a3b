import { AsyncResource } from 'node:async_hooks';

type Bind = typeof AsyncResource.bind;

const nodeMajor = Number(process.versions.node.split('.')[0]);
let original: Bind | undefined;

/**
 * Node 20's `AsyncResource.bind()` costs ~11 µs per call on the bench host:
 * each call builds two `util.deprecate()` wrappers for the deprecated
 * `asyncResource` accessor (DEP0172), and each wrapper's
 * `Object.setPrototypeOf` plus its `prototype` copy is a slow path that also
 * feeds the garbage collector. Nest 11 calls it twice per request whenever
 * any interceptor applies (the idempotency interceptor applies to every
 * route): measured on a bare Nest app, 0.42–0.47 → 0.30–0.37 ms of CPU per
 * request with this replacement (bench/RESULTS.md).
 *
 * The replacement keeps what callers rely on — the async context (and so
 * every AsyncLocalStorage store, e.g. the ambient transaction) is captured
 * when bind() is called and restored when the bound function runs; `this`
 * is `thisArg` when given, else the call's — and drops only the deprecated
 * `asyncResource` accessor. Installed on Node 20 only, where it was measured.
 */
export function installFastAsyncResourceBind(): void {
  if (original || nodeMajor !== 20) return;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- a static method, kept only to be put back by uninstall
  original = AsyncResource.bind;
  type Fn = (this: unknown, ...args: unknown[]) => unknown;
  const bind = (fn: Fn, type?: string, thisArg?: unknown): Fn => {
    const resource = new AsyncResource(type || fn.name || 'bound-anonymous-fn');
    return function bound(this: unknown, ...args: unknown[]): unknown {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
  };
  AsyncResource.bind = bind as unknown as Bind;
}

/** Puts Node's own back (tests). */
export function uninstallFastAsyncResourceBind(): void {
  if (!original) return;
  AsyncResource.bind = original;
  original = undefined;
}
