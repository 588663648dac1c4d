/**
 * One store kit: `defineEventStore(driver)` turns a driver of storage operations into an
 * `EventStore`, applying once what every store must do alike — refuse calls on a closed store,
 * check every argument, tell an idempotent retry from a conflict, check snapshots and stream-head
 * positions, and type failures the driver left untyped. A store is then only its storage: how it
 * writes a checked append, finds event ids, reads, signals commits and imports.
 */
import type { Observable } from 'rxjs'

import type { NewEvent, RecordedEvent } from '../events/envelope'
import { EventIdConflictError, InvalidArgumentError, isEventStoreError, StoreUnavailableError } from '../kernel/errors'
import type { StoredEvent, StreamHead } from '../port/chain'
import type {
  AppendOptions,
  AppendResult,
  ChainCheckRequest,
  ChainCheckResult,
  EventFilter,
  EventStore,
  ReadAllOptions,
  ReadStoredOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from '../port/event-store'
import { WrongExpectedRevisionError } from '../port/event-store'
import type { KeyStore } from '../port/privacy'
import type { ReadModelStorage } from '../port/read-model'
import type { Snapshot, SnapshotStore } from '../port/snapshot'
import { checkSnapshot } from './snapshots'
import type { SubscriptionBatch } from './subscription'
import { catchUpSubscription } from './subscription'
import type { CheckedStreamAppend, StoredEventLocation, StoreLimits } from './validation'
import {
  acknowledgeRetry,
  checkChainCheckRequest,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamAppend,
  checkStreamAppends,
  checkStreamId,
  checkSubscribeOptions,
  DEFAULT_LIMITS,
} from './validation'

// --- the driver ---

/**
 * An append the driver refused because one of its event ids is stored already, having written
 * nothing. The kit then looks the ids up to tell a retry of the same append from a conflict.
 */
export class EventIdTakenError extends Error {
  constructor(readonly eventId?: string) {
    super(eventId === undefined ? 'an event id is already stored' : `event id ${eventId} is already stored`)
    this.name = 'EventIdTakenError'
  }
}

/** Where a driver keeps snapshots. `write` gets a checked snapshot and refuses one beyond its stream. */
export interface SnapshotDriver {
  read(streamId: string): Promise<Snapshot | undefined>
  write(snapshot: Snapshot): Promise<void>
}

/** What a subscription asks a driver for: events from a position, at most `batchSize`, filtered. */
export interface BatchRequest {
  readonly filter?: EventFilter
  readonly batchSize: number
}

/**
 * The storage operations of a store. Each is called only while the store is open, with arguments
 * the kit has checked; a read in progress checks `kit.ensureOpen()` before each page it fetches.
 */
export interface StoreDriver {
  /** The store as errors name it: `the in-memory store`, `the ledger /srv/ledger.db`. */
  readonly name: string
  readonly limits?: Partial<StoreLimits>
  /** The page a subscription reads when the caller names none (default 500). */
  readonly batchSize?: number
  /**
   * Writes the appends as one unit, all or nothing, at the next positions, and returns each one's
   * result. A stream not at its expected revision is a `WrongExpectedRevisionError`, an event id
   * stored already an `EventIdTakenError`, and either writes nothing.
   */
  write(appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>>
  /** Where each of `eventIds` that is stored is stored. */
  locate(eventIds: ReadonlyArray<string>): Promise<ReadonlyMap<string, StoredEventLocation>>
  readStream(streamId: string, options: ReadStreamOptions): AsyncIterable<RecordedEvent>
  readAll(options: ReadAllOptions): AsyncIterable<RecordedEvent>
  readStored(options: ReadStoredOptions): AsyncIterable<StoredEvent>
  /** Every stream's last event at or below `position` (a whole number ≥ 0). */
  streamHeads(position: number): AsyncIterable<StreamHead>
  /** A subscription's next batch (`batchUpToHead` makes one from a page and the head). */
  readBatch(fromPosition: number, request: BatchRequest): Promise<SubscriptionBatch>
  /** Emits whenever something may have been committed; completes when the store closes. */
  readonly commits: Observable<unknown>
  /** Writes events as recorded elsewhere; `checkStoredEvents` and `continueChains` check them. */
  importStored(events: ReadonlyArray<StoredEvent>): Promise<void>
  headPosition(): Promise<number>
  /**
   * Releases what the store holds. Called once; calls made until it resolves still reach the
   * driver (appends already queued may be written), later ones are refused by the kit.
   */
  close(): Promise<void>
  readonly snapshots?: SnapshotDriver
  readonly readModels?: ReadModelStorage
  readonly keyStore?: KeyStore
  purge?(): Promise<void>
  checkChains?(request: ChainCheckRequest): Promise<ChainCheckResult>
}

/** What the kit gives a driver as it is made. */
export interface StoreKit {
  /** Throws `StoreUnavailableError` once the store is closed. */
  ensureOpen(): void
  /** True once the store is closed (the driver's `close` has resolved). */
  isClosed(): boolean
  /** The limits in force: the driver's over the defaults. */
  readonly limits: StoreLimits
}

/** A driver's `locate` from a lookup of one event id at a time (a store that can look them up one by one). */
export const locateEach =
  (locate: (eventId: string) => StoredEventLocation | undefined) =>
  async (eventIds: ReadonlyArray<string>): Promise<ReadonlyMap<string, StoredEventLocation>> => {
    const found = new Map<string, StoredEventLocation>()
    for (const id of eventIds) {
      const at = locate(id)
      if (at !== undefined) found.set(id, at)
    }
    return found
  }

/** A subscription's page when the caller gave none. */
export const DEFAULT_BATCH_SIZE = 500

// --- the rules ---

/**
 * What a refused append was: a retry of appends already stored as they are (their original
 * results), or the refusal itself — an `EventIdConflictError` when an id is stored otherwise, or
 * when some of a multi-stream batch is stored and the rest not.
 */
const settleRefusal = async (
  driver: StoreDriver,
  appends: ReadonlyArray<CheckedStreamAppend>,
  refusal: WrongExpectedRevisionError | EventIdTakenError,
): Promise<ReadonlyArray<AppendResult>> => {
  const found = await driver.locate(appends.flatMap((a) => a.events.map(({ event }) => event.eventId)))
  const retried = appends.map((append) => {
    const events = append.events.map(({ event }) => event)
    return acknowledgeRetry(
      append.streamId,
      events,
      events.map((event) => found.get(event.eventId)),
    )
  })
  if (retried.every((r): r is AppendResult => r !== undefined)) return retried
  const first = retried.findIndex((r) => r !== undefined)
  if (first >= 0)
    throw new EventIdConflictError(
      appends[first]?.events[0]?.event.eventId ?? '',
      'is already stored, but the rest of this multi-stream batch is not',
    )
  if (refusal instanceof EventIdTakenError)
    throw new EventIdConflictError(refusal.eventId ?? appends[0]?.events[0]?.event.eventId ?? '', 'is already stored')
  throw refusal
}

/** A failure the driver did not type becomes `StoreUnavailableError`, naming the store and the operation. */
const typed = (driver: StoreDriver, what: string, error: unknown): Error =>
  isEventStoreError(error)
    ? error
    : new StoreUnavailableError(`${driver.name}: ${what}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      })

/** A log position to read heads at: a whole number ≥ 0 (0 is before the first event). */
const checkPosition = (position: unknown): number => {
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0)
    throw new InvalidArgumentError('position', `must be a whole number ≥ 0, got ${String(position)}`)
  return position
}

// --- the store ---

/**
 * Makes an `EventStore` of the driver `make` returns. `make` is given the kit (`ensureOpen`,
 * `isClosed`, the limits) for the driver's own long operations.
 */
export const defineEventStore = (make: (kit: StoreKit) => StoreDriver): EventStore => {
  let closed = false
  let closing: Promise<void> | undefined
  let name = 'the store'
  let limits: StoreLimits = DEFAULT_LIMITS
  const ensureOpen = (): void => {
    if (closed) throw new StoreUnavailableError(`${name} is closed`)
  }
  const d = make({
    ensureOpen,
    isClosed: () => closed,
    get limits() {
      return limits
    },
  })
  name = d.name
  limits = { ...DEFAULT_LIMITS, ...d.limits }

  /** What a driver's refused or failed write is: a retry's original results, or a typed error. */
  const refused = (
    appends: ReadonlyArray<CheckedStreamAppend>,
    error: unknown,
  ): Promise<ReadonlyArray<AppendResult>> => {
    if (error instanceof WrongExpectedRevisionError || error instanceof EventIdTakenError)
      return settleRefusal(d, appends, error)
    return Promise.reject(typed(d, 'the append failed and nothing is known to have been written', error))
  }
  const commit = async (appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> => {
    try {
      return await d.write(appends)
    } catch (error) {
      return refused(appends, error)
    }
  }

  const snapshots = d.snapshots
  return {
    // The commonest call, awaited once: one async step between the caller and the driver.
    appendToStream: async (streamId: string, events: ReadonlyArray<NewEvent>, options: AppendOptions) => {
      ensureOpen()
      const appends = [checkStreamAppend(streamId, events, options, limits)]
      let results: ReadonlyArray<AppendResult>
      try {
        results = await d.write(appends)
      } catch (error) {
        results = await refused(appends, error)
      }
      const result = results[0]
      if (result === undefined) throw new StoreUnavailableError(`${d.name}: the append produced no result`)
      return result
    },
    appendMulti: async (appends: ReadonlyArray<StreamAppend>) => {
      ensureOpen()
      return commit(checkStreamAppends(appends, limits))
    },
    readStream: (streamId: string, options?: ReadStreamOptions) => {
      ensureOpen()
      return d.readStream(checkStreamId(streamId), checkReadStreamOptions(options))
    },
    readAll: (options?: ReadAllOptions) => {
      ensureOpen()
      return d.readAll(checkReadAllOptions(options))
    },
    readStored: (options?: ReadStoredOptions) => {
      ensureOpen()
      return d.readStored(checkReadAllOptions(options))
    },
    streamHeads: (position: number) => {
      ensureOpen()
      return d.streamHeads(checkPosition(position))
    },
    subscribe: (options?: SubscribeOptions) => {
      ensureOpen()
      const o = checkSubscribeOptions(options)
      const request: BatchRequest = {
        batchSize: o.batchSize ?? d.batchSize ?? DEFAULT_BATCH_SIZE,
        ...(o.filter === undefined ? {} : { filter: o.filter }),
      }
      return catchUpSubscription({
        fromPosition: Math.max(o.fromPosition ?? 1, 1),
        commits: d.commits,
        read: async (fromPosition) =>
          closed ? { events: [], nextPosition: fromPosition, reachedHead: true } : d.readBatch(fromPosition, request),
      })
    },
    importStored: async (events: ReadonlyArray<StoredEvent>) => {
      ensureOpen()
      try {
        await d.importStored(events)
      } catch (error) {
        throw typed(d, 'the import failed and nothing was written', error)
      }
    },
    headPosition: async () => {
      ensureOpen()
      return d.headPosition()
    },
    // The driver closes first (a store may finish the appends already queued), then the store is closed.
    close: () => (closing ??= d.close().finally(() => void (closed = true))),
    ...(snapshots === undefined ? {} : { snapshots: snapshotStore(snapshots, ensureOpen) }),
    ...(d.readModels === undefined ? {} : { readModels: d.readModels }),
    ...(d.keyStore === undefined ? {} : { keyStore: d.keyStore }),
    ...(d.purge === undefined ? {} : { purge: guarded(ensureOpen, d.purge.bind(d)) }),
    ...(d.checkChains === undefined ? {} : { checkChains: chainChecks(d.checkChains.bind(d), ensureOpen) }),
  }
}

const snapshotStore = (driver: SnapshotDriver, ensureOpen: () => void): SnapshotStore => ({
  readSnapshot: async (streamId) => {
    ensureOpen()
    return driver.read(checkStreamId(streamId))
  },
  writeSnapshot: async (snapshot) => {
    ensureOpen()
    await driver.write(checkSnapshot(snapshot))
  },
})

const guarded = (ensureOpen: () => void, work: () => Promise<void>) => async (): Promise<void> => {
  ensureOpen()
  await work()
}

const chainChecks =
  (check: (request: ChainCheckRequest) => Promise<ChainCheckResult>, ensureOpen: () => void) =>
  async (request: ChainCheckRequest): Promise<ChainCheckResult> => {
    ensureOpen()
    return check(checkChainCheckRequest(request))
  }
