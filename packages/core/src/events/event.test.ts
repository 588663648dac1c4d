/**
 * Event definitions and catalogs: names and versions are checked when an event type is defined,
 * stored events are upcast v1 → v2 → v3 on read, and every way a stored event can fail to decode is
 * reported with its own tag and the field that failed.
 */
import test from 'ava'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as io from 'io-ts'

import { describeErrors, Money, NonEmptyString, Uuid } from '../kernel/codecs'
import type { JsonValue } from '../kernel/json'
import { deepFreeze } from '../kernel/json'
import type { EventDecodeFailure } from './event'
import { defineEvent, eventCatalog, upcaster } from './event'

// --- fixtures ---

/** Decodes `u` with `codec`, or throws: turns generated raw values into branded ones. */
const valid = <A>(codec: io.Decoder<unknown, A>, u: unknown): A => {
  const decoded = codec.decode(u)
  if (E.isLeft(decoded)) throw new Error(describeErrors(decoded.left).join('; '))
  return decoded.right
}

const StartedV1 = io.type({ applicationId: io.string, pence: io.number })
const StartedV2 = io.type({
  applicationId: io.string,
  amount: io.type({ amount: io.number, currency: io.string }),
})
const StartedV3 = io.type({ applicationId: Uuid, applicant: NonEmptyString, amount: Money })

/** v1 held pence alone; v2 added the currency; v3 names the applicant. */
const ApplicationStarted = defineEvent({
  type: 'grants.ApplicationStarted',
  version: 3,
  codec: StartedV3,
  upcasters: [
    upcaster(1, StartedV1, (v1) => ({
      applicationId: v1.applicationId,
      amount: { amount: v1.pence, currency: 'GBP' },
    })),
    upcaster(2, StartedV2, (v2) => ({ ...v2, applicant: 'unknown applicant' })),
  ],
})

/** A set kept as a sorted array: a codec whose encoded form differs from its value. */
const TagSet = new io.Type<ReadonlySet<string>, ReadonlyArray<string>, unknown>(
  'TagSet',
  (u): u is ReadonlySet<string> => u instanceof Set,
  (u, c) => {
    const decoded = io.array(io.string).validate(u, c)
    return E.isLeft(decoded) ? decoded : io.success(new Set(decoded.right))
  },
  (set) => [...set].sort(),
)

const ApplicationTagged = defineEvent({
  type: 'grants.ApplicationTagged',
  codec: io.type({ applicationId: Uuid, tags: TagSet }),
})

const catalog = eventCatalog(ApplicationStarted, ApplicationTagged)

const APPLICATION = '7f3c0a9e-1b2d-4c3e-8f40-5a6b7c8d9e0f'

const failureOf = (stored: { type: string; schemaVersion: number; data: JsonValue }): EventDecodeFailure => {
  const decoded = catalog.decode(stored)
  if (E.isRight(decoded)) throw new Error(`expected ${stored.type} v${stored.schemaVersion} not to decode`)
  return decoded.left
}

// --- defineEvent ---

test('defineEvent accepts <context>.<PastTenseVerbPhrase> names, kebab-case contexts included', (t) => {
  for (const type of ['grants.GrantAwarded', 'time-credits.CreditsEarned', 'areas.Release2025Published'])
    t.is(defineEvent({ type, codec: io.unknown }).type, type)
})

test('defineEvent refuses names that are not <context>.<PastTenseVerbPhrase>', (t) => {
  for (const type of [
    'GrantAwarded',
    'grants.grantAwarded',
    'Grants.GrantAwarded',
    'grants.Grant_Awarded',
    'grants.',
    '.GrantAwarded',
    'grants.GrantAwarded.v2',
    'grants..GrantAwarded',
    'grants.Grant Awarded',
    '',
  ]) {
    const error = t.throws(() => defineEvent({ type, codec: io.unknown }), { instanceOf: TypeError }, type)
    t.true(error?.message.includes(JSON.stringify(type)), `the message names ${type}`)
  }
})

test('defineEvent refuses a version that is not a whole number ≥ 1', (t) => {
  for (const version of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    const error = t.throws(
      () => defineEvent({ type: 'grants.GrantAwarded', version, codec: io.unknown }),
      { instanceOf: TypeError },
      String(version),
    )
    t.regex(error?.message ?? '', /grants\.GrantAwarded: version must be a whole number/)
  }
})

test('defineEvent refuses an upcaster chain with a step missing, repeated or too many', (t) => {
  const step = (from: number) => upcaster(from, io.unknown, (x) => x)
  const cases: ReadonlyArray<readonly [string, number, ReadonlyArray<ReturnType<typeof step>>]> = [
    ['v2 without an upcaster', 2, []],
    ['v3 with only 1 → 2', 3, [step(1)]],
    ['v3 with only 2 → 3', 3, [step(2)]],
    ['v3 with 1 → 2 twice', 3, [step(1), step(1)]],
    ['v1 with an upcaster', 1, [step(1)]],
    ['v2 with an upcaster from 0', 2, [step(0)]],
    ['v2 with 1 → 2 and 2 → 3', 2, [step(1), step(2)]],
  ]
  for (const [label, version, upcasters] of cases) {
    const error = t.throws(
      () => defineEvent({ type: 'grants.GrantAwarded', version, codec: io.unknown, upcasters }),
      { instanceOf: TypeError },
      label,
    )
    t.true(error?.message.startsWith('grants.GrantAwarded: '), label)
  }
})

test('defineEvent takes the upcasters in any order and keeps them in chain order', (t) => {
  const step = (from: number) => upcaster(from, io.unknown, (x) => x)
  const defined = defineEvent({
    type: 'grants.GrantAwarded',
    version: 3,
    codec: io.unknown,
    upcasters: [step(2), step(1)],
  })
  t.deepEqual(
    defined.upcasters.map((u) => u.from),
    [1, 2],
  )
})

test('an event definition builds and recognises its domain events', (t) => {
  const data = valid(StartedV3, {
    applicationId: APPLICATION,
    applicant: 'Fenland Food Bank',
    amount: { amount: 250_000, currency: 'GBP' },
  })
  const event = ApplicationStarted.create(data)
  t.deepEqual(event, { type: 'grants.ApplicationStarted', data })
  t.true(ApplicationStarted.is(event))
  t.false(ApplicationTagged.is(event))
})

// --- catalog ---

test('eventCatalog refuses the same type twice', (t) => {
  t.throws(() => eventCatalog(ApplicationStarted, ApplicationTagged, ApplicationStarted), {
    instanceOf: TypeError,
    message: /grants\.ApplicationStarted is defined twice/,
  })
})

test('eventCatalog lists its types in definition order', (t) => {
  t.deepEqual(catalog.types, ['grants.ApplicationStarted', 'grants.ApplicationTagged'])
})

test('encode gives the current schema version and the encoded data', (t) => {
  const tagged = ApplicationTagged.create({
    applicationId: valid(Uuid, APPLICATION),
    tags: new Set(['rural', 'food']),
  })
  t.deepEqual(catalog.encode(tagged), {
    type: 'grants.ApplicationTagged',
    schemaVersion: 1,
    data: { applicationId: APPLICATION, tags: ['food', 'rural'] },
  })
  const started = ApplicationStarted.create(
    valid(StartedV3, { applicationId: APPLICATION, applicant: 'A', amount: { amount: 1, currency: 'GBP' } }),
  )
  t.is(catalog.encode(started).schemaVersion, 3)
})

test('encode refuses an event type the catalog does not hold', (t) => {
  const stranger = { type: 'grants.GrantAwarded', data: {} } as unknown as Parameters<typeof catalog.encode>[0]
  t.throws(() => catalog.encode(stranger), { instanceOf: TypeError, message: /grants\.GrantAwarded/ })
})

test('encode then decode round-trips an event whose codec transforms', (t) => {
  const event = ApplicationTagged.create({ applicationId: valid(Uuid, APPLICATION), tags: new Set(['a', 'b']) })
  const stored = JSON.parse(JSON.stringify(catalog.encode(event))) as ReturnType<typeof catalog.encode>
  t.deepEqual(catalog.decode(stored), E.right(event))
})

test('decode upcasts v1 → v2 → v3', (t) => {
  const decoded = catalog.decode({
    type: 'grants.ApplicationStarted',
    schemaVersion: 1,
    data: { applicationId: APPLICATION, pence: 125_000 },
  })
  t.deepEqual(
    decoded,
    E.right({
      type: 'grants.ApplicationStarted',
      data: {
        applicationId: APPLICATION,
        amount: { amount: 125_000, currency: 'GBP' },
        applicant: 'unknown applicant',
      },
    }),
  )
})

test('decode upcasts v2 → v3 only, starting from the stored version', (t) => {
  const decoded = catalog.decode({
    type: 'grants.ApplicationStarted',
    schemaVersion: 2,
    data: { applicationId: APPLICATION, amount: { amount: 9, currency: 'EUR' } },
  })
  t.deepEqual(
    decoded,
    E.right({
      type: 'grants.ApplicationStarted',
      data: { applicationId: APPLICATION, amount: { amount: 9, currency: 'EUR' }, applicant: 'unknown applicant' },
    }),
  )
})

test('decode of an unknown type fails with UnknownEventType naming the type', (t) => {
  const failure = failureOf({ type: 'grants.GrantWithdrawn', schemaVersion: 1, data: {} })
  t.is(failure._tag, 'UnknownEventType')
  t.regex(failure.message, /grants\.GrantWithdrawn/)
})

test('decode of a version newer than the code fails with FutureSchemaVersion naming both versions', (t) => {
  const failure = failureOf({
    type: 'grants.ApplicationStarted',
    schemaVersion: 4,
    data: { applicationId: APPLICATION, applicant: 'A', amount: { amount: 1, currency: 'GBP' } },
  })
  t.is(failure._tag, 'FutureSchemaVersion')
  t.regex(failure.message, /v4/)
  t.regex(failure.message, /v3/)
})

test('decode of current-version data that fails the codec fails with InvalidEventData naming the fields', (t) => {
  const failure = failureOf({
    type: 'grants.ApplicationStarted',
    schemaVersion: 3,
    data: { applicationId: 'not-a-uuid', applicant: 'A', amount: { amount: -5, currency: 'GBP' } },
  })
  t.is(failure._tag, 'InvalidEventData')
  t.regex(failure.message, /applicationId: expected Uuid, got a string of 10 characters/)
  t.regex(failure.message, /amount\.amount: expected Pence, got a negative whole number/)
})

test('decode of old data that fails its own version codec names the version and the field', (t) => {
  const failure = failureOf({
    type: 'grants.ApplicationStarted',
    schemaVersion: 1,
    data: { applicationId: APPLICATION, pence: 'a lot' },
  })
  t.is(failure._tag, 'InvalidEventData')
  t.regex(failure.message, /v1/)
  t.regex(failure.message, /pence: expected number, got a string of 5 characters/)
})

test('decode of upcast data that the current codec refuses is InvalidEventData, not a throw', (t) => {
  // v1 only said "a number of pence"; the current codec wants whole, non-negative pence.
  const failure = failureOf({
    type: 'grants.ApplicationStarted',
    schemaVersion: 1,
    data: { applicationId: APPLICATION, pence: 12.5 },
  })
  t.is(failure._tag, 'InvalidEventData')
  t.regex(failure.message, /amount\.amount: expected Pence, got a fraction/)
})

test('decode of a schema version below 1 is InvalidEventData', (t) => {
  const failure = failureOf({ type: 'grants.ApplicationStarted', schemaVersion: 0, data: {} })
  t.is(failure._tag, 'InvalidEventData')
})

// The catalog's fast path (event.ts, `if (d.codec.is(data)) return E.right(...)`) returns the stored
// data as it is whenever the codec's `is` accepts it. An exact codec's `is` accepts extra fields that
// its `decode` strips, so a field dropped from the schema (here a date of birth no longer kept) still
// reaches deciders and projections on replay.
test('decode gives what the codec decodes: an exact codec strips fields it does not know', (t) => {
  const VolunteerRegistered = defineEvent({
    type: 'volunteers.VolunteerRegistered',
    codec: io.exact(io.type({ volunteerId: io.string })),
  })
  const stored = {
    type: 'volunteers.VolunteerRegistered',
    schemaVersion: 1,
    data: { volunteerId: 'v-42', dateOfBirth: '1990-01-01' },
  }
  t.deepEqual(VolunteerRegistered.codec.decode(stored.data), E.right({ volunteerId: 'v-42' }))
  t.deepEqual(
    eventCatalog(VolunteerRegistered).decode(stored),
    E.right({ type: 'volunteers.VolunteerRegistered', data: { volunteerId: 'v-42' } }),
  )
})

// --- laws ---

const rawStartedV3 = fc.record({
  applicationId: fc.uuid(),
  applicant: fc.string({ minLength: 1 }).filter((s) => s.trim().length > 0),
  amount: fc.record({
    amount: fc.maxSafeNat(),
    currency: fc.stringMatching(/^[A-Z]{3}$/),
  }),
})

test('property: encode then decode gives back every event, through JSON as a store keeps it', (t) => {
  const events = fc.oneof(
    rawStartedV3.map((raw) => ApplicationStarted.create(valid(StartedV3, raw))),
    fc
      .record({ applicationId: fc.uuid(), tags: fc.uniqueArray(fc.string()) })
      .map(({ applicationId, tags }) =>
        ApplicationTagged.create({ applicationId: valid(Uuid, applicationId), tags: new Set([...tags].sort()) }),
      ),
  )
  fc.assert(
    fc.property(events, (event) => {
      const stored = deepFreeze(JSON.parse(JSON.stringify(catalog.encode(event))) as ReturnType<typeof catalog.encode>)
      t.deepEqual(catalog.decode(stored), E.right(event))
    }),
  )
})

test('property: upcasters are deterministic and agree with upcasting by hand', (t) => {
  const rawV1 = fc.record({ applicationId: fc.uuid(), pence: fc.maxSafeNat() })
  fc.assert(
    fc.property(rawV1, (v1) => {
      // Frozen, as a store hands it over: an upcaster that changed the stored data would throw here.
      const stored = deepFreeze({ type: 'grants.ApplicationStarted', schemaVersion: 1, data: { ...v1 } })
      const first = catalog.decode(stored)
      const second = catalog.decode(stored)
      t.true(E.isRight(first))
      t.deepEqual(first, second)
      const byHand = catalog.decode({
        type: 'grants.ApplicationStarted',
        schemaVersion: 3,
        data: {
          applicationId: v1.applicationId,
          amount: { amount: v1.pence, currency: 'GBP' },
          applicant: 'unknown applicant',
        },
      })
      t.deepEqual(first, byHand)
      t.deepEqual(stored.data, v1)
    }),
  )
})
