/**
 * Handling a decision across streams (`defineDecision`): decode the command and its context,
 * load and fold every stream it names, ask the policy once with all their states, decide once,
 * and append what was decided to every stream in one multi-stream append, each at the revision it
 * was read at. If any stream moved meanwhile the whole decision is taken again on fresh states, so
 * of two commands contending for one stream's state exactly one is decided on what the other did.
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'

import type { Command } from '../events/decider'
import type { DecidedFor, Decision, DecisionStream, DecisionStreams, StatesOf } from '../events/decision'
import type { DomainEvent } from '../events/event'
import type { CommandError } from '../kernel/errors'
import { EventIdConflictError, forbidden, invalidCommand, rejected } from '../kernel/errors'
import { boundQuotes } from '../kernel/quoting'
import { streamId as streamIdOf } from '../kernel/stream-id'
import type { AppendResult, StreamAppend } from '../port/event-store'
import { WrongExpectedRevisionError } from '../port/event-store'
import type { CommandContext, CommandHandlerOptions, RetryOptions } from './command-handler'
import {
  decodeCommand,
  loadFor,
  metadataFor,
  newEventsFor,
  retryOptionsOf,
  sendWithRetries,
  untilSettled,
} from './command-handler'

/** What a decision that succeeded did, stream by stream. */
export interface DecisionResult<R extends DecisionStreams> {
  /** Each stream's id, by name. */
  readonly streamIds: { readonly [K in keyof R]: string }
  /** What was recorded in each stream (empty where nothing was). */
  readonly events: DecidedFor<R>
  /** Each stream's state after the decision. */
  readonly states: StatesOf<R>
  /** How the store acknowledged the append, or `null` when nothing was appended. */
  readonly appended: ReadonlyArray<AppendResult> | null
  /** 1 unless a concurrent writer made the handler decide again. */
  readonly attempts: number
}

/** Sends one command to a decision across streams. */
export type HandleDecision<R extends DecisionStreams> = (
  command: unknown,
  context: unknown,
) => TE.TaskEither<CommandError, DecisionResult<R>>

/** A named stream as loaded: its id, state and the revision it was read at. */
interface Loaded {
  readonly name: string
  readonly stream: DecisionStream<DomainEvent, unknown>
  readonly streamId: string
  readonly state: unknown
  readonly revision: number
}

interface Sent<C> {
  readonly command: C
  readonly context: CommandContext
  readonly streams: DecisionStreams
}

const decodeSent = <C extends Command, R extends DecisionStreams>(
  decision: Decision<C, R>,
  input: unknown,
  rawContext: unknown,
): E.Either<CommandError, Sent<C>> => {
  const decoded = decodeCommand(decision, input, rawContext)
  if (E.isLeft(decoded)) return decoded
  try {
    return E.right({ ...decoded.right, streams: decision.streams(decoded.right.command) })
  } catch (error) {
    return E.left(
      invalidCommand([
        `command does not name valid streams: ${error instanceof Error ? error.message : String(error)}`,
      ]),
    )
  }
}

/** Every named stream, loaded and folded; an id that is not a valid stream id is `InvalidCommand`. */
const loadAll = async (
  options: CommandHandlerOptions,
  streams: DecisionStreams,
): Promise<E.Either<CommandError, ReadonlyArray<Loaded>>> => {
  const loaded: Loaded[] = []
  for (const [name, named] of Object.entries(streams)) {
    // Each is a DecisionStream of its own aggregate's events and state (see `streamOf`).
    const stream = named as DecisionStream<DomainEvent, unknown>
    let streamId: string
    try {
      streamId = streamIdOf(stream.aggregate.context, stream.aggregate.name, stream.id)
    } catch (error) {
      return E.left(invalidCommand([`${name}: ${error instanceof Error ? error.message : String(error)}`]))
    }
    const folded = await loadFor(options, stream.aggregate, streamId)
    if (E.isLeft(folded)) return folded
    loaded.push({ name, stream, streamId, state: folded.right.state, revision: folded.right.revision })
  }
  return E.right(loaded)
}

/** Each stream's decided events as the store takes them, with one metadata for the whole decision. */
const appendsOf = async (
  options: CommandHandlerOptions,
  sent: Sent<Command>,
  correlationId: string,
  loaded: ReadonlyArray<Loaded>,
  decided: Readonly<Record<string, ReadonlyArray<DomainEvent> | undefined>>,
): Promise<E.Either<CommandError, ReadonlyArray<StreamAppend>>> => {
  const metadata = metadataFor(options, sent.context, correlationId)
  const appends: StreamAppend[] = []
  for (const { name, stream, streamId, revision } of loaded) {
    const events = decided[name] ?? []
    if (events.length === 0) continue
    const encoded = await newEventsFor(options, stream.aggregate, sent.context, streamId, metadata, events)
    if (E.isLeft(encoded)) return encoded
    appends.push({ streamId, events: encoded.right, expectedRevision: revision < 0 ? 'noStream' : revision })
  }
  return E.right(appends)
}

/** One attempt: load all, authorise, decide, append. `undefined` when a stream moved: attempt again. */
const attemptOnce = async <C extends Command, R extends DecisionStreams>(
  options: CommandHandlerOptions,
  retry: RetryOptions,
  decision: Decision<C, R>,
  sent: Sent<C>,
  correlationId: string,
  attempt: number,
): Promise<E.Either<CommandError, DecisionResult<R>> | undefined> => {
  const loaded = await loadAll(options, sent.streams)
  if (E.isLeft(loaded)) return loaded
  const states = Object.fromEntries(loaded.right.map((l) => [l.name, l.state])) as StatesOf<R>
  const asked = options.policy({
    actor: sent.context.actor,
    context: decision.context,
    aggregate: decision.name,
    command: sent.command.type,
    streamId: loaded.right.map((l) => l.streamId).join(' '),
    state: states,
    input: sent.command,
  })
  if (!asked.allowed) return E.left(forbidden(boundQuotes(asked.reason, sent.command)))
  const decided = decision.decide(sent.command, states)
  if (E.isLeft(decided)) return E.left(rejected(decided.left.code, boundQuotes(decided.left.message, sent.command)))
  const byName = decided.right as Readonly<Record<string, ReadonlyArray<DomainEvent> | undefined>>
  const appends = await appendsOf(options, sent, correlationId, loaded.right, byName)
  if (E.isLeft(appends)) return appends
  let appended: ReadonlyArray<AppendResult> | null = null
  if (appends.right.length > 0) {
    const result = await sendWithRetries(retry, () => options.store.appendMulti(appends.right))
    // The hot cache serves these streams' reads; the streams written (or refused) are folded afresh
    // by the next command that names them, which keeps the cache out of appendMulti's results.
    for (const { streamId } of appends.right) options.aggregateCache?.delete(streamId)
    if (E.isLeft(result)) {
      if (result.left instanceof WrongExpectedRevisionError) return undefined
      if (result.left instanceof EventIdConflictError)
        return E.left({
          _tag: 'Conflict',
          streamId: loaded.right.map((l) => l.streamId).join(', '),
          attempts: attempt,
          message: result.left.message,
        })
      return E.left(result.left)
    }
    appended = result.right
  }
  const after = Object.fromEntries(
    loaded.right.map((l) => [
      l.name,
      (byName[l.name] ?? []).reduce(
        (state, event) => l.stream.aggregate.decider.evolve(state as never, event as never),
        l.state,
      ),
    ]),
  ) as StatesOf<R>
  return E.right({
    streamIds: Object.fromEntries(loaded.right.map((l) => [l.name, l.streamId])) as DecisionResult<R>['streamIds'],
    events: decided.right,
    states: after,
    appended,
    attempts: attempt,
  })
}

/** Builds a handler of decisions across streams over a store, a policy, a clock and an id source. */
export const createDecisionHandler =
  (options: CommandHandlerOptions) =>
  <C extends Command, R extends DecisionStreams>(decision: Decision<C, R>): HandleDecision<R> =>
  (input, rawContext) => {
    const retry = retryOptionsOf(options)
    return async () => {
      const sent = decodeSent(decision, input, rawContext)
      if (E.isLeft(sent)) return sent
      const { context } = sent.right
      const correlationId = context.correlationId ?? context.commandId ?? options.ids.uuid()
      const settled = await untilSettled(retry, (attempt) =>
        attemptOnce(options, retry, decision, sent.right, correlationId, attempt),
      )
      if (settled !== undefined) return settled
      const streams = Object.values(sent.right.streams)
        .map((s) => `${s.aggregate.context}.${s.aggregate.name}-${s.id}`)
        .join(', ')
      return E.left({
        _tag: 'Conflict',
        streamId: streams,
        attempts: retry.maxAttempts,
        message: `${streams} kept changing under ${retry.maxAttempts} attempts; nothing was written`,
      })
    }
  }
