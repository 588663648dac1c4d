/**
 * Deciders (DESIGN §3): an aggregate as three pure functions. No I/O, no container, no exceptions for
 * domain outcomes: `decide` returns `Either` a `DomainError` or the events that record the decision.
 */
import type { Either } from 'fp-ts/Either'
import { left, right } from 'fp-ts/Either'
import type * as t from 'io-ts'

import type { JsonValue } from '../kernel/json'
import { streamId } from '../kernel/stream-id'
import type { DomainEvent, EventCatalog } from './event'

// --- model ---

/** A business rule said no. `code` is stable for programs; `message` explains it to a person. */
export interface DomainError {
  readonly code: string
  readonly message: string
}

/**
 * An aggregate as three pure functions: the state before any event, how an event changes the state,
 * and what a command decides on a state. The state is the fold of the stream's events with
 * `evolve` from `initialState` (`fold`).
 *
 * @example
 * ```ts
 * const decider: Decider<ApplicationCommand, ApplicationEvent, ApplicationState> = {
 *   initialState: { status: 'none' },
 *   evolve: (s, e) => (e.type === 'grants.ApplicationSubmitted' ? { ...s, status: 'submitted' } : s),
 *   decide: (c, s) => (s.status === 'draft' ? accept(submitted(c)) : reject('not-draft', `${c.applicationId} is ${s.status}`)),
 * }
 * ```
 */
export interface Decider<Command, Event, State> {
  /** The state of a stream with no events. */
  readonly initialState: State
  /** The state after one more event: pure, and total over the aggregate's events. */
  readonly evolve: (state: State, event: Event) => State
  /** The events that record a command's outcome on a state, or the rule it breaks. Pure: no I/O. */
  readonly decide: (command: Command, state: State) => Either<DomainError, ReadonlyArray<Event>>
}

/** A command: a tagged value whose `type` names it, e.g. `{ type: 'SubmitApplication', … }`. */
export interface Command {
  readonly type: string
}

/**
 * An aggregate ready for the command handler: its decider, the codec its commands are decoded with,
 * the catalog of its events, and how a command names the instance it is for.
 */
export interface Aggregate<C extends Command, E extends DomainEvent, S> {
  /** The bounded context, e.g. `grants`. */
  readonly context: string
  /** The aggregate, e.g. `application`. */
  readonly name: string
  readonly commands: t.Decoder<unknown, C>
  readonly events: EventCatalog<E>
  readonly decider: Decider<C, E, S>
  /** The stream a command is for: `<context>.<name>-<id>`. */
  readonly streamId: (command: C) => string
  /** Snapshot long streams: the handler folds from the latest snapshot when the store keeps them. */
  readonly snapshot?: SnapshotPolicy<S>
}

/** How an aggregate is snapshotted: the codec of its state and how often. */
export interface SnapshotPolicy<S> {
  readonly version: number
  readonly codec: t.Type<S, JsonValue, unknown>
  /** Take a snapshot when at least this many events were folded since the last one. */
  readonly every: number
}

// --- constructors ---

/** Defines an aggregate; `id` picks the instance id out of a command. */
export const defineAggregate = <C extends Command, E extends DomainEvent, S>(definition: {
  readonly context: string
  readonly name: string
  readonly commands: t.Decoder<unknown, C>
  readonly events: EventCatalog<E>
  readonly decider: Decider<C, E, S>
  readonly id: (command: C) => string
  readonly snapshot?: SnapshotPolicy<S>
}): Aggregate<C, E, S> => ({
  context: definition.context,
  name: definition.name,
  commands: definition.commands,
  events: definition.events,
  decider: definition.decider,
  streamId: (command) => streamId(definition.context, definition.name, definition.id(command)),
  ...(definition.snapshot === undefined ? {} : { snapshot: definition.snapshot }),
})

/** Refuses a command: `reject('fund-closed', 'The fund closed on 31 March')`. */
export const reject = (code: string, message: string): Either<DomainError, never> => left({ code, message })

/** Accepts a command with the events that record it. */
export const accept = <Event>(...events: ReadonlyArray<Event>): Either<never, ReadonlyArray<Event>> => right(events)

// --- folding ---

/** Folds events into state, from `state` or the decider's initial state. */
export const fold = <Command, Event, State>(
  decider: Decider<Command, Event, State>,
  events: Iterable<Event>,
  state: State = decider.initialState,
): State => {
  let current = state
  for (const event of events) current = decider.evolve(current, event)
  return current
}
