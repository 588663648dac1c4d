/**
 * A pooled connection held for a transaction. pg emits `'error'` on a connection whose backend is
 * terminated or whose socket drops; the pool listens only while the connection is idle, so one
 * that fails while held, with nobody listening, ends the whole process (`Unhandled 'error' event`).
 * Every connection the store holds is taken here: it listens for the whole time it is held, its
 * loss fails only the operation that held it (the query under way rejects, and is mapped to
 * `StoreUnavailableError` by the caller), and a lost or doubtful connection leaves the pool
 * instead of being handed to the next caller.
 */
import { StoreUnavailableError } from '@civic-ledger/core'
import type { Pool, PoolClient } from 'pg'

const CONNECTION_LOST = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', 'ECONNRESET', 'EPIPE'])

/** True when a query failed because its connection went away, not because of the query. */
export const isConnectionLost = (error: unknown): boolean => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return (
    (typeof code === 'string' && CONNECTION_LOST.has(code)) ||
    (error instanceof Error && /Connection terminated|connection is closed|not queryable/i.test(error.message))
  )
}

/** pg marks a connection that has failed as no longer queryable (a field of its own, not typed). */
const queryable = (client: PoolClient): boolean => (client as { _queryable?: boolean })._queryable !== false

export interface HeldConnection {
  readonly client: PoolClient
  /** The connection's own error, if it was lost while held. */
  readonly lost: () => Error | undefined
  /** Gives the connection back; with `discard`, or if it was lost, it is closed instead. */
  release(discard?: boolean): void
}

/** Takes a connection from the pool, or fails with `StoreUnavailableError` saying what it was for. */
export const checkout = async (pool: Pool, purpose: string): Promise<HeldConnection> => {
  let client: PoolClient | undefined
  // A connection that failed while idle may still be handed out before the pool hears of it.
  for (let tries = 0; client === undefined; tries++) {
    let candidate: PoolClient
    try {
      candidate = await pool.connect()
    } catch (cause) {
      throw new StoreUnavailableError(
        `could not connect ${purpose}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      )
    }
    if (queryable(candidate)) client = candidate
    else {
      candidate.release(true)
      if (tries >= 3) throw new StoreUnavailableError(`could not connect ${purpose}: every connection had failed`)
    }
  }
  let lost: Error | undefined
  const onError = (error: Error): void => {
    lost ??= error
  }
  client.on('error', onError)
  let released = false
  return {
    client,
    lost: () => lost,
    release: (discard = false) => {
      if (released) return
      released = true
      // A lost connection may still report its end: keep listening on one that is closed.
      if (lost === undefined && !discard) client.off('error', onError)
      client.release(lost ?? (discard ? true : undefined))
    },
  }
}
