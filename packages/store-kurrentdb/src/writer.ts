/**
 * The KurrentDB store's writes: each append or import is one multi-stream append of the
 * `<ledger>.positions` event (expected at the revision read, which serialises writers everywhere),
 * the streams' events (expected at the revisions read, chained client-side), and one id reservation
 * per event (expected `no_stream`).
 */
import type { AppendResult, Clock, StoredEvent, StreamHead } from '@civic-ledger/core'
import {
  chainHash,
  EventIdConflictError,
  GENESIS_HASH,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '@civic-ledger/core'
import type { CheckedStreamAppend } from '@civic-ledger/core/store-kit'
import {
  checkStoredEvents,
  continueChains,
  createMutex,
  EventIdTakenError,
  revisionMatches,
} from '@civic-ledger/core/store-kit'
import type { AppendStreamRequest } from '@kurrent/kurrentdb-client'

import { isWrongExpectedVersion, portError } from './errors'
import type { DriverContext, StreamReads } from './reader'
import type { LedgerNames } from './records'
import { idEvent, lastPositionOf, positionsEvent, streamStateOf, toEventData } from './records'

/** Writes a prepared batch: the positions event first, then each stream's events, then the id reservations. */
const commitBatch = async (
  { client, names }: DriverContext,
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
const conflictOn = (names: LedgerNames, error: { readonly streamName?: string }): { readonly eventId?: string } => {
  const stream = error.streamName ?? ''
  const idPrefix = names.idStream('')
  return stream.startsWith(idPrefix) ? { eventId: stream.slice(idPrefix.length) } : {}
}

/** Appends and imports, one at a time in this process, serialised across processes by `<ledger>.positions`. */
export const ledgerWriter = (
  ctx: DriverContext,
  { readLast, stored }: StreamReads,
  options: { readonly clock: Clock; readonly maxAttempts: number; readonly committed: () => void },
) => {
  const { names, name, kit } = ctx
  const { clock, maxAttempts } = options
  const exclusive = createMutex()
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
            if ((await readLast(names.idStream(event.eventId))) !== undefined)
              throw new EventIdTakenError(event.eventId)
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
          await commitBatch(ctx, positionsRevision, streams)
          options.committed()
          return results
        } catch (error) {
          if (!isWrongExpectedVersion(error)) throw portError(name, 'appending', error)
          const on = conflictOn(names, error)
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
        await commitBatch(ctx, positions === undefined ? -1 : Number(positions.revision), streams)
      } catch (error) {
        if (isWrongExpectedVersion(error)) {
          const on = conflictOn(names, error)
          if (on.eventId !== undefined) throw new EventIdConflictError(on.eventId, 'is already stored')
          throw new StoreUnavailableError(`${name}: the ledger moved while importing; nothing was written`, {
            cause: error,
          })
        }
        throw portError(name, 'importing', error)
      }
      options.committed()
    })

  return { write, importStored }
}
