/**
 * The store's `commits` signal: something may have been committed. Locally it is every append this
 * store made; from other processes it is a live `$all` subscription, filtered on the server to the
 * ledger's `<ledger>.positions` stream (one event per append, whoever wrote it).
 *
 * The signal only wakes the kit's catch-up subscription, which reads from ledger positions, so a
 * dropped live subscription loses nothing: the driver resubscribes after a delay from the last
 * `$all` position it saw (a checkpoint that only moves forward) and signals once, and the catch-up
 * reads whatever was committed meanwhile — never skipping, never repeating.
 */
import type { AllStreamResolvedEvent, AllStreamSubscription, Position } from '@kurrent/kurrentdb-client'
import { END, streamNameFilter } from '@kurrent/kurrentdb-client'
import { Observable, Subject } from 'rxjs'

import type { KurrentClient } from './client'
import { ForwardCheckpoint } from './positions'
import type { LedgerNames } from './records'

export interface LiveCommits {
  /** Emits whenever something may have been committed; completes on `close`. */
  readonly signals: Observable<void>
  /** This store committed. */
  committed(): void
  close(): void
  /** Where a resumed live subscription starts (`undefined`: the end of `$all` when first opened). */
  readonly checkpoint: ForwardCheckpoint
}

export interface LiveCommitOptions {
  readonly reconnectDelayMs: number
  /** Timers, replaceable in tests. */
  readonly setTimer?: (run: () => void, ms: number) => { readonly cancel: () => void }
}

const realTimer = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms)
  timer.unref()
  return { cancel: () => clearTimeout(timer) }
}

/**
 * The signal of a store. The live subscription is opened when the first observer subscribes and
 * closed when the last leaves or the store closes.
 */
export const liveCommits = (client: KurrentClient, names: LedgerNames, options: LiveCommitOptions): LiveCommits => {
  const local = new Subject<void>()
  const setTimer = options.setTimer ?? realTimer
  const checkpoint = new ForwardCheckpoint()
  let closed = false
  let observers = 0
  let live: AllStreamSubscription | undefined
  let retry: { readonly cancel: () => void } | undefined
  let generation = 0

  const open = (): void => {
    if (closed || live !== undefined) return
    const mine = ++generation
    const from: Position | typeof END = checkpoint.position ?? END
    const subscription = client.subscribeToAll({
      fromPosition: from,
      filter: streamNameFilter({ prefixes: [names.positions] }),
    })
    live = subscription
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      if (mine !== generation) return
      const at = resolved.event?.position
      if (at !== undefined && !checkpoint.advance(at)) return
      local.next()
    })
    const dropped = (): void => {
      if (mine !== generation || closed) return
      generation++
      live = undefined
      void subscription.unsubscribe().catch(() => undefined)
      if (observers === 0) return
      retry = setTimer(() => {
        retry = undefined
        if (observers > 0) {
          open()
          // whatever committed while the subscription was down is read by the catch-up
          local.next()
        }
      }, options.reconnectDelayMs)
    }
    subscription.on('error', dropped)
    subscription.on('end', dropped)
  }

  const stop = (): void => {
    generation++
    retry?.cancel()
    retry = undefined
    const s = live
    live = undefined
    void s?.unsubscribe().catch(() => undefined)
  }

  const signals = new Observable<void>((subscriber) => {
    const inner = local.subscribe(subscriber)
    observers++
    open()
    return () => {
      inner.unsubscribe()
      observers--
      if (observers === 0) stop()
    }
  })

  return {
    signals,
    committed: () => local.next(),
    close: () => {
      closed = true
      stop()
      local.complete()
    },
    checkpoint,
  }
}
