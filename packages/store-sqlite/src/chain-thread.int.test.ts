/**
 * Long appends have their chain hashes computed on the hasher's thread. What lands in the file is
 * the chain `verify` recomputes from the rows, for single-stream and multi-stream appends, after an
 * append refused half-way through its rows, and across a reopen.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import type { NewEvent } from '@civic-ledger/core'
import { EventIdConflictError, verifyLedger } from '@civic-ledger/core'
import { testEvent, testEvents } from '@civic-ledger/testing'
import type { SqliteEventStore } from './sqlite-store'
import { openSqliteEventStore } from './sqlite-store'

const tempPath = (t: { teardown: (f: () => void) => void }): string => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-chain-thread-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'ledger.db')
}

/** Appends runs of 200 events until the thread hashes one (it loads in the background). */
const warmed = async (store: SqliteEventStore): Promise<void> => {
  // Generous: under a loaded test run the thread has taken over ten seconds to load.
  const started = Date.now()
  while (store.writeStats().chainHashesOnThread === 0) {
    if (Date.now() - started > 90_000) throw new Error('no hash came from the thread in 90 s of long appends')
    await store.appendToStream(`test.warm-${randomUUID()}`, testEvents(200), { expectedRevision: 'noStream' })
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Events with text of every kind in their data, and the metadata of the fixtures. */
const varied = (n: number, tag: string): ReadonlyArray<NewEvent> =>
  Array.from({ length: n }, (_, i) =>
    testEvent({ tag, i, note: ['plain', 'Ynys Môn', 'Ελλάδα', '𝄞 music', 'quote " and \\ slash'][i % 5] ?? '' }),
  )

/**
 * Long single-stream and multi-stream runs, and a run of 20, on streams of round `r`'s own. Runs of
 * 128 events or more go to the thread (the writer computes any hash it has not reached yet); the run
 * of 20 is hashed by the writer. Resolves with the number of hashes that came from the thread.
 */
const longAppends = async (store: SqliteEventStore, r: number): Promise<number> => {
  const before = store.writeStats().chainHashesOnThread
  await store.appendToStream(`grants.application-${r}a`, varied(1_000, 'a'), { expectedRevision: 'noStream' })
  await store.appendToStream(`grants.application-${r}a`, varied(300, 'b'), { expectedRevision: 999 })
  await store.appendMulti([
    { streamId: `grants.application-${r}b`, events: varied(400, 'c'), expectedRevision: 'noStream' },
    { streamId: `grants.application-${r}c`, events: varied(20, 'd'), expectedRevision: 'noStream' },
    { streamId: `grants.application-${r}a`, events: varied(500, 'e'), expectedRevision: 1_299 },
  ])
  return store.writeStats().chainHashesOnThread - before
}

test('long appends hashed on the thread verify, single-stream and multi-stream, and after a reopen', async (t) => {
  const path = tempPath(t)
  let store = await openSqliteEventStore({ path })
  await warmed(store)
  // On a loaded host the thread may get no time during a round's appends, and the writer then
  // hashes all of it: rounds go on until one has hashes from the thread, so that what is verified
  // below includes them.
  const started = Date.now()
  for (let r = 0; ; r++) {
    const onThread = await longAppends(store, r)
    t.true(onThread <= 1_000 + 300 + 400 + 500, `${onThread} hashes from the thread`)
    if (onThread > 0) break
    if (Date.now() - started > 90_000) return t.fail('no round of long appends had a hash from the thread in 90 s')
  }
  const verified = await verifyLedger(store)
  t.true(verified.ok, verified.failure?.message)
  await store.close()
  store = await openSqliteEventStore({ path })
  await warmed(store)
  await store.appendToStream('grants.application-0a', varied(200, 'f'), { expectedRevision: 1_799 })
  const again = await verifyLedger(store)
  t.true(again.ok, again.failure?.message)
  t.is(again.events, await store.headPosition())
  await store.close()
})

test('an append refused at its 600th row leaves no trace, and the next long append is chained right', async (t) => {
  const store = await openSqliteEventStore({ path: tempPath(t) })
  t.teardown(() => store.close())
  await warmed(store)
  const taken = testEvent({ stored: true })
  await store.appendToStream('grants.application-9', [taken], { expectedRevision: 'noStream' })
  const head = await store.headPosition()
  const refused = [...varied(599, 'x'), { ...taken, data: { stored: 'again' } }, ...varied(400, 'y')]
  await t.throwsAsync(store.appendToStream('grants.application-10', refused, { expectedRevision: 'noStream' }), {
    instanceOf: EventIdConflictError,
  })
  t.is(await store.headPosition(), head, 'nothing written')
  await store.appendToStream('grants.application-10', varied(1_000, 'z'), { expectedRevision: 'noStream' })
  const verified = await verifyLedger(store)
  t.true(verified.ok, verified.failure?.message)
})
