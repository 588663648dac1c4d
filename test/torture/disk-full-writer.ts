/**
 * The writer of the disk-full phase (`phases/disk-full.ts`), started under a file-size limit
 * (`ulimit -f`, with SIGXFSZ ignored so a write past the limit fails instead of killing it):
 * appends batches of ten events with 2 KiB of padding each to five streams, through the public
 * `@civic-ledger/store-sqlite` API, until an append fails; reports the failure and what the error
 * says of the write, and exits.
 *
 * `node disk-full-writer.js <ledger path> <first op number>`
 */
import { randomUUID } from 'node:crypto'

import { openSqliteEventStore } from '@civic-ledger/store-sqlite'

import { emit, eventsOf, writtenOf } from './protocol'

const TYPE = 'torture.BatchPadded'
const PADDING = 'x'.repeat(2_048)
const MAX_APPENDS = 100_000

const main = async (): Promise<void> => {
  const [path, firstOpText] = process.argv.slice(2)
  if (path === undefined) throw new Error('usage: disk-full-writer <ledger path> <first op number>')
  const store = await openSqliteEventStore({ path })
  emit({ k: 'open' })
  let op = Number(firstOpText ?? '0')
  for (let n = 0; n < MAX_APPENDS; n++) {
    op += 1
    const planned = { streamId: `torture.full-${n % 5}`, ids: Array.from({ length: 10 }, () => randomUUID()) }
    emit({ k: 'attempt', op, multi: false, resend: false, appends: [planned] })
    try {
      const result = await store.appendToStream(planned.streamId, eventsOf(planned, TYPE, PADDING), {
        expectedRevision: 'any',
      })
      emit({ k: 'ack', op, results: [result] })
    } catch (error) {
      emit({
        k: 'failed',
        op,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        written: writtenOf(error),
      })
      break
    }
  }
  await store.close().catch(() => undefined)
  emit({ k: 'done' })
}

main().catch((error: unknown) => {
  emit({ k: 'crashed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
  process.exit(1)
})
