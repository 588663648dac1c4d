/**
 * Time travel and history for auditors: an aggregate as of a position, a recorded time or a business
 * time; a stream's history with who, when, why and a diff of the state; a correlation id across
 * streams; and personal fields disclosed only to a caller holding the keys.
 */
import test from 'ava'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { allowAll } from '../commands/policy'
import { accept, defineAggregate } from '../events/decider'
import type { EventsOf } from '../events/event'
import { defineEvent, eventCatalog } from '../events/event'
import type { Erased } from '../events/personal'
import { personal } from '../events/personal'
import { NonEmptyString } from '../kernel/codecs'
import { createLedger } from '../ledger/ledger'
import { positionAsOf } from '../port/as-of'
import { defineCollection } from '../port/read-model'
import { defineProjection } from '../projections/projection'
import { replayProjections } from '../projections/projection-runner'
import { correlationHistory, diff, loadAggregateAsOf, streamHistory } from './audit'

const HoursRecorded = defineEvent({
  type: 'volunteers.HoursRecorded',
  subject: 'volunteerId',
  codec: t.type({ volunteerId: NonEmptyString, hours: t.number, note: personal(t.string) }),
})
type Event = EventsOf<[typeof HoursRecorded]>
interface State {
  readonly total: number
  readonly entries: number
  readonly lastNote: string | Erased | null
}
const Record = t.type({ type: t.literal('Record'), volunteerId: NonEmptyString, hours: t.number, note: t.string })
const sheets = defineAggregate({
  context: 'volunteers',
  name: 'sheet',
  commands: Record,
  events: eventCatalog(HoursRecorded),
  id: (c) => c.volunteerId,
  decider: {
    initialState: { total: 0, entries: 0, lastNote: null },
    evolve: (s: State, e: Event): State => ({
      total: s.total + e.data.hours,
      entries: s.entries + 1,
      lastNote: e.data.note,
    }),
    decide: (c: t.TypeOf<typeof Record>) =>
      accept<Event>(HoursRecorded.create({ volunteerId: c.volunteerId, hours: c.hours, note: c.note })),
  },
})

const actor = { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' }

const scenario = async () => {
  let now = '2026-03-01T10:00:00.000Z'
  const ledger = await createLedger({ policy: allowAll, clock: { now: () => new Date(now) } })
  const send = async (hours: number, occurredAt: string, recordedAt: string, correlationId: string, id = 'v-1') => {
    now = recordedAt
    const r = await ledger.execute(
      sheets,
      { type: 'Record', volunteerId: id, hours, note: `note ${hours}` },
      { actor, occurredAt, correlationId },
    )()
    if (E.isLeft(r)) throw new Error(r.left.message)
  }
  await send(2, '2026-03-01T09:00:00.000Z', '2026-03-01T10:00:00.000Z', '11111111-1111-4111-8111-111111111111')
  await send(3, '2026-02-20T09:00:00.000Z', '2026-03-05T10:00:00.000Z', '22222222-2222-4222-8222-222222222222') // backdated
  await send(4, '2026-03-08T09:00:00.000Z', '2026-03-09T10:00:00.000Z', '22222222-2222-4222-8222-222222222222', 'v-2')
  await send(5, '2026-03-10T09:00:00.000Z', '2026-03-10T10:00:00.000Z', '33333333-3333-4333-8333-333333333333')
  return ledger
}

test('an aggregate as of a position, a recorded time, and a business time', async (t) => {
  const ledger = await scenario()
  const privacy = ledger.privacy
  const at = async (asOf: Parameters<typeof loadAggregateAsOf>[3]) => {
    const r = await loadAggregateAsOf(ledger.events, sheets, 'volunteers.sheet-v-1', asOf, { privacy })
    if (E.isLeft(r)) throw r.left
    return r.right
  }
  t.like(await at({ position: 2 }), { state: { total: 5, entries: 2 }, revision: 1 })
  t.like(await at({ recordedAt: '2026-03-04T00:00:00.000Z' }), { state: { total: 2, entries: 1 } })
  // On 1 March the backdated entry (occurred 20 February, recorded 5 March) had already happened.
  t.like(await at({ occurredAt: '2026-03-01T12:00:00.000Z' }), { state: { total: 5, entries: 2 } })
  t.like(await at({ occurredAt: '2026-02-25T00:00:00.000Z' }), { state: { total: 3, entries: 1 } })
  t.like(await at({ recordedAt: '2026-12-31T00:00:00.000Z' }), { state: { total: 10, entries: 3 } })
  await ledger.close()
})

const Counted = defineEvent({ type: 'tallies.Counted', codec: t.type({ tallyId: NonEmptyString, n: t.number }) })
const Count = t.type({ type: t.literal('Count'), tallyId: NonEmptyString, n: t.number })
const tallies = defineAggregate({
  context: 'tallies',
  name: 'tally',
  commands: Count,
  events: eventCatalog(Counted),
  id: (c) => c.tallyId,
  decider: {
    initialState: 0,
    evolve: (s: number, e: EventsOf<[typeof Counted]>): number => s + e.data.n,
    decide: (c: t.TypeOf<typeof Count>) => accept(Counted.create({ tallyId: c.tallyId, n: c.n })),
  },
})

test('as of a recorded time, an aggregate and a replay take the same prefix of the log, even when the clock stepped back', async (t) => {
  let now = '2026-03-01T09:30:00.000Z'
  const ledger = await createLedger({ policy: allowAll, clock: { now: () => new Date(now) } })
  const record = async (tallyId: string, n: number, at: string) => {
    now = at
    const r = await ledger.execute(tallies, { type: 'Count', tallyId, n }, { actor })()
    if (E.isLeft(r)) throw new Error(r.left.message)
  }
  await record('v-1', 1, '2026-03-01T10:00:00.000Z') // position 1
  await record('v-2', 2, '2026-03-01T12:00:00.000Z') // 2: the clock runs fast…
  await record('v-1', 4, '2026-03-01T11:00:00.000Z') // 3: …and is put back
  await record('v-1', 8, '2026-03-01T13:00:00.000Z') // 4
  const totals = defineCollection<{ readonly total: number }>('totals')
  const byTally = defineProjection({
    name: 'tallies',
    version: 1,
    events: [Counted],
    collections: [totals],
    apply: async (e, ctx) => {
      const docs = ctx.collection(totals)
      const before = (await docs.get(e.data.tallyId))?.total ?? 0
      await docs.put(e.data.tallyId, { total: before + e.data.n })
    },
  })
  const asOf = async (recordedAt: string) => {
    const aggregate = await loadAggregateAsOf(ledger.events, tallies, 'tallies.tally-v-1', { recordedAt })
    if (E.isLeft(aggregate)) throw aggregate.left
    const replay = await replayProjections({
      store: ledger.events,
      projections: [byTally],
      until: { recordedAt },
    })
    const replayed = (await replay.query('tallies', totals).get('v-1'))?.total ?? 0
    return { aggregate: aggregate.right.state, replayed, position: replay.position }
  }
  // At 11:30 the log had only its first event: the second was recorded "at 12:00", and the third,
  // though stamped 11:00, came after it.
  t.deepEqual(await asOf('2026-03-01T11:30:00.000Z'), { aggregate: 1, replayed: 1, position: 1 })
  t.deepEqual(await asOf('2026-03-01T12:30:00.000Z'), { aggregate: 5, replayed: 5, position: 3 })
  t.deepEqual(await asOf('2026-03-01T09:00:00.000Z'), { aggregate: 0, replayed: 0, position: 0 })
  t.deepEqual(await asOf('2026-03-02T00:00:00.000Z'), { aggregate: 13, replayed: 13, position: 4 })
  t.is(await positionAsOf(ledger.events, { position: 3, recordedAt: '2026-03-02T00:00:00.000Z' }), 3)
  t.is(await positionAsOf(ledger.events, { position: 99 }), 4, 'the last event there is, not the position asked')
  await t.throwsAsync(positionAsOf(ledger.events, { recordedAt: 'yesterday' }), { message: /recordedAt/ })
  await ledger.close()
})

test('a stream’s history says who, when and why, and what each event changed', async (t) => {
  const ledger = await scenario()
  const history = await streamHistory(ledger.events, sheets, 'volunteers.sheet-v-1', {
    privacy: ledger.privacy,
  })
  if (E.isLeft(history)) return t.fail(history.left.message)
  t.is(history.right.length, 3)
  const second = history.right[1]
  t.like(second, {
    revision: 1,
    type: 'volunteers.HoursRecorded',
    occurredAt: '2026-02-20T09:00:00.000Z',
    recordedAt: '2026-03-05T10:00:00.000Z',
    correlationId: '22222222-2222-4222-8222-222222222222',
    actor,
  })
  t.deepEqual(second?.changes, [
    { path: '$.entries', before: 1, after: 2 },
    { path: '$.lastNote', before: 'note 2', after: 'note 3' },
    { path: '$.total', before: 2, after: 5 },
  ])
  await ledger.close()
})

test('without the keys, history shows personal fields as not disclosed', async (t) => {
  const ledger = await scenario()
  const history = await streamHistory(ledger.events, sheets, 'volunteers.sheet-v-1')
  if (E.isLeft(history)) return t.fail(history.left.message)
  t.deepEqual(history.right[0]?.after.lastNote, { _tag: 'Erased', subject: 'v-1' })
  t.is(history.right[0]?.after.total, 2)
  await ledger.close()
})

test('a correlation id’s events across streams, in position order', async (t) => {
  const ledger = await scenario()
  const events = await correlationHistory(ledger.events, '22222222-2222-4222-8222-222222222222')
  t.deepEqual(
    events.map((e) => [e.position, e.streamId]),
    [
      [2, 'volunteers.sheet-v-1'],
      [3, 'volunteers.sheet-v-2'],
    ],
  )
  t.false(JSON.stringify(events).includes('note 3'), 'stored data stays encrypted')
  await ledger.close()
})

test('diff lists leaf changes by path, in a stable order', (t) => {
  t.deepEqual(diff({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3], d: true } }), [
    { path: '$.b.c[1]', before: 2, after: 3 },
    { path: '$.b.d', before: undefined, after: true },
  ])
  t.deepEqual(diff({ x: 1 }, { x: 1 }), [])
})
