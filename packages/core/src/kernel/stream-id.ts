/**
 * Names in the ledger. Stream ids name one aggregate instance: `<context>.<aggregate>-<id>`, e.g.
 * `grants.application-7f3c0a9e`. The context and aggregate are lower-case kebab words; the id is
 * whatever identifies the instance (a UUID, an ONS code, an org-id).
 */

// --- model ---

/** The longest stream id any store accepts. */
export const MAX_STREAM_ID_LENGTH = 512

const STREAM_ID = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*)-([A-Za-z0-9][A-Za-z0-9._:~-]*)$/

/** The parts of a stream id. */
export interface StreamName {
  readonly context: string
  readonly aggregate: string
  readonly id: string
}

// --- checks ---

/**
 * Says what is wrong with a stream id, or `undefined` when it is well formed. Stores use this so
 * that every store refuses the same ids with the same words.
 */
export const streamIdProblem = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return `stream id must be a string, got ${typeof value}`
  if (value.length === 0) return 'stream id must not be empty'
  if (value.length > MAX_STREAM_ID_LENGTH)
    return `stream id is ${value.length} characters long; the limit is ${MAX_STREAM_ID_LENGTH}`
  if (!STREAM_ID.test(value))
    return `stream id ${JSON.stringify(value)} is not of the form <context>.<aggregate>-<id> (e.g. grants.application-7f3c)`
  return undefined
}

/** Splits a well-formed stream id into its parts, or returns `undefined`. */
export const parseStreamId = (value: string): StreamName | undefined => {
  const match = STREAM_ID.exec(value)
  if (match === null) return undefined
  const [, context, aggregate, id] = match
  return context !== undefined && aggregate !== undefined && id !== undefined ? { context, aggregate, id } : undefined
}

const EVENT_TYPE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[A-Z][A-Za-z0-9]*$/

/** The longest event type name: they are code's names, not data. */
export const MAX_EVENT_TYPE_LENGTH = 128

/**
 * True when `value` is an event type name: `<context>.<PastTenseVerbPhrase>`, e.g.
 * `grants.GrantAwarded`, of at most 128 characters.
 */
export const isEventTypeName = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_EVENT_TYPE_LENGTH && EVENT_TYPE.test(value)

// --- constructors ---

/**
 * Builds a stream id from its parts. Throws a `TypeError` for malformed parts: a stream id is built
 * by code, not taken from input, so a bad one is a programming error.
 */
export const streamId = (context: string, aggregate: string, id: string): string => {
  const value = `${context}.${aggregate}-${id}`
  const problem = streamIdProblem(value)
  if (problem !== undefined) throw new TypeError(problem)
  return value
}
