/**
 * Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): object members sorted by the UTF-16
 * code units of their names, no whitespace, numbers as ECMAScript writes them, strings escaped as
 * `JSON.stringify` does. Two values that are equal as JSON have the same canonical text, whatever
 * order their members were written in — what a hash of an event must be computed over.
 */
import { InvalidArgumentError } from './errors'

const compareUtf16 = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The canonical JSON text of a JSON value. Throws on values JSON cannot hold. */
export const canonicalJson = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidArgumentError('value', `${value} cannot be written as JSON`)
      return JSON.stringify(value)
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => compareUtf16(a, b))
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
    }
    default:
      throw new InvalidArgumentError('value', `a ${typeof value} cannot be written as JSON`)
  }
}
