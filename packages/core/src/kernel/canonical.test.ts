/**
 * Canonical JSON against the examples of RFC 8785 and as a property: any reordering of members gives
 * the same text, and the text parses back to an equal value.
 */
import test from 'ava'
import fc from 'fast-check'

import { canonicalJson, checkedCanonicalJson } from './canonical'
import { InvalidArgumentError } from './errors'
import { findNonJson } from './json'

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

/** RFC 8785 written as plainly as possible: the oracle the fast path is checked against. */
const reference = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .filter((name) => (value as Record<string, unknown>)[name] !== undefined)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${reference((value as Record<string, unknown>)[name])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

test('property: the text equals a plain RFC 8785 writer, names that engines list first included', (t) => {
  const name = fc.oneof(
    fc.string(),
    fc.constantFrom('0', '1', '2', '10', '01', '1a', '4294967294', '4294967295', '__proto__', 'constructor', '-1', ''),
  )
  const tie = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 2 }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(name, tie('value'), { maxKeys: 6 }),
    ),
  }))
  fc.assert(
    fc.property(tie.value, (value) => {
      // JSON.parse makes `__proto__` an own member, as it would be in a decoded payload.
      const parsed = JSON.parse(JSON.stringify(value)) as unknown
      t.is(canonicalJson(parsed), reference(parsed))
    }),
    { numRuns: 2_000 },
  )
})

test('values JSON.stringify writes differently are written canonically or refused', (t) => {
  t.is(
    canonicalJson({ b: 1, 10: 'ten', 2: 'two', a: [1, { 9: null, x: 0 }] }),
    '{"10":"ten","2":"two","a":[1,{"9":null,"x":0}],"b":1}',
  )
  t.is(canonicalJson({ z: 1, a: undefined, m: { k: undefined, j: 2 } }), '{"m":{"j":2},"z":1}')
  t.is(canonicalJson(Object.assign(Object.create(null) as object, { b: 2, a: 1 })), '{"a":1,"b":2}')
  t.throws(() => canonicalJson([1, undefined]), { message: /undefined cannot be written as JSON/ })
  // eslint-disable-next-line no-sparse-arrays -- a hole is the case under test
  t.throws(() => canonicalJson([1, , 3]), { message: /undefined cannot be written as JSON/ })
  t.throws(() => canonicalJson({ a: { b: Infinity } }), { message: /Infinity cannot be written as JSON/ })
  t.throws(() => canonicalJson({ f: () => 1 }), { message: /function cannot be written as JSON/ })
  t.throws(() => canonicalJson({ n: 1n }), { message: /bigint cannot be written as JSON/ })
  let deep: unknown = 'leaf'
  for (let i = 0; i < 100; i++) deep = { [`k${i % 3}`]: deep, a: i }
  t.is(canonicalJson(deep), reference(deep))
})

test('property: a checked write gives the canonical text of plain JSON, and refuses the rest as findNonJson says', (t) => {
  class Point {
    constructor(readonly x: number) {}
  }
  const odd = fc.constantFrom<unknown>(
    undefined,
    Number.NaN,
    Infinity,
    1n,
    () => 1,
    Symbol('s'),
    new Date(0),
    new Point(1),
    Object.assign(Object.create(null) as object, { b: 2, a: 1 }),
    { [Symbol('k')]: 1, a: 2 },
    // eslint-disable-next-line no-sparse-arrays -- a hole is a case under test
    [1, , 3],
  )
  const tie = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 2 }),
      odd,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('0', '10', '__proto__')), tie('value'), { maxKeys: 5 }),
    ),
  }))
  let refused = 0
  fc.assert(
    fc.property(tie.value, (value) => {
      const problem = findNonJson(value, '$.data')
      if (problem === undefined) t.is(checkedCanonicalJson(value, '$.data'), canonicalJson(value))
      else {
        refused++
        const error = t.throws(() => checkedCanonicalJson(value, '$.data'), { instanceOf: InvalidArgumentError })
        t.true(error?.message.includes(problem))
      }
    }),
    { numRuns: 2_000 },
  )
  t.true(refused > 100, 'the generator makes values that must be refused')
  // A cycle, and nesting deeper than the fast path walks, take the careful way.
  const cycle: Record<string, unknown> = { a: 1 }
  cycle['self'] = cycle
  t.throws(() => checkedCanonicalJson(cycle, '$.data'), { message: /\$\.data\.self refers back to itself/ })
  let deep: unknown = 'leaf'
  for (let i = 0; i < 100; i++) deep = { [`k${i % 3}`]: deep, a: i }
  t.is(checkedCanonicalJson(deep, '$.data'), canonicalJson(deep))
})
