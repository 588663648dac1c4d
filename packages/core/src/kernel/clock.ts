/**
 * Time and identity, as ports: the store stamps `recordedAt` and the command handler stamps
 * `occurredAt` and event ids through these, so tests can fix both.
 */
import { createHash, randomUUID } from 'node:crypto'

/** Where the current time comes from. */
export interface Clock {
  /** The current time. */
  readonly now: () => Date
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still at `at` until moved with `set` or `advance` (milliseconds). */
export const fixedClock = (
  at: Date | string,
): Clock & {
  /** Moves the clock to `to`. */
  readonly set: (to: Date | string) => void
  /** Moves the clock on by `ms` milliseconds. */
  readonly advance: (ms: number) => void
} => {
  let current = new Date(at).getTime()
  return {
    now: () => new Date(current),
    set: (to) => {
      current = new Date(to).getTime()
    },
    advance: (ms) => {
      current += ms
    },
  }
}

/** Where new ids come from. */
export interface IdGenerator {
  /** A fresh random UUID. */
  readonly uuid: () => string
}

/** Random (version 4) UUIDs from `node:crypto`: the default id source. */
export const randomIds: IdGenerator = { uuid: () => randomUUID() }

/** Counts up from `00000000-0000-4000-8000-000000000001`: ids that read well in a test's output. */
export const sequentialIds = (): IdGenerator => {
  let n = 0
  return { uuid: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}` }
}

const hexToBytes = (hex: string): Buffer => Buffer.from(hex.replace(/-/g, ''), 'hex')

/**
 * A name-based UUID (RFC 9562 version 5): the same namespace and name always give the same id.
 * The command handler uses it so a command sent again with the same `commandId` produces events
 * with the same ids, which the store recognises as already stored.
 */
export const uuidV5 = (namespace: string, name: string): string => {
  const hash = createHash('sha1').update(hexToBytes(namespace)).update(name, 'utf8').digest()
  const bytes = hash.subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The namespace of Civic Ledger's name-based event ids. */
export const EVENT_ID_NAMESPACE = '5d3b8a52-3f4e-4c5a-9a57-2c1f0e7b9d10'
