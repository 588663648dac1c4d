/**
 * The given/when/then helpers pass when the decider or projection does what is stated, and fail —
 * through ava's own assertions — when it does not.
 */
import type { EventOf, Projection, RecordedEvent } from '@civic-ledger/core'
import { accept, defineCollection, defineEvent, defineProjection, NonEmptyString, reject } from '@civic-ledger/core'
import test from 'ava'
import * as t from 'io-ts'

import { deciderSpec } from './decider-spec'
import { testMetadata } from './fixtures'
import { projectionSpec } from './projection-spec'

const HoursLogged = defineEvent({
  type: 'volunteers.HoursLogged',
  codec: t.type({ volunteerId: NonEmptyString, hours: t.number }),
})
type Event = EventOf<typeof HoursLogged>
type Command = { readonly type: 'LogHours'; readonly volunteerId: string; readonly hours: number }

const timesheet = {
  initialState: 0,
  evolve: (total: number, e: Event) => total + e.data.hours,
  decide: (c: Command, total: number) =>
    c.hours <= 0 || c.hours > 24
      ? reject('hours-out-of-range', 'between 0 and 24 hours a day')
      : total + c.hours > 100
        ? reject('over-cap', 'no more than 100 hours on one timesheet')
        : accept<Event>(HoursLogged.create({ volunteerId: c.volunteerId as NonEmptyString, hours: c.hours })),
}
const spec = deciderSpec(timesheet)
const logged = (hours: number): Event => HoursLogged.create({ volunteerId: 'v-1' as NonEmptyString, hours })

test('deciderSpec: then passes on the recorded events', (t) => {
  spec(t)
    .given([logged(3)])
    .when({ type: 'LogHours', volunteerId: 'v-1', hours: 2 })
    .then([logged(2)])
})

test('deciderSpec: thenRejects passes on the rule and returns the error', (t) => {
  const error = spec(t)
    .given([logged(24), logged(24), logged(24), logged(24)])
    .when({ type: 'LogHours', volunteerId: 'v-1', hours: 5 })
    .thenRejects('over-cap')
  t.is(error?.message, 'no more than 100 hours on one timesheet')
})

test('deciderSpec: thenState folds the decision into the state', (t) => {
  spec(t)
    .given([logged(3)])
    .when({ type: 'LogHours', volunteerId: 'v-1', hours: 2 })
    .thenState(5)
})

test('deciderSpec: then fails when the events differ', async (t) => {
  const attempt = await t.try((tt) => {
    spec(tt)
      .given([])
      .when({ type: 'LogHours', volunteerId: 'v-1', hours: 2 })
      .then([logged(3)])
  })
  attempt.discard()
  t.false(attempt.passed)
})

test('deciderSpec: thenRejects fails when the command is accepted', async (t) => {
  const attempt = await t.try((tt) => {
    spec(tt).given([]).when({ type: 'LogHours', volunteerId: 'v-1', hours: 2 }).thenRejects('over-cap')
  })
  attempt.discard()
  t.false(attempt.passed)
})

// --- projections ---

const recorded = (position: number, volunteerId: string, hours: number): RecordedEvent => ({
  eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
  streamId: `volunteers.timesheet-${volunteerId}`,
  revision: position - 1,
  position,
  type: HoursLogged.type,
  schemaVersion: 1,
  data: { volunteerId, hours },
  metadata: testMetadata(),
  recordedAt: '2026-04-01T09:00:00.000Z',
})

const hours = defineCollection<{ hours: number; lastPosition?: number }>('hours')

/** Hours per volunteer, remembering the last position applied so a replayed event is ignored. */
const hoursByVolunteer = defineProjection({
  name: 'hours-by-volunteer',
  version: 1,
  events: [HoursLogged],
  collections: [hours],
  apply: async (event, ctx) => {
    const docs = ctx.collection(hours)
    const current = (await docs.get(event.data.volunteerId)) ?? { hours: 0, lastPosition: 0 }
    if (event.position <= (current.lastPosition ?? 0)) return
    await docs.put(event.data.volunteerId, { hours: current.hours + event.data.hours, lastPosition: event.position })
  },
})

/** The same, without the guard: applying an event twice counts it twice. */
const naiveHours = defineProjection({
  name: 'naive-hours',
  version: 1,
  events: [HoursLogged],
  collections: [hours],
  apply: async (event, ctx) => {
    const docs = ctx.collection(hours)
    const current = (await docs.get(event.data.volunteerId)) ?? { hours: 0 }
    await docs.put(event.data.volunteerId, { hours: current.hours + event.data.hours })
  },
})

/** Keeps a running count outside its read model, so its result depends on how it was run. */
const impureHours = (): Projection => {
  let applied = 0
  return {
    name: 'impure-hours',
    version: 1,
    handles: [HoursLogged.type],
    collections: [hours],
    apply: async (event, ctx) => {
      applied++
      const data = event.data as { volunteerId: string; hours: number }
      await ctx.collection(hours).put(data.volunteerId, { hours: data.hours, lastPosition: applied })
    },
  }
}

const history = [recorded(1, 'v-1', 3), recorded(2, 'v-2', 4), recorded(3, 'v-1', 2)]

test('projectionSpec: then passes on the read model, applied once or twice', async (t) => {
  const expected = { hours: { 'v-1': { hours: 5, lastPosition: 3 }, 'v-2': { hours: 4, lastPosition: 2 } } }
  await projectionSpec(hoursByVolunteer)(t).given(history).then(expected)
  await projectionSpec(hoursByVolunteer)(t).given(history, { twice: true }).then(expected)
})

test('projectionSpec: applying twice exposes a projection that is not idempotent', async (t) => {
  await projectionSpec(naiveHours)(t)
    .given(history)
    .then({ hours: { 'v-1': { hours: 5 }, 'v-2': { hours: 4 } } })
  const attempt = await t.try(async (tt) => {
    await projectionSpec(naiveHours)(tt)
      .given(history, { twice: true })
      .then({ hours: { 'v-1': { hours: 5 }, 'v-2': { hours: 4 } } })
  })
  attempt.discard()
  t.false(attempt.passed)
})

test('projectionSpec: a projection that keeps state outside its read model fails: the rebuild differs', async (t) => {
  const attempt = await t.try(async (tt) => {
    await projectionSpec(impureHours())(tt)
      .given(history)
      .then({ hours: { 'v-1': { hours: 2, lastPosition: 3 }, 'v-2': { hours: 4, lastPosition: 2 } } })
  })
  attempt.discard()
  t.false(attempt.passed)
  t.true(attempt.errors.some((e) => e.message.includes('full rebuild differs')))
})

test('projectionSpec: events of types the projection does not handle are not applied', async (t) => {
  const other = { ...recorded(4, 'v-1', 7), type: 'volunteers.VolunteerSuspended' }
  await projectionSpec(hoursByVolunteer)(t)
    .given([...history, other])
    .then({ hours: { 'v-1': { hours: 5, lastPosition: 3 }, 'v-2': { hours: 4, lastPosition: 2 } } })
})
