/**
 * Personal data in events (DESIGN §7): fields marked `personal(codec)`, the `Erased` value a field
 * reads as once its subject is erased, and the shape a personal value is stored in. Sealing and
 * opening with keys is the privacy layer's; this is what every layer may know of the format.
 */
import * as t from 'io-ts'

import type { JsonValue } from '../kernel/json'
import type { RecordedEvent } from './envelope'

// --- the Erased value ---

/** What a personal field reads as once its subject has been erased. */
export interface Erased {
  readonly _tag: 'Erased'
  readonly subject: string
}

/** The value an erased personal field reads as: it names the subject whose key was deleted. */
export const erased = (subject: string): Erased => Object.freeze({ _tag: 'Erased', subject })

/** Whether a value is an erased personal field (`erased(subject)`), rather than the value itself. */
export const isErased = (value: unknown): value is Erased =>
  typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'Erased'

/** How an erased value is written in data handed to codecs: `{ "$erased": subject }`. */
export interface ErasedJson {
  readonly $erased: string
}

export const isErasedJson = (value: unknown): value is ErasedJson =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { $erased?: unknown }).$erased === 'string' &&
  Object.keys(value).length === 1

// --- the codec marker ---

/** A codec for a personal field: the inner codec's values, or `Erased` once the subject is erased. */
export class PersonalType<A, O> extends t.Type<A | Erased, O | ErasedJson, unknown> {
  readonly _tag = 'PersonalType' as const
  constructor(readonly inner: t.Type<A, O, unknown>) {
    super(
      `Personal<${inner.name}>`,
      (u): u is A | Erased => isErased(u) || inner.is(u),
      (u, c) => (isErasedJson(u) ? t.success(erased(u.$erased)) : inner.validate(u, c)),
      (a) => (isErased(a) ? { $erased: a.subject } : inner.encode(a)),
    )
  }
}

/** Marks a field as personal data: encrypted at rest with its subject's key, erasable. */
export const personal = <A, O>(codec: t.Type<A, O, unknown>): PersonalType<A, O> => new PersonalType(codec)

/** A path to personal values in event data; `'*'` stands for every element of an array. */
export type PersonalPath = ReadonlyArray<string>

const isType = (codec: unknown, name: string): boolean =>
  typeof codec === 'object' && codec !== null && (codec as { _tag?: unknown })._tag === name

/**
 * The paths of the personal fields of a codec: through objects (`type`, `partial`, `strict`,
 * `exact`), intersections, `readonly`, refinements and arrays. A personal field inside a union is
 * refused, since which member applies is only known per value.
 */
export const personalPaths = (codec: unknown, at: PersonalPath = []): ReadonlyArray<PersonalPath> => {
  if (codec instanceof PersonalType) return [at]
  const c = codec as {
    readonly type?: unknown
    readonly types?: ReadonlyArray<unknown>
    readonly props?: Readonly<Record<string, unknown>>
  }
  if (isType(codec, 'InterfaceType') || isType(codec, 'PartialType') || isType(codec, 'StrictType'))
    return Object.entries(c.props ?? {}).flatMap(([key, inner]) => personalPaths(inner, [...at, key]))
  if (isType(codec, 'IntersectionType')) return (c.types ?? []).flatMap((inner) => personalPaths(inner, at))
  if (isType(codec, 'ReadonlyType') || isType(codec, 'RefinementType') || isType(codec, 'ExactType'))
    return personalPaths(c.type, at)
  if (isType(codec, 'ArrayType') || isType(codec, 'ReadonlyArrayType')) return personalPaths(c.type, [...at, '*'])
  if (isType(codec, 'UnionType') && (c.types ?? []).some((inner) => personalPaths(inner).length > 0))
    throw new TypeError(`a personal field inside a union (at ${at.join('.') || 'the root'}) cannot be located`)
  return []
}

// --- the stored form ---

/** A personal value as stored: `{ "$personal": 1, s: subject, iv, ct, tag }` (base64). */
export interface Sealed {
  readonly $personal: 1
  readonly s: string
  readonly iv: string
  readonly ct: string
  readonly tag: string
}

export const isSealed = (value: unknown): value is Sealed =>
  typeof value === 'object' && value !== null && (value as { $personal?: unknown }).$personal === 1

/** Does the event data hold any sealed value? */
export const holdsSealed = (value: unknown): boolean => {
  if (isSealed(value)) return true
  if (Array.isArray(value)) return value.some(holdsSealed)
  if (typeof value === 'object' && value !== null) return Object.values(value).some(holdsSealed)
  return false
}

/** Every subject whose sealed values `value` holds. */
export const sealedSubjects = (value: unknown, into: Set<string> = new Set()): Set<string> => {
  if (isSealed(value)) into.add(value.s)
  else if (Array.isArray(value)) for (const v of value) sealedSubjects(v, into)
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) sealedSubjects(v, into)
  return into
}

/** The plain texts of the personal values of `stored`, as `opened` (its decrypted copy) holds them. */
export const personalTexts = (stored: unknown, opened: unknown, into: Set<string>): Set<string> => {
  if (isSealed(stored)) {
    const collect = (value: unknown): void => {
      if (typeof value === 'string') into.add(value)
      else if (typeof value === 'number' || typeof value === 'boolean') into.add(String(value))
      else if (Array.isArray(value)) value.forEach(collect)
      else if (typeof value === 'object' && value !== null && !isErasedJson(value))
        Object.values(value).forEach(collect)
    }
    collect(opened)
  } else if (Array.isArray(stored) && Array.isArray(opened))
    stored.forEach((item, i) => personalTexts(item, opened[i], into))
  else if (typeof stored === 'object' && stored !== null && typeof opened === 'object' && opened !== null)
    for (const [k, v] of Object.entries(stored)) personalTexts(v, (opened as Record<string, unknown>)[k], into)
  return into
}

/** An event as read without keys: every personal value withheld, as if its subject were erased. */
export const withholdPersonal = (event: RecordedEvent): RecordedEvent => {
  if (!holdsSealed(event.data)) return event
  const withhold = (value: unknown): unknown => {
    if (isSealed(value)) return { $erased: value.s }
    if (Array.isArray(value)) return value.map(withhold)
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withhold(v)]))
    return value
  }
  return { ...event, data: withhold(event.data) as JsonValue }
}
