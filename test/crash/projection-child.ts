/**
 * A process that is killed in the middle of applying an event (see `projection-crash.int.test.ts`).
 *
 * `node projection-child.js <store url> <async|inline> <kill-at>`
 * - async: runs the `tally` projection over the events already in the ledger;
 * - inline: runs it inline and appends events `n = <from>, <from> + 1, …`, five at a time.
 * When `tally` applies the event at position `<kill-at>` (async) or with `n = <kill-at>` (inline),
 * it prints `applying` and blocks, so the parent's SIGKILL lands after earlier events of the same
 * transaction were applied and before their checkpoint (or the append) committed.
 */
import '@civic-ledger/store-postgres'
import '@civic-ledger/store-sqlite'

import { randomUUID } from 'node:crypto'

import { createProjectionRunner, openEventStore, systemClock } from '@civic-ledger/core'

import { tally } from './tally'

const [url, mode, killAtText, fromText] = process.argv.slice(2)
const killAt = Number(killAtText)

const block = (): never => {
  process.stdout.write('applying\n')
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000)
  process.exit(3)
}

const main = async (): Promise<void> => {
  const store = await openEventStore(url ?? '', { clock: systemClock })
  const projection = tally({
    mode: mode === 'inline' ? 'inline' : 'async',
    beforeApply: (event) => {
      const n = (event.data as { n: number }).n
      if (mode === 'inline' ? n === killAt : event.position === killAt) block()
    },
  })
  const runner = createProjectionRunner({
    store,
    projections: [projection],
    batchSize: 40,
    logger: { warn: () => undefined },
  })
  await runner.start()
  if (mode !== 'inline') {
    await runner.waitUntilCaughtUp({ timeoutMs: 60_000 })
    process.stdout.write('finished\n')
    return
  }
  await runner.waitUntilCaughtUp({ timeoutMs: 60_000 })
  process.stdout.write('ready\n')
  for (let n = Number(fromText); ; n += 5)
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        store.appendToStream(
          `tally.item-${n + i}`,
          [{ eventId: randomUUID(), type: 'tally.ItemCounted', schemaVersion: 1, data: { n: n + i }, metadata: META }],
          { expectedRevision: 'noStream' },
        ),
      ),
    )
}

const META = {
  actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
  correlationId: 'crash',
  causationId: 'crash',
  occurredAt: '2026-04-01T09:00:00.000Z',
} as never

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(2)
})
