/**
 * The columns the SQLite store reads events with, and the stored event a row with its hash makes.
 * Nothing here needs the kernel at run time, so the store's threads can use it (see
 * thread-modules.test.ts).
 */
import type { StoredEvent } from '@civic-ledger/core/chain'

/**
 * An event row as the reads fetch it: a raw row (an array), which costs less than a row object on
 * every event read. The columns are EVENT_COLUMNS, in order.
 */
export type EventRow = readonly [
  position: number,
  revision: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  recordedAt: string,
  streamName: string,
]

export const EVENT_COLUMNS =
  'e.position, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, s.name AS stream_name'

/**
 * An event row with its chain hash, as `readStored` and a chain check read it: the hash as hex,
 * written by SQLite (a missing one reads as empty, which no chain hash equals). A blob would cost
 * a Buffer a row, and these reads go through every row of the log.
 */
export type StoredRow = readonly [...EventRow, hash: string]

export const STORED_COLUMNS = `${EVENT_COLUMNS}, lower(hex(e.hash))`

export const toStored = (row: StoredRow): StoredEvent => ({
  eventId: row[2],
  streamId: row[8],
  revision: row[1],
  position: row[0],
  type: row[3],
  schemaVersion: row[4],
  data: row[5],
  metadata: row[6],
  recordedAt: row[7],
  hash: row[9],
})
