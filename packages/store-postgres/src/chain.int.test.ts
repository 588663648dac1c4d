/**
 * The audit hash chain in PostgreSQL: the hashes `append_events` computes are the ones core's
 * `chainHash` gives; a ledger written by an older release is chained when it is migrated; imports
 * write events exactly as recorded elsewhere or, refused, write nothing; stream heads at the head
 * and at earlier positions.
 */
import { randomUUID } from 'node:crypto'

import type { RecordedEvent, StoredEvent } from '@civic-ledger/core'
import {
  canonicalJson,
  chainHash,
  EventIdConflictError,
  GENESIS_HASH,
  InvalidArgumentError,
  ProjectionFailedError,
} from '@civic-ledger/core'
import { collect, testEvent, testEvents, testMetadata } from '@civic-ledger/testing'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import pg from 'pg'

import type { PostgresEventStore } from './postgres-store'
import { openPostgresEventStore } from './postgres-store'
import { migrate, SCHEMA_VERSION } from './schema'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const open = async (t: ExecutionContext, schema = freshSchema()): Promise<PostgresEventStore> => {
  const store = await openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 4 })
  t.teardown(async () => {
    await store.close()
    await dropSchema(schema)
  })
  return store
}

const connect = async (t: ExecutionContext): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  t.teardown(() => client.end().catch(() => undefined))
  return client
}

/** The first event whose hash is not the chain's, or whose position or revision does not follow. */
const firstBreak = (stored: ReadonlyArray<StoredEvent>): string | undefined => {
  const heads = new Map<string, StoredEvent>()
  for (const [i, e] of stored.entries()) {
    const prev = heads.get(e.streamId)
    if (e.position !== (stored[0]?.position ?? 1) + i) return `position ${e.position} out of order`
    if (e.revision !== (prev?.revision ?? -1) + 1) return `${e.streamId}@${e.revision} does not follow its stream`
    if (e.hash !== chainHash(prev?.hash ?? GENESIS_HASH, e)) return `${e.streamId}@${e.revision} has a wrong hash`
    heads.set(e.streamId, e)
  }
  return undefined
}

/** Each stream's last event among `stored`, as streamHeads gives it, sorted by stream. */
const headsOf = (stored: ReadonlyArray<StoredEvent>): Array<[string, number, string]> => {
  const heads = new Map<string, [string, number, string]>()
  for (const e of stored) heads.set(e.streamId, [e.streamId, e.revision, e.hash])
  return [...heads.values()].sort(([a], [b]) => (a < b ? -1 : 1))
}

const streamHeadsAt = async (store: PostgresEventStore, position: number): Promise<Array<[string, number, string]>> =>
  (await collect(() => store.streamHeads(position)))
    .map((h): [string, number, string] => [h.streamId, h.revision, h.hash])
    .sort(([a], [b]) => (a < b ? -1 : 1))

/** Data that tests the envelope built in SQL against the one built in JavaScript. */
const awkwardData = [
  { z: 1, a: { y: 2, b: [3, 'x'] }, m: null, t: true, f: false },
  { text: 'quote " backslash \\ slash / tab \t newline \n nul \u0000 bell \u0007 del \u007f' },
  { unicode: 'é ü ß 漢字 😀 \u2028 \u2029', 'key with spaces': 'v', é: 'accented key', '😀': 'astral key' },
  { numbers: [0, -0, 1.5, -2.25, 1e21, 1e-7, 123456789012345, 0.1, 5e-324, 1.7976931348623157e308] },
  { empty: {}, list: [], nested: [[[]], [{}], { b: { a: [{ d: 1, c: 2 }] } }] },
  'a bare string',
  42,
  [3, 2, 1],
]

const allRecorded = (store: PostgresEventStore): Promise<ReadonlyArray<RecordedEvent>> => collect(() => store.readAll())

if (postgresAvailable('postgres hash chain')) {
  test.serial('appends are chained with the hashes core computes: single, multi-event and multi-stream', async (t) => {
    const store = await open(t)
    await store.appendToStream('test.stream-a', [testEvent(awkwardData[0] ?? {})], { expectedRevision: 'noStream' })
    await store.appendToStream(
      'test.stream-b',
      awkwardData.map((data) => testEvent(data, 'test.AwkwardRecorded')),
      { expectedRevision: 'noStream' },
    )
    await store.appendMulti([
      { streamId: 'test.stream-a', events: testEvents(3), expectedRevision: 0 },
      { streamId: 'test.stream-c', events: testEvents(2), expectedRevision: 'noStream' },
      { streamId: 'test.stream-b', events: [testEvent({ after: 'multi' })], expectedRevision: awkwardData.length - 1 },
    ])
    await store.appendToStream('test.stream-big', testEvents(700), { expectedRevision: 'noStream' })
    await store.appendToStream('test.stream-a', testEvents(1), { expectedRevision: 3 })

    const stored = await collect(() => store.readStored())
    const read = await allRecorded(store)
    t.is(stored.length, 1 + awkwardData.length + 6 + 700 + 1)
    t.is(firstBreak(stored), undefined)
    t.deepEqual(
      stored.map((e) => [e.position, e.eventId, e.streamId, e.revision, e.type, e.schemaVersion, e.recordedAt]),
      read.map((e) => [e.position, e.eventId, e.streamId, e.revision, e.type, e.schemaVersion, e.recordedAt]),
    )
    t.deepEqual(
      stored.map((e) => [e.data, e.metadata]),
      read.map((e) => [canonicalJson(e.data), canonicalJson(e.metadata)]),
    )
    t.is(stored[0]?.data, '{"a":{"b":[3,"x"],"y":2},"f":false,"m":null,"t":true,"z":1}')
    t.deepEqual(
      stored.slice(1, 1 + awkwardData.length).map((e) => JSON.parse(e.data) as unknown),
      JSON.parse(JSON.stringify(awkwardData)),
    )
    t.true(stored.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.recordedAt)))
    t.deepEqual(await streamHeadsAt(store, stored.length), headsOf(stored))

    // Ranges and page sizes change nothing but what is returned.
    const slices: ReadonlyArray<readonly [Parameters<PostgresEventStore['readStored']>[0], number, number]> = [
      [{ batchSize: 7 }, 1, stored.length],
      [{ fromPosition: 5, toPosition: 300, batchSize: 13 }, 5, 300],
      [{ fromPosition: 0, toPosition: 2 }, 1, 2],
      [{ fromPosition: 700 }, 700, stored.length],
      [{ fromPosition: stored.length + 1 }, stored.length + 1, stored.length],
    ]
    for (const [options, from, to] of slices)
      t.deepEqual(await collect(() => store.readStored(options)), stored.slice(from - 1, to), JSON.stringify(options))
    t.throws(() => store.readStored({ batchSize: 0 }), { instanceOf: InvalidArgumentError })
    t.throws(() => store.readStored({ fromPosition: -1 }), { instanceOf: InvalidArgumentError })
  })

  test.serial('inline projections see the events as recorded, to the millisecond stored', async (t) => {
    const store = await open(t)
    const seen: RecordedEvent[] = []
    store.readModels?.setInlineHandler?.(async (events) => {
      seen.push(...events)
    })
    await store.appendToStream('test.stream-a', testEvents(2), { expectedRevision: 'noStream' })
    await store.appendMulti([
      { streamId: 'test.stream-b', events: testEvents(2), expectedRevision: 'noStream' },
      { streamId: 'test.stream-a', events: testEvents(1), expectedRevision: 1 },
    ])
    const read = await allRecorded(store)
    t.deepEqual(seen, read)
    const stored = await collect(() => store.readStored())
    t.deepEqual(
      seen.map((e) => e.recordedAt),
      stored.map((e) => e.recordedAt),
    )
    t.is(firstBreak(stored), undefined)
  })

  test.serial('a ledger written by schema version 3 is chained when it is migrated', async (t) => {
    const schema = freshSchema()
    t.teardown(() => dropSchema(schema))
    const client = await connect(t)
    await migrate(client, schema, 3)
    // The way release 3 appended: JSON as the client wrote it, times to the microsecond.
    const written: Array<{ streamId: string; eventId: string; data: unknown; text: string }> = []
    const streams = ['test.old-a', 'test.old-b', 'test.old-c']
    for (let batch = 0; batch < 24; batch++) {
      const streamId = streams[batch % streams.length] ?? ''
      const events = Array.from({ length: 250 }, (_, i) => {
        const n = batch * 250 + i
        const text = `{ "z": ${n},  "a": {"y": "é\\u00e9 ${n}", "b": [1.50, 2e3, true] }, "m": null }`
        return { streamId, eventId: randomUUID(), data: JSON.parse(text) as unknown, text }
      })
      written.push(...events)
      const metadata = JSON.stringify({ ...testMetadata(), causationId: `batch-${batch}` }, null, 1)
      await client.query(`SELECT * FROM "${schema}".append_events($1, 'any', $2, $3, $4, $5, $6)`, [
        streamId,
        events.map((e) => e.eventId),
        events.map(() => 'test.SomethingOld'),
        events.map(() => 1),
        `[${events.map((e) => e.text).join(' , ')}]`,
        `[${events.map(() => metadata).join(',')}]`,
      ])
    }
    const before = await client.query<{ data: string }>(
      `SELECT data::text AS data FROM "${schema}".events WHERE position = 1`,
    )
    t.is(before.rows[0]?.data, written[0]?.text, 'release 3 kept the text as written')
    const times = await client.query<{ at: string }>(
      `SELECT to_char(date_trunc('milliseconds', recorded_at) AT TIME ZONE 'UTC',
         'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at FROM "${schema}".events ORDER BY position`,
    )

    const store = await openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 4 })
    t.teardown(() => store.close())
    const version = await client.query<{ value: string }>(
      `SELECT value FROM "${schema}".ledger_meta WHERE key = 'schema_version'`,
    )
    t.is(Number(version.rows[0]?.value), SCHEMA_VERSION)
    const nullable = await client.query<{ is_nullable: string }>(
      `SELECT is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'events' AND column_name = 'hash'`,
      [schema],
    )
    t.is(nullable.rows[0]?.is_nullable, 'NO')
    const tenant = await client.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'snapshots' AND column_name = 'tenant'`,
      [schema],
    )
    t.is(tenant.rowCount, 0, 'schema 5 dropped the snapshots tenant column')

    const stored = await collect(() => store.readStored())
    t.is(stored.length, written.length)
    t.is(firstBreak(stored), undefined)
    t.deepEqual(
      stored.map((e) => [e.streamId, e.eventId, e.data]),
      written.map((w) => [w.streamId, w.eventId, canonicalJson(w.data)]),
    )
    t.is(stored[0]?.data, '{"a":{"b":[1.5,2000,true],"y":"éé 0"},"m":null,"z":0}')
    t.true(stored.every((e) => e.metadata === canonicalJson(JSON.parse(e.metadata))))
    t.deepEqual(
      stored.map((e) => e.recordedAt),
      times.rows.map((r) => r.at),
    )
    t.deepEqual(await streamHeadsAt(store, stored.length), headsOf(stored))
    t.deepEqual(await streamHeadsAt(store, 1000), headsOf(stored.slice(0, 1000)))

    await store.appendToStream('test.old-b', testEvents(2), { expectedRevision: 'streamExists' })
    await store.appendToStream('test.new-d', testEvents(1), { expectedRevision: 'noStream' })
    const after = await collect(() => store.readStored())
    t.is(firstBreak(after), undefined)
    t.is(after.length, written.length + 3)
  })

  test.serial('importStored writes a ledger read from another exactly, hashes and all', async (t) => {
    const source = await open(t)
    await source.appendToStream('test.stream-a', [testEvent(awkwardData[1] ?? {})], { expectedRevision: 'noStream' })
    await source.appendMulti([
      { streamId: 'test.stream-b', events: awkwardData.map((d) => testEvent(d)), expectedRevision: 'noStream' },
      { streamId: 'test.stream-a', events: testEvents(40), expectedRevision: 0 },
    ])
    await source.appendToStream('test.stream-c', testEvents(200), { expectedRevision: 'noStream' })
    await source.appendToStream('test.stream-a', testEvents(3), { expectedRevision: 40 })
    const exported = await collect(() => source.readStored({ batchSize: 50 }))

    const target = await open(t)
    const seen: RecordedEvent[] = []
    target.readModels?.setInlineHandler?.(async (events) => {
      seen.push(...events)
    })
    await target.importStored(exported.slice(0, 100))
    await target.importStored(exported.slice(100))
    t.deepEqual(await collect(() => target.readStored()), exported)
    t.deepEqual(await allRecorded(target), await allRecorded(source))
    t.deepEqual(seen, await allRecorded(source), 'inline projections saw every imported event')
    t.is(await target.headPosition(), exported.length)
    for (const position of [exported.length, 120, 1, 0])
      t.deepEqual(await streamHeadsAt(target, position), await streamHeadsAt(source, position), `at ${position}`)

    // Appends continue the imported chains.
    await target.appendToStream('test.stream-a', testEvents(2), { expectedRevision: 43 })
    await target.appendToStream('test.stream-d', testEvents(1), { expectedRevision: 'noStream' })
    const all = await collect(() => target.readStored())
    t.is(firstBreak(all), undefined)
    t.deepEqual(all.slice(0, exported.length), exported)
  })

  test.serial('a refused import writes nothing: not its events, its streams, nor its read models', async (t) => {
    const store = await open(t)
    await store.appendToStream('test.stream-a', testEvents(3), { expectedRevision: 'noStream' })
    const [stored] = await collect(() => store.readStored())
    const head = (await streamHeadsAt(store, 3))[0]
    t.truthy(stored)
    t.truthy(head)

    /** Events recorded elsewhere: stream a continued, then a new stream, chained. */
    const chained = (edit: (e: Omit<StoredEvent, 'hash'>, i: number) => Omit<StoredEvent, 'hash'> = (e) => e) => {
      const prev = new Map<string, string>([['test.stream-a', head?.[2] ?? '']])
      return [
        { streamId: 'test.stream-a', revision: 3 },
        { streamId: 'test.stream-new', revision: 0 },
        { streamId: 'test.stream-new', revision: 1 },
        { streamId: 'test.stream-a', revision: 4 },
      ].map(({ streamId, revision }, i): StoredEvent => {
        const fields = edit(
          {
            eventId: randomUUID(),
            streamId,
            revision,
            position: 4 + i,
            type: 'test.SomethingImported',
            schemaVersion: 1,
            data: canonicalJson({ i, note: 'recorded elsewhere' }),
            metadata: canonicalJson(testMetadata()),
            recordedAt: `2025-02-0${1 + i}T10:00:00.123Z`,
          },
          i,
        )
        const hash = chainHash(prev.get(fields.streamId) ?? GENESIS_HASH, fields)
        prev.set(fields.streamId, hash)
        return { ...fields, hash }
      })
    }
    const good = chained()
    const at3 = (edit: (e: StoredEvent) => StoredEvent): StoredEvent[] => good.map((e, i) => (i === 3 ? edit(e) : e))
    const client = await connect(t)
    const countRows = async (): Promise<[number, number]> => {
      const { rows } = await client.query<{ events: number; streams: number }>(
        `SELECT (SELECT count(*) FROM "${store.schema}".events)::int AS events,
                (SELECT count(*) FROM "${store.schema}".streams)::int AS streams`,
      )
      return [rows[0]?.events ?? -1, rows[0]?.streams ?? -1]
    }
    const refusals: ReadonlyArray<readonly [string, ReadonlyArray<StoredEvent>, RegExp]> = [
      ['a wrong hash', at3((e) => ({ ...e, hash: GENESIS_HASH })), /events\[3\]\.hash/],
      ['an altered type', at3((e) => ({ ...e, type: 'test.SomethingElse' })), /events\[3\]\.hash/],
      ['an altered time', at3((e) => ({ ...e, recordedAt: '2025-02-04T10:00:00.124Z' })), /events\[3\]\.hash/],
      ['a gap in positions', at3((e) => ({ ...e, position: 8 })), /events\[3\]\.position/],
      ['a revision that skips', chained((e, i) => (i === 3 ? { ...e, revision: 5 } : e)), /events\[3\]\.revision/],
      ['a new stream not from 0', chained((e, i) => (i >= 1 && i <= 2 ? { ...e, revision: i } : e)), /events\[1\]/],
      ['non-canonical data', chained((e, i) => (i === 3 ? { ...e, data: '{"b":1,"a":2}' } : e)), /events\[3\]\.data/],
      ['non-canonical metadata', at3((e) => ({ ...e, metadata: `${e.metadata} ` })), /events\[3\]\.metadata/],
      ['a time that is not UTC', at3((e) => ({ ...e, recordedAt: '2025-02-04T10:00:00Z' })), /events\[3\]\.recordedAt/],
      ['an id twice', at3((e) => ({ ...e, eventId: good[0]?.eventId ?? '' })), /events\[3\]\.eventId/],
      ['no events', [], /events/],
    ]
    for (const [what, events, problem] of refusals)
      await t.throwsAsync(
        () => store.importStored(events),
        { instanceOf: InvalidArgumentError, message: problem },
        what,
      )
    const taken = chained((e, i) => (i === 3 ? { ...e, eventId: stored?.eventId ?? '' } : e))
    await t.throwsAsync(() => store.importStored(taken), {
      instanceOf: EventIdConflictError,
      message: /already stored/,
    })
    // PostgreSQL has no year 0: refused by the server once the streams were written, and rolled back.
    const yearZero = chained((e, i) => (i === 3 ? { ...e, recordedAt: '0000-01-01T00:00:00.000Z' } : e))
    await t.throwsAsync(() => store.importStored(yearZero), { instanceOf: InvalidArgumentError })
    // An inline projection that fails refuses the import.
    store.readModels?.setInlineHandler?.(async (events) => {
      const last = events[events.length - 1]
      throw new ProjectionFailedError('test', last?.type ?? '', last?.streamId ?? '', 'refused')
    })
    await t.throwsAsync(() => store.importStored(good), { instanceOf: ProjectionFailedError })
    store.readModels?.setInlineHandler?.(undefined)

    t.deepEqual(await countRows(), [3, 1], 'a refused import wrote rows')
    t.is(await store.headPosition(), 3)
    t.deepEqual(await streamHeadsAt(store, 3), [head])

    await store.importStored(good)
    const all = await collect(() => store.readStored())
    t.deepEqual(all.slice(3), good)
    t.is(firstBreak(all), undefined)
    t.deepEqual(await countRows(), [7, 2])
    await store.appendToStream('test.stream-new', testEvents(1), { expectedRevision: 1 })
    t.is(firstBreak(await collect(() => store.readStored())), undefined)
  })

  test.serial("streamHeads gives each stream's last event at every position", async (t) => {
    const store = await open(t)
    t.deepEqual(await streamHeadsAt(store, 0), [])
    t.deepEqual(await streamHeadsAt(store, 10), [])
    for (let i = 0; i < 12; i++)
      await store.appendToStream(`test.stream-${i % 5}`, testEvents(1 + (i % 3)), { expectedRevision: 'any' })
    const stored = await collect(() => store.readStored())
    for (let position = 0; position <= stored.length + 2; position++)
      t.deepEqual(await streamHeadsAt(store, position), headsOf(stored.slice(0, position)), `at ${position}`)
    t.deepEqual(await streamHeadsAt(store, Number.MAX_SAFE_INTEGER), headsOf(stored))
    t.throws(() => store.streamHeads(Number.NaN), { instanceOf: InvalidArgumentError })
  })

  test.serial(
    'stored text that would not split into fields is read column by column, and breaks the chain',
    async (t) => {
      const store = await open(t)
      await store.appendToStream('test.stream-a', testEvents(5), { expectedRevision: 'noStream' })
      const client = await connect(t)
      // A tampered row: JSON with a tab, which no store writes.
      await client.query(`UPDATE "${store.schema}".events SET data = $1::json WHERE position = 3`, ['{"n":\t2}'])
      const stored = await collect(() => store.readStored({ batchSize: 2 }))
      t.deepEqual(
        stored.map((e) => e.position),
        [1, 2, 3, 4, 5],
      )
      t.is(stored[2]?.data, '{"n":\t2}')
      t.is(firstBreak(stored), 'test.stream-a@2 has a wrong hash')
    },
  )
}
