/**
 * Runs projection plug-ins against a store and keeps their read models (DESIGN §5).
 *
 * Each projection has a worker that reads the log from its checkpoint in batches and applies a
 * batch in one read-model transaction that also moves the checkpoint, after checking that nobody
 * else moved it: so each event has its effect exactly once, even if the process dies mid-batch or
 * two app instances run the same projection. Inline projections are also applied inside each append
 * transaction once they have caught up; their worker catches them up first and covers commits made
 * by processes that do not run them.
 *
 * A failing event is never skipped silently: the projection halts before it, retries it with
 * backoff, or parks it (and the later events of its stream) where it can be listed, retried or
 * discarded. Status, position, lag and the last error are Observables.
 */
import type { Observable, Subscription } from 'rxjs'
import { BehaviorSubject, combineLatest, filter as rxFilter, firstValueFrom, timeout as rxTimeout } from 'rxjs'

import type { RecordedEvent } from '../events/envelope'
import type { AnyEventDefinition } from '../events/event'
import { catalogDefinitions } from '../events/event'
import { hasPersonalData } from '../events/event'
import type { Clock } from '../kernel/clock'
import { systemClock } from '../kernel/clock'
import { InvalidArgumentError, isEventStoreError, ProjectionFailedError } from '../kernel/errors'
import { deepFreeze } from '../kernel/json'
import { isPromise } from '../kernel/promise'
import type { EventLog, EventStore } from '../port/event-store'
import type { Privacy } from '../port/privacy'
import { redactPersonal } from '../port/privacy'
import { createMemoryReadModelStorage } from '../store-kit/memory-read-models'
import { pagesOf } from '../store-kit/paging'
import type { AnyProjection, FailurePolicy, ProjectedEvent } from './projection'
import type { ProjectionContext } from './projection'
import type { BatchContext, DocumentCache } from './projection'
import { checkProjection, documentCache, projectedEvent, projectionContext, readCollection } from './projection'

/** The event every projection with an `erase` hook receives. */
const SUBJECT_ERASED = 'privacy.SubjectErased'
import type {
  CollectionDefinition,
  ParkedEvent,
  ProjectionCheckpoint,
  ProjectionStage,
  ReadCollection,
  ReadModelReader,
  ReadModelStorage,
  ReadModelTransaction,
  SqlHandle,
} from '../port/read-model'
import { nameProblem, tableName, tablePrefix } from '../port/read-model'

// --- status ---

/**
 * - `starting`: setting up;
 * - `catching-up`: behind the head, working through the log;
 * - `live`: at the head, waiting for commits;
 * - `retrying`: an event failed and will be tried again (see `lastError` and `attempts`);
 * - `halted`: stopped before a failing event until `restart`;
 * - `stopped`: the runner was stopped.
 */
export type ProjectionState = 'starting' | 'catching-up' | 'live' | 'retrying' | 'halted' | 'stopped'

/** Where and why a projection last failed. */
export interface ProjectionFailure {
  readonly position: number
  readonly streamId: string
  readonly revision: number
  readonly eventId: string
  readonly type: string
  readonly message: string
  readonly at: string
}

export interface ProjectionStatus {
  readonly name: string
  readonly version: number
  readonly mode: 'async' | 'inline'
  readonly state: ProjectionState
  /** `building` while a new version catches up beside the active one. */
  readonly stage: ProjectionStage
  /** Every event at or below this position has been processed. */
  readonly position: number
  /** The head of the log when last looked at. */
  readonly head: number
  readonly lag: number
  /** Events parked by the dead-letter policy, waiting to be retried or discarded. */
  readonly parked: number
  /** Tries of the failing event so far, in the current failure. */
  readonly attempts: number
  readonly lastError: ProjectionFailure | undefined
}

/** A projection stopped on an event, or the runner could not proceed. */
export class ProjectionError extends Error {
  constructor(
    readonly projection: string,
    readonly problem: 'halted' | 'newer-version' | 'inline-unavailable' | 'timeout' | 'stopped' | 'checkpoint-removed',
    message: string,
    readonly failure?: ProjectionFailure,
  ) {
    super(`projection ${projection}: ${message}`)
    this.name = 'ProjectionError'
  }
}

export interface ProjectionLogger {
  warn(message: string, details: Readonly<Record<string, unknown>>): void
}

const consoleLogger: ProjectionLogger = {
  warn: (message, details) => {
    console.warn(`[civic-ledger] ${message}`, details)
  },
}

// --- options ---

export interface ProjectionRunnerOptions {
  readonly store: EventLog & Pick<EventStore, 'readModels'>
  /** Where read models live. Default: the store's own (`store.readModels`), else memory. */
  readonly storage?: ReadModelStorage
  readonly projections: ReadonlyArray<AnyProjection>
  /** When given, every type a projection handles must be one of these. */
  readonly knownEventTypes?: ReadonlyArray<string>
  readonly clock?: Clock
  /** Positions of the log read at a time, and at most applied in one live transaction (default 500). */
  readonly batchSize?: number
  /**
   * Documents of each collection an async projection keeps in memory between its transactions, so
   * they are not read back from storage (default 20,000; 0 keeps none).
   */
  readonly cachedDocuments?: number
  readonly logger?: ProjectionLogger
  /** Stop at this point instead of following the log: for replays (auditors' time travel). */
  readonly until?: { readonly position?: number; readonly recordedAt?: string }
  /** Decrypts personal fields for projections that decode their events; erased subjects read as `Erased`. */
  readonly privacy?: Privacy
}

/** What `retryParked` did. */
export interface ParkedRetry {
  readonly retried: number
  /** Streams still parked, with the error that kept them there. */
  readonly failed: ReadonlyArray<{ readonly streamId: string; readonly message: string }>
}

export interface ProjectionRunner {
  /** Creates read models and checkpoints, then starts every worker. Resolves once they are set up. */
  start(): Promise<void>
  /** Stops every worker after its current batch and removes the inline handler. */
  stop(): Promise<void>
  readonly names: ReadonlyArray<string>
  /** Every projection's status, whenever any changes. */
  readonly status$: Observable<ReadonlyArray<ProjectionStatus>>
  statusOf$(name: string): Observable<ProjectionStatus>
  status(name: string): ProjectionStatus
  /**
   * Resolves with the head position once every projection has processed every event committed
   * before the call. Rejects with a `ProjectionError` if one halts, or after `timeoutMs`.
   */
  waitUntilCaughtUp(options?: { readonly timeoutMs?: number }): Promise<number>
  /** Resumes a halted projection at the event it stopped before. */
  restart(name: string): void
  /** Reads a collection of the version of `projection` that is serving queries. */
  query<Doc extends object, K extends keyof Doc & string>(
    projection: string | { readonly name: string },
    collection: CollectionDefinition<Doc, K>,
  ): ReadCollection<Doc, K>
  /**
   * Reads a projection's own SQL tables (stores with SQL only): `work` gets the SQL handle of a
   * read-only transaction and the real names of the serving version's tables.
   */
  sql<A>(
    projection: string | { readonly name: string },
    work: (sql: SqlHandle, table: (local: string) => string) => Promise<A>,
  ): Promise<A>
  /** Parked events of a projection, in position order. */
  parked(name: string): Promise<ReadonlyArray<ParkedEvent>>
  /** Applies parked events again, stream by stream; a stream that fails again stays parked. */
  retryParked(name: string, streamId?: string): Promise<ParkedRetry>
  /** Removes a parked event without applying it; returns false if it was not parked. */
  discardParked(name: string, position: number): Promise<boolean>
  /** The read-model storage the runner writes to. */
  readonly storage: ReadModelStorage
}

// --- checks ---

/** Checks a set of projections for registration: each well formed, names distinct, types known. */
export const checkProjections = (
  projections: ReadonlyArray<unknown>,
  knownEventTypes?: ReadonlyArray<string>,
  argument = 'projections',
): ReadonlyArray<AnyProjection> => {
  const names = new Set<string>()
  const known = knownEventTypes === undefined ? undefined : new Set(knownEventTypes)
  return projections.map((candidate, i) => {
    const projection = checkProjection(candidate, `${argument}[${i}]`)
    if (names.has(projection.name))
      throw new InvalidArgumentError(
        `${argument}[${i}].name`,
        `a projection named ${projection.name} is registered twice`,
      )
    names.add(projection.name)
    const unknown = known === undefined ? undefined : projection.handles.find((type) => !known.has(type))
    if (unknown !== undefined)
      throw new InvalidArgumentError(
        `projection ${projection.name}.handles`,
        `${unknown} is not an event type this ledger knows`,
      )
    return projection
  })
}

// --- the runner ---

/** Thrown inside a batch when the checkpoint is not where the worker left it: someone else moved it. */
class CheckpointMoved extends Error {
  constructor(readonly checkpoint: ProjectionCheckpoint | undefined) {
    super('the checkpoint moved')
  }
}

/** Thrown inside a batch when one event fails; the batch is rolled back. */
class EventFailed extends Error {
  constructor(
    readonly index: number,
    readonly reason: unknown,
  ) {
    super('an event failed')
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** An event decoded for the workers that apply it, by the definition that decoded it. */
interface Decoded {
  /** The event last decoded. */
  event: RecordedEvent | undefined
  /** The definitions it was decoded by, and what each gave. */
  readonly definitions: AnyEventDefinition[]
  readonly results: Array<ProjectedEvent | Promise<ProjectedEvent>>
}

/**
 * Where the decodes of one event are kept while it is applied. Projections take a page event by
 * event, each event handed to each of them in turn, so one event's decodes are all that is needed,
 * and keeping them costs nothing per event.
 */
const decodedOnce = (): Decoded => ({ event: undefined, definitions: [], results: [] })

/** A page of the log as the workers read it: events up to `to`, and the decodes of the one being applied. */
interface LogPage {
  readonly from: number
  readonly to: number
  readonly events: ReadonlyArray<RecordedEvent>
  readonly decoded: Decoded
}

/**
 * The definitions a projection's events may be decoded by once for all projections: those of a
 * catalog `eventCatalog` built, except the ones with personal fields, which each projection opens
 * with the keys as they are when it reads them.
 */
const sharedDefinitions = (projection: AnyProjection): ReadonlyMap<string, AnyEventDefinition> | undefined => {
  const byType = catalogDefinitions(projection.events)
  return byType === undefined ? undefined : new Map([...byType].filter(([, d]) => !hasPersonalData(d)))
}

/** A worker this many pages or more behind the head reads the log in one long read, page after page. */
const LONG_READ_PAGES = 20
/** Positions in a page of such a read, at most. */
const CATCH_UP_PAGE = 256

/** A long read of the log, part taken: `run` is the page the store handed over last, taken up to `next`. */
interface LogCursor {
  readonly to: number
  readonly pages: AsyncIterator<ReadonlyArray<RecordedEvent>>
  run: ReadonlyArray<RecordedEvent>
  next: number
}

/**
 * How long a transaction of projections catching up may stay open, taking page after page of the
 * log: long enough that commits are few, short enough that appends waiting for SQLite's one writer
 * are not held up noticeably.
 */
const CATCH_UP_TRANSACTION_MS = 100

/** Documents a projection catching up may hold unwritten before they are written, mid-transaction. */
const FLUSH_DOCUMENTS = 1_000

/** A shared decode's result, frozen: a decode that builds new data gives every projection the same. */
const freezeDecoded =
  (event: RecordedEvent) =>
  (projected: ProjectedEvent): ProjectedEvent =>
    projected === event ? projected : deepFreeze(projected)

interface Worker {
  readonly projection: AnyProjection
  readonly mode: 'async' | 'inline'
  readonly policy: FailurePolicy
  readonly handles: ReadonlySet<string>
  /** The definitions, by type, whose decoded events it may share with other workers. */
  readonly shared: ReadonlyMap<string, AnyEventDefinition> | undefined
  readonly status: BehaviorSubject<ProjectionStatus>
  /**
   * Tables of a read model being built from nothing whose indexes wait until it has caught up (a
   * `find` makes a table's at once); `indexesPending` until they are all made and committed.
   */
  readonly deferredIndexes: Set<string>
  indexesPending: boolean
  /** Its documents as last committed: only while nothing but this worker can have changed them. */
  readonly documents: DocumentCache | undefined
  /** How many of its events were parked when it last committed: a change means someone retried some. */
  parkedKnown: number
  position: number
  stage: ProjectionStage
  /** Bumped on every wake-up, so a wake that comes between a look and a wait is not lost. */
  wakes: number
  wake: (() => void) | undefined
  restart: (() => void) | undefined
  running: Promise<void> | undefined
}

export const createProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const projections = checkProjections(options.projections, options.knownEventTypes)
  const store = options.store
  const storage = options.storage ?? store.readModels ?? createMemoryReadModelStorage()
  const clock = options.clock ?? systemClock
  const logger = options.logger ?? consoleLogger
  const batchSize = options.batchSize ?? 500
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new InvalidArgumentError('batchSize', 'must be a whole number ≥ 1')
  const cachedDocuments = options.cachedDocuments ?? 20_000
  if (!Number.isSafeInteger(cachedDocuments) || cachedDocuments < 0)
    throw new InvalidArgumentError('cachedDocuments', 'must be a whole number ≥ 0')
  const until = options.until
  const live = until === undefined
  const untilTime = until?.recordedAt === undefined ? undefined : Date.parse(until.recordedAt)
  if (untilTime !== undefined && Number.isNaN(untilTime))
    throw new InvalidArgumentError('until.recordedAt', 'must be an ISO 8601 date-time')
  if (until?.position !== undefined && !(Number.isSafeInteger(until.position) && until.position >= 0))
    throw new InvalidArgumentError('until.position', 'must be a whole number ≥ 0')

  const now = (): string => clock.now().toISOString()
  let running = false
  let head = 0
  let liveFeed: Subscription | undefined

  const workers = new Map<string, Worker>(
    projections.map((projection) => {
      const mode = projection.mode ?? 'async'
      const initial: ProjectionStatus = {
        name: projection.name,
        version: projection.version,
        mode,
        state: 'starting',
        stage: 'active',
        position: 0,
        head: 0,
        lag: 0,
        parked: 0,
        attempts: 0,
        lastError: undefined,
      }
      return [
        projection.name,
        {
          projection,
          mode,
          policy: projection.onFailure ?? { kind: 'halt' },
          handles: new Set([...projection.handles, ...(projection.erase === undefined ? [] : [SUBJECT_ERASED])]),
          shared: sharedDefinitions(projection),
          status: new BehaviorSubject(initial),
          deferredIndexes: new Set<string>(),
          indexesPending: false,
          documents: mode === 'async' && cachedDocuments > 0 ? documentCache(cachedDocuments) : undefined,
          parkedKnown: 0,
          position: 0,
          stage: 'active',
          wakes: 0,
          wake: undefined,
          restart: undefined,
          running: undefined,
        },
      ]
    }),
  )

  const workerOf = (name: string): Worker => {
    const worker = workers.get(name)
    if (worker === undefined)
      throw new InvalidArgumentError('projection', `no projection named ${String(name)} is running`)
    return worker
  }

  const update = (worker: Worker, change: Partial<ProjectionStatus>): void => {
    const current = worker.status.value
    const next = { ...current, position: worker.position, stage: worker.stage, head, ...change }
    worker.status.next({ ...next, lag: Math.max(0, next.head - next.position) })
  }

  const wake = (worker: Worker): void => {
    worker.wakes++
    const resolve = worker.wake
    worker.wake = undefined
    resolve?.()
  }

  /** The end of the log this runner follows: the head, or the replay's stopping point. */
  const target = (at: number): number => (until?.position === undefined ? at : Math.min(at, until.position))

  // --- applying events ---

  const privacy = options.privacy

  /** The event as `projection` receives it: opened (personal fields decrypted) and decoded. */
  const decodeFor = (projection: AnyProjection, event: RecordedEvent): ProjectedEvent | Promise<ProjectedEvent> =>
    privacy !== undefined && projection.events !== undefined
      ? privacy.open(event).then((opened) => projectedEvent(projection, opened))
      : projectedEvent(projection, event)

  /**
   * The event as the worker's projection receives it, decoded once for every worker that reads it
   * by the same definition (`decoded` is kept per page of the log): several projections reading the
   * same events pay for one decode. What a shared decode builds is frozen, as the events are.
   */
  const projectedFor = (
    worker: Worker,
    event: RecordedEvent,
    decoded: Decoded | undefined,
  ): ProjectedEvent | Promise<ProjectedEvent> => {
    const definition = decoded === undefined ? undefined : worker.shared?.get(event.type)
    if (decoded === undefined || definition === undefined) return decodeFor(worker.projection, event)
    if (decoded.event !== event) {
      decoded.event = event
      decoded.definitions.length = 0
      decoded.results.length = 0
    }
    const i = decoded.definitions.indexOf(definition)
    if (i >= 0) return decoded.results[i] as ProjectedEvent | Promise<ProjectedEvent>
    const made = decodeFor(worker.projection, event)
    const projected = isPromise(made) ? made.then(freezeDecoded(event)) : freezeDecoded(event)(made)
    decoded.definitions.push(definition)
    decoded.results.push(projected)
    return projected
  }

  /** Applies one event: `erase` for a subject's erasure, `apply` for a handled type. */
  const applyOne = (
    worker: Worker,
    event: RecordedEvent,
    ctx: ProjectionContext,
    decoded: Decoded | undefined,
  ): void | Promise<void> => {
    const projection = worker.projection
    if (event.type === SUBJECT_ERASED && projection.erase !== undefined) return applyErasure(projection, event, ctx)
    const projected = projectedFor(worker, event, decoded)
    return isPromise(projected) ? projected.then((p) => projection.apply(p, ctx)) : projection.apply(projected, ctx)
  }

  const applyErasure = async (projection: AnyProjection, event: RecordedEvent, ctx: ProjectionContext) => {
    const data = event.data as { subject?: unknown; part?: unknown } | null
    // A part erased alone (a certificate's details) leaves the subject's rows; only its key goes.
    if (typeof data?.subject === 'string' && data.part === undefined) await projection.erase?.(data.subject, ctx)
    if (projection.handles.includes(SUBJECT_ERASED)) await projection.apply(await decodeFor(projection, event), ctx)
  }

  /**
   * The error an event's failure is reported with: its text with the event's personal values
   * taken out, since it reaches logs, statuses and parked records (which outlive an erasure).
   */
  const redacted = async (event: RecordedEvent, error: unknown): Promise<unknown> => {
    if (privacy === undefined) return error
    const message = messageOf(error)
    const clean = await redactPersonal(privacy, event, message)
    if (clean === message) return error
    const replacement = new Error(clean)
    replacement.name = error instanceof Error ? error.name : 'Error'
    if (error instanceof Error && error.stack !== undefined) replacement.stack = error.stack.split(message).join(clean)
    return replacement
  }

  const failureOf = (event: RecordedEvent, error: unknown): ProjectionFailure => ({
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    message: messageOf(error),
    at: now(),
  })

  const parkedRecord = (worker: Worker, event: RecordedEvent, reason: string): ParkedEvent => ({
    projection: worker.projection.name,
    version: worker.projection.version,
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    reason,
    parkedAt: now(),
  })

  /** Locks the checkpoint and checks it is at `from`; a worker that lost a race re-reads. */
  const claim = async (tx: ReadModelTransaction, worker: Worker, from: number): Promise<ProjectionCheckpoint> => {
    const checkpoint = await tx.lockCheckpoint(worker.projection.name, worker.projection.version)
    if (checkpoint === undefined || checkpoint.position !== from) throw new CheckpointMoved(checkpoint)
    return checkpoint
  }

  /**
   * Applies `events` (all handled by the worker, in position order) and moves the checkpoint from
   * `from` to `to`, in one transaction. Events of streams with a parked event are parked too.
   */
  const applyBatch = async (
    worker: Worker,
    events: ReadonlyArray<RecordedEvent>,
    from: number,
    to: number,
    decoded?: Decoded,
  ): Promise<number> => {
    let ctx: BatchContext | undefined
    const parked = await storage.transaction(async (tx) => {
      const checkpoint = await claim(tx, worker, from)
      const kept = await tx.parked(worker.projection.name, worker.projection.version)
      const parkedStreams = new Set(kept.map((p) => p.streamId))
      ctx = contextFor(worker, tx, kept.length)
      let parked = kept.length
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as RecordedEvent
        if (parkedStreams.has(event.streamId)) {
          await tx.park(parkedRecord(worker, event, `an earlier event of ${event.streamId} is parked`))
          parked++
          continue
        }
        try {
          const applying = applyOne(worker, event, ctx, decoded)
          if (isPromise(applying)) await applying
        } catch (error) {
          throw new EventFailed(i, await redacted(event, error))
        }
      }
      await ctx.flush()
      await tx.saveCheckpoint({ ...checkpoint, position: to, updatedAt: now() })
      return parked
    })
    settle(worker, ctx, parked)
    return parked
  }

  /**
   * The context for `worker` in `tx`, with its cached documents if they can still be trusted: not
   * if its parked events changed since it last committed (someone retried or discarded some,
   * maybe changing documents).
   */
  const contextFor = (worker: Worker, tx: ReadModelTransaction, parked: number): BatchContext => {
    if (parked !== worker.parkedKnown) worker.documents?.clear()
    return projectionContext(worker.projection, tx, {
      deferredIndexes: worker.deferredIndexes,
      ...(worker.documents === undefined ? {} : { cache: worker.documents }),
    })
  }

  /** After `worker`'s transaction committed: what it read and wrote is what storage now holds. */
  const settle = (worker: Worker, ctx: BatchContext | undefined, parked: number): void => {
    ctx?.committed()
    worker.parkedKnown = parked
  }

  /** Parks a failing event and moves the checkpoint past it. */
  const park = async (worker: Worker, event: RecordedEvent, error: unknown): Promise<number> => {
    const parked = await storage.transaction(async (tx) => {
      // Every event between the checkpoint and this one is of a type the projection does not
      // handle (those it handles were committed before it got here), so park from the checkpoint.
      const checkpoint = await claim(tx, worker, worker.position)
      await tx.park(parkedRecord(worker, event, messageOf(error)))
      await tx.saveCheckpoint({ ...checkpoint, position: event.position, updatedAt: now() })
      return (await tx.parked(worker.projection.name, worker.projection.version)).length
    })
    settle(worker, undefined, parked)
    return parked
  }

  /** Waits for a wake-up (or `ms`), unless one came since `seen`. */
  const pause = async (worker: Worker, seen: number, ms?: number): Promise<void> => {
    if (!running || worker.wakes !== seen) return
    await new Promise<void>((resolve) => {
      worker.wake = resolve
      if (ms !== undefined) setTimeout(resolve, ms)
    })
    worker.wake = undefined
  }

  /** Halts before `event` until `restart`. */
  const halt = async (worker: Worker, failure: ProjectionFailure, attempts: number): Promise<void> => {
    logger.warn(`projection ${worker.projection.name} halted before position ${failure.position}`, { ...failure })
    update(worker, { state: 'halted', lastError: failure, attempts })
    await new Promise<void>((resolve) => {
      worker.restart = resolve
      if (!running) resolve()
    })
    worker.restart = undefined
    if (running) update(worker, { state: 'catching-up', attempts: 0 })
  }

  /**
   * Deals with `events[index]` failing: commits the events before it, then follows the policy.
   * Returns once the worker may continue from its checkpoint.
   */
  const handleFailure = async (
    worker: Worker,
    events: ReadonlyArray<RecordedEvent>,
    index: number,
    cause: unknown,
    decoded: Decoded | undefined,
  ): Promise<void> => {
    const event = events[index] as RecordedEvent
    if (index > 0) {
      await processBatch(worker, events.slice(0, index), worker.position, event.position - 1, decoded)
      if (worker.position !== event.position - 1) return
    }
    const policy = worker.policy
    let failure = failureOf(event, cause)
    if (policy.kind === 'retry') {
      const maxAttempts = policy.maxAttempts ?? 5
      let delay = policy.initialDelayMs ?? 100
      logger.warn(
        `projection ${worker.projection.name} failed at position ${event.position}; retrying up to ${maxAttempts - 1} more times`,
        { ...failure },
      )
      for (let attempt = 2; attempt <= maxAttempts && running; attempt++) {
        update(worker, { state: 'retrying', lastError: failure, attempts: attempt - 1 })
        await pause(worker, worker.wakes, delay)
        delay = Math.min(delay * 2, policy.maxDelayMs ?? 30_000)
        try {
          const parked = await applyBatch(worker, [event], worker.position, event.position)
          worker.position = event.position
          update(worker, { state: 'catching-up', attempts: 0, parked })
          return
        } catch (error) {
          if (error instanceof CheckpointMoved) return resync(worker, error)
          failure = failureOf(event, error instanceof EventFailed ? error.reason : error)
        }
      }
      if (!running) return
      if ((policy.then ?? 'halt') === 'halt') return halt(worker, failure, maxAttempts)
    } else if (policy.kind === 'halt') return halt(worker, failure, 1)
    try {
      const parked = await park(worker, event, failure.message)
      worker.position = event.position
      logger.warn(`projection ${worker.projection.name} parked the event at position ${event.position}`, { ...failure })
      update(worker, { state: 'catching-up', lastError: failure, attempts: 0, parked })
    } catch (error) {
      if (error instanceof CheckpointMoved) return resync(worker, error)
      throw error
    }
  }

  const resync = (worker: Worker, moved: CheckpointMoved): void => {
    if (moved.checkpoint === undefined)
      throw new ProjectionError(worker.projection.name, 'checkpoint-removed', 'its checkpoint was removed while it ran')
    worker.position = moved.checkpoint.position
    worker.stage = moved.checkpoint.stage
    // Someone else moved it, and may have changed its documents on the way.
    worker.documents?.clear()
  }

  /** Processes one batch read from the log, following the policy for a failing event. */
  const processBatch = async (
    worker: Worker,
    events: ReadonlyArray<RecordedEvent>,
    from: number,
    to: number,
    decoded: Decoded | undefined,
  ): Promise<void> => {
    try {
      const parked = await applyBatch(worker, events, from, to, decoded)
      worker.position = to
      update(worker, { parked, ...(worker.status.value.state === 'retrying' ? { state: 'catching-up' } : {}) })
    } catch (error) {
      if (error instanceof CheckpointMoved) return resync(worker, error)
      if (error instanceof EventFailed) return handleFailure(worker, events, error.index, error.reason, decoded)
      throw error
    }
  }

  /**
   * Pages of the log, `batchSize` positions each, read once for every worker that needs the same
   * range: projections catching up together (a rebuild, a first start) share one read and one
   * parse. Only the types some projection handles are read. A page is dropped once every worker is
   * past it, and only a few are ever kept, so memory does not grow with the log.
   */
  const pages = new Map<number, { readonly to: number; readonly page: Promise<LogPage> }>()
  const allTypes = [...new Set([...workers.values()].flatMap((w) => [...w.handles]))]
  const readPage = (from: number, end: number): Promise<LogPage> => {
    const cached = pages.get(from)
    if (cached !== undefined) return cached.page
    let behind = Number.MAX_SAFE_INTEGER
    for (const w of workers.values()) behind = Math.min(behind, w.position)
    for (const [key, kept] of pages) if (kept.to <= behind || pages.size > 2 * workers.size + 1) pages.delete(key)
    const long = end - from >= LONG_READ_PAGES * batchSize
    // Far behind, a transaction takes many pages anyway: smaller ones are done with sooner, so
    // fewer of their events outlive a young-generation collection.
    const to = Math.min(end, from + (long ? Math.min(batchSize, CATCH_UP_PAGE) : batchSize) - 1)
    const page = (async (): Promise<LogPage> => {
      const events: RecordedEvent[] = []
      if (long) await takeFrom(cursorAt(from, end), to, events)
      else {
        const read = store.readAll({ fromPosition: from, toPosition: to, batchSize, filter: { types: allTypes } })
        for await (const run of pagesOf(read, batchSize)) for (const event of run) events.push(deepFreeze(event))
      }
      return { from, to, events, decoded: decodedOnce() }
    })()
    pages.set(from, { to, page })
    page.catch(() => pages.delete(from))
    return page
  }

  /**
   * Long forward reads of the log for workers far behind, each taken page after page: one read of
   * the store rather than one a page, which a store can step through ahead of the reader (SQLite
   * does, on a thread of its own). Keyed by the position each goes on from; a few at most.
   */
  const cursors = new Map<number, LogCursor>()

  const cursorAt = (from: number, end: number): LogCursor => {
    const found = cursors.get(from)
    if (found !== undefined) {
      cursors.delete(from)
      return found
    }
    // At most two long reads at once: a new one ends the oldest.
    for (const [key, old] of cursors) {
      if (cursors.size < 2) break
      cursors.delete(key)
      void old.pages.return?.()
    }
    const read = store.readAll({ fromPosition: from, toPosition: end, batchSize, filter: { types: allTypes } })
    return { to: end, pages: pagesOf(read, batchSize)[Symbol.asyncIterator](), run: [], next: 0 }
  }

  /** Takes the events up to `to` off `cursor` into `events`, frozen; keeps the cursor if there is more. */
  const takeFrom = async (cursor: LogCursor, to: number, events: RecordedEvent[]): Promise<void> => {
    try {
      for (;;) {
        while (cursor.next < cursor.run.length) {
          const event = cursor.run[cursor.next] as RecordedEvent
          if (event.position > to) break
          // Frozen: every projection sees the same objects, and none may change them for the others.
          events.push(deepFreeze(event))
          cursor.next++
        }
        if (cursor.next < cursor.run.length) break
        const taken = await cursor.pages.next()
        if (taken.done === true) break
        cursor.run = taken.value
        cursor.next = 0
      }
    } catch (error) {
      void cursor.pages.return?.()
      throw error
    }
    if (to < cursor.to && running) cursors.set(to + 1, cursor)
    else void cursor.pages.return?.()
  }

  const closeCursors = (): void => {
    for (const cursor of cursors.values()) void cursor.pages.return?.()
    cursors.clear()
  }

  /** Whether a replay up to a recorded time includes `event`. */
  const withinTime = (event: RecordedEvent): boolean =>
    untilTime === undefined || Date.parse(event.recordedAt) <= untilTime

  /** The events of `page` that `worker` handles. */
  const eventsFor = (worker: Worker, page: LogPage): ReadonlyArray<RecordedEvent> =>
    page.events.filter((event) => worker.handles.has(event.type) && withinTime(event))

  // --- convoys: workers at the same position take a page in one transaction ---

  /**
   * How a worker came out of a convoy: its batch committed up to `to`; one of its events failed;
   * its checkpoint had moved; or another member's failure undid the transaction, and it takes the
   * page alone.
   */
  type Outcome =
    | { readonly kind: 'committed'; readonly to: number; readonly parked: number }
    | { readonly kind: 'failed'; readonly event: RecordedEvent; readonly reason: unknown }
    | { readonly kind: 'moved'; readonly moved: CheckpointMoved }
    | { readonly kind: 'alone' }

  /** Thrown inside a convoy's transaction when one member cannot go on; the transaction is undone. */
  class MemberStopped extends Error {
    constructor(
      readonly worker: Worker,
      readonly outcome: Outcome,
    ) {
      super('a member of the convoy stopped')
    }
  }

  /**
   * Applies the log from `first` for every member in one read-model transaction, event by event,
   * each member with its own context, parked streams and checkpoint. While the members are behind
   * `end` the transaction takes page after page for up to `CATCH_UP_TRANSACTION_MS`: fewer commits,
   * and a document changed on many pages is written to the log of the database once. Members lock
   * their checkpoints in name order, so two processes running the same projections never wait on
   * each other in a cycle.
   */
  const runConvoy = async (
    first: LogPage,
    end: number,
    members: ReadonlyArray<Worker>,
  ): Promise<ReadonlyMap<Worker, Outcome>> => {
    const ordered = [...members].sort((a, b) => (a.projection.name < b.projection.name ? -1 : 1))
    const everyone = members.length === workers.size
    interface Batch {
      readonly worker: Worker
      readonly checkpoint: ProjectionCheckpoint
      readonly parkedStreams: ReadonlySet<string>
      parked: number
      readonly ctx: BatchContext
    }
    const batches: Batch[] = []
    /** The members that handle each type, in name order: one lookup an event rather than one a member. */
    const byType = new Map<string, ReadonlyArray<Batch>>()
    const handling = (type: string): ReadonlyArray<Batch> => {
      let found = byType.get(type)
      if (found === undefined) {
        found = batches.filter((b) => b.worker.handles.has(type))
        byType.set(type, found)
      }
      return found
    }
    try {
      const outcomes = await storage.transaction(async (tx) => {
        for (const worker of ordered) {
          const checkpoint = await claim(tx, worker, worker.position).catch((error: unknown) => {
            throw error instanceof CheckpointMoved ? new MemberStopped(worker, { kind: 'moved', moved: error }) : error
          })
          const kept = await tx.parked(worker.projection.name, worker.projection.version)
          batches.push({
            worker,
            checkpoint,
            parkedStreams: new Set(kept.map((p) => p.streamId)),
            parked: kept.length,
            ctx: contextFor(worker, tx, kept.length),
          })
        }
        const deadline = Date.now() + CATCH_UP_TRANSACTION_MS
        let page = first
        for (;;) {
          // Indexed loops: iterators held across an await are objects made for every event.
          const events = page.events
          for (let i = 0; i < events.length; i++) {
            const event = events[i] as RecordedEvent
            if (!withinTime(event)) continue
            const handlers = handling(event.type)
            for (let k = 0; k < handlers.length; k++) {
              const batch = handlers[k] as Batch
              const worker = batch.worker
              if (batch.parkedStreams.size > 0 && batch.parkedStreams.has(event.streamId)) {
                await tx.park(parkedRecord(worker, event, `an earlier event of ${event.streamId} is parked`))
                batch.parked++
                continue
              }
              try {
                const applying = applyOne(worker, event, batch.ctx, page.decoded)
                if (isPromise(applying)) await applying
              } catch (reason) {
                throw new MemberStopped(worker, { kind: 'failed', event, reason: await redacted(event, reason) })
              }
            }
          }
          if (page.to >= end || Date.now() >= deadline) break
          // Written once enough are held, so the documents of a long transaction do not pile up in
          // memory, while one changed on every page (a running total) is written once, not a page.
          for (const batch of batches) if (batch.ctx.held >= FLUSH_DOCUMENTS) await batch.ctx.flush()
          // Nobody else will want a page every worker has taken: drop it, so it is not kept alive.
          if (everyone) pages.delete(page.from)
          page = await readPage(page.to + 1, end)
        }
        const outcomes = new Map<Worker, Outcome>()
        for (const batch of batches) {
          await batch.ctx.flush()
          await tx.saveCheckpoint({ ...batch.checkpoint, position: page.to, updatedAt: now() })
          outcomes.set(batch.worker, { kind: 'committed', to: page.to, parked: batch.parked })
        }
        return outcomes
      })
      for (const batch of batches) settle(batch.worker, batch.ctx, batch.parked)
      return outcomes
    } catch (error) {
      if (!(error instanceof MemberStopped)) throw error
      return new Map(members.map((m) => [m, m === error.worker ? error.outcome : { kind: 'alone' }]))
    }
  }

  const convoys = new Map<
    LogPage,
    { readonly members: Worker[]; readonly outcomes: Promise<ReadonlyMap<Worker, Outcome>> }
  >()

  /**
   * Takes the log from `page` for `worker` together with every other worker that asks for the same
   * page before the next turn of the event loop: workers waiting on one read of the log resume
   * together, so a rebuild of several projections commits one transaction where it would commit
   * one a projection.
   */
  const together = async (worker: Worker, page: LogPage, end: number): Promise<Outcome> => {
    let convoy = convoys.get(page)
    if (convoy === undefined) {
      const members: Worker[] = []
      const outcomes = new Promise<ReadonlyMap<Worker, Outcome>>((resolve, reject) => {
        setImmediate(() => {
          convoys.delete(page)
          runConvoy(page, end, members).then(resolve, reject)
        })
      })
      convoy = { members, outcomes }
      convoys.set(page, convoy)
    }
    convoy.members.push(worker)
    return (await convoy.outcomes).get(worker) ?? { kind: 'alone' }
  }

  /** The events `worker` handles from `from` to `to`, read again: for dealing with a failure. */
  const handledBetween = async (worker: Worker, from: number, to: number): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = []
    const types = [...worker.handles]
    for await (const event of store.readAll({ fromPosition: from, toPosition: to, batchSize, filter: { types } }))
      if (withinTime(event)) events.push(deepFreeze(event))
    return events
  }

  /** Takes the next pages of the log for `worker`, in a convoy, following its policy if an event fails. */
  const step = async (worker: Worker, end: number): Promise<void> => {
    const page = await readPage(worker.position + 1, end)
    const outcome = await together(worker, page, end)
    switch (outcome.kind) {
      case 'committed':
        worker.position = outcome.to
        if (worker.position >= end) return arrive(worker, { parked: outcome.parked })
        update(worker, {
          parked: outcome.parked,
          ...(worker.status.value.state === 'retrying' ? { state: 'catching-up' } : {}),
        })
        return
      case 'moved':
        return resync(worker, outcome.moved)
      case 'failed': {
        // The convoy may have taken several pages: the events before the failing one are read again.
        const events = await handledBetween(worker, worker.position + 1, outcome.event.position)
        const index = events.findIndex((e) => e.position === outcome.event.position)
        return handleFailure(worker, events, index, outcome.reason, undefined)
      }
      case 'alone':
        return processBatch(worker, eventsFor(worker, page), worker.position, page.to, page.decoded)
    }
  }

  /**
   * The worker has reached the end of the log it follows: its read model gets the indexes it went
   * without, a new version takes over, and then — in one status — the position and `live`.
   */
  const arrive = async (worker: Worker, change: Partial<ProjectionStatus> = {}): Promise<void> => {
    if (worker.indexesPending) await makeIndexes(worker)
    if (worker.stage === 'building') await takeOver(worker)
    update(worker, { ...change, state: 'live', attempts: 0 })
  }

  /** Makes the indexes a read model built from nothing went without while it caught up. */
  const makeIndexes = async (worker: Worker): Promise<void> => {
    await storage.transaction((tx) => projectionContext(worker.projection, tx).ensureCollections())
    worker.deferredIndexes.clear()
    worker.indexesPending = false
  }

  /** A building version that has caught up takes over: older versions and their tables go. */
  const takeOver = async (worker: Worker): Promise<void> => {
    const { name, version } = worker.projection
    await storage.transaction(async (tx) => {
      const checkpoint = await tx.lockCheckpoint(name, version)
      if (checkpoint === undefined) throw new CheckpointMoved(undefined)
      for (const other of await tx.checkpoints(name)) {
        if (other.version === version) continue
        await tx.deleteCheckpoint(name, other.version)
        await tx.dropTables(tablePrefix(name, other.version))
      }
      await tx.saveCheckpoint({ ...checkpoint, stage: 'active', updatedAt: now() })
    })
    worker.stage = 'active'
  }

  const refresh = async (worker: Worker): Promise<void> => {
    const checkpoint = (await storage.read((r) => r.checkpoints(worker.projection.name))).find(
      (c) => c.version === worker.projection.version,
    )
    if (checkpoint !== undefined && checkpoint.position > worker.position) {
      worker.position = checkpoint.position
      worker.stage = checkpoint.stage
      worker.documents?.clear()
    }
  }

  const loop = async (worker: Worker): Promise<void> => {
    let transientDelay = 100
    while (running) {
      const seen = worker.wakes
      try {
        if (worker.mode === 'inline') await refresh(worker)
        // The head is asked for only once the worker has reached the last one seen.
        if (worker.position >= head) head = Math.max(head, await store.headPosition())
        const end = target(head)
        if (worker.position >= end) {
          await arrive(worker)
          if (!live) return
          await pause(worker, seen)
          continue
        }
        if (worker.status.value.state !== 'catching-up') update(worker, { state: 'catching-up' })
        await step(worker, end)
        transientDelay = 100
      } catch (error) {
        if (!running) return
        if (error instanceof ProjectionError) {
          update(worker, { state: 'halted', lastError: undefined })
          logger.warn(error.message, {})
          return
        }
        // The store or the read-model storage failed: try again, visibly, with growing pauses.
        logger.warn(`projection ${worker.projection.name} could not proceed: ${messageOf(error)}`, {})
        update(worker, { state: 'retrying', attempts: worker.status.value.attempts + 1 })
        await pause(worker, worker.wakes, transientDelay)
        transientDelay = Math.min(transientDelay * 2, 30_000)
      }
    }
  }

  // --- inline ---

  const inlineWorkers = [...workers.values()].filter((w) => w.mode === 'inline')

  const applyInline = async (events: ReadonlyArray<RecordedEvent>, tx: ReadModelTransaction): Promise<void> => {
    const first = events[0]
    const last = events[events.length - 1]
    if (first === undefined || last === undefined) return
    const decoded = decodedOnce()
    const batches = []
    for (const worker of inlineWorkers) {
      const { name, version } = worker.projection
      const checkpoint = await tx.lockCheckpoint(name, version)
      // Behind (catching up, halted, or another process appended): the worker will get there.
      if (checkpoint === undefined || checkpoint.position !== first.position - 1) continue
      const parkedStreams = new Set((await tx.parked(name, version)).map((p) => p.streamId))
      const ctx = projectionContext(worker.projection, tx, { deferredIndexes: worker.deferredIndexes })
      batches.push({ worker, checkpoint, parkedStreams, ctx })
    }
    // Event by event, each handed to every projection in turn: one decode for those that share it.
    for (const event of events)
      for (const { worker, parkedStreams, ctx } of batches) {
        if (!worker.handles.has(event.type)) continue
        if (parkedStreams.has(event.streamId)) {
          await tx.park(parkedRecord(worker, event, `an earlier event of ${event.streamId} is parked`))
          continue
        }
        try {
          const applying = applyOne(worker, event, ctx, decoded)
          if (isPromise(applying)) await applying
        } catch (error) {
          const { name } = worker.projection
          const reported = await redacted(event, error)
          throw new ProjectionFailedError(name, event.type, event.streamId, messageOf(reported), { cause: reported })
        }
      }
    for (const { checkpoint, ctx } of batches) {
      await ctx.flush()
      await tx.saveCheckpoint({ ...checkpoint, position: last.position, updatedAt: now() })
    }
  }

  // --- set-up ---

  /** Creates (or finds) each projection's checkpoint and collections; a new version starts building. */
  const prepare = async (worker: Worker): Promise<void> => {
    const { name, version } = worker.projection
    const checkpoint = await storage.transaction(async (tx) => {
      const kept = await tx.checkpoints(name)
      const newer = kept.find((c) => c.version > version)
      if (newer !== undefined)
        throw new ProjectionError(
          name,
          'newer-version',
          `version ${newer.version} is already kept here; this code has version ${version}. Deploy the newer code, or remove the newer read model first`,
        )
      const mine = kept.find((c) => c.version === version)
      const ctx = projectionContext(worker.projection, tx)
      // Collections are made on every start, so a release that declares a new one gets it. A read
      // model built from nothing gets its indexes once it has caught up: one sort of the finished
      // table costs less than keeping each index up to date through every write of the build.
      const fresh = mine === undefined || mine.position === 0
      await ctx.ensureCollections({ indexes: !fresh })
      worker.deferredIndexes.clear()
      if (fresh)
        for (const c of worker.projection.collections ?? [])
          if (c.indexes.length > 0) worker.deferredIndexes.add(tableName(name, version, c.name))
      worker.indexesPending = worker.deferredIndexes.size > 0
      if (mine !== undefined) return mine
      await worker.projection.setup?.(ctx)
      await ctx.flush()
      const created: ProjectionCheckpoint = {
        name,
        version,
        position: 0,
        stage: kept.some((c) => c.stage === 'active') ? 'building' : 'active',
        updatedAt: now(),
      }
      await tx.saveCheckpoint(created)
      return created
    })
    worker.position = checkpoint.position
    worker.stage = checkpoint.stage
    const parked = (await storage.read((r) => r.parked(name, version))).length
    worker.parkedKnown = parked
    worker.documents?.clear()
    update(worker, { parked })
  }

  const start = async (): Promise<void> => {
    if (running) return
    if (inlineWorkers.length > 0) {
      const canInline = storage === store.readModels && storage.setInlineHandler !== undefined
      const first = inlineWorkers[0]
      if (!canInline && first !== undefined)
        throw new ProjectionError(
          first.projection.name,
          'inline-unavailable',
          'runs inline, but its read models are not kept in the event store’s own database, so it cannot share the append transaction',
        )
    }
    for (const worker of workers.values()) await prepare(worker)
    running = true
    if (inlineWorkers.length > 0) storage.setInlineHandler?.(applyInline)
    head = await store.headPosition()
    if (live && workers.size > 0) {
      const types = allTypes
      liveFeed = store.subscribe({ fromPosition: head + 1, filter: { types } }).subscribe({
        next: (event) => {
          head = Math.max(head, event.position)
          for (const worker of workers.values()) if (worker.handles.has(event.type)) wake(worker)
        },
        error: (error: unknown) => {
          logger.warn(`the live feed of the projection runner failed: ${messageOf(error)}`, {})
        },
      })
    }
    for (const worker of workers.values()) worker.running = loop(worker)
  }

  const stop = async (): Promise<void> => {
    if (!running) return
    running = false
    liveFeed?.unsubscribe()
    closeCursors()
    if (inlineWorkers.length > 0) storage.setInlineHandler?.(undefined)
    for (const worker of workers.values()) {
      wake(worker)
      worker.restart?.()
    }
    await Promise.all([...workers.values()].map((w) => w.running ?? Promise.resolve()))
    for (const worker of workers.values()) {
      update(worker, { state: 'stopped' })
      worker.status.complete()
    }
  }

  const statuses = [...workers.values()].map((w) => w.status)
  const status$: Observable<ReadonlyArray<ProjectionStatus>> =
    statuses.length === 0 ? new BehaviorSubject<ReadonlyArray<ProjectionStatus>>([]) : combineLatest(statuses)

  const waitUntilCaughtUp = async (waitOptions: { readonly timeoutMs?: number } = {}): Promise<number> => {
    const timeoutMs = waitOptions.timeoutMs ?? 30_000
    const goal = target(await store.headPosition())
    head = Math.max(head, goal)
    for (const worker of workers.values()) wake(worker)
    if (statuses.length === 0) return goal
    // A new version counts as caught up once it also serves: queries after this read it.
    const done = (list: ReadonlyArray<ProjectionStatus>): boolean =>
      list.every((s) => s.position >= goal && s.stage === 'active') ||
      list.some((s) => s.state === 'halted' || s.state === 'stopped')
    let result: ReadonlyArray<ProjectionStatus>
    try {
      result = await firstValueFrom(status$.pipe(rxFilter(done), rxTimeout(timeoutMs)))
    } catch (error) {
      const slow = [...workers.values()].find((w) => w.status.value.position < goal)
      if (slow !== undefined && !isEventStoreError(error))
        throw new ProjectionError(
          slow.projection.name,
          'timeout',
          `not caught up with position ${goal} after ${timeoutMs} ms (at ${slow.status.value.position}, ${slow.status.value.state})`,
        )
      throw error
    }
    // A halted projection is the reason to give, before any the wait left behind it.
    const stuck = result.find((s) => s.state === 'halted') ?? result.find((s) => s.position < goal)
    if (stuck !== undefined)
      throw new ProjectionError(
        stuck.name,
        stuck.state === 'halted' ? 'halted' : 'stopped',
        stuck.lastError === undefined
          ? `${stuck.state} at position ${stuck.position}`
          : `halted before position ${stuck.lastError.position} (${stuck.lastError.type} in ${stuck.lastError.streamId}): ${stuck.lastError.message}`,
        stuck.lastError,
      )
    return goal
  }

  /** The version queries should read: the active one, else this runner's. */
  const activeVersion = async (name: string, reader: ReadModelReader): Promise<number> => {
    const kept = await reader.checkpoints(name)
    const active = kept.find((c) => c.stage === 'active')
    if (active !== undefined) return active.version
    const worker = workers.get(name)
    if (worker !== undefined) return worker.projection.version
    throw new InvalidArgumentError('projection', `no read model named ${name} is kept here`)
  }

  const query = <Doc extends object, K extends keyof Doc & string>(
    projection: string | { readonly name: string },
    collection: CollectionDefinition<Doc, K>,
  ): ReadCollection<Doc, K> => {
    const name = typeof projection === 'string' ? projection : projection.name
    // The serving version is looked up in the same read as the documents: a swap cannot fall between.
    const run = <A>(work: (c: ReadCollection<Doc, K>) => Promise<A>): Promise<A> =>
      storage.read(async (reader) =>
        work(readCollection(reader, { name, version: await activeVersion(name, reader) }, collection)),
      )
    return {
      get: (id) => run((c) => c.get(id)),
      find: (where, findOptions) => run((c) => c.find(where, findOptions)),
      entries: (where, findOptions) => run((c) => c.entries(where, findOptions)),
    }
  }

  const sql = async <A>(
    projection: string | { readonly name: string },
    work: (handle: SqlHandle, table: (local: string) => string) => Promise<A>,
  ): Promise<A> => {
    const name = typeof projection === 'string' ? projection : projection.name
    return storage.read(async (reader) => {
      const version = await activeVersion(name, reader)
      const scoped = reader.scopedSql?.({ prefix: tablePrefix(name, version), access: 'read' })
      if (scoped === undefined)
        throw new InvalidArgumentError('sql', `the ${storage.dialect} read-model store has no SQL`)
      return work(scoped, (local) => {
        const problem = nameProblem(local, 'table')
        if (problem !== undefined) throw new InvalidArgumentError('table', problem)
        return tableName(name, version, local)
      })
    })
  }

  const retryParked = async (name: string, streamId?: string): Promise<ParkedRetry> => {
    const worker = workerOf(name)
    const { version } = worker.projection
    const all = await storage.read((r) => r.parked(name, version))
    const streams = [...new Set(all.map((p) => p.streamId))].filter((s) => streamId === undefined || s === streamId)
    let retried = 0
    const failed: Array<{ streamId: string; message: string }> = []
    for (const stream of streams) {
      const entries = all.filter((p) => p.streamId === stream)
      const events: RecordedEvent[] = []
      for (const entry of entries)
        for await (const event of store.readStream(stream, {
          fromRevision: entry.revision,
          toRevision: entry.revision,
        }))
          events.push(event)
      try {
        await storage.transaction(async (tx) => {
          await tx.lockCheckpoint(name, version)
          const ctx = projectionContext(worker.projection, tx, { deferredIndexes: worker.deferredIndexes })
          for (const event of events)
            try {
              await applyOne(worker, event, ctx, undefined)
            } catch (error) {
              throw await redacted(event, error)
            }
          await ctx.flush()
          await tx.unpark(
            name,
            version,
            entries.map((e) => e.position),
          )
        })
        retried += entries.length
      } catch (error) {
        failed.push({ streamId: stream, message: messageOf(error) })
      }
    }
    // The retried events changed documents behind the worker's back.
    if (retried > 0) worker.documents?.clear()
    const parked = (await storage.read((r) => r.parked(name, version))).length
    update(worker, { parked })
    return { retried, failed }
  }

  const discardParked = async (name: string, position: number): Promise<boolean> => {
    const worker = workerOf(name)
    const { version } = worker.projection
    const found = await storage.transaction(async (tx) => {
      const entries = await tx.parked(name, version)
      if (!entries.some((p) => p.position === position)) return false
      await tx.unpark(name, version, [position])
      return true
    })
    const parked = (await storage.read((r) => r.parked(name, version))).length
    update(worker, { parked })
    return found
  }

  return {
    start,
    stop,
    storage,
    names: projections.map((p) => p.name),
    status$,
    statusOf$: (name) => workerOf(name).status.asObservable(),
    status: (name) => workerOf(name).status.value,
    waitUntilCaughtUp,
    restart: (name) => {
      const worker = workerOf(name)
      worker.restart?.()
    },
    query,
    sql,
    parked: async (name) => {
      const worker = workerOf(name)
      return storage.read((r) => r.parked(name, worker.projection.version))
    },
    retryParked,
    discardParked,
  }
}

/**
 * Runs `projections` over the log up to a position or a recorded time into a scratch store (by
 * default a fresh in-memory one), without touching live read models, and returns a way to query
 * them. Rejects with a `ProjectionError` naming the event if a projection fails.
 */
export const replayProjections = async (options: {
  readonly store: EventLog & Pick<EventStore, 'readModels'>
  readonly projections: ReadonlyArray<AnyProjection>
  readonly until?: { readonly position?: number; readonly recordedAt?: string }
  readonly storage?: ReadModelStorage
  readonly batchSize?: number
}): Promise<{
  readonly position: number
  readonly storage: ReadModelStorage
  query: ProjectionRunner['query']
}> => {
  const storage = options.storage ?? createMemoryReadModelStorage()
  if (storage === options.store.readModels)
    throw new InvalidArgumentError('storage', 'a replay must not write into the live read models')
  const runner = createProjectionRunner({
    store: options.store,
    storage,
    projections: options.projections.map((p) => ({ ...p, mode: 'async', onFailure: { kind: 'halt' } })),
    until: options.until ?? {},
    logger: { warn: () => undefined },
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  })
  await runner.start()
  try {
    const position = await runner.waitUntilCaughtUp({ timeoutMs: 24 * 3_600_000 })
    return { position, storage, query: (projection, collection) => runner.query(projection, collection) }
  } finally {
    await runner.stop()
  }
}
