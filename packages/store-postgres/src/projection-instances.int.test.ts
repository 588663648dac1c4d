/**
 * Several app instances on one PostgreSQL schema, each running the same projection: every batch
 * locks its checkpoint row and checks it has not moved, so each event still takes effect exactly
 * once, whichever instance applies it. The projection here is deliberately not idempotent.
 */
import { randomUUID } from 'node:crypto'

import type { AnyProjection, NewEvent } from '@civic-ledger/core'
import { createProjectionRunner, defineCollection } from '@civic-ledger/core'
import { testMetadata } from '@civic-ledger/testing'
import test from 'ava'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const counted = defineCollection<{ readonly times: number }>('counted')
const total = defineCollection<{ readonly applied: number }>('total')

const tally: AnyProjection = {
  name: 'tally',
  version: 1,
  handles: ['tally.ItemCounted'],
  collections: [counted, total],
  apply: async (event, ctx) => {
    const items = ctx.collection(counted)
    await items.put(String(event.position), { times: ((await items.get(String(event.position)))?.times ?? 0) + 1 })
    const sum = ctx.collection(total)
    await sum.put('all', { applied: ((await sum.get('all'))?.applied ?? 0) + 1 })
  },
}

const item = (n: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'tally.ItemCounted',
  schemaVersion: 1,
  data: { n },
  metadata: testMetadata(),
})

if (postgresAvailable('postgres projection instances')) {
  test('three instances running the same projection apply each of 600 events exactly once', async (t) => {
    const schema = freshSchema()
    const open = () => openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 4, pollIntervalMs: 100 })
    const stores = [await open(), await open(), await open()]
    t.teardown(async () => {
      for (const store of stores) await store.close()
      await dropSchema(schema)
    })
    const runners = stores.map((store) =>
      createProjectionRunner({ store, projections: [tally], batchSize: 25, logger: { warn: () => undefined } }),
    )
    for (const runner of runners) await runner.start()
    await Promise.all(
      stores.map(async (store, s) => {
        for (let i = 0; i < 200; i++)
          await store.appendToStream(`tally.item-${s}-${i}`, [item(i)], { expectedRevision: 'noStream' })
      }),
    )
    const heads = await Promise.all(runners.map((runner) => runner.waitUntilCaughtUp()))
    t.deepEqual(heads, [600, 600, 600])
    const docs = await runners[0]!.query('tally', counted).find()
    t.is(docs.length, 600)
    t.deepEqual(
      docs.filter((d) => d.times !== 1),
      [],
    )
    t.deepEqual(await runners[2]!.query('tally', total).get('all'), { applied: 600 })
    for (const runner of runners) await runner.stop()
  })
}
