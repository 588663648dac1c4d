/**
 * Argument checks shared by every store, so each refuses the same bad input with the same typed
 * error, before anything is written.
 */
import type { NewEvent, RecordedEvent } from '../events/envelope'
import { EventMetadata } from '../events/metadata'
import { canonicalJson, checkedCanonicalJson } from '../kernel/canonical'
import { describeErrors, isUuid } from '../kernel/codecs'
import { EventIdConflictError, InvalidArgumentError, LimitExceededError } from '../kernel/errors'
import type { JsonValue } from '../kernel/json'
import { isEventTypeName, MAX_EVENT_TYPE_LENGTH, streamIdProblem } from '../kernel/stream-id'
import type { StoredEvent } from '../port/chain'
import type { StreamHead } from '../port/chain'
import { chainHash, GENESIS_HASH, isChainHash } from '../port/chain'
import type {
  AppendResult,
  ChainCheckRequest,
  EventFilter,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from '../port/event-store'

// --- limits ---

/** The sizes a store refuses to go beyond. */
export interface StoreLimits {
  /** The largest serialised event (data and metadata), in bytes of UTF-16 code units. */
  readonly maxEventSize: number
  /** The most events in one append (all streams together). */
  readonly maxBatchEvents: number
}

export const DEFAULT_LIMITS: StoreLimits = { maxEventSize: 1_048_576, maxBatchEvents: 10_000 }

// --- checks ---

const isNonNegativeInteger = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

/** Throws `InvalidArgumentError` unless `value` is a well-formed stream id. */
export const checkStreamId = (value: unknown, argument = 'streamId'): string => {
  const problem = streamIdProblem(value)
  if (problem !== undefined) throw new InvalidArgumentError(argument, problem)
  return value as string
}

/** Throws `InvalidArgumentError` unless `value` is an `ExpectedRevision`. */
export const checkExpectedRevision = (value: unknown, argument = 'expectedRevision'): ExpectedRevision => {
  if (value === 'noStream' || value === 'streamExists' || value === 'any' || isNonNegativeInteger(value)) return value
  throw new InvalidArgumentError(
    argument,
    `must be 'noStream', 'streamExists', 'any' or a revision (a whole number ≥ 0), got ${describe(value)}`,
  )
}

const describe = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(value) : typeof value

/**
 * Checks one batch of new events and returns the `data` and `metadata` of each as canonical JSON
 * (RFC 8785), the form every store keeps and the hash chain covers.
 * Event ids must be unique within `seen`, which spans a multi-stream batch.
 */
export const checkNewEvents = (
  events: unknown,
  argument: string,
  limits: StoreLimits,
  seen?: Set<string>,
): ReadonlyArray<CheckedEvent> => {
  if (!Array.isArray(events))
    throw new InvalidArgumentError(argument, `must be an array of events, got ${describe(events)}`)
  if (events.length === 0) throw new InvalidArgumentError(argument, 'must hold at least one event')
  const before = seen?.size ?? 0
  if (before + events.length > limits.maxBatchEvents)
    throw new LimitExceededError('events in one append', limits.maxBatchEvents, before + events.length)
  // A lone event cannot repeat an id within its batch: most appends need no set of ids at all.
  const ids = seen ?? (events.length > 1 ? new Set<string>() : undefined)
  // `map` would skip a hole, and the hole would reach the store as `undefined`.
  for (let i = 0; i < events.length; i++)
    if (!(i in events)) throw new InvalidArgumentError(`${argument}[${i}]`, 'is missing: the array has a hole there')
  // Events of one batch usually share one metadata object: check and serialise it once.
  let checkedMetadata: unknown
  let metadataJson = ''
  const checked: CheckedEvent[] = []
  // Names are built only for an error (the checks run for every event appended); the event being
  // checked is the next one to be pushed.
  const at = (field = ''): string => `${argument}[${checked.length}]${field}`
  const atData = (): string => at('.data')
  const atMetadata = (): string => at('.metadata')
  for (let i = 0; i < events.length; i++) {
    const candidate: unknown = events[i]
    if (typeof candidate !== 'object' || candidate === null)
      throw new InvalidArgumentError(at(), `must be an event object, got ${describe(candidate)}`)
    const event = candidate as Partial<Record<keyof NewEvent, unknown>>
    if (typeof event.eventId !== 'string' || !isUuid(event.eventId))
      throw new InvalidArgumentError(at('.eventId'), `must be a UUID, got ${describe(event.eventId)}`)
    const eventId = event.eventId.toLowerCase()
    if (ids !== undefined) {
      if (ids.has(eventId))
        throw new InvalidArgumentError(at('.eventId'), `${eventId} appears more than once in the batch`)
      ids.add(eventId)
    }
    if (!isEventTypeName(event.type))
      throw new InvalidArgumentError(
        at('.type'),
        `must be <context>.<PastTenseVerbPhrase> (e.g. grants.GrantAwarded) of at most ${MAX_EVENT_TYPE_LENGTH} characters, got ${describe(event.type)}`,
      )
    if (!isNonNegativeInteger(event.schemaVersion) || event.schemaVersion < 1)
      throw new InvalidArgumentError(
        at('.schemaVersion'),
        `must be a whole number ≥ 1, got ${describe(event.schemaVersion)}`,
      )
    const data = checkedCanonicalJson(event.data, atData)
    if (event.metadata !== checkedMetadata || i === 0) {
      if (!EventMetadata.is(event.metadata)) {
        const decoded = EventMetadata.decode(event.metadata)
        throw new InvalidArgumentError(
          at('.metadata'),
          decoded._tag === 'Left' ? describeErrors(decoded.left).join('; ') : 'is not valid metadata',
        )
      }
      metadataJson = checkedCanonicalJson(event.metadata, atMetadata)
      checkedMetadata = event.metadata
    }
    const size = data.length + metadataJson.length
    if (size > limits.maxEventSize)
      throw new LimitExceededError(`${at()} size in characters`, limits.maxEventSize, size)
    const accepted = eventId === event.eventId ? (candidate as NewEvent) : { ...(candidate as NewEvent), eventId }
    checked.push({ event: accepted, data, metadata: metadataJson })
  }
  return checked
}

/** A new event that passed the checks, with its data and metadata serialised. */
export interface CheckedEvent {
  readonly event: NewEvent
  readonly data: string
  readonly metadata: string
}

/** One stream's append, checked. */
export interface CheckedStreamAppend {
  readonly streamId: string
  readonly expectedRevision: ExpectedRevision
  readonly events: ReadonlyArray<CheckedEvent>
}

/** Checks the arguments of `appendToStream`. */
export const checkStreamAppend = (
  streamId: unknown,
  events: unknown,
  options: unknown,
  limits: StoreLimits,
): CheckedStreamAppend => ({
  streamId: checkStreamId(streamId),
  expectedRevision: checkExpectedRevision(
    typeof options === 'object' && options !== null
      ? (options as { expectedRevision?: unknown }).expectedRevision
      : undefined,
    'options.expectedRevision',
  ),
  events: checkNewEvents(events, 'events', limits),
})

/**
 * The events of a checked append as they are recorded from `first` (revision and position) on,
 * consecutively: what a store hands to inline projections before the append commits.
 */
export const recordedEvents = (
  append: CheckedStreamAppend,
  first: { readonly revision: number; readonly position: number },
  recordedAt: string,
): RecordedEvent[] =>
  append.events.map(({ event, data, metadata }, i) => ({
    eventId: event.eventId,
    streamId: append.streamId,
    revision: first.revision + i,
    position: first.position + i,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: JSON.parse(data) as JsonValue,
    metadata: JSON.parse(metadata) as EventMetadata,
    recordedAt,
  }))

/** Checks a multi-stream append: at least one stream, no stream twice, each part well formed. */
export const checkStreamAppends = (appends: unknown, limits: StoreLimits): ReadonlyArray<CheckedStreamAppend> => {
  if (!Array.isArray(appends)) throw new InvalidArgumentError('appends', `must be an array, got ${describe(appends)}`)
  if (appends.length === 0) throw new InvalidArgumentError('appends', 'must name at least one stream')
  const streams = new Set<string>()
  const seen = new Set<string>()
  return appends.map((candidate: unknown, i) => {
    const at = `appends[${i}]`
    if (typeof candidate !== 'object' || candidate === null)
      throw new InvalidArgumentError(at, `must be { streamId, events, expectedRevision }, got ${describe(candidate)}`)
    const part = candidate as Partial<Record<keyof StreamAppend, unknown>>
    const streamId = checkStreamId(part.streamId, `${at}.streamId`)
    if (streams.has(streamId)) throw new InvalidArgumentError(`${at}.streamId`, `${streamId} appears more than once`)
    streams.add(streamId)
    const expectedRevision = checkExpectedRevision(part.expectedRevision, `${at}.expectedRevision`)
    return { streamId, expectedRevision, events: checkNewEvents(part.events, `${at}.events`, limits, seen) }
  })
}

const checkOptionalPosition = (value: unknown, argument: string, min: number): void => {
  if (value !== undefined && !(isNonNegativeInteger(value) && value >= min))
    throw new InvalidArgumentError(argument, `must be a whole number ≥ ${min}, got ${describe(value)}`)
}

const checkDirection = (value: unknown, argument: string): void => {
  if (value !== undefined && value !== 'forwards' && value !== 'backwards')
    throw new InvalidArgumentError(argument, `must be 'forwards' or 'backwards', got ${describe(value)}`)
}

const checkOptions = (value: unknown, argument: string): Record<string, unknown> => {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidArgumentError(argument, `must be an options object, got ${describe(value)}`)
  return value as Record<string, unknown>
}

/** Throws `InvalidArgumentError` unless `options` are valid `ReadStreamOptions`. */
export const checkReadStreamOptions = (options: unknown): ReadStreamOptions => {
  const o = checkOptions(options, 'options')
  checkOptionalPosition(o['fromRevision'], 'options.fromRevision', 0)
  checkOptionalPosition(o['toRevision'], 'options.toRevision', 0)
  checkOptionalPosition(o['until'], 'options.until', 0)
  checkOptionalPosition(o['maxCount'], 'options.maxCount', 1)
  checkDirection(o['direction'], 'options.direction')
  return o
}

/** Throws `InvalidArgumentError` unless `filter` is a valid `EventFilter`. */
export const checkFilter = (filter: unknown, argument: string): EventFilter | undefined => {
  if (filter === undefined) return undefined
  const f = checkOptions(filter, argument)
  for (const key of ['types', 'streamPrefixes'] as const) {
    const list = f[key]
    if (list === undefined) continue
    if (!Array.isArray(list) || list.length === 0 || list.some((item) => typeof item !== 'string' || item.length === 0))
      throw new InvalidArgumentError(`${argument}.${key}`, 'must be a non-empty array of non-empty strings')
  }
  return f
}

/** Throws `InvalidArgumentError` unless `options` are valid `ReadAllOptions`. */
export const checkReadAllOptions = (options: unknown): ReadAllOptions => {
  const o = checkOptions(options, 'options')
  checkOptionalPosition(o['fromPosition'], 'options.fromPosition', 0)
  checkOptionalPosition(o['toPosition'], 'options.toPosition', 0)
  checkOptionalPosition(o['maxCount'], 'options.maxCount', 1)
  checkOptionalPosition(o['batchSize'], 'options.batchSize', 1)
  checkDirection(o['direction'], 'options.direction')
  checkFilter(o['filter'], 'options.filter')
  return o
}

/** Throws `InvalidArgumentError` unless `options` are valid `SubscribeOptions`. */
export const checkSubscribeOptions = (options: unknown): SubscribeOptions => {
  const o = checkOptions(options, 'options')
  checkOptionalPosition(o['fromPosition'], 'options.fromPosition', 0)
  checkOptionalPosition(o['batchSize'], 'options.batchSize', 1)
  checkFilter(o['filter'], 'options.filter')
  return o
}

/** The most threads a chain check may ask for. */
export const MAX_CHECK_THREADS = 64

/** Throws `InvalidArgumentError` unless `request` is a valid `ChainCheckRequest`. */
export const checkChainCheckRequest = (request: unknown): ChainCheckRequest => {
  const r = checkOptions(request, 'request')
  const to = r['toPosition']
  if (!isNonNegativeInteger(to))
    throw new InvalidArgumentError('request.toPosition', `must be a whole number ≥ 0, got ${describe(to)}`)
  const threads = r['threads']
  if (!(isNonNegativeInteger(threads) && threads >= 1 && threads <= MAX_CHECK_THREADS))
    throw new InvalidArgumentError(
      'request.threads',
      `must be a whole number from 1 to ${MAX_CHECK_THREADS}, got ${describe(threads)}`,
    )
  const at = r['headsAt']
  if (!Array.isArray(at))
    throw new InvalidArgumentError('request.headsAt', `must be an array of positions, got ${describe(at)}`)
  at.forEach((position: unknown, i) => {
    const before: unknown = at[i - 1]
    if (!isNonNegativeInteger(position) || position > to || (typeof before === 'number' && position <= before))
      throw new InvalidArgumentError(
        `request.headsAt[${i}]`,
        `must be a position from 0 to ${to}, after the one before, got ${describe(position)}`,
      )
  })
  if (typeof r['checkHeads'] !== 'function')
    throw new InvalidArgumentError('request.checkHeads', `must be a function, got ${describe(r['checkHeads'])}`)
  return r as unknown as ChainCheckRequest
}

/** True when `expected` allows a stream whose last revision is `actual` (`-1`: no events). */
export const revisionMatches = (expected: ExpectedRevision, actual: number): boolean =>
  expected === 'any' ||
  (expected === 'noStream' ? actual === -1 : expected === 'streamExists' ? actual >= 0 : expected === actual)

/** True when `event` passes `filter`. */
export const matchesFilter = (
  filter: EventFilter | undefined,
  event: { readonly type: string; readonly streamId: string },
): boolean =>
  filter === undefined ||
  ((filter.types === undefined || filter.types.includes(event.type)) &&
    (filter.streamPrefixes === undefined || filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))))

/** Where an event id of an append was found already stored. */
export interface StoredEventLocation {
  readonly eventId: string
  readonly streamId: string
  readonly revision: number
  readonly position: number
  readonly type: string
}

/**
 * Decides what an append whose event ids may already be stored is: `undefined` when none is stored
 * (a new append); the original result when every one is stored as this same batch — same stream,
 * consecutive revisions, same order and types (a retry); otherwise an `EventIdConflictError`.
 * `found[i]` is where `events[i]`'s id is stored, if anywhere.
 */
export const acknowledgeRetry = (
  streamId: string,
  events: ReadonlyArray<Pick<NewEvent, 'eventId' | 'type'>>,
  found: ReadonlyArray<StoredEventLocation | undefined>,
): AppendResult | undefined => {
  const first = found[0]
  if (found.every((e) => e === undefined)) return undefined
  if (first === undefined || found.some((e) => e === undefined))
    throw new EventIdConflictError(
      events[found.findIndex((e) => e !== undefined)]?.eventId ?? '',
      'only part of this batch is already stored; a retry must resend exactly the original batch',
    )
  found.forEach((e, i) => {
    if (e === undefined) return
    if (e.streamId !== streamId) throw new EventIdConflictError(e.eventId, `is already stored in stream ${e.streamId}`)
    if (e.revision !== first.revision + i || e.type !== events[i]?.type)
      throw new EventIdConflictError(e.eventId, 'is already stored, but not as part of this same batch')
  })
  const last = found[found.length - 1] ?? first
  return {
    streamId,
    firstRevision: first.revision,
    lastRevision: last.revision,
    firstPosition: first.position,
    lastPosition: last.position,
    alreadyStored: true,
  }
}

// --- imports ---

const RECORDED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** The value of `text` when it is JSON written canonically (RFC 8785), as stores keep data and metadata. */
const parseCanonical = (text: string): { readonly value: unknown } | undefined => {
  try {
    const value: unknown = JSON.parse(text)
    return canonicalJson(value) === text ? { value } : undefined
  } catch {
    return undefined
  }
}

/**
 * Checks a batch of events to import (`importStored`): each well formed, data and metadata canonical
 * JSON, ids unique, and positions continuing the log from `head` without a gap. The chain itself is
 * checked against the store's stream heads by `continueChains`.
 */
export const checkStoredEvents = (events: unknown, head: number, limits: StoreLimits): ReadonlyArray<StoredEvent> => {
  if (!Array.isArray(events))
    throw new InvalidArgumentError('events', `must be an array of stored events, got ${describe(events)}`)
  if (events.length === 0) throw new InvalidArgumentError('events', 'must hold at least one event')
  if (events.length > limits.maxBatchEvents)
    throw new LimitExceededError('events in one import', limits.maxBatchEvents, events.length)
  const seen = new Set<string>()
  return events.map((candidate: unknown, i) => {
    const event = checkStoredEvent(candidate, `events[${i}]`, head + 1 + i, limits)
    if (seen.has(event.eventId))
      throw new InvalidArgumentError(`events[${i}].eventId`, `${event.eventId} appears more than once`)
    seen.add(event.eventId)
    return event
  })
}

/**
 * Checks one event to import, at `position`, as `checkStoredEvents` checks each of a batch (named
 * `at` in errors). `madeFrom` is for a caller that wrote the event's data and metadata texts itself,
 * with `canonicalJson` of these values (an export being read back): the texts are then canonical by
 * construction and are not parsed again, and the metadata value is checked as it is.
 */
export const checkStoredEvent = (
  candidate: unknown,
  at: string,
  position: number,
  limits: StoreLimits,
  madeFrom?: { readonly metadata: unknown },
): StoredEvent => {
  if (typeof candidate !== 'object' || candidate === null)
    throw new InvalidArgumentError(at, `must be a stored event, got ${describe(candidate)}`)
  const e = candidate as Partial<Record<keyof StoredEvent, unknown>>
  if (typeof e.eventId !== 'string' || !isUuid(e.eventId) || e.eventId !== e.eventId.toLowerCase())
    throw new InvalidArgumentError(`${at}.eventId`, `must be a lower-case UUID, got ${describe(e.eventId)}`)
  const streamProblem = streamIdProblem(e.streamId)
  if (streamProblem !== undefined) throw new InvalidArgumentError(`${at}.streamId`, streamProblem)
  if (!isEventTypeName(e.type))
    throw new InvalidArgumentError(`${at}.type`, `must be <context>.<PastTenseVerbPhrase>, got ${describe(e.type)}`)
  if (!isNonNegativeInteger(e.schemaVersion) || e.schemaVersion < 1)
    throw new InvalidArgumentError(
      `${at}.schemaVersion`,
      `must be a whole number ≥ 1, got ${describe(e.schemaVersion)}`,
    )
  if (!isNonNegativeInteger(e.revision))
    throw new InvalidArgumentError(`${at}.revision`, `must be a whole number ≥ 0, got ${describe(e.revision)}`)
  if (e.position !== position)
    throw new InvalidArgumentError(
      `${at}.position`,
      `must be ${position} (the log continues from position ${position - 1}), got ${describe(e.position)}`,
    )
  if (typeof e.data !== 'string' || (madeFrom === undefined && parseCanonical(e.data) === undefined))
    throw new InvalidArgumentError(`${at}.data`, 'must be the canonical (RFC 8785) JSON text of the data')
  const metadata =
    typeof e.metadata !== 'string'
      ? undefined
      : madeFrom === undefined
        ? parseCanonical(e.metadata)
        : { value: madeFrom.metadata }
  if (typeof e.metadata !== 'string' || metadata === undefined || !EventMetadata.is(metadata.value))
    throw new InvalidArgumentError(`${at}.metadata`, 'must be the canonical (RFC 8785) JSON text of valid metadata')
  if (e.data.length + e.metadata.length > limits.maxEventSize)
    throw new LimitExceededError(`${at} size in characters`, limits.maxEventSize, e.data.length + e.metadata.length)
  if (typeof e.recordedAt !== 'string' || !RECORDED_AT.test(e.recordedAt) || Number.isNaN(Date.parse(e.recordedAt)))
    throw new InvalidArgumentError(
      `${at}.recordedAt`,
      `must be a UTC time such as 2024-03-01T09:30:00.000Z, got ${describe(e.recordedAt)}`,
    )
  if (!isChainHash(e.hash)) throw new InvalidArgumentError(`${at}.hash`, 'must be 64 lower-case hex digits')
  return candidate as StoredEvent
}

/**
 * Walks imported events along their streams' chains, starting from `heads` (each stream's last
 * stored event; a stream not in it has none): every revision must follow its stream's last and every
 * hash must be what the chain gives. Returns each touched stream's new head.
 */
export const continueChains = (
  events: ReadonlyArray<StoredEvent>,
  heads: ReadonlyMap<string, StreamHead>,
): ReadonlyMap<string, StreamHead> => {
  const next = new Map<string, StreamHead>()
  events.forEach((event, i) => {
    const prev = next.get(event.streamId) ?? heads.get(event.streamId)
    const expected = (prev?.revision ?? -1) + 1
    if (event.revision !== expected)
      throw new InvalidArgumentError(
        `events[${i}].revision`,
        `stream ${event.streamId} is at revision ${expected - 1}, so the next event must be revision ${expected}, got ${event.revision}`,
      )
    const computed = chainHash(prev?.hash ?? GENESIS_HASH, event)
    if (computed !== event.hash)
      throw new InvalidArgumentError(
        `events[${i}].hash`,
        `is not the chain's hash of ${event.streamId}@${event.revision} (computed ${computed}): the event or its chain was altered`,
      )
    next.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: computed })
  })
  return next
}
