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
import type { AnyEventDefinition } from './event'
import type { AnyProjection } from './projection'
import type { ProjectionLogger, ProjectionRunner, ProjectionRunnerOptions } from './projection-runner'
import { checkProjections, createProjectionRunner } from './projection-runner'
import type { LedgerPlugin } from './plugin'
import { isLedgerPlugin, loadPlugin } from './plugin'
import type { ReadModelStorage } from './read-model'
import { InvalidArgumentError } from './errors'
import type { StoreProvider } from './store-registry'
import { openEventStore } from './store-registry'
import type { Token } from './tokens'
import { Tokens } from './tokens'
import type * as TE from 'fp-ts/TaskEither'
import * as E from 'fp-ts/Either'
import { dataSubjects } from './erasure'
import type { ExportOptions, ExportSummary } from './ledger-export'
import { exportLedger } from './ledger-export'
import type { KeyStore } from './privacy'
import type { SealOptions, Sealed } from './seal'
import { sealLedger } from './seal'
import type { VerifyOptions, VerifyReport } from './verify'
import { verifyLedger } from './verify'
import { createMemoryKeyStore, createPrivacy } from './privacy'

export interface LedgerOptions {
  /** A connection string (`memory:`, `sqlite:./ledger.db`, …) or a store already opened. Default `memory:`. */
  readonly store?: string | EventStore
  /** Who may do what. Default: deny everything. */
  readonly policy?: Policy
  readonly clock?: Clock
  readonly ids?: IdGenerator
  /** Projection plug-ins to run, beside any registered on `container`. */
  readonly projections?: ReadonlyArray<AnyProjection>
  /** Plug-in objects, or modules exporting one (package names or file paths, from the working directory). */
  readonly plugins?: ReadonlyArray<LedgerPlugin | string>
  /** The event types this ledger records; when given, a projection handling any other type is refused. */
  readonly events?: ReadonlyArray<AnyEventDefinition>
  /** The parent of the ledger's container; projections registered on it run too. Default: tsyringe's root. */
  readonly container?: DependencyContainer
  /** Where read models live. Default: the store's own database, else memory. */
  readonly readModels?: ReadModelStorage
  /** Where projections report failures (default: console.warn, once per failure, never per retry). */
  readonly logger?: ProjectionLogger
  /** Subjects' keys for personal data. Default: the store's own (`store.keyStore`), else memory. */
  readonly keyStore?: KeyStore
  /** Store providers for this ledger only, beside those registered globally. */
  readonly storeProviders?: ReadonlyArray<StoreProvider>
  /** Passed to the command handler. */
  readonly maxAttempts?: number
  /**
   * How the ledger's projection runner reads and keeps: positions of the log a page (`batchSize`,
   * default 500) and documents each collection keeps between transactions (`cachedDocuments`,
   * default 20,000; 0 keeps none).
   */
  readonly projectionRunner?: Pick<ProjectionRunnerOptions, 'batchSize' | 'cachedDocuments'>
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
  /** The projections running for this ledger: status, queries, waiting, parked events. */
  readonly projections: ProjectionRunner
  /** Resolves a token from this ledger's container. */
  resolve<T>(token: Token<T>): T
  /** Personal data: the key store, and erasure of a data subject. */
  readonly privacy: LedgerPrivacy
  /** Tamper evidence: seals, verification and portable exports. */
  readonly audit: LedgerAudit
  /** Stops the projections and closes the store (if the ledger opened it). */
  close(): Promise<void>
}

export interface LedgerAudit {
  /** Seals the ledger at its head; keep the returned seal file away from the ledger's storage. */
  seal(options: Omit<SealOptions, 'clock'>): Promise<Sealed>
  /** Recomputes every chain and seal, checks the seal files given, and names the first failure. */
  verify(options?: VerifyOptions): Promise<VerifyReport>
  /**
   * Exports the ledger (or a range) to an NDJSON file with its closing seal. `disclose: true`
   * decrypts personal fields with this ledger's keys; such an export cannot be imported.
   */
  export(
    path: string,
    options?: Omit<ExportOptions, 'disclose' | 'clock'> & { readonly disclose?: boolean },
  ): Promise<ExportSummary>
}

export interface LedgerPrivacy {
  readonly keys: KeyStore
  /**
   * Erases a data subject: records `privacy.SubjectErased` (with no personal data), deletes the
   * subject's key, waits for every projection to remove or anonymise the subject's rows, and asks
   * the store to purge what it deleted. Erasing twice is harmless.
   */
  erase(
    subject: string,
    reason: string,
    context: unknown,
  ): Promise<E.Either<CommandError, { readonly recorded: boolean }>>
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** Refuses malformed options before anything is opened: each error names the option. */
const checkLedgerOptions = (options: unknown): void => {
  if (!isObject(options)) throw new InvalidArgumentError('options', 'must be an options object')
  const { store, policy, clock, ids, projections, storeProviders, maxAttempts, plugins, events } = options
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
  if (projections !== undefined && !Array.isArray(projections))
    throw new InvalidArgumentError('projections', 'must be an array')
  if (plugins !== undefined && !Array.isArray(plugins)) throw new InvalidArgumentError('plugins', 'must be an array')
  if (events !== undefined && !Array.isArray(events)) throw new InvalidArgumentError('events', 'must be an array')
}

const loadPlugins = async (plugins: ReadonlyArray<LedgerPlugin | string>): Promise<ReadonlyArray<LedgerPlugin>> => {
  const loaded: LedgerPlugin[] = []
  for (const [i, plugin] of plugins.entries()) {
    if (typeof plugin === 'string') loaded.push(await loadPlugin(plugin))
    else if (isLedgerPlugin(plugin)) loaded.push(plugin)
    else
      throw new InvalidArgumentError(`plugins[${i}]`, 'must be a module name, a path, or a plug-in from definePlugin')
  }
  return loaded
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
  const plugins = await loadPlugins(options.plugins ?? [])
  const clock = options.clock ?? systemClock
  const ids = options.ids ?? randomIds
  const policy = options.policy ?? denyAll
  const ownsStore = typeof options.store !== 'object'
  const store =
    typeof options.store === 'object'
      ? options.store
      : await openEventStore(options.store ?? 'memory:', { clock }, options.storeProviders)

  const keys = options.keyStore ?? store.keyStore ?? createMemoryKeyStore()
  const privacy = createPrivacy(keys)
  const container = (options.container ?? rootContainer).createChildContainer()
  container.register(Tokens.EventStore, { useValue: store })
  container.register(Tokens.Policy, { useValue: policy })
  container.register(Tokens.Clock, { useValue: clock })
  container.register(Tokens.IdGenerator, { useValue: ids })
  const inherited = container.isRegistered(Tokens.Projection, true)
    ? container.resolveAll<AnyProjection>(Tokens.Projection)
    : []
  const all = [...inherited, ...(options.projections ?? []), ...plugins.flatMap((p) => p.projections)]
  const definitions = [...(options.events ?? []), ...plugins.flatMap((p) => p.events)]
  let projections: ProjectionRunner
  try {
    checkProjections(all, definitions.length === 0 ? undefined : definitions.map((d) => d.type))
    projections = createProjectionRunner({
      store,
      projections: all,
      clock,
      privacy,
      ...(definitions.length === 0 ? {} : { knownEventTypes: definitions.map((d) => d.type) }),
      ...(options.readModels === undefined ? {} : { storage: options.readModels }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.projectionRunner?.batchSize === undefined ? {} : { batchSize: options.projectionRunner.batchSize }),
      ...(options.projectionRunner?.cachedDocuments === undefined
        ? {}
        : { cachedDocuments: options.projectionRunner.cachedDocuments }),
    })
    await projections.start()
  } catch (error) {
    if (ownsStore) await store.close()
    throw error
  }
  for (const projection of [...(options.projections ?? []), ...plugins.flatMap((p) => p.projections)])
    container.register(Tokens.Projection, { useValue: projection })
  container.register(Tokens.ProjectionRunner, { useValue: projections })
  container.register(Tokens.KeyStore, { useValue: keys })

  const handle = createCommandHandler({
    store,
    policy,
    clock,
    ids,
    privacy,
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
    projections,
    privacy: {
      keys,
      erase: async (subject, reason, context) => {
        const result = await handle(dataSubjects)({ type: 'EraseSubject', subject, reason }, context)()
        if (E.isLeft(result)) return result
        await keys.erase(subject)
        await projections.waitUntilCaughtUp()
        await store.purge?.()
        return E.right({ recorded: result.right.appended !== null })
      },
    },
    audit: {
      seal: (sealOptions) => sealLedger(store, { ...sealOptions, clock }),
      verify: (verifyOptions) => verifyLedger(store, verifyOptions),
      export: (path, { disclose, ...exportOptions } = {}) =>
        exportLedger(store, path, { ...exportOptions, clock, ...(disclose === true ? { disclose: privacy } : {}) }),
    },
    resolve,
    close: async () => {
      await projections.stop()
      if (ownsStore) await store.close()
      container.clearInstances()
    },
  }
}
