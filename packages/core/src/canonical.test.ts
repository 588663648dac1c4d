/**
 * Canonical JSON against the examples of RFC 8785 and as a property: any reordering of members gives
 * the same text, and the text parses back to an equal value.
 */
import test from 'ava'
import fc from 'fast-check'
import { canonicalJson } from './canonical'

test('RFC 8785: members sorted by UTF-16 code units, numbers as ECMAScript writes them', (t) => {
  // The sorting example of RFC 8785 §3.2.3.
  const sorted = canonicalJson({
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  })
  t.is(
    sorted,
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  )
  // Number serialisation examples of RFC 8785 Appendix B.
  t.is(
    canonicalJson([1e21, 1e-7, 333333333.3333333, 0.000001, -0, 1e23, 4.5, 2e-3]),
    '[1e+21,1e-7,333333333.3333333,0.000001,0,1e+23,4.5,0.002]',
  )
  t.is(
    canonicalJson({ b: [true, null, 'x\u001fy'], a: { d: 1, c: 2 } }),
    '{"a":{"c":2,"d":1},"b":[true,null,"x\\u001fy"]}',
  )
  t.throws(() => canonicalJson({ a: Number.NaN }), { message: /NaN cannot be written as JSON/ })
})

test('property: member order never changes the canonical text, and it parses back to the value', (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = canonicalJson(value)
      const shuffled = JSON.parse(
        JSON.stringify(value, (_k, v: unknown) =>
          typeof v === 'object' && v !== null && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse())
            : v,
        ),
      ) as unknown
      t.is(canonicalJson(shuffled), text)
      t.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)))
    }),
  )
})
