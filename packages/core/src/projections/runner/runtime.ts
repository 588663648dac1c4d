/**
 * The runner's shared state and the helpers its modules share. Every module's functions take the
 * `Runtime` as their first argument: nothing is held in a closure.
 */
import type { Observable, Subscription } from 'rxjs'
import { BehaviorSubject, combineLatest } from 'rxjs'

import type { RecordedEvent } from '../../events/envelope'
import type { AnyEventDefinition } from '../../events/event'
import { catalogDefinitions } from '../../events/event'
import { hasPersonalData } from '../../events/event'
import type { Clock } from '../../kernel/clock'
import { systemClock } from '../../kernel/clock'
import { InvalidArgumentError } from '../../kernel/errors'
import { deepFreeze } from '../../kernel/json'
import type { EventLog, EventStore } from '../../port/event-store'
import type { Privacy } from '../../port/privacy'
import type { ProjectionCheckpoint, ProjectionStage, ReadModelStorage } from '../../port/read-model'
import { createMemoryReadModelStorage } from '../../store-kit/memory-read-models'
import type { DocumentCache } from '../context'
import { documentCache } from '../context'
import type { AnyProjection, FailurePolicy, ProjectedEvent } from '../projection'
import { checkProjections } from './check'
import type { ProjectionLogger, ProjectionRunnerOptions, ProjectionStatus } from './types'

/** The event every projection with an `erase` hook receives. */
export const SUBJECT_ERASED = 'privacy.SubjectErased'

/** Thrown inside a batch when the checkpoint is not where the worker left it: someone else moved it. */
export class CheckpointMoved extends Error {
  constructor(readonly checkpoint: ProjectionCheckpoint | undefined) {
    super('the checkpoint moved')
  }
}

/** Thrown inside a batch when one event fails; the batch is rolled back. */
export class EventFailed extends Error {
  constructor(
    readonly index: number,
    readonly reason: unknown,
  ) {
    super('an event failed')
  }
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** An event decoded for the workers that apply it, by the definition that decoded it. */
export interface Decoded {
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
export const decodedOnce = (): Decoded => ({ event: undefined, definitions: [], results: [] })

/** A page of the log as the workers read it: events up to `to`, and the decodes of the one being applied. */
export interface LogPage {
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
export const sharedDefinitions = (projection: AnyProjection): ReadonlyMap<string, AnyEventDefinition> | undefined => {
  const byType = catalogDefinitions(projection.events)
  return byType === undefined ? undefined : new Map([...byType].filter(([, d]) => !hasPersonalData(d)))
}

/** A worker this many pages or more behind the head reads the log in one long read, page after page. */
export const LONG_READ_PAGES = 20
/** Positions in a page of such a read, at most. */
export const CATCH_UP_PAGE = 256

/**
 * How long a transaction of projections catching up may stay open, taking page after page of the
 * log already read: long enough that commits are few, short enough that appends waiting for
 * SQLite's one writer are not held up noticeably.
 */
export const CATCH_UP_TRANSACTION_MS = 100

/** Documents a projection catching up may hold unwritten before they are written, mid-transaction. */
export const FLUSH_DOCUMENTS = 1_000

/** A long read of the log, part taken: `run` is the page the store handed over last, taken up to `next`. */
export interface LogCursor {
  readonly to: number
  readonly pages: AsyncIterator<ReadonlyArray<RecordedEvent>>
  run: ReadonlyArray<RecordedEvent>
  next: number
}

/** A shared decode's result, frozen: a decode that builds new data gives every projection the same. */
export const freezeDecoded =
  (event: RecordedEvent) =>
  (projected: ProjectedEvent): ProjectedEvent =>
    projected === event ? projected : deepFreeze(projected)

export interface Worker {
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

/**
 * How a worker came out of a convoy: its batch committed up to `to`; one of its events failed;
 * its checkpoint had moved; or another member's failure undid the transaction, and it takes the
 * page alone.
 */
export type Outcome =
  | { readonly kind: 'committed'; readonly to: number; readonly parked: number }
  | { readonly kind: 'failed'; readonly event: RecordedEvent; readonly reason: unknown }
  | { readonly kind: 'moved'; readonly moved: CheckpointMoved }
  | { readonly kind: 'alone' }

/** Thrown inside a convoy's transaction when one member cannot go on; the transaction is undone. */
export class MemberStopped extends Error {
  constructor(
    readonly worker: Worker,
    readonly outcome: Outcome,
  ) {
    super('a member of the convoy stopped')
  }
}

/** Where failures are told when the host gives no logger. */
export const consoleLogger: ProjectionLogger = {
  warn: (message, details) => {
    console.warn(`[civic-ledger] ${message}`, details)
  },
}

/** What the runner's modules share: its options, its workers, and what it holds between steps. */
export interface Runtime {
  readonly projections: ReadonlyArray<AnyProjection>
  readonly store: EventLog & Pick<EventStore, 'readModels'>
  readonly storage: ReadModelStorage
  readonly clock: Clock
  readonly logger: ProjectionLogger
  readonly batchSize: number
  readonly cachedDocuments: number
  readonly until: { readonly position?: number; readonly recordedAt?: string } | undefined
  readonly live: boolean
  readonly untilTime: number | undefined
  running: boolean
  /** The highest position the runner has seen committed. */
  head: number
  liveFeed: Subscription | undefined
  readonly workers: Map<string, Worker>
  readonly privacy: Privacy | undefined
  /**
   * Pages of the log, `batchSize` positions each, read once for every worker that needs the same
   * range: projections catching up together (a rebuild, a first start) share one read and one
   * parse. Only the types some projection handles are read. A page is dropped once every worker is
   * past it, and only a few are ever kept, so memory does not grow with the log.
   */
  /** Pages of the log read or being read, by first position; `ready` once read. */
  readonly pages: Map<number, { readonly to: number; readonly page: Promise<LogPage>; ready?: LogPage }>
  readonly allTypes: ReadonlyArray<string>
  /**
   * Long forward reads of the log for workers far behind, each taken page after page: one read of
   * the store rather than one a page, which a store can step through ahead of the reader (SQLite
   * does, on a thread of its own). Keyed by the position each goes on from; a few at most.
   */
  readonly cursors: Map<number, LogCursor>
  /** Workers at the same position taking one page together, and what became of each. */
  readonly convoys: Map<
    LogPage,
    { readonly members: Worker[]; readonly outcomes: Promise<ReadonlyMap<Worker, Outcome>> }
  >
  readonly inlineWorkers: ReadonlyArray<Worker>
  readonly statuses: ReadonlyArray<BehaviorSubject<ProjectionStatus>>
  readonly status$: Observable<ReadonlyArray<ProjectionStatus>>
}

/** A projection's worker, as it starts: at position 0 until its checkpoint is read. */
const createWorker = (projection: AnyProjection, cachedDocuments: number): Worker => {
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
  return {
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
  }
}

/** Throws `InvalidArgumentError` unless the runner's sizes and stopping point are well formed. */
const checkOptions = (options: ProjectionRunnerOptions): void => {
  const { batchSize, cachedDocuments, until } = options
  if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1))
    throw new InvalidArgumentError('batchSize', 'must be a whole number ≥ 1')
  if (cachedDocuments !== undefined && (!Number.isSafeInteger(cachedDocuments) || cachedDocuments < 0))
    throw new InvalidArgumentError('cachedDocuments', 'must be a whole number ≥ 0')
  if (until?.recordedAt !== undefined && Number.isNaN(Date.parse(until.recordedAt)))
    throw new InvalidArgumentError('until.recordedAt', 'must be an ISO 8601 date-time')
  if (until?.position !== undefined && !(Number.isSafeInteger(until.position) && until.position >= 0))
    throw new InvalidArgumentError('until.position', 'must be a whole number ≥ 0')
}

/** The runner's state, from its options: checked, with a worker per projection. */
export const createRuntime = (options: ProjectionRunnerOptions): Runtime => {
  const projections = checkProjections(options.projections, options.knownEventTypes)
  checkOptions(options)
  const cachedDocuments = options.cachedDocuments ?? 20_000
  const workers = new Map<string, Worker>(projections.map((p) => [p.name, createWorker(p, cachedDocuments)]))
  const statuses = [...workers.values()].map((w) => w.status)
  const until = options.until
  return {
    projections,
    store: options.store,
    storage: options.storage ?? options.store.readModels ?? createMemoryReadModelStorage(),
    clock: options.clock ?? systemClock,
    logger: options.logger ?? consoleLogger,
    batchSize: options.batchSize ?? 500,
    cachedDocuments,
    until,
    live: until === undefined,
    untilTime: until?.recordedAt === undefined ? undefined : Date.parse(until.recordedAt),
    running: false,
    head: 0,
    liveFeed: undefined,
    workers,
    privacy: options.privacy,
    pages: new Map(),
    allTypes: [...new Set([...workers.values()].flatMap((w) => [...w.handles]))],
    cursors: new Map(),
    convoys: new Map(),
    inlineWorkers: [...workers.values()].filter((w) => w.mode === 'inline'),
    statuses,
    status$: statuses.length === 0 ? new BehaviorSubject<ReadonlyArray<ProjectionStatus>>([]) : combineLatest(statuses),
  }
}

/** `fn` with the runtime given: what the runner hands out as its methods. */
export const bound =
  <A extends unknown[], R>(rt: Runtime, fn: (rt: Runtime, ...args: A) => R) =>
  (...args: A): R =>
    fn(rt, ...args)
