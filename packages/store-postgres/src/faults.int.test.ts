/**
 * Faults on the way to PostgreSQL: every connection killed mid-load while writers resend with the
 * same event ids, and a reply lost after the commit.
 */
import type { Server } from 'node:net'
import { createServer, Socket } from 'node:net'

import type { NewEvent } from '@civic-ledger/core'
import { StoreUnavailableError, verifyLedger } from '@civic-ledger/core'
import { collect, testEvents } from '@civic-ledger/testing'
import test from 'ava'
import pg from 'pg'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A TCP relay to PostgreSQL whose replies can be swallowed and whose connections can be cut. */
const relay = async (): Promise<{
  readonly port: number
  swallowReplies: boolean
  readonly cut: () => void
  readonly close: () => Promise<void>
}> => {
  const target = new URL(PG_URL)
  const sockets = new Set<Socket>()
  const state = { swallowReplies: false }
  const server: Server = createServer((client) => {
    const upstream = new Socket()
    upstream.connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    client.on('data', (chunk) => upstream.write(chunk))
    upstream.on('data', (chunk) => {
      if (!state.swallowReplies) client.write(chunk)
    })
    const end = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    port,
    get swallowReplies() {
      return state.swallowReplies
    },
    set swallowReplies(value: boolean) {
      state.swallowReplies = value
    },
    cut: () => {
      for (const s of sockets) s.destroy()
      sockets.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

if (postgresAvailable('postgres faults')) {
  test.serial('a reply lost after the commit: the retry gets the original positions, nothing twice', async (t) => {
    const schema = freshSchema()
    const proxy = await relay()
    const viaProxy = new URL(PG_URL)
    viaProxy.host = `127.0.0.1:${proxy.port}`
    const store = await openPostgresEventStore({ connectionString: viaProxy.toString(), schema, poolSize: 2 })
    const direct = await openPostgresEventStore({ connectionString: PG_URL, schema })
    t.teardown(async () => {
      await store.close().catch(() => undefined)
      await direct.close()
      await proxy.close()
      await dropSchema(schema)
    })
    await store.appendToStream('test.stream-a', testEvents(2), { expectedRevision: 'noStream' })
    const events = testEvents(3)
    proxy.swallowReplies = true
    const lost = store.appendToStream('test.stream-a', events, { expectedRevision: 1 })
    // The server commits; its answer never reaches the client. Then the connection drops.
    const deadline = Date.now() + 5_000
    while ((await direct.headPosition()) < 5 && Date.now() < deadline) await sleep(10)
    t.is(await direct.headPosition(), 5, 'the append committed on the server')
    proxy.cut()
    await t.throwsAsync(lost, { instanceOf: StoreUnavailableError })
    proxy.swallowReplies = false

    const retry = await store.appendToStream('test.stream-a', events, { expectedRevision: 1 })
    t.true(retry.alreadyStored)
    t.deepEqual([retry.firstPosition, retry.lastPosition, retry.firstRevision, retry.lastRevision], [3, 5, 2, 4])
    t.is(await direct.headPosition(), 5, 'the retry wrote nothing')
  })

  test.serial(
    "a group's reply lost after its commit: every member fails as unavailable, and each resend gets its original positions",
    async (t) => {
      const schema = freshSchema()
      const proxy = await relay()
      const viaProxy = new URL(PG_URL)
      viaProxy.host = `127.0.0.1:${proxy.port}`
      const store = await openPostgresEventStore({ connectionString: viaProxy.toString(), schema, poolSize: 2 })
      const direct = await openPostgresEventStore({ connectionString: PG_URL, schema })
      const observer = new pg.Client({ connectionString: PG_URL })
      await observer.connect()
      t.teardown(async () => {
        await observer.end()
        await store.close().catch(() => undefined)
        await direct.close()
        await proxy.close()
        await dropSchema(schema)
      })
      await store.appendToStream('test.stream-first', testEvents(1), { expectedRevision: 'noStream' })
      const batches = [0, 1, 2, 3].map(() => testEvents(2))
      proxy.swallowReplies = true
      // Made together: one group, one transaction.
      const lost = batches.map((events, i) =>
        store.appendToStream(`test.group-${i}`, events, { expectedRevision: 'noStream' }),
      )
      const deadline = Date.now() + 5_000
      while ((await direct.headPosition()) < 9 && Date.now() < deadline) await sleep(10)
      t.is(await direct.headPosition(), 9, 'the group committed on the server')
      proxy.cut()
      for (const outcome of await Promise.allSettled(lost))
        t.true(
          outcome.status === 'rejected' && outcome.reason instanceof StoreUnavailableError,
          'each member fails as unavailable',
        )
      proxy.swallowReplies = false

      const retries = await Promise.all(
        batches.map((events, i) => store.appendToStream(`test.group-${i}`, events, { expectedRevision: 'noStream' })),
      )
      t.true(
        retries.every((r) => r.alreadyStored),
        'each resend is acknowledged as stored',
      )
      t.deepEqual(
        retries.flatMap((r) => [r.firstPosition, r.lastPosition]),
        [2, 3, 4, 5, 6, 7, 8, 9],
        'at the positions the group gave them',
      )
      t.is(await direct.headPosition(), 9, 'the resends wrote nothing')
      const { rows } = await observer.query<{ n: number }>(
        `SELECT count(DISTINCT xmin::text)::int AS n FROM "${schema}".events WHERE position BETWEEN 2 AND 9`,
      )
      t.is(rows[0]?.n, 1, 'the four appends were one group')
    },
  )

  test.serial(
    'every connection killed mid-load, writers resending the same ids: nothing lost, nothing twice',
    async (t) => {
      const schema = freshSchema()
      const url = new URL(PG_URL)
      url.searchParams.set('application_name', `cl_load_${schema}`)
      const store = await openPostgresEventStore({ connectionString: url.toString(), schema, poolSize: 6 })
      const killer = new pg.Client({ connectionString: PG_URL })
      await killer.connect()
      t.teardown(async () => {
        await killer.end()
        await store.close()
        await dropSchema(schema)
      })
      const acknowledged = new Map<string, number>()
      let failures = 0
      let alreadyStored = 0
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; i < 60; i++) {
          const events: ReadonlyArray<NewEvent> = testEvents(1 + (i % 3))
          for (let attempt = 0; ; attempt++) {
            try {
              const r = await store.appendToStream(`test.stream-w${w}`, events, { expectedRevision: 'any' })
              if (r.alreadyStored) alreadyStored++
              events.forEach((e, k) => acknowledged.set(e.eventId, r.firstPosition + k))
              break
            } catch (error) {
              // A writer resends until it is acknowledged; on a slow host one append can be cut off
              // by the killer (every 40 ms) many times running, so the bound only stops a runaway.
              if (!(error instanceof StoreUnavailableError) || attempt > 2_000) throw error
              failures++
              await sleep(5)
            }
          }
        }
      }
      let kills = 0
      let loading = true
      const kill = async (): Promise<void> => {
        while (loading) {
          await sleep(40)
          const { rowCount } = await killer.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
            [`cl_load_${schema}`],
          )
          kills += rowCount ?? 0
        }
      }
      const killing = kill()
      try {
        await Promise.all([0, 1, 2, 3].map(writer))
      } finally {
        // Also when a writer fails: the killer's client is closed at teardown.
        loading = false
        await killing
      }
      const all = await collect(() => store.readAll())
      const ids = all.map((e) => e.eventId)
      t.is(new Set(ids).size, ids.length, 'no event stored twice')
      t.deepEqual(
        all.map((e) => e.position),
        all.map((_, i) => i + 1),
        'positions gap-free',
      )
      const stored = new Map(all.map((e) => [e.eventId, e.position]))
      const lost = [...acknowledged].filter(([id, position]) => stored.get(id) !== position)
      t.deepEqual(lost, [], 'every acknowledged event at its acknowledged position')
      t.true(kills > 0, 'connections were killed')
      const verified = await verifyLedger(store)
      t.true(verified.ok, `no broken hash chain: ${verified.failure?.message ?? 'verify passed'}`)
      t.log(
        `${kills} connections killed, ${failures} failed sends resent, ${alreadyStored} resends found already stored, ${acknowledged.size} events acknowledged, ${all.length} stored, 0 lost, 0 duplicated`,
      )
    },
  )
}
