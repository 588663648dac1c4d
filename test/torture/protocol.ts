/**
 * What the torture run's writer children (`kill-writer`, `disk-full-writer`) and the phases that
 * start them say to each other: one JSON object a line on the child's stdout, written
 * synchronously, so a line the parent has read is an append the store acknowledged before the
 * child was killed. The lines carry event ids and positions only, never event data.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'

import type { AppendResult, EventStore, NewEvent } from '@civic-ledger/core'
import { jsonLineReader, writeJsonLine } from '@civic-ledger/testing'
import BetterSqlite3 from 'better-sqlite3'

import type { LedgerChecker, Operation } from './checker'
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

/** What a phase does with a writer's acknowledgements and failures, beyond recording them. */
export interface WriterHooks {
  /** An acknowledgement; by default the checker is told of it at once. */
  readonly ack?: (line: AckLine, operation: Operation) => void
  /** A failure, once the checker has been told of it. */
  readonly failed?: (line: FailedLine) => void
  /** The writer's own crash. */
  readonly crashed?: (error: string) => void
}

/**
 * Follows a writer child (`kill-writer`, `disk-full-writer`) until it exits, or is killed after
 * `timeoutMs`: each attempt it announces is begun in `checker`, each acknowledgement and failure
 * settles it, and whatever is still pending when it exits is of unknown outcome.
 */
export const followWriter = (
  child: ChildProcessWithoutNullStreams,
  checker: LedgerChecker,
  hooks: WriterHooks,
  timeoutMs: number,
): Promise<void> =>
  new Promise((resolve) => {
    const operations = new Map<number, Operation>()
    child.stdout.on(
      'data',
      lineReader((line: ChildLine) => {
        if (line.k === 'attempt')
          operations.set(
            line.op,
            checker.begin(
              line.appends.map((a) => ({ streamId: a.streamId, events: a.ids.map((eventId) => ({ eventId })) })),
            ),
          )
        else if (line.k === 'ack') {
          const operation = operations.get(line.op)
          if (operation === undefined) return
          if (hooks.ack === undefined) checker.acknowledge(operation, line.results)
          else hooks.ack(line, operation)
        } else if (line.k === 'failed') {
          const operation = operations.get(line.op)
          if (operation !== undefined) checker.fail(operation, new Error(line.error), line.written)
          hooks.failed?.(line)
        } else if (line.k === 'crashed') hooks.crashed?.(line.error)
      }),
    )
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', () => {
      clearTimeout(timer)
      checker.abandonPending('the writer exited')
      resolve()
    })
  })

/**
 * Appends one probe batch of ten events to `streamId` after a fault, to see that the store takes
 * appends again: the checker is told of the attempt, then of its acknowledgement, or of its failure
 * as of unknown outcome. Returns what the refusal said, or undefined when the batch was
 * acknowledged.
 */
export const appendProbe = async (
  store: EventStore,
  checker: LedgerChecker,
  streamId: string,
): Promise<string | undefined> => {
  const events = Array.from({ length: 10 }, (_, i) => tortureEvent('torture.BatchPadded', { i }))
  const operation = checker.begin([{ streamId, events }])
  try {
    checker.acknowledge(operation, [await store.appendToStream(streamId, events, { expectedRevision: 'any' })])
    return undefined
  } catch (error) {
    checker.fail(operation, error, 'unknown')
    return error instanceof Error ? error.message : String(error)
  }
}

/** What SQLite's `integrity_check` says of the ledger file at `path`: `ok`, or its complaints. */
export const integrityOf = (path: string): string => {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true })
  try {
    return String(db.pragma('integrity_check', { simple: true }))
  } finally {
    db.close()
  }
}
