/**
 * The composition root (DESIGN §8). `createLedger` is the one place that touches the container: it
 * builds a child container, registers the store, policy, clock, id source and projection plug-ins
 * under the tokens of `./tokens`, and hands back a typed facade. Domain code never sees the container.
 */
import 'reflect-metadata'

import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { DependencyContainer } from 'tsyringe'
import { container as rootContainer } from 'tsyringe'

import type { ExportOptions, ExportSummary } from '../audit/ledger-export'
import { exportLedger } from '../audit/ledger-export'
import type { Sealed, SealOptions } from '../audit/seal'
import type { VerifyOptions, VerifyReport } from '../audit/verify'
import { verifyLedger } from '../audit/verify'
import type { AggregateCache, AggregateCacheOptions } from '../commands/aggregate-cache'
import { createAggregateCache } from '../commands/aggregate-cache'
import type { CommandResult, HandleCommand } from '../commands/command-handler'
import { createCommandHandler } from '../commands/command-handler'
import type { DecisionResult } from '../commands/decision-handler'
import { createDecisionHandler } from '../commands/decision-handler'
import type { Policy } from '../commands/policy'
import { denyAll } from '../commands/policy'
import type { Aggregate, Command } from '../events/decider'
import type { Decision, DecisionStreams } from '../events/decision'
import type { RecordedEvent } from '../events/envelope'
import type { DomainEvent } from '../events/event'
import type { AnyEventDefinition } from '../events/event'
import type { Clock, IdGenerator } from '../kernel/clock'
import { randomIds, systemClock } from '../kernel/clock'
import type { CommandError } from '../kernel/errors'
import { InvalidArgumentError } from '../kernel/errors'
import { createMemoryKeyStore } from '../memory/keys'
import type { EventLog, EventStore } from '../port/event-store'
import { readOnlyLog } from '../port/event-store'
import type { KeyStore } from '../port/privacy'
import { subjectKey } from '../port/privacy'
import type { ReadModelStorage } from '../port/read-model'
import { dataSubjects, erasureEvents, keyErasures, SubjectErased } from '../privacy/erasure'
import { createPrivacy } from '../privacy/privacy'
import type { AnyProjection } from '../projections/projection'
import { createProjectionRunner } from '../projections/projection-runner'
import { checkProjections } from '../projections/runner/check'
import type { ProjectionLogger, ProjectionRunner, ProjectionRunnerOptions } from '../projections/runner/types'
import { exportDisclosedWithPolicy, sealWithPolicy, trustedStore } from './ledger-doors'
import type { LedgerPlugin } from './plugin'
import { isLedgerPlugin, loadPlugin } from './plugin'
import type { StoreProvider } from './store-registry'
import { openEventStore } from './store-registry'
import type { Token } from './tokens'
import { Tokens } from './tokens'

/**
 * What `createLedger` is built from: the store, the policy, the plug-ins, and the clock, ids, keys
 * and read-model storage when the defaults do not fit. Every field is optional.
 */
export interface LedgerOptions {
  /** A connection string (`memory:`, `sqlite:./ledger.db`, …) or a store already opened. Default `memory:`. */
  readonly store?: string | EventStore
  /** Who may do what. Default: deny everything. */
  readonly policy?: Policy
  /** Where recorded times come from. Default: the system clock. */
  readonly clock?: Clock
  /** Where event ids come from. Default: random UUIDs. */
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
   * The hot aggregate cache: the states of the most recently used streams (`entries`, default
   * 1,000; 0 keeps none), so a command reads only the events after a cached state's revision.
   * Aggregates whose events carry personal data are never cached (docs/performance.md).
   */
  readonly aggregateCache?: AggregateCacheOptions
  /**
   * How the ledger's projection runner reads and keeps: positions of the log a page (`batchSize`,
   * default 500) and documents each collection keeps between transactions (`cachedDocuments`,
   * default 20,000; 0 keeps none).
   */
  readonly projectionRunner?: Pick<ProjectionRunnerOptions, 'batchSize' | 'cachedDocuments'>
}

/**
 * A ledger as an application holds it: commands go in through `execute` and `decide` (decoded,
 * authorised by the policy, decided, appended), and come out as events (`events`) and read models
 * (`projections`). Personal data and audit have their own doors; `trusted` reaches past the policy.
 */
export interface Ledger {
  /** The ledger's events, read-only: streams, the whole log, subscriptions, what audit reads. */
  readonly events: EventLog
  /**
   * Handles for trusted code only — store packages, migrations, audit tools — that reach past the
   * policy: see docs/security.md. An application that sends commands and reads read models never
   * needs them.
   */
  readonly trusted: LedgerTrusted
  /** Who may do what: the policy every command and door of this ledger is checked against. */
  readonly policy: Policy
  /** The clock recorded times are taken from. */
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
  /**
   * Sends a command to a decision across streams (`defineDecision`): every stream it names is
   * loaded, one decision is taken on all their states, and what it decides is appended to all of
   * them together, each at the revision it was read at, or to none.
   */
  decide<C extends Command, R extends DecisionStreams>(
    decision: Decision<C, R>,
    command: unknown,
    context: unknown,
  ): TE.TaskEither<CommandError, DecisionResult<R>>
  /** The projections running for this ledger: status, queries, waiting, parked events. */
  readonly projections: LedgerProjections
  /** Resolves a token from this ledger's container. */
  resolve<T>(token: Token<T>): T
  /** Personal data: reading it, and erasing a data subject. */
  readonly privacy: LedgerPrivacy
  /** Tamper evidence: seals, verification and portable exports. */
  readonly audit: LedgerAudit
  /** Stops the projections and closes the store (if the ledger opened it). */
  close(): Promise<void>
}

/** The projection runner as an application uses it; its storage is under `trusted`. */
export type LedgerProjections = Omit<ProjectionRunner, 'storage'>

/** What reaches past the policy: for trusted code only. */
export interface LedgerTrusted {
  /**
   * The store itself: appends here skip commands and the policy. Events of types the ledger was
   * told of (`events`, plug-ins) have their personal fields encrypted before they are stored.
   */
  readonly store: EventStore
  /** Subjects' keys. Deleting one here is an erasure with no record: use `privacy.erase`. */
  readonly keys: KeyStore
  /** Read-model storage, with SQL on the whole database where the store has SQL. */
  readonly readModels: ReadModelStorage
}

/**
 * A ledger's tamper evidence: sealing its head, verifying every hash chain and seal, and exporting
 * it (or disclosing it, through the policy) to a portable file.
 */
export interface LedgerAudit {
  /**
   * Seals the ledger at its head, if the policy lets the context's actor (`audit.ledger` /
   * `SealLedger`); the seal event records who. Keep the returned seal file away from the ledger's
   * storage.
   */
  seal(context: unknown, options?: Omit<SealOptions, 'clock' | 'actor'>): TE.TaskEither<CommandError, Sealed>
  /** Recomputes every chain and seal, checks the seal files given, and names the first failure. */
  verify(options?: VerifyOptions): Promise<VerifyReport>
  /** Exports the ledger (or a range) to an NDJSON file with its closing seal, personal fields encrypted. */
  export(path: string, options?: Omit<ExportOptions, 'disclose' | 'clock'>): Promise<ExportSummary>
  /**
   * Exports with personal fields decrypted, if the policy lets the context's actor (`audit.ledger` /
   * `DisclosePersonalData`): records `audit.PersonalDataDisclosed` with the reason first. Such an
   * export cannot be imported.
   */
  exportDisclosed(
    path: string,
    reason: string,
    context: unknown,
    options?: Omit<ExportOptions, 'disclose' | 'clock'>,
  ): TE.TaskEither<CommandError, ExportSummary>
}

/**
 * A ledger's personal data: opening the encrypted fields of stored events, and erasing a data
 * subject (or one part of them) through the policy.
 */
export interface LedgerPrivacy {
  /**
   * A stored event with its personal fields decrypted (or `{ $erased }` once erased): pass
   * `{ privacy: ledger.privacy }` to `loadAggregate`, `loadAggregateAsOf` or `streamHistory` to see
   * personal fields.
   */
  open(event: RecordedEvent): Promise<RecordedEvent>
  /** Whether a subject (or one part of them, `subjectPartOf(field, id)`) has been erased. */
  isErased(subject: string, part?: string): Promise<boolean>
  /**
   * Erases a data subject, or with `part` one part of them keyed on its own (see `subjectPartOf`):
   * records `privacy.SubjectErased` (with no personal data) through the policy, deletes the key,
   * waits for the projections that hold the subject's rows to pass the event, and asks the store to
   * purge what was deleted. Erasing twice is harmless.
   *
   * Once the event is recorded the erasure completes whatever happens: the key is deleted at once,
   * and again by the ledger's `privacy-erasures` projection if the process stops first. A projection
   * that is halted, or parked the event, is named in `waitingFor` (`complete: false`); its rows are
   * erased when it moves past the event, and `erase` may be called again to purge after that.
   */
  erase(
    subject: string,
    reason: string,
    context: unknown,
    options?: ErasureOptions,
  ): TE.TaskEither<CommandError, ErasureOutcome>
}

/** How `ledger.privacy.erase` erases: one part of a subject only, and how long it waits. */
export interface ErasureOptions {
  /** Erase only this part of the subject (`subjectPartOf(field, id)`), not the subject. */
  readonly part?: string
  /** How long to wait for projections to pass the erasure (default 30 s). */
  readonly timeoutMs?: number
}

/**
 * What an erasure did: whether it recorded anything, whether it completed, and which projections it still waits for.
 */
export interface ErasureOutcome {
  /** False when the subject was erased already and nothing new was recorded. */
  readonly recorded: boolean
  /** True when every projection that holds subjects' rows has passed the erasure, and the store purged. */
  readonly complete: boolean
  /** Projections that have not yet passed the erasure (halted, parked it, or still catching up). */
  readonly waitingFor: ReadonlyArray<string>
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** Refuses malformed options before anything is opened: each error names the option. */
const checkLedgerOptions = (options: unknown): void => {
  if (!isObject(options)) throw new InvalidArgumentError('options', 'must be an options object')
  const { store, policy, clock, ids, projections, storeProviders, maxAttempts, plugins, events, aggregateCache } =
    options
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
  if (aggregateCache !== undefined && !isObject(aggregateCache))
    throw new InvalidArgumentError('aggregateCache', 'must be an object such as { entries: 1000 }')
  // Throws on entries that are not a whole number ≥ 0, before anything is opened.
  if (aggregateCache !== undefined) createAggregateCache(aggregateCache)
  if (projections !== undefined && !Array.isArray(projections))
    throw new InvalidArgumentError('projections', 'must be an array')
  if (plugins !== undefined && !Array.isArray(plugins)) throw new InvalidArgumentError('plugins', 'must be an array')
  if (events !== undefined && !Array.isArray(events)) throw new InvalidArgumentError('events', 'must be an array')
}

/** The command handlers' hot aggregate cache, unless `entries: 0` turns it off. */
const hotCache = (options: AggregateCacheOptions | undefined): { readonly aggregateCache?: AggregateCache } => {
  const cache = createAggregateCache(options)
  return cache === undefined ? {} : { aggregateCache: cache }
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

/** Where a subject's erasure stream recorded its `privacy.SubjectErased`: what to wait for. */
const erasedAt = async (store: EventStore, streamId: string): Promise<number> => {
  for await (const event of store.readStream(streamId, { direction: 'backwards' }))
    if (event.type === SubjectErased.type) return event.position
  return store.headPosition()
}

/**
 * Waits until each projection named has processed `position` without parking it, or `timeoutMs`
 * has passed; returns those that have not.
 */
const waitForErasure = async (
  projections: ProjectionRunner,
  names: ReadonlyArray<string>,
  position: number,
  timeoutMs: number,
): Promise<ReadonlyArray<string>> => {
  const until = Date.now() + timeoutMs
  for (;;) {
    const pending: string[] = []
    for (const name of names) {
      const status = projections.status(name)
      if (status.position < position) pending.push(name)
      else if (status.parked > 0 && (await projections.parked(name)).some((p) => p.position === position))
        pending.push(name)
    }
    // Waiting helps only projections still moving: a halted one, or one that parked it, waits for a person.
    const moving = pending.filter((name) => {
      const status = projections.status(name)
      return status.position < position && status.state !== 'halted'
    })
    if (moving.length === 0 || Date.now() >= until) return pending
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The runner settings a ledger's options give, where they give them. */
const runnerSettings = (options: LedgerOptions): Partial<ProjectionRunnerOptions> => ({
  ...(options.readModels === undefined ? {} : { storage: options.readModels }),
  ...(options.logger === undefined ? {} : { logger: options.logger }),
  ...(options.projectionRunner?.batchSize === undefined ? {} : { batchSize: options.projectionRunner.batchSize }),
  ...(options.projectionRunner?.cachedDocuments === undefined
    ? {}
    : { cachedDocuments: options.projectionRunner.cachedDocuments }),
})

/**
 * Builds a ledger: opens the store (or takes the one given), loads the plug-ins, starts their
 * projections and returns the facade an application sends commands to and reads from. Rejects with
 * `InvalidArgumentError` on options it cannot use (an unknown store scheme, a projection handling an
 * event type outside `events`).
 *
 * @example
 * ```ts
 * const ledger = await createLedger({ store: 'sqlite:./ledger.db', plugins: [grantsPlugin], policy: grantsPolicy })
 * const result = await ledger.execute(funds, command, { actor })()
 * await ledger.close()
 * ```
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
  const keyErasing = keyErasures(keys, {
    sharesReadModelDatabase: keys === store.keyStore && options.readModels === undefined,
  })
  const all = [...inherited, ...(options.projections ?? []), ...plugins.flatMap((p) => p.projections), keyErasing]
  const declared = [...(options.events ?? []), ...plugins.flatMap((p) => p.events)]
  const definitions = declared.length === 0 ? [] : [...declared, ...erasureEvents.definitions]
  /** Projections that hold subjects' rows, and so must pass an erasure before it is complete. */
  const erasing = all.filter((p) => p.erase !== undefined || p.handles.includes(SubjectErased.type)).map((p) => p.name)
  let projections: ProjectionRunner
  try {
    checkProjections(all, definitions.length === 0 ? undefined : definitions.map((d) => d.type))
    projections = createProjectionRunner({
      store,
      projections: all,
      clock,
      privacy,
      ...(definitions.length === 0 ? {} : { knownEventTypes: definitions.map((d) => d.type) }),
      ...runnerSettings(options),
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

  const handlerOptions = {
    store,
    policy,
    clock,
    ids,
    privacy,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...hotCache(options.aggregateCache),
  }
  const handle = createCommandHandler(handlerOptions)
  const handleDecision = createDecisionHandler(handlerOptions)
  const resolve = <T>(token: Token<T>): T => container.resolve<T>(token)
  return {
    events: readOnlyLog(store),
    trusted: { store: trustedStore(store, declared, privacy), keys, readModels: projections.storage },
    policy,
    clock,
    container,
    execute: (aggregate, command, context) => handle(aggregate)(command, context),
    handler: (aggregate) => handle(aggregate),
    decide: (decision, command, context) => handleDecision(decision)(command, context),
    projections,
    privacy: {
      open: (event) => privacy.open(event),
      isErased: (subject, part) => keys.isErased(subjectKey(subject, part)),
      erase:
        (subject, reason, context, erasureOptions = {}) =>
        async () => {
          const part = erasureOptions.part
          const command = { type: 'EraseSubject', subject, reason, ...(part === undefined ? {} : { part }) }
          const result = await handle(dataSubjects)(command, context)()
          if (E.isLeft(result)) return result
          // The event is recorded: from here on nothing throws, and what is left is resumed by the
          // privacy-erasures projection and by the projections themselves.
          const position = result.right.appended?.lastPosition ?? (await erasedAt(store, result.right.streamId))
          await keys.erase(subjectKey(subject, part)).catch(() => undefined)
          handlerOptions.aggregateCache?.clear() // personal data is never cached; this is belt and braces
          const holders = part === undefined ? erasing : erasing.filter((name) => name === keyErasing.name)
          const waitingFor = await waitForErasure(projections, holders, position, erasureOptions.timeoutMs ?? 30_000)
          const purged = await Promise.resolve(store.purge?.()).then(
            () => true,
            () => false,
          )
          return E.right({
            recorded: result.right.appended !== null,
            complete: waitingFor.length === 0 && purged,
            waitingFor,
          })
        },
    },
    audit: {
      seal: (context, sealOptions) => () => sealWithPolicy({ store, policy, clock, privacy }, context, sealOptions),
      verify: (verifyOptions) => verifyLedger(store, verifyOptions),
      export: (path, exportOptions = {}) => {
        if ('disclose' in exportOptions)
          throw new InvalidArgumentError('disclose', 'a disclosed export goes through audit.exportDisclosed')
        return exportLedger(store, path, { ...exportOptions, clock })
      },
      exportDisclosed: (path, reason, context, exportOptions) => () =>
        exportDisclosedWithPolicy({ store, policy, clock, privacy }, path, reason, context, exportOptions),
    },
    resolve,
    close: async () => {
      await projections.stop()
      if (ownsStore) await store.close()
      container.clearInstances()
    },
  }
}
