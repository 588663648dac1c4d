/**
 * JSON values: what an event payload or metadata may hold, and the check every store runs on
 * what it is asked to write.
 */

// --- model ---

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue =
  null | boolean | number | string | ReadonlyArray<JsonValue> | { readonly [key: string]: JsonValue }

/** A JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue }

// --- checks ---

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Finds the first part of `value` that is not plain JSON and says where it is and why, or returns
 * `undefined` when the whole value is JSON. Rejects `undefined`, functions, symbols, bigints,
 * non-finite numbers, class instances (a `Date` included: send ISO strings), sparse arrays and
 * cycles — everything `JSON.stringify` would drop or change silently.
 */
export const findNonJson = (value: unknown, path = '$'): string | undefined => walk(value, path, new Set<object>())

const walk = (value: unknown, path: string, seen: Set<object>): string | undefined => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${String(value)}, which JSON cannot hold`
    case 'undefined':
      return `${path} is undefined, which JSON cannot hold`
    case 'bigint':
      return `${path} is a bigint, which JSON cannot hold`
    case 'function':
      return `${path} is a function, which JSON cannot hold`
    case 'symbol':
      return `${path} is a symbol, which JSON cannot hold`
    case 'object': {
      if (value === null) return undefined
      if (seen.has(value)) return `${path} refers back to itself (a cycle)`
      seen.add(value)
      try {
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            if (!(i in value)) return `${path}[${i}] is a hole in a sparse array`
            const problem = walk(value[i], `${path}[${i}]`, seen)
            if (problem !== undefined) return problem
          }
          return undefined
        }
        if (!isPlainObject(value)) {
          const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown'
          return `${path} is an instance of ${name}, not a plain object`
        }
        if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has symbol keys`
        for (const key of Object.keys(value)) {
          const problem = walk((value as Record<string, unknown>)[key], `${path}.${key}`, seen)
          if (problem !== undefined) return problem
        }
        return undefined
      } finally {
        seen.delete(value)
      }
    }
  }
}

/** Deeply freezes a JSON value in place and returns it. */
export const deepFreeze = <A>(value: A): A => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}
