/**
 * How the store talks to the server: single queries on the pool (reads run again when their
 * connection was dropped) and transactions on a client of their own, whose lost connection fails
 * that caller with `StoreUnavailableError` and leaves the pool.
 */
import { isEventStoreError, StoreUnavailableError } from '@civic-ledger/core'
import { EventIdTakenError } from '@civic-ledger/core/store-kit'
import type { Pool, PoolClient, QueryResultRow } from 'pg'

import { checkout, isConnectionLost } from './checkout'
import { begin as beginIn } from './read-models'

export const unavailable = (what: string, cause: unknown): StoreUnavailableError =>
  new StoreUnavailableError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })

export const pgCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined

/**
 * True when the error, or one it was caused by (an inline projection's failure wraps the query's),
 * is a lost connection: the operation may be sent again, unlike the projection's own refusal.
 */
export const causedByLostConnection = (error: unknown): boolean => {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (isConnectionLost(current)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/** The ledger's schema and how to reach it: what every part of the store is given. */
export interface LedgerDb {
  readonly pool: Pool
  readonly schema: string
  /** The schema quoted, for SQL. */
  readonly s: string
  readonly poolSize: number
  /** Rows of a query on a pooled connection; a dropped connection's read is run again. */
  query<R extends QueryResultRow>(sql: string, params?: ReadonlyArray<unknown>): Promise<R[]>
  /** The same, with each row as an array: no object is built per row, for the reads that return many. */
  queryArrays<R extends unknown[]>(sql: string, params?: ReadonlyArray<unknown>): Promise<R[]>
  /**
   * Runs `work` in one transaction on a client of its own, names resolving in the ledger's schema:
   * committed if `work` resolves, rolled back if it throws. Resolves with what failed, if anything,
   * for the caller to classify.
   */
  inTransaction(work: (client: PoolClient) => Promise<void>): Promise<{ readonly failure: unknown } | undefined>
}

export const ledgerDb = (pool: Pool, schema: string, poolSize: number): LedgerDb => {
  /**
   * A read that fails because its connection was dropped (the server restarted, a backend was
   * terminated) is run again, up to once per pooled connection: reads are safe to repeat, and a
   * pool can hold several connections that died while idle.
   */
  const retried = async <A>(read: () => Promise<A>): Promise<A> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read()
      } catch (error) {
        if (attempt < poolSize && isConnectionLost(error)) continue
        throw isEventStoreError(error) ? error : unavailable('the query failed', error)
      }
    }
  }
  return {
    pool,
    schema,
    s: `"${schema}"`,
    poolSize,
    query: <R extends QueryResultRow>(sql: string, params: ReadonlyArray<unknown> = []) =>
      retried(async () => (await pool.query<R>(sql, params as unknown[])).rows),
    queryArrays: <R extends unknown[]>(sql: string, params: ReadonlyArray<unknown> = []) =>
      retried(async () => (await pool.query<R>({ text: sql, values: params as unknown[], rowMode: 'array' })).rows),
    inTransaction: async (work) => {
      const held = await checkout(pool, 'for an append')
      const client = held.client
      let failed: { readonly failure: unknown } | undefined
      try {
        await beginIn(client, schema)
        await work(client)
        await client.query('COMMIT')
      } catch (failure) {
        // A connection lost under the transaction is the caller's outage, whatever the query said.
        failed = {
          failure:
            held.lost() === undefined && !causedByLostConnection(failure)
              ? failure
              : unavailable('the connection was lost', failure),
        }
        await client.query('ROLLBACK').catch(() => undefined)
      } finally {
        // A client that failed for a reason that is neither the server's answer nor the store's own
        // refusal (a lost connection, say) is closed instead of pooled.
        held.release(
          failed !== undefined &&
            pgCode(failed.failure) === undefined &&
            !isEventStoreError(failed.failure) &&
            !(failed.failure instanceof EventIdTakenError),
        )
      }
      return failed
    },
  }
}
