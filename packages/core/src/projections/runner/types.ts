/** The runner's public types: statuses, failures, the logger, options and the runner itself. */
import type { Observable } from 'rxjs'

import type { Clock } from '../../kernel/clock'
import type { EventLog, EventStore } from '../../port/event-store'
import type { Privacy } from '../../port/privacy'
import type {
  CollectionDefinition,
  ParkedEvent,
  ProjectionStage,
  ReadCollection,
  ReadModelStorage,
  SqlHandle,
} from '../../port/read-model'
import type { AnyProjection } from '../projection'

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

/**
 * Where one projection stands: its version and mode, whether it is live, halted or catching up, how
 * far behind the head it is, and its parked events and last failure.
 */
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
  /** Events between its position and the head. */
  readonly lag: number
  /** Events parked by the dead-letter policy, waiting to be retried or discarded. */
  readonly parked: number
  /** Tries of the failing event so far, in the current failure. */
  readonly attempts: number
  /** The failure it is stopped or retrying on, if any. */
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

/** Where the runner reports projection failures: once per failure, never once per retry. */
export interface ProjectionLogger {
  /** Reports a failure, with the projection, event and error as details (personal values redacted). */
  warn(message: string, details: Readonly<Record<string, unknown>>): void
}

// --- options ---

/**
 * What `createProjectionRunner` runs: the projections, the log they read, where their read models
 * live, and how much it reads and keeps at a time. A ledger makes its runner from its own options.
 */
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

/**
 * Runs projections over the log: catches each up, follows new events, keeps its status, and serves
 * queries on the version that is active. `ledger.projections` is a ledger's runner without its storage.
 */
export interface ProjectionRunner {
  /** Creates read models and checkpoints, then starts every worker. Resolves once they are set up. */
  start(): Promise<void>
  /** Stops every worker after its current batch and removes the inline handler. */
  stop(): Promise<void>
  readonly names: ReadonlyArray<string>
  /** Every projection's status, whenever any changes. */
  readonly status$: Observable<ReadonlyArray<ProjectionStatus>>
  /** One projection's status, whenever it changes. */
  statusOf$(name: string): Observable<ProjectionStatus>
  /** One projection's status now; throws `InvalidArgumentError` for a name it does not run. */
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
