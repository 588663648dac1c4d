/**
 * The hash chain (DESIGN §6): every event's hash covers the hash of the event before it in its
 * stream and the event exactly as stored, so changing, inserting, removing or reordering a stored
 * event breaks every hash after it.
 *
 * Encoding `civic-ledger-chain/1`:
 * - the canonical envelope is the RFC 8785 JSON of `{ data, eventId, metadata, position, recordedAt,
 *   revision, schemaVersion, streamId, type }`, with `data` and `metadata` as stored (personal fields
 *   are ciphertext, so erasing a subject's key changes no hash);
 * - `hash = SHA-256(UTF-8(prev ‖ envelope))`, where `prev` is the previous event's hash in the
 *   stream as 64 lower-case hex digits, or 64 zeros for a stream's first event;
 * - hashes are written as 64 lower-case hex digits.
 */
import { hash } from 'node:crypto'

import type { RecordedEvent } from '../events/envelope'
import type { EventMetadata } from '../events/metadata'
import { quote } from '../kernel/canonical'
import type { JsonValue } from '../kernel/json'

/** The name and version of the chain's encoding; seals and exports say which one they use. */
export const CHAIN_ENCODING = 'civic-ledger-chain/1'

/** The `prev` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * An event exactly as the store holds it: a recorded event whose `data` and `metadata` are their
 * stored canonical JSON text, with its chain hash.
 */
export interface StoredEvent extends Omit<RecordedEvent, 'data' | 'metadata'> {
  /** Canonical JSON text, as stored (personal fields encrypted). */
  readonly data: string
  /** Canonical JSON text, as stored. */
  readonly metadata: string
  /** 64 lower-case hex digits. */
  readonly hash: string
}

/** A stream's last event at some position: what a seal's Merkle tree is built from. */
export interface StreamHead {
  readonly streamId: string
  readonly revision: number
  readonly hash: string
}

/** The fields of a stored event that the chain covers. */
export type ChainedFields = Omit<StoredEvent, 'hash'>

/**
 * The canonical envelope: RFC 8785 JSON of the event as stored. `data` and `metadata` are spliced
 * in as they are (they are stored canonical); the other members are strings and integers.
 */
export const canonicalEnvelope = (event: ChainedFields): string => envelopeAfter('', event)

/**
 * A string member that repeats from one event to the next (events appended together share their
 * stream, type and time): its quoted form is kept until the next differs.
 */
const repeating = (): ((text: string) => string) => {
  let last: string | undefined
  let quoted = ''
  return (text) => {
    if (text !== last) {
      last = text
      quoted = quote(text)
    }
    return quoted
  }
}
const quoteStream = repeating()
const quoteType = repeating()
const quoteTime = repeating()

/** `prefix` then the canonical envelope, built as one string (RFC 8785 writes strings as `JSON.stringify` does). */
const envelopeAfter = (prefix: string, event: ChainedFields): string =>
  `${prefix}{"data":${event.data},"eventId":${quote(event.eventId)},"metadata":${event.metadata},"position":${event.position},"recordedAt":${quoteTime(event.recordedAt)},"revision":${event.revision},"schemaVersion":${event.schemaVersion},"streamId":${quoteStream(event.streamId)},"type":${quoteType(event.type)}}`

/** The hash of `event`, following `prev` (the stream's previous hash, or `GENESIS_HASH`). */
export const chainHash = (prev: string, event: ChainedFields): string =>
  hash('sha256', envelopeAfter(prev, event), 'hex')

/** True when `text` is a hash as the chain writes it. */
export const isChainHash = (text: unknown): text is string => typeof text === 'string' && /^[0-9a-f]{64}$/.test(text)

/**
 * Follows the chains of whole streams, one event at a time in position order: the check a store's
 * thread runs over its share of the streams when it checks chains in parallel (`checkChains`).
 */
export interface ChainFollower {
  /**
   * True when `event` comes after the event before it, is its stream's next revision, and its
   * stored hash is its stream's previous hash and its content hashed; false otherwise, and then the
   * event is not followed.
   */
  follow(event: StoredEvent): boolean
  /** Events followed. */
  readonly events: number
  /** Streams seen. */
  readonly streams: number
  /** Every stream's head now, in no particular order: copies, which later events leave alone. */
  heads(): StreamHead[]
}

/** A follower with no stream seen yet. */
export const chainFollower = (): ChainFollower => {
  const heads = new Map<string, { streamId: string; revision: number; hash: string }>()
  let last = 0
  let events = 0
  return {
    follow: (event) => {
      if (!(event.position > last)) return false
      const head = heads.get(event.streamId)
      if (event.revision !== (head === undefined ? 0 : head.revision + 1)) return false
      if (chainHash(head === undefined ? GENESIS_HASH : head.hash, event) !== event.hash) return false
      if (head === undefined)
        heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash })
      else {
        head.revision = event.revision
        head.hash = event.hash
      }
      last = event.position
      events++
      return true
    },
    get events() {
      return events
    },
    get streams() {
      return heads.size
    },
    heads: () => Array.from(heads.values(), (head) => ({ ...head })),
  }
}

/** The recorded event a reader sees for a stored one: data and metadata parsed. */
export const toRecorded = (event: StoredEvent): RecordedEvent => ({
  eventId: event.eventId,
  streamId: event.streamId,
  revision: event.revision,
  position: event.position,
  type: event.type,
  schemaVersion: event.schemaVersion,
  data: JSON.parse(event.data) as JsonValue,
  metadata: JSON.parse(event.metadata) as EventMetadata,
  recordedAt: event.recordedAt,
})
