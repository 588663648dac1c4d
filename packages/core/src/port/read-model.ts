/**
 * Where projections keep their read models (DESIGN §5): the storage port every store that holds
 * read models implements (memory, SQLite, PostgreSQL), the typed collections projections and host
 * apps use on top of it, and the naming rules that keep each projection version in tables of its
 * own, so a new version can be built beside the one still serving.
 *
 * Storage speaks in tables, JSON documents and checkpoints, inside transactions: everything a
 * projection writes for a batch of events, its checkpoint and any events it parks commit together
 * or not at all. That is what makes a projection's effect exactly-once.
 */
import type { RecordedEvent } from '../events/envelope'
import { InvalidArgumentError } from '../kernel/errors'
import type { JsonObject } from '../kernel/json'
import type { SqlScope } from './sql-scope'

// --- names ---

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
/** Longest projection name: with a version and a collection its tables stay within PostgreSQL's 63. */
export const MAX_PROJECTION_NAME_LENGTH = 30
/** Longest collection name, for the same reason: the table is named by projection, version and collection. */
export const MAX_COLLECTION_NAME_LENGTH = 20
/** Highest projection version: four digits in a table's name. */
export const MAX_PROJECTION_VERSION = 9_999
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** A problem with a projection or collection name, or undefined when it is well formed. */
export const nameProblem = (name: unknown, what: 'projection' | 'collection' | 'table'): string | undefined => {
  const max = what === 'projection' ? MAX_PROJECTION_NAME_LENGTH : MAX_COLLECTION_NAME_LENGTH
  if (typeof name !== 'string') return `a ${what} name must be a string`
  if (!KEBAB.test(name)) return `${what} name ${JSON.stringify(name)} must be kebab-case (a-z, 0-9, single hyphens)`
  if (name.length > max) return `${what} name ${JSON.stringify(name)} is longer than ${max} characters`
  return undefined
}

export const isIndexableField = (field: unknown): field is string => typeof field === 'string' && FIELD.test(field)

/**
 * Refuses anything but a top-level field name (letters, digits, `_`). Stores splice field names
 * into SQL (`'$.<field>'`, `body -> '<field>'`), so every store checks each one, whoever called it.
 */
export const checkFieldName = (field: unknown, argument = 'field'): string => {
  if (!isIndexableField(field))
    throw new InvalidArgumentError(
      argument,
      `${JSON.stringify(String(field)).slice(0, 80)} is not a field name (letters, digits and _, at most 63)`,
    )
  return field
}

/** Refuses a `find` limit that is not a whole number ≥ 0: stores splice it into SQL. */
export const checkFindLimit = (limit: unknown, argument = 'limit'): number | undefined => {
  if (limit === undefined) return undefined
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0)
    throw new InvalidArgumentError(argument, 'must be a whole number ≥ 0')
  return limit
}

/**
 * The prefix of every table of one projection version: `rm_<name>_v<version>__`. Hyphens become
 * underscores; since names never hold underscores, distinct names give distinct prefixes.
 */
export const tablePrefix = (projection: string, version: number): string =>
  `rm_${projection.replace(/-/g, '_')}_v${version}__`

const TABLE_PREFIX = /^rm_[a-z][a-z0-9]*(?:_[a-z0-9]+)*_v[1-9][0-9]{0,3}__$/

/** Refuses anything but the table prefix of one projection version, as `tablePrefix` makes it. */
export const checkTablePrefix = (prefix: unknown): string => {
  if (typeof prefix !== 'string' || !TABLE_PREFIX.test(prefix))
    throw new InvalidArgumentError(
      'prefix',
      `${JSON.stringify(String(prefix)).slice(0, 80)} is not one projection version's table prefix`,
    )
  return prefix
}

/** The table of one collection (or one SQL table) of a projection version. */
export const tableName = (projection: string, version: number, local: string): string =>
  `${tablePrefix(projection, version)}${local.replace(/-/g, '_')}`

// --- documents ---

/** Values an indexed field may hold, and so values `find` can match. */
export type IndexValue = string | number | boolean | null

/** One equality condition on an indexed top-level field. */
export type Condition = readonly [field: string, value: IndexValue]

/**
 * A named set of documents, declared once with the fields it can be searched by.
 *
 * @example
 * interface FundTotal { readonly fundId: string; readonly awarded: number }
 * const fundTotals = defineCollection<FundTotal, 'fundId'>('fund-totals', { indexes: ['fundId'] })
 */
export interface CollectionDefinition<Doc extends object = JsonObject, K extends keyof Doc & string = never> {
  readonly name: string
  readonly indexes: ReadonlyArray<K>
  /** Carries the document type; never set at run time. */
  readonly __doc?: Doc
}

/** Any collection definition, whatever its document type: what a projection declares. */
export interface AnyCollectionDefinition {
  readonly name: string
  readonly indexes: ReadonlyArray<string>
}

/**
 * Declares a collection: its name (kebab-case, at most `MAX_COLLECTION_NAME_LENGTH` characters)
 * and the top-level fields it is indexed on, the only fields `find` can match. Throws
 * `InvalidArgumentError` on a bad name, a field that is not a top-level name, or a field listed twice.
 */
export const defineCollection = <Doc extends object, K extends keyof Doc & string = never>(
  name: string,
  options: { readonly indexes?: ReadonlyArray<K> } = {},
): CollectionDefinition<Doc, K> => {
  const problem = nameProblem(name, 'collection')
  if (problem !== undefined) throw new InvalidArgumentError('collection', problem)
  const indexes = [...(options.indexes ?? [])]
  const bad = indexes.find((field) => !isIndexableField(field))
  if (bad !== undefined)
    throw new InvalidArgumentError(
      `collection ${name}.indexes`,
      `${JSON.stringify(bad)} is not a top-level field name (letters, digits, _)`,
    )
  if (new Set(indexes).size !== indexes.length)
    throw new InvalidArgumentError(`collection ${name}.indexes`, 'lists a field twice')
  return Object.freeze({ name, indexes: Object.freeze(indexes) })
}

/** Equality conditions on indexed fields; every one must hold. */
export type Where<Doc, K extends keyof Doc> = { readonly [P in K]?: Doc[P] }

/** How many documents a `find` returns, and after which id: documents come in id order. */
export interface FindOptions {
  /** At most this many documents. */
  readonly limit?: number
  /** Only documents whose id sorts after this one: the cursor for the next page. */
  readonly after?: string
}

/** What a host app may do with a read model: read it. */
export interface ReadCollection<Doc extends object, K extends keyof Doc & string = never> {
  /** The document under `id`, or undefined. */
  get(id: string): Promise<Doc | undefined>
  /** Documents matching `where` on indexed fields, ordered by id (code point order). */
  find(where?: Where<Doc, K>, options?: FindOptions): Promise<ReadonlyArray<Doc>>
  /** As `find`, with each document's id, for paging with `after`. */
  entries(
    where?: Where<Doc, K>,
    options?: FindOptions,
  ): Promise<ReadonlyArray<{ readonly id: string; readonly doc: Doc }>>
}

/** What a projection may do with its own read model. */
export interface Collection<Doc extends object, K extends keyof Doc & string = never> extends ReadCollection<Doc, K> {
  /** Writes the document under `id`, replacing any it had. */
  put(id: string, doc: Doc): Promise<void>
  /** Deletes the document under `id`; deleting one that is not there does nothing. */
  delete(id: string): Promise<void>
}

// --- the SQL escape hatch ---

/** A value SQL parameters and rows may hold. */
export type SqlValue = string | number | boolean | null | bigint | Buffer

/** Plain SQL on the read model's database, for stores that have SQL. Parameters are always bound. */
export interface SqlHandle {
  readonly dialect: 'sqlite' | 'postgres'
  /** Runs a query; resolves to its rows. */
  query<Row extends object = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<SqlValue>,
  ): Promise<ReadonlyArray<Row>>
  /** Runs a statement; resolves to the number of rows it changed. */
  execute(sql: string, params?: ReadonlyArray<SqlValue>): Promise<number>
}

// --- checkpoints and parked events ---

/**
 * `active`: the version queries read. `building`: a newer version catching up beside the active
 * one; it becomes active when it has caught up.
 */
export type ProjectionStage = 'active' | 'building'

/** How far one version of a projection has processed the log, and whether queries read it. */
export interface ProjectionCheckpoint {
  readonly name: string
  readonly version: number
  /** Every event at or below this position has been processed. */
  readonly position: number
  readonly stage: ProjectionStage
  readonly updatedAt: string
}

/** An event a projection could not apply, kept aside with the reason (its payload stays in the log). */
export interface ParkedEvent {
  readonly projection: string
  readonly version: number
  readonly position: number
  readonly streamId: string
  readonly revision: number
  readonly eventId: string
  readonly type: string
  /** Why it was parked: the error, or that an earlier event of its stream is parked. */
  readonly reason: string
  readonly parkedAt: string
}

// --- the storage port ---

/** One transaction on read-model storage. Every method runs inside it. */
export interface ReadModelTransaction {
  /** Creates a collection's table and its indexes if they do not exist. */
  ensureCollection(table: string, indexes: ReadonlyArray<string>): Promise<void>
  /** Drops every table whose name starts with `prefix`: a retired projection version. */
  dropTables(prefix: string): Promise<void>
  /** The document under `id` in `table`, or undefined. */
  getDocument(table: string, id: string): Promise<JsonObject | undefined>
  /**
   * Writes documents given as JSON text, then deletes ids. An id put more than once ends with its
   * last body, as if the puts were written one at a time in order.
   */
  writeDocuments(
    table: string,
    puts: ReadonlyArray<readonly [id: string, json: string]>,
    deletes: ReadonlyArray<string>,
  ): Promise<void>
  /** The documents of `table` meeting every condition, in id order, as `[id, document]`. */
  findDocuments(
    table: string,
    where: ReadonlyArray<Condition>,
    options: FindOptions,
  ): Promise<ReadonlyArray<readonly [id: string, doc: JsonObject]>>
  /** Every kept version of the projection named. */
  checkpoints(name: string): Promise<ReadonlyArray<ProjectionCheckpoint>>
  /** One version's checkpoint, locked until the transaction ends where the store has row locks. */
  lockCheckpoint(name: string, version: number): Promise<ProjectionCheckpoint | undefined>
  /** Writes a version's checkpoint, creating it if it is new. */
  saveCheckpoint(checkpoint: ProjectionCheckpoint): Promise<void>
  /** Removes a version's checkpoint, as when the version is retired. */
  deleteCheckpoint(name: string, version: number): Promise<void>
  /** Keeps an event aside for a projection version, with the reason. */
  park(event: ParkedEvent): Promise<void>
  /** The events parked for a projection version, in position order. */
  parked(name: string, version: number): Promise<ReadonlyArray<ParkedEvent>>
  /** Releases the parked events at these positions, once retried or discarded. */
  unpark(name: string, version: number, positions: ReadonlyArray<number>): Promise<void>
  /**
   * Plain SQL on the whole database, for stores that have SQL: trusted code only (store authors,
   * tools). Plug-ins and host queries get `scopedSql`.
   */
  readonly sql: SqlHandle | undefined
  /**
   * SQL held to one projection version's tables, read or written (see `SqlScope`): what a plug-in's
   * `ctx.sql` and a host's `projections.sql` run on. Absent where the store has no SQL.
   */
  readonly scopedSql?: (scope: SqlScope) => SqlHandle
  /**
   * Present where the store's own key store shares this database: deletes a subject's key (and its
   * parts') in this transaction, so a checkpoint and the deletion commit together. Trusted code:
   * the ledger's `privacy-erasures` projection uses it; plug-ins never see the transaction.
   */
  readonly eraseKey?: (subject: string) => Promise<void>
}

/** What a read needs: documents, checkpoints and parked events, as committed. */
export type ReadModelReader = Pick<
  ReadModelTransaction,
  'getDocument' | 'findDocuments' | 'checkpoints' | 'parked' | 'sql' | 'scopedSql'
>

/**
 * Runs projections inside the append transaction: given the events one caller is appending, in
 * position order, before they commit. If it throws, the append fails and nothing is written.
 */
export type InlineHandler = (events: ReadonlyArray<RecordedEvent>, tx: ReadModelTransaction) => Promise<void>

/**
 * Where read models live: documents, checkpoints and parked events, written in transactions and
 * read from committed state. The memory, SQLite and PostgreSQL stores each have one.
 */
export interface ReadModelStorage {
  readonly dialect: 'memory' | 'sqlite' | 'postgres'
  /**
   * Runs `work` in one transaction: commits what it wrote if it resolves, discards everything if it
   * rejects. Transactions of one storage never interleave their writes.
   */
  transaction<A>(work: (tx: ReadModelTransaction) => Promise<A>): Promise<A>
  /** Runs `work` on one consistent view of committed state, without holding up writers where it can. */
  read<A>(work: (reader: ReadModelReader) => Promise<A>): Promise<A>
  /**
   * Present where the event store shares this storage's database: installs (or, with undefined,
   * removes) the handler that runs inline projections inside each append transaction.
   */
  readonly setInlineHandler?: (handler: InlineHandler | undefined) => void
}

// --- helpers for storage implementations ---

/** Compares ids by code point, the order SQLite's BINARY and PostgreSQL's "C" collation give. */
export const compareIds = (a: string, b: string): number => {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0
    const y = b.codePointAt(i) ?? 0
    if (x !== y) return x - y
    if (x > 0xffff) i++
  }
  return a.length - b.length
}

/** True when `doc` satisfies every condition: null matches both JSON null and a missing field. */
export const matchesConditions = (doc: JsonObject, where: ReadonlyArray<Condition>): boolean =>
  where.every(([field, value]) => {
    const actual = Object.prototype.hasOwnProperty.call(doc, field) ? doc[field] : undefined
    return value === null ? actual === null || actual === undefined : actual === value
  })
