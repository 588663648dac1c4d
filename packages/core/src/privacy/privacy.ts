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
import { hasLoneSurrogate } from './json'

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
 * The key-store name of a data subject, or of a part of one keyed on its own (a volunteer's DBS
 * certificate, so it can be purged while the volunteer stays). A subject id may hold any
 * characters: `%` and `/` are escaped, so `/` only ever separates a subject from its part, and a
 * name belongs to exactly one subject — `ann` and `ann.lee`, or `v-1` and `v-1/x`, never share a
 * key. Ids of neither character are their own names.
 *
 * @example
 * subjectKey('v-1') // 'v-1'
 * subjectKey('v-1', 'checkId=c1') // 'v-1/checkId=c1'
 * subjectKey('a/b') // 'a%2Fb', a subject of its own, not a part of `a`
 */
export const subjectKey = (subject: string, part?: string): string => {
  const escape = (segment: string): string => segment.replace(/%/g, '%25').replace(/\//g, '%2F')
  return part === undefined ? escape(subject) : `${escape(subject)}/${escape(part)}`
}

/**
 * A subject's key name and the name of the subject it is a part of: `v-1/checkId=c1` →
 * `['v-1/checkId=c1', 'v-1']`; `ann.lee` → `['ann.lee']`. Erasing a subject erases its parts too.
 */
export const subjectAndOwners = (key: string): ReadonlyArray<string> => {
  const slash = key.indexOf('/')
  return slash < 0 ? [key] : [key, key.slice(0, slash)]
}

/** The prefix every key name of a subject's parts starts with. */
export const partsPrefix = (key: string): string => `${key}/`

/**
 * Where subjects' keys are kept, by key name (`subjectKey`): a subject's, or a part's
 * (`v-1/checkId=c1`). Implementations match names exactly, never by a prefix of another id.
 */
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

/**
 * Refuses a malformed key name with an `InvalidArgumentError`; returns it otherwise: 1 to 600
 * characters of well-formed Unicode, a subject and at most one part, neither empty.
 */
export const checkSubject = (subject: unknown): string => {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 600)
    throw new InvalidArgumentError('subject', 'a data subject id must be a string of 1 to 600 characters')
  if (hasLoneSurrogate(subject))
    throw new InvalidArgumentError('subject', 'a data subject id must be well-formed Unicode (it has a lone surrogate)')
  const segments = subject.split('/')
  if (segments.length > 2 || segments.some((segment) => segment.length === 0))
    throw new InvalidArgumentError(
      'subject',
      'a key name is a subject and at most one part (use subjectKey to make one)',
    )
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
        if (held === subject || held.startsWith(partsPrefix(subject))) {
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

/** The plain texts of the personal values of `stored`, as `opened` (its decrypted copy) holds them. */
const personalTexts = (stored: unknown, opened: unknown, into: Set<string>): Set<string> => {
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

/** What stands in an error's text where a personal value was. */
export const REDACTED = '‹personal›'

/**
 * Takes every personal value of an event out of a text (an error a plug-in threw, say): each
 * value, and each as JSON would write it inside a string, becomes `‹personal›`. Values of one
 * character are left, since replacing them would garble the text and tell nothing.
 */
export const redactPersonal = async (privacy: Privacy, event: RecordedEvent, text: string): Promise<string> => {
  if (!holdsSealed(event.data)) return text
  let opened: RecordedEvent
  try {
    opened = await privacy.open(event)
  } catch {
    return text
  }
  const values = [...personalTexts(event.data, opened.data, new Set())]
    .flatMap((v) => [v, JSON.stringify(v).slice(1, -1)])
    .filter((v) => v.length > 1)
    .sort((a, b) => b.length - a.length)
  let out = text
  for (const value of values) out = out.split(value).join(REDACTED)
  return out
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

/** The key name of the subject (or part) whose personal fields an event's data holds. */
const subjectOf = (definition: AnyEventDefinition, data: JsonValue): string => {
  const named = (field: string | undefined, what: string): string => {
    const value = field === undefined ? undefined : objectOf(data)?.[field]
    if (typeof value !== 'string' || value.length === 0)
      throw new InvalidArgumentError(
        `${definition.type}.${field ?? 'subject'}`,
        `an event with personal fields must name its ${what} in a non-empty string field`,
      )
    return value
  }
  const subject = named(definition.subject, 'data subject')
  const part = definition.subjectPart
  return checkSubject(part === undefined ? subjectKey(subject) : subjectKey(subject, `${part}=${named(part, 'part')}`))
}

export const createPrivacy = (keys: KeyStore): Privacy => ({
  keys,
  seal: async (definition, data) => {
    const paths = pathsOf(definition)
    if (paths.length === 0) return data
    const subject = subjectOf(definition, data)
    let sealed = data
    let key: Buffer | undefined
    for (const path of paths)
      sealed = await rewrite(sealed, path, '$', async (value, at) => {
        if (isErasedJson(value)) throw new SubjectErasedError(subject)
        // Sealed already (copied from a stored event): sealing it again would make it unreadable.
        if (isSealed(value) && value.s === subject) return value
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
