/**
 * The composition root (DESIGN §8). `createLedger` is the one place that touches the container: it
 * builds a child container, registers the store, policy, clock, id source and projection plug-ins
 * under the tokens of `./tokens`, and hands back a typed facade. Domain code never sees the container.
 */
import 'reflect-metadata'
import type { DependencyContainer } from 'tsyringe'
import { container as rootContainer } from 'tsyringe'
import type { Clock, IdGenerator } from './clock'
import { randomIds, systemClock } from './clock'
import type { CommandResult, HandleCommand } from './command-handler'
import { createCommandHandler } from './command-handler'
import type { Aggregate, Command } from './decider'
import type { CommandError } from './errors'
import type { DomainEvent } from './event'
import type { EventStore } from './event-store'
import type { Policy } from './policy'
import { denyAll } from './policy'
import type { Projection } from './projection'
import { checkProjection } from './projection'
import { InvalidArgumentError } from './errors'
import type { StoreProvider } from './store-registry'
import { openEventStore } from './store-registry'
import type { Token } from './tokens'
import { Tokens } from './tokens'
import type * as TE from 'fp-ts/TaskEither'

export interface LedgerOptions {
  /** A connection string (`memory:`, `sqlite:./ledger.db`, …) or a store already opened. Default `memory:`. */
  readonly store?: string | EventStore
  /** Who may do what. Default: deny everything. */
  readonly policy?: Policy
  readonly clock?: Clock
  readonly ids?: IdGenerator
  readonly projections?: ReadonlyArray<Projection>
  /** Store providers for this ledger only, beside those registered globally. */
  readonly storeProviders?: ReadonlyArray<StoreProvider>
  /** Passed to the command handler. */
  readonly maxAttempts?: number
}

export interface Ledger {
  readonly store: EventStore
  readonly policy: Policy
  readonly clock: Clock
  /** The container this ledger registered into, for plug-ins that register more. */
  readonly container: DependencyContainer
  /** Sends a command to an aggregate. */
  execute<C extends Command, E extends DomainEvent, S>(
    aggregate: Aggregate<C, E, S>,
    command: unknown,
    context: unknown,
  ): TE.TaskEither<CommandError, CommandResult<E, S>>
  /** A reusable handler for one aggregate. */
  handler<C extends Command, E extends DomainEvent, S>(aggregate: Aggregate<C, E, S>): HandleCommand<E, S>
  /** The projection plug-ins registered under `Tokens.Projection`. */
  readonly projections: ReadonlyArray<Projection>
  /** Resolves a token from this ledger's container. */
  resolve<T>(token: Token<T>): T
  /** Closes the store (if the ledger opened it). */
  close(): Promise<void>
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** Refuses malformed options before anything is opened: each error names the option. */
const checkLedgerOptions = (options: unknown): void => {
  if (!isObject(options)) throw new InvalidArgumentError('options', 'must be an options object')
  const { store, policy, clock, ids, projections, storeProviders, maxAttempts } = options
  if (store !== undefined && typeof store !== 'string' && !isObject(store))
    throw new InvalidArgumentError('store', 'must be a connection string or an EventStore')
  if (policy !== undefined && typeof policy !== 'function')
    throw new InvalidArgumentError('policy', 'must be a function')
  if (clock !== undefined && !(isObject(clock) && typeof clock['now'] === 'function'))
    throw new InvalidArgumentError('clock', 'must have a now() function')
  if (ids !== undefined && !(isObject(ids) && typeof ids['uuid'] === 'function'))
    throw new InvalidArgumentError('ids', 'must have a uuid() function')
  if (storeProviders !== undefined && !Array.isArray(storeProviders))
    throw new InvalidArgumentError('storeProviders', 'must be an array')
  if (
    maxAttempts !== undefined &&
    !(typeof maxAttempts === 'number' && Number.isSafeInteger(maxAttempts) && maxAttempts >= 1)
  )
    throw new InvalidArgumentError('maxAttempts', 'must be a whole number ≥ 1')
  if (projections === undefined) return
  if (!Array.isArray(projections)) throw new InvalidArgumentError('projections', 'must be an array')
  const names = new Set<string>()
  projections.forEach((candidate: unknown, i) => {
    const projection = checkProjection(candidate, `projections[${i}]`)
    if (names.has(projection.name))
      throw new InvalidArgumentError(`projections[${i}].name`, `${projection.name} is registered twice`)
    names.add(projection.name)
  })
}

/**
 * Builds a ledger.
 *
 * @example
 * const ledger = await createLedger({ store: 'memory:', policy: rolePolicy({ … }) })
 * const result = await ledger.execute(applications, command, { actor })()
 */
export const createLedger = async (options: LedgerOptions = {}): Promise<Ledger> => {
  checkLedgerOptions(options)
  const clock = options.clock ?? systemClock
  const ids = options.ids ?? randomIds
  const policy = options.policy ?? denyAll
  const ownsStore = typeof options.store !== 'object'
  const store =
    typeof options.store === 'object'
      ? options.store
      : await openEventStore(options.store ?? 'memory:', { clock }, options.storeProviders)

  const container = rootContainer.createChildContainer()
  container.register(Tokens.EventStore, { useValue: store })
  container.register(Tokens.Policy, { useValue: policy })
  container.register(Tokens.Clock, { useValue: clock })
  container.register(Tokens.IdGenerator, { useValue: ids })
  for (const projection of options.projections ?? []) container.register(Tokens.Projection, { useValue: projection })

  const handle = createCommandHandler({
    store,
    policy,
    clock,
    ids,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  })
  const resolve = <T>(token: Token<T>): T => container.resolve<T>(token)
  return {
    store,
    policy,
    clock,
    container,
    execute: (aggregate, command, context) => handle(aggregate)(command, context),
    handler: (aggregate) => handle(aggregate),
    projections: container.isRegistered(Tokens.Projection) ? container.resolveAll<Projection>(Tokens.Projection) : [],
    resolve,
    close: async () => {
      if (ownsStore) await store.close()
      container.clearInstances()
    },
  }
}
