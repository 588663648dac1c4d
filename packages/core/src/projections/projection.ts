/**
 * The projection plug-in contract (DESIGN §5): a name, a version, the event types it handles, the
 * collections it keeps, how it runs (async or inline) and what happens when it fails. The standard
 * read models of every context and an integrator's own are plug-ins of exactly this kind.
 *
 * Also here: the context a projection's `setup` and `apply` are given — typed collections over
 * read-model storage, with writes held until the end of the batch and then written together.
 */
import type { Either } from 'fp-ts/Either'

import type { RecordedEvent } from '../events/envelope'
import type { AnyEventDefinition, DomainEvent, EventDecodeFailure, EventsOf } from '../events/event'
import { eventCatalog } from '../events/event'
import { hasPersonalData } from '../events/event'
import { InvalidArgumentError } from '../kernel/errors'
import { isEventTypeName } from '../kernel/stream-id'
import type { AnyCollectionDefinition, Collection, CollectionDefinition, SqlHandle } from '../port/read-model'
import { isIndexableField, MAX_PROJECTION_VERSION, nameProblem } from '../port/read-model'

// --- the contract ---

/**
 * What a projection does when `apply` throws (or an event will not decode):
 * - `halt` (default): stop before the failing event, keep the error in the status, wait for `restart`;
 * - `retry`: try the same event again after a growing delay, then `halt` or `dead-letter`;
 * - `dead-letter`: park the event, and every later event of its stream, and go on with the rest.
 */
export type FailurePolicy =
  | { readonly kind: 'halt' }
  | {
      readonly kind: 'retry'
      /** Tries in all, the first included (default 5). */
      readonly maxAttempts?: number
      /** Delay before the second try (default 100 ms); doubles each time up to `maxDelayMs` (30 s). */
      readonly initialDelayMs?: number
      readonly maxDelayMs?: number
      /** What to do when the tries run out (default `halt`). */
      readonly then?: 'halt' | 'dead-letter'
    }
  | { readonly kind: 'dead-letter' }

/** A recorded event as a projection sees it: the envelope, with `type` and `data` decoded. */
export type ProjectedEvent<E extends DomainEvent = DomainEvent> = Omit<RecordedEvent, 'type' | 'data'> & E

/**
 * Plain SQL for a projection, with the names of its own tables. A statement first writes what the
 * batch has put in its collections, so it sees them.
 */
export interface ProjectionSql extends SqlHandle {
  /** The real name of this projection version's table `local`, e.g. `rm_grants_by_fund_v2__totals`. */
  table(local: string): string
}

/** What a projection's `setup` and `apply` are given. */
export interface ProjectionContext {
  /** One of the collections the projection declared. */
  collection<Doc extends object, K extends keyof Doc & string>(
    definition: CollectionDefinition<Doc, K>,
  ): Collection<Doc, K>
  /** Plain SQL, where the read-model store has SQL (SQLite, PostgreSQL); undefined in memory. */
  readonly sql: ProjectionSql | undefined
}

/** How a projection decodes stored events: an `EventCatalog` is one. */
export interface ProjectionEvents<E extends DomainEvent> {
  readonly types: ReadonlyArray<string>
  /** Upcasts and decodes a stored event, or says why it cannot. */
  decode(stored: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>): Either<EventDecodeFailure, E>
}

/**
 * A plug-in that turns events into a read model. Without `events`, `apply` gets each event's stored
 * data (`unknown` to the type checker: narrow it, or give `events` to have it decoded).
 */
export interface Projection<E extends DomainEvent = DomainEvent> {
  /** Unique, kebab-case, at most 30 characters. */
  readonly name: string
  /** Bump to rebuild: the new version is built beside the old one, which serves until it has caught up. */
  readonly version: number
  /** The event types it reads; it sees no others. */
  readonly handles: ReadonlyArray<E['type']>
  /** Decodes (and upcasts) the events before `apply`; without it, `apply` gets the stored data. */
  readonly events?: ProjectionEvents<E>
  /** The collections it keeps; they are created before the first event. */
  readonly collections?: ReadonlyArray<AnyCollectionDefinition>
  /** `async` (default): a catch-up subscription, in batches. `inline`: inside the append transaction. */
  readonly mode?: 'async' | 'inline'
  readonly onFailure?: FailurePolicy
  /** Creates anything beyond the declared collections (tables through `ctx.sql`, say). */
  readonly setup?: (ctx: ProjectionContext) => Promise<void> | void
  /** Pure with respect to anything outside `ctx`: the same events give the same read model. */
  apply(event: ProjectedEvent<E>, ctx: ProjectionContext): Promise<void> | void
  /**
   * Removes or anonymises a data subject's rows when the subject is erased (`privacy.SubjectErased`).
   * Required of a projection whose events carry personal fields.
   */
  erase?(subject: string, ctx: ProjectionContext): Promise<void> | void
}

/**
 * Builds a projection whose events are decoded by their definitions, so `apply` sees typed data.
 *
 * @example
 * const awardsByFund = defineProjection({
 *   name: 'awards-by-fund', version: 1, events: [GrantAwarded], collections: [fundTotals],
 *   apply: async (event, ctx) => { … ctx.collection(fundTotals).put(…) },
 * })
 */
export const defineProjection = <Ds extends ReadonlyArray<AnyEventDefinition>>(definition: {
  readonly name: string
  readonly version: number
  readonly events: Ds
  readonly collections?: ReadonlyArray<AnyCollectionDefinition>
  readonly mode?: 'async' | 'inline'
  readonly onFailure?: FailurePolicy
  readonly setup?: (ctx: ProjectionContext) => Promise<void> | void
  readonly apply: (event: ProjectedEvent<EventsOf<Ds>>, ctx: ProjectionContext) => Promise<void> | void
  readonly erase?: (subject: string, ctx: ProjectionContext) => Promise<void> | void
}): Projection<EventsOf<Ds>> => {
  const { events, ...rest } = definition
  const catalog = eventCatalog(...events)
  return { ...rest, events: catalog, handles: catalog.types }
}

/** Any projection, whatever events it decodes to (`apply` is a method, so its parameter is bivariant). */
export type AnyProjection = Projection

/**
 * The event as `projection.apply` receives it: decoded and upcast by its catalog when it has one.
 * Throws, naming the problem, when the stored event does not decode.
 */
export const projectedEvent = (projection: Pick<AnyProjection, 'events'>, event: RecordedEvent): ProjectedEvent => {
  const catalog = projection.events
  if (catalog === undefined) return event
  const decoded = catalog.decode(event)
  if (decoded._tag === 'Left') throw new Error(`the event does not decode: ${decoded.left.message}`)
  // A codec that decodes to its input (the usual case) leaves the recorded event as it is.
  if (decoded.right.data === event.data && decoded.right.type === event.type) return event
  return { ...event, type: decoded.right.type, data: decoded.right.data }
}

// --- checks ---

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null
const isWhole = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min

const checkFailurePolicy = (policy: unknown, at: string): void => {
  if (policy === undefined) return
  if (!isObject(policy)) throw new InvalidArgumentError(at, 'must be { kind: halt | retry | dead-letter }')
  const { kind } = policy
  if (kind === 'halt' || kind === 'dead-letter') return
  if (kind !== 'retry')
    throw new InvalidArgumentError(`${at}.kind`, `must be halt, retry or dead-letter, got ${JSON.stringify(kind)}`)
  const { maxAttempts, initialDelayMs, maxDelayMs, then } = policy
  if (maxAttempts !== undefined && !isWhole(maxAttempts, 1))
    throw new InvalidArgumentError(`${at}.maxAttempts`, 'must be a whole number ≥ 1')
  if (initialDelayMs !== undefined && !isWhole(initialDelayMs, 0))
    throw new InvalidArgumentError(`${at}.initialDelayMs`, 'must be a whole number of milliseconds ≥ 0')
  if (maxDelayMs !== undefined && !isWhole(maxDelayMs, 0))
    throw new InvalidArgumentError(`${at}.maxDelayMs`, 'must be a whole number of milliseconds ≥ 0')
  if (then !== undefined && then !== 'halt' && then !== 'dead-letter')
    throw new InvalidArgumentError(`${at}.then`, 'must be halt or dead-letter')
}

/**
 * Throws `InvalidArgumentError` unless `value` is a well-formed projection plug-in: a kebab-case
 * name, a whole-number version, at least one well-formed event type (each decodable by `events`
 * when that is given), declared collections with distinct names, a known mode and failure policy.
 */
export const checkProjection = (value: unknown, argument = 'projection'): AnyProjection => {
  if (!isObject(value)) throw new InvalidArgumentError(argument, 'must be a projection object')
  const problem = nameProblem(value['name'], 'projection')
  if (problem !== undefined) throw new InvalidArgumentError(`${argument}.name`, problem)
  const at = `projection ${String(value['name'])}`
  const { version, handles, events, collections, mode, onFailure, setup, apply } = value
  if (!isWhole(version, 1) || version > MAX_PROJECTION_VERSION)
    throw new InvalidArgumentError(
      `${at}.version`,
      `must be a whole number from 1 to ${MAX_PROJECTION_VERSION}, got ${String(version)}`,
    )
  if (!Array.isArray(handles) || handles.length === 0)
    throw new InvalidArgumentError(`${at}.handles`, 'must list at least one event type')
  const badType: unknown = handles.find((type: unknown) => !isEventTypeName(type))
  if (badType !== undefined)
    throw new InvalidArgumentError(`${at}.handles`, `${JSON.stringify(badType)} is not <context>.<PastTenseVerbPhrase>`)
  if (new Set(handles).size !== handles.length) throw new InvalidArgumentError(`${at}.handles`, 'lists a type twice')
  if (events !== undefined) {
    if (!isObject(events) || !Array.isArray(events['types']) || typeof events['decode'] !== 'function')
      throw new InvalidArgumentError(`${at}.events`, 'must be an event catalog')
    const known = new Set<unknown>(events['types'])
    const missing: unknown = handles.find((type: unknown) => !known.has(type))
    if (missing !== undefined)
      throw new InvalidArgumentError(
        `${at}.handles`,
        `${JSON.stringify(missing)} is not in the projection's event catalog`,
      )
  }
  if (collections !== undefined) {
    if (!Array.isArray(collections)) throw new InvalidArgumentError(`${at}.collections`, 'must be an array')
    const names = new Set<string>()
    collections.forEach((c: unknown, i) => {
      if (!isObject(c) || nameProblem(c['name'], 'collection') !== undefined || !Array.isArray(c['indexes']))
        throw new InvalidArgumentError(`${at}.collections[${i}]`, 'must come from defineCollection')
      const bad: unknown = c['indexes'].find((f: unknown) => !isIndexableField(f))
      if (bad !== undefined)
        throw new InvalidArgumentError(`${at}.collections[${i}].indexes`, `${JSON.stringify(bad)} is not a field name`)
      if (names.has(c['name'] as string))
        throw new InvalidArgumentError(`${at}.collections[${i}]`, `collection ${String(c['name'])} is declared twice`)
      names.add(c['name'] as string)
    })
  }
  if (mode !== undefined && mode !== 'async' && mode !== 'inline')
    throw new InvalidArgumentError(`${at}.mode`, `must be async or inline, got ${JSON.stringify(mode)}`)
  checkFailurePolicy(onFailure, `${at}.onFailure`)
  if (typeof apply !== 'function') throw new InvalidArgumentError(`${at}.apply`, 'must be a function')
  const erase = value['erase']
  if (erase !== undefined && typeof erase !== 'function')
    throw new InvalidArgumentError(`${at}.erase`, 'must be a function when given')
  const personalTypes =
    isObject(events) && Array.isArray(events['definitions'])
      ? (events['definitions'] as ReadonlyArray<AnyEventDefinition>).filter(hasPersonalData).map((d) => d.type)
      : []
  if (personalTypes.length > 0 && erase === undefined)
    throw new InvalidArgumentError(
      `${at}.erase`,
      `it reads personal data (${personalTypes.join(', ')}), so it must say how to erase a subject's rows`,
    )
  if (setup !== undefined && typeof setup !== 'function')
    throw new InvalidArgumentError(`${at}.setup`, 'must be a function when given')
  return value as unknown as AnyProjection
}
