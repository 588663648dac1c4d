/**
 * What the torture run's writer children (`kill-writer`, `disk-full-writer`) and the phases that
 * start them say to each other: one JSON object a line on the child's stdout, written
 * synchronously, so a line the parent has read is an append the store acknowledged before the
 * child was killed. The lines carry event ids and positions only, never event data.
 */
import type { AppendResult, NewEvent } from '@civic-ledger/core'
import { jsonLineReader, writeJsonLine } from '@civic-ledger/testing'

import { tortureEvent } from './support'

// --- messages ---

/** One stream's part of an append, as planned before it is sent. */
export interface PlannedAppend {
  readonly streamId: string
  readonly ids: ReadonlyArray<string>
}

/** Written before an append is sent: its events may or may not be committed if no ack follows. */
export interface AttemptLine {
  readonly k: 'attempt'
  readonly op: number
  /** Sent with `appendMulti`, else `appendToStream` with the one planned append. */
  readonly multi: boolean
  readonly appends: ReadonlyArray<PlannedAppend>
  /** A resend, with the same ids, of an attempt a killed writer never saw acknowledged. */
  readonly resend: boolean
}

/** Written after the store acknowledged an append. */
export interface AckLine {
  readonly k: 'ack'
  readonly op: number
  readonly results: ReadonlyArray<AppendResult>
}

/** Written when an append was refused: the error's name and what it says of the write. */
export interface FailedLine {
  readonly k: 'failed'
  readonly op: number
  readonly error: string
  /** `no` only when the error says, by its type or fields, that nothing was written. */
  readonly written: 'no' | 'unknown'
}

export type ChildLine =
  | AttemptLine
  | AckLine
  | FailedLine
  | { readonly k: 'loaded' }
  | { readonly k: 'open' }
  | { readonly k: 'done' }
  | { readonly k: 'crashed'; readonly error: string }

/** What the parent sends on the child's stdin to start it. */
export interface GoMessage {
  /** Attempts of an earlier writer to send again, with the same ids, before anything else. */
  readonly resends: ReadonlyArray<AttemptLine>
}

// --- helpers ---

/** Writes one line to stdout synchronously, so it is out before any kill that follows. */
export const emit = (line: ChildLine): void => writeJsonLine(line)

/** The events of a planned append: the same for a resend as for the first send. */
export const eventsOf = (planned: PlannedAppend, type: string, padding = ''): ReadonlyArray<NewEvent> =>
  planned.ids.map((id, i) => tortureEvent(type, padding === '' ? { i, stream: planned.streamId } : { i, padding }, id))

/** Splits a child's stdout into its lines; a trailing partial line is kept back. */
export const lineReader = (onLine: (line: ChildLine) => void): ((chunk: Buffer | string) => void) =>
  jsonLineReader(onLine)

/**
 * What a failed append says about whether it was written: `no` when the error carries a field that
 * says so (a `written: false` or `written: 'no'`), else `unknown`.
 */
export const writtenOf = (error: unknown): 'no' | 'unknown' => {
  if (typeof error !== 'object' || error === null) return 'unknown'
  const written = (error as { readonly written?: unknown }).written
  return written === false || written === 'no' ? 'no' : 'unknown'
}
