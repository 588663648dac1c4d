/**
 * `findNonJson` is the check every store runs before it writes: anything `JSON.stringify` would drop
 * or change must be refused, with the path to it, and plain JSON must always pass.
 */
import test from 'ava'
import * as fc from 'fast-check'

import { deepFreeze, findNonJson, freezeJson } from './json'

test('plain JSON values pass', (t) => {
  for (const value of [
    null,
    true,
    0,
    -12.5,
    '',
    'Fenland Food Bank',
    [],
    {},
    [1, 'two', null, [false], { three: 3 }],
    { applicationId: 'a', amount: { amount: 125_000, currency: 'GBP' }, tags: ['rural'] },
    Object.create(null) as unknown,
  ])
    t.is(findNonJson(value), undefined, JSON.stringify(value))
})

test('property: every JSON value passes', (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      t.is(findNonJson(value), undefined)
    }),
  )
})

test('property: every value parsed from JSON text passes', (t) => {
  fc.assert(
    fc.property(fc.json(), (text) => {
      t.is(findNonJson(JSON.parse(text)), undefined)
    }),
  )
})

class Applicant {
  constructor(readonly name: string) {}
}

const cases: ReadonlyArray<readonly [string, unknown, string]> = [
  ['undefined', { a: undefined }, '$.a is undefined'],
  ['NaN', { a: { b: Number.NaN } }, '$.a.b is NaN'],
  ['Infinity', [1, Number.POSITIVE_INFINITY], '$[1] is Infinity'],
  ['-Infinity', { amount: Number.NEGATIVE_INFINITY }, '$.amount is -Infinity'],
  ['a bigint', { pence: 10n }, '$.pence is a bigint'],
  ['a function', { toString: () => 'x' }, '$.toString is a function'],
  ['a symbol', { tag: Symbol('x') }, '$.tag is a symbol'],
  ['a Date', { at: new Date(0) }, '$.at is an instance of Date'],
  ['a Map', { areas: new Map() }, '$.areas is an instance of Map'],
  ['a Set', [[new Set()]], '$[0][0] is an instance of Set'],
  ['a class instance', { applicant: new Applicant('Ely Scouts') }, '$.applicant is an instance of Applicant'],
  ['a boxed string', { name: new String('x') }, '$.name is an instance of String'],
  ['a symbol key', { [Symbol('secret')]: 1 }, '$ has symbol keys'],
]

for (const [label, value, message] of cases)
  test(`${label} is refused with its path`, (t) => {
    t.true(findNonJson(value)?.startsWith(message), findNonJson(value))
  })

test('undefined, a function and a symbol at the root are refused', (t) => {
  t.regex(findNonJson(undefined) ?? '', /^\$ is undefined/)
  t.regex(findNonJson(() => 1) ?? '', /^\$ is a function/)
  t.regex(findNonJson(Symbol('x')) ?? '', /^\$ is a symbol/)
})

test('the root path can be named', (t) => {
  t.is(findNonJson({ a: undefined }, 'events[0].data'), 'events[0].data.a is undefined, which JSON cannot hold')
})

test('a hole in a sparse array is refused with its index', (t) => {
  const sparse: unknown[] = [1]
  sparse[2] = 3
  t.is(findNonJson({ list: sparse }), '$.list[1] is a hole in a sparse array')
  t.is(findNonJson(new Array(2)), '$[0] is a hole in a sparse array')
})

test('an array element that is undefined is refused (JSON would turn it into null)', (t) => {
  t.regex(findNonJson([1, undefined]) ?? '', /^\$\[1\] is undefined/)
})

test('a cycle is refused where it closes', (t) => {
  const application: { id: string; self?: unknown } = { id: 'a' }
  application.self = application
  t.is(findNonJson(application), '$.self refers back to itself (a cycle)')

  const list: unknown[] = [1]
  list.push({ back: list })
  t.is(findNonJson(list), '$[1].back refers back to itself (a cycle)')
})

test('a value referenced twice without a cycle (a DAG) is accepted', (t) => {
  const amount = { amount: 500, currency: 'GBP' }
  const tags = ['rural']
  const value = { requested: amount, awarded: amount, nested: [amount, { amount }], a: tags, b: [tags, tags] }
  t.is(findNonJson(value), undefined)
  t.is(JSON.stringify(JSON.parse(JSON.stringify(value))), JSON.stringify(value))
})

test('property: a non-JSON value anywhere in a JSON tree is found', (t) => {
  const bad = fc.constantFrom<unknown>(undefined, Number.NaN, 1n, () => 1, Symbol('x'), new Date(0), new Map())
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.string(), bad, (base, key, value) => {
      const path = `$.outer[1].${key}`
      t.truthy(findNonJson({ ...base, outer: [0, { [key]: value }] })?.startsWith(path))
    }),
  )
})

test('deepFreeze freezes every level and returns the value', (t) => {
  const value = { amount: { amount: 1, currency: 'GBP' }, tags: ['a', { b: 1 }] }
  t.is(deepFreeze(value), value)
  t.true(Object.isFrozen(value))
  t.true(Object.isFrozen(value.amount))
  t.true(Object.isFrozen(value.tags))
  t.true(Object.isFrozen(value.tags[1]))
  t.throws(
    () => {
      ;(value.amount as { amount: number }).amount = 2
    },
    { instanceOf: TypeError },
  )
})

const frozenThrough = (value: unknown): boolean =>
  typeof value !== 'object' || value === null || (Object.isFrozen(value) && Object.values(value).every(frozenThrough))

test('property: freezeJson gives findNonJson’s answer, and freezes every level of what it accepts', (t) => {
  const bad = fc.constantFrom<unknown>(undefined, Number.NaN, -Infinity, 1n, () => 1, Symbol('x'), new Date(0))
  const anywhere = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => ({ value, spoiled: false })),
    fc
      .tuple(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.string(), bad)
      .map(([base, key, value]) => ({ value: { ...base, outer: [0, { [key]: value }] }, spoiled: true })),
  )
  fc.assert(
    fc.property(anywhere, ({ value, spoiled }) => {
      const expected = findNonJson(value, 'doc')
      t.is(freezeJson(value, 'doc'), expected)
      t.is(expected !== undefined, spoiled)
      if (expected === undefined) t.true(frozenThrough(value))
    }),
  )
})

test('freezeJson refuses a cycle, and a member inherited through a changed prototype', (t) => {
  const cyclic: Record<string, unknown> = { a: { b: [1] } }
  ;(cyclic['a'] as Record<string, unknown>)['back'] = cyclic
  t.regex(freezeJson(cyclic, 'doc') ?? '', /^doc\.a\.back refers back to itself/)
  class Award {
    readonly pence = 1
  }
  t.regex(freezeJson({ award: new Award() }, 'doc') ?? '', /^doc\.award is an instance of Award/)
  t.is(freezeJson(Object.create(null) as object, 'doc'), undefined, 'an object without a prototype is plain')
})
