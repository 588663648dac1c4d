/**
 * The hot aggregate cache: recently folded states by stream id, with the revision each
 * was folded to, so a command on a hot stream reads only the events after that revision and folds
 * them onto the cached state. Bounded: a least-recently-used map by entry count.
 *
 * A cached state is never trusted on its own: the command handler still reads the stream from the
 * cached revision + 1, and the append's expected-revision check refuses a decision made on a state
 * some writer has moved past. States are immutable by the fold's convention, so they are kept, not
 * copied. Aggregates whose events carry personal data are never cached (a state would hold
 * decrypted personal data in memory past an erasure), nor are states read as of a past position.
 */
import type { AnyEventDefinition } from '../events/event'
import { hasPersonalData } from '../events/event'
import { InvalidArgumentError } from '../kernel/errors'

/** A folded state, the revision it was folded to, and the snapshot its fold started from. */
export interface CachedAggregate {
  /** The decider whose fold this is: a stream read through another decider is a miss. */
  readonly decider: unknown
  readonly state: unknown
  readonly revision: number
  readonly snapshotRevision: number
}

/**
 * Recently folded states by stream id, least recently used first out: what the command handler
 * reads a hot stream's state from, so it folds only the events after the cached revision.
 */
export interface AggregateCache {
  /** The most entries kept. */
  readonly entries: number
  /** The entry for a stream, marked as recently used; `undefined` when there is none. */
  get(streamId: string): CachedAggregate | undefined
  /** Keeps an entry, unless one at a later revision is kept already. */
  set(streamId: string, entry: CachedAggregate): void
  /** Forgets a stream's entry, if it has one. */
  delete(streamId: string): void
  /** Forgets every entry. */
  clear(): void
  /** How many entries are kept now. */
  readonly size: number
}

/** How big a ledger's aggregate cache is (`LedgerOptions.aggregateCache`). */
export interface AggregateCacheOptions {
  /** The most streams' states kept (default 1,000; 0 keeps none). */
  readonly entries?: number
}

/** How many streams' states an aggregate cache keeps when its options do not say. */
export const DEFAULT_AGGREGATE_CACHE_ENTRIES = 1000

/** An LRU of folded states by stream id; `undefined` when `entries` is 0 (no cache). */
export const createAggregateCache = (options: AggregateCacheOptions = {}): AggregateCache | undefined => {
  const entries = options.entries ?? DEFAULT_AGGREGATE_CACHE_ENTRIES
  if (!Number.isSafeInteger(entries) || entries < 0)
    throw new InvalidArgumentError('aggregateCache.entries', `must be a whole number ≥ 0, got ${String(entries)}`)
  if (entries === 0) return undefined
  // A Map iterates in insertion order: deleting and setting again moves a key to the end.
  const map = new Map<string, CachedAggregate>()
  return {
    entries,
    get(streamId) {
      const entry = map.get(streamId)
      if (entry === undefined) return undefined
      map.delete(streamId)
      map.set(streamId, entry)
      return entry
    },
    set(streamId, entry) {
      const kept = map.get(streamId)
      if (kept !== undefined && kept.decider === entry.decider && kept.revision > entry.revision) return
      map.delete(streamId)
      map.set(streamId, entry)
      while (map.size > entries) {
        const oldest = map.keys().next()
        if (oldest.done === true) break
        map.delete(oldest.value)
      }
    },
    delete(streamId) {
      map.delete(streamId)
    },
    clear() {
      map.clear()
    },
    get size() {
      return map.size
    },
  }
}

const cacheable = new WeakMap<object, boolean>()

/** Whether an aggregate's states may be cached: none of its events carries personal data. */
export const mayCache = (events: { readonly definitions: ReadonlyArray<AnyEventDefinition> }): boolean => {
  let answer = cacheable.get(events)
  if (answer === undefined) {
    answer = !events.definitions.some(hasPersonalData)
    cacheable.set(events, answer)
  }
  return answer
}
