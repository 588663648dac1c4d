/**
 * The hot aggregate cache: a command on a hot stream reads only the events after the
 * cached revision; a writer the cache did not see makes the first attempt fail its revision check
 * and the retry fold afresh; the LRU bound holds; aggregates with personal data are never cached;
 * `aggregateCache: { entries: 0 }` turns it off.
 */
import test from 'ava'
import * as E from 'fp-ts/Either'
import * as io from 'io-ts'

import type { Decider } from '../events/decider'
import { accept, defineAggregate } from '../events/decider'
import type { EventOf } from '../events/event'
import { defineEvent, eventCatalog } from '../events/event'
import { personal } from '../events/personal'
import { fixedClock, sequentialIds } from '../kernel/clock'
import type { CommandError } from '../kernel/errors'
import { InvalidArgumentError } from '../kernel/errors'
import { createLedger } from '../ledger/ledger'
import { createMemoryEventStore } from '../memory/memory-store'
import type { EventStore, ReadStreamOptions } from '../port/event-store'
import { createAggregateCache } from './aggregate-cache'
import { createCommandHandler } from './command-handler'
import { allowAll } from './policy'

const NOW = '2026-04-01T09:30:00.000Z'
const actor = { id: 'user-2', organisation: 'cambridgeshire-cc', role: 'grants-officer' }

// --- a counter whose state is the list of notes it was given, in order ---

const CounterCommand = io.type({ type: io.literal('Increment'), counterId: io.string, note: io.string })
type CounterCommand = io.TypeOf<typeof CounterCommand>
const Incremented = defineEvent({
  type: 'tally.Incremented',
  codec: io.type({ counterId: io.string, note: io.string }),
})
type CounterEvent = EventOf<typeof Incremented>

const counterDecider: Decider<CounterCommand, CounterEvent, ReadonlyArray<string>> = {
  initialState: [],
  evolve: (notes, event) => [...notes, event.data.note],
  decide: (command) => accept(Incremented.create({ counterId: command.counterId, note: command.note })),
}

const counter = defineAggregate({
  context: 'tally',
  name: 'counter',
  commands: CounterCommand,
  events: eventCatalog(Incremented),
  decider: counterDecider,
  id: (command) => command.counterId,
})

// --- the same, with the note as personal data ---

const PersonCommand = io.type({ type: io.literal('Note'), personId: io.string, note: io.string })
type PersonCommand = io.TypeOf<typeof PersonCommand>
const Noted = defineEvent({
  type: 'people.Noted',
  subject: 'personId',
  codec: io.type({ personId: io.string, note: personal(io.string) }),
})
type PersonEvent = EventOf<typeof Noted>

const people = defineAggregate({
  context: 'people',
  name: 'person',
  commands: PersonCommand,
  events: eventCatalog(Noted),
  decider: {
    initialState: [] as ReadonlyArray<unknown>,
    evolve: (notes: ReadonlyArray<unknown>, event: PersonEvent) => [...notes, event.data.note],
    decide: (command: PersonCommand) => accept(Noted.create({ personId: command.personId, note: command.note })),
  } satisfies Decider<PersonCommand, PersonEvent, ReadonlyArray<unknown>>,
  id: (command) => command.personId,
})

// --- helpers ---

interface Read {
  readonly streamId: string
  readonly fromRevision: number | undefined
}

/** A store that records each `readStream` call: which stream, and from which revision. */
const counting = (inner: EventStore): { readonly store: EventStore; readonly reads: Read[] } => {
  const reads: Read[] = []
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'readStream')
        return (streamId: string, options?: ReadStreamOptions) => {
          if (streamId.startsWith('tally.') || streamId.startsWith('people.'))
            reads.push({ streamId, fromRevision: options?.fromRevision })
          return target.readStream(streamId, options)
        }
      return Reflect.get(target, key, receiver) as unknown
    },
  })
  return { store, reads }
}

const rightOf = <A>(result: E.Either<CommandError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`)
  return result.right
}

const setup = (entries = 1000, maxAttempts = 5) => {
  const clock = fixedClock(NOW)
  const { store, reads } = counting(createMemoryEventStore({ clock }))
  const cache = createAggregateCache({ entries })
  const handler = createCommandHandler({
    store,
    policy: allowAll,
    clock,
    ids: sequentialIds(),
    backoffMs: 0,
    maxAttempts,
    ...(cache === undefined ? {} : { aggregateCache: cache }),
  })
  return { store, reads, cache, count: handler(counter) }
}

const inc = (counterId: string, note: string) => ({ type: 'Increment', counterId, note })

// --- (1) a hot stream reads only the new events ---

test('a second command on the same stream reads only the events after the cached revision', async (t) => {
  const { reads, count, cache } = setup()
  rightOf(await count(inc('a', 'one'), { actor })())
  rightOf(await count(inc('a', 'two'), { actor })())
  const third = rightOf(await count(inc('a', 'three'), { actor })())
  t.deepEqual(reads, [
    { streamId: 'tally.counter-a', fromRevision: undefined },
    { streamId: 'tally.counter-a', fromRevision: 1 },
    { streamId: 'tally.counter-a', fromRevision: 2 },
  ])
  t.deepEqual(third.state, ['one', 'two', 'three'])
  t.is(third.revision, 2)
  t.is(cache?.get('tally.counter-a')?.revision, 2)
  t.is(cache?.get('tally.counter-a')?.state, third.state, 'the state is kept, not copied')
})

test('events another writer appended are read from the store and folded onto the cached state', async (t) => {
  const { store, reads, count } = setup()
  rightOf(await count(inc('a', 'one'), { actor })())
  // Another process appends; this one's cache does not know.
  await store.appendToStream(
    'tally.counter-a',
    [
      {
        eventId: 'aaaaaaaa-0000-4000-8000-000000000001',
        ...counter.events.encode(Incremented.create({ counterId: 'a', note: 'elsewhere' })),
        metadata: { actor, correlationId: 'c', causationId: 'c', occurredAt: NOW },
      },
    ] as never,
    { expectedRevision: 0 },
  )
  const next = rightOf(await count(inc('a', 'two'), { actor })())
  t.deepEqual(next.state, ['one', 'elsewhere', 'two'])
  t.is(next.revision, 2)
  t.is(next.attempts, 1)
  t.deepEqual(reads[1], { streamId: 'tally.counter-a', fromRevision: 1 })
})

// --- (2) a writer behind the cache's back, between the read and the append ---

test('a writer that appends between the read and the append fails the revision check; the retry folds afresh', async (t) => {
  const clock = fixedClock(NOW)
  const inner = createMemoryEventStore({ clock })
  const { store: countingStore, reads } = counting(inner)
  let sneak = true
  // The first append of 'two' finds that another writer got there first.
  const store: EventStore = new Proxy(countingStore, {
    get(target, key, receiver) {
      if (key === 'appendToStream')
        return async (...args: Parameters<EventStore['appendToStream']>) => {
          const [, events] = args
          if (sneak && (events[0]?.data as { note?: string } | undefined)?.note === 'two') {
            sneak = false
            await inner.appendToStream(
              'tally.counter-a',
              [
                {
                  eventId: 'aaaaaaaa-0000-4000-8000-000000000002',
                  ...counter.events.encode(Incremented.create({ counterId: 'a', note: 'racer' })),
                  metadata: { actor, correlationId: 'c', causationId: 'c', occurredAt: NOW },
                },
              ] as never,
              { expectedRevision: 0 },
            )
          }
          return target.appendToStream(...args)
        }
      return Reflect.get(target, key, receiver) as unknown
    },
  })
  const cache = createAggregateCache()
  const count = createCommandHandler({
    store,
    policy: allowAll,
    clock,
    ids: sequentialIds(),
    backoffMs: 0,
    ...(cache === undefined ? {} : { aggregateCache: cache }),
  })(counter)
  rightOf(await count(inc('a', 'one'), { actor })())
  const second = rightOf(await count(inc('a', 'two'), { actor })())
  t.is(second.attempts, 2)
  t.deepEqual(second.state, ['one', 'racer', 'two'])
  t.is(second.revision, 2)
  t.deepEqual(reads, [
    { streamId: 'tally.counter-a', fromRevision: undefined },
    { streamId: 'tally.counter-a', fromRevision: 1 }, // from the cache: the racer is not seen yet
    { streamId: 'tally.counter-a', fromRevision: undefined }, // the entry was dropped: a fresh fold
  ])
  t.deepEqual(cache?.get('tally.counter-a')?.state, ['one', 'racer', 'two'])
  // What the store holds agrees with the cache.
  const stored: string[] = []
  for await (const e of inner.readStream('tally.counter-a')) stored.push((e.data as { note: string }).note)
  t.deepEqual(stored, ['one', 'racer', 'two'])
})

test('concurrent commands on one stream through one cache all land, in a state that matches the store', async (t) => {
  // Each lost race means another writer committed, so 16 attempts always suffice for 16 writers.
  const { store, count, cache } = setup(1000, 16)
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => count(inc('busy', `n${i}`), { actor })()))
  const done = results.map(rightOf)
  for (const r of done) t.is(r.state.length, r.revision + 1)
  const stored: string[] = []
  for await (const e of store.readStream('tally.counter-busy')) stored.push((e.data as { note: string }).note)
  t.is(stored.length, 16)
  const cached = cache?.get('tally.counter-busy')
  if (cached !== undefined) t.deepEqual(cached.state, stored.slice(0, cached.revision + 1))
  const after = rightOf(await count(inc('busy', 'last'), { actor })())
  t.deepEqual(after.state, [...stored, 'last'])
})

// --- (3) the bound ---

test('the cache keeps at most its number of entries, dropping the least recently used', async (t) => {
  const { reads, count, cache } = setup(2)
  rightOf(await count(inc('a', '1'), { actor })())
  rightOf(await count(inc('b', '1'), { actor })())
  rightOf(await count(inc('a', '2'), { actor })()) // a is now the most recently used
  rightOf(await count(inc('c', '1'), { actor })()) // evicts b
  t.is(cache?.size, 2)
  t.is(cache?.get('tally.counter-b'), undefined)
  reads.length = 0
  rightOf(await count(inc('a', '3'), { actor })())
  const b = rightOf(await count(inc('b', '2'), { actor })())
  t.deepEqual(reads, [
    { streamId: 'tally.counter-a', fromRevision: 2 },
    { streamId: 'tally.counter-b', fromRevision: undefined },
  ])
  t.deepEqual(b.state, ['1', '2'])
  t.is(cache?.size, 2)
})

test('an LRU of many streams never holds more than its bound', (t) => {
  const cache = createAggregateCache({ entries: 10 })
  for (let i = 0; i < 1000; i++)
    cache?.set(`s-${i}`, { decider: counterDecider, state: [], revision: i, snapshotRevision: -1 })
  t.is(cache?.size, 10)
  t.deepEqual(
    Array.from({ length: 10 }, (_, i) => cache?.get(`s-${990 + i}`)?.revision),
    Array.from({ length: 10 }, (_, i) => 990 + i),
  )
})

test('an entry is never replaced by one at an earlier revision', (t) => {
  const cache = createAggregateCache({ entries: 10 })
  cache?.set('s', { decider: counterDecider, state: ['a', 'b'], revision: 1, snapshotRevision: -1 })
  cache?.set('s', { decider: counterDecider, state: ['a'], revision: 0, snapshotRevision: -1 })
  t.is(cache?.get('s')?.revision, 1)
})

test('entries must be a whole number ≥ 0', (t) => {
  t.throws(() => createAggregateCache({ entries: -1 }), { instanceOf: InvalidArgumentError })
  t.throws(() => createAggregateCache({ entries: 1.5 }), { instanceOf: InvalidArgumentError })
  t.is(createAggregateCache({ entries: 0 }), undefined)
})

// --- (4) and (5) through the ledger ---

const ledgerOver = async (options: { readonly entries?: number } = {}) => {
  const { store, reads } = counting(createMemoryEventStore({ clock: fixedClock(NOW) }))
  const ledger = await createLedger({
    store,
    policy: allowAll,
    clock: fixedClock(NOW),
    ...(options.entries === undefined ? {} : { aggregateCache: { entries: options.entries } }),
  })
  return { ledger, reads }
}

test('the ledger caches by default', async (t) => {
  const { ledger, reads } = await ledgerOver()
  rightOf(await ledger.execute(counter, inc('a', 'one'), { actor })())
  const second = rightOf(await ledger.execute(counter, inc('a', 'two'), { actor })())
  t.deepEqual(second.state, ['one', 'two'])
  t.deepEqual(
    reads.map((r) => r.fromRevision),
    [undefined, 1],
  )
  await ledger.close()
})

test('aggregates whose events carry personal data are never cached', async (t) => {
  const { ledger, reads } = await ledgerOver()
  for (const note of ['one', 'two', 'three'])
    rightOf(await ledger.execute(people, { type: 'Note', personId: 'p-1', note }, { actor })())
  const last = rightOf(await ledger.execute(people, { type: 'Note', personId: 'p-1', note: 'four' }, { actor })())
  t.deepEqual(last.state, ['one', 'two', 'three', 'four'])
  t.deepEqual(
    reads.map((r) => r.fromRevision),
    [undefined, undefined, undefined, undefined],
    'every command folds the stream from its start',
  )
  await ledger.close()
})

test('aggregateCache: { entries: 0 } turns the cache off', async (t) => {
  const { ledger, reads } = await ledgerOver({ entries: 0 })
  rightOf(await ledger.execute(counter, inc('a', 'one'), { actor })())
  rightOf(await ledger.execute(counter, inc('a', 'two'), { actor })())
  const third = rightOf(await ledger.execute(counter, inc('a', 'three'), { actor })())
  t.deepEqual(third.state, ['one', 'two', 'three'])
  t.deepEqual(
    reads.map((r) => r.fromRevision),
    [undefined, undefined, undefined],
  )
  await ledger.close()
})

test('a malformed aggregateCache option is refused before anything is opened', async (t) => {
  await t.throwsAsync(createLedger({ store: 'MEMORY:', aggregateCache: { entries: -2 } }), {
    instanceOf: InvalidArgumentError,
  })
})
