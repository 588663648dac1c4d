/**
 * Personal data that can be erased from an immutable ledger (DESIGN §7). Fields are marked in the
 * codec with `personal(codec)`, and the event definition names the data subject (`subject: 'volunteerId'`).
 * Before an event is stored, each personal value is encrypted with its subject's own key
 * (AES-256-GCM), so the stored bytes — and any hash of them — hold only ciphertext. Erasing the
 * subject deletes the key: the ciphertext stays, unreadable, and reads give a typed `Erased` value.
 *
 * Keys live in a `KeyStore` (memory here; SQLite and PostgreSQL keep them in their own database; an
 * external KMS can implement the port). Keys never appear in events, errors or logs.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import * as t from 'io-ts'
import type { RecordedEvent } from './envelope'
import { CorruptEventError, InvalidArgumentError } from './errors'
import type { AnyEventDefinition } from './event'
import type { JsonValue } from './json'

// --- the Erased value ---

/** What a personal field reads as once its subject has been erased. */
export interface Erased {
  readonly _tag: 'Erased'
  readonly subject: string
}

export const erased = (subject: string): Erased => Object.freeze({ _tag: 'Erased', subject })

export const isErased = (value: unknown): value is Erased =>
  typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'Erased'

/** How an erased value is written in data handed to codecs: `{ "$erased": subject }`. */
export interface ErasedJson {
  readonly $erased: string
}

const isErasedJson = (value: unknown): value is ErasedJson =>
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

// --- the key store port ---

/**
 * A subject and the subjects it is part of: `v-1.dbs-3` (a part of `v-1`, keyed on its own so it can
 * be erased alone) → `['v-1.dbs-3', 'v-1']`. Erasing a subject erases its parts too.
 */
export const subjectAndOwners = (subject: string): ReadonlyArray<string> => {
  const parts = subject.split('.')
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'))
}

/** Where subjects' keys are kept. A `.` separates a subject from its parts (`v-1.dbs-3`). */
export interface KeyStore {
  /** The subject's key, made if it has none. Rejects with `SubjectErasedError` for an erased subject. */
  keyFor(subject: string): Promise<Buffer>
  /** The subject's key, or undefined if it has none (never had one, or was erased). */
  find(subject: string): Promise<Buffer | undefined>
  /** Deletes the subject's key, and its parts' keys, for good. Resolves false if it was already erased. */
  erase(subject: string): Promise<boolean>
  isErased(subject: string): Promise<boolean>
}

/** A command tried to record personal data of a subject who has been erased. */
export class SubjectErasedError extends Error {
  constructor(readonly subject: string) {
    super(`subject ${subject} has been erased: no personal data can be recorded for them`)
    this.name = 'SubjectErasedError'
  }
}

/** Refuses a malformed data subject id with an `InvalidArgumentError`; returns it otherwise. */
export const checkSubject = (subject: unknown): string => {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 200)
    throw new InvalidArgumentError('subject', 'a data subject id must be a string of 1 to 200 characters')
  return subject
}

/** Keys in memory: for tests and the in-memory store. Erased subjects are remembered. */
export const createMemoryKeyStore = (): KeyStore => {
  const keys = new Map<string, Buffer>()
  const gone = new Set<string>()
  const isGone = (subject: string): boolean => subjectAndOwners(subject).some((s) => gone.has(s))
  return {
    keyFor: async (subject) => {
      checkSubject(subject)
      if (isGone(subject)) throw new SubjectErasedError(subject)
      let key = keys.get(subject)
      if (key === undefined) {
        key = randomBytes(32)
        keys.set(subject, key)
      }
      return key
    },
    find: async (subject) => keys.get(checkSubject(subject)),
    erase: async (subject) => {
      checkSubject(subject)
      for (const [held, key] of [...keys])
        if (held === subject || held.startsWith(`${subject}.`)) {
          key.fill(0)
          keys.delete(held)
        }
      if (isGone(subject)) return false
      gone.add(subject)
      return true
    },
    isErased: async (subject) => isGone(checkSubject(subject)),
  }
}

// --- sealing and opening ---

/** A personal value as stored: `{ "$personal": 1, s: subject, iv, ct, tag }` (base64). */
interface Sealed {
  readonly $personal: 1
  readonly s: string
  readonly iv: string
  readonly ct: string
  readonly tag: string
}

const isSealed = (value: unknown): value is Sealed =>
  typeof value === 'object' && value !== null && (value as { $personal?: unknown }).$personal === 1

const aad = (subject: string, type: string, path: string): Buffer => Buffer.from(`${subject}\u0000${type}\u0000${path}`)

const encrypt = (key: Buffer, subject: string, type: string, path: string, value: JsonValue): Sealed => {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad(subject, type, path))
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
  return {
    $personal: 1,
    s: subject,
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  }
}

const decrypt = (key: Buffer, sealed: Sealed, type: string, path: string): JsonValue => {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'))
  decipher.setAAD(aad(sealed.s, type, path))
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'))
  const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()])
  return JSON.parse(plain.toString('utf8')) as JsonValue
}

const objectOf = (value: unknown): Readonly<Record<string, JsonValue>> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Readonly<Record<string, JsonValue>>)
    : undefined

/** Rewrites the values at `path` of `value` with `change`, returning a new value. */
const rewrite = async (
  value: JsonValue,
  path: PersonalPath,
  at: string,
  change: (v: JsonValue, at: string) => Promise<JsonValue>,
): Promise<JsonValue> => {
  if (path.length === 0) return change(value, at)
  const [head, ...rest] = path
  if (head === '*') {
    if (!Array.isArray(value)) return value
    const items = value as ReadonlyArray<JsonValue>
    const out: JsonValue[] = []
    for (const [i, item] of items.entries()) out.push(await rewrite(item, rest, `${at}[${i}]`, change))
    return out
  }
  const object = objectOf(value)
  if (object === undefined || head === undefined || !Object.prototype.hasOwnProperty.call(object, head)) return value
  const inner = object[head]
  if (inner === undefined) return value
  return { ...object, [head]: await rewrite(inner, rest, `${at}.${head}`, change) }
}

/** Does the event data hold any sealed value? */
const holdsSealed = (value: unknown): boolean => {
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

export interface Privacy {
  readonly keys: KeyStore
  /**
   * Encrypts the personal fields of encoded event data with its subject's key. Rejects with
   * `SubjectErasedError` if the subject is erased and the data holds personal values.
   */
  seal(definition: AnyEventDefinition, data: JsonValue): Promise<JsonValue>
  /**
   * Decrypts the personal values of a stored event; values of an erased subject become
   * `{ "$erased": subject }`, which `personal` codecs decode to `Erased`. Throws `CorruptEventError`
   * if a sealed value was tampered with.
   */
  open(event: RecordedEvent): Promise<RecordedEvent>
}

const pathsCache = new WeakMap<object, ReadonlyArray<PersonalPath>>()
const pathsOf = (definition: AnyEventDefinition): ReadonlyArray<PersonalPath> => {
  let paths = pathsCache.get(definition)
  if (paths === undefined) {
    paths = personalPaths(definition.codec)
    pathsCache.set(definition, paths)
  }
  return paths
}

/** Does an event type carry personal data? */
export const hasPersonalData = (definition: AnyEventDefinition): boolean => pathsOf(definition).length > 0

export const createPrivacy = (keys: KeyStore): Privacy => ({
  keys,
  seal: async (definition, data) => {
    const paths = pathsOf(definition)
    if (paths.length === 0) return data
    const field = definition.subject
    const subject = field === undefined ? undefined : objectOf(data)?.[field]
    if (typeof subject !== 'string' || subject.length === 0)
      throw new InvalidArgumentError(
        `${definition.type}.${field ?? 'subject'}`,
        'an event with personal fields must name its data subject in a non-empty string field',
      )
    let sealed = data
    let key: Buffer | undefined
    for (const path of paths)
      sealed = await rewrite(sealed, path, '$', async (value, at) => {
        if (isErasedJson(value)) throw new SubjectErasedError(subject)
        key ??= await keys.keyFor(subject)
        return encrypt(key, subject, definition.type, at, value) as unknown as JsonValue
      })
    return sealed
  },
  open: async (event) => {
    if (!holdsSealed(event.data)) return event
    const found = new Map<string, Buffer | undefined>()
    const open = async (value: JsonValue, at: string): Promise<JsonValue> => {
      if (isSealed(value)) {
        if (!found.has(value.s)) found.set(value.s, await keys.find(value.s))
        const key = found.get(value.s)
        if (key === undefined) return { $erased: value.s }
        try {
          return decrypt(key, value, event.type, at)
        } catch {
          throw new CorruptEventError(
            event.position,
            event.streamId,
            event.revision,
            `the personal value at ${at} does not decrypt: it was altered or moved`,
          )
        }
      }
      if (Array.isArray(value)) {
        const items = value as ReadonlyArray<JsonValue>
        const out: JsonValue[] = []
        for (const [i, item] of items.entries()) out.push(await open(item, `${at}[${i}]`))
        return out
      }
      if (typeof value === 'object' && value !== null) {
        const out: Record<string, JsonValue> = {}
        for (const [k, v] of Object.entries(value)) out[k] = await open(v, `${at}.${k}`)
        return out
      }
      return value
    }
    return { ...event, data: await open(event.data, '$') }
  },
})
