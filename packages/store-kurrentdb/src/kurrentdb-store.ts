/**
 * The KurrentDB store: a driver of the store kit on `@kurrent/kurrentdb-client`. See `records.ts`
 * for how a ledger lives in KurrentDB and `positions.ts` for how its positions map to `$all`.
 */
import type {
  AppendResult,
  Clock,
  EventFilter,
  EventStore,
  KeyStore,
  ReadAllOptions,
  ReadModelStorage,
  ReadStoredOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEvent,
  StreamHead,
} from '@civic-ledger/core'
import {
  chainHash,
  CorruptEventError,
  EventIdConflictError,
  GENESIS_HASH,
  StoreUnavailableError,
  systemClock,
  toRecorded,
  WrongExpectedRevisionError,
} from '@civic-ledger/core'
import type { CheckedStreamAppend, StoredEventLocation, StoreKit } from '@civic-ledger/core/store-kit'
import {
  batchUpToHead,
  checkStoredEvents,
  continueChains,
  createMutex,
  defineEventStore,
  EventIdTakenError,
  revisionMatches,
} from '@civic-ledger/core/store-kit'
import type {
  AllStreamResolvedEvent,
  AppendStreamRequest,
  Position,
  RecordedEvent as ClientRecordedEvent,
} from '@kurrent/kurrentdb-client'
import { BACKWARDS, END, FORWARDS, START } from '@kurrent/kurrentdb-client'
import type { Observable } from 'rxjs'

import type { KurrentClient } from './client'
import { liveCommits } from './commits'
import { isStreamNotFound, isWrongExpectedVersion, portError } from './errors'
import { clientMatches, serverFilter } from './filters'
import { PositionIndex } from './positions'
import {
  fromRecorded,
  idEvent,
  lastPositionOf,
  ledgerNames,
  NotALedgerEvent,
  positionsEvent,
  reservationOf,
  streamStateOf,
  toEventData,
} from './records'

export interface KurrentDBEventStoreOptions {
  /** A connected client (`KurrentDBClient.connectionString(…)`), or anything with its methods. */
  readonly client: KurrentClient
  /** The ledger's name on the server: its streams are `<ledger>/<streamId>`. Default `civic-ledger`. */
  readonly ledger?: string
  /** How errors name the store. Default `the KurrentDB ledger <ledger>`. */
  readonly name?: string
  readonly clock?: Clock
  /**
   * Where read models and projection checkpoints live: the `readModels` of a SQLite or PostgreSQL
   * store (KurrentDB keeps none). Projections are then asynchronous only; checkpoints are ledger
   * positions, the same integers as this store's.
   */
  readonly readModels?: ReadModelStorage
  readonly keyStore?: KeyStore
  /** Called once when the store closes (e.g. to close the read models' store). */
  readonly onClose?: () => Promise<void>
  /** A subscription's page when the caller gives none. Default 500. */
  readonly batchSize?: number
  /** How long to wait before resubscribing after the live subscription drops. Default 1000 ms. */
  readonly reconnectDelayMs?: number
  /** How many times an append is tried again when another writer moved the ledger first. Default 20. */
  readonly maxAttempts?: number
}

/** One page of a scan: at most this many events are held while a commit's events are put in order. */
const READ_PAGE = 500

/**
 * Opens a ledger on a KurrentDB client. Nothing is read until the first call: an empty ledger is a
 * ledger whose streams do not exist yet.
 */
export const openKurrentDBEventStore = (options: KurrentDBEventStoreOptions): EventStore =>
  defineEventStore((kit) => kurrentDriver(options, kit))

const kurrentDriver = (options: KurrentDBEventStoreOptions, kit: StoreKit) => {
  const { client } = options
  const names = ledgerNames(options.ledger ?? 'civic-ledger')
  const name = options.name ?? `the KurrentDB ledger ${names.ledger}`
  const clock = options.clock ?? systemClock
  const index = new PositionIndex()
  const exclusive = createMutex()
  const maxAttempts = options.maxAttempts ?? 20
  const commits = liveCommits(client, names, {
    reconnectDelayMs: options.reconnectDelayMs ?? 1000,
  })

  const fail = (operation: string) => (error: unknown) => {
    throw portError(name, operation, error)
  }

  /** The last event of a KurrentDB stream, or undefined when it has none. */
  const readLast = async (streamName: string): Promise<ClientRecordedEvent | undefined> => {
    try {
      for await (const resolved of client.readStream(streamName, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      }))
        if (resolved.event !== undefined) return resolved.event
      return undefined
    } catch (error) {
      if (isStreamNotFound(error)) return undefined
      throw portError(name, `reading ${streamName}`, error)
    }
  }

  const stored = (event: ClientRecordedEvent): StoredEvent => {
    try {
      return fromRecorded(names, event)
    } catch (error) {
      if (error instanceof NotALedgerEvent)
        throw new CorruptEventError(0, names.streamId(event.streamId) ?? event.streamId, Number(event.revision), error.message)
      throw error
    }
  }

  const headPosition = async (): Promise<number> => {
    const last = await readLast(names.positions)
    return last === undefined ? 0 : lastPositionOf(last)
  }

  /**
   * The ledger's events from `$all`, in ledger order: the events of one commit (one append) are put
   * in order of their ledger positions before they are given, whatever order the server wrote them
   * in, and the index learns where each commit ended.
   */
  async function* scan(direction: 'forwards' | 'backwards', from: number, filter?: EventFilter) {
    const forwards = direction === 'forwards'
    const start = forwards ? index.before(from) : undefined
    const events = client.readAll({
      direction: forwards ? FORWARDS : BACKWARDS,
      fromPosition: start?.position ?? (forwards ? START : END),
      filter: serverFilter(names, filter),
    })
    let group: Array<{ readonly event: StoredEvent; readonly at: Position }> = []
    let commit: bigint | undefined
    const flush = (): StoredEvent[] => {
      const sorted = group.sort((a, b) => (forwards ? 1 : -1) * (a.event.position - b.event.position))
      const last = sorted[sorted.length - 1]
      if (forwards && last !== undefined) {
        const furthest = group.reduce((p, e) => (e.at.prepare > p.prepare ? e.at : p), last.at)
        index.record(last.event.position, furthest)
      }
      group = []
      return sorted.map((e) => e.event)
    }
    try {
      let seen = 0
      for await (const resolved of events as AsyncIterable<AllStreamResolvedEvent>) {
        if (++seen % READ_PAGE === 0) kit.ensureOpen()
        const event = resolved.event
        if (event === undefined || names.streamId(event.streamId) === undefined) continue
        if (commit !== undefined && event.position.commit !== commit) yield* flush()
        commit = event.position.commit
        group.push({ event: stored(event), at: event.position })
      }
      yield* flush()
    } catch (error) {
      throw portError(name, 'reading the ledger', error)
    }
  }

  /** Stored events from `from` to `to` (inclusive) in the direction, matching `filter`, at most `maxCount`. */
  async function* range(
    direction: 'forwards' | 'backwards',
    from: number,
    to: number | undefined,
    filter: EventFilter | undefined,
    maxCount: number | undefined,
  ): AsyncGenerator<StoredEvent> {
    const forwards = direction === 'forwards'
    let count = 0
    for await (const event of scan(direction, from, filter)) {
      if (forwards ? event.position < from : event.position > from) continue
      if (to !== undefined && (forwards ? event.position > to : event.position < to)) return
      if (!clientMatches(filter, event)) continue
      yield event
      if (maxCount !== undefined && ++count >= maxCount) return
    }
  }

  const readAll = (o: ReadAllOptions): AsyncIterable<RecordedEvent> =>
    (async function* () {
      const direction = o.direction ?? 'forwards'
      const from = o.fromPosition ?? (direction === 'forwards' ? 1 : Number.MAX_SAFE_INTEGER)
      for await (const event of range(direction, from, o.toPosition, o.filter, o.maxCount)) yield toRecorded(event)
    })()

  const readStored = (o: ReadStoredOptions): AsyncIterable<StoredEvent> =>
    range('forwards', Math.max(o.fromPosition ?? 1, 1), o.toPosition, undefined, undefined)

  const readStream = (streamId: string, o: ReadStreamOptions): AsyncIterable<RecordedEvent> =>
    (async function* () {
      const forwards = o.direction !== 'backwards'
      const events = client.readStream(names.stream(streamId), {
        direction: forwards ? FORWARDS : BACKWARDS,
        fromRevision: o.fromRevision === undefined ? (forwards ? START : END) : BigInt(o.fromRevision),
      })
      let count = 0
      try {
        for await (const resolved of events) {
          kit.ensureOpen()
          if (resolved.event === undefined) continue
          const event = stored(resolved.event)
          if (o.toRevision !== undefined && (forwards ? event.revision > o.toRevision : event.revision < o.toRevision))
            return
          if (o.until !== undefined && event.position > o.until) {
            if (forwards) return
            continue
          }
          yield toRecorded(event)
          if (o.maxCount !== undefined && ++count >= o.maxCount) return
        }
      } catch (error) {
        if (isStreamNotFound(error)) return
        throw portError(name, `reading stream ${streamId}`, error)
      }
    })()

  const streamHeads = (position: number): AsyncIterable<StreamHead> =>
    (async function* () {
      const heads = new Map<string, StreamHead>()
      if (position > 0)
        for await (const event of range('forwards', 1, position, undefined, undefined))
          heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash })
      yield* heads.values()
    })()

  /** Where each stored id is, from its `<ledger>.id-<eventId>` stream. */
  const locate = async (eventIds: ReadonlyArray<string>): Promise<ReadonlyMap<string, StoredEventLocation>> => {
    const found = new Map<string, StoredEventLocation>()
    for (const id of eventIds) {
      const last = await readLast(names.idStream(id))
      const reservation = last === undefined ? undefined : reservationOf(last)
      if (reservation !== undefined) found.set(id, reservation)
    }
    return found
  }

  /** Writes a prepared batch: the positions event first, then each stream's events, then the id reservations. */
  const commitBatch = async (
    positionsRevision: number,
    streams: ReadonlyArray<{ readonly streamId: string; readonly actual: number; readonly events: StoredEvent[] }>,
  ): Promise<void> => {
    const all = streams.flatMap((s) => s.events)
    const first = all[0]
    const last = all[all.length - 1]
    if (first === undefined || last === undefined) return
    const requests: AppendStreamRequest[] = [
      {
        streamName: names.positions,
        expectedState: streamStateOf(positionsRevision),
        events: [
          positionsEvent(
            { firstPosition: first.position, lastPosition: last.position, streams: streams.map((s) => s.streamId) },
            first.eventId,
          ),
        ],
      },
      ...streams.map((s) => ({
        streamName: names.stream(s.streamId),
        expectedState: streamStateOf(s.actual),
        events: s.events.map(toEventData),
      })),
      ...all.map((event) => ({
        streamName: names.idStream(event.eventId),
        expectedState: 'no_stream' as const,
        events: [idEvent(event)],
      })),
    ]
    await client.multiStreamAppend(requests)
  }

  /** Which stream a wrong expected version named: the positions stream, an id, a ledger stream, or unknown. */
  const conflictOn = (error: { readonly streamName?: string }): { readonly eventId?: string } => {
    const stream = error.streamName ?? ''
    const idPrefix = names.idStream('')
    return stream.startsWith(idPrefix) ? { eventId: stream.slice(idPrefix.length) } : {}
  }

  const write = (appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> =>
    exclusive(async () => {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        kit.ensureOpen()
        const positions = await readLast(names.positions)
        const positionsRevision = positions === undefined ? -1 : Number(positions.revision)
        let position = positions === undefined ? 0 : lastPositionOf(positions)
        if (attempt > 0)
          // the server refused an earlier attempt without saying why: an id already stored is a refusal of its own
          for (const { event } of appends.flatMap((a) => a.events))
            if ((await readLast(names.idStream(event.eventId))) !== undefined) throw new EventIdTakenError(event.eventId)
        const recordedAt = clock.now().toISOString()
        const streams: Array<{ streamId: string; actual: number; events: StoredEvent[] }> = []
        const results: AppendResult[] = []
        for (const append of appends) {
          const lastEvent = await readLast(names.stream(append.streamId))
          const head = lastEvent === undefined ? undefined : stored(lastEvent)
          const actual = head?.revision ?? -1
          if (!revisionMatches(append.expectedRevision, actual))
            throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, actual)
          let prev = head?.hash ?? GENESIS_HASH
          const events = append.events.map(({ event, data, metadata }, i): StoredEvent => {
            const fields = {
              eventId: event.eventId,
              streamId: append.streamId,
              revision: actual + 1 + i,
              position: ++position,
              type: event.type,
              schemaVersion: event.schemaVersion,
              data,
              metadata,
              recordedAt,
            }
            prev = chainHash(prev, fields)
            return { ...fields, hash: prev }
          })
          streams.push({ streamId: append.streamId, actual, events })
          results.push({
            streamId: append.streamId,
            firstRevision: actual + 1,
            lastRevision: actual + events.length,
            firstPosition: events[0]?.position ?? position,
            lastPosition: position,
            alreadyStored: false,
          })
        }
        try {
          await commitBatch(positionsRevision, streams)
          commits.committed()
          return results
        } catch (error) {
          if (!isWrongExpectedVersion(error)) throw portError(name, 'appending', error)
          const on = conflictOn(error)
          if (on.eventId !== undefined) throw new EventIdTakenError(on.eventId)
          // another writer moved the ledger or the stream first: read again and decide again
        }
      }
      throw new StoreUnavailableError(
        `${name}: the append was refused ${maxAttempts} times as other writers moved the ledger first; nothing was written`,
      )
    })

  const importStored = (events: ReadonlyArray<StoredEvent>): Promise<void> =>
    exclusive(async () => {
      const positions = await readLast(names.positions)
      const head = positions === undefined ? 0 : lastPositionOf(positions)
      const checked = checkStoredEvents(events, head, kit.limits)
      const touched = [...new Set(checked.map((e) => e.streamId))]
      const heads = new Map<string, StreamHead>()
      for (const streamId of touched) {
        const last = await readLast(names.stream(streamId))
        if (last !== undefined) {
          const e = stored(last)
          heads.set(streamId, { streamId, revision: e.revision, hash: e.hash })
        }
      }
      continueChains(checked, heads)
      const streams = touched.map((streamId) => ({
        streamId,
        actual: heads.get(streamId)?.revision ?? -1,
        events: checked.filter((e) => e.streamId === streamId),
      }))
      try {
        await commitBatch(positions === undefined ? -1 : Number(positions.revision), streams)
      } catch (error) {
        if (isWrongExpectedVersion(error)) {
          const on = conflictOn(error)
          if (on.eventId !== undefined) throw new EventIdConflictError(on.eventId, 'is already stored')
          throw new StoreUnavailableError(`${name}: the ledger moved while importing; nothing was written`, {
            cause: error,
          })
        }
        throw portError(name, 'importing', error)
      }
      commits.committed()
    })

  const readBatch = async (fromPosition: number, request: { readonly filter?: EventFilter; readonly batchSize: number }) => {
    // the head first: every position up to it is committed, so a short read has seen all of them
    const head = await headPosition().catch(fail('reading the head'))
    const events: RecordedEvent[] = []
    if (head >= fromPosition)
      for await (const event of range('forwards', fromPosition, head, request.filter, request.batchSize))
        events.push(toRecorded(event))
    return batchUpToHead(events, fromPosition, head, request.batchSize)
  }

  return {
    name,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    write,
    locate,
    readStream,
    readAll,
    readStored,
    streamHeads,
    readBatch,
    commits: commits.signals as Observable<unknown>,
    importStored,
    headPosition: () => headPosition(),
    close: async () => {
      commits.close()
      try {
        await options.onClose?.()
      } finally {
        await client.dispose()
      }
    },
    ...(options.readModels === undefined ? {} : { readModels: options.readModels }),
    ...(options.keyStore === undefined ? {} : { keyStore: options.keyStore }),
  }
}

