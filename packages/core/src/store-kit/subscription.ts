/**
 * Catch-up-then-live subscriptions, built once for every store: read from a position in batches
 * until caught up, then wait for the store to say something was committed, and read again. Because
 * the reader always continues from the next unread position and the wake-up signal is listened to
 * before the first read, an event committed at any moment — during catch-up, between two reads —
 * is delivered exactly once, in position order.
 */
import { Observable } from 'rxjs'

import type { RecordedEvent } from '../events/envelope'

/** One read of the ledger from `fromPosition`: what matched, and where to continue. */
export interface SubscriptionBatch {
  readonly events: ReadonlyArray<RecordedEvent>
  /** The next position to read from; past every event this read looked at, matching or not. */
  readonly nextPosition: number
  /** True when the read stopped at the head rather than at the batch size. */
  readonly reachedHead: boolean
}

export interface CatchUpSubscriptionSource {
  readonly fromPosition: number
  /** Reads committed events from `fromPosition` in position order, at most `batchSize` of them. */
  readonly read: (fromPosition: number) => Promise<SubscriptionBatch>
  /** Emits whenever something may have been committed; completes when the store closes. */
  readonly commits: Observable<unknown>
}

/** Builds the Observable a store returns from `subscribe`. */
export const catchUpSubscription = (source: CatchUpSubscriptionSource): Observable<RecordedEvent> =>
  new Observable<RecordedEvent>((subscriber) => {
    let next = source.fromPosition
    let dirty = true
    let storeClosed = false
    let wake: (() => void) | undefined
    const signal = (): void => {
      dirty = true
      const resolve = wake
      wake = undefined
      resolve?.()
    }
    const commits = source.commits.subscribe({
      next: signal,
      complete: () => {
        storeClosed = true
        signal()
      },
      error: (error: unknown) => {
        subscriber.error(error)
      },
    })

    const run = async (): Promise<void> => {
      while (!subscriber.closed) {
        if (!dirty) {
          if (storeClosed) {
            subscriber.complete()
            return
          }
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          continue
        }
        dirty = false
        const batch = await source.read(next)
        for (const event of batch.events) {
          if (subscriber.closed) return
          subscriber.next(event)
        }
        next = batch.nextPosition
        if (!batch.reachedHead) dirty = true
      }
    }
    run().catch((error: unknown) => {
      subscriber.error(error)
    })

    return () => {
      commits.unsubscribe()
      signal()
    }
  })

/**
 * The batch a store returns after reading at most `batchSize` matching events from `fromPosition`
 * up to `head`, where every position up to `head` was committed and visible to the read: a full
 * page continues after its last event; a short one has seen everything up to the head.
 */
export const batchUpToHead = (
  events: ReadonlyArray<RecordedEvent>,
  fromPosition: number,
  head: number,
  batchSize: number,
): SubscriptionBatch => {
  const last = events[events.length - 1]
  const full = events.length === batchSize && last !== undefined
  return {
    events,
    nextPosition: full ? last.position + 1 : Math.max(head + 1, fromPosition),
    reachedHead: !full,
  }
}
