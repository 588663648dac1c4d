/**
 * The child program of the storage-fault tests (`storage-faults.int.test.ts`): appends batches to a
 * ledger file until the storage under it refuses them (a full disk, a file-size limit, a file
 * system gone read-only), then waits for the parent.
 *
 * `node fill-writer.js <ledger path> <seed> <walCheckpointPages> [pauseAfter]` opens the ledger,
 * says `open`, and appends: 2–5 event batches to one stream, and multi-stream appends of 1–3 events
 * to each of two, each event carrying ~2 KB so the files grow quickly; mostly one at a time, and
 * now and then a burst of 3–6 at once, which share one group commit. Each append is
 * announced by an `attempt` line, and reported by an `ack` line or, if it fails, a `refused` line
 * with the error's typed fields. With `pauseAfter`, once that many appends are acknowledged it says
 * `paused` and waits for a line on stdin, so the parent can change the storage with no append in
 * flight. After the first refusal it tries `REFUSALS_TO_SEE - 1` more
 * appends on the same open store (each must be refused in the same way), then says `done` and reads
 * one line from stdin: `again` appends once more on the same open store (the parent has made room)
 * and reports it; anything else, or the end of stdin, closes the store. It exits 0 either way.
 *
 * Test support only: not exported from the package.
 */
import { createInterface } from 'node:readline'

import type { AttemptLine, PlannedAppend } from './child-protocol'
import { ackResult, between, emit, newEvent, plan, prng, reportError } from './child-protocol'
import type { SqliteEventStore } from './sqlite-store'
import { openSqliteEventStore } from './sqlite-store'

const STREAMS = 8
const TYPE = 'fill.PageWritten'
const REFUSALS_TO_SEE = 3
/** Bytes of filler each event carries: enough to fill a few MB in a few hundred appends. */
const FILLER = 2_000

const eventsOf = (planned: PlannedAppend, random: () => number): ReturnType<typeof newEvent>[] =>
  planned.ids.map((id, i) =>
    newEvent(id, TYPE, {
      i,
      stream: planned.streamId,
      filler: Array.from({ length: FILLER / 8 }, () => Math.floor(random() * 0xffffffff).toString(16)).join(''),
    }),
  )

/** Sends one attempt; true when acknowledged, false when refused. */
const attempt = async (store: SqliteEventStore, line: AttemptLine, random: () => number): Promise<boolean> => {
  emit(line)
  try {
    const results = line.multi
      ? await store.appendMulti(
          line.appends.map((a) => ({
            streamId: a.streamId,
            events: eventsOf(a, random),
            expectedRevision: a.expected,
          })),
        )
      : await (async () => {
          const [only] = line.appends
          if (only === undefined) throw new Error('an attempt with no append')
          return [
            await store.appendToStream(only.streamId, eventsOf(only, random), { expectedRevision: only.expected }),
          ]
        })()
    emit({
      k: 'ack',
      op: line.op,
      retry: false,
      results: results.map((result, i) => {
        const planned = line.appends[i]
        if (planned === undefined) throw new Error(`no planned append for result ${i}`)
        return ackResult(planned, result)
      }),
    })
    return true
  } catch (error) {
    emit({ k: 'refused', op: line.op, error: reportError(error) })
    return false
  }
}

const main = async (): Promise<void> => {
  const [path, seedText, checkpointText, pauseText] = process.argv.slice(2)
  if (path === undefined) throw new Error('usage: fill-writer <ledger path> <seed> <walCheckpointPages>')
  const random = prng(Number(seedText ?? '1'))
  const stream = (): string => `fill.stream-${between(random, 0, STREAMS - 1)}`
  const store = await openSqliteEventStore({ path, walCheckpointPages: Number(checkpointText ?? '10000') })
  emit({ k: 'open' })

  let op = 0
  const next = (): AttemptLine => {
    if (random() < 0.7)
      return { k: 'attempt', op: op++, multi: false, appends: [plan(stream(), between(random, 2, 5), TYPE, 'any')] }
    const a = stream()
    let b = stream()
    while (b === a) b = stream()
    return {
      k: 'attempt',
      op: op++,
      multi: true,
      appends: [plan(a, between(random, 1, 3), TYPE, 'any'), plan(b, between(random, 1, 3), TYPE, 'any')],
    }
  }

  // Lines from the parent, in turn; '' once stdin ends.
  const lines = createInterface({ input: process.stdin })
  const waiting: Array<(line: string) => void> = []
  const arrived: string[] = []
  let ended = false
  lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()?.(line) : arrived.push(line)))
  lines.on('close', () => {
    ended = true
    for (const resolve of waiting.splice(0)) resolve('')
  })
  const nextLine = async (): Promise<string> =>
    arrived.shift() ?? (ended ? '' : new Promise<string>((resolve) => waiting.push(resolve)))

  const pauseAfter = Number(pauseText ?? '0')
  let acked = 0
  let refusals = 0
  let pause = pauseAfter > 0
  while (refusals < REFUSALS_TO_SEE) {
    const burst = !pause && random() < 0.2 ? between(random, 3, 6) : 1
    const outcomes = await Promise.all(Array.from({ length: burst }, async () => attempt(store, next(), random)))
    for (const ok of outcomes) if (ok) acked++
    refusals += outcomes.filter((ok) => !ok).length
    if (pause && acked >= pauseAfter) {
      pause = false
      emit({ k: 'paused' })
      await nextLine()
    }
  }
  emit({ k: 'done' })

  const order = await nextLine()
  lines.close()
  if (order.trim() === 'again') {
    await attempt(store, next(), random)
    emit({ k: 'done' })
  }
  try {
    await store.close()
  } catch (error) {
    // Closing checkpoints the log into the file, which may still be refused: the ledger is as committed.
    emit({ k: 'refused', op: -1, error: reportError(error) })
  }
}

main().catch((error: unknown) => {
  emit({ k: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exit(1)
})
