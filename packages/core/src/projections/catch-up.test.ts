/**
 * How the runner catches projections up: workers at the same position take the log together, in
 * one read-model transaction, and keep the documents they committed between transactions. Neither
 * may change what a read model holds: these tests compare against projections run one at a time,
 * with nothing kept.
 */
import test from 'ava'
import fc from 'fast-check'
import { filter, firstValueFrom } from 'rxjs'

import { StoreUnavailableError } from '../kernel/errors'
import { createMemoryEventStore } from '../memory/memory-store'
import type { ReadModelStorage } from '../port/read-model'
import { defineCollection } from '../port/read-model'
import { createMemoryReadModelStorage } from '../store-kit/memory-read-models'
import type { AnyProjection } from './projection'
import { createProjectionRunner } from './projection-runner'

const metadata = {
  actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
  correlationId: 'c-1',
  causationId: 'c-1',
  occurredAt: '2026-04-01T09:00:00.000Z',
}
let nextId = 0
const eventId = (): string => `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`

interface Change {
  readonly fund: string
  readonly amount: number
  readonly close?: boolean
}
const changed = (data: Change) => ({
  eventId: eventId(),
  type: data.close === true ? 'grants.FundClosed' : 'grants.GrantAwarded',
  schemaVersion: 1,
  data: data as never,
  metadata: metadata as never,
})

const totals = defineCollection<{ readonly fund: string; readonly pence: number; readonly awards: number }, 'fund'>(
  'totals',
  { indexes: ['fund'] },
)

/** Sums awards per fund; a closed fund's document is deleted. Not idempotent: a double effect shows. */
const summing = (name: string): AnyProjection => ({
  name,
  version: 1,
  handles: ['grants.GrantAwarded', 'grants.FundClosed'],
  collections: [totals],
  apply: async (event, ctx) => {
    const data = event.data as Change
    const docs = ctx.collection(totals)
    if (data.close === true) return docs.delete(data.fund)
    const before = (await docs.get(data.fund)) ?? { fund: data.fund, pence: 0, awards: 0 }
    await docs.put(data.fund, { ...before, pence: before.pence + data.amount, awards: before.awards + 1 })
  },
})

/** Storage that counts the transactions that moved a checkpoint past 0, and how many they moved. */
const counting = (inner: ReadModelStorage) => {
  const batches: number[] = []
  const storage: ReadModelStorage = {
    dialect: inner.dialect,
    read: (work) => inner.read(work),
    transaction: (work) =>
      inner.transaction(async (tx) => {
        let moved = 0
        const result = await work({
          ...tx,
          saveCheckpoint: async (checkpoint) => {
            if (checkpoint.position > 0) moved++
            await tx.saveCheckpoint(checkpoint)
          },
        })
        if (moved > 0) batches.push(moved)
        return result
      }),
  }
  return { storage, batches }
}

const quiet = { warn: () => undefined }

const appendAll = async (store: ReturnType<typeof createMemoryEventStore>, changes: ReadonlyArray<Change>) => {
  for (const [i, change] of changes.entries())
    await store.appendToStream(`grants.fund-${change.fund}-${i}`, [changed(change)], { expectedRevision: 'noStream' })
}

const changes = (count: number): Change[] =>
  Array.from({ length: count }, (_, i) => ({ fund: `fund-${i % 7}`, amount: 100 + i, close: i % 97 === 96 }))

test('projections catching up together take each page in one transaction, and build what each builds alone', async (t) => {
  const store = createMemoryEventStore()
  await appendAll(store, changes(2_000))
  const names = ['first', 'second', 'third', 'fourth']
  const together = counting(createMemoryReadModelStorage())
  const runner = createProjectionRunner({
    store,
    storage: together.storage,
    projections: names.map(summing),
    batchSize: 50,
    logger: quiet,
  })
  await runner.start()
  await runner.waitUntilCaughtUp()
  await runner.stop()
  // Forty pages of fifty: one transaction a page or fewer, each moving all four checkpoints.
  t.true(together.batches.length <= 40, `${together.batches.length} transactions`)
  t.true(
    together.batches.every((moved) => moved === 4),
    together.batches.join(','),
  )
  for (const name of names) {
    const alone = createMemoryReadModelStorage()
    const single = createProjectionRunner({
      store,
      storage: alone,
      projections: [summing(name)],
      batchSize: 50,
      cachedDocuments: 0,
      logger: quiet,
    })
    await single.start()
    await single.waitUntilCaughtUp()
    await single.stop()
    t.deepEqual(
      await runner.query(name, totals).find(),
      await single.query(name, totals).find(),
      `${name} as built with the others and alone`,
    )
  }
})

test('one projection failing in a convoy leaves the others to go on without it', async (t) => {
  const store = createMemoryEventStore()
  await appendAll(store, changes(300))
  const failing: AnyProjection = {
    ...summing('failing'),
    apply: (event) => {
      if ((event.data as Change).amount === 250) throw new Error('refused 250')
    },
  }
  const runner = createProjectionRunner({
    store,
    projections: [summing('healthy'), failing],
    batchSize: 100,
    logger: quiet,
  })
  await runner.start()
  await t.throwsAsync(runner.waitUntilCaughtUp(), { message: /refused 250/ })
  t.is(runner.status('failing').state, 'halted')
  t.is(runner.status('failing').lastError?.position, 151)
  t.is(runner.status('failing').position, 150, 'it halts just before the failing event')
  await firstValueFrom(runner.statusOf$('healthy').pipe(filter((s) => s.state === 'live')))
  t.is(runner.status('healthy').position, 300)
  const healthy = await runner.query('healthy', totals).get('fund-0')
  await runner.stop()
  const alone = createProjectionRunner({
    store,
    storage: createMemoryReadModelStorage(),
    projections: [summing('healthy')],
    logger: quiet,
  })
  await alone.start()
  await alone.waitUntilCaughtUp()
  t.deepEqual(healthy, await alone.query('healthy', totals).get('fund-0'))
  await alone.stop()
})

test('documents kept between transactions never change what a projection builds (property)', async (t) => {
  const change = fc.record({
    fund: fc.constantFrom('a', 'b', 'c', 'd'),
    amount: fc.integer({ min: 1, max: 1_000 }),
    close: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  await fc.assert(
    fc.asyncProperty(
      fc.array(change, { minLength: 1, maxLength: 60 }),
      fc.array(change, { maxLength: 30 }),
      fc.integer({ min: 1, max: 7 }),
      fc.constantFrom(0, 1, 2, 1_000),
      async (before, after, batchSize, cachedDocuments) => {
        const built = async (options: { readonly batchSize: number; readonly cachedDocuments: number }) => {
          const store = createMemoryEventStore()
          await appendAll(store, before)
          const runner = createProjectionRunner({ store, projections: [summing('sums')], logger: quiet, ...options })
          await runner.start()
          await runner.waitUntilCaughtUp()
          // Live appends too: each wakes the runner for a transaction of its own.
          for (const [i, c] of after.entries()) {
            await store.appendToStream(`grants.fund-${c.fund}-live-${i}`, [changed(c)], {
              expectedRevision: 'noStream',
            })
            if (i % 3 === 0) await runner.waitUntilCaughtUp()
          }
          await runner.waitUntilCaughtUp()
          const docs = await runner.query('sums', totals).entries()
          await runner.stop()
          return docs
        }
        t.deepEqual(await built({ batchSize, cachedDocuments }), await built({ batchSize: 1_000, cachedDocuments: 0 }))
      },
    ),
    { numRuns: 40 },
  )
})

test('a long catch-up writes a document changed on every page once a transaction, and never holds a thousand unwritten', async (t) => {
  const store = createMemoryEventStore()
  await appendAll(store, changes(3_000))
  const lines = defineCollection<{ readonly fund: string; readonly amount: number }, 'fund'>('lines')
  const inner = createMemoryReadModelStorage()
  let transactions = 0
  /** Each write of documents: its table, and the ids it put. */
  const writes: Array<{ readonly table: string; readonly ids: ReadonlyArray<string> }> = []
  const storage: ReadModelStorage = {
    dialect: inner.dialect,
    read: (work) => inner.read(work),
    transaction: (work) =>
      inner.transaction(async (tx) => {
        transactions++
        return work({
          ...tx,
          writeDocuments: async (table, puts, deletes) => {
            writes.push({ table, ids: puts.map(([id]) => id) })
            await tx.writeDocuments(table, puts, deletes)
          },
        })
      }),
  }
  // A running total per fund, and a line per award: the first is changed on every page, the second
  // grows with the log.
  const ledger: AnyProjection = {
    name: 'ledger',
    version: 1,
    handles: ['grants.GrantAwarded', 'grants.FundClosed'],
    collections: [totals, lines],
    apply: async (event, ctx) => {
      const data = event.data as Change
      if (data.close === true) return
      const before = (await ctx.collection(totals).get(data.fund)) ?? { fund: data.fund, pence: 0, awards: 0 }
      await ctx.collection(totals).put(data.fund, { ...before, pence: before.pence + data.amount, awards: 1 })
      await ctx.collection(lines).put(event.eventId, { fund: data.fund, amount: data.amount })
    },
  }
  const runner = createProjectionRunner({ store, storage, projections: [ledger], batchSize: 50, logger: quiet })
  await runner.start()
  await runner.waitUntilCaughtUp()
  await runner.stop()
  const totalWrites = writes.filter((w) => w.table.endsWith('__totals') && w.ids.includes('fund-0')).length
  const lineWrites = writes.filter((w) => w.table.endsWith('__lines'))
  // Sixty pages of fifty, taken several to a transaction (those already read): fund-0 changes on
  // each of them, and is written once a transaction.
  t.true(transactions < 60, `${transactions} transactions`)
  t.true(totalWrites <= transactions, `fund-0 written ${totalWrites} times in ${transactions} transactions`)
  // The lines are written as they pass a thousand held (at most a page more), not all at the end.
  t.true(lineWrites.length > 1, `${lineWrites.length} writes of lines`)
  t.true(
    lineWrites.every((w) => w.ids.length <= 1_000 + 50),
    lineWrites.map((w) => w.ids.length).join(','),
  )
  t.is(
    lineWrites.reduce((n, w) => n + w.ids.length, 0),
    2_970,
  )
})

test('a catch-up whose goal moves on in the middle of a long read takes every event once', async (t) => {
  const store = createMemoryEventStore()
  await appendAll(store, changes(3_013))
  const seen = defineCollection<{ readonly position: number; readonly times: number }>('seen')
  const once: AnyProjection = {
    name: 'once',
    version: 1,
    handles: ['grants.GrantAwarded', 'grants.FundClosed'],
    collections: [seen],
    apply: async (event, ctx) => {
      const before = await ctx.collection(seen).get(event.eventId)
      await ctx.collection(seen).put(event.eventId, { position: event.position, times: (before?.times ?? 0) + 1 })
    },
  }
  // Each transaction waits a turn of the event loop, so appends land while the worker is far behind
  // and the head it is catching up to moves past the end of the read it has open.
  const inner = createMemoryReadModelStorage()
  const storage: ReadModelStorage = {
    dialect: inner.dialect,
    read: (work) => inner.read(work),
    transaction: async (work) => {
      await new Promise((resolve) => setImmediate(resolve))
      return inner.transaction(work)
    },
  }
  const runner = createProjectionRunner({ store, storage, projections: [once], batchSize: 50, logger: quiet })
  await runner.start()
  const more = changes(1_500)
  for (const [i, change] of more.entries()) {
    await store.appendToStream(`grants.fund-${change.fund}-late-${i}`, [changed(change)], {
      expectedRevision: 'noStream',
    })
    if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  await runner.waitUntilCaughtUp()
  await runner.stop()
  const docs = await runner.query(once, seen).entries()
  const missing: number[] = []
  const positions = new Set(docs.map((d) => d.doc.position))
  for await (const event of store.readAll()) if (!positions.has(event.position)) missing.push(event.position)
  t.deepEqual(missing, [], `${missing.length} events never applied`)
  t.deepEqual(
    docs.filter((d) => d.doc.times !== 1),
    [],
  )
  t.is(docs.length, 4_513)
})

test('a catch-up holds one long read of the log at most, and none once it has reached the head', async (t) => {
  const store = createMemoryEventStore()
  await appendAll(store, changes(3_013))
  // Every read of the log the runner opens, and whether it was read to its end or closed.
  let open = 0
  let opened = 0
  let most = 0
  const counted: typeof store = {
    ...store,
    readAll: (options) => {
      const items = store.readAll(options)
      return {
        [Symbol.asyncIterator]: () => {
          const inner = items[Symbol.asyncIterator]()
          opened++
          open++
          most = Math.max(most, open)
          let settled = false
          const settle = (): void => {
            if (!settled) open--
            settled = true
          }
          return {
            next: async () => {
              const next = await inner.next()
              if (next.done === true) settle()
              return next
            },
            return: async () => {
              settle()
              return (await inner.return?.()) ?? { done: true, value: undefined }
            },
          }
        },
      } as ReturnType<typeof store.readAll>
    },
  }
  // Every fifth transaction fails, as a lost connection fails it: the worker takes its page again.
  const inner = createMemoryReadModelStorage()
  let transactions = 0
  const storage: ReadModelStorage = {
    dialect: inner.dialect,
    read: (work) => inner.read(work),
    transaction: async (work) => {
      await new Promise((resolve) => setImmediate(resolve))
      if (++transactions % 5 === 0) throw new StoreUnavailableError('the connection for read models was lost')
      return inner.transaction(work)
    },
  }
  const runner = createProjectionRunner({
    store: counted,
    storage,
    projections: [summing('open-reads')],
    batchSize: 50,
    logger: quiet,
  })
  await runner.start()
  // Appends while it catches up move its goal past the end of the long read it has open.
  for (const [i, change] of changes(1_500).entries()) {
    await store.appendToStream(`grants.fund-${change.fund}-late-${i}`, [changed(change)], {
      expectedRevision: 'noStream',
    })
    if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  await runner.waitUntilCaughtUp()
  // A long read holds a connection on PostgreSQL (a COPY under way): one kept for the next page, one
  // page read meanwhile, and none left behind, or a pool of three has none left for the batch.
  t.true(most <= 2, `${most} reads of the log open at once`)
  t.is(open, 0, `${open} of ${opened} reads of the log still open at the head`)
  t.true(opened >= 1)
  await runner.stop()
})
