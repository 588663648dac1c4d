/**
 * Snapshots in command handling: the handler folds from the latest usable snapshot, keeps one every
 * `every` events, ignores one of another version or that does not decode, and reaches the same
 * state as folding the whole stream.
 */
import test from 'ava'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { createCommandHandler } from '../commands/command-handler'
import { allowAll } from '../commands/policy'
import { accept, defineAggregate, fold } from '../events/decider'
import type { EventOf } from '../events/event'
import { defineEvent, eventCatalog } from '../events/event'
import { fixedClock, randomIds } from '../kernel/clock'
import { createMemoryEventStore } from '../memory/memory-store'
import type { EventStore, ReadStreamOptions } from './event-store'

const HoursLogged = defineEvent({ type: 'volunteers.HoursLogged', codec: t.type({ hours: t.number }) })
type Logged = EventOf<typeof HoursLogged>
const LogHours = t.type({ type: t.literal('LogHours'), volunteerId: t.string, hours: t.number })
type LogHours = t.TypeOf<typeof LogHours>
type Totals = { readonly entries: number; readonly hours: number }

const timesheetDecider = {
  initialState: { entries: 0, hours: 0 } as Totals,
  evolve: (s: Totals, e: Logged): Totals => ({ entries: s.entries + 1, hours: s.hours + e.data.hours }),
  decide: (c: LogHours) => accept<Logged>(HoursLogged.create({ hours: c.hours })),
}

const timesheet = (every: number, version = 1) =>
  defineAggregate({
    context: 'volunteers',
    name: 'timesheet',
    commands: LogHours,
    events: eventCatalog(HoursLogged),
    decider: timesheetDecider,
    id: (c) => c.volunteerId,
    snapshot: { version, every, codec: t.type({ entries: t.number, hours: t.number }) },
  })

/** A store that records the options of every stream read. */
const watched = (): { readonly store: EventStore; readonly reads: ReadStreamOptions[] } => {
  const inner = createMemoryEventStore()
  const reads: ReadStreamOptions[] = []
  return {
    reads,
    store: {
      ...inner,
      readStream: (streamId, options) => {
        reads.push(options ?? {})
        return inner.readStream(streamId, options)
      },
    },
  }
}

const actor = { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'coordinator' }
const handlerFor = (store: EventStore) =>
  createCommandHandler({ store, policy: allowAll, clock: fixedClock('2026-05-01T10:00:00Z'), ids: randomIds })
const STREAM = 'volunteers.timesheet-v-1'

test('a snapshot is kept every `every` events and the next command folds from it', async (t) => {
  const { store, reads } = watched()
  const handle = handlerFor(store)(timesheet(3))
  for (let i = 1; i <= 7; i++) {
    const result = await handle({ type: 'LogHours', volunteerId: 'v-1', hours: i }, { actor })()
    t.true(E.isRight(result))
  }
  const snapshot = await store.snapshots?.readSnapshot(STREAM)
  t.is(snapshot?.revision, 5, 'snapshots at revisions 2 and 5, three events apart')
  t.deepEqual(snapshot?.state, { entries: 6, hours: 21 })
  reads.length = 0
  const result = await handle({ type: 'LogHours', volunteerId: 'v-1', hours: 1 }, { actor })()
  t.deepEqual(reads, [{ fromRevision: 6 }], 'only the events after the snapshot were read')
  t.deepEqual(E.isRight(result) ? result.right.state : undefined, { entries: 8, hours: 29 })
})

test('a snapshot of another version, or one that does not decode, is ignored', async (t) => {
  const { store, reads } = watched()
  for (let i = 1; i <= 4; i++)
    await handlerFor(store)(timesheet(2, 1))({ type: 'LogHours', volunteerId: 'v-1', hours: 1 }, { actor })()
  reads.length = 0
  const v2 = await handlerFor(store)(timesheet(100, 2))({ type: 'LogHours', volunteerId: 'v-1', hours: 1 }, { actor })()
  t.deepEqual(reads, [{}], 'a version 1 snapshot is not used by version 2')
  t.deepEqual(E.isRight(v2) ? v2.right.state : undefined, { entries: 5, hours: 5 })

  await store.snapshots?.writeSnapshot({ streamId: STREAM, revision: 4, version: 3, state: { entries: 'many' } })
  reads.length = 0
  const v3 = await handlerFor(store)(timesheet(100, 3))({ type: 'LogHours', volunteerId: 'v-1', hours: 1 }, { actor })()
  t.deepEqual(reads, [{}], 'an undecodable snapshot is not used')
  t.deepEqual(E.isRight(v3) ? v3.right.state : undefined, { entries: 6, hours: 6 })
})

test('property: with snapshots the handler reaches the state of folding the whole stream', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 25 }),
      fc.integer({ min: 1, max: 6 }),
      async (hours, every) => {
        const store = createMemoryEventStore()
        const handle = handlerFor(store)(timesheet(every))
        let last: Totals | undefined
        for (const h of hours) {
          const result = await handle({ type: 'LogHours', volunteerId: 'v-1', hours: h }, { actor })()
          if (E.isLeft(result)) return false
          last = result.right.state
        }
        const events: Logged[] = []
        for await (const e of store.readStream(STREAM)) events.push(HoursLogged.create(e.data as { hours: number }))
        return JSON.stringify(last) === JSON.stringify(fold(timesheetDecider, events))
      },
    ),
    { numRuns: 60 },
  )
  t.pass()
})
