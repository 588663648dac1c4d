/**
 * Event rows as the SQLite store reads them, and how they become recorded events: on the thread
 * that asked, or (for a long read) on a read-ahead thread that hands pages over as JSON text.
 */
import type { JsonValue, RecordedEvent } from '@civic-ledger/core'
import { CorruptEventError, deepFreeze } from '@civic-ledger/core'

import type { EventRow } from './columns'

export type { EventRow } from './columns'

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
