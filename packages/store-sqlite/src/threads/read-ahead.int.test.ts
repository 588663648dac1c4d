/**
 * Long reads of the log stepped through on a thread of their own: the store with every forward
 * read of the log read ahead passes the EventStore and projection contracts, gives exactly what an
 * ordinary read gives, names a damaged row by position whatever the damage, and stops when the
 * store is closed or the reader stops.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { EventStore, NewEvent, ReadAllOptions, RecordedEvent } from '@civic-ledger/core'
import { CorruptEventError, InvalidArgumentError, StoreUnavailableError } from '@civic-ledger/core'
import { eventStoreContract, projectionContract, testMetadata } from '@civic-ledger/testing'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'

import type { SqliteEventStoreOptions } from '../sqlite-store'
import { openSqliteEventStore } from '../sqlite-store'

const tempLedger = (): { readonly path: string; readonly dispose: () => Promise<void> } => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-read-ahead-'))
  return { path: join(dir, 'ledger.db'), dispose: async () => rmSync(dir, { recursive: true, force: true }) }
}

const ALWAYS = { from: 1 } as const

const subject = async () => {
  const { path, dispose } = tempLedger()
  const store = await openSqliteEventStore({ path, readAhead: ALWAYS })
  return {
    store,
    reopen: async () => {
      await store.close()
      return openSqliteEventStore({ path, readAhead: ALWAYS })
    },
    dispose,
  }
}

eventStoreContract('sqlite, reading ahead', subject, { modelRuns: 15 })
projectionContract('sqlite, reading ahead', subject, { inline: true, durable: true, sql: true })

let nextId = 0
const eventId = (): string => `5e1d0a00-0000-4000-8000-${String(++nextId).padStart(12, '0')}`

const event = (type: string, data: object, metadata = testMetadata()): NewEvent => ({
  eventId: eventId(),
  type,
  schemaVersion: 1,
  data: data as never,
  metadata,
})

const readAll = async (store: EventStore, options?: ReadAllOptions): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = []
  for await (const e of store.readAll(options)) events.push(e)
  return events
}

const opened = async (path: string, options: Partial<SqliteEventStoreOptions> = {}) =>
  openSqliteEventStore({ path, ...options })

test('a read ahead gives exactly what an ordinary read gives, shared metadata shared and frozen', async (t) => {
  const { path, dispose } = tempLedger()
  t.teardown(dispose)
  const writer = await opened(path)
  for (let n = 0; n < 30; n++) {
    // Events appended together share their metadata; the stream names and types vary.
    const shared = testMetadata()
    await writer.appendMulti([
      {
        streamId: `grants.application-${n}`,
        events: [
          event('grants.ApplicationSubmitted', { n, title: 'Warm space, "two" evenings\\week' }, shared),
          event('grants.GrantAwarded', { n, pence: n * 100, conditions: ['a', { b: [1, null, true] }] }, shared),
        ],
        expectedRevision: 'noStream',
      },
      {
        streamId: `volunteers.timesheet-${n % 4}`,
        events: [
          event(
            'volunteers.HoursLogged',
            { n, hours: 1.5, note: 'caf\u00e9 \u{1f600}' },
            testMetadata({ correlationId: `hours-${n}` }),
          ),
        ],
        expectedRevision: 'any',
      },
    ])
  }
  await writer.close()
  const plain = await opened(path, { readAhead: false })
  const ahead = await opened(path, { readAhead: ALWAYS })
  t.teardown(async () => {
    await plain.close()
    await ahead.close()
  })
  const readings: ReadonlyArray<ReadAllOptions | undefined> = [
    undefined,
    { batchSize: 7 },
    { fromPosition: 11, toPosition: 70, batchSize: 4 },
    { filter: { types: ['grants.GrantAwarded', 'volunteers.HoursLogged'] }, batchSize: 5 },
    { filter: { streamPrefixes: ['volunteers.'] }, fromPosition: 20 },
    { fromPosition: 85 },
    { fromPosition: 200 },
  ]
  for (const options of readings) {
    const expected = await readAll(plain, options)
    const actual = await readAll(ahead, options)
    t.deepEqual(actual, expected, JSON.stringify(options))
  }
  const events = await readAll(ahead)
  t.is(events.length, 90)
  t.is(events[0]?.metadata, events[1]?.metadata, 'events appended together share one metadata object')
  t.true(Object.isFrozen(events[0]?.metadata))
  t.true(Object.isFrozen(events[0]?.metadata.actor))
  t.not(events[1]?.metadata, events[2]?.metadata)
})

for (const [damage, data] of [
  ['cut short', '{"pence":60'],
  ['two values where one should be', '1,"pence":60'],
  ['a bracket too many', '{"pence":60}}'],
  ['an escape JSON does not have', '{"pence":"\\q"}'],
] as const)
  test(`a read ahead names a damaged row by position: ${damage}`, async (t) => {
    const { path, dispose } = tempLedger()
    t.teardown(dispose)
    const writer = await opened(path)
    for (let n = 0; n < 8; n++)
      await writer.appendToStream(`grants.fund-${n % 3}`, [event('grants.FundTopped', { pence: 1000 * n })], {
        expectedRevision: 'any',
      })
    await writer.close()
    const db = new BetterSqlite3(path)
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(data, 6)
    db.close()
    const store = await opened(path, { readAhead: ALWAYS })
    t.teardown(() => store.close())
    const error = await t.throwsAsync(readAll(store, { batchSize: 3 }), { instanceOf: CorruptEventError })
    t.like(error, { position: 6, streamId: 'grants.fund-2', revision: 1 })
    t.regex(error?.message ?? '', /position 6.*data is not valid JSON/)
  })

test('closing the store ends a read ahead with StoreUnavailableError; a reader may stop early', async (t) => {
  const { path, dispose } = tempLedger()
  t.teardown(dispose)
  const store = await opened(path, { readAhead: ALWAYS })
  for (let n = 0; n < 40; n++)
    await store.appendToStream(`grants.fund-${n}`, [event('grants.FundTopped', { pence: n })], {
      expectedRevision: 'noStream',
    })
  let seen = 0
  for await (const e of store.readAll({ batchSize: 5 })) {
    seen = e.position
    if (seen === 12) break
  }
  t.is(seen, 12)
  t.is((await readAll(store, { batchSize: 5 })).length, 40, 'a read after one stopped early is whole')
  const reading = (async () => {
    let n = 0
    for await (const _ of store.readAll({ batchSize: 2 })) {
      n++
      if (n === 3) await store.close()
    }
    return n
  })()
  await t.throwsAsync(reading, { instanceOf: StoreUnavailableError })
})

test('a read-ahead setting that is not false or { from: a whole number ≥ 1 } is refused', async (t) => {
  const { path, dispose } = tempLedger()
  t.teardown(dispose)
  for (const readAhead of [{ from: 0 }, { from: 1.5 }, true, { from: '10' }])
    await t.throwsAsync(opened(path, { readAhead: readAhead as never }), {
      instanceOf: InvalidArgumentError,
      message: /readAhead/,
    })
})
