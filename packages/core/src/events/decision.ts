/**
 * Decisions across streams: a rule that needs the state of more than one aggregate — a placement
 * against its role's places, an award against its fund's budget — decided once on all of their
 * current states, and recorded in all of them together or in none. Each stream is an aggregate the
 * decision names by id; the handler loads and folds each, calls `decide` with every state, and
 * appends what it decided to each stream at the revision it read, retrying when any has moved.
 */
import type { Either } from 'fp-ts/Either'
import type * as t from 'io-ts'

import type { Aggregate, Command, DomainError } from './decider'
import type { DomainEvent } from './event'

/**
 * A stream a decision reads and may write: an aggregate, and the instance the command names. The
 * aggregate's own commands play no part; its events, initial state and fold do.
 */
export interface DecisionStream<E extends DomainEvent, S> {
  readonly aggregate: StreamAggregate<E, S>
  readonly id: string
}

/** What a decision needs of an aggregate: where its streams are, its events, and its fold. */
export type StreamAggregate<E extends DomainEvent, S> = Pick<
  Aggregate<never, E, S>,
  'context' | 'name' | 'events' | 'decider' | 'snapshot'
>

/**
 * Any stream, for constraints: an aggregate's events appear both as what it decodes and what it
 * encodes, so streams of different aggregates share no narrower type.
 */
export interface AnyDecisionStream {
  readonly aggregate: { readonly context: string; readonly name: string }
  readonly id: string
}

/** A decision's streams, by name. */
export type DecisionStreams = Readonly<Record<string, AnyDecisionStream>>

/** The states of a decision's streams, by name. */
export type StatesOf<R> = { readonly [K in keyof R]: R[K] extends DecisionStream<infer _E, infer S> ? S : never }

/** What a decision records, by stream name: a stream left out, or given `[]`, is not written. */
export type DecidedFor<R> = {
  readonly [K in keyof R]?: ReadonlyArray<R[K] extends DecisionStream<infer E, infer _S> ? E : never>
}

/**
 * A decision across streams (`defineDecision`): a command loads every stream it names, is decided
 * on all their states at once, and what it decides is appended to all of them together, or to none.
 * How a rule that spans aggregates (an award against a fund's budget) holds under concurrency.
 */
export interface Decision<C extends Command, R extends DecisionStreams> {
  /** The bounded context, e.g. `volunteers`: what the policy is asked about. */
  readonly context: string
  /** The decision, e.g. `placement`: the policy is asked about `<context>.<name>` / the command's type. */
  readonly name: string
  readonly commands: t.Decoder<unknown, C>
  /** The streams a command is decided on, by name. */
  readonly streams: (command: C) => R
  /** The events for each stream, by name, on the states of all of them; or the rule it breaks. */
  readonly decide: (command: C, states: StatesOf<R>) => Either<DomainError, DecidedFor<R>>
}

/** A stream of `aggregate` for a decision: the instance named `id`. */
export const streamOf = <E extends DomainEvent, S>(
  aggregate: StreamAggregate<E, S>,
  id: string,
): DecisionStream<E, S> => ({
  aggregate,
  id,
})

/** Defines a decision across streams. */
export const defineDecision = <C extends Command, R extends DecisionStreams>(
  decision: Decision<C, R>,
): Decision<C, R> => decision
