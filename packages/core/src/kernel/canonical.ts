/**
 * Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): object members sorted by the UTF-16
 * code units of their names, no whitespace, numbers as ECMAScript writes them, strings escaped as
 * `JSON.stringify` does. Two values that are equal as JSON have the same canonical text, whatever
 * order their members were written in — what a hash of an event must be computed over.
 *
 * Stores write every event's data and metadata in this form, so it runs on every append. Most
 * values take the fast path: their objects are put in canonical member order (copying only those
 * that are not) and `JSON.stringify` writes the text, which then comes out as one flat string.
 * Text built piece by piece in JavaScript is a rope that every later reader (the chain's SHA-256,
 * the driver binding it) must first flatten, at about three times the cost of building it.
 * Values `JSON.stringify` would write differently (integer-like member names, which engines list
 * first, in numeric order; class instances; holes; non-finite numbers) take the careful path.
 */
import { InvalidArgumentError } from './errors'
import { findNonJson } from './json'

/** Characters a JSON string must escape, and surrogates (a lone one is escaped too). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

/** A JSON string, written exactly as `JSON.stringify` writes it; most need no escape, and no call. */
export const quote = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`)

// Member names repeat from event to event: their quoted form is kept, up to a bound.
const MAX_NAMES = 10_000
const quotedNames = new Map<string, string>()
const memberName = (name: string): string => {
  let quoted = quotedNames.get(name)
  if (quoted === undefined) {
    quoted = `${quote(name)}:`
    if (quotedNames.size < MAX_NAMES) quotedNames.set(name, quoted)
  }
  return quoted
}

/** The canonical JSON text of a JSON value. Throws on values JSON cannot hold. */
export const canonicalJson = (value: unknown): string => {
  const ordered = inCanonicalOrder(value, 0, false)
  return ordered === CAREFUL ? canonicalByParts(value) : JSON.stringify(ordered)
}

/**
 * The canonical JSON text of a value that must be plain JSON, as stores write each event's data and
 * metadata: a value `findNonJson` finds fault with is refused with its answer, as an
 * `InvalidArgumentError` on `argument`. A value that passes costs one walk, the check and the
 * ordering done together; any other is checked on its own, then written the careful way.
 * `argument` may be a function that names it, called only when the value takes the careful path:
 * a store checking every event need not build a name for each.
 */
export const checkedCanonicalJson = (value: unknown, argument: string | (() => string)): string => {
  const ordered = inCanonicalOrder(value, 0, true)
  if (ordered !== CAREFUL) return JSON.stringify(ordered)
  const name = typeof argument === 'string' ? argument : argument()
  const problem = findNonJson(value, name)
  if (problem !== undefined) throw new InvalidArgumentError(name, problem)
  return canonicalByParts(value)
}

// --- the fast path ---

/** Returned by `inCanonicalOrder` for a value `JSON.stringify` would not write canonically. */
const CAREFUL: unique symbol = Symbol('careful')

/** Deeper than this, the careful path (which says what is wrong, if anything) takes over. */
const MAX_FAST_DEPTH = 64

/**
 * `value` with every object's members in canonical order: `value` itself when they already are,
 * else a copy of just the objects that are not (and of what holds them). `CAREFUL` when
 * `JSON.stringify` of the result would not be RFC 8785 text — and, when `strict`, when anything in
 * it is not what `findNonJson` accepts (an undefined member, symbol keys), so that a fast answer
 * is also a passed check.
 */
const inCanonicalOrder = (value: unknown, depth: number, strict: boolean): unknown => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : CAREFUL
    case 'object':
      if (value === null) return value
      if (depth >= MAX_FAST_DEPTH) return CAREFUL
      return Array.isArray(value) ? arrayInOrder(value, depth + 1, strict) : objectInOrder(value, depth + 1, strict)
    default:
      return CAREFUL
  }
}

const arrayInOrder = (array: ReadonlyArray<unknown>, depth: number, strict: boolean): unknown => {
  let copy: unknown[] | undefined
  for (let i = 0; i < array.length; i++) {
    const item = array[i]
    // A hole or an undefined item: `JSON.stringify` writes null where canonical JSON refuses.
    if (item === undefined) return CAREFUL
    const ordered = inCanonicalOrder(item, depth, strict)
    if (ordered === CAREFUL) return CAREFUL
    if (ordered !== item) {
      copy ??= array.slice()
      copy[i] = ordered
    }
  }
  return copy ?? array
}

const objectInOrder = (record: object, depth: number, strict: boolean): unknown => {
  const proto: unknown = Object.getPrototypeOf(record)
  if (proto !== Object.prototype && proto !== null) return CAREFUL
  if (strict && Object.getOwnPropertySymbols(record).length > 0) return CAREFUL
  const names = Object.keys(record)
  let sorted = true
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    // Integer-like names are listed first, in numeric order, whatever their insertion order; a
    // copy cannot carry `__proto__` as a plain member.
    const first = name.charCodeAt(0)
    if ((first >= 48 && first <= 57) || name === '__proto__') return CAREFUL
    if (i > 0 && (names[i - 1] as string) > name) sorted = false
  }
  const members = record as Record<string, unknown>
  // Members out of order are copied in order; in order, the object is copied only if a member
  // itself had to be (copying all of it, then replacing that member, keeps the order).
  if (!sorted) sortNames(names)
  let copy: Record<string, unknown> | undefined = sorted ? undefined : {}
  for (const name of names) {
    const member = members[name]
    if (member === undefined) {
      if (strict) return CAREFUL
      continue
    }
    const ordered = inCanonicalOrder(member, depth, strict)
    if (ordered === CAREFUL) return CAREFUL
    if (copy !== undefined) copy[name] = ordered
    else if (ordered !== member) {
      copy = { ...members }
      copy[name] = ordered
    }
  }
  return copy ?? record
}

/**
 * Sorts member names by UTF-16 code units (RFC 8785's order, and what `<` compares). Objects have
 * few members: an insertion sort costs a fraction of `Array.prototype.sort`'s set-up for them.
 */
const sortNames = (names: string[]): void => {
  if (names.length > 24) {
    names.sort()
    return
  }
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string
    let j = i - 1
    while (j >= 0 && (names[j] as string) > name) {
      names[j + 1] = names[j] as string
      j--
    }
    names[j + 1] = name
  }
}

// --- the careful path ---

/** Canonical JSON built member by member, for any value; throws on values JSON cannot hold. */
const canonicalByParts = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return quote(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidArgumentError('value', `${value} cannot be written as JSON`)
      // ECMAScript's Number-to-String, as RFC 8785 requires (and -0 is written 0).
      return `${value}`
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalByParts(value[i])
        return `${out}]`
      }
      const record = value as Record<string, unknown>
      const names = Object.keys(record)
      // Often already in order (small objects, codecs that list fields alphabetically): then no
      // sort. The default sort compares UTF-16 code units, which is RFC 8785's order.
      for (let i = 1; i < names.length; i++)
        if ((names[i - 1] ?? '') > (names[i] ?? '')) {
          names.sort()
          break
        }
      let out = '{'
      for (const name of names) {
        const member = record[name]
        if (member === undefined) continue
        out += (out.length > 1 ? ',' : '') + memberName(name) + canonicalByParts(member)
      }
      return `${out}}`
    }
    default:
      throw new InvalidArgumentError('value', `a ${typeof value} cannot be written as JSON`)
  }
}
