/**
 * The child program of the crash test (`crash.int.test.ts`): appends to a ledger file until it is
 * killed with SIGKILL.
 *
 * `node crash-writer.js <ledger path> <seed>` loads its modules, says `loaded`, and waits for one
 * JSON line on stdin (a `GoMessage`) so the parent can start the next writer the moment the last
 * one is killed. It then opens the ledger (default options: WAL, `synchronous=FULL`), first re-sends
 * any unacknowledged attempts of an earlier writer it was given, then appends forever a mix of
 * single events and 2–5 event batches to ~20 streams (expected revision `any`), multi-stream
 * appends, and bursts of concurrent appends that share one group commit. Each append is announced
 * by an `attempt` line before it is sent and, once acknowledged, reported by an `ack` line with the
 * positions the store returned.
 *
 * Test support only: not exported from the package.
 */
import { createInterface } from 'node:readline'

import type { AppendResult } from '@civic-ledger/core'

import type { AttemptLine, GoMessage, PlannedAppend } from './child-protocol'
import { ackResult, between, emit, eventsOf, plan, prng } from './child-protocol'
import type { SqliteEventStore } from './sqlite-store'
import { openSqliteEventStore } from './sqlite-store'

const STREAMS = 20
const TYPE = 'crash.EventWritten'

const send = async (store: SqliteEventStore, attempt: AttemptLine): Promise<ReadonlyArray<AppendResult>> => {
  if (attempt.multi)
    return store.appendMulti(
      attempt.appends.map((a) => ({ streamId: a.streamId, events: eventsOf(a), expectedRevision: a.expected })),
    )
  const [only] = attempt.appends
  if (only === undefined) throw new Error('an attempt with no append')
  return [await store.appendToStream(only.streamId, eventsOf(only), { expectedRevision: only.expected })]
}

/** Sends an attempt and reports its acknowledgement. */
const attemptAndAck = async (store: SqliteEventStore, attempt: AttemptLine, retry: boolean): Promise<void> => {
  const results = await send(store, attempt)
  emit({
    k: 'ack',
    op: attempt.op,
    retry,
    results: results.map((result, i) => {
      const planned = attempt.appends[i]
      if (planned === undefined) throw new Error(`no planned append for result ${i}`)
      return ackResult(planned, result)
    }),
  })
}

const main = async (): Promise<void> => {
  const [path, seedText] = process.argv.slice(2)
  if (path === undefined) throw new Error('usage: crash-writer <ledger path> <seed>')
  const random = prng(Number(seedText ?? '1'))
  const stream = (): string => `crash.stream-${between(random, 0, STREAMS - 1)}`

  emit({ k: 'loaded' })
  const lines = createInterface({ input: process.stdin })
  const go = await new Promise<GoMessage>((resolve) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as GoMessage))
  })
  lines.close()

  const store = await openSqliteEventStore({ path })
  emit({ k: 'open' })

  // Retries first, one at a time, exactly as first sent (same ids, types, streams, expectations).
  for (const attempt of go.retries) await attemptAndAck(store, attempt, true)

  let op = 0
  const nextAttempt = (): AttemptLine => {
    const r = random()
    let multi = false
    let appends: PlannedAppend[]
    if (r < 0.5) appends = [plan(stream(), 1, TYPE, 'any')]
    else if (r < 0.85) appends = [plan(stream(), between(random, 2, 5), TYPE, 'any')]
    else {
      multi = true
      const a = stream()
      let b = stream()
      while (b === a) b = stream()
      appends = [plan(a, between(random, 1, 3), TYPE, 'any'), plan(b, between(random, 1, 3), TYPE, 'any')]
    }
    const attempt: AttemptLine = { k: 'attempt', op: op++, multi, appends }
    emit(attempt)
    return attempt
  }

  for (;;) {
    if (random() < 0.3) {
      // A burst: several appends in flight at once, written by one group commit.
      const burst = Array.from({ length: between(random, 3, 8) }, nextAttempt)
      await Promise.all(burst.map((attempt) => attemptAndAck(store, attempt, false)))
    } else {
      await attemptAndAck(store, nextAttempt(), false)
    }
  }
}

main().catch((error: unknown) => {
  emit({ k: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exit(1)
})
