/**
 * Paging through an ordered key range — a stream's revisions, the log's positions — for stores that
 * read in batches: what to fetch next, and moving past what came back. A page shorter than asked
 * for ends the walk.
 */
import { isPromise } from '../kernel/promise'
import type { ReadAllOptions, ReadStreamOptions } from '../port/event-store'

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

// --- reading page by page ---

/** Items a store reads a page at a time; `pages()` hands them over the same way. */
export interface PagedIterable<A> extends AsyncIterable<A> {
  /**
   * The same items, a page per step: one promise a page rather than one an item, for readers that
   * go through many items (a projection rebuild). Iterate either this or the items, once.
   */
  pages(): AsyncIterable<ReadonlyArray<A>>
}

type Page<A> = ReadonlyArray<A> | undefined

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined }

/**
 * An async iterable over the pages `nextPage` fetches, synchronously or not; `undefined` ends it.
 * Item by item it costs a resolved promise an item, not a generator's machinery, and pages that
 * are fetched synchronously wait for nothing. What `nextPage` throws ends the iteration,
 * through `toError`. `abandon` is called once if the iteration ends before `nextPage` has said it
 * is done — the reader stopped, or a fetch failed — for a source that holds something open.
 */
export const pagedIterable = <A>(
  nextPage: () => Page<A> | Promise<Page<A>>,
  toError: (error: unknown) => Error = (error) => (error instanceof Error ? error : new Error(String(error))),
  abandon?: () => void,
): PagedIterable<A> => {
  let done = false
  let ended = false
  const end = (early: boolean): void => {
    done = true
    if (ended) return
    ended = true
    if (early) abandon?.()
  }
  const fetch = (): Page<A> | Promise<Page<A>> => {
    if (done) return undefined
    try {
      const page = nextPage()
      if (!isPromise(page)) {
        if (page === undefined) end(false)
        return page
      }
      return page.then(
        (fetched) => {
          if (fetched === undefined) end(false)
          return fetched
        },
        (error: unknown) => {
          end(true)
          throw toError(error)
        },
      )
    } catch (error) {
      end(true)
      throw toError(error)
    }
  }
  const finish = (): Promise<IteratorReturnResult<undefined>> => {
    end(!done)
    return Promise.resolve(DONE)
  }
  return {
    [Symbol.asyncIterator]: () => {
      let page: ReadonlyArray<A> = []
      let i = 0
      const next = (): Promise<IteratorResult<A, undefined>> => {
        for (;;) {
          if (i < page.length) return Promise.resolve({ done: false, value: page[i++] as A })
          let fetched: Page<A> | Promise<Page<A>>
          try {
            fetched = fetch()
          } catch (error) {
            return Promise.reject(error instanceof Error ? error : toError(error))
          }
          if (isPromise(fetched))
            return fetched.then((p) => {
              if (p === undefined) return DONE
              page = p
              i = 0
              return next()
            })
          if (fetched === undefined) return Promise.resolve(DONE)
          page = fetched
          i = 0
        }
      }
      return { next, return: finish }
    },
    pages: () => ({
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<ReadonlyArray<A>, undefined>> => {
          for (;;) {
            const page = await fetch()
            if (page === undefined) return DONE
            if (page.length > 0) return { done: false, value: page }
          }
        },
        return: finish,
      }),
    }),
  }
}

/**
 * The pages of `items`: its own when it is a `PagedIterable`, else runs of up to `size` items. For
 * readers of any store, whether or not it reads page by page.
 */
export const pagesOf = <A>(items: AsyncIterable<A>, size = 500): AsyncIterable<ReadonlyArray<A>> => {
  const pages = (items as Partial<PagedIterable<A>>).pages
  if (typeof pages === 'function') return pages.call(items)
  return {
    async *[Symbol.asyncIterator]() {
      let run: A[] = []
      for await (const item of items) {
        run.push(item)
        if (run.length >= size) {
          yield run
          run = []
        }
      }
      if (run.length > 0) yield run
    },
  }
}
