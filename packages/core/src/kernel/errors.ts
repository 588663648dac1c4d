/**
 * What can go wrong, as values. Store operations reject with an `EventStoreError` (a real `Error`,
 * so it carries a stack, discriminated by `kind`); the command handler turns them into the
 * `CommandError` union on the left of its `TaskEither`.
 */

import { boundLength, boundProblems } from './quoting'

// --- store errors ---

/** Discriminates the errors a store raises. */
export type EventStoreErrorKind =
  | 'WrongExpectedRevision'
  | 'InvalidArgument'
  | 'EventIdConflict'
  | 'LimitExceeded'
  | 'StoreUnavailable'
  | 'CorruptEvent'
  | 'ProjectionFailed'

/** The base of every error a store raises. */
export abstract class EventStoreError extends Error {
  abstract readonly kind: EventStoreErrorKind
}

/** An argument was malformed; `argument` names it. Nothing was written. */
export class InvalidArgumentError extends EventStoreError {
  readonly kind = 'InvalidArgument' as const
  constructor(
    readonly argument: string,
    readonly problem: string,
  ) {
    super(`${argument}: ${problem}`)
    this.name = 'InvalidArgumentError'
  }
}

/**
 * Some of the event ids in an append are already stored, but not as this same append (another
 * stream, another position, or only part of the batch). Nothing was written.
 */
export class EventIdConflictError extends EventStoreError {
  readonly kind = 'EventIdConflict' as const
  constructor(
    readonly eventId: string,
    readonly problem: string,
  ) {
    super(`event ${eventId}: ${problem}`)
    this.name = 'EventIdConflictError'
  }
}

/** An event or batch is larger than the store's limits allow. Nothing was written. */
export class LimitExceededError extends EventStoreError {
  readonly kind = 'LimitExceeded' as const
  constructor(
    readonly limit: string,
    readonly allowed: number,
    readonly actual: number,
  ) {
    super(`${limit}: ${actual} exceeds the limit of ${allowed}`)
    this.name = 'LimitExceededError'
  }
}

/**
 * What became of the operation a store failure interrupted: `'no'`, nothing of it was written (the
 * transaction was rolled back, or never began); `'unknown'`, it may or may not have been, and a
 * retry with the same event ids tells which.
 */
export type WriteOutcome = 'no' | 'unknown'

/** What went wrong beneath the store, as far as it can tell: what to check. */
export type StorageFailureReason =
  /** The disk is full, or the process reached its file-size limit (`ulimit -f`). */
  | 'no-space'
  /** The file, its directory or its file system cannot be written (permissions, a read-only mount). */
  | 'read-only'
  /** Another process held the file's lock for longer than the store waits (its busy timeout). */
  | 'busy'
  /** The database file is damaged. */
  | 'corrupt'
  /** The file or its directory could not be opened. */
  | 'cannot-open'
  /** The device failed a read, write or sync, for none of the reasons above that the store could see. */
  | 'io-error'
  /** The store is closed, or closing. */
  | 'closed'
  /** The store could not be reached, or failed in a way it does not classify (the default). */
  | 'unavailable'

/**
 * Whether to try the operation again:
 * - `'retry'`: it may succeed as it is (a lock released, a connection back);
 * - `'retry-when-fixed'`: once what `reason` names is put right (space freed, write access back);
 *   the same open store carries on;
 * - `'reopen'`: open the store again first;
 * - `'do-not-retry'`: it will fail the same way (a damaged file: restore it, and run verify).
 */
export type RetryAdvice = 'retry' | 'retry-when-fixed' | 'reopen' | 'do-not-retry'

/** The typed description of a store failure, beside its message. */
export interface StorageFailure {
  readonly written: WriteOutcome
  readonly reason: StorageFailureReason
  /** The driver's own code, e.g. `SQLITE_FULL`, `SQLITE_IOERR_WRITE`; absent when it gave none. */
  readonly code?: string
  readonly retry: RetryAdvice
  /** The file the failure concerns, for a store on files. */
  readonly file?: string
}

/** The options of a `StoreUnavailableError`: its cause, and what is known of the failure. */
export interface StoreUnavailableOptions extends Partial<StorageFailure> {
  readonly cause?: unknown
}

/**
 * The store could not be reached or failed. `written` says whether the operation may have been
 * written (`'unknown'` unless the store knows it was not), `reason` what to check, `code` the
 * driver's code and `retry` whether trying again can help. The message never holds event data,
 * personal values or keys.
 */
export class StoreUnavailableError extends EventStoreError implements StorageFailure {
  readonly kind = 'StoreUnavailable' as const
  readonly written: WriteOutcome
  readonly reason: StorageFailureReason
  readonly code?: string
  readonly retry: RetryAdvice
  readonly file?: string
  constructor(message: string, options: StoreUnavailableOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'StoreUnavailableError'
    this.written = options.written ?? 'unknown'
    this.reason = options.reason ?? 'unavailable'
    this.retry = options.retry ?? 'retry'
    if (options.code !== undefined) this.code = options.code
    if (options.file !== undefined) this.file = options.file
  }
}

/** A stored event could not be read back (bad JSON, unknown type or version, failed codec). */
export class CorruptEventError extends EventStoreError {
  readonly kind = 'CorruptEvent' as const
  constructor(
    readonly position: number,
    readonly streamId: string,
    readonly revision: number,
    readonly problem: string,
  ) {
    super(`event at position ${position} (${streamId}@${revision}): ${problem}`)
    this.name = 'CorruptEventError'
  }
}

/**
 * An inline projection failed on an event being appended, so the append was refused and nothing
 * was written: inline read models never fall behind or disagree with the log.
 */
export class ProjectionFailedError extends EventStoreError {
  readonly kind = 'ProjectionFailed' as const
  constructor(
    readonly projection: string,
    readonly eventType: string,
    readonly streamId: string,
    readonly problem: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`inline projection ${projection} failed on ${eventType} in ${streamId}: ${problem}`, options)
    this.name = 'ProjectionFailedError'
  }
}

/** True when `error` is one of the store's typed errors. */
export const isEventStoreError = (error: unknown): error is EventStoreError => error instanceof EventStoreError

// --- command errors ---

/** A domain rule refused the command. `code` is stable (for programs); `message` is for people. */
export interface Rejected {
  readonly _tag: 'Rejected'
  readonly code: string
  readonly message: string
}

/** The actor may not send this command. */
export interface Forbidden {
  readonly _tag: 'Forbidden'
  readonly message: string
}

/** Other writers kept changing the stream; the retries ran out. Nothing was written. */
export interface Conflict {
  readonly _tag: 'Conflict'
  readonly streamId: string
  readonly attempts: number
  readonly message: string
}

/** The command, or its context, did not decode; each problem names the field and the rule. */
export interface InvalidCommand {
  readonly _tag: 'InvalidCommand'
  readonly problems: ReadonlyArray<string>
  readonly message: string
}

/** The store failed; nothing is known to have been written. */
export interface StoreUnavailable {
  readonly _tag: 'StoreUnavailable'
  readonly message: string
  readonly cause: unknown
}

/** An event in the aggregate's stream could not be decoded; it is named, never skipped. */
export interface UnreadableEvent {
  readonly _tag: 'UnreadableEvent'
  readonly streamId: string
  readonly revision: number
  readonly position: number
  readonly message: string
}

/** Everything a command can fail with. */
export type CommandError = Rejected | Forbidden | Conflict | InvalidCommand | StoreUnavailable | UnreadableEvent

// --- constructors ---

/** A command refused by a business rule: `code` for programs, `message` for people. */
export const rejected = (code: string, message: string): Rejected => ({ _tag: 'Rejected', code, message })
/** A command the policy refused for this actor, with the reason. */
export const forbidden = (message: string): Forbidden => ({ _tag: 'Forbidden', message })
/** A command the store failed on (after the handler's retries), with what it threw. */
export const storeUnavailable = (cause: unknown): StoreUnavailable => ({
  _tag: 'StoreUnavailable',
  message: cause instanceof Error ? cause.message : String(cause),
  cause,
})
/**
 * An `InvalidCommand` listing at most the first 20 problems, and how many more there were; its
 * message is capped like any other.
 */
export const invalidCommand = (problems: ReadonlyArray<string>): InvalidCommand => {
  const listed = boundProblems(problems)
  return { _tag: 'InvalidCommand', problems: listed, message: boundLength(`invalid command: ${listed.join('; ')}`) }
}

// --- waiting for the append lock ---

/**
 * An append (or import) waited longer than the store allows for the lock that keeps commit order
 * equal to position order: another session held it, in a long or idle transaction. Nothing was
 * written, so the same append may be sent again, with the same event ids, once the holder lets go.
 * A `StoreUnavailableError`, so code that retries an outage retries this too.
 */
export class AppendLockTimeoutError extends StoreUnavailableError {
  readonly retryable = true as const
  constructor(
    /** The lock waited for, as a person reads it. */
    readonly lock: string,
    /** How long the caller waited, in milliseconds. */
    readonly waitedMs: number,
    /** The longest wait the store allows, in milliseconds. */
    readonly timeoutMs: number,
    options?: { readonly cause?: unknown },
  ) {
    super(
      `waited ${waitedMs} ms for ${lock}, which another session holds (the store waits at most ${timeoutMs} ms); nothing was written, and the append may be sent again with the same event ids`,
      options,
    )
    this.name = 'AppendLockTimeoutError'
  }
}
