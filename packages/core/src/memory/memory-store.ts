/**
 * The in-memory store: the reference driver of the store kit, for tests, examples and short-lived
 * tools. Appends cost the same however many streams there are (a map from stream id to its events,
 * and one array in position order); stored events are frozen copies, so neither the writer nor a
 * reader can change history by mutating an object. The kit checks every argument and settles
 * retries; this file only keeps the log.
 */
import { Subject } from 'rxjs'

import type { RecordedEvent } from '../events/envelope'
import type { Clock } from '../kernel/clock'
import { systemClock } from '../kernel/clock'
import { EventIdConflictError } from '../kernel/errors'
import { deepFreeze } from '../kernel/json'
import type { StoredEvent, StreamHead } from '../port/chain'
import { chainHash, GENESIS_HASH, toRecorded } from '../port/chain'
import type { AppendResult, EventStore, ReadAllOptions, ReadStreamOptions } from '../port/event-store'
import { WrongExpectedRevisionError } from '../port/event-store'
import type { Snapshot } from '../port/snapshot'
import type { SnapshotDriver, StoreDriver, StoreKit } from '../store-kit/define-store'
import { defineEventStore, EventIdTakenError, locateEach } from '../store-kit/define-store'
import type { MemoryReadModelStorage } from '../store-kit/memory-read-models'
import { createMemoryReadModelStorage, createMutex } from '../store-kit/memory-read-models'
import type { PagedIterable } from '../store-kit/paging'
import { pagedIterable } from '../store-kit/paging'
import { checkSnapshotRevision } from '../store-kit/snapshots'
import type { CheckedStreamAppend, StoredEventLocation, StoreLimits } from '../store-kit/validation'
import {
  checkStoredEvents,
  continueChains,
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

/** Creates an empty in-memory store. */
export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): EventStore =>
  defineEventStore((kit) => memoryDriver(options, kit))

// --- the log ---

/** The log: events in position order, by stream and by id, as recorded and as stored. */
class MemoryLog {
  readonly events: RecordedEvent[] = []
  /** The log as stored (canonical text and chain hash), in position order beside `events`. */
  readonly stored: StoredEvent[] = []
  readonly heads = new Map<string, StreamHead>()
  readonly streams = new Map<string, RecordedEvent[]>()
  readonly byEventId = new Map<string, RecordedEvent>()

  lastRevision(streamId: string): number {
    return (this.streams.get(streamId)?.length ?? 0) - 1
  }

  /** Adds one stored event to the log, its stream and its stream's head. */
  record(event: StoredEvent): void {
    const recorded = deepFreeze(toRecorded(event))
    let stream = this.streams.get(event.streamId)
    if (stream === undefined) {
      stream = []
      this.streams.set(event.streamId, stream)
    }
    stream.push(recorded)
    this.events.push(recorded)
    this.stored.push(Object.freeze({ ...event }))
    this.byEventId.set(recorded.eventId, recorded)
    this.heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash })
  }

  /** Writes one stream's checked events at the next positions, each chained to the one before. */
  write(append: CheckedStreamAppend, recordedAt: string): AppendResult {
    const firstRevision = this.lastRevision(append.streamId) + 1
    const firstPosition = this.events.length + 1
    for (const { event, data, metadata } of append.events) {
      const fields = {
        eventId: event.eventId,
        streamId: append.streamId,
        revision: this.lastRevision(append.streamId) + 1,
        position: this.events.length + 1,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data,
        metadata,
        recordedAt,
      }
      this.record({ ...fields, hash: chainHash(this.heads.get(append.streamId)?.hash ?? GENESIS_HASH, fields) })
    }
    return {
      streamId: append.streamId,
      firstRevision,
      lastRevision: this.lastRevision(append.streamId),
      firstPosition,
      lastPosition: this.events.length,
      alreadyStored: false,
    }
  }

  /** Refuses appends that cannot be written as they are: an id stored already, a stream moved on. */
  refuse(appends: ReadonlyArray<CheckedStreamAppend>): void {
    for (const append of appends)
      for (const { event } of append.events)
        if (this.byEventId.has(event.eventId)) throw new EventIdTakenError(event.eventId)
    for (const append of appends) {
      const actual = this.lastRevision(append.streamId)
      if (!revisionMatches(append.expectedRevision, actual))
        throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, actual)
    }
  }

  /** The events `write` would record for `appends`, without recording them. */
  preview(appends: ReadonlyArray<CheckedStreamAppend>, recordedAt: string): RecordedEvent[] {
    // A batch names each stream once, so each part starts just after its stream's last revision.
    let position = this.events.length + 1
    return appends.flatMap((append) => {
      const start = { revision: this.lastRevision(append.streamId) + 1, position }
      const events = recordedEvents(append, start, recordedAt)
      position += events.length
      return events.map(deepFreeze)
    })
  }

  locate(eventId: string): StoredEventLocation | undefined {
    const e = this.byEventId.get(eventId)
    return e === undefined
      ? undefined
      : { eventId, streamId: e.streamId, revision: e.revision, position: e.position, type: e.type }
  }
}

// --- the driver ---

const memoryDriver = (options: MemoryEventStoreOptions, kit: StoreKit): StoreDriver => {
  const clock = options.clock ?? systemClock
  const log = new MemoryLog()
  const commits = new Subject<void>()
  const readModels = options.readModels ?? createMemoryReadModelStorage()
  const exclusive = createMutex()
  let inFlight = 0

  /** Checks and writes a set of appends in one step: all or nothing. */
  const write = async (appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> => {
    // Let other callers run first, as a real store's round trip would, so concurrency is exercised.
    await Promise.resolve()
    kit.ensureOpen()
    if (readModels.inlineHandler() === undefined && inFlight === 0) {
      log.refuse(appends)
      const recordedAt = clock.now().toISOString()
      const results = appends.map((append) => log.write(append, recordedAt))
      commits.next()
      return results
    }
    // Inline projections see the events as they will be recorded, inside the read models'
    // transaction, before anything is written: readers never see events a projection may yet refuse.
    // Appends wait their turn meanwhile.
    inFlight++
    try {
      return await exclusive(async () => {
        log.refuse(appends)
        const handler = readModels.inlineHandler()
        const recordedAt = clock.now().toISOString()
        const pending = log.preview(appends, recordedAt)
        const results = await readModels.transaction(async (tx) => {
          await handler?.(pending, tx)
          return appends.map((append) => log.write(append, recordedAt))
        })
        commits.next()
        return results
      })
    } finally {
      inFlight--
    }
  }

  const importStored = async (events: ReadonlyArray<StoredEvent>): Promise<void> => {
    inFlight++
    try {
      await exclusive(async () => {
        await Promise.resolve()
        const checked = checkStoredEvents(events, log.events.length, kit.limits)
        const taken = checked.find((e) => log.byEventId.has(e.eventId))
        if (taken !== undefined) throw new EventIdConflictError(taken.eventId, 'is already stored')
        continueChains(checked, log.heads)
        const pending = checked.map((event) => deepFreeze(toRecorded(event)))
        const handler = readModels.inlineHandler()
        await readModels.transaction(async (tx) => {
          await handler?.(pending, tx)
          for (const event of checked) log.record(event)
        })
        commits.next()
      })
    } finally {
      inFlight--
    }
  }

  return {
    name: 'the in-memory store',
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    write,
    locate: locateEach((eventId) => log.locate(eventId)),
    readStream: (streamId, o) => iterate(readStream(log, streamId, o)),
    readAll: (o) => iterate(readAll(log, o)),
    readStored: (o) => {
      const from = Math.max(o.fromPosition ?? 1, 1)
      const to = Math.min(o.toPosition ?? log.stored.length, log.stored.length)
      return iterate(log.stored.slice(from - 1, Math.max(from - 1, to)))
    },
    streamHeads: (position) => {
      const at = new Map<string, StreamHead>()
      for (const event of log.stored.slice(0, position))
        at.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash })
      return iterate([...at.values()])
    },
    readBatch: async (fromPosition, request) => {
      await Promise.resolve()
      const events: RecordedEvent[] = []
      let p = fromPosition
      for (; p <= log.events.length && events.length < request.batchSize; p++) {
        const e = log.events[p - 1]
        if (e !== undefined && matchesFilter(request.filter, e)) events.push(e)
      }
      return { events, nextPosition: p, reachedHead: p > log.events.length }
    },
    commits,
    importStored,
    headPosition: async () => log.events.length,
    close: async () => {
      commits.complete()
    },
    snapshots: memorySnapshots(log),
    readModels,
  }
}

const memorySnapshots = (log: MemoryLog): SnapshotDriver => {
  const snapshots = new Map<string, Snapshot>()
  return {
    read: async (streamId) => snapshots.get(streamId),
    write: async (snapshot) => {
      checkSnapshotRevision(snapshot, { revision: log.lastRevision(snapshot.streamId) })
      const kept = snapshots.get(snapshot.streamId)
      if (kept === undefined || kept.revision <= snapshot.revision)
        snapshots.set(snapshot.streamId, deepFreeze(JSON.parse(JSON.stringify(snapshot)) as Snapshot))
    },
  }
}

// --- reads ---

const readStream = (log: MemoryLog, streamId: string, o: ReadStreamOptions): RecordedEvent[] => {
  const stream = log.streams.get(streamId) ?? []
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
  return selected
}

const readAll = (log: MemoryLog, options: ReadAllOptions): RecordedEvent[] => {
  const events = log.events
  const out: RecordedEvent[] = []
  const max = options.maxCount ?? Number.MAX_SAFE_INTEGER
  if (options.direction === 'backwards') {
    const from = Math.min(options.fromPosition ?? events.length, events.length)
    const to = Math.max(options.toPosition ?? 1, 1)
    for (let p = from; p >= to && out.length < max; p--) {
      const e = events[p - 1]
      if (e !== undefined && matchesFilter(options.filter, e)) out.push(e)
    }
  } else {
    const from = Math.max(options.fromPosition ?? 1, 1)
    const to = Math.min(options.toPosition ?? events.length, events.length)
    for (let p = from; p <= to && out.length < max; p++) {
      const e = events[p - 1]
      if (e !== undefined && matchesFilter(options.filter, e)) out.push(e)
    }
  }
  return out
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
