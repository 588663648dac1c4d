/**
 * Event rows as the SQLite store reads them, and how they become recorded events: on the thread
 * that asked, or (for a long read) on a read-ahead thread that hands pages over as JSON text.
 */
import type { JsonValue, RecordedEvent } from '@civic-ledger/core'
import { CorruptEventError, deepFreeze } from '@civic-ledger/core'

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
 * Turns a page of rows into recorded events. Events written together share their metadata text, so
 * a run of equal metadata is parsed once and shared, frozen so that no reader can change it for
 * the others. Metadata no other event shares is left unfrozen: it is the reader's own copy.
 */
export const toRecorded = (rows: ReadonlyArray<EventRow>): ReadonlyArray<RecordedEvent> => {
  let metadataText: string | undefined
  let metadata: RecordedEvent['metadata'] | undefined
  let shared = false
  return rows.map((row) => {
    if (row[6] !== metadataText || metadata === undefined) {
      metadataText = row[6]
      metadata = parseColumn(row, 6, 'metadata') as RecordedEvent['metadata']
      shared = false
    } else if (!shared) {
      deepFreeze(metadata)
      shared = true
    }
    return {
      eventId: row[2],
      streamId: row[8],
      revision: row[1],
      position: row[0],
      type: row[3],
      schemaVersion: row[4],
      data: parseColumn(row, 5, 'data'),
      metadata,
      recordedAt: row[7],
    }
  })
}

/** A stored JSON column, parsed; a row whose text is not JSON (damaged on disk) is named. */
const parseColumn = (row: EventRow, column: 5 | 6, name: string): JsonValue => {
  try {
    return JSON.parse(row[column]) as JsonValue
  } catch {
    throw new CorruptEventError(row[0], row[8], row[1], `its stored ${name} is not valid JSON`)
  }
}

/**
 * True when `text` can only be read as one JSON value where it is written into the page: its
 * brackets balance outside strings, and no comma or second value stands at its top level. Text
 * that is not JSON at all then makes the page fail to parse (and the reader names the row), rather
 * than reading as something else beside its neighbours.
 */
export const standsAlone = (text: string): boolean => {
  let depth = 0
  let closed = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // A string: to its closing quote, found natively, past quotes escaped by an odd run of
      // backslashes. Most of a document is strings, so most of it is never looked at here.
      if (closed) return false
      let end = text.indexOf('"', i + 1)
      while (end !== -1 && escaped(text, end)) end = text.indexOf('"', end + 1)
      if (end === -1) return false
      i = end
      if (depth === 0) closed = true
      continue
    }
    if (c <= 0x20) continue
    if (closed) return false
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      depth--
      if (depth < 0) return false
      if (depth === 0) closed = true
    } else if (c === 0x2c && depth === 0) return false
  }
  return depth === 0
}

/** True when the character at `at` follows an odd number of backslashes. */
const escaped = (text: string, at: number): boolean => {
  let backslashes = 0
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i--) backslashes++
  return backslashes % 2 === 1
}
