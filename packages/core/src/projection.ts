/**
 * The shape of a projection plug-in (DESIGN §5) and the portable document store it writes its read
 * model to. This module holds the contract and the in-memory documents; running projections
 * against a live store is the projection runner's job.
 */
import type { RecordedEvent } from './envelope'
import type { JsonObject } from './json'
import { deepFreeze, findNonJson } from './json'
import { InvalidArgumentError } from './errors'
import { isEventTypeName } from './stream-id'

// --- model ---

/** One named set of documents in a read model. */
export interface Collection<Doc extends JsonObject = JsonObject> {
  get(id: string): Promise<Doc | undefined>
  put(id: string, doc: Doc): Promise<void>
  delete(id: string): Promise<void>
  /** Documents whose top-level fields equal every field of `where`, ordered by id. */
  find(where?: Partial<Doc>): Promise<ReadonlyArray<Doc>>
}

/** What a projection's `apply` and `setup` are given. */
export interface ProjectionContext {
  collection<Doc extends JsonObject = JsonObject>(name: string): Collection<Doc>
}

/** A plug-in that turns events into a read model. */
export interface Projection {
  /** Unique, kebab-case. */
  readonly name: string
  /** Bump to rebuild the read model from the start. */
  readonly version: number
  /** The event types it reads; it sees no others. */
  readonly handles: ReadonlyArray<string>
  readonly setup?: (ctx: ProjectionContext) => Promise<void> | void
  /** Pure with respect to anything outside `ctx`. */
  readonly apply: (event: RecordedEvent, ctx: ProjectionContext) => Promise<void> | void
}

/** A document store that can also say what it holds, for tests and inspection. */
export interface DocumentStore extends ProjectionContext {
  /** Every collection with its documents, ordered by name and id. */
  snapshot(): Readonly<Record<string, Readonly<Record<string, JsonObject>>>>
}

// --- in memory ---

const checkDocumentId = (id: unknown): string => {
  if (typeof id !== 'string' || id.length === 0)
    throw new InvalidArgumentError('id', 'a document id must be a non-empty string')
  return id
}

/** Documents in memory; each `put` stores a frozen copy. */
export const createMemoryDocumentStore = (): DocumentStore => {
  const collections = new Map<string, Map<string, JsonObject>>()
  const named = (name: string): Map<string, JsonObject> => {
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      throw new InvalidArgumentError('collection', `collection name ${JSON.stringify(name)} must be kebab-case`)
    let docs = collections.get(name)
    if (docs === undefined) {
      docs = new Map()
      collections.set(name, docs)
    }
    return docs
  }
  return {
    collection: <Doc extends JsonObject>(name: string): Collection<Doc> => {
      const docs = named(name)
      return {
        get: async (id) => docs.get(checkDocumentId(id)) as Doc | undefined,
        put: async (id, doc) => {
          const problem = findNonJson(doc, 'doc')
          if (problem !== undefined) throw new InvalidArgumentError('doc', problem)
          docs.set(checkDocumentId(id), deepFreeze(JSON.parse(JSON.stringify(doc)) as JsonObject))
        },
        delete: async (id) => {
          docs.delete(checkDocumentId(id))
        },
        find: async (where) => {
          const entries = [...docs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          const conditions = Object.entries(where ?? {})
          return entries
            .map(([, doc]) => doc as Doc)
            .filter((doc) => conditions.every(([k, v]) => JSON.stringify(doc[k]) === JSON.stringify(v)))
        },
      }
    },
    snapshot: () =>
      Object.fromEntries(
        [...collections.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, docs]) => [name, Object.fromEntries([...docs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))]),
      ),
  }
}

// --- checks ---

const PROJECTION_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/**
 * Throws `InvalidArgumentError` unless `value` is a well-formed projection plug-in: a kebab-case
 * name, a whole-number version ≥ 1, at least one event type it handles, and an `apply` function.
 */
export const checkProjection = (value: unknown, argument = 'projection'): Projection => {
  if (typeof value !== 'object' || value === null)
    throw new InvalidArgumentError(argument, 'must be a projection object')
  const p = value as Partial<Record<keyof Projection, unknown>>
  if (typeof p.name !== 'string' || !PROJECTION_NAME.test(p.name))
    throw new InvalidArgumentError(`${argument}.name`, `must be kebab-case, got ${JSON.stringify(p.name)}`)
  const at = `projection ${p.name}`
  if (typeof p.version !== 'number' || !Number.isSafeInteger(p.version) || p.version < 1)
    throw new InvalidArgumentError(`${at}.version`, `must be a whole number ≥ 1, got ${String(p.version)}`)
  if (!Array.isArray(p.handles) || p.handles.length === 0)
    throw new InvalidArgumentError(`${at}.handles`, 'must list at least one event type')
  const badType: unknown = p.handles.find((type: unknown) => !isEventTypeName(type))
  if (badType !== undefined)
    throw new InvalidArgumentError(`${at}.handles`, `${JSON.stringify(badType)} is not <context>.<PastTenseVerbPhrase>`)
  if (typeof p.apply !== 'function') throw new InvalidArgumentError(`${at}.apply`, 'must be a function')
  if (p.setup !== undefined && typeof p.setup !== 'function')
    throw new InvalidArgumentError(`${at}.setup`, 'must be a function when given')
  return value as Projection
}
