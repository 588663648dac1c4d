/**
 * The in-memory store: the reference implementation of the EventStore port, for tests, examples
 * and short-lived tools. Appends cost the same however many streams there are (a map from stream
 * id to its events, and one array in position order); stored events are frozen copies, so neither
 * the writer nor a reader can change history by mutating an object.
 */
import { Subject } from 'rxjs'

import type { NewEvent, RecordedEvent } from '../events/envelope'
import type { Clock } from '../kernel/clock'
import { systemClock } from '../kernel/clock'
import { EventIdConflictError, StoreUnavailableError } from '../kernel/errors'
import { deepFreeze } from '../kernel/json'
import type { StoredEvent } from '../port/chain'
import type { StreamHead } from '../port/chain'
import { chainHash, GENESIS_HASH, toRecorded } from '../port/chain'
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStoredOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from '../port/event-store'
import { WrongExpectedRevisionError } from '../port/event-store'
import type { Snapshot } from '../port/snapshot'
import type { MemoryReadModelStorage } from '../store-kit/memory-read-models'
import { createMemoryReadModelStorage, createMutex } from '../store-kit/memory-read-models'
import type { PagedIterable } from '../store-kit/paging'
import { pagedIterable } from '../store-kit/paging'
import { checkSnapshot, checkSnapshotRevision } from '../store-kit/snapshots'
import { catchUpSubscription } from '../store-kit/subscription'
import type { CheckedStreamAppend, StoreLimits } from '../store-kit/validation'
import { acknowledgeRetry } from '../store-kit/validation'
import {
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStoredEvents,
  checkStreamAppend,
  checkStreamAppends,
  checkStreamId,
  checkSubscribeOptions,
  continueChains,
  DEFAULT_LIMITS,
  matchesFilter,
  recordedEvents,
  revisionMatches,
} from '../store-kit/validation'

export interface MemoryEventStoreOptions {
  readonly clock?: Clock
  readonly limits?: Partial<StoreLimits>
  /** Where read models live; inline projections run inside its transactions. Default: a new one. */
  readonly readModels?: MemoryReadModelStorage
}

type CheckedAppend = CheckedStreamAppend

const DEFAULT_BATCH_SIZE = 500

/** Creates an empty in-memory store. */
export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): EventStore => {
  const clock = options.clock ?? systemClock
  const limits: StoreLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const log: RecordedEvent[] = []
  /** The log as stored (canonical text and chain hash), in position order beside `log`. */
  const stored: StoredEvent[] = []
  const heads = new Map<string, StreamHead>()
  const streams = new Map<string, RecordedEvent[]>()
  const byEventId = new Map<string, RecordedEvent>()
  const commits = new Subject<void>()
  const snapshots = new Map<string, Snapshot>()
  const readModels = options.readModels ?? createMemoryReadModelStorage()
  const exclusive = createMutex()
  let inFlight = 0
  let closed = false

  const ensureOpen = (): void => {
    if (closed) throw new StoreUnavailableError('the in-memory store is closed')
  }

  const lastRevision = (streamId: string): number => (streams.get(streamId)?.length ?? 0) - 1

  /** The original result when every event of `append` is already stored as this same append. */
  const alreadyStored = (append: CheckedAppend): AppendResult | undefined =>
    acknowledgeRetry(
      append.streamId,
      append.events.map(({ event }) => event),
      append.events.map(({ event }) => byEventId.get(event.eventId)),
    )

  const write = (append: CheckedAppend, recordedAt: string): AppendResult => {
    const firstRevision = lastRevision(append.streamId) + 1
    const firstPosition = log.length + 1
    for (const { event, data, metadata } of append.events) {
      const fields = {
        eventId: event.eventId,
        streamId: append.streamId,
        revision: lastRevision(append.streamId) + 1,
        position: log.length + 1,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data,
        metadata,
        recordedAt,
      }
      record({ ...fields, hash: chainHash(heads.get(append.streamId)?.hash ?? GENESIS_HASH, fields) })
    }
    return {
      streamId: append.streamId,
      firstRevision,
      lastRevision: lastRevision(append.streamId),
      firstPosition,
      lastPosition: log.length,
      alreadyStored: false,
    }
  }

  /** Adds one stored event to the log, its stream and its stream's head. */
  const record = (event: StoredEvent): void => {
    const recorded = deepFreeze(toRecorded(event))
    let stream = streams.get(event.streamId)
    if (stream === undefined) {
      stream = []
      streams.set(event.streamId, stream)
    }
    stream.push(recorded)
    log.push(recorded)
    stored.push(Object.freeze({ ...event }))
    byEventId.set(recorded.eventId, recorded)
    heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash })
  }

  /** Checks a set of appends: the original results for a retry, or undefined when they may be written. */
  const check = (appends: ReadonlyArray<CheckedAppend>): ReadonlyArray<AppendResult> | undefined => {
    ensureOpen()
    const retried = appends.map(alreadyStored)
    if (retried.every((r) => r !== undefined)) return retried
    const firstRetried = retried.findIndex((r) => r !== undefined)
    if (firstRetried >= 0)
      throw new EventIdConflictError(
        appends[firstRetried]?.events[0]?.event.eventId ?? '',
        'is already stored, but the rest of this multi-stream batch is not',
      )
    for (const append of appends) {
      const actual = lastRevision(append.streamId)
      if (!revisionMatches(append.expectedRevision, actual))
        throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, actual)
    }
    return undefined
  }

  /** The events `write` would record for `appends`, without recording them. */
  const preview = (appends: ReadonlyArray<CheckedAppend>, recordedAt: string): RecordedEvent[] => {
    // A batch names each stream once, so each part starts just after its stream's last revision.
    let position = log.length + 1
    return appends.flatMap((append) => {
      const events = recordedEvents(append, { revision: lastRevision(append.streamId) + 1, position }, recordedAt)
      position += events.length
      return events.map(deepFreeze)
    })
  }

  /** Checks and writes a set of appends in one step: all or nothing. */
  const commit = async (appends: ReadonlyArray<CheckedAppend>): Promise<ReadonlyArray<AppendResult>> => {
    // Let other callers run first, as a real store's round trip would, so concurrency is exercised.
    await Promise.resolve()
    const inline = readModels.inlineHandler()
    if (inline === undefined && inFlight === 0) {
      const retried = check(appends)
      if (retried !== undefined) return retried
      const recordedAt = clock.now().toISOString()
      const results = appends.map((append) => write(append, recordedAt))
      commits.next()
      return results
    }
    // Inline projections see the events as they will be recorded, inside the read models'
    // transaction, before anything is written: readers never see events a projection may yet refuse.
    // Appends wait their turn meanwhile.
    inFlight++
    try {
      return await exclusive(async () => {
        const retried = check(appends)
        if (retried !== undefined) return retried
        const handler = readModels.inlineHandler()
        const recordedAt = clock.now().toISOString()
        const pending = preview(appends, recordedAt)
        const results = await readModels.transaction(async (tx) => {
          await handler?.(pending, tx)
          return appends.map((append) => write(append, recordedAt))
        })
        commits.next()
        return results
      })
    } finally {
      inFlight--
    }
  }

  const readAllSync = (options: ReadAllOptions): RecordedEvent[] => {
    const backwards = options.direction === 'backwards'
    const out: RecordedEvent[] = []
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER
    if (backwards) {
      const from = Math.min(options.fromPosition ?? log.length, log.length)
      const to = Math.max(options.toPosition ?? 1, 1)
      for (let p = from; p >= to && out.length < max; p--) {
        const e = log[p - 1]
        if (e !== undefined && matchesFilter(options.filter, e)) out.push(e)
      }
    } else {
      const from = Math.max(options.fromPosition ?? 1, 1)
      const to = Math.min(options.toPosition ?? log.length, log.length)
      for (let p = from; p <= to && out.length < max; p++) {
        const e = log[p - 1]
        if (e !== undefined && matchesFilter(options.filter, e)) out.push(e)
      }
    }
    return out
  }

  return {
    readModels,

    appendToStream: async (streamId: string, events: ReadonlyArray<NewEvent>, options: AppendOptions) => {
      ensureOpen()
      const append = checkStreamAppend(streamId, events, options, limits)
      const [result] = await commit([append])
      if (result === undefined) throw new StoreUnavailableError('append produced no result')
      return result
    },

    appendMulti: async (appends: ReadonlyArray<StreamAppend>) => {
      ensureOpen()
      return commit(checkStreamAppends(appends, limits))
    },

    readStream: (streamId: string, options?: ReadStreamOptions) => {
      ensureOpen()
      checkStreamId(streamId)
      const o = checkReadStreamOptions(options)
      const stream = streams.get(streamId) ?? []
      const max = o.maxCount ?? Number.MAX_SAFE_INTEGER
      const until = o.until ?? Number.MAX_SAFE_INTEGER
      const selected: RecordedEvent[] = []
      if (o.direction === 'backwards') {
        const from = Math.min(o.fromRevision ?? stream.length - 1, stream.length - 1)
        for (let r = from; r >= (o.toRevision ?? 0) && selected.length < max; r--) {
          const e = stream[r]
          if (e !== undefined && e.position <= until) selected.push(e)
        }
      } else {
        const to = Math.min(o.toRevision ?? stream.length - 1, stream.length - 1)
        for (let r = o.fromRevision ?? 0; r <= to && selected.length < max; r++) {
          const e = stream[r]
          if (e === undefined || e.position > until) break
          selected.push(e)
        }
      }
      return iterate(selected)
    },

    readAll: (options?: ReadAllOptions) => {
      ensureOpen()
      return iterate(readAllSync(checkReadAllOptions(options)))
    },

    subscribe: (options?: SubscribeOptions) => {
      ensureOpen()
      const o = checkSubscribeOptions(options)
      const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE
      return catchUpSubscription({
        fromPosition: Math.max(o.fromPosition ?? 1, 1),
        commits,
        read: async (fromPosition) => {
          await Promise.resolve()
          const events: RecordedEvent[] = []
          let p = fromPosition
          for (; p <= log.length && events.length < batchSize; p++) {
            const e = log[p - 1]
            if (e !== undefined && matchesFilter(o.filter, e)) events.push(e)
          }
          return { events, nextPosition: p, reachedHead: p > log.length }
        },
      })
    },

    readStored: (options?: ReadStoredOptions) => {
      ensureOpen()
      const o = checkReadAllOptions(options)
      const from = Math.max(o.fromPosition ?? 1, 1)
      const to = Math.min(o.toPosition ?? stored.length, stored.length)
      return iterate(stored.slice(from - 1, Math.max(from - 1, to)))
    },

    streamHeads: (position: number) => {
      ensureOpen()
      const at = new Map<string, StreamHead>()
      for (const event of stored.slice(0, Math.max(0, position)))
        at.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash })
      return iterate([...at.values()])
    },

    importStored: (events: ReadonlyArray<StoredEvent>) => {
      ensureOpen()
      inFlight++
      return exclusive(async () => {
        await Promise.resolve()
        const checked = checkStoredEvents(events, log.length, limits)
        const taken = checked.find((e) => byEventId.has(e.eventId))
        if (taken !== undefined) throw new EventIdConflictError(taken.eventId, 'is already stored')
        continueChains(checked, heads)
        const pending = checked.map((event) => deepFreeze(toRecorded(event)))
        const handler = readModels.inlineHandler()
        await readModels.transaction(async (tx) => {
          await handler?.(pending, tx)
          for (const event of checked) record(event)
        })
        commits.next()
      }).finally(() => {
        inFlight--
      })
    },

    headPosition: async () => {
      ensureOpen()
      return log.length
    },

    snapshots: {
      readSnapshot: async (streamId) => {
        ensureOpen()
        return snapshots.get(checkStreamId(streamId))
      },
      writeSnapshot: async (candidate) => {
        ensureOpen()
        const snapshot = checkSnapshot(candidate)
        checkSnapshotRevision(snapshot, { revision: lastRevision(snapshot.streamId) })
        const kept = snapshots.get(snapshot.streamId)
        if (kept === undefined || kept.revision <= snapshot.revision)
          snapshots.set(snapshot.streamId, deepFreeze(JSON.parse(JSON.stringify(snapshot)) as Snapshot))
      },
    },

    close: async () => {
      if (closed) return
      closed = true
      commits.complete()
    },
  }
}

/** The events of a read, already in hand: one page. */
const iterate = <A>(events: ReadonlyArray<A>): PagedIterable<A> => {
  let given = false
  return pagedIterable(() => {
    if (given) return undefined
    given = true
    return events
  })
}
