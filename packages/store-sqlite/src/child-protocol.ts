/**
 * What the child programs of the fault tests (`crash-writer`, `contend-writer`) and their parent
 * tests say to each other: one JSON object a line on the child's stdout, written synchronously, so a
 * line the parent reads is an append the store acknowledged before the child was killed.
 *
 * Test support only: not exported from the package.
 */
import { randomUUID } from 'node:crypto'

import type { AppendResult, ExpectedRevision, NewEvent } from '@civic-ledger/core'
import { jsonLineReader, writeJsonLine } from '@civic-ledger/testing'

// --- messages ---

/** One stream's part of an append, as planned before it is sent. */
export interface PlannedAppend {
  readonly streamId: string
  readonly ids: ReadonlyArray<string>
  readonly types: ReadonlyArray<string>
  readonly expected: ExpectedRevision
}

/** Written before an append is sent: its events may or may not be committed if no ack follows. */
export interface AttemptLine {
  readonly k: 'attempt'
  readonly op: number
  /** Sent with `appendMulti` (otherwise `appendToStream` with the one planned append). */
  readonly multi: boolean
  readonly appends: ReadonlyArray<PlannedAppend>
}

/** One stream's acknowledged result, with the ids it was for. */
export interface AckResult extends AppendResult {
  readonly ids: ReadonlyArray<string>
  readonly expected: ExpectedRevision
}

/** Written after the store acknowledged an append. */
export interface AckLine {
  readonly k: 'ack'
  readonly op: number
  /** A re-send of an earlier, unacknowledged attempt (of a killed writer). */
  readonly retry: boolean
  readonly results: ReadonlyArray<AckResult>
}

/** Written when an exact expected revision was refused (`contend-writer`). */
export interface ConflictLine {
  readonly k: 'conflict'
  readonly op: number
  readonly streamId: string
  readonly expected: ExpectedRevision
  readonly actual: number
}

/** What a child reports of an error: its typed fields, and its message. */
export interface ReportedError {
  readonly name: string
  readonly message: string
  readonly kind?: string
  readonly written?: string
  readonly reason?: string
  readonly code?: string
  readonly retry?: string
  readonly file?: string
}

/** Written when an append failed (`fill-writer`): its events must not be stored. */
export interface RefusedLine {
  readonly k: 'refused'
  readonly op: number
  readonly error: ReportedError
}

export type ChildLine =
  | AttemptLine
  | AckLine
  | ConflictLine
  | RefusedLine
  | { readonly k: 'loaded' }
  | { readonly k: 'open' }
  | { readonly k: 'done' }
  | { readonly k: 'paused' }
  | { readonly k: 'failed'; readonly error: string }

/** What the parent sends on the child's stdin to start it (`crash-writer`). */
export interface GoMessage {
  /** Unacknowledged attempts of an earlier writer to send again, with the same ids, before anything else. */
  readonly retries: ReadonlyArray<AttemptLine>
}

// --- helpers ---

/** Writes one line to stdout synchronously, so it is out before any kill that follows. */
export const emit = (line: ChildLine): void => writeJsonLine(line)

export { between, seededRandom as prng } from '@civic-ledger/testing'

/** A new event with the given id and type (the same valid metadata as `@civic-ledger/testing`'s `testEvent`). */
export const newEvent = (eventId: string, type: string, data: Readonly<Record<string, number | string>>): NewEvent => ({
  eventId,
  type,
  schemaVersion: 1,
  data,
  metadata: {
    actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
    correlationId: 'test-correlation',
    causationId: 'test-causation',
    occurredAt: '2026-04-01T09:00:00.000Z',
  },
})

/** Plans one stream's append of `n` fresh events. */
export const plan = (streamId: string, n: number, type: string, expected: ExpectedRevision): PlannedAppend => ({
  streamId,
  ids: Array.from({ length: n }, () => randomUUID()),
  types: Array.from({ length: n }, () => type),
  expected,
})

/** The events of a planned append. */
export const eventsOf = (planned: PlannedAppend): ReadonlyArray<NewEvent> =>
  planned.ids.map((id, i) =>
    newEvent(id, planned.types[i] ?? 'test.SomethingHappened', { i, stream: planned.streamId }),
  )

/** An acknowledged result with the ids and expectation it was for. */
export const ackResult = (planned: PlannedAppend, result: AppendResult): AckResult => ({
  streamId: result.streamId,
  firstRevision: result.firstRevision,
  lastRevision: result.lastRevision,
  firstPosition: result.firstPosition,
  lastPosition: result.lastPosition,
  alreadyStored: result.alreadyStored,
  ids: planned.ids,
  expected: planned.expected,
})

/** The fields of an error a child reports. */
export const reportError = (error: unknown): ReportedError => {
  if (!(error instanceof Error)) return { name: 'thrown', message: String(error) }
  const fields: Record<string, string> = { name: error.name, message: error.message }
  for (const key of ['kind', 'written', 'reason', 'code', 'retry', 'file']) {
    const value: unknown = (error as unknown as Readonly<Record<string, unknown>>)[key]
    if (typeof value === 'string') fields[key] = value
  }
  return fields as unknown as ReportedError
}

/** Splits a child's stdout into its lines; a trailing partial line is kept back. */
export const lineReader = (onLine: (line: ChildLine) => void): ((chunk: Buffer | string) => void) =>
  jsonLineReader(onLine)
