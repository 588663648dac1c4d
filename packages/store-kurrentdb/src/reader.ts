/**
 * The KurrentDB store's reads: streams, the ledger in order from `$all` (each commit's events put in
 * ledger order), the head, subscription batches, and where event ids are.
 */
import type {
  EventFilter,
  ReadAllOptions,
  ReadStoredOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEvent,
  StreamHead,
} from '@civic-ledger/core'
import { CorruptEventError, toRecorded } from '@civic-ledger/core'
import type { StoredEventLocation, StoreKit } from '@civic-ledger/core/store-kit'
import { batchUpToHead } from '@civic-ledger/core/store-kit'
import type { AllStreamResolvedEvent, Position, RecordedEvent as ClientRecordedEvent } from '@kurrent/kurrentdb-client'
import { BACKWARDS, END, FORWARDS, START } from '@kurrent/kurrentdb-client'

import type { KurrentClient } from './client'
import { isStreamNotFound, portError } from './errors'
import { clientMatches, serverFilter } from './filters'
import type { PositionIndex } from './positions'
import type { LedgerNames } from './records'
import { fromRecorded, lastPositionOf, NotALedgerEvent, reservationOf } from './records'

/** What the driver's parts share. */
export interface DriverContext {
  readonly client: KurrentClient
  readonly names: LedgerNames
  /** How errors name the store. */
  readonly name: string
  readonly kit: StoreKit
}

/** One page of a scan: at most this many events are held while a commit's events are put in order. */
const READ_PAGE = 500

/** How far before a read's start the index's nearest entry may be before the positions stream is searched instead. */
const SEEK_AFTER = 1024

/** Reads of single streams: a stream's last event, a stream, the head, where event ids are. */
export const streamReads = ({ client, names, name, kit }: DriverContext) => {
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
        throw new CorruptEventError(
          0,
          names.streamId(event.streamId) ?? event.streamId,
          Number(event.revision),
          error.message,
        )
      throw error
    }
  }

  const headPosition = async (): Promise<number> => {
    const last = await readLast(names.positions)
    return last === undefined ? 0 : lastPositionOf(last)
  }

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

  return { fail, readLast, stored, headPosition, readStream, locate }
}

export type StreamReads = ReturnType<typeof streamReads>

/** Finds where in `$all` a read from an ordinal should start (see `startBefore`). */
const positionSeek = (
  { client, names, name }: Pick<DriverContext, 'client' | 'names' | 'name'>,
  readLast: StreamReads['readLast'],
  index: PositionIndex,
) => {
  /** The event at `revision` of `<ledger>.positions`. */
  const positionsAt = async (revision: number): Promise<ClientRecordedEvent | undefined> => {
    try {
      for await (const resolved of client.readStream(names.positions, {
        direction: FORWARDS,
        fromRevision: BigInt(revision),
        maxCount: 1,
      }))
        if (resolved.event !== undefined) return resolved.event
      return undefined
    } catch (error) {
      throw portError(name, `reading ${names.positions}`, error)
    }
  }

  /**
   * Where in `$all` to start reading for ordinal `from`: the index's nearest entry when it is close,
   * else a binary search of `<ledger>.positions` for the last append wholly before `from` (its
   * `$all` position; every later append commits after it). At most log2(appends) single-event reads.
   */
  const startBefore = async (from: number): Promise<{ readonly position: Position } | undefined> => {
    const known = index.before(from)
    if (from <= 1 || (known !== undefined && from - known.ordinal <= SEEK_AFTER)) return known
    const last = await readLast(names.positions)
    if (last === undefined) return known
    let lo = 0
    let hi = Number(last.revision)
    let found: { readonly ordinal: number; readonly position: Position } | undefined
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2)
      const event = await positionsAt(mid)
      if (event === undefined) break
      const lastPosition = lastPositionOf(event)
      if (lastPosition < from) {
        if (event.position !== undefined) found = { ordinal: lastPosition, position: event.position }
        lo = mid + 1
      } else hi = mid - 1
    }
    return found !== undefined && (known === undefined || found.ordinal > known.ordinal) ? found : known
  }

  return startBefore
}

/** Reads of the ledger in order, from `$all`. */
export const logReads = (
  { client, names, name, kit }: DriverContext,
  { stored, headPosition, fail, readLast }: StreamReads,
  index: PositionIndex,
) => {
  const startBefore = positionSeek({ client, names, name }, readLast, index)

  /**
   * The ledger's events from `$all`, in ledger order: the events of one commit (one append) are put
   * in order of their ledger positions before they are given, whatever order the server wrote them
   * in, and the index learns where each commit ended.
   */
  async function* scan(direction: 'forwards' | 'backwards', from: number, filter?: EventFilter) {
    const forwards = direction === 'forwards'
    const start = forwards ? await startBefore(from) : undefined
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

  const streamHeads = (position: number): AsyncIterable<StreamHead> =>
    (async function* () {
      const heads = new Map<string, StreamHead>()
      if (position > 0)
        for await (const event of range('forwards', 1, position, undefined, undefined))
          heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash })
      yield* heads.values()
    })()

  const readBatch = async (
    fromPosition: number,
    request: { readonly filter?: EventFilter; readonly batchSize: number },
  ) => {
    // the head first: every position up to it is committed, so a short read has seen all of them
    const head = await headPosition().catch(fail('reading the head'))
    const events: RecordedEvent[] = []
    if (head >= fromPosition)
      for await (const event of range('forwards', fromPosition, head, request.filter, request.batchSize))
        events.push(toRecorded(event))
    return batchUpToHead(events, fromPosition, head, request.batchSize)
  }

  return { readAll, readStored, streamHeads, readBatch }
}
