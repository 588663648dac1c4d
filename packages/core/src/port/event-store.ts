/**
 * The EventStore port (DESIGN §4). Every store — in-memory, SQLite, PostgreSQL, KurrentDB — implements
 * this interface and passes the one contract suite in `@civic-ledger/testing`.
 *
 * Operations reject with an `EventStoreError`; arguments are checked before anything is written.
 */
import type { Observable } from 'rxjs'

import type { NewEvent, RecordedEvent } from '../events/envelope'
import { EventStoreError } from '../kernel/errors'
import type { StoredEvent, StreamHead } from './chain'
import type { KeyStore } from './privacy'
import type { ReadModelStorage } from './read-model'
import type { SnapshotStore } from './snapshot'

// --- append ---

/**
 * What the writer expects of the stream before its append:
 * - `'noStream'`: the stream has no events;
 * - `'streamExists'`: the stream has at least one event;
 * - `'any'`: no check;
 * - a number: the stream's last revision is exactly this (0-based).
 */
export type ExpectedRevision = 'noStream' | 'streamExists' | 'any' | number

/** The stream was not at the revision the writer expected; nothing was written. */
export class WrongExpectedRevisionError extends EventStoreError {
  readonly kind = 'WrongExpectedRevision' as const
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or `-1` when it has no events. */
    readonly actual: number,
  ) {
    super(
      `stream ${streamId}: expected revision ${String(expected)}, but the stream is ${actual < 0 ? 'empty' : `at revision ${actual}`}`,
    )
    this.name = 'WrongExpectedRevisionError'
  }
}

/** How one stream's append was acknowledged. */
export interface AppendResult {
  readonly streamId: string
  /** The revision of the first and last event written (or found, for a retry). */
  readonly firstRevision: number
  readonly lastRevision: number
  /** The positions of the first and last event; the batch's positions are consecutive. */
  readonly firstPosition: number
  readonly lastPosition: number
  /** True when these events were already stored by an earlier attempt with the same ids. */
  readonly alreadyStored: boolean
}

/** What an append to one stream expects: the stream's revision before it (see `ExpectedRevision`). */
export interface AppendOptions {
  /** The stream's revision before the append; otherwise it rejects with `WrongExpectedRevisionError`. */
  readonly expectedRevision: ExpectedRevision
}

/** One stream's part of an atomic multi-stream append. */
export interface StreamAppend {
  readonly streamId: string
  readonly events: ReadonlyArray<NewEvent>
  readonly expectedRevision: ExpectedRevision
}

// --- read ---

/** Which way a read goes: from the oldest event (`forwards`, the default) or the newest. */
export type Direction = 'forwards' | 'backwards'

/** Which events of one stream a read returns, in which order: revisions are 0-based and inclusive. */
export interface ReadStreamOptions {
  /** The first revision to return; forwards it defaults to 0, backwards to the last. */
  readonly fromRevision?: number
  /** The last revision to return (inclusive), in the direction of reading. */
  readonly toRevision?: number
  /** Forwards (the default) or backwards. */
  readonly direction?: Direction
  /** Only events at or below this global position: the stream as it stood then. */
  readonly until?: number
  /** At most this many events. */
  readonly maxCount?: number
}

/** Selects events of a global read or subscription. An event must match every part given. */
export interface EventFilter {
  /** Exact event type names, e.g. `grants.GrantAwarded`. */
  readonly types?: ReadonlyArray<string>
  /** Stream id prefixes, e.g. `grants.` or `grants.fund-`. */
  readonly streamPrefixes?: ReadonlyArray<string>
}

/**
 * Which events of the whole log a read returns, in position order: positions start at 1 and are
 * inclusive.
 */
export interface ReadAllOptions {
  /** The first position to return (inclusive); forwards it defaults to 1, backwards to the head. */
  readonly fromPosition?: number
  /** The last position to return (inclusive), in the direction of reading. */
  readonly toPosition?: number
  /** Forwards (the default) or backwards. */
  readonly direction?: Direction
  /** Only the events it matches. */
  readonly filter?: EventFilter
  /** At most this many events. */
  readonly maxCount?: number
  /** How many events a store fetches at a time; a tuning knob that never changes the result. */
  readonly batchSize?: number
}

/** Where a subscription starts and which events it delivers. */
export interface SubscribeOptions {
  /** The first position to deliver (inclusive); defaults to 1, the start of the ledger. */
  readonly fromPosition?: number
  /** Only the events it matches. */
  readonly filter?: EventFilter
  /** How many events a store fetches at a time while catching up; never changes what is delivered. */
  readonly batchSize?: number
}

/** Which stretch of the log `readStored` returns, exactly as stored. */
export interface ReadStoredOptions {
  /** The first position to return (inclusive); defaults to 1. */
  readonly fromPosition?: number
  /** The last position to return (inclusive); defaults to the head. */
  readonly toPosition?: number
  /** How many events a store fetches at a time; a tuning knob that never changes the result. */
  readonly batchSize?: number
}

/** What a store's `checkChains` is asked to check. */
export interface ChainCheckRequest {
  /** Positions 1 to this one (the head when verification began) are checked. */
  readonly toPosition: number
  /** Threads to check on: at least 1. */
  readonly threads: number
  /** Positions, ascending, at which every stream's head is wanted: where seals are to be checked. */
  readonly headsAt: ReadonlyArray<number>
  /**
   * Given every stream's head (in no particular order) at each position of `headsAt`, in order, as
   * the check passes it; when it returns false the check stops, and is not intact.
   */
  readonly checkHeads: (position: number, heads: ReadonlyArray<StreamHead>) => boolean
}

/** What a store's `checkChains` found: whether every chain is intact, and how much it read. */
export interface ChainCheckResult {
  /**
   * True when every position from 1 to `toPosition` holds one event, each stream's events run
   * revision 0, 1, 2… in position order, each stored hash is the one its chain gives, and every
   * `checkHeads` returned true. When false, nothing says where: verification reads the log again,
   * in order, to name the first failure.
   */
  readonly intact: boolean
  /** Events checked. */
  readonly events: number
  /** Streams seen. */
  readonly streams: number
}

// --- the port ---

/**
 * The port every store implements: append to one stream or several at once under optimistic
 * concurrency, read a stream or the whole log, subscribe from a position, and the audit reads
 * (`readStored`, `streamHeads`, `importStored`). Operations reject with an `EventStoreError`
 * (`WrongExpectedRevisionError` on a concurrency conflict); arguments are checked before anything is
 * written. `openEventStore(url)` opens one from a connection string.
 */
export interface EventStore {
  /** Appends events to one stream, atomically, if the stream is at the expected revision. */
  appendToStream(streamId: string, events: ReadonlyArray<NewEvent>, options: AppendOptions): Promise<AppendResult>
  /** Appends to several streams in one transaction: all are written or none. */
  appendMulti(appends: ReadonlyArray<StreamAppend>): Promise<ReadonlyArray<AppendResult>>
  /** Reads one stream; a stream with no events reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>
  /** Reads the whole ledger in position order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>
  /**
   * Delivers every matching event from `fromPosition`, in position order, then every event
   * committed after, as it commits. Never skips, never repeats.
   */
  subscribe(options?: SubscribeOptions): Observable<RecordedEvent>
  /**
   * Reads the log forwards exactly as stored: data and metadata as their stored canonical JSON text,
   * with each event's chain hash. What verification and export read.
   */
  readStored(options?: ReadStoredOptions): AsyncIterable<StoredEvent>
  /** Every stream's last event at or below `position`, in no particular order. */
  streamHeads(position: number): AsyncIterable<StreamHead>
  /**
   * Writes events exactly as they were recorded elsewhere (an import), all or nothing: positions
   * must continue this log without a gap, revisions must continue each stream, and each hash must be
   * the one the chain gives. Otherwise rejects with an `InvalidArgumentError` naming the first event
   * that does not fit, and writes nothing.
   */
  importStored(events: ReadonlyArray<StoredEvent>): Promise<void>
  /** The position of the last committed event, or 0 for an empty ledger. */
  headPosition(): Promise<number>
  /** Releases connections and completes live subscriptions. */
  close(): Promise<void>
  /** Where the store keeps snapshots, for stores that keep them. */
  readonly snapshots?: SnapshotStore
  /** Read-model storage in the store's own database, for stores that have it (inline projections need it). */
  readonly readModels?: ReadModelStorage
  /** Subjects' encryption keys, kept in the store's own database, for stores that keep them. */
  readonly keyStore?: KeyStore
  /**
   * Makes data the store has deleted unrecoverable from its files (e.g. rewrites the write-ahead
   * log); called after an erasure.
   */
  purge?(): Promise<void>
  /**
   * Checks every chain up to a position on several threads of the store's own, each reading its
   * share of the streams on its own connection (`chainFollower` from core is the check each runs),
   * for stores that can. `verifyLedger` uses it when it is there, and falls back to reading the log
   * in order, which names the first failure, when the result is not intact.
   */
  checkChains?(request: ChainCheckRequest): Promise<ChainCheckResult>
}

/**
 * What reading the ledger needs: the read half of the port. `ledger.events` is one; audit and
 * time-travel functions take one, so they never need write access.
 */
export type EventLog = Pick<
  EventStore,
  'readStream' | 'readAll' | 'subscribe' | 'readStored' | 'streamHeads' | 'headPosition' | 'checkChains'
> & { readonly snapshots?: Pick<SnapshotStore, 'readSnapshot'> }

/** A read-only view of a store: its reads, and nothing that writes, closes or holds keys. */
export const readOnlyLog = (store: EventStore): EventLog => ({
  readStream: (streamId, options) => store.readStream(streamId, options),
  readAll: (options) => store.readAll(options),
  subscribe: (options) => store.subscribe(options),
  readStored: (options) => store.readStored(options),
  streamHeads: (position) => store.streamHeads(position),
  headPosition: () => store.headPosition(),
  ...(store.checkChains === undefined
    ? {}
    : {
        checkChains: (request: ChainCheckRequest) =>
          (store.checkChains as NonNullable<EventStore['checkChains']>)(request),
      }),
  ...(store.snapshots === undefined
    ? {}
    : { snapshots: { readSnapshot: (streamId: string) => (store.snapshots as SnapshotStore).readSnapshot(streamId) } }),
})
