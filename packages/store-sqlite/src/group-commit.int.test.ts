/**
 * Group commit: appends that arrive together are written in one transaction, each keeping its own
 * expected-revision check and its own result.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { WrongExpectedRevisionError } from '@civic-ledger/core'
import { collect, testEvents } from '@civic-ledger/testing'
import test from 'ava'

import { openSqliteEventStore } from './sqlite-store'

const open = async (t: { teardown: (fn: () => void) => void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-group-'))
  const store = await openSqliteEventStore({ path: join(dir, 'ledger.db') })
  t.teardown(() => {
    void store.close().then(() => rmSync(dir, { recursive: true, force: true }))
  })
  return store
}

test('32 concurrent appends share one transaction and each gets its own result', async (t) => {
  const store = await open(t)
  const before = store.writeStats()
  const results = await Promise.all(
    Array.from({ length: 32 }, (_, i) =>
      store.appendToStream(`test.stream-${i}`, testEvents(1), { expectedRevision: 'noStream' }),
    ),
  )
  const after = store.writeStats()
  t.is(after.appends - before.appends, 32)
  t.is(after.transactions - before.transactions, 1, 'one commit for 32 appends')
  t.deepEqual(
    results.map((r) => [r.streamId, r.firstPosition]),
    Array.from({ length: 32 }, (_, i) => [`test.stream-${i}`, i + 1]),
  )
})

test('in one group, a failed expectation rolls back only its own append', async (t) => {
  const store = await open(t)
  await store.appendToStream('test.stream-a', testEvents(1), { expectedRevision: 'noStream' })
  const before = store.writeStats()
  const outcomes = await Promise.allSettled([
    store.appendToStream('test.stream-b', testEvents(2), { expectedRevision: 'noStream' }),
    store.appendToStream('test.stream-a', testEvents(3), { expectedRevision: 5 }),
    store.appendMulti([
      { streamId: 'test.stream-c', events: testEvents(1), expectedRevision: 'noStream' },
      { streamId: 'test.stream-a', events: testEvents(1), expectedRevision: 'noStream' },
    ]),
    store.appendToStream('test.stream-a', testEvents(1), { expectedRevision: 0 }),
  ])
  t.is(store.writeStats().transactions - before.transactions, 1)
  t.deepEqual(
    outcomes.map((o) => o.status),
    ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
  )
  t.true(outcomes[1]?.status === 'rejected' && outcomes[1].reason instanceof WrongExpectedRevisionError)
  const all = await collect(() => store.readAll())
  t.deepEqual(
    all.map((e) => [e.position, e.streamId, e.revision]),
    [
      [1, 'test.stream-a', 0],
      [2, 'test.stream-b', 0],
      [3, 'test.stream-b', 1],
      [4, 'test.stream-a', 1],
    ],
    'positions stay gap-free: the rolled-back appends consumed none',
  )
  t.deepEqual(await collect(() => store.readStream('test.stream-c')), [])
})

test('appends made one after another are each committed as they come', async (t) => {
  const store = await open(t)
  const before = store.writeStats()
  for (let i = 0; i < 5; i++) await store.appendToStream('test.stream-a', testEvents(1), { expectedRevision: 'any' })
  t.is(store.writeStats().transactions - before.transactions, 5)
})

test('appends queued when the store is closed are written before it closes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-group-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'ledger.db')
  const store = await openSqliteEventStore({ path })
  const writes = Array.from({ length: 10 }, (_, i) =>
    store.appendToStream(`test.stream-${i}`, testEvents(1), { expectedRevision: 'noStream' }),
  )
  await store.close()
  t.is((await Promise.all(writes)).length, 10)
  const reopened = await openSqliteEventStore({ path })
  t.is(await reopened.headPosition(), 10)
  await reopened.close()
})
