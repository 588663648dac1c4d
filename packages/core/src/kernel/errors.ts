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

/** The store could not be reached or failed; whether the write happened is unknown. */
export class StoreUnavailableError extends EventStoreError {
  readonly kind = 'StoreUnavailable' as const
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
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
