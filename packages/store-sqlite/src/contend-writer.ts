/**
 * The child program of the multi-process test (`multi-process.int.test.ts`): one of several
 * processes appending to the same ledger file at once, mostly to the SAME streams with exact
 * expected revisions.
 *
 * `node contend-writer.js <ledger path> <writer number> <operations> <seed>` loads, says `loaded`,
 * waits for one line on stdin (so all writers start together), opens the ledger and runs its
 * operations: exact-revision appends to two hot streams shared by every writer (alone, or two at
 * once in this process, racing in one group commit), `any` appends to shared streams, multi-stream
 * appends of a hot stream with the writer's own stream, and exact appends to its own stream. A
 * `WrongExpectedRevisionError` is reported (`conflict`) and the same events are sent again at the
 * revision the error named. Every acknowledgement is reported (`ack`) with its expectation; at the
 * end the writer closes the store and says `done`.
 *
 * Test support only: not exported from the package.
 */
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'

import type { AppendResult, ExpectedRevision } from '@civic-ledger/core'
import { WrongExpectedRevisionError } from '@civic-ledger/core'

import type { PlannedAppend } from './child-protocol'
import { ackResult, between, emit, eventsOf, plan, prng } from './child-protocol'
import type { SqliteEventStore } from './sqlite-store'
import { openSqliteEventStore } from './sqlite-store'

const HOT_STREAMS = ['contend.hot-0', 'contend.hot-1'] as const
const SHARED_STREAMS = ['contend.shared-0', 'contend.shared-1', 'contend.shared-2'] as const
const ownStream = (writer: number): string => `contend.own-w${writer}`
const TYPE = 'contend.EventWritten'
/** Give up (and fail the run) after this many conflicts on one append. */
const MAX_TRIES = 500

const main = async (): Promise<void> => {
  const [path, writerText, opsText, seedText] = process.argv.slice(2)
  if (path === undefined || writerText === undefined || opsText === undefined)
    throw new Error('usage: contend-writer <ledger path> <writer number> <operations> <seed>')
  const writer = Number(writerText)
  const operations = Number(opsText)
  const random = prng(Number(seedText ?? '1'))
  const own = ownStream(writer)

  emit({ k: 'loaded' })
  const lines = createInterface({ input: process.stdin })
  await new Promise<void>((resolve) => {
    lines.once('line', () => resolve())
  })
  lines.close()
  const store: SqliteEventStore = await openSqliteEventStore({ path })
  emit({ k: 'open' })

  // The last revision this writer knows of each stream (-1: none); may be stale for hot streams.
  const known = new Map<string, number>()
  const expectation = (streamId: string): ExpectedRevision => {
    const revision = known.get(streamId) ?? -1
    return revision < 0 ? 'noStream' : revision
  }
  const learn = (streamId: string, revision: number): void => {
    known.set(streamId, Math.max(known.get(streamId) ?? -1, revision))
  }

  let op = 0
  /** Sends an append; on a conflict, sends the same events again at the revision the error named. */
  const append = async (first: ReadonlyArray<PlannedAppend>, multi: boolean): Promise<void> => {
    const id = op++
    let appends = first
    for (let tries = 1; ; tries++) {
      let results: ReadonlyArray<AppendResult>
      try {
        const [only] = appends
        results =
          multi || only === undefined
            ? await store.appendMulti(
                appends.map((a) => ({ streamId: a.streamId, events: eventsOf(a), expectedRevision: a.expected })),
              )
            : [await store.appendToStream(only.streamId, eventsOf(only), { expectedRevision: only.expected })]
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || tries >= MAX_TRIES) throw error
        emit({ k: 'conflict', op: id, streamId: error.streamId, expected: error.expected, actual: error.actual })
        known.set(error.streamId, error.actual)
        const at: ExpectedRevision = error.actual < 0 ? 'noStream' : error.actual
        appends = appends.map((a) => (a.streamId === error.streamId ? { ...a, expected: at } : a))
        continue
      }
      for (const r of results) learn(r.streamId, r.lastRevision)
      emit({
        k: 'ack',
        op: id,
        retry: false,
        results: results.map((r, i) => {
          const planned = appends[i]
          if (planned === undefined) throw new Error(`no planned append for result ${i}`)
          return ackResult(planned, r)
        }),
      })
      return
    }
  }

  const hot = (): string => HOT_STREAMS[between(random, 0, HOT_STREAMS.length - 1)] ?? 'contend.hot-0'
  for (let i = 0; i < operations; i++) {
    // A short pause now and then, as a server between requests: without one, the process holding
    // the write lock takes it again before a waiting process's busy handler wakes, and the
    // writers run one after another instead of interleaving.
    if (random() < 0.5) await sleep(between(random, 0, 2))
    const r = random()
    if (r < 0.4) {
      const stream = hot()
      await append([plan(stream, between(random, 1, 3), TYPE, expectation(stream))], false)
    } else if (r < 0.55) {
      // Two appends at the same expectation in one group commit: one wins, the other conflicts.
      const stream = hot()
      const expected = expectation(stream)
      await Promise.all([
        append([plan(stream, between(random, 1, 2), TYPE, expected)], false),
        append([plan(stream, between(random, 1, 2), TYPE, expected)], false),
      ])
    } else if (r < 0.75) {
      const stream = SHARED_STREAMS[between(random, 0, SHARED_STREAMS.length - 1)] ?? 'contend.shared-0'
      await append([plan(stream, between(random, 1, 4), TYPE, 'any')], false)
    } else if (r < 0.9) {
      const stream = hot()
      await append(
        [
          plan(stream, between(random, 1, 2), TYPE, expectation(stream)),
          plan(own, between(random, 1, 2), TYPE, expectation(own)),
        ],
        true,
      )
    } else {
      await append([plan(own, between(random, 1, 3), TYPE, expectation(own))], false)
    }
  }
  await store.close()
  emit({ k: 'done' })
}

main().catch((error: unknown) => {
  emit({ k: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exit(1)
})
