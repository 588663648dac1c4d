/**
 * Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): object members sorted by the UTF-16
 * code units of their names, no whitespace, numbers as ECMAScript writes them, strings escaped as
 * `JSON.stringify` does. Two values that are equal as JSON have the same canonical text, whatever
 * order their members were written in — what a hash of an event must be computed over.
 *
 * Stores write every event's data and metadata in this form, so it runs on every append: it is
 * written to cost no more than `JSON.stringify`.
 */
import { InvalidArgumentError } from './errors'

/** Characters a JSON string must escape, and surrogates (a lone one is escaped too). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

const quote = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`)

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
        for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i])
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
        out += (out.length > 1 ? ',' : '') + memberName(name) + canonicalJson(member)
      }
      return `${out}}`
    }
    default:
      throw new InvalidArgumentError('value', `a ${typeof value} cannot be written as JSON`)
  }
}
