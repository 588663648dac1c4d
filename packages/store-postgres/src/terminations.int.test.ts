/**
 * Backends terminated under every operation that holds a connection — multi-stream appends,
 * appends with an inline projection, imports, async projection batches and read-model
 * transactions — and the isolation level pinned whatever the server's or role's default. A lost
 * connection fails only the operation that held it, with `StoreUnavailableError`; the process
 * never crashes (an `'error'` event with no listener would end it and fail this file); the same
 * store goes on working; and nothing is lost or written twice.
 */
import { randomUUID } from 'node:crypto'

import type { AnyProjection, StoredEvent } from '@civic-ledger/core'
import { createProjectionRunner, defineCollection, StoreUnavailableError, verifyLedger } from '@civic-ledger/core'
import { collect, testEvents } from '@civic-ledger/testing'
import test from 'ava'
import pg from 'pg'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Terminates every backend of `application` every few milliseconds until stopped; counts them. */
const terminator = (application: string) => {
  const admin = new pg.Client({ connectionString: PG_URL })
  admin.on('error', () => undefined)
  let running = true
  let terminated = 0
  const done = (async () => {
    await admin.connect()
    while (running) {
      // One backend at a time, busy ones first: the operations under way lose their connection.
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM (
           SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()
           ORDER BY state = 'active' DESC, random() LIMIT 1) AS victim`,
        [application],
      )
      terminated += rows[0]?.n ?? 0
      await sleep(20 + Math.random() * 40)
    }
    await admin.end()
  })()
  return {
    stop: async (): Promise<number> => {
      running = false
      await done
      return terminated
    },
  }
}

const counts = defineCollection<{ readonly n: number }>('counts')
const counting = (mode: 'inline' | 'async'): AnyProjection => ({
  name: `count-${mode}`,
  version: 1,
  mode,
  handles: ['test.SomethingHappened'],
  collections: [counts],
  apply: async (_event, ctx) => {
    const c = ctx.collection(counts)
    await c.put('all', { n: ((await c.get('all'))?.n ?? 0) + 1 })
  },
})

/** Runs `operation` until the time is up; every failure must be a StoreUnavailableError. */
const storm = async (
  ms: number,
  operation: (round: number) => Promise<void>,
  done: () => boolean = () => false,
): Promise<{ ok: number; unavailable: number; other: string[] }> => {
  const result = { ok: 0, unavailable: 0, other: [] as string[] }
  const until = Date.now() + ms
  for (let round = 0; Date.now() < until && !done(); round++)
    try {
      await operation(round)
      result.ok++
    } catch (error) {
      if (error instanceof StoreUnavailableError) result.unavailable++
      else result.other.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
    }
  return result
}

if (postgresAvailable('backend terminations')) {
  test.serial(
    'terminated backends under every held connection fail only their operation, and the store goes on',
    async (t) => {
      const schema = freshSchema()
      const application = `cl-terminations-${randomUUID().slice(0, 8)}`
      const connectionString = `${PG_URL}?application_name=${application}`
      const store = await openPostgresEventStore({ connectionString, schema })
      const sourceSchema = freshSchema()
      const source = await openPostgresEventStore({ connectionString: PG_URL, schema: sourceSchema })
      t.teardown(async () => {
        await store.close()
        await dropSchema(schema)
      })
      const inline = createProjectionRunner({
        store,
        projections: [counting('inline')],
        logger: { warn: () => undefined },
      })
      await inline.start()
      // An import's events, recorded elsewhere first.
      for (let i = 0; i < 40; i++)
        await source.appendToStream(`test.imported-${i}`, testEvents(1), { expectedRevision: 'noStream' })
      const toImport: ReadonlyArray<StoredEvent> = await collect(() => source.readStored())
      await source.close()
      await dropSchema(sourceSchema)

      const kill = terminator(application)
      t.teardown(() => kill.stop())
      let imported = false
      const imports = await storm(
        2_000,
        async () => {
          await store.importStored(toImport)
          imported = true
        },
        () => imported,
      )
      // All or nothing: the import is there whole, or not at all.
      t.true([0, toImport.length].includes(await store.headPosition()), 'no part of an import was kept')
      const acknowledged = new Set<string>()
      const multi = await storm(1_000, async (round) => {
        const appends = [0, 1].map((k) => ({
          streamId: `test.multi-${round}-${k}`,
          events: testEvents(2),
          expectedRevision: 'noStream' as const,
        }))
        await store.appendMulti(appends)
        for (const a of appends) acknowledged.add(a.streamId)
      })
      const readModels = store.readModels
      if (readModels === undefined) return t.fail('the store keeps read models')
      const transactions = await storm(800, async () => {
        await readModels.transaction(async (tx) => {
          await tx.ensureCollection('rm_probe_v1__docs', [])
          await tx.writeDocuments('rm_probe_v1__docs', [[randomUUID(), '{"a":1}']], [])
        })
      })
      const asyncRunner = createProjectionRunner({
        store,
        projections: [counting('async')],
        logger: { warn: () => undefined },
      })
      const batches = await storm(800, async () => {
        await asyncRunner.start()
        await asyncRunner.waitUntilCaughtUp({ timeoutMs: 2_000 }).catch(() => undefined)
        await asyncRunner.stop()
      })
      const terminated = await kill.stop()
      await inline.stop()

      t.log(
        `${terminated} backends terminated; appendMulti ${multi.ok} ok / ${multi.unavailable} unavailable; ` +
          `read-model transactions ${transactions.ok} / ${transactions.unavailable}; runner rounds ${batches.ok} / ${batches.unavailable}; ` +
          `imports ${imports.ok} / ${imports.unavailable}`,
      )
      t.true(terminated >= 10, `backends were terminated (${terminated})`)
      t.deepEqual([...multi.other, ...imports.other, ...transactions.other, ...batches.other], [])
      t.true(multi.unavailable > 0, 'appends lost their connections')
      t.true(transactions.unavailable + batches.unavailable > 0, 'read-model work lost its connections too')

      // The same store instance works, and holds every acknowledged append exactly once.
      await store.appendToStream(`test.after-${randomUUID()}`, testEvents(1), { expectedRevision: 'noStream' })
      const events = await collect(() => store.readAll())
      const ids = events.map((e) => e.eventId)
      t.is(new Set(ids).size, ids.length, 'no event twice')
      const streams = new Set(events.map((e) => e.streamId))
      for (const stream of acknowledged) t.true(streams.has(stream), `${stream} was acknowledged and is there`)
      const report = await verifyLedger(store)
      t.true(report.ok, report.failure?.message ?? '')
    },
  )

  for (const isolation of ['repeatable read', 'serializable'])
    test.serial(`under a default isolation of ${isolation}, 400 concurrent appends all succeed`, async (t) => {
      const schema = freshSchema()
      const options = encodeURIComponent(`-c default_transaction_isolation=${isolation.replace(' ', '\\ ')}`)
      const store = await openPostgresEventStore({ connectionString: `${PG_URL}?options=${options}`, schema })
      t.teardown(async () => {
        await store.close()
        await dropSchema(schema)
      })
      const failures: string[] = []
      await Promise.all(
        Array.from({ length: 16 }, async (_, worker) => {
          for (let i = worker; i < 400; i += 16)
            await store
              .appendToStream(`test.isolation-${i}`, testEvents(1), { expectedRevision: 'noStream' })
              .catch((error: unknown) => failures.push(error instanceof Error ? error.message : String(error)))
        }),
      )
      t.deepEqual(failures.slice(0, 3), [], `${failures.length} of 400 failed`)
      t.is(await store.headPosition(), 400)
      const report = await verifyLedger(store)
      t.true(report.ok)
    })
}
