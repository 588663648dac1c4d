/**
 * Where a report reads from: the read models it needs, replayed into memory up to a point of the
 * ledger's past (or its head), with the log that point is in. The live read models are never
 * touched, and every figure of one report stands at one position.
 */
import type {
  AnyProjection,
  EventStore,
  Ledger,
  LogPoint,
  ProjectionRunner,
  ReadModelStorage,
  RecordedEvent,
} from '@civic-ledger/core'
import { replayProjections, SEALS_STREAM } from '@civic-ledger/core'

import type { ReportBasis } from './model'

/** The log a report reads events from. */
export type ReportLog = Pick<EventStore, 'readStream' | 'readAll'>

/** The read models and the log of a ledger at one position. */
export interface ReportSource {
  readonly log: ReportLog
  /** Reads a collection of one of the report's projections, as of `position`. */
  readonly query: ProjectionRunner['query']
  /** The position of the last event included. */
  readonly position: number
  readonly recordedAt?: string
  /** The day "due", "expiring" and "overdue" are judged on: as asked, or the day of the last event included. */
  readonly day: string
}

/** A point of the ledger's past (position, recorded time or both), and the day to judge dues on. */
export interface AsOf extends LogPoint {
  readonly day?: string
}

/** What a ledger must offer a report: its log, and its live read models' storage to keep clear of. */
export type ReportLedger = Pick<Ledger, 'events' | 'trusted' | 'privacy'>

/** Replays `projections` up to `asOf` (default: the head) into memory. */
export const openSource = async (
  ledger: ReportLedger,
  projections: ReadonlyArray<AnyProjection>,
  asOf: AsOf = {},
): Promise<ReportSource> => {
  const { day, ...point } = asOf
  // Projections decode personal fields, so they read them opened, as the live runner does; what a
  // replay builds stays in memory, and no report shows a personal field.
  const opened = async function* (events: AsyncIterable<RecordedEvent>): AsyncIterable<RecordedEvent> {
    for await (const e of events) yield await ledger.privacy.open(e)
  }
  const store: Ledger['events'] & { readonly readModels: ReadModelStorage } = {
    ...ledger.events,
    readAll: (options) => opened(ledger.events.readAll(options)),
    readModels: ledger.trusted.readModels,
  }
  const replay = await replayProjections({ store, projections: [...new Set(projections)], until: point })
  let lastDay = new Date(0).toISOString().slice(0, 10)
  if (replay.position > 0)
    for await (const e of store.readAll({ fromPosition: replay.position, toPosition: replay.position }))
      lastDay = e.recordedAt.slice(0, 10)
  return {
    log: store,
    query: replay.query,
    position: replay.position,
    ...(point.recordedAt === undefined ? {} : { recordedAt: point.recordedAt }),
    day: day ?? lastDay,
  }
}

/** The latest seal at or before the source's position, if the ledger has one. */
const sealAt = async (source: ReportSource): Promise<ReportBasis['seal']> => {
  if (source.position === 0) return undefined
  for await (const e of source.log.readStream(SEALS_STREAM, {
    direction: 'backwards',
    until: source.position,
    maxCount: 1,
  })) {
    const data = e.data as { readonly position?: unknown; readonly root?: unknown; readonly sealedAt?: unknown }
    if (typeof data.position === 'number' && typeof data.root === 'string' && typeof data.sealedAt === 'string')
      return { position: data.position, root: data.root, sealedAt: data.sealedAt }
  }
  return undefined
}

/** Where a report from this source stands, and the scheme versions its figures use. */
export const basisOf = async (source: ReportSource, schemes: ReadonlyArray<string>): Promise<ReportBasis> => {
  const seal = await sealAt(source)
  return {
    position: source.position,
    ...(source.recordedAt === undefined ? {} : { recordedAt: source.recordedAt }),
    ...(seal === undefined ? {} : { seal }),
    schemes,
    day: source.day,
  }
}
