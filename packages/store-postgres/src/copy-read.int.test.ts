/**
 * Reading the log forwards through COPY: the log in order, a gap-free prefix of it while writers
 * append; text that COPY escapes (tabs, newlines, backslashes) and characters cut by a chunk
 * boundary come back as written; a connection killed mid-read is replaced and the read resumes
 * where it was; a reader that stops early gives its connection up, even one it was still waiting
 * for; filters are literals, not SQL.
 */
import { pagesOf } from '@civic-ledger/core/store-kit'
import { collect, testEvent, testEvents } from '@civic-ledger/testing'
import test from 'ava'
import pg from 'pg'

import { copyFields, copyRows } from './copy-read'
import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

test('a COPY line splits into fields with its escapes undone', (t) => {
  t.deepEqual(copyFields('1\ta\\tb\t{"x":"\\\\n"}\tline\\nbreak\\r\\\\'), [
    '1',
    'a\tb',
    '{"x":"\\n"}',
    'line\nbreak\r\\',
  ])
  t.deepEqual(copyFields('plain'), ['plain'])
})

test('a reader stopped while it waits for a connection gives that connection back unused', async (t) => {
  // A pool whose connection arrives only when the test says: the reader is waiting for it (as after
  // a lost connection) when it is stopped.
  let arrive: (client: pg.PoolClient) => void = () => undefined
  const connecting = new Promise<pg.PoolClient>((resolve) => {
    arrive = resolve
  })
  const pool = { connect: () => connecting } as unknown as pg.Pool
  const read = copyRows(pool, {
    select: () => 'SELECT 1',
    fromFields: (fields) => fields,
    toError: (error) => (error instanceof Error ? error : new Error(String(error))),
    retries: 1,
    isConnectionLost: () => false,
  })
  const pages = read.pages()[Symbol.asyncIterator]()
  const waiting = pages.next()
  await pages.return?.()
  const released: Array<boolean | Error | undefined> = []
  let queried = 0
  arrive({
    release: (broken?: boolean | Error) => released.push(broken),
    query: () => {
      queried++
      throw new Error('no query should be sent')
    },
    on: () => undefined,
    off: () => undefined,
  } as unknown as pg.PoolClient)
  t.deepEqual(await waiting, { done: true, value: undefined })
  t.is(queried, 0, 'no COPY sent for a reader that has stopped')
  t.deepEqual(released, [undefined], 'the connection went back to the pool once, as healthy')
})

if (postgresAvailable('postgres COPY reads')) {
  test.serial('readAll returns a gap-free prefix of the log while writers append, within its range', async (t) => {
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
    const capped = await collect(() => store.readAll({ fromPosition: 100, maxCount: 80 }))
    t.deepEqual(
      capped.map((e) => e.position),
      Array.from({ length: 80 }, (_, i) => i + 100),
    )
    const ranged = await collect(() => store.readAll({ fromPosition: 5, toPosition: 90 }))
    t.deepEqual(
      ranged.map((e) => e.position),
      Array.from({ length: 86 }, (_, i) => i + 5),
    )
    const typed = await collect(() =>
      store.readAll({ filter: { types: ["test.Nothing'); DROP TABLE events; --", 'test.SomethingHappened'] } }),
    )
    t.is(typed.length, 600, 'a type is a literal, whatever it holds')
  })

  test.serial('text COPY escapes, and characters a chunk boundary cuts, read back as written', async (t) => {
    const schema = freshSchema()
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema })
    t.teardown(async () => {
      await store.close()
      await dropSchema(schema)
    })
    // Large events of multi-byte characters: the socket's chunks end inside rows and inside characters.
    const awkward = ['tab\there', 'new\nline', 'back\\slash \\n \\t', 'carriage\r\u000b\f\b', 'ünïcödé — “quotes” 🌍']
    const events = Array.from({ length: 40 }, (_, i) =>
      testEvent({ n: i, text: awkward[i % awkward.length] ?? '', filler: '€🌍ß'.repeat(3_000 + i * 7) }),
    )
    await store.appendToStream('test.stream-awkward', events, { expectedRevision: 'noStream' })
    const read = await collect(() => store.readAll())
    t.deepEqual(
      read.map((e) => e.data),
      events.map((e) => e.data),
    )
    const stored = await collect(() => store.readStored())
    t.deepEqual(
      stored.map((e) => JSON.parse(e.data) as unknown),
      events.map((e) => e.data),
    )
    t.true(stored.every((e) => /^[0-9a-f]{64}$/.test(e.hash)))
  })

  test.serial('a connection killed mid-read is replaced and the read resumes after the last event', async (t) => {
    const schema = freshSchema()
    const url = new URL(PG_URL)
    url.searchParams.set('application_name', `cl_copy_${schema}`)
    const store = await openPostgresEventStore({ connectionString: url.toString(), schema, poolSize: 3 })
    const killer = new pg.Client({ connectionString: PG_URL })
    await killer.connect()
    t.teardown(async () => {
      await killer.end()
      await store.close()
      await dropSchema(schema)
    })
    // About 40 MB of log: far more than the socket buffers, so the server is still sending when
    // the reading connection is killed.
    const filler = 'x'.repeat(4_000)
    for (let i = 0; i < 40; i++)
      await store.appendToStream(
        `test.stream-${i}`,
        Array.from({ length: 250 }, (_, k) => testEvent({ n: i * 250 + k, filler })),
        { expectedRevision: 'noStream' },
      )
    let kills = 0
    const positions: number[] = []
    for await (const page of pagesOf(store.readAll())) {
      positions.push(...page.map((e) => e.position))
      if (kills < 3 && positions.length > 2_000 * (kills + 1)) {
        const { rowCount } = await killer.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE application_name = $1 AND state = 'active' AND query LIKE 'COPY%'`,
          [`cl_copy_${schema}`],
        )
        kills += rowCount ?? 0
      }
    }
    t.is(kills, 3, 'three reading connections killed while the server was sending')
    t.deepEqual(
      positions,
      Array.from({ length: 10_000 }, (_, i) => i + 1),
    )
  })

  test.serial('readers that stop early give their connections up, and leave no failure behind', async (t) => {
    const schema = freshSchema()
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 2 })
    t.teardown(() => dropSchema(schema))
    await store.appendToStream('test.stream-a', testEvents(3_000), { expectedRevision: 'noStream' })
    for (let reader = 0; reader < 10; reader++) {
      let seen = 0
      for await (const _event of store.readAll()) if (++seen === 60) break
      t.is(seen, 60)
    }
    t.is(await store.headPosition(), 3_000, 'the pool still serves queries')
    t.is((await collect(() => store.readAll({ fromPosition: 2_991 }))).length, 10)
    let seen = 0
    for await (const _event of store.readStored()) if (++seen === 10) break
    await store.close()
    await new Promise((resolve) => setTimeout(resolve, 100))
    t.is(seen, 10)
  })
}
