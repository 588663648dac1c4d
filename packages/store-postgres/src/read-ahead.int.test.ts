/**
 * Reading the whole log with the next page fetched ahead: the result is the log in order, a prefix
 * of it while writers append, and a reader that stops early leaves no failure behind.
 */
import test from 'ava'
import { collect, testEvents } from '@civic-ledger/testing'
import { openPostgresEventStore } from './postgres-store'
import { PG_URL, dropSchema, freshSchema, postgresAvailable } from './test-database'

if (postgresAvailable('postgres read-ahead')) {
  test.serial('readAll pages ahead and returns a gap-free prefix of the log while writers append', async (t) => {
    const schema = freshSchema()
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 6 })
    t.teardown(async () => {
      await store.close()
      await dropSchema(schema)
    })
    for (let i = 0; i < 10; i++)
      await store.appendToStream(`test.stream-${i}`, testEvents(50), { expectedRevision: 'noStream' })
    const writing = (async () => {
      for (let i = 0; i < 20; i++)
        await store.appendToStream('test.stream-live', testEvents(5), { expectedRevision: 'any' })
    })()
    const read = await collect(() => store.readAll({ batchSize: 37 }))
    await writing
    t.true(read.length >= 500)
    t.deepEqual(
      read.map((e) => e.position),
      read.map((_, i) => i + 1),
    )
    const capped = await collect(() => store.readAll({ batchSize: 37, fromPosition: 100, maxCount: 80 }))
    t.deepEqual(
      capped.map((e) => e.position),
      Array.from({ length: 80 }, (_, i) => i + 100),
    )
    const ranged = await collect(() => store.readAll({ batchSize: 37, fromPosition: 5, toPosition: 90 }))
    t.deepEqual(
      ranged.map((e) => e.position),
      Array.from({ length: 86 }, (_, i) => i + 5),
    )
  })

  test.serial('a reader that stops early, then a closed store, leave no unhandled failure', async (t) => {
    const schema = freshSchema()
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 4 })
    t.teardown(() => dropSchema(schema))
    await store.appendToStream('test.stream-a', testEvents(300), { expectedRevision: 'noStream' })
    let seen = 0
    for await (const _event of store.readAll({ batchSize: 50 })) if (++seen === 60) break
    await store.close()
    await new Promise((resolve) => setTimeout(resolve, 100))
    t.is(seen, 60)
  })
}
