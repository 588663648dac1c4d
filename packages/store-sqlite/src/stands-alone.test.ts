/**
 * `standsAlone` decides whether a stored column may be written as it is into a read-ahead page's
 * JSON text. What the page relies on is a law: text it lets through can only read as one value in
 * its place — it fails to parse there, or it is exactly one member's value, and the members around
 * it stay as they were.
 */
import test from 'ava'
import fc from 'fast-check'

import { standsAlone } from './stands-alone'

/** Reads `text` in a column's place between two members, as a page does. */
const inPlace = (text: string): { readonly parsed: boolean; readonly intact: boolean } => {
  let value: unknown
  try {
    value = JSON.parse(`{"before":0,"data":${text},"after":1}`)
  } catch {
    return { parsed: false, intact: true }
  }
  const keys = typeof value === 'object' && value !== null ? Object.keys(value) : []
  const { before, after } = value as { before?: unknown; after?: unknown }
  return { parsed: true, intact: keys.join() === 'before,data,after' && before === 0 && after === 1 }
}

/** Strings made of JSON's structural characters, quotes and escapes: where text goes wrong. */
const jsonish = fc.string({
  unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', ' ', '1', 'a', 'n', 'u', 'l', '"after"'),
  maxLength: 24,
})

test('text that stands alone reads, in its place, as one value or not at all', (t) => {
  fc.assert(
    fc.property(fc.oneof(jsonish, fc.json()), (text) => {
      if (!standsAlone(text)) return
      const read = inPlace(text)
      t.true(read.intact, `${JSON.stringify(text)} changed the members around it`)
    }),
    { numRuns: 20_000 },
  )
})

test('every JSON text stands alone', (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = JSON.stringify(value)
      t.true(standsAlone(text), text)
    }),
    { numRuns: 5_000 },
  )
})

test('text that would take over the members around it does not stand alone', (t) => {
  for (const text of [
    '1,"after":2',
    '{},"before":5',
    '{"a":1}}, {"b":2',
    '"x":1',
    '"a" "b"',
    '[1]]',
    '{"a":"\\"}',
    '{"a":"\\\\"},"after":3',
  ])
    t.false(standsAlone(text), text)
  t.true(standsAlone('{"a":"\\\\"}'))
  t.true(standsAlone('{"a":"say \\"hi\\""}'))
})
