/** Telling a promise from a plain value, for code that awaits only when it has to. */

/** True when `value` is a promise (any thenable). */
export const isPromise = <A>(value: A | Promise<A>): value is Promise<A> =>
  typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
