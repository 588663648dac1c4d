/**
 * Checking the chains on the store's own threads (`checkChains`, what `verifyLedger` uses on
 * SQLite): on a real ledger file, any number of threads gives the same answer — intact, every event
 * counted, and at each position asked for exactly the heads `streamHeads` gives there — and any
 * change to the events, done straight on the file, makes it not intact.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { ChainCheckRequest, EventStore, StoredEvent, StreamHead } from '@civic-ledger/core'
import { chainHash, GENESIS_HASH, InvalidArgumentError, StoreUnavailableError, verifyLedger } from '@civic-ledger/core'
import { testMetadata } from '@civic-ledger/testing'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'

import { openSqliteEventStore } from '../sqlite-store'

const STREAMS = 37
const EVENTS = 2_600

let nextId = 0
const eventId = (): string => `c4ec0000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`

/** A ledger of `EVENTS` events over `STREAMS` streams of very different lengths, appended in batches. */
const ledger = async (t: { teardown(fn: () => unknown): void }): Promise<{ path: string; store: EventStore }> => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-chain-checks-'))
  const path = join(dir, 'ledger.db')
  const store = await openSqliteEventStore({ path })
  t.teardown(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  for (let written = 0, n = 0; written < EVENTS; n++) {
    // Stream k is picked about k times as often as stream 1: a few long chains and many short ones.
    const stream = `grants.fund-${Math.floor(Math.sqrt((n * 7919) % (STREAMS * STREAMS)))}`
    const size = 1 + (n % 5)
    await store.appendToStream(
      stream,
      Array.from({ length: size }, (_, i) => ({
        eventId: eventId(),
        type: 'grants.FundTopped',
        schemaVersion: 1,
        data: { pence: 100 * (written + i), note: `top-up ${n}/${i} for ${stream}` },
        metadata: testMetadata({ correlationId: `c-${n}` }),
      })),
      { expectedRevision: 'any' },
    )
    written += size
  }
  return { path, store }
}

const headsOf = async (store: EventStore, position: number): Promise<StreamHead[]> => {
  const heads: StreamHead[] = []
  for await (const head of store.streamHeads(position)) heads.push(head)
  return sorted(heads)
}

const sorted = (heads: ReadonlyArray<StreamHead>): StreamHead[] =>
  [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0))

/** `checkChains` on `store`, gathering the heads it gives. */
const check = async (
  store: EventStore,
  request: Partial<ChainCheckRequest> = {},
): Promise<{ intact: boolean; events: number; streams: number; heads: Map<number, StreamHead[]> }> => {
  const heads = new Map<number, StreamHead[]>()
  const toPosition = request.toPosition ?? (await store.headPosition())
  const result = await (store.checkChains as NonNullable<EventStore['checkChains']>)({
    toPosition,
    threads: 2,
    headsAt: [],
    checkHeads: (position, given) => {
      heads.set(position, sorted(given))
      return true
    },
    ...request,
  })
  return { ...result, heads }
}

test('any number of threads finds the ledger intact, counts every event and gives the heads at each position', async (t) => {
  const { store } = await ledger(t)
  const head = await store.headPosition()
  t.true(head >= EVENTS)
  // Many positions, close together: threads wait for the slowest between them.
  const headsAt = [0, 1, 2, 17, ...Array.from({ length: 40 }, (_, i) => 100 + i * 61), head - 1, head]
  const expected = new Map<number, StreamHead[]>()
  for (const position of headsAt) expected.set(position, await headsOf(store, position))
  for (const threads of [1, 2, 3, 5]) {
    const result = await check(store, { threads, headsAt })
    t.true(result.intact, `threads: ${threads}`)
    t.is(result.events, head)
    t.is(result.streams, STREAMS)
    t.deepEqual(result.heads, expected, `threads: ${threads}`)
  }
})

test('a check up to an earlier position counts only the events up to it', async (t) => {
  const { store } = await ledger(t)
  const result = await check(store, { toPosition: 1000, headsAt: [1000] })
  t.true(result.intact)
  t.is(result.events, 1000)
  t.deepEqual(result.heads.get(1000), await headsOf(store, 1000))
})

test('a check up to a position beyond the head is not intact: positions are missing', async (t) => {
  const { store } = await ledger(t)
  const head = await store.headPosition()
  const result = await check(store, { toPosition: head + 1 })
  t.false(result.intact)
  t.is(result.events, head)
})

test('checkHeads saying no stops the check, not intact', async (t) => {
  const { store } = await ledger(t)
  let asked = 0
  const result = await check(store, {
    headsAt: [10, 20, 30],
    checkHeads: (position) => {
      asked++
      return position < 20
    },
  })
  t.false(result.intact)
  t.is(asked, 2)
})

/** Each change is made on the closed ledger's file, as someone with the file would make it. */
const changes: ReadonlyArray<{
  readonly what: string
  readonly sql: ReadonlyArray<string>
  readonly after?: (db: BetterSqlite3.Database) => void
}> = [
  {
    what: 'an edited payload',
    sql: ["UPDATE events SET data = replace(data, 'top-up', 'top-Up') WHERE position = 1500"],
  },
  { what: 'an edited hash', sql: ['UPDATE events SET hash = randomblob(32) WHERE position = 2000'] },
  { what: 'a missing hash', sql: ['UPDATE events SET hash = NULL WHERE position = 3'] },
  { what: 'a deleted event', sql: ['DELETE FROM events WHERE position = 1200'] },
  { what: 'the first event deleted', sql: ['DELETE FROM events WHERE position = 1'] },
  {
    what: 'two events swapped in position',
    sql: [
      'UPDATE events SET position = -1 WHERE position = 700',
      'UPDATE events SET position = 700 WHERE position = 701',
      'UPDATE events SET position = 701 WHERE position = -1',
    ],
  },
  {
    what: 'an event moved to a stream of its own',
    sql: [
      "INSERT INTO streams (name) VALUES ('grants.fund-new')",
      "UPDATE events SET stream = (SELECT id FROM streams WHERE name = 'grants.fund-new'), revision = 0 WHERE position = 900",
    ],
  },
  { what: 'an event whose stream row is gone', sql: ['PRAGMA foreign_keys = OFF', 'DELETE FROM streams WHERE id = 5'] },
  {
    // The schema forbids it; someone with the file can rebuild the table without the rule, and give
    // the second stream the first one's name with its chain hashed again under that name. Streams
    // 1 and 2 fall to different threads whenever there are two or three.
    what: 'two stream rows with one name, each chain hashed under it',
    sql: [
      'PRAGMA foreign_keys = OFF',
      'CREATE TABLE streams_copy (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
      'INSERT INTO streams_copy SELECT id, name FROM streams',
      'DROP TABLE streams',
      'ALTER TABLE streams_copy RENAME TO streams',
      'UPDATE streams SET name = (SELECT name FROM streams WHERE id = 1) WHERE id = 2',
    ],
    after: (db) => {
      const rows = db
        .prepare<[], Omit<StoredEvent, 'hash'>>(
          `SELECT e.event_id AS eventId, s.name AS streamId, e.revision, e.position, e.type,
             e.schema_version AS schemaVersion, e.data, e.metadata, e.recorded_at AS recordedAt
           FROM events e JOIN streams s ON s.id = e.stream WHERE e.stream = 2 ORDER BY e.revision`,
        )
        .all()
      let prev = GENESIS_HASH
      for (const row of rows) {
        prev = chainHash(prev, row)
        db.prepare('UPDATE events SET hash = ? WHERE position = ?').run(Buffer.from(prev, 'hex'), row.position)
      }
    },
  },
]

for (const { what, sql, after } of changes)
  test(`${what} makes the ledger not intact, on every number of threads, and verify names it`, async (t) => {
    const { path, store } = await ledger(t)
    await store.close()
    const db = new BetterSqlite3(path)
    for (const statement of sql) db.prepare(statement).run()
    after?.(db)
    db.close()
    const reopened = await openSqliteEventStore({ path })
    t.teardown(() => reopened.close())
    for (const threads of [1, 2, 3]) t.false((await check(reopened, { threads })).intact, `threads: ${threads}`)
    const report = await verifyLedger(reopened)
    t.false(report.ok)
    t.deepEqual(report, await verifyLedger(reopened, { threads: 0 }))
  })

test('a request that is not one is refused before any thread starts', async (t) => {
  const { store } = await ledger(t)
  const bad: ReadonlyArray<Partial<ChainCheckRequest> & Record<string, unknown>> = [
    { threads: 0 },
    { threads: 1.5 },
    { threads: 65 },
    { toPosition: -1 },
    { headsAt: [5, 5] },
    { headsAt: [9, 4] },
    { headsAt: [EVENTS * 10] },
    { checkHeads: 'yes' as never },
  ]
  for (const request of bad) await t.throwsAsync(() => check(store, request), { instanceOf: InvalidArgumentError })
})

test('closing the store stops a check under way: it rejects, naming the closed ledger', async (t) => {
  const { store } = await ledger(t)
  const running = check(store, { threads: 3 })
  await store.close()
  await t.throwsAsync(running, { instanceOf: StoreUnavailableError, message: /closed/ })
})
