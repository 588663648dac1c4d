/**
 * For auditors: an aggregate as it stood at a point — a position, a recorded time or a business
 * (occurred) time — and the history of a stream (every event with who, when and why, and the state
 * before and after as a readable diff) or of a correlation id across streams. Reading only: nothing
 * here writes to the store or touches live read models.
 *
 * Personal fields are shown only to a caller that passes the ledger's privacy (and so holds the
 * keys); without it they read as `Erased` — not disclosed.
 */
import * as E from 'fp-ts/Either'

import type { Aggregate, Command } from '../events/decider'
import type { RecordedEvent } from '../events/envelope'
import type { DomainEvent } from '../events/event'
import type { EventMetadata } from '../events/metadata'
import { withholdPersonal } from '../events/personal'
import { CorruptEventError } from '../kernel/errors'
import { positionAsOf } from '../port/as-of'
import type { EventLog } from '../port/event-store'
import type { Privacy } from '../port/privacy'

/** A point in the ledger's past. */
export type AsOf =
  | { readonly position: number }
  /**
   * As recorded by then: the log up to its first event recorded later — the same prefix a replay
   * to that time takes, even when the recording clock stepped back (see `positionAsOf`).
   */
  | { readonly recordedAt: string }
  /** As known to have happened by then: the events whose business time is at or before it, in order. */
  | { readonly occurredAt: string }

/** Reads personal fields as `Erased` (not disclosed): for audits without the keys. */
const notDisclosed: Pick<Privacy, 'open'> = { open: async (event) => withholdPersonal(event) }

const opener = (privacy: Pick<Privacy, 'open'> | undefined): Pick<Privacy, 'open'> => privacy ?? notDisclosed

const decodeWith = async <C extends Command, E2 extends DomainEvent, S>(
  aggregate: Aggregate<C, E2, S>,
  privacy: Pick<Privacy, 'open'>,
  stored: RecordedEvent,
): Promise<E.Either<CorruptEventError, E2>> => {
  let opened: RecordedEvent
  try {
    opened = await privacy.open(stored)
  } catch (error) {
    if (error instanceof CorruptEventError) return E.left(error)
    throw error
  }
  return E.mapLeft(
    (failure: { readonly message: string }) =>
      new CorruptEventError(stored.position, stored.streamId, stored.revision, failure.message),
  )(aggregate.events.decode(opened))
}

/** An aggregate as it stood at a point: its state, the revision it was at, and the events folded. */
export interface AggregateAsOf<S> {
  readonly state: S
  /** The revision of the last event folded, or `-1` when none was. */
  readonly revision: number
  readonly events: number
}

/** Loads an aggregate as it stood at `asOf`. A stored event that does not decode is named, never skipped. */
export const loadAggregateAsOf = async <C extends Command, E2 extends DomainEvent, S>(
  store: EventLog,
  aggregate: Aggregate<C, E2, S>,
  streamId: string,
  asOf: AsOf,
  options: { readonly privacy?: Pick<Privacy, 'open'> } = {},
): Promise<E.Either<CorruptEventError, AggregateAsOf<S>>> => {
  const privacy = opener(options.privacy)
  let state = aggregate.decider.initialState
  let revision = -1
  let events = 0
  const until = 'occurredAt' in asOf ? undefined : await positionAsOf(store, asOf)
  if (until === 0) return E.right({ state, revision, events })
  const read = store.readStream(streamId, until === undefined ? {} : { until })
  for await (const stored of read) {
    if ('occurredAt' in asOf && Date.parse(stored.metadata.occurredAt) > Date.parse(asOf.occurredAt)) continue
    const decoded = await decodeWith(aggregate, privacy, stored)
    if (E.isLeft(decoded)) return decoded
    state = aggregate.decider.evolve(state, decoded.right)
    revision = stored.revision
    events++
  }
  return E.right({ state, revision, events })
}

// --- history ---

/** One value that changed between two states, at a JSON path (`$.placements.p1.endedOn`). */
export interface Change {
  readonly path: string
  readonly before: unknown
  readonly after: unknown
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The leaf-level differences between two JSON-like values, in a stable order. */
export const diff = (before: unknown, after: unknown, path = '$'): ReadonlyArray<Change> => {
  if (Object.is(before, after)) return []
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys.flatMap((k) => diff(before[k], after[k], `${path}.${k}`))
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length)
    return Array.from({ length: n }, (_, i) => diff(before[i], after[i], `${path}[${i}]`)).flat()
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return []
  return [{ path, before, after }]
}

/**
 * One event of a stream's history: where and when it was recorded, who sent it and why
 * (correlation and causation), and the aggregate's state before and after it, with what changed.
 */
export interface HistoryEntry<S> {
  readonly position: number
  readonly revision: number
  readonly eventId: string
  readonly type: string
  readonly recordedAt: string
  readonly occurredAt: string
  readonly actor: EventMetadata['actor']
  readonly correlationId: string
  readonly causationId: string
  readonly before: S
  readonly after: S
  readonly changes: ReadonlyArray<Change>
}

/** Every event of one stream with who did it, when, why, and the state change it made. */
export const streamHistory = async <C extends Command, E2 extends DomainEvent, S>(
  store: EventLog,
  aggregate: Aggregate<C, E2, S>,
  streamId: string,
  options: { readonly privacy?: Pick<Privacy, 'open'> } = {},
): Promise<E.Either<CorruptEventError, ReadonlyArray<HistoryEntry<S>>>> => {
  const privacy = opener(options.privacy)
  const entries: Array<HistoryEntry<S>> = []
  let state = aggregate.decider.initialState
  for await (const stored of store.readStream(streamId)) {
    const decoded = await decodeWith(aggregate, privacy, stored)
    if (E.isLeft(decoded)) return decoded
    const before = state
    state = aggregate.decider.evolve(state, decoded.right)
    entries.push({
      position: stored.position,
      revision: stored.revision,
      eventId: stored.eventId,
      type: stored.type,
      recordedAt: stored.recordedAt,
      occurredAt: stored.metadata.occurredAt,
      actor: stored.metadata.actor,
      correlationId: stored.metadata.correlationId,
      causationId: stored.metadata.causationId,
      before,
      after: state,
      changes: diff(before, state),
    })
  }
  return E.right(entries)
}

/**
 * Every event one correlation id caused, across streams, in position order — with its stored data
 * (personal fields still encrypted). Reads the whole log, a page at a time.
 */
export const correlationHistory = async (
  store: EventLog,
  correlationId: string,
): Promise<ReadonlyArray<RecordedEvent>> => {
  const found: RecordedEvent[] = []
  for await (const event of store.readAll()) if (event.metadata.correlationId === correlationId) found.push(event)
  return found
}
