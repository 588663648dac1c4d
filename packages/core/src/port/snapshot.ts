/**
 * Snapshots: an aggregate's folded state at a revision, kept so a long stream need not be folded
 * from its first event on every command. A snapshot is a cache of what the events say — never a
 * source of truth — so a missing, stale, unreadable or older-version snapshot only costs a longer
 * read.
 */
import type { JsonValue } from '../kernel/json'

// --- model ---

/** An aggregate's state saved at a revision of its stream, so a load folds only the events after it. */
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
