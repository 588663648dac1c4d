/**
 * Event definitions: a name, a schema version and an io-ts codec, defined once per event type, with
 * the pure upcasters that lift data written under older versions to the current one on read. Stored
 * bytes are never rewritten.
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { describeErrors } from '../kernel/codecs'
import type { JsonValue } from '../kernel/json'
import { isEventTypeName } from '../kernel/stream-id'
import type { RecordedEvent } from './envelope'
import type { PersonalPath } from './personal'
import { personalPaths } from './personal'

// --- model ---

/** One step of an upcast chain: data written as `from` becomes data of version `from + 1`. */
export interface Upcaster {
  readonly from: number
  /** Checks data of version `from` before `up` sees it. */
  readonly codec: t.Decoder<unknown, unknown>
  /** Turns data of version `from`, as the codec decoded it, into data of the next version. */
  readonly up: (data: never) => unknown
}

/** A domain event: its type name and its decoded data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type
  readonly data: Data
}

/** An event type, defined once. */
export interface EventDefinition<Type extends string, Data, Encoded = Data> {
  readonly type: Type
  readonly version: number
  readonly codec: t.Type<Data, Encoded, unknown>
  readonly upcasters: ReadonlyArray<Upcaster>
  /** Builds the domain event `{ type, data }`. */
  readonly create: (data: Data) => DomainEvent<Type, Data>
  /** Narrows a domain event to this type. */
  readonly is: (event: DomainEvent) => event is DomainEvent<Type, Data>
  /** The top-level field naming the data subject, for events with `personal` fields. */
  readonly subject?: string
  /**
   * A top-level field naming a part of the subject whose personal fields are keyed on their own
   * (`checkId`: each DBS certificate of a volunteer), so the part can be erased alone.
   */
  readonly subjectPart?: string
}

/** What a catalog needs of any event definition, whatever its data type. */
export interface AnyEventDefinition {
  readonly type: string
  readonly version: number
  readonly upcasters: ReadonlyArray<Upcaster>
  readonly codec: {
    /** Checks and decodes stored data of the current version. */
    readonly decode: (input: unknown) => t.Validation<unknown>
    /** Whether a value is already the decoded data. */
    readonly is: (input: unknown) => boolean
    /** Turns decoded data into the JSON that is stored. */
    readonly encode: (value: never) => unknown
  }
  readonly subject?: string
  readonly subjectPart?: string
}

/** The domain event an event definition describes. */
export type EventOf<D> =
  D extends EventDefinition<infer Type, infer Data, infer _Encoded> ? DomainEvent<Type, Data> : never

// --- constructors ---

/**
 * Declares one upcast step. The codec checks the old data, and `up` turns it into the next
 * version's shape. Keep `up` pure and deterministic: replay must give the same result every time.
 */
export const upcaster = <A>(from: number, codec: t.Decoder<unknown, A>, up: (data: A) => unknown): Upcaster => ({
  from,
  codec,
  up: up,
})

/**
 * Defines an event type. Throws a `TypeError` at definition time when the name is not
 * `<context>.<PastTenseVerbPhrase>`, the version is not a whole number ≥ 1, or the upcasters do not
 * form one unbroken chain from version 1 to the current version.
 *
 * @example
 * const GrantAwarded = defineEvent({
 *   type: 'grants.GrantAwarded',
 *   version: 2,
 *   codec: t.type({ applicationId: t.string, amount: Money }),
 *   upcasters: [upcaster(1, t.type({ applicationId: t.string, pence: t.number }),
 *     (v1) => ({ applicationId: v1.applicationId, amount: { amount: v1.pence, currency: 'GBP' } }))],
 * })
 */
export const defineEvent = <Type extends string, Data, Encoded>(definition: {
  readonly type: Type
  readonly version?: number
  readonly codec: t.Type<Data, Encoded, unknown>
  readonly upcasters?: ReadonlyArray<Upcaster>
  /** For events with `personal` fields: the top-level field holding the data subject's id. */
  readonly subject?: string
  /** Where the personal fields belong to a part of the subject, erasable alone: the part's id field. */
  readonly subjectPart?: string
}): EventDefinition<Type, Data, Encoded> => {
  const version = definition.version ?? 1
  const upcasters = [...(definition.upcasters ?? [])].sort((a, b) => a.from - b.from)
  if (!isEventTypeName(definition.type))
    throw new TypeError(`event type ${JSON.stringify(definition.type)} is not <context>.<PastTenseVerbPhrase>`)
  if (!Number.isSafeInteger(version) || version < 1)
    throw new TypeError(`${definition.type}: version must be a whole number ≥ 1, got ${version}`)
  upcasters.forEach((u, i) => {
    if (u.from !== i + 1)
      throw new TypeError(
        `${definition.type}: upcasters must run 1 → 2 → … → ${version}; step from ${i + 1} is missing or repeated`,
      )
  })
  if (upcasters.length !== version - 1)
    throw new TypeError(
      `${definition.type}: version ${version} needs ${version - 1} upcasters, got ${upcasters.length}`,
    )
  const type = definition.type
  const personalFields = personalPaths(definition.codec)
  if (personalFields.length > 0 && definition.subject === undefined)
    throw new TypeError(
      `${type}: it has personal fields (${personalFields.map((p) => p.join('.')).join(', ')}), so it must name its data subject: subject: '<field>'`,
    )
  if (
    definition.subject !== undefined &&
    personalPaths((definition.codec as { props?: Record<string, unknown> }).props?.[definition.subject]).length > 0
  )
    throw new TypeError(`${type}: the subject field ${definition.subject} cannot itself be personal`)
  if (
    definition.subjectPart !== undefined &&
    (definition.subject === undefined || definition.subjectPart === definition.subject)
  )
    throw new TypeError(`${type}: subjectPart names the part of a subject, so it needs a subject field of its own`)
  return {
    type,
    version,
    codec: definition.codec,
    upcasters,
    ...(definition.subject === undefined ? {} : { subject: definition.subject }),
    ...(definition.subjectPart === undefined ? {} : { subjectPart: definition.subjectPart }),
    create: (data) => ({ type, data }),
    is: (event): event is DomainEvent<Type, Data> => event.type === type,
  }
}

// --- catalog ---

/** Why a stored event could not become a domain event. */
export interface EventDecodeFailure {
  readonly _tag: 'UnknownEventType' | 'FutureSchemaVersion' | 'InvalidEventData'
  readonly message: string
}

/** The event types of one aggregate or context: encodes new events and decodes stored ones. */
export interface EventCatalog<Event extends DomainEvent> {
  readonly definitions: ReadonlyArray<AnyEventDefinition>
  readonly types: ReadonlyArray<Event['type']>
  /** The stored form of a domain event: its current schema version and encoded data. */
  readonly encode: (event: Event) => { readonly type: string; readonly schemaVersion: number; readonly data: JsonValue }
  /** Upcasts and decodes a stored event. */
  readonly decode: (
    stored: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>,
  ) => E.Either<EventDecodeFailure, Event>
}

/** The union of domain events a list of definitions describes. */
export type EventsOf<Ds extends ReadonlyArray<AnyEventDefinition>> = EventOf<Ds[number]>

/**
 * The union of domain events a catalog encodes and decodes: how a context names its events from the
 * catalog it exports.
 *
 * @example
 * ```ts
 * const roleEvents = eventCatalog(RoleDefined, RoleRetired)
 * type RoleEvent = CatalogEvent<typeof roleEvents>
 * ```
 */
export type CatalogEvent<C> = C extends EventCatalog<infer Event> ? Event : never

const failure = (_tag: EventDecodeFailure['_tag'], message: string): E.Either<EventDecodeFailure, never> =>
  E.left({ _tag, message })

/**
 * True when decoding with `codec` can only return its input unchanged: it is built solely of
 * primitives, literals, keyofs, plain and partial objects, arrays, tuples, unions, intersections,
 * string-keyed records, readonly wrappers and refinements (brands). Exact and strict codecs (which
 * strip unknown fields), recursive codecs and any custom codec (which may transform) are not.
 */
export const decodesToItself = (codec: unknown): boolean => {
  if (
    codec instanceof t.RefinementType ||
    codec instanceof t.ReadonlyType ||
    codec instanceof t.ArrayType ||
    codec instanceof t.ReadonlyArrayType
  )
    return decodesToItself((codec as { readonly type: unknown }).type)
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType)
    return Object.values((codec as { readonly props: Record<string, unknown> }).props).every(decodesToItself)
  if (codec instanceof t.UnionType || codec instanceof t.IntersectionType || codec instanceof t.TupleType)
    return (codec as { readonly types: ReadonlyArray<unknown> }).types.every(decodesToItself)
  if (codec instanceof t.DictionaryType)
    return (
      (codec as { readonly domain: unknown }).domain instanceof t.StringType &&
      decodesToItself((codec as { readonly codomain: unknown }).codomain)
    )
  return (
    codec instanceof t.StringType ||
    codec instanceof t.NumberType ||
    codec instanceof t.BooleanType ||
    codec instanceof t.NullType ||
    codec instanceof t.UnknownType ||
    codec instanceof t.LiteralType ||
    codec instanceof t.KeyofType
  )
}

/** Builds the catalog of a set of event definitions. Throws a `TypeError` on a repeated type. */
export const eventCatalog = <Ds extends ReadonlyArray<AnyEventDefinition>>(
  ...definitions: Ds
): EventCatalog<EventsOf<Ds>> => {
  const byType = new Map<string, AnyEventDefinition>()
  for (const d of definitions) {
    if (byType.has(d.type)) throw new TypeError(`event type ${d.type} is defined twice in one catalog`)
    byType.set(d.type, d)
  }
  const plain = new Set(definitions.filter((d) => decodesToItself(d.codec)))
  const catalog: EventCatalog<EventsOf<Ds>> = {
    definitions,
    types: definitions.map((d) => d.type),
    encode: (event) => {
      const d = byType.get(event.type)
      if (d === undefined) throw new TypeError(`event type ${event.type} is not in this catalog`)
      return { type: d.type, schemaVersion: d.version, data: d.codec.encode(event.data as never) as JsonValue }
    },
    decode: (stored) => {
      const d = byType.get(stored.type)
      if (d === undefined) return failure('UnknownEventType', `unknown event type ${stored.type}`)
      if (stored.schemaVersion > d.version)
        return failure(
          'FutureSchemaVersion',
          `${stored.type} v${stored.schemaVersion} is newer than this code knows (v${d.version})`,
        )
      let data: unknown = stored.data
      for (let v = stored.schemaVersion; v < d.version; v++) {
        const step = d.upcasters[v - 1]
        if (step === undefined) return failure('InvalidEventData', `${stored.type}: no upcaster from v${v}`)
        const old = step.codec.decode(data)
        if (E.isLeft(old))
          return failure('InvalidEventData', `${stored.type} v${v}: ${describeErrors(old.left).join('; ')}`)
        data = step.up(old.right as never)
      }
      // Fast path: for a codec built only of parts whose decode returns its input unchanged, data
      // that already is a value of the type needs no rebuilding.
      if (plain.has(d) && d.codec.is(data)) return E.right({ type: d.type, data } as EventsOf<Ds>)
      const decoded = d.codec.decode(data)
      if (E.isLeft(decoded))
        return failure('InvalidEventData', `${stored.type} v${d.version}: ${describeErrors(decoded.left).join('; ')}`)
      return E.right({ type: d.type, data: decoded.right } as EventsOf<Ds>)
    },
  }
  catalogs.set(catalog, byType)
  return catalog
}

/** Each catalog `eventCatalog` built, with its definitions by type. */
const catalogs = new WeakMap<object, ReadonlyMap<string, AnyEventDefinition>>()

/**
 * The definitions by type of a catalog `eventCatalog` built, or `undefined` for anything else: two
 * such catalogs decode an event of a definition they share to equal results, so readers of the
 * same events can decode each once.
 */
export const catalogDefinitions = (events: unknown): ReadonlyMap<string, AnyEventDefinition> | undefined =>
  typeof events === 'object' && events !== null ? catalogs.get(events) : undefined

// --- personal data ---

const pathsCache = new WeakMap<object, ReadonlyArray<PersonalPath>>()
/** The paths of an event type's personal fields (computed once per definition). */
export const personalPathsOf = (definition: AnyEventDefinition): ReadonlyArray<PersonalPath> => {
  let paths = pathsCache.get(definition)
  if (paths === undefined) {
    paths = personalPaths(definition.codec)
    pathsCache.set(definition, paths)
  }
  return paths
}

/** Does an event type carry personal data? */
export const hasPersonalData = (definition: AnyEventDefinition): boolean => personalPathsOf(definition).length > 0
