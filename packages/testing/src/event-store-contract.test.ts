/**
 * The contract suite's own tests: the in-memory store passes it, and each deliberately broken store
 * fails the guarantee it breaks — so a store that passes has shown each guarantee, not dodged it.
 */
import { randomUUID } from 'node:crypto'

import type { EventStore, NewEvent, RecordedEvent } from '@civic-ledger/core'
import { createMemoryEventStore, InvalidArgumentError } from '@civic-ledger/core'
import test from 'ava'
import { Observable } from 'rxjs'

import type { EventStoreFactory, Guarantee } from './event-store-contract'
import { runEventStoreContract } from './event-store-contract'
import { collect, testEvent } from './fixtures'
import { eventStoreContract } from './register'

eventStoreContract('memory', async () => createMemoryEventStore())

// --- broken stores ---

/** A memory store with one operation replaced. */
const broken =
  (change: (inner: EventStore) => Partial<EventStore>): EventStoreFactory =>
  async () => {
    const inner = createMemoryEventStore()
    const store: EventStore = {
      appendToStream: (s, e, o) => inner.appendToStream(s, e, o),
      appendMulti: (a) => inner.appendMulti(a),
      readStream: (s, o) => inner.readStream(s, o),
      readAll: (o) => inner.readAll(o),
      subscribe: (o) => inner.subscribe(o),
      readStored: (o) => inner.readStored(o),
      streamHeads: (p) => inner.streamHeads(p),
      importStored: (e) => inner.importStored(e),
      headPosition: () => inner.headPosition(),
      close: () => inner.close(),
      ...change(inner),
    }
    return store
  }

const HIDDEN = 'hidden.noise-1'

const mutants: ReadonlyArray<readonly [string, Guarantee, EventStoreFactory]> = [
  [
    'ignores the expected revision',
    'optimistic concurrency',
    broken((inner) => ({
      appendToStream: (s, e) => inner.appendToStream(s, e, { expectedRevision: 'any' }),
      appendMulti: (a) => inner.appendMulti(a.map((p) => ({ ...p, expectedRevision: 'any' }))),
    })),
  ],
  [
    'gives every attempt fresh event ids (a cache-less, id-less store)',
    'idempotent retries',
    broken((inner) => ({
      appendToStream: (s, e, o) =>
        inner.appendToStream(
          s,
          e.map((x) => ({ ...x, eventId: randomUUID() })),
          o,
        ),
      appendMulti: (a) =>
        inner.appendMulti(a.map((p) => ({ ...p, events: p.events.map((x) => ({ ...x, eventId: randomUUID() })) }))),
    })),
  ],
  [
    'writes a batch one event at a time',
    'atomic batches',
    broken((inner) => ({
      appendToStream: async (s, events, o) => {
        let first = await inner.appendToStream(s, events.slice(0, 1), o)
        for (const e of events.slice(1)) {
          const next = await inner.appendToStream(s, [e], { expectedRevision: 'any' })
          first = { ...first, lastRevision: next.lastRevision, lastPosition: next.lastPosition }
        }
        return first
      },
      appendMulti: async (appends) => {
        const results = []
        for (const a of appends)
          results.push(await inner.appendToStream(a.streamId, a.events, { expectedRevision: a.expectedRevision }))
        return results
      },
    })),
  ],
  [
    'leaves gaps in the global positions',
    'global order',
    broken((inner) => {
      const hideNoise = (events: AsyncIterable<RecordedEvent>): AsyncIterable<RecordedEvent> => ({
        async *[Symbol.asyncIterator]() {
          for await (const e of events) if (e.streamId !== HIDDEN) yield e
        },
      })
      return {
        appendToStream: async (s, e, o) => {
          const result = await inner.appendToStream(s, e, o)
          await inner.appendToStream(HIDDEN, [testEvent()], { expectedRevision: 'any' })
          return result
        },
        readAll: (o) => hideNoise(inner.readAll(o)),
      }
    }),
  ],
  [
    'reads streams forwards whatever the direction',
    'reading',
    broken((inner) => ({
      readStream: (s, o) => inner.readStream(s, { ...o, direction: 'forwards', fromRevision: 0 }),
    })),
  ],
  [
    'takes the head once, catches up to it, then goes live from the head after',
    'subscriptions',
    broken((inner) => ({
      subscribe: (o) =>
        new Observable<RecordedEvent>((subscriber) => {
          let live: { unsubscribe(): void } | undefined
          void (async () => {
            const head = await inner.headPosition()
            const past = await collect(() =>
              inner.readAll({
                fromPosition: o?.fromPosition ?? 1,
                toPosition: head,
                ...(o?.filter === undefined ? {} : { filter: o.filter }),
              }),
            )
            for (const e of past) {
              subscriber.next(e)
              await new Promise((resolve) => setImmediate(resolve))
            }
            const resume = await inner.headPosition()
            live = inner
              .subscribe({
                fromPosition: Math.max(resume + 1, o?.fromPosition ?? 1),
                ...(o?.filter === undefined ? {} : { filter: o.filter }),
              })
              .subscribe(subscriber)
          })()
          return () => live?.unsubscribe()
        }),
    })),
  ],
  [
    'files events with a bad stream id under a default stream',
    'bad arguments',
    broken((inner) => ({
      appendToStream: async (s, e, o) => {
        try {
          return await inner.appendToStream(s, e, o)
        } catch (error) {
          if (!(error instanceof InvalidArgumentError)) throw error
          const cleaned = e.map((x): NewEvent => ({
            ...x,
            data: JSON.parse(JSON.stringify(x.data ?? null) ?? 'null') as NewEvent['data'],
          }))
          return inner.appendToStream('test.stream-unnamed', cleaned, { expectedRevision: 'any' })
        }
      },
    })),
  ],
  [
    'forgets everything when reopened',
    'durability',
    async () => {
      const store = createMemoryEventStore()
      return { store, reopen: async () => createMemoryEventStore() }
    },
  ],
]

for (const [what, guarantee, factory] of mutants) {
  test(`the contract catches a store that ${what} (${guarantee})`, async (t) => {
    const results = await runEventStoreContract(factory)
    const failed = results.filter((r) => !r.passed)
    t.true(
      failed.some((r) => r.guarantee === guarantee),
      `no ${guarantee} case failed; failures: ${failed.map((r) => r.title).join(' | ') || 'none'}`,
    )
  })
}

test('the unbroken memory store passes every case when run programmatically', async (t) => {
  const results = await runEventStoreContract(async () => createMemoryEventStore())
  t.deepEqual(
    results.filter((r) => !r.passed).map((r) => `${r.title}: ${String(r.error)}`),
    [],
  )
  t.true(results.length >= 25)
})
