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

/** How deep a value may nest; deeper is refused. */
export const MAX_JSON_DEPTH = 256

/**
 * Finds the first part of `value` that is not plain JSON and says where it is and why, or returns
 * `undefined` when the whole value is JSON. Refuses `undefined`, functions, symbols, bigints,
 * non-finite numbers, class instances (a `Date` included: send ISO strings), sparse arrays, cycles
 * and values nested deeper than `MAX_JSON_DEPTH` — everything `JSON.stringify` would drop, change
 * or choke on.
 */
export const findNonJson = (value: unknown, path = '$'): string | undefined => explain(value, path, false)

/**
 * As `findNonJson`, and when the whole value is JSON, freezes it deeply in the same walk: what a
 * read-model document goes through when a projection puts it. A value refused may be left with
 * some of its parts frozen.
 */
export const freezeJson = (value: unknown, path = '$'): string | undefined =>
  typeof value === 'object' && value !== null && plainFrozen(value, 0) ? undefined : explain(value, path, true)

/**
 * Checks and freezes the usual document — plain objects and arrays of strings, finite numbers,
 * booleans and null — without keeping the path it is under; false, leaving the rest to the walk
 * that explains, at the first thing it is not sure of. Its depth bound also stops it on a cycle.
 */
const plainFrozen = (value: object, depth: number): boolean => {
  if (depth >= MAX_JSON_DEPTH) return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return false
      const item: unknown = value[i]
      if (typeof item === 'object' ? item !== null && !plainFrozen(item, depth + 1) : !isPlainScalar(item)) return false
    }
  } else {
    if (Object.getPrototypeOf(value) !== Object.prototype) return false
    if (Object.getOwnPropertySymbols(value).length > 0) return false
    const members = value as Record<string, unknown>
    for (const key in members) {
      if (!Object.prototype.hasOwnProperty.call(members, key)) return false
      const member = members[key]
      if (typeof member === 'object' ? member !== null && !plainFrozen(member, depth + 1) : !isPlainScalar(member))
        return false
    }
  }
  Object.freeze(value)
  return true
}

const isPlainScalar = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))

const explain = (value: unknown, path: string, freeze: boolean): string | undefined => {
  // The walk keeps the keys it is under and builds a path only for the answer: this runs on every
  // event appended, and most events are fine.
  const keys: Array<string | number> = []
  const problem = walk(value, keys, [], freeze)
  if (problem === undefined) return undefined
  const where = keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')
  return `${path}${where} ${problem}`
}

const walk = (
  value: unknown,
  keys: Array<string | number>,
  ancestors: object[],
  freeze: boolean,
): string | undefined => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `is ${String(value)}, which JSON cannot hold`
    case 'undefined':
      return 'is undefined, which JSON cannot hold'
    case 'bigint':
      return 'is a bigint, which JSON cannot hold'
    case 'function':
      return 'is a function, which JSON cannot hold'
    case 'symbol':
      return 'is a symbol, which JSON cannot hold'
    case 'object': {
      if (value === null) return undefined
      // The objects above this one: short in practice, so a scan beats a set.
      if (ancestors.includes(value)) return 'refers back to itself (a cycle)'
      if (ancestors.length >= MAX_JSON_DEPTH) return `is nested more than ${MAX_JSON_DEPTH} levels deep`
      ancestors.push(value)
      const problem = walkObject(value, keys, ancestors, freeze)
      ancestors.pop()
      // Frozen from the leaves up, so a frozen object is always frozen all the way down.
      if (problem === undefined && freeze) Object.freeze(value)
      return problem
    }
  }
}

const walkObject = (
  value: object,
  keys: Array<string | number>,
  ancestors: object[],
  freeze: boolean,
): string | undefined => {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      keys.push(i)
      if (!(i in value)) return 'is a hole in a sparse array'
      const problem = walk(value[i], keys, ancestors, freeze)
      if (problem !== undefined) return problem
      keys.pop()
    }
    return undefined
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown'
    return `is an instance of ${name}, not a plain object`
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return 'has symbol keys'
  for (const key of Object.keys(value)) {
    keys.push(key)
    const problem = walk((value as Record<string, unknown>)[key], keys, ancestors, freeze)
    if (problem !== undefined) return problem
    keys.pop()
  }
  return undefined
}

/**
 * Deeply freezes a JSON value in place and returns it. A frozen object is taken to be frozen all
 * the way down (this function freezes from the top), so it is not walked again.
 */
export const deepFreeze = <A>(value: A): A => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) freezeObject(value)
  return value
}

const freezeObject = (value: object): void => {
  Object.freeze(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (typeof item === 'object' && item !== null && !Object.isFrozen(item)) freezeObject(item)
    }
    return
  }
  // for…in rather than Object.keys: no array of keys made per object. A JSON value's objects
  // inherit nothing enumerable, so it visits exactly their own members.
  const members = value as Record<string, unknown>
  for (const key in members) {
    const member = members[key]
    if (typeof member === 'object' && member !== null && !Object.isFrozen(member)) freezeObject(member)
  }
}

/** Half of a surrogate pair without its other half: text a database cannot store as it is. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * True when `text` holds a lone surrogate. Stored as UTF-8 it becomes U+FFFD (PostgreSQL) or bytes
 * that read back as something else (SQLite): two names would become one, or a name would not read
 * back as written.
 */
export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text)
