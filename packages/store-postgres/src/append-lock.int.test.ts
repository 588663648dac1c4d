/**
 * The append lock held by another session, idle in its transaction: appends, multi-stream appends
 * and imports give up after the store's `appendLockTimeoutMs` with `AppendLockTimeoutError`, having
 * written nothing; reads go on meanwhile; the store's connections are left clean; once the holder
 * lets go, the same appends, with the same ids, are written. The holder is never touched.
 */
import type { StoredEvent } from '@civic-ledger/core'
import { AppendLockTimeoutError, StoreUnavailableError, verifyLedger } from '@civic-ledger/core'
import { collect, testEvents } from '@civic-ledger/testing'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import pg from 'pg'

import { openPostgresEventStore, PostgresLedgerError } from './index'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const TIMEOUT_MS = 300

/**
 * A session of its own that takes the ledger's append lock and sits idle in its transaction; it is
 * closed when the test ends, whatever the test did.
 */
const lockHolder = async (t: ExecutionContext, schema: string) => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  let ended = false
  client.on('end', () => {
    ended = true
  })
  t.teardown(async () => {
    if (!ended) await client.end()
  })
  await client.query('BEGIN')
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`civic-ledger:${schema}`])
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  return { client, pid: rows[0]?.pid ?? 0 }
}

if (postgresAvailable('postgres append lock')) {
  test.serial(
    'an append lock held idle: appends fail with AppendLockTimeoutError, write nothing, and succeed with the same ids once it is let go',
    async (t) => {
      const schema = freshSchema()
      const application = `cl_lock_${schema}`
      const url = new URL(PG_URL)
      url.searchParams.set('application_name', application)
      // One connection: the append that timed out and the appends after it share it.
      const store = await openPostgresEventStore({
        connectionString: url.toString(),
        schema,
        poolSize: 1,
        appendLockTimeoutMs: TIMEOUT_MS,
      })
      const observer = new pg.Client({ connectionString: PG_URL })
      await observer.connect()
      t.teardown(async () => {
        await observer.end()
        await store.close()
        await dropSchema(schema)
      })
      await store.appendToStream('test.stream-before', testEvents(2), { expectedRevision: 'noStream' })

      const holder = await lockHolder(t, schema)
      const single = testEvents(1)
      const multi = [
        { streamId: 'test.multi-a', events: testEvents(2), expectedRevision: 'noStream' as const },
        { streamId: 'test.multi-b', events: testEvents(1), expectedRevision: 'noStream' as const },
      ]
      const concurrent = Array.from({ length: 4 }, () => testEvents(1))
      const attempts = [
        store.appendToStream('test.stream-single', single, { expectedRevision: 'noStream' }),
        store.appendMulti(multi),
        ...concurrent.map((events, i) =>
          store.appendToStream(`test.concurrent-${i}`, events, { expectedRevision: 'noStream' }),
        ),
      ]
      // Reads do not wait for the lock.
      t.is(await store.headPosition(), 2, 'the head is read while the lock is held')
      t.is((await collect(() => store.readStream('test.stream-before'))).length, 2)

      const outcomes = await Promise.allSettled(attempts)
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') {
          t.fail('an append was written while another session held the append lock')
          continue
        }
        const error: unknown = outcome.reason
        t.true(error instanceof AppendLockTimeoutError, `an AppendLockTimeoutError, got ${String(error)}`)
        t.true(error instanceof StoreUnavailableError, 'an outage to code that retries outages')
        if (!(error instanceof AppendLockTimeoutError)) continue
        t.is(error.timeoutMs, TIMEOUT_MS)
        t.true(error.waitedMs >= TIMEOUT_MS, `it waited the time allowed (${error.waitedMs} ms)`)
        t.true(error.retryable)
        t.regex(error.lock, new RegExp(`append lock of the ledger in schema ${schema}`))
        t.regex(error.message, /waited \d+ ms for the append lock/)
        t.regex(error.message, /nothing was written/)
        t.regex(error.message, /same event ids/)
      }

      const { rows: written } = await observer.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".events`)
      t.is(written[0]?.n, 2, 'nothing was written')
      // The holder is still there, idle in its transaction: the store waited, and then let it be.
      const { rows: held } = await observer.query<{ state: string }>(
        'SELECT state FROM pg_stat_activity WHERE pid = $1',
        [holder.pid],
      )
      t.is(held[0]?.state, 'idle in transaction', 'the holder alone is stalled, and untouched')
      // The store's connection is idle and clean: no transaction left open or aborted, no wait.
      const { rows: mine } = await observer.query<{ state: string }>(
        'SELECT state FROM pg_stat_activity WHERE application_name = $1',
        [application],
      )
      t.deepEqual(
        mine.map((r) => r.state),
        ['idle'],
        "the store's connection is idle",
      )
      const { rows: waiting } = await observer.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE a.application_name = $1 AND NOT l.granted`,
        [application],
      )
      t.is(waiting[0]?.n, 0, 'the store waits for no lock any more')

      await holder.client.query('ROLLBACK')
      await holder.client.end()

      // The same appends, with the same ids, on the same connection.
      const again = await store.appendToStream('test.stream-single', single, { expectedRevision: 'noStream' })
      t.false(again.alreadyStored)
      t.is(again.firstPosition, 3)
      const multiAgain = await store.appendMulti(multi)
      t.deepEqual(
        multiAgain.map((r) => [r.firstPosition, r.lastPosition]),
        [
          [4, 5],
          [6, 6],
        ],
      )
      const rest = await Promise.all(
        concurrent.map((events, i) =>
          store.appendToStream(`test.concurrent-${i}`, events, { expectedRevision: 'noStream' }),
        ),
      )
      t.deepEqual(
        rest.map((r) => r.firstPosition).sort((a, b) => a - b),
        [7, 8, 9, 10],
      )
      const all = await collect(() => store.readAll())
      t.deepEqual(
        all.map((e) => e.position),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        'gap-free',
      )
      const report = await verifyLedger(store)
      t.true(report.ok, report.failure?.message ?? '')
    },
  )

  test.serial('an import and an inline append wait for the append lock no longer than allowed', async (t) => {
    const schema = freshSchema()
    const sourceSchema = freshSchema()
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema, appendLockTimeoutMs: TIMEOUT_MS })
    const source = await openPostgresEventStore({ connectionString: PG_URL, schema: sourceSchema })
    t.teardown(async () => {
      await store.close()
      await source.close()
      await dropSchema(schema)
      await dropSchema(sourceSchema)
    })
    await source.appendToStream('test.stream-imported', testEvents(3), { expectedRevision: 'noStream' })
    const toImport: ReadonlyArray<StoredEvent> = await collect(() => source.readStored())
    const readModels = store.readModels
    if (readModels === undefined) return t.fail('the store keeps read models')
    const seen: string[] = []
    readModels.setInlineHandler?.(async (events) => {
      for (const e of events) seen.push(e.eventId)
    })

    const holder = await lockHolder(t, schema)
    const events = testEvents(2)
    await t.throwsAsync(store.appendToStream('test.stream-inline', events, { expectedRevision: 'noStream' }), {
      instanceOf: AppendLockTimeoutError,
    })
    await t.throwsAsync(store.importStored(toImport), { instanceOf: AppendLockTimeoutError })
    t.deepEqual(seen, [], 'the inline handler saw nothing')
    t.is(await store.headPosition(), 0, 'nothing was written')
    await holder.client.query('ROLLBACK')
    await holder.client.end()

    await store.importStored(toImport)
    const result = await store.appendToStream('test.stream-inline', events, { expectedRevision: 'noStream' })
    t.deepEqual([result.firstPosition, result.lastPosition], [4, 5])
    t.deepEqual(
      seen,
      [...toImport.map((e) => e.eventId), ...events.map((e) => e.eventId)],
      'the handler saw each event once',
    )
  })

  test('appendLockTimeoutMs must be a whole number of milliseconds ≥ 1; nothing is created otherwise', async (t) => {
    for (const appendLockTimeoutMs of [0, -5, 1.5, Number.NaN, 2 ** 31, '100' as unknown as number]) {
      const schema = freshSchema()
      const error = await t.throwsAsync(
        openPostgresEventStore({ connectionString: PG_URL, schema, appendLockTimeoutMs }),
        {
          instanceOf: PostgresLedgerError,
        },
      )
      t.is(error?.problem, 'invalid-options')
      t.regex(error?.message ?? '', /appendLockTimeoutMs must be a whole number of milliseconds/)
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])
      await client.end()
      t.is(rows.length, 0, `no schema was created for ${String(appendLockTimeoutMs)}`)
    }
  })
}
