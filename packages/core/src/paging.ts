/**
 * Paging through an ordered key range — a stream's revisions, the log's positions — for stores that
 * read in batches: what to fetch next, and moving past what came back. A page shorter than asked
 * for ends the walk.
 */
import type { ReadAllOptions, ReadStreamOptions } from './event-store'

/** One page to fetch: keys from `low` to `high` inclusive, read in `backwards` order, at most `limit`. */
export interface PageRequest {
  readonly low: number
  readonly high: number
  readonly backwards: boolean
  readonly limit: number
}

export interface PageCursor {
  /** The next page to fetch, or `undefined` when the walk is over. */
  next(): PageRequest | undefined
  /** Moves past a fetched page, given its size and its last key in the order of reading. */
  advance(count: number, lastKey: number | undefined): void
}

/** Walks keys `low..high` in pages of `batchSize`, stopping after `maxCount` keys. */
export const keyRangeCursor = (range: {
  readonly low: number
  readonly high: number
  readonly backwards: boolean
  readonly batchSize: number
  readonly maxCount?: number | undefined
}): PageCursor => {
  let { low, high } = range
  let remaining = range.maxCount ?? Number.MAX_SAFE_INTEGER
  let limit = 0
  let done = false
  return {
    next: () => {
      if (done || remaining <= 0 || low > high) return undefined
      limit = Math.min(range.batchSize, remaining)
      return { low, high, backwards: range.backwards, limit }
    },
    advance: (count, lastKey) => {
      remaining -= count
      if (lastKey === undefined || count < limit) done = true
      else if (range.backwards) high = lastKey - 1
      else low = lastKey + 1
    },
  }
}

/** The pages of a `readStream`, by revision. */
export const streamPageCursor = (options: ReadStreamOptions, batchSize: number): PageCursor => {
  const backwards = options.direction === 'backwards'
  return keyRangeCursor({
    low: backwards ? (options.toRevision ?? 0) : (options.fromRevision ?? 0),
    high: backwards
      ? (options.fromRevision ?? Number.MAX_SAFE_INTEGER)
      : (options.toRevision ?? Number.MAX_SAFE_INTEGER),
    backwards,
    batchSize,
    maxCount: options.maxCount,
  })
}

/** The pages of a `readAll`, by position (positions start at 1). */
export const logPageCursor = (options: ReadAllOptions, defaultBatchSize: number): PageCursor => {
  const backwards = options.direction === 'backwards'
  return keyRangeCursor({
    low: Math.max((backwards ? options.toPosition : options.fromPosition) ?? 1, 1),
    high: (backwards ? options.fromPosition : options.toPosition) ?? Number.MAX_SAFE_INTEGER,
    backwards,
    batchSize: options.batchSize ?? defaultBatchSize,
    maxCount: options.maxCount,
  })
}
