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
import { deepFreeze, freezeJson, hasLoneSurrogate } from '../kernel/json'
import { isEventTypeName } from '../kernel/stream-id'
import type {
  AnyCollectionDefinition,
  Collection,
  CollectionDefinition,
  Condition,
  FindOptions,
  ReadCollection,
  ReadModelReader,
  ReadModelTransaction,
  SqlHandle,
} from '../port/read-model'
import {
  checkFieldName,
  checkFindLimit,
  isIndexableField,
  MAX_PROJECTION_VERSION,
  nameProblem,
  tableName,
  tablePrefix,
} from '../port/read-model'

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

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null
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

// --- collections over read-model storage ---

const checkId = (id: unknown, collection: string): string => {
  if (typeof id !== 'string' || id.length === 0 || id.length > 512)
    throw new InvalidArgumentError(`${collection}.id`, 'a document id must be a string of 1 to 512 characters')
  // Stored as UTF-8, a lone surrogate becomes U+FFFD (PostgreSQL) or bytes that read back as
  // something else (SQLite): two ids would become one, or an id would not read back as written.
  if (hasLoneSurrogate(id))
    throw new InvalidArgumentError(
      `${collection}.id`,
      'a document id must be well-formed Unicode (it has a lone surrogate)',
    )
  return id
}

const checkLimit = (options: FindOptions | undefined, collection: string): FindOptions => {
  if (options === undefined) return {}
  checkFindLimit(options.limit, `${collection}.limit`)
  if (options.after !== undefined && typeof options.after !== 'string')
    throw new InvalidArgumentError(`${collection}.after`, 'must be a document id')
  return options
}

/** Turns `where` into conditions, refusing fields that are not indexed and values that cannot be matched. */
const conditions = (where: object | undefined, definition: AnyCollectionDefinition): Condition[] => {
  if (where === undefined) return []
  if (!isObject(where)) throw new InvalidArgumentError(`${definition.name}.where`, 'must be an object')
  const indexed = new Set<string>(definition.indexes)
  return Object.entries(where)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]: [string, unknown]) => {
      if (!indexed.has(field))
        throw new InvalidArgumentError(
          `${definition.name}.where.${field}`,
          `is not an indexed field of ${definition.name} (indexed: ${definition.indexes.join(', ') || 'none'})`,
        )
      if (
        value !== null &&
        typeof value !== 'string' &&
        typeof value !== 'boolean' &&
        !(typeof value === 'number' && Number.isFinite(value))
      )
        throw new InvalidArgumentError(
          `${definition.name}.where.${field}`,
          'can only be matched against a string, a finite number, a boolean or null',
        )
      return [field, value] as const
    })
}

/**
 * A collection definition as `defineCollection` would have made it. A host's query may hand in any
 * object: its name becomes part of a table name and its indexes field names in SQL, so both are
 * checked again here rather than trusted.
 */
const checkedDefinition = (definition: unknown): AnyCollectionDefinition => {
  const name: unknown = isObject(definition) ? definition['name'] : undefined
  const problem = nameProblem(name, 'collection')
  if (problem !== undefined) throw new InvalidArgumentError('collection', problem)
  const indexes: unknown = (definition as { indexes?: unknown }).indexes
  if (!Array.isArray(indexes))
    throw new InvalidArgumentError(`${String(name)}.indexes`, 'must be an array of field names')
  return {
    name: name as string,
    indexes: indexes.map((f: unknown, i) => checkFieldName(f, `${String(name)}.indexes[${i}]`)),
  }
}

/** What a write that has nothing to wait for resolves with. */
const DONE: Promise<void> = Promise.resolve()

/** A document held until the batch is written: the frozen value, or null for a delete. */
type Held = Map<string, object | null>

/** Reads of one collection through a transaction, shared by projections and host queries. */
const reader = <Doc extends object, K extends keyof Doc & string>(
  tx: ReadModelReader,
  table: string,
  definition: CollectionDefinition<Doc, K>,
  beforeFind: () => Promise<void>,
): ReadCollection<Doc, K> => {
  const d = checkedDefinition(definition)
  const entries = async (where?: object, options?: FindOptions) => {
    const conds = conditions(where, d)
    const o = checkLimit(options, d.name)
    await beforeFind()
    const rows = await tx.findDocuments(table, conds, o)
    return rows.map(([id, doc]) => ({ id, doc: doc as Doc }))
  }
  return {
    get: async (id) => {
      checkId(id, d.name)
      return (await tx.getDocument(table, id)) as Doc | undefined
    },
    find: async (where, options) => (await entries(where, options)).map((e) => e.doc),
    entries,
  }
}

/**
 * Documents of one projection version as last committed, kept between transactions by whoever
 * runs it, so a batch need not read back what an earlier one wrote. It must only be given to a
 * context while nothing else can have changed the tables since (the runner checks its checkpoint).
 */
export interface DocumentCache {
  /** The document, `null` if known to be absent, `undefined` if not known. */
  get(table: string, id: string): object | null | undefined
  /** Whether it holds something of the document, without counting this as a use. */
  has(table: string, id: string): boolean
  /** Keeps what a committed transaction read or wrote. */
  set(table: string, id: string, doc: object | null): void
  clear(): void
}

/**
 * A `DocumentCache` of between `limit` and twice `limit` documents a table. Documents go into a
 * young generation; when it is full it becomes the old one and the previous old one is dropped,
 * and a document found in the old one moves back to the young. Recently used documents stay, and
 * every operation costs the same however many have come and gone.
 */
export const documentCache = (limit: number): DocumentCache => {
  const tables = new Map<string, { young: Map<string, object | null>; old: Map<string, object | null> }>()
  const keep = (generations: { young: Map<string, object | null>; old: Map<string, object | null> }) => {
    if (generations.young.size < limit) return generations.young
    generations.old = generations.young
    generations.young = new Map()
    return generations.young
  }
  return {
    get: (table, id) => {
      const generations = tables.get(table)
      if (generations === undefined) return undefined
      const young = generations.young.get(id)
      if (young !== undefined) return young
      const old = generations.old.get(id)
      if (old !== undefined) keep(generations).set(id, old)
      return old
    },
    set: (table, id, doc) => {
      let generations = tables.get(table)
      if (generations === undefined) {
        generations = { young: new Map(), old: new Map() }
        tables.set(table, generations)
      }
      if (generations.young.has(id)) generations.young.set(id, doc)
      else keep(generations).set(id, doc)
    },
    has: (table, id) => {
      const generations = tables.get(table)
      return generations !== undefined && (generations.young.has(id) || generations.old.has(id))
    },
    clear: () => tables.clear(),
  }
}

/**
 * The context for one projection version in one transaction. Puts and deletes are held per
 * collection (the last write of an id wins; a document put is frozen, and is what a later `get`
 * returns) and written by `flush`, before any `find` and at the end of the batch: one statement per
 * collection, and one `JSON.stringify` per document, however many events touched it.
 */
export interface BatchContext extends ProjectionContext {
  /** Writes what is held. */
  flush(): Promise<void>
  /** How many documents are held, put or deleted and not yet written. */
  readonly held: number
  /**
   * Creates the declared collections; with `indexes: false`, their tables only (a read model built
   * from nothing gets its indexes when it has caught up, or when it first calls `find`).
   */
  ensureCollections(options?: { readonly indexes?: boolean }): Promise<void>
  /**
   * Once the transaction has committed: hands the documents it read and wrote to the cache, or
   * clears the cache if plain SQL may have changed the tables behind the collections' back.
   */
  committed(): void
}

/** Where the context finds documents besides the transaction, and which indexes wait. */
export interface ContextOptions {
  /**
   * Tables whose indexes are not made yet: a `find` on one makes them first, and takes the table
   * off the set.
   */
  readonly deferredIndexes?: Set<string>
  /** Documents as committed before this transaction. */
  readonly cache?: DocumentCache
}

/**
 * The transaction behind each context the runner made: for the ledger's own projections (key
 * erasure), never handed to plug-ins. Not exported from the package.
 */
const transactions = new WeakMap<ProjectionContext, ReadModelTransaction>()

/** The read-model transaction a context runs in, if the runner made it. */
export const transactionOf = (ctx: ProjectionContext): ReadModelTransaction | undefined => transactions.get(ctx)

export const projectionContext = (
  projection: Pick<AnyProjection, 'name' | 'version' | 'collections'>,
  tx: ReadModelTransaction,
  options: ContextOptions = {},
): BatchContext => {
  const { deferredIndexes, cache } = options
  const declared = new Map((projection.collections ?? []).map((c) => [c.name, c]))
  const collections = new Map<string, Collection<object, never>>()
  /**
   * Each table's documents in this transaction: `writes` held until written; `view`, what it has
   * read or written, which goes to the cache when it commits; `read`, the ids it read (from the
   * cache or storage) — what it read once it may read again, so those are kept, while a document it
   * only wrote is kept only if it was kept already. Plain SQL can change anything, so once it is
   * used nothing is kept.
   */
  const tables = new Map<string, { readonly writes: Held; readonly view: Held; readonly read: Set<string> }>()
  let sqlUsed = false
  const flushTable = async (table: string): Promise<void> => {
    const state = tables.get(table)
    if (state === undefined || state.writes.size === 0) return
    const puts: Array<readonly [string, string]> = []
    const deletes: string[] = []
    for (const [id, doc] of state.writes) {
      if (doc === null) deletes.push(id)
      else puts.push([id, JSON.stringify(doc)])
      state.view.set(id, doc)
    }
    state.writes.clear()
    await tx.writeDocuments(table, puts, deletes)
  }
  const flush = async (): Promise<void> => {
    for (const table of [...tables.keys()]) await flushTable(table)
  }
  // Held to this projection version's own tables: a plug-in never reaches keys, events or another's rows.
  const raw = tx.scopedSql?.({ prefix: tablePrefix(projection.name, projection.version), access: 'write' })
  /** Plain SQL sees what the batch put before it, and may change anything this context has seen. */
  const viaSql = async <A>(run: () => Promise<A>): Promise<A> => {
    await flush()
    sqlUsed = true
    for (const { view } of tables.values()) view.clear()
    return run()
  }
  const sql: ProjectionSql | undefined =
    raw === undefined
      ? undefined
      : {
          dialect: raw.dialect,
          query: (text, params) => viaSql(() => raw.query(text, params)),
          execute: (text, params) => viaSql(() => raw.execute(text, params)),
          table: (local) => {
            const problem = nameProblem(local, 'table')
            if (problem !== undefined) throw new InvalidArgumentError('table', problem)
            return tableName(projection.name, projection.version, local)
          },
        }
  const makeCollection = (name: string, definition: AnyCollectionDefinition): Collection<object, never> => {
    const table = tableName(projection.name, projection.version, name)
    const writes: Held = new Map()
    const view: Held = new Map()
    const readIds = new Set<string>()
    tables.set(table, { writes, view, read: readIds })
    const beforeFind = async (): Promise<void> => {
      await flushTable(table)
      if (deferredIndexes?.delete(table) === true) await tx.ensureCollection(table, definition.indexes)
    }
    const read = reader(tx, table, definition as CollectionDefinition<object, never>, beforeFind)
    const fetch = async (id: string): Promise<object | undefined> => {
      const doc = await read.get(id)
      // Frozen, as documents handed back always are: this one may be handed back again.
      const kept = doc === undefined ? null : deepFreeze(doc)
      if (!sqlUsed) {
        view.set(id, kept)
        readIds.add(id)
      }
      return kept ?? undefined
    }
    return {
      get: async (id) => {
        // null is a document known to be absent: deleted in this batch, say. Only undefined looks further.
        let kept = writes.get(id)
        if (kept === undefined) kept = view.get(id)
        if (kept === undefined && !sqlUsed) {
          kept = cache?.get(table, id)
          if (kept !== undefined) readIds.add(id)
        }
        return kept === undefined ? fetch(id) : (kept ?? undefined)
      },
      find: (where, findOptions) => read.find(where, findOptions),
      entries: (where, findOptions) => read.entries(where, findOptions),
      // Not an async function: a put runs for almost every event, and has nothing to wait for.
      put: (id, doc) => {
        try {
          checkId(id, name)
          // Checked and frozen in one walk: what a later `get` returns cannot change under the batch.
          const problem = isObject(doc) && !Array.isArray(doc) ? freezeJson(doc, 'doc') : 'must be an object'
          if (problem !== undefined) throw new InvalidArgumentError(`${name}.${id}`, problem)
          writes.set(id, doc)
          return DONE
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)))
        }
      },
      delete: async (id) => {
        writes.set(checkId(id, name), null)
      },
    }
  }
  const context: BatchContext = {
    sql,
    get held() {
      let held = 0
      for (const { writes } of tables.values()) held += writes.size
      return held
    },
    collection: <Doc extends object, K extends keyof Doc & string>(
      definition: CollectionDefinition<Doc, K>,
    ): Collection<Doc, K> => {
      const name = (definition as { readonly name?: unknown } | undefined)?.name
      const found = typeof name === 'string' ? collections.get(name) : undefined
      if (found !== undefined) return found as unknown as Collection<Doc, K>
      const declaration = typeof name === 'string' ? declared.get(name) : undefined
      if (typeof name !== 'string' || declaration === undefined)
        throw new InvalidArgumentError(
          'collection',
          `${String(name)} is not a collection projection ${projection.name} declared`,
        )
      const made = makeCollection(name, declaration)
      collections.set(name, made)
      return made as unknown as Collection<Doc, K>
    },
    flush,
    ensureCollections: async (ensureOptions = {}) => {
      for (const c of declared.values())
        await tx.ensureCollection(
          tableName(projection.name, projection.version, c.name),
          ensureOptions.indexes === false ? [] : c.indexes,
        )
    },
    committed: () => {
      if (cache === undefined) return
      if (sqlUsed) return cache.clear()
      for (const [table, { view, read }] of tables)
        for (const [id, doc] of view) if (read.has(id) || cache.has(table, id)) cache.set(table, id, doc)
    },
  }
  transactions.set(context, tx)
  return context
}

/** Read-only access to one collection of a projection version, through a transaction. */
export const readCollection = <Doc extends object, K extends keyof Doc & string>(
  tx: ReadModelReader,
  projection: { readonly name: string; readonly version: number },
  definition: CollectionDefinition<Doc, K>,
): ReadCollection<Doc, K> =>
  reader(tx, tableName(projection.name, projection.version, definition.name), definition, async () => undefined)
