/**
 * Snapshots: an aggregate's folded state at a revision, kept so a long stream need not be folded
 * from its first event on every command. A snapshot is a cache of what the events say — never a
 * source of truth — so a missing, stale, unreadable or older-version snapshot only costs a longer
 * read.
 */
import type * as t from 'io-ts'
import { InvalidArgumentError } from './errors'
import type { JsonValue } from './json'
import { findNonJson } from './json'
import { checkStreamId } from './validation'

// --- model ---

export interface Snapshot {
  readonly streamId: string
  /** The revision of the last event folded into `state`. */
  readonly revision: number
  /** The version of the state's shape; a snapshot of another version is ignored. */
  readonly version: number
  readonly state: JsonValue
}

/** Where a store keeps snapshots. Stores that keep them expose this as `EventStore.snapshots`. */
export interface SnapshotStore {
  /** The latest snapshot of a stream, if any. */
  readSnapshot(streamId: string): Promise<Snapshot | undefined>
  /**
   * Keeps a snapshot, unless the store already holds one at a later revision. Refuses a revision
   * beyond the stream's last event.
   */
  writeSnapshot(snapshot: Snapshot): Promise<void>
}

/** How an aggregate is snapshotted: the codec of its state and how often. */
export interface SnapshotPolicy<S> {
  readonly version: number
  readonly codec: t.Type<S, JsonValue, unknown>
  /** Take a snapshot when at least this many events were folded since the last one. */
  readonly every: number
}

// --- checks ---

/** Throws `InvalidArgumentError` unless `snapshot` is well formed. */
export const checkSnapshot = (snapshot: unknown): Snapshot => {
  if (typeof snapshot !== 'object' || snapshot === null) throw new InvalidArgumentError('snapshot', 'must be an object')
  const s = snapshot as Partial<Record<keyof Snapshot, unknown>>
  checkStreamId(s.streamId, 'snapshot.streamId')
  for (const key of ['revision', 'version'] as const) {
    const n = s[key]
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < (key === 'version' ? 1 : 0))
      throw new InvalidArgumentError(`snapshot.${key}`, `must be a whole number ≥ ${key === 'version' ? 1 : 0}`)
  }
  const problem = findNonJson(s.state, 'snapshot.state')
  if (problem !== undefined) throw new InvalidArgumentError('snapshot.state', problem)
  return snapshot as Snapshot
}

/**
 * Throws `InvalidArgumentError` when a snapshot is of a revision its stream (`undefined`: a stream
 * with no events) has not reached.
 */
export function checkSnapshotRevision<S extends { readonly revision: number }>(
  snapshot: Snapshot,
  stream: S | undefined,
): asserts stream is S {
  const last = stream?.revision ?? -1
  if (stream === undefined || snapshot.revision > last)
    throw new InvalidArgumentError(
      'snapshot.revision',
      `${snapshot.revision} is beyond the stream's last revision ${last}`,
    )
}
