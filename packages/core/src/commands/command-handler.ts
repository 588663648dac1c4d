/**
 * Command handling (DESIGN §3): decode the command and its context, load and fold the stream, ask
 * the policy, decide, and append at the revision that was read. A concurrent writer makes the append
 * fail; the handler then reloads and decides again, a bounded number of times. A store that fails
 * mid-append is retried with the very same event ids, so a write that did commit is acknowledged, not
 * repeated.
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'

import type { Aggregate, Command } from '../events/decider'
import type { NewEvent, RecordedEvent } from '../events/envelope'
import type { AnyEventDefinition, DomainEvent } from '../events/event'
import { hasPersonalData } from '../events/event'
import { typeNames, unknownFields } from '../events/fields'
import type { EventMetadata } from '../events/metadata'
import { Actor } from '../events/metadata'
import { withholdPersonal } from '../events/personal'
import type { Clock, IdGenerator } from '../kernel/clock'
import { EVENT_ID_NAMESPACE, uuidV5 } from '../kernel/clock'
import { describeErrors, IsoDateTime, NonEmptyString, Uuid } from '../kernel/codecs'
import type { CommandError } from '../kernel/errors'
import {
  CorruptEventError,
  EventIdConflictError,
  forbidden,
  InvalidArgumentError,
  invalidCommand,
  isEventStoreError,
  LimitExceededError,
  ProjectionFailedError,
  rejected,
  storeUnavailable,
} from '../kernel/errors'
import { boundQuotes, clip } from '../kernel/quoting'
import type { AppendResult, EventLog, EventStore } from '../port/event-store'
import { WrongExpectedRevisionError } from '../port/event-store'
import type { Privacy } from '../port/privacy'
import { SubjectErasedError } from '../port/privacy'
import type { AggregateCache } from './aggregate-cache'
import { mayCache } from './aggregate-cache'
import type { Policy } from './policy'

// --- model ---

/** Who sends a command, and why: decoded before anything else, like the command itself. */
export const CommandContext = t.readonly(
  t.intersection([
    t.type({ actor: Actor }),
    t.partial({
      /** Makes event ids deterministic: the same command sent twice is stored once. */
      commandId: Uuid,
      correlationId: NonEmptyString,
      causationId: NonEmptyString,
      /** Business time, when it differs from now (a form signed last Tuesday, entered today). */
      occurredAt: IsoDateTime,
    }),
  ]),
  'CommandContext',
)
export type CommandContext = t.TypeOf<typeof CommandContext>

/**
 * Decodes a command context, refusing keys it does not know, at any depth: a context that says
 * `tenant` (which this ledger does not separate, docs/security.md) must not be taken as if it were
 * honoured.
 */
export const decodeContext = (raw: unknown): E.Either<ReadonlyArray<string>, CommandContext> => {
  const decoded = CommandContext.decode(raw)
  if (E.isLeft(decoded)) return E.left(describeErrors(decoded.left).map((p) => `context ${p}`))
  const unknown = unknownFields(CommandContext, raw)
  if (unknown.length > 0)
    return E.left(
      unknown.map((key) =>
        key === 'tenant'
          ? 'context tenant: not supported; one ledger serves one data controller (docs/security.md)'
          : `context ${clip(key)}: not a field of a command context`,
      ),
    )
  return E.right(decoded.right)
}

/** What a command that succeeded did. */
export interface CommandResult<E, S> {
  readonly streamId: string
  /** The events the decision recorded (empty when nothing needed to change). */
  readonly events: ReadonlyArray<E>
  /** The aggregate's state after them. */
  readonly state: S
  /** The stream's last revision after the command (`-1`: still empty). */
  readonly revision: number
  /** How the store acknowledged the append, or `null` when nothing was appended. */
  readonly appended: AppendResult | null
  /** 1 unless a concurrent writer made the handler decide again. */
  readonly attempts: number
}

/**
 * What `createCommandHandler` runs on: the store, the policy, the clock and ids, and how it retries
 * on a conflict or a store failure. `createLedger` builds one from its own options.
 */
export interface CommandHandlerOptions {
  readonly store: EventStore
  readonly policy: Policy
  readonly clock: Clock
  readonly ids: IdGenerator
  /** How many times to decide before giving up with `Conflict` (default 5). */
  readonly maxAttempts?: number
  /** How many times to resend an append the store failed on (default 3). */
  readonly maxStoreRetries?: number
  /** The base of the jittered backoff between attempts, in milliseconds (default 2). */
  readonly backoffMs?: number
  /** Encrypts personal fields on write and decrypts them on load; without it, events must have none. */
  readonly privacy?: Privacy
  /**
   * Recently folded states by stream (`createAggregateCache`), so a command on a hot stream reads
   * only the events after the cached revision. Without it, every command folds its stream afresh.
   */
  readonly aggregateCache?: AggregateCache
}

/** Sends one command to an aggregate. */
export type HandleCommand<E extends DomainEvent, S> = (
  command: unknown,
  context: unknown,
) => TE.TaskEither<CommandError, CommandResult<E, S>>

// --- loading ---

/** An aggregate's state as folded from its stream, with the revision it was read at. */
export interface LoadedAggregate<S> {
  readonly state: S
  readonly revision: number
  /** The revision of the snapshot the fold started from, or `-1` when it started from the first event. */
  readonly snapshotRevision: number
}

/**
 * Reads and folds an aggregate's stream — from its latest snapshot when the aggregate has a
 * snapshot policy and the store keeps snapshots (not when reading as of a past position). A stored
 * event that does not decode is returned as a `CorruptEventError` naming its position; it is never
 * skipped. A snapshot that does not decode, or is of another version, is ignored. Personal fields
 * are decrypted with `privacy` when it is given, and read as `Erased` — not disclosed — when not.
 */
export const loadAggregate = async <C extends Command, E extends DomainEvent, S>(
  store: EventLog,
  aggregate: Pick<Aggregate<C, E, S>, 'decider' | 'events' | 'snapshot'>,
  stream: string,
  options: {
    readonly until?: number
    readonly privacy?: Pick<Privacy, 'open'>
    /** A state already folded to a revision (the hot cache's): only the events after it are read. */
    readonly from?: LoadedAggregate<S>
  } = {},
): Promise<E.Either<CorruptEventError, LoadedAggregate<S>>> => {
  const from = options.until === undefined ? options.from : undefined
  let state = from === undefined ? aggregate.decider.initialState : from.state
  let revision = from === undefined ? -1 : from.revision
  let snapshotRevision = from === undefined ? -1 : from.snapshotRevision
  const policy = aggregate.snapshot
  if (from === undefined && policy !== undefined && store.snapshots !== undefined && options.until === undefined) {
    const snapshot = await store.snapshots.readSnapshot(stream)
    if (snapshot !== undefined && snapshot.version === policy.version) {
      const decoded = policy.codec.decode(snapshot.state)
      if (E.isRight(decoded)) {
        state = decoded.right
        revision = snapshot.revision
        snapshotRevision = snapshot.revision
      }
    }
  }
  const read = store.readStream(stream, {
    ...(revision >= 0 ? { fromRevision: revision + 1 } : {}),
    ...(options.until === undefined ? {} : { until: options.until }),
  })
  for await (const stored of read) {
    let recorded = withholdPersonal(stored)
    if (options.privacy !== undefined)
      try {
        recorded = await options.privacy.open(stored)
      } catch (error) {
        if (error instanceof CorruptEventError) return E.left(error)
        throw error
      }
    const decoded = aggregate.events.decode(recorded)
    if (E.isLeft(decoded))
      return E.left(
        new CorruptEventError(recorded.position, recorded.streamId, recorded.revision, decoded.left.message),
      )
    state = aggregate.decider.evolve(state, decoded.right)
    revision = recorded.revision
  }
  return E.right({ state, revision, snapshotRevision })
}

/**
 * Keeps a snapshot when the aggregate's policy says enough events were folded since the last one.
 * A snapshot is only a cache: failing to keep one never fails the command. Resolves with the
 * revision of the latest snapshot this process knows of (the one kept, else the loaded one).
 */
const maybeSnapshot = async <C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  aggregate: Aggregate<C, E, S>,
  stream: string,
  loaded: LoadedAggregate<S>,
): Promise<number> => {
  const policy = aggregate.snapshot
  if (policy === undefined || store.snapshots === undefined) return loaded.snapshotRevision
  // A snapshot would keep personal data in plain text, out of reach of erasure.
  if (aggregate.events.definitions.some(hasPersonalData)) return loaded.snapshotRevision
  if (loaded.revision - loaded.snapshotRevision < policy.every) return loaded.snapshotRevision
  try {
    await store.snapshots.writeSnapshot({
      streamId: stream,
      revision: loaded.revision,
      version: policy.version,
      state: policy.codec.encode(loaded.state),
    })
    return loaded.revision
  } catch {
    // The next command folds a few more events; nothing is lost.
    return loaded.snapshotRevision
  }
}

// --- handling ---

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export const unreadable = (error: CorruptEventError): CommandError => ({
  _tag: 'UnreadableEvent',
  streamId: error.streamId,
  revision: error.revision,
  position: error.position,
  message: error.message,
})

export interface RetryOptions {
  readonly maxAttempts: number
  readonly maxStoreRetries: number
  readonly backoffMs: number
}

export const retryOptionsOf = (options: CommandHandlerOptions): RetryOptions => {
  const maxAttempts = options.maxAttempts ?? 5
  const maxStoreRetries = options.maxStoreRetries ?? 3
  const backoffMs = options.backoffMs ?? 2
  const count = (value: number, name: string, min: number): void => {
    if (!Number.isSafeInteger(value) || value < min)
      throw new InvalidArgumentError(name, `must be a whole number ≥ ${min}, got ${String(value)}`)
  }
  count(maxAttempts, 'maxAttempts', 1)
  count(maxStoreRetries, 'maxStoreRetries', 0)
  if (!(backoffMs >= 0 && Number.isFinite(backoffMs)))
    throw new InvalidArgumentError('backoffMs', `must be a finite number ≥ 0, got ${String(backoffMs)}`)
  return { maxAttempts, maxStoreRetries, backoffMs }
}

/** A command as sent, decoded: the command, its context and the stream it names. */
interface Decoded<C> {
  readonly command: C
  readonly context: CommandContext
  readonly stream: string
}

/** Where commands are sent: an aggregate or a decision across streams, named for messages. */
export interface CommandTarget<C extends Command> {
  readonly context: string
  readonly name: string
  readonly commands: t.Decoder<unknown, C>
}

/**
 * Why a command did not decode, a line a problem: an unknown command type is named with the
 * target's known types, not answered with every member of the union.
 */
const commandProblems = (target: CommandTarget<Command>, input: unknown, errors: t.Errors): ReadonlyArray<string> => {
  const known = typeNames(target.commands)
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined
  if (known.length > 0 && !known.includes(type as string))
    return [
      typeof type === 'string'
        ? `command type: ${JSON.stringify(clip(type))} is not a command of ${target.context}.${target.name} (known: ${known.join(', ')})`
        : `command type: missing; a command of ${target.context}.${target.name} is one of ${known.join(', ')}`,
    ]
  return describeErrors(errors).map((p) => `command ${p}`)
}

/**
 * A command and its context, decoded, with no field its codec does not name (a field that passed
 * decoding could otherwise be copied into the log); every problem of both as `InvalidCommand`.
 */
export const decodeCommand = <C extends Command>(
  target: CommandTarget<C>,
  input: unknown,
  rawContext: unknown,
): E.Either<CommandError, { readonly command: C; readonly context: CommandContext }> => {
  const decodedCommand = target.commands.decode(input)
  const decodedContext = decodeContext(rawContext)
  if (E.isLeft(decodedCommand) || E.isLeft(decodedContext))
    return E.left(
      invalidCommand([
        ...(E.isLeft(decodedCommand) ? commandProblems(target, input, decodedCommand.left) : []),
        ...(E.isLeft(decodedContext) ? decodedContext.left : []),
      ]),
    )
  const command = decodedCommand.right
  const unknown = unknownFields(target.commands, input)
  if (unknown.length > 0)
    return E.left(invalidCommand(unknown.map((key) => `command ${clip(key)}: not a field of ${command.type}`)))
  return E.right({ command, context: decodedContext.right })
}

const decodeSent = <C extends Command, E extends DomainEvent, S>(
  aggregate: Aggregate<C, E, S>,
  input: unknown,
  rawContext: unknown,
): E.Either<CommandError, Decoded<C>> => {
  const decoded = decodeCommand(aggregate, input, rawContext)
  if (E.isLeft(decoded)) return decoded
  try {
    return E.right({ ...decoded.right, stream: aggregate.streamId(decoded.right.command) })
  } catch (error) {
    return E.left(
      invalidCommand([
        `command does not name a valid stream: ${error instanceof Error ? error.message : String(error)}`,
      ]),
    )
  }
}

/** The hot cache, when the options have one and the aggregate's states may be kept in it. */
export const cacheFor = (
  options: CommandHandlerOptions,
  aggregate: { readonly events: { readonly definitions: ReadonlyArray<AnyEventDefinition> } },
): AggregateCache | undefined =>
  options.aggregateCache !== undefined && mayCache(aggregate.events) ? options.aggregateCache : undefined

/**
 * The aggregate's stream folded, or why it could not be: from the hot cache's state when it has
 * one for the stream (reading only the events after it), and kept there at the revision read.
 */
export const loadFor = async <C extends Command, E extends DomainEvent, S>(
  options: CommandHandlerOptions,
  aggregate: Pick<Aggregate<C, E, S>, 'decider' | 'events' | 'snapshot'>,
  stream: string,
): Promise<E.Either<CommandError, LoadedAggregate<S>>> => {
  const cache = cacheFor(options, aggregate)
  const hit = cache?.get(stream)
  const from = hit !== undefined && hit.decider === aggregate.decider ? (hit as LoadedAggregate<S>) : undefined
  let loaded: E.Either<CorruptEventError, LoadedAggregate<S>>
  try {
    loaded = await loadAggregate(options.store, aggregate, stream, {
      ...(options.privacy === undefined ? {} : { privacy: options.privacy }),
      ...(from === undefined ? {} : { from }),
    })
    if (cache !== undefined && E.isRight(loaded)) cache.set(stream, { decider: aggregate.decider, ...loaded.right })
  } catch (error) {
    if (error instanceof CorruptEventError) return E.left(unreadable(error))
    // Store failures become values; anything else (an evolve that throws) is a bug: let it surface.
    if (isEventStoreError(error)) return E.left(storeUnavailable(error))
    throw error
  }
  return E.isLeft(loaded) ? E.left(unreadable(loaded.left)) : E.right(loaded.right)
}

/** The metadata of a command's events: who, why, and when it happened (now, unless the context says). */
export const metadataFor = (
  options: CommandHandlerOptions,
  context: CommandContext,
  correlationId: string,
): EventMetadata => {
  const now = options.clock.now()
  if (Number.isNaN(now.getTime())) throw new TypeError('the clock returned an invalid Date')
  return {
    actor: context.actor,
    correlationId,
    causationId: context.causationId ?? context.commandId ?? correlationId,
    occurredAt: context.occurredAt ?? now.toISOString(),
  } as EventMetadata
}

/**
 * One stream's decided events as the store takes them: encoded, with their metadata and ids
 * (name-based when the command has an id), and their personal fields encrypted with their
 * subject's key before anything leaves this process.
 */
export const newEventsFor = async <C extends Command, E extends DomainEvent, S>(
  options: CommandHandlerOptions,
  aggregate: Pick<Aggregate<C, E, S>, 'events'>,
  context: CommandContext,
  stream: string,
  metadata: EventMetadata,
  events: ReadonlyArray<E>,
): Promise<E.Either<CommandError, ReadonlyArray<NewEvent>>> => {
  let newEvents: ReadonlyArray<NewEvent>
  try {
    newEvents = events.map((event, i) => ({
      eventId:
        context.commandId === undefined
          ? options.ids.uuid()
          : uuidV5(EVENT_ID_NAMESPACE, `${context.commandId}/${stream}/${i}`),
      ...aggregate.events.encode(event),
      metadata,
    }))
  } catch (error) {
    return E.left(
      invalidCommand([`the decision could not be encoded: ${error instanceof Error ? error.message : String(error)}`]),
    )
  }
  return sealPersonal(options.privacy, aggregate, newEvents)
}

export const sealPersonal = async <C extends Command, E extends DomainEvent, S>(
  privacy: Privacy | undefined,
  aggregate: Pick<Aggregate<C, E, S>, 'events'>,
  newEvents: ReadonlyArray<NewEvent>,
): Promise<E.Either<CommandError, ReadonlyArray<NewEvent>>> => {
  const definitionOf = (type: string) => aggregate.events.definitions.find((d) => d.type === type)
  const personalIn = newEvents.some((e) => {
    const definition = definitionOf(e.type)
    return definition !== undefined && hasPersonalData(definition)
  })
  if (!personalIn) return E.right(newEvents)
  if (privacy === undefined)
    return E.left(invalidCommand(['events with personal fields need a key store; createLedger provides one']))
  try {
    const sealed: NewEvent[] = []
    for (const e of newEvents) {
      const definition = definitionOf(e.type)
      sealed.push(definition === undefined ? e : { ...e, data: await privacy.seal(definition, e.data) })
    }
    return E.right(sealed)
  } catch (error) {
    if (error instanceof SubjectErasedError) return E.left(rejected('subject-erased', error.message))
    if (error instanceof InvalidArgumentError) return E.left(invalidCommand([error.message]))
    if (isEventStoreError(error)) return E.left(storeUnavailable(error))
    throw error
  }
}

/**
 * Sends an append, sending it again when the store fails mid-call (so a write that did commit is
 * acknowledged, not repeated). Resolves with the result, or with the refusal to act on.
 */
export const sendWithRetries = async <A>(
  retry: RetryOptions,
  send: () => Promise<A>,
): Promise<E.Either<CommandError | WrongExpectedRevisionError | EventIdConflictError, A>> => {
  let storeError: unknown
  for (let sent = 0; sent <= retry.maxStoreRetries; sent++) {
    try {
      return E.right(await send())
    } catch (error) {
      storeError = error
      if (error instanceof WrongExpectedRevisionError || error instanceof EventIdConflictError) return E.left(error)
      // An inline projection refused these events: sending them again would fail the same way.
      if (error instanceof ProjectionFailedError) return E.left(storeUnavailable(error))
      if (error instanceof InvalidArgumentError || error instanceof LimitExceededError)
        return E.left(invalidCommand([`the store refused the events: ${error.message}`]))
      if (sent < retry.maxStoreRetries) await sleep(retry.backoffMs * 2 ** sent * (1 + Math.random()))
    }
  }
  return E.left(storeUnavailable(storeError))
}

/**
 * Runs `attempt` until it settles (anything but `undefined`, which means a stream moved), backing
 * off between attempts; `undefined` when every attempt found a stream moved.
 */
export const untilSettled = async <A>(
  retry: RetryOptions,
  attempt: (n: number) => Promise<A | undefined>,
): Promise<A | undefined> => {
  for (let n = 1; n <= retry.maxAttempts; n++) {
    const outcome = await attempt(n)
    if (outcome !== undefined) return outcome
    if (n < retry.maxAttempts) await sleep(retry.backoffMs * n * (1 + Math.random()))
  }
  return undefined
}

/** One attempt: load, authorise, decide, append. `undefined` when the stream moved: attempt again. */
const attemptOnce = async <C extends Command, E extends DomainEvent, S>(
  options: CommandHandlerOptions,
  retry: RetryOptions,
  aggregate: Aggregate<C, E, S>,
  sent: Decoded<C>,
  correlationId: string,
  attempt: number,
): Promise<E.Either<CommandError, CommandResult<E, S>> | undefined> => {
  const { command, context, stream } = sent
  const loaded = await loadFor(options, aggregate, stream)
  if (E.isLeft(loaded)) return loaded
  const { state, revision, snapshotRevision } = loaded.right
  const decision = options.policy({
    actor: context.actor,
    context: aggregate.context,
    aggregate: aggregate.name,
    command: command.type,
    streamId: stream,
    state,
    input: command,
  })
  if (!decision.allowed) return E.left(forbidden(boundQuotes(decision.reason, command)))
  const decided = aggregate.decider.decide(command, state)
  if (E.isLeft(decided)) return E.left(rejected(decided.left.code, boundQuotes(decided.left.message, command)))
  const events = decided.right
  if (events.length === 0)
    return E.right({ streamId: stream, events, state, revision, appended: null, attempts: attempt })
  const metadata = metadataFor(options, context, correlationId)
  const newEvents = await newEventsFor(options, aggregate, context, stream, metadata, events)
  if (E.isLeft(newEvents)) return newEvents
  const expectedRevision = revision < 0 ? 'noStream' : revision
  const appended = await sendWithRetries(retry, () =>
    options.store.appendToStream(stream, newEvents.right, { expectedRevision }),
  )
  const cache = cacheFor(options, aggregate)
  if (E.isLeft(appended)) {
    // Whatever refused the append, the next attempt (or command) folds the stream afresh.
    cache?.delete(stream)
    const refusal = appended.left
    if (refusal instanceof WrongExpectedRevisionError) return undefined
    if (refusal instanceof EventIdConflictError)
      return E.left({ _tag: 'Conflict', streamId: stream, attempts: attempt, message: refusal.message })
    return E.left(refusal)
  }
  // Acknowledged as already stored at or below the revision we loaded: the loaded state holds
  // these events already (the same command sent twice), so they must not be folded again.
  const result = appended.right
  const inLoadedState = result.alreadyStored && result.lastRevision <= revision
  const newState = inLoadedState ? state : events.reduce(aggregate.decider.evolve, state)
  const newRevision = inLoadedState ? revision : result.lastRevision
  const keptSnapshot = await maybeSnapshot(options.store, aggregate, stream, {
    state: newState,
    revision: newRevision,
    snapshotRevision,
  })
  // Events acknowledged as stored before may sit anywhere in the stream: fold it afresh next time.
  if (result.alreadyStored) cache?.delete(stream)
  else
    cache?.set(stream, {
      decider: aggregate.decider,
      state: newState,
      revision: newRevision,
      snapshotRevision: keptSnapshot,
    })
  return E.right({
    streamId: stream,
    events,
    state: newState,
    revision: newRevision,
    appended: result,
    attempts: attempt,
  })
}

/**
 * Builds a command handler over a store, a policy, a clock and an id source.
 *
 * @example
 * const handle = createCommandHandler({ store, policy, clock: systemClock, ids: randomIds })
 * const result = await handle(applications)({ type: 'SubmitApplication', … }, { actor })()
 */
export const createCommandHandler =
  (options: CommandHandlerOptions) =>
  <C extends Command, E extends DomainEvent, S>(aggregate: Aggregate<C, E, S>): HandleCommand<E, S> =>
  (input, rawContext) => {
    const retry = retryOptionsOf(options)
    return async () => {
      const sent = decodeSent(aggregate, input, rawContext)
      if (E.isLeft(sent)) return sent
      const { context, stream } = sent.right
      const correlationId = context.correlationId ?? context.commandId ?? options.ids.uuid()
      const settled = await untilSettled(retry, (attempt) =>
        attemptOnce(options, retry, aggregate, sent.right, correlationId, attempt),
      )
      if (settled !== undefined) return settled
      return E.left({
        _tag: 'Conflict',
        streamId: stream,
        attempts: retry.maxAttempts,
        message: `${stream} kept changing under ${retry.maxAttempts} attempts; nothing was written`,
      })
    }
  }

/** The events of a recorded stream, decoded through an aggregate's catalog. */
export const decodeRecorded = <E extends DomainEvent>(
  catalog: { readonly decode: (stored: RecordedEvent) => E.Either<{ readonly message: string }, E> },
  recorded: RecordedEvent,
): E.Either<CorruptEventError, E> =>
  E.mapLeft(
    (failure: { readonly message: string }) =>
      new CorruptEventError(recorded.position, recorded.streamId, recorded.revision, failure.message),
  )(catalog.decode(recorded))
