/**
 * The in-memory store: the reference driver of the store kit, for tests, examples and short-lived
 * tools. Appends cost the same however many streams there are (a map from stream id to its events,
 * and one array in position order); stored events are frozen copies, so neither the writer nor a
 * reader can change history by mutating an object. The kit checks every argument and settles
 * retries; this file only keeps the log.
 */
import { Subject } from 'rxjs'

import type { RecordedEvent } from '../events/envelope'
import type { EventMetadata } from '../events/metadata'
import type { Clock } from '../kernel/clock'
import { systemClock } from '../kernel/clock'
import { EventIdConflictError } from '../kernel/errors'
import type { JsonValue } from '../kernel/json'
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

/** What an in-memory store is made with: its clock, its limits, and its read-model storage. */
export interface MemoryEventStoreOptions {
  /** Where recorded times come from. Default: the system clock. */
  readonly clock?: Clock
  /** Sizes the store refuses to go beyond, where they differ from every store's defaults. */
  readonly limits?: Partial<StoreLimits>
  /** Where read models live; inline projections run inside its transactions. Default: a new one. */
  readonly readModels?: MemoryReadModelStorage
}

/** Creates an empty in-memory store. */
export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): EventStore =>
  defineEventStore((kit) => memoryDriver(options, kit))

// --- the log ---

/**
 * An event as the log keeps it: what it stores but its hash, which is computed when first asked for.
 * Entries never leave the log (readers get copies or recorded forms), so nothing outside can
 * change one, and they are not frozen.
 */
type Entry = Readonly<Omit<StoredEvent, 'hash'>>

/**
 * The log: each event kept once, as stored (canonical text), in position order, by stream and by
 * id. Its recorded form (data and metadata parsed, frozen) is made the first time it is read, and
 * kept: an append parses nothing, and only the events read are held twice. Chain hashes are
 * computed in position order when first needed (a stored read, a stream's head, an import): each
 * follows from the event's stored fields and its stream's hash before it, so computing it later
 * gives the hash computing it at the append would have.
 */
class MemoryLog {
  private readonly entries: Entry[] = []
  /** Chain hashes, by position - 1, computed for the first `hashed` events. */
  private readonly hashes: string[] = []
  private hashed = 0
  /** Each stream's last computed hash. */
  private readonly lastHash = new Map<string, string>()
  /** Recorded forms, by position - 1, filled as events are read. */
  private readonly recorded: (RecordedEvent | undefined)[] = []
  readonly streams = new Map<string, Entry[]>()
  readonly byEventId = new Map<string, Entry>()

  get length(): number {
    return this.entries.length
  }

  lastRevision(streamId: string): number {
    return (this.streams.get(streamId)?.length ?? 0) - 1
  }

  /** The event at a position (1-based) as recorded. */
  at(position: number): RecordedEvent | undefined {
    const kept = this.recorded[position - 1]
    if (kept !== undefined) return kept
    const e = this.entries[position - 1]
    if (e === undefined) return undefined
    const recorded = deepFreeze<RecordedEvent>({
      eventId: e.eventId,
      streamId: e.streamId,
      revision: e.revision,
      position: e.position,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: JSON.parse(e.data) as JsonValue,
      metadata: JSON.parse(e.metadata) as EventMetadata,
      recordedAt: e.recordedAt,
    })
    this.recorded[position - 1] = recorded
    return recorded
  }

  /** Computes the chain hashes of the events up to a position. */
  private hashUpTo(position: number): void {
    for (let p = this.hashed; p < position && p < this.entries.length; p++) {
      const e = this.entries[p] as Entry
      const hash = chainHash(this.lastHash.get(e.streamId) ?? GENESIS_HASH, e)
      this.hashes[p] = hash
      this.lastHash.set(e.streamId, hash)
      this.hashed = p + 1
    }
  }

  /** The events from `from` to `to` (1-based, inclusive) as stored, hashes and all. */
  storedBetween(from: number, to: number): StoredEvent[] {
    this.hashUpTo(to)
    const out: StoredEvent[] = []
    for (let p = from; p <= to; p++) {
      const e = this.entries[p - 1]
      if (e !== undefined) out.push(Object.freeze({ ...e, hash: this.hashes[p - 1] ?? '' }))
    }
    return out
  }

  /** Each stream's head at a position: its last event's revision and hash. */
  heads(upTo = this.entries.length): Map<string, StreamHead> {
    this.hashUpTo(upTo)
    const at = new Map<string, StreamHead>()
    if (upTo >= this.entries.length)
      for (const [streamId, events] of this.streams) {
        const last = events[events.length - 1]
        if (last !== undefined)
          at.set(streamId, { streamId, revision: last.revision, hash: this.hashes[last.position - 1] ?? '' })
      }
    else
      for (const e of this.entries.slice(0, upTo))
        at.set(e.streamId, { streamId: e.streamId, revision: e.revision, hash: this.hashes[e.position - 1] ?? '' })
    return at
  }

  /** Adds one event (owned by the log) to the log and its stream. */
  private record(entry: Entry): void {
    let stream = this.streams.get(entry.streamId)
    if (stream === undefined) {
      stream = []
      this.streams.set(entry.streamId, stream)
    }
    stream.push(entry)
    this.entries.push(entry)
    this.byEventId.set(entry.eventId, entry)
  }

  /** Adds events recorded elsewhere, each chained already (checked by the caller against `heads`). */
  recordStored(events: ReadonlyArray<StoredEvent>): void {
    this.hashUpTo(this.entries.length)
    for (const { hash, ...entry } of events) {
      this.record(entry)
      this.hashes.push(hash)
      this.lastHash.set(entry.streamId, hash)
      this.hashed++
    }
  }

  /** Writes one stream's checked events at the next positions; their hashes follow when asked for. */
  write(append: CheckedStreamAppend, recordedAt: string): AppendResult {
    const streamId = append.streamId
    const firstRevision = this.lastRevision(streamId) + 1
    const firstPosition = this.entries.length + 1
    let revision = firstRevision
    for (const { event, data, metadata } of append.events)
      this.record({
        eventId: event.eventId,
        streamId,
        revision: revision++,
        position: this.entries.length + 1,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data,
        metadata,
        recordedAt,
      })
    return {
      streamId,
      firstRevision,
      lastRevision: revision - 1,
      firstPosition,
      lastPosition: this.entries.length,
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
    let position = this.entries.length + 1
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
  // Appends within one millisecond share its text, formatted once.
  let lastTime = Number.NaN
  let lastRecordedAt = ''
  const recordedAtNow = (): string => {
    const at = clock.now()
    const time = at.getTime()
    if (time !== lastTime) {
      lastRecordedAt = at.toISOString()
      lastTime = time
    }
    return lastRecordedAt
  }

  /** Checks and writes a set of appends in one step: all or nothing. */
  const write = async (appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> => {
    // Let other callers run first, as a real store's round trip would, so concurrency is exercised.
    await Promise.resolve()
    kit.ensureOpen()
    if (readModels.inlineHandler() === undefined && inFlight === 0) {
      log.refuse(appends)
      const recordedAt = recordedAtNow()
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
        const recordedAt = recordedAtNow()
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
        const checked = checkStoredEvents(events, log.length, kit.limits)
        const taken = checked.find((e) => log.byEventId.has(e.eventId))
        if (taken !== undefined) throw new EventIdConflictError(taken.eventId, 'is already stored')
        continueChains(checked, log.heads())
        const handler = readModels.inlineHandler()
        const pending = handler === undefined ? [] : checked.map((event) => deepFreeze(toRecorded(event)))
        await readModels.transaction(async (tx) => {
          await handler?.(pending, tx)
          log.recordStored(checked)
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
      const to = Math.min(o.toPosition ?? log.length, log.length)
      return iterate(log.storedBetween(from, to))
    },
    streamHeads: (position) => iterate([...log.heads(position).values()]),
    readBatch: async (fromPosition, request) => {
      await Promise.resolve()
      const events: RecordedEvent[] = []
      let p = fromPosition
      for (; p <= log.length && events.length < request.batchSize; p++) {
        const e = log.at(p)
        if (e !== undefined && matchesFilter(request.filter, e)) events.push(e)
      }
      return { events, nextPosition: p, reachedHead: p > log.length }
    },
    commits,
    importStored,
    headPosition: async () => log.length,
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
      if (e !== undefined && e.position <= until) selected.push(log.at(e.position) as RecordedEvent)
    }
  } else {
    const to = Math.min(o.toRevision ?? stream.length - 1, stream.length - 1)
    for (let r = o.fromRevision ?? 0; r <= to && selected.length < max; r++) {
      const e = stream[r]
      if (e === undefined || e.position > until) break
      selected.push(log.at(e.position) as RecordedEvent)
    }
  }
  return selected
}

const readAll = (log: MemoryLog, options: ReadAllOptions): RecordedEvent[] => {
  const length = log.length
  const out: RecordedEvent[] = []
  const max = options.maxCount ?? Number.MAX_SAFE_INTEGER
  if (options.direction === 'backwards') {
    const from = Math.min(options.fromPosition ?? length, length)
    const to = Math.max(options.toPosition ?? 1, 1)
    for (let p = from; p >= to && out.length < max; p--) {
      const e = log.at(p)
      if (e !== undefined && matchesFilter(options.filter, e)) out.push(e)
    }
  } else {
    const from = Math.max(options.fromPosition ?? 1, 1)
    const to = Math.min(options.toPosition ?? length, length)
    for (let p = from; p <= to && out.length < max; p++) {
      const e = log.at(p)
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
