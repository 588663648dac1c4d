/**
 * The client's errors as the port's typed errors. The port's kinds are closed (the command handler
 * maps each one), so what KurrentDB adds — access denied, a server too old for multi-stream appends —
 * are `StoreUnavailableError`s with names, messages and fields of their own.
 */
import { isEventStoreError, StoreUnavailableError } from '@civic-ledger/core'

/** KurrentDB refused the user of the connection string (credentials or the stream's ACL). Nothing was written. */
export class KurrentDBAccessDeniedError extends StoreUnavailableError {
  constructor(
    readonly storeName: string,
    readonly operation: string,
    options?: { readonly cause?: unknown },
  ) {
    super(
      `${storeName}: ${operation}: access denied — KurrentDB refused the user of the connection string; check its username and password (or certificate) and the ACLs of the ledger's streams`,
      options,
    )
    this.name = 'KurrentDBAccessDeniedError'
  }
}

/**
 * The server does not have multi-stream appends (KurrentDB 25.1 or later). The driver writes every
 * append as one, because an append's events, its ledger positions and its event-id reservations
 * must be written together; nothing was written.
 */
export class MultiStreamAppendNotSupportedError extends StoreUnavailableError {
  readonly feature = 'multiStreamAppend'
  readonly minimumVersion = '25.1'
  constructor(
    readonly storeName: string,
    options?: { readonly cause?: unknown },
  ) {
    super(
      `${storeName}: the server does not support multi-stream appends (KurrentDB 25.1 or later is needed to write to a Civic Ledger; reads work on older servers); nothing was written`,
      options,
    )
    this.name = 'MultiStreamAppendNotSupportedError'
  }
}

/** The client's error type names (its `ErrorType` values), for errors that crossed a module boundary. */
const UNAVAILABLE = new Set(['not-leader', 'unavailable', 'deadline-exceeded', 'timeout', 'cancelled'])

const typeOf = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined
  const type = (error as { readonly type?: unknown }).type
  return typeof type === 'string' ? type : undefined
}

/** True when the client's error is a wrong expected version (`WrongExpectedVersionError`). */
export const isWrongExpectedVersion = (error: unknown): error is { readonly streamName?: string } =>
  typeOf(error) === 'wrong-expected-version'

/** True when the client's error says a stream does not exist (a read of it is then empty). */
export const isStreamNotFound = (error: unknown): boolean => typeOf(error) === 'stream-not-found'

/**
 * The port's error for a client failure of `operation`: not leader, unavailable, deadline exceeded,
 * timeout or cancelled → `StoreUnavailableError`; access denied → `KurrentDBAccessDeniedError`;
 * unsupported multi-stream append → `MultiStreamAppendNotSupportedError`; a port error as it is;
 * anything else → `StoreUnavailableError` naming what failed. (A wrong expected version never
 * reaches here: the writer turns it into the port's conflict or a retry.)
 */
export const portError = (storeName: string, operation: string, error: unknown): Error => {
  if (isEventStoreError(error)) return error
  const type = typeOf(error)
  const message = error instanceof Error ? error.message : String(error)
  if (type === 'access-denied') return new KurrentDBAccessDeniedError(storeName, operation, { cause: error })
  if (type === 'unsupported' && (error as { readonly feature?: unknown }).feature === 'multiStreamAppend')
    return new MultiStreamAppendNotSupportedError(storeName, { cause: error })
  if (type !== undefined && UNAVAILABLE.has(type))
    return new StoreUnavailableError(`${storeName}: ${operation}: KurrentDB is unavailable (${type}): ${message}`, {
      cause: error,
    })
  return new StoreUnavailableError(`${storeName}: ${operation}: ${message}`, { cause: error })
}
