/**
 * What the layers below privacy know of it: where subjects' keys are kept (the `KeyStore` a store
 * may provide), how keys are named, and the `Privacy` that seals and opens personal values.
 * Keys never appear in events, errors or logs.
 */
import type { RecordedEvent } from '../events/envelope'
import type { AnyEventDefinition } from '../events/event'
import { holdsSealed, personalTexts } from '../events/personal'
import { InvalidArgumentError } from '../kernel/errors'
import type { JsonValue } from '../kernel/json'
import { hasLoneSurrogate } from '../kernel/json'

// --- keys ---

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
  /** Whether the subject's key was erased (not merely never made). */
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

// --- sealing and opening ---

/**
 * Seals and opens personal data: encrypts an event's personal fields with its subject's key before
 * it is stored, and decrypts them when it is read. `createPrivacy(keys)` makes one; a ledger's is
 * `ledger.privacy`.
 */
export interface Privacy {
  /** Where the subjects' keys are kept. */
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
