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

import type { AnyEventDefinition } from '../events/event'
import { personalPathsOf } from '../events/event'
import type { PersonalPath, Sealed } from '../events/personal'
import { holdsSealed, isErasedJson, isSealed } from '../events/personal'
import { CorruptEventError, InvalidArgumentError } from '../kernel/errors'
import type { JsonValue } from '../kernel/json'
import type { KeyStore, Privacy } from '../port/privacy'
import { checkSubject, SubjectErasedError, subjectKey } from '../port/privacy'

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

/**
 * Seals and opens personal data with the subjects' keys in `keys`: AES-256-GCM per value, each
 * subject (or part) with its own key, so deleting the key leaves only ciphertext behind.
 */
export const createPrivacy = (keys: KeyStore): Privacy => ({
  keys,
  seal: async (definition, data) => {
    const paths = personalPathsOf(definition)
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
