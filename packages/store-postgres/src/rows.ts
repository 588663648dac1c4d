/** Rows of the log as PostgreSQL returns them, and the recorded and stored events made of them. */
import type { JsonValue, RecordedEvent, StoredEvent } from '@civic-ledger/core'
import { CorruptEventError, StoreUnavailableError } from '@civic-ledger/core'
import type { QueryResultRow } from 'pg'
import pg from 'pg'

export interface EventRow extends QueryResultRow {
  readonly position: number
  readonly revision: number
  readonly event_id: string
  readonly type: string
  readonly schema_version: number
  readonly data: JsonValue
  readonly metadata: RecordedEvent['metadata']
  readonly recorded_at: Date
  readonly stream_name: string
}

export const toRecorded = (row: EventRow): RecordedEvent => ({
  eventId: row.event_id,
  streamId: row.stream_name,
  revision: row.revision,
  position: row.position,
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at.toISOString(),
})

// bigint columns arrive as JavaScript numbers; a value past 2^53 is refused rather than rounded.
export const parseBigint = (text: string): number => {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new StoreUnavailableError(`a stored integer ${text} is beyond 2^53`)
  return n
}
export const typeParsers = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20
      ? parseBigint
      : (pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown)) as typeof pg.types.getTypeParser,
}

/** The fields of a `readStored` row, as text, in this order. */
export type StoredFields = [
  position: string,
  streamId: string,
  revision: string,
  eventId: string,
  type: string,
  schemaVersion: string,
  data: string,
  metadata: string,
  recordedAt: string,
  hash: string,
]

export const fromStoredFields = (f: StoredFields): StoredEvent => ({
  eventId: f[3],
  streamId: f[1],
  revision: parseBigint(f[2]),
  position: parseBigint(f[0]),
  type: f[4],
  schemaVersion: Number(f[5]),
  data: f[6],
  metadata: f[7],
  recordedAt: f[8],
  hash: f[9],
})

/** A stored JSON column, parsed; text that is not JSON (altered in the table) is named by position. */
export const parseStoredJson = (text: string, f: StoredFields, column: string): JsonValue => {
  try {
    return JSON.parse(text) as JsonValue
  } catch {
    throw new CorruptEventError(parseBigint(f[0]), f[1], parseBigint(f[2]), `its stored ${column} is not valid JSON`)
  }
}

/** A recorded event from the fields of a row of the log (the first nine of `StoredFields`). */
export const recordedFromFields = (fields: string[]): RecordedEvent => {
  const f = fields as StoredFields
  return {
    eventId: f[3],
    streamId: f[1],
    revision: parseBigint(f[2]),
    position: parseBigint(f[0]),
    type: f[4],
    schemaVersion: Number(f[5]),
    data: parseStoredJson(f[6], f, 'data'),
    metadata: parseStoredJson(f[7], f, 'metadata') as RecordedEvent['metadata'],
    recordedAt: f[8],
  }
}
