/**
 * How a ledger lives in KurrentDB:
 *
 * - each port stream `s` is the KurrentDB stream `<ledger>/s`, and its revisions are KurrentDB's;
 * - `<ledger>.positions` holds one `civic-ledger.PositionsAssigned` event per append, naming the
 *   ledger positions it took; every append expects this stream at the revision it read, so appends
 *   are serialised and positions are gap-free, whoever writes;
 * - `<ledger>.id-<eventId>` holds one event per event id (expected `no_stream`): the ledger-wide
 *   uniqueness of event ids, and where `locate` finds an id without scanning the log.
 *
 * The three are written by one multi-stream append. Each ledger event carries, in the string
 * property `civic-ledger` of its metadata, its ledger position, `recordedAt`, schema version,
 * canonical metadata text and chain hash; its data is the canonical JSON (or, when the data is not
 * an object or array, its UTF-8 bytes).
 */
import { createHash } from 'node:crypto'

import type { ExpectedRevision, StoredEvent, StreamHead } from '@civic-ledger/core'
import { canonicalJson } from '@civic-ledger/core'
import type { AppendStreamState, EventData, RecordedEvent as ClientRecordedEvent } from '@kurrent/kurrentdb-client'

/** The metadata property holding the ledger's fields. */
export const LEDGER_PROPERTY = 'civic-ledger'
/** The type of the events of `<ledger>.positions`. */
export const POSITIONS_TYPE = 'civic-ledger.PositionsAssigned'
/** The type of the events of `<ledger>.id-<eventId>`. */
export const ID_TYPE = 'civic-ledger.EventIdReserved'

/** The KurrentDB names of one ledger. */
export interface LedgerNames {
  readonly ledger: string
  /** Every ledger stream's name starts with this: the server-side filter of the ledger's events. */
  readonly streamPrefix: string
  readonly positions: string
  readonly stream: (streamId: string) => string
  readonly idStream: (eventId: string) => string
  /** The port stream id of a KurrentDB stream name, or undefined when it is not one of the ledger's. */
  readonly streamId: (name: string) => string | undefined
}

export const ledgerNames = (ledger: string): LedgerNames => {
  const streamPrefix = `${ledger}/`
  return {
    ledger,
    streamPrefix,
    positions: `${ledger}.positions`,
    stream: (streamId) => `${streamPrefix}${streamId}`,
    idStream: (eventId) => `${ledger}.id-${eventId}`,
    streamId: (name) => (name.startsWith(streamPrefix) ? name.slice(streamPrefix.length) : undefined),
  }
}

/**
 * The stream state the driver asks KurrentDB for, from the revision it read (`-1`: no events).
 * Always explicit: the driver has checked the port's expectation against `actual` itself (the hash
 * chain needs the exact revision), so the server is asked for exactly that revision.
 */
export const streamStateOf = (actual: number): AppendStreamState => (actual < 0 ? 'no_stream' : BigInt(actual))

/**
 * The client's stream state that a port expectation would be, for callers that append without the
 * chain (tools): `noStream` → `no_stream`, `streamExists` → `stream_exists`, `any` → `any`, n → n.
 */
export const expectedStateOf = (expected: ExpectedRevision): AppendStreamState =>
  expected === 'noStream'
    ? 'no_stream'
    : expected === 'streamExists'
      ? 'stream_exists'
      : expected === 'any'
        ? 'any'
        : BigInt(expected)

/** A UUID made from `text` (SHA-256, shaped as version 8): the same text always gives the same id. */
export const derivedId = (text: string): string => {
  const h = createHash('sha256').update(text).digest('hex')
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** The ledger fields of an event, kept in its metadata. */
interface LedgerFields {
  readonly position: number
  readonly recordedAt: string
  readonly schemaVersion: number
  readonly metadata: string
  readonly hash: string
}

/** The KurrentDB event of a stored event. */
export const toEventData = (event: StoredEvent): EventData => {
  const fields: LedgerFields = {
    position: event.position,
    recordedAt: event.recordedAt,
    schemaVersion: event.schemaVersion,
    metadata: event.metadata,
    hash: event.hash,
  }
  const metadata = { [LEDGER_PROPERTY]: JSON.stringify(fields) }
  const structured = event.data.startsWith('{') || event.data.startsWith('[')
  return structured
    ? {
        id: event.eventId,
        contentType: 'application/json',
        type: event.type,
        data: JSON.parse(event.data) as Record<string, unknown>,
        metadata,
      }
    : {
        id: event.eventId,
        contentType: 'application/octet-stream',
        type: event.type,
        data: new Uint8Array(Buffer.from(event.data, 'utf8')),
        metadata,
      }
}

/** What a KurrentDB event is not, when it should be a ledger event. */
export class NotALedgerEvent extends Error {
  constructor(
    readonly streamName: string,
    readonly revision: bigint,
    problem: string,
  ) {
    super(`${streamName}@${revision}: ${problem}`)
    this.name = 'NotALedgerEvent'
  }
}

const decode = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')

/** The metadata's ledger property: metadata read back as parsed JSON, as bytes, or as a property map. */
const ledgerProperty = (metadata: unknown): string | undefined => {
  let value: unknown = metadata
  if (value instanceof Uint8Array) {
    try {
      value = JSON.parse(decode(value)) as unknown
    } catch {
      return undefined
    }
  }
  if (typeof value !== 'object' || value === null) return undefined
  const property = (value as Record<string, unknown>)[LEDGER_PROPERTY]
  return typeof property === 'string' ? property : undefined
}

const isFields = (value: unknown): value is LedgerFields => {
  if (typeof value !== 'object' || value === null) return false
  const f = value as Record<string, unknown>
  return (
    typeof f['position'] === 'number' &&
    Number.isSafeInteger(f['position']) &&
    typeof f['recordedAt'] === 'string' &&
    typeof f['schemaVersion'] === 'number' &&
    typeof f['metadata'] === 'string' &&
    typeof f['hash'] === 'string'
  )
}

/** The stored event of a KurrentDB event of the ledger (`names.streamId` of its stream must be defined). */
export const fromRecorded = (names: LedgerNames, event: ClientRecordedEvent): StoredEvent => {
  const streamId = names.streamId(event.streamId)
  if (streamId === undefined) throw new NotALedgerEvent(event.streamId, event.revision, 'not a stream of this ledger')
  const property = ledgerProperty(event.metadata)
  let fields: unknown
  try {
    fields = property === undefined ? undefined : JSON.parse(property)
  } catch {
    fields = undefined
  }
  if (!isFields(fields))
    throw new NotALedgerEvent(event.streamId, event.revision, `its metadata has no valid ${LEDGER_PROPERTY} property`)
  const data = event.isJson ? canonicalJson(event.data) : decode(event.data)
  return {
    eventId: event.id,
    streamId,
    revision: Number(event.revision),
    position: fields.position,
    type: event.type,
    schemaVersion: fields.schemaVersion,
    data,
    metadata: fields.metadata,
    recordedAt: fields.recordedAt,
    hash: fields.hash,
  }
}

/** The data of a `PositionsAssigned` event. */
export interface PositionsAssigned {
  readonly firstPosition: number
  readonly lastPosition: number
  readonly streams: ReadonlyArray<string>
}

export const positionsEvent = (assigned: PositionsAssigned, firstEventId: string): EventData => ({
  id: derivedId(`${firstEventId}:positions`),
  contentType: 'application/json',
  type: POSITIONS_TYPE,
  data: { ...assigned, streams: [...assigned.streams] },
  metadata: {},
})

/** The last position an event of `<ledger>.positions` assigned. */
export const lastPositionOf = (event: ClientRecordedEvent): number => {
  const data: unknown = event.data
  const last = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['lastPosition'] : undefined
  if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0)
    throw new NotALedgerEvent(event.streamId, event.revision, 'is not a PositionsAssigned event')
  return last
}

/** Where an event id is stored, as its `<ledger>.id-<eventId>` stream says. */
export interface IdReservation {
  readonly eventId: string
  readonly streamId: string
  readonly revision: number
  readonly position: number
  readonly type: string
}

export const idEvent = (event: StoredEvent): EventData => ({
  id: derivedId(`${event.eventId}:id`),
  contentType: 'application/json',
  type: ID_TYPE,
  data: {
    eventId: event.eventId,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    type: event.type,
  },
  metadata: {},
})

export const reservationOf = (event: ClientRecordedEvent): IdReservation | undefined => {
  const data: unknown = event.data
  if (typeof data !== 'object' || data === null) return undefined
  const r = data as Record<string, unknown>
  return typeof r['eventId'] === 'string' &&
    typeof r['streamId'] === 'string' &&
    typeof r['revision'] === 'number' &&
    typeof r['position'] === 'number' &&
    typeof r['type'] === 'string'
    ? (r as unknown as IdReservation)
    : undefined
}

/** A stream's head as the chain needs it. */
export const headOf = (event: StoredEvent): StreamHead => ({
  streamId: event.streamId,
  revision: event.revision,
  hash: event.hash,
})
