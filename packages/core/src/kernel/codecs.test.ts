/**
 * The shared codecs: what they accept, what they refuse, and how `describeErrors` names the field
 * that failed so a person can fix their input.
 */
import test from 'ava'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as io from 'io-ts'

import {
  AreaRef,
  CurrencyCode,
  describeErrors,
  isIsoDate,
  isIsoDateTime,
  IsoDate,
  IsoDateTime,
  isUuid,
  Money,
  NonEmptyString,
  Pence,
  Uuid,
} from './codecs'

/** Problems with the values quoted, as for input that holds nothing personal. */
const problems = (codec: io.Decoder<unknown, unknown>, value: unknown): ReadonlyArray<string> => {
  const decoded = codec.decode(value)
  return E.isLeft(decoded) ? describeErrors(decoded.left, 'shown') : []
}

/** Problems as errors give them by default: each value described by its kind, never quoted. */
const withheld = (codec: io.Decoder<unknown, unknown>, value: unknown): ReadonlyArray<string> => {
  const decoded = codec.decode(value)
  return E.isLeft(decoded) ? describeErrors(decoded.left) : []
}

const accepts = (codec: io.Decoder<unknown, unknown>, value: unknown): boolean => E.isRight(codec.decode(value))

// --- timestamps and dates ---

test('IsoDateTime accepts RFC 3339 timestamps with an offset', (t) => {
  for (const s of [
    '2026-04-01T09:30:00Z',
    '2026-04-01T09:30:00.123Z',
    '2026-04-01T09:30:00.123456789Z',
    '2026-04-01T09:30:00+01:00',
    '2026-04-01T09:30:00-05:30',
    '2024-02-29T23:59:59Z',
    '1999-12-31T00:00:00Z',
  ]) {
    t.true(accepts(IsoDateTime, s), s)
    t.true(isIsoDateTime(s), s)
  }
})

test('IsoDateTime refuses impossible calendar dates and times', (t) => {
  for (const s of [
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-04-00T00:00:00Z',
    '2026-04-01T25:00:00Z',
    '2026-04-01T24:00:00Z',
    '2026-04-01T09:60:00Z',
    '2026-04-01T09:30:60Z',
  ])
    t.false(accepts(IsoDateTime, s), s)
})

test('IsoDateTime refuses timestamps that are not RFC 3339 with an offset', (t) => {
  for (const value of [
    '2026-04-01T09:30:00',
    '2026-04-01 09:30:00Z',
    '2026-04-01',
    '2026-4-1T09:30:00Z',
    '2026-04-01T09:30Z',
    '2026-04-01T09:30:00.Z',
    ' 2026-04-01T09:30:00Z',
    '2026-04-01T09:30:00Z\n',
    'yesterday',
    '',
    1775035800000,
    null,
    undefined,
    new Date('2026-04-01T09:30:00Z'),
  ])
    t.false(accepts(IsoDateTime, value), String(value))
})

test('property: the ISO string of any Date from year 0 to 9999 is an IsoDateTime', (t) => {
  fc.assert(
    fc.property(
      fc.date({
        min: new Date('0000-01-01T00:00:00.000Z'),
        max: new Date('9999-12-31T23:59:59.999Z'),
        noInvalidDate: true,
      }),
      (date) => {
        const s = date.toISOString()
        t.true(isIsoDateTime(s), s)
        t.true(isIsoDate(s.slice(0, 10)), s)
      },
    ),
  )
})

test('leap years follow the Gregorian rule in every year, 0000 to 9999', (t) => {
  for (const year of ['0000', '0004', '0400', '1600', '2000', '2024', '9996']) {
    t.true(isIsoDate(`${year}-02-29`), year)
    t.true(isIsoDateTime(`${year}-02-29T00:00:00Z`), year)
  }
  for (const year of ['0001', '0100', '1700', '1900', '2100', '2025', '9999']) {
    t.false(isIsoDate(`${year}-02-29`), year)
    t.false(isIsoDateTime(`${year}-02-29T00:00:00Z`), year)
  }
})

// The offset is checked only for its shape, so an offset no clock can have passes, and the value
// cannot be turned back into a Date.
test('IsoDateTime refuses an impossible offset such as +99:99', (t) => {
  t.false(isIsoDateTime('2026-04-01T09:30:00+99:99'))
  t.false(isIsoDateTime('2026-04-01T09:30:00+24:00'))
})

test('every IsoDateTime accepted with an ordinary offset is a real instant', (t) => {
  for (const s of ['2026-04-01T09:30:00+01:00', '2026-04-01T09:30:00-11:45', '2026-04-01T09:30:00.5Z'])
    t.false(Number.isNaN(new Date(s).getTime()), s)
})

test('IsoDate accepts calendar dates and refuses impossible ones', (t) => {
  for (const s of ['2026-04-01', '2024-02-29', '2000-02-29', '2026-12-31']) t.true(accepts(IsoDate, s), s)
  for (const value of [
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-01',
    '2026-01-00',
    '2026-04-01T00:00:00Z',
    '01/04/2026',
    '2026-4-1',
    20260401,
  ])
    t.false(accepts(IsoDate, value), String(value))
})

// --- identifiers and strings ---

test('Uuid accepts the canonical 8-4-4-4-12 form in either case', (t) => {
  for (const s of [
    '7f3c0a9e-1b2d-4c3e-8f40-5a6b7c8d9e0f',
    '7F3C0A9E-1B2D-4C3E-8F40-5A6B7C8D9E0F',
    '00000000-0000-0000-0000-000000000000',
  ]) {
    t.true(accepts(Uuid, s), s)
    t.true(isUuid(s), s)
  }
})

test('Uuid refuses other forms', (t) => {
  for (const value of [
    '7f3c0a9e1b2d4c3e8f405a6b7c8d9e0f',
    '{7f3c0a9e-1b2d-4c3e-8f40-5a6b7c8d9e0f}',
    '7f3c0a9e-1b2d-4c3e-8f40-5a6b7c8d9e0',
    '7f3c0a9e-1b2d-4c3e-8f40-5a6b7c8d9e0f0',
    '7f3c0a9g-1b2d-4c3e-8f40-5a6b7c8d9e0f',
    ' 7f3c0a9e-1b2d-4c3e-8f40-5a6b7c8d9e0f',
    '',
    42,
  ])
    t.false(accepts(Uuid, value), String(value))
})

test('property: every UUID fast-check makes is a Uuid', (t) => {
  fc.assert(
    fc.property(fc.uuid(), (s) => {
      t.true(isUuid(s), s)
    }),
  )
})

test('NonEmptyString refuses empty and blank strings', (t) => {
  t.true(accepts(NonEmptyString, 'Fenland Food Bank'))
  for (const value of ['', ' ', '\t\n', 3]) t.false(accepts(NonEmptyString, value), JSON.stringify(value))
})

// --- money ---

test('Pence accepts whole non-negative numbers only', (t) => {
  for (const n of [0, 1, 250_000, Number.MAX_SAFE_INTEGER]) t.true(accepts(Pence, n), String(n))
  for (const value of [
    -1,
    -0.5,
    1.5,
    0.1 + 0.2,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.MAX_SAFE_INTEGER + 1,
    '500',
    null,
  ])
    t.false(accepts(Pence, value), String(value))
})

test('property: Pence accepts exactly the safe non-negative integers', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (n) => {
      t.is(accepts(Pence, n), Number.isSafeInteger(n) && n >= 0, String(n))
    }),
  )
})

test('CurrencyCode accepts three upper-case letters only', (t) => {
  for (const s of ['GBP', 'EUR', 'USD']) t.true(accepts(CurrencyCode, s), s)
  for (const value of ['gbp', 'GB', 'GBPX', 'G8P', '£', '', null]) t.false(accepts(CurrencyCode, value), String(value))
})

test('Money accepts pence with a currency and refuses anything else', (t) => {
  t.true(accepts(Money, { amount: 125_000, currency: 'GBP' }))
  t.true(accepts(Money, { amount: 0, currency: 'EUR' }))
  for (const value of [
    { amount: -5, currency: 'GBP' },
    { amount: 12.5, currency: 'GBP' },
    { amount: '125000', currency: 'GBP' },
    { amount: 1, currency: 'pounds' },
    { amount: 1 },
    { currency: 'GBP' },
    125_000,
    null,
  ])
    t.false(accepts(Money, value), JSON.stringify(value))
})

test('AreaRef needs a code, a type and a vintage', (t) => {
  t.true(accepts(AreaRef, { code: 'E05013050', type: 'ward', vintage: '2025' }))
  t.deepEqual(problems(AreaRef, { code: 'E05013050', type: ' ', vintage: '2025' }), [
    'type: expected NonEmptyString, got " "',
  ])
})

// --- describeErrors ---

test('describeErrors by default describes what a value was, never what it said', (t) => {
  const Person = io.type({ name: NonEmptyString, dateOfBirth: IsoDate, amount: Money, tags: io.array(NonEmptyString) })
  const lines = withheld(Person, {
    name: '   ',
    dateOfBirth: '17/05/1990 Alice',
    amount: { amount: -12.5, currency: 'gbp' },
    tags: [''],
  })
  t.deepEqual([...lines].sort(), [
    'amount.amount: expected Pence, got a negative fraction',
    'amount.currency: expected CurrencyCode, got a string of 3 characters',
    'dateOfBirth: expected IsoDate, got a string of 16 characters',
    'name: expected NonEmptyString, got a string of 3 characters',
    'tags.0: expected NonEmptyString, got ""',
  ])
  t.deepEqual(withheld(Money, { amount: Number.NaN, currency: 'GBP' }), ['amount: expected Pence, got NaN'])
  t.deepEqual(withheld(Money, { amount: 7, currency: 'GBP' }).length, 0)
  t.deepEqual(withheld(Money, null), ['(root): expected Money, got null'])
  const Even = new io.Type<number, number, unknown>(
    'Even',
    (u): u is number => typeof u === 'number' && u % 2 === 0,
    (u, c) => (typeof u === 'number' && u % 2 === 0 ? io.success(u) : io.failure(u, c, `${String(u)} is odd`)),
    (n) => n,
  )
  t.deepEqual(withheld(Even, 3), ['(root): expected Even, got a whole number'], 'a codec’s own message may quote it')
})

test('describeErrors names the path of a nested field, the rule and the value', (t) => {
  const Award = io.type({ applicationId: Uuid, amount: Money })
  t.deepEqual(
    problems(Award, { applicationId: '7f3c0a9e-1b2d-4c3e-8f40-5a6b7c8d9e0f', amount: { amount: -5, currency: 'GBP' } }),
    ['amount.amount: expected Pence, got -5'],
  )
})

test('describeErrors gives one line per failing field', (t) => {
  const Award = io.type({ applicationId: Uuid, amount: Money })
  const lines = problems(Award, { applicationId: 'x', amount: { amount: 1.5, currency: 'gbp' } })
  t.deepEqual([...lines].sort(), [
    'amount.amount: expected Pence, got 1.5',
    'amount.currency: expected CurrencyCode, got "gbp"',
    'applicationId: expected Uuid, got "x"',
  ])
})

test('describeErrors names a missing field as undefined and the root as (root)', (t) => {
  t.deepEqual(problems(Money, { currency: 'GBP' }), ['amount: expected Pence, got undefined'])
  t.deepEqual(problems(Money, null), ['(root): expected Money, got null'])
})

test('describeErrors names array elements by index', (t) => {
  const Payments = io.type({ payments: io.array(Money) })
  t.deepEqual(
    problems(Payments, {
      payments: [
        { amount: 1, currency: 'GBP' },
        { amount: -1, currency: 'GBP' },
      ],
    }),
    ['payments.1.amount: expected Pence, got -1'],
  )
})

test('describeErrors shortens long strings', (t) => {
  const [line] = problems(Uuid, 'x'.repeat(200))
  t.truthy(line)
  t.true((line ?? '').length < 120, line)
  t.regex(line ?? '', /\.\.\."$/)
})

test('describeErrors keeps a codec’s own message', (t) => {
  const Even = new io.Type<number, number, unknown>(
    'Even',
    (u): u is number => typeof u === 'number' && u % 2 === 0,
    (u, c) => (typeof u === 'number' && u % 2 === 0 ? io.success(u) : io.failure(u, c, 'must be an even number')),
    (n) => n,
  )
  t.deepEqual(problems(Even, 3), ['must be an even number'])
})

test('describeErrors names a field of an intersection or a union without the member index', (t) => {
  const Context = io.intersection([
    io.type({ actor: io.type({ id: NonEmptyString }) }),
    io.partial({ tenant: NonEmptyString }),
  ])
  t.deepEqual(problems(Context, { actor: { id: '' }, tenant: '' }), [
    'actor.id: expected NonEmptyString, got ""',
    'tenant: expected NonEmptyString, got ""',
  ])
  const Payment = io.type({ amount: io.union([Money, io.type({ waived: io.literal(true) })]) })
  t.true(
    problems(Payment, { amount: { amount: -1, currency: 'GBP' } }).includes('amount.amount: expected Pence, got -1'),
  )
})

// io-ts puts the member's index ('0', '1') in the context of each part of an intersection.
// describeErrors drops it only when the entry just before is the IntersectionType itself; under
// `t.readonly` (CommandContext, EventMetadata) that entry is the ReadonlyType, so the index stays
// and people read `0.actor.id` and `1.tenant` instead of `actor.id` and `tenant`.
test('describeErrors names a field of a readonly intersection without the member index', (t) => {
  const Context = io.readonly(
    io.intersection([io.type({ actor: io.type({ id: NonEmptyString }) }), io.partial({ tenant: NonEmptyString })]),
  )
  t.deepEqual(problems(Context, { actor: { id: '' }, tenant: '' }), [
    'actor.id: expected NonEmptyString, got ""',
    'tenant: expected NonEmptyString, got ""',
  ])
})

// The patterns the date checks once matched with, kept to hold the character-by-character checks to them.
const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/
const calendar = (y: number, m: number, d: number): boolean => {
  const date = new Date(Date.UTC(2000, m - 1, d))
  date.setUTCFullYear(y)
  return m >= 1 && m <= 12 && d >= 1 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}
const patternDate = (s: string): boolean => {
  const m = ISO_DATE_PATTERN.exec(s)
  return m !== null && calendar(Number(m[1]), Number(m[2]), Number(m[3]))
}
const patternDateTime = (s: string): boolean => {
  const m = ISO_DATE_TIME_PATTERN.exec(s)
  if (m === null) return false
  const [, y, mo, d, h, mi, se, , offset] = m
  return (
    calendar(Number(y), Number(mo), Number(d)) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(se) < 60 &&
    (offset === 'Z' || (Number(offset?.slice(1, 3)) < 24 && Number(offset?.slice(4, 6)) < 60))
  )
}

test('property: isIsoDate and isIsoDateTime accept exactly what the RFC 3339 patterns and the calendar accept', (t) => {
  // Real timestamps and dates, in the forms RFC 3339 allows, and the same with one character
  // changed, dropped or added: most nearly right, many right.
  const instant = fc
    .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
    .map((d) => d.toISOString())
  const fraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,11}$/))
  const offset = fc.oneof(fc.constant('Z'), fc.stringMatching(/^[+-]\d{2}:\d{2}$/))
  const stamp = fc.tuple(instant, fraction, offset).map(([iso, f, o]) => `${iso.slice(0, 19)}${f}${o}`)
  const day = instant.map((iso) => iso.slice(0, 10))
  const edit = (s: string) =>
    fc
      .tuple(fc.nat({ max: s.length }), fc.constantFrom('0', '9', '-', ':', 'T', 'Z', '+', '.', ' ', '1'), fc.nat(2))
      .map(([at, c, how]) =>
        how === 0
          ? s.slice(0, at) + c + s.slice(at + 1)
          : how === 1
            ? s.slice(0, at) + s.slice(at + 1)
            : s.slice(0, at) + c + s.slice(at),
      )
  const candidates = fc.oneof(stamp, day, stamp.chain(edit), day.chain(edit), fc.string())
  fc.assert(
    fc.property(candidates, (s) => {
      t.is(isIsoDate(s), patternDate(s), s)
      t.is(isIsoDateTime(s), patternDateTime(s), s)
    }),
    { numRuns: 10_000 },
  )
})
