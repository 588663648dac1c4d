/**
 * A projection's view of its read models for one batch: collections over the read-model storage,
 * writes held until flushed, a document cache between batches, plain SQL held to the projection
 * version's own tables, and read-only collections for host queries.
 */

import { InvalidArgumentError } from '../kernel/errors'
import { deepFreeze, freezeJson, hasLoneSurrogate } from '../kernel/json'
import type {
  AnyCollectionDefinition,
  Collection,
  CollectionDefinition,
  Condition,
  FindOptions,
  ReadCollection,
  ReadModelReader,
  ReadModelTransaction,
} from '../port/read-model'
import { checkFieldName, checkFindLimit, nameProblem, tableName, tablePrefix } from '../port/read-model'
import type { AnyProjection, ProjectionContext, ProjectionSql } from './projection'
import { isObject } from './projection'

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
  /** Forgets every document, as when the tables may have changed behind the cache. */
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

/**
 * One batch's view of a projection version's collections, in one read-model transaction: writes
 * held until flushed, what it has seen kept for the document cache, and plain SQL held to the
 * version's own tables.
 */
class Batch {
  /**
   * Each table's documents in this transaction: `writes` held until written; `view`, what it has
   * read or written, which goes to the cache when it commits; `read`, the ids it read (from the
   * cache or storage) — what it read once it may read again, so those are kept, while a document it
   * only wrote is kept only if it was kept already. Plain SQL can change anything, so once it is
   * used nothing is kept.
   */
  readonly tables = new Map<string, { readonly writes: Held; readonly view: Held; readonly read: Set<string> }>()
  readonly collections = new Map<string, Collection<object, never>>()
  readonly declared: ReadonlyMap<string, AnyCollectionDefinition>
  sqlUsed = false

  constructor(
    readonly projection: Pick<AnyProjection, 'name' | 'version' | 'collections'>,
    readonly tx: ReadModelTransaction,
    readonly options: ContextOptions,
  ) {
    this.declared = new Map((projection.collections ?? []).map((c) => [c.name, c]))
  }

  async flushTable(table: string): Promise<void> {
    const state = this.tables.get(table)
    if (state === undefined || state.writes.size === 0) return
    const puts: Array<readonly [string, string]> = []
    const deletes: string[] = []
    for (const [id, doc] of state.writes) {
      if (doc === null) deletes.push(id)
      else puts.push([id, JSON.stringify(doc)])
      state.view.set(id, doc)
    }
    state.writes.clear()
    await this.tx.writeDocuments(table, puts, deletes)
  }

  async flush(): Promise<void> {
    for (const table of [...this.tables.keys()]) await this.flushTable(table)
  }

  /** Plain SQL sees what the batch put before it, and may change anything this context has seen. */
  async viaSql<A>(run: () => Promise<A>): Promise<A> {
    await this.flush()
    this.sqlUsed = true
    for (const { view } of this.tables.values()) view.clear()
    return run()
  }

  /** SQL held to this projection version's own tables: a plug-in never reaches keys, events or another's rows. */
  sql(): ProjectionSql | undefined {
    const { name, version } = this.projection
    const raw = this.tx.scopedSql?.({ prefix: tablePrefix(name, version), access: 'write' })
    if (raw === undefined) return undefined
    return {
      dialect: raw.dialect,
      query: (text, params) => this.viaSql(() => raw.query(text, params)),
      execute: (text, params) => this.viaSql(() => raw.execute(text, params)),
      table: (local) => {
        const problem = nameProblem(local, 'table')
        if (problem !== undefined) throw new InvalidArgumentError('table', problem)
        return tableName(name, version, local)
      },
    }
  }

  collection(name: string, definition: AnyCollectionDefinition): Collection<object, never> {
    const { tx, options } = this
    const table = tableName(this.projection.name, this.projection.version, name)
    const writes: Held = new Map()
    const view: Held = new Map()
    const readIds = new Set<string>()
    this.tables.set(table, { writes, view, read: readIds })
    const beforeFind = async (): Promise<void> => {
      await this.flushTable(table)
      if (options.deferredIndexes?.delete(table) === true) await tx.ensureCollection(table, definition.indexes)
    }
    const read = reader(tx, table, definition as CollectionDefinition<object, never>, beforeFind)
    const fetch = async (id: string): Promise<object | undefined> => {
      const doc = await read.get(id)
      // Frozen, as documents handed back always are: this one may be handed back again.
      const kept = doc === undefined ? null : deepFreeze(doc)
      if (!this.sqlUsed) {
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
        if (kept === undefined && !this.sqlUsed) {
          kept = options.cache?.get(table, id)
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

  /** The collection a definition names, made once per batch; only those the projection declared. */
  collectionOf<Doc extends object, K extends keyof Doc & string>(
    definition: CollectionDefinition<Doc, K>,
  ): Collection<Doc, K> {
    const name = (definition as { readonly name?: unknown } | undefined)?.name
    const found = typeof name === 'string' ? this.collections.get(name) : undefined
    if (found !== undefined) return found as unknown as Collection<Doc, K>
    const declaration = typeof name === 'string' ? this.declared.get(name) : undefined
    if (typeof name !== 'string' || declaration === undefined)
      throw new InvalidArgumentError(
        'collection',
        `${String(name)} is not a collection projection ${this.projection.name} declared`,
      )
    const made = this.collection(name, declaration)
    this.collections.set(name, made)
    return made as unknown as Collection<Doc, K>
  }

  /** The batch committed: what it read, and what it wrote of documents kept already, goes to the cache. */
  committed(): void {
    const cache = this.options.cache
    if (cache === undefined) return
    if (this.sqlUsed) return cache.clear()
    for (const [table, { view, read }] of this.tables)
      for (const [id, doc] of view) if (read.has(id) || cache.has(table, id)) cache.set(table, id, doc)
  }
}

/** A projection's context for one batch in `tx`. */
export const projectionContext = (
  projection: Pick<AnyProjection, 'name' | 'version' | 'collections'>,
  tx: ReadModelTransaction,
  options: ContextOptions = {},
): BatchContext => {
  const batch = new Batch(projection, tx, options)
  const context: BatchContext = {
    sql: batch.sql(),
    get held() {
      let held = 0
      for (const { writes } of batch.tables.values()) held += writes.size
      return held
    },
    collection: (definition) => batch.collectionOf(definition),
    flush: () => batch.flush(),
    ensureCollections: async (ensureOptions = {}) => {
      for (const c of batch.declared.values())
        await tx.ensureCollection(
          tableName(projection.name, projection.version, c.name),
          ensureOptions.indexes === false ? [] : c.indexes,
        )
    },
    committed: () => batch.committed(),
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
