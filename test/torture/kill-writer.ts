/**
 * The writer the torture run kills (`phases/kill-loop.ts`): appends to a SQLite ledger through the
 * public `@civic-ledger/store-sqlite` API until it receives SIGKILL.
 *
 * `node kill-writer.js <ledger path> <seed> <first op number>` loads its modules, says `loaded`, and waits for one
 * JSON line on stdin (a `GoMessage`), so the parent can start it the moment the last writer dies.
 * It opens the ledger (WAL, `synchronous=FULL`), re-sends the attempts it was given with the same
 * ids, then appends forever: single events, 2–5 event batches, two-stream appends, and bursts of
 * concurrent appends that share a group commit, to 20 streams with expected revision `any`. Each
 * append is announced by an `attempt` line before it is sent and reported by an `ack` line after.
 */
import { randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'

import type { SqliteEventStore } from '@civic-ledger/store-sqlite'
import { openSqliteEventStore } from '@civic-ledger/store-sqlite'
import { between, seededRandom } from '@civic-ledger/testing'

import type { AttemptLine, GoMessage, PlannedAppend } from './protocol'
import { emit, eventsOf } from './protocol'
import {} from './support'

const STREAMS = 20
const TYPE = 'torture.WriterAppended'

const send = async (store: SqliteEventStore, attempt: AttemptLine): Promise<void> => {
  emit(attempt)
  const results = attempt.multi
    ? await store.appendMulti(
        attempt.appends.map((a) => ({ streamId: a.streamId, events: eventsOf(a, TYPE), expectedRevision: 'any' })),
      )
    : [
        await store.appendToStream(
          attempt.appends[0]?.streamId ?? '',
          eventsOf(attempt.appends[0] ?? { streamId: '', ids: [] }, TYPE),
          {
            expectedRevision: 'any',
          },
        ),
      ]
  emit({ k: 'ack', op: attempt.op, results })
}

const main = async (): Promise<void> => {
  const [path, seedText, firstOpText] = process.argv.slice(2)
  if (path === undefined) throw new Error('usage: kill-writer <ledger path> <seed> <first op number>')
  const random = seededRandom(Number(seedText ?? '1'))
  const stream = (): string => `torture.killed-${between(random, 0, STREAMS - 1)}`
  const planned = (streamId: string, n: number): PlannedAppend => ({
    streamId,
    ids: Array.from({ length: n }, () => randomUUID()),
  })

  emit({ k: 'loaded' })
  const lines = createInterface({ input: process.stdin })
  const go = await new Promise<GoMessage>((resolve) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as GoMessage))
  })
  lines.close()

  const store = await openSqliteEventStore({ path })
  emit({ k: 'open' })
  for (const attempt of go.resends) await send(store, { ...attempt, resend: true })

  // Op numbers are unique across writers, so a resend's number never meets a new one.
  let op = Number(firstOpText ?? '0')
  const next = (): AttemptLine => {
    const r = random()
    op += 1
    if (r < 0.5) return { k: 'attempt', op, multi: false, resend: false, appends: [planned(stream(), 1)] }
    if (r < 0.85)
      return { k: 'attempt', op, multi: false, resend: false, appends: [planned(stream(), between(random, 2, 5))] }
    const a = stream()
    let b = stream()
    while (b === a) b = stream()
    return {
      k: 'attempt',
      op,
      multi: true,
      resend: false,
      appends: [planned(a, between(random, 1, 3)), planned(b, between(random, 1, 3))],
    }
  }
  for (;;) {
    if (random() < 0.3) await Promise.all(Array.from({ length: between(random, 3, 8) }, () => send(store, next())))
    else await send(store, next())
  }
}

main().catch((error: unknown) => {
  emit({ k: 'crashed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
  process.exit(1)
})
