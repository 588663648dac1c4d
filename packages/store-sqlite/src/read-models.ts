/**
 * Read models in the ledger file itself: each collection is a table of JSON documents (`id`,
 * `body`), with an expression index on `json_extract(body, '$.<field>')` and `id` per indexed
 * field, so that a `find` on a field reads its page in id order straight from the index.
 *
 * A collection is an ordinary rowid table with a unique `id`, not a table clustered on `id`: a
 * document goes to the end of the table and only its id to a place in the id index. Clustered on
 * ids that do not arrive in order, every write lands on a page of its own and a commit rewrites
 * them all; a rebuild of 1M events took about a tenth less time this way, and documents with
 * random ids were written twice as fast. Tables made by earlier versions (`WITHOUT ROWID`, an index on the
 * field alone, which then ends in the id) are read and written by the same SQL.
 * Checkpoints and parked events are tables beside them, so a batch's documents and its checkpoint
 * commit in one SQLite transaction — and inline projections share the append's transaction.
 *
 * Writes go through the store's one writer connection, taking turns with group commits; reads use
 * the store's reader connection, so they see only committed state and never wait for a writer.
 */
import type {
  Condition,
  FindOptions,
  JsonObject,
  ParkedEvent,
  ProjectionCheckpoint,
  ReadModelReader,
  ReadModelStorage,
  ReadModelTransaction,
  SqlHandle,
  SqlValue,
} from '@civic-ledger/core'
import { InvalidArgumentError } from '@civic-ledger/core'
import type { SqlScope } from '@civic-ledger/core/store-kit'
import { checkFieldName, checkFindLimit, checkTablePrefix, createMutex } from '@civic-ledger/core/store-kit'
import type { Database, Statement } from 'better-sqlite3'

import { scopedSqlOn } from './sql-scope'
import type { SqliteWriter } from './writer'

const TABLE = /^rm_[a-z0-9_]{1,120}$/

const checkTable = (table: string): string => {
  if (!TABLE.test(table)) throw new InvalidArgumentError('table', `${JSON.stringify(table)} is not a read-model table`)
  return table
}

const bindable = (value: SqlValue): string | number | bigint | Buffer | null =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value

interface CheckpointRow {
  readonly name: string
  readonly version: number
  readonly position: number
  readonly stage: 'active' | 'building'
  readonly updated_at: string
}

interface ParkedRow {
  readonly name: string
  readonly version: number
  readonly position: number
  readonly stream_id: string
  readonly revision: number
  readonly event_id: string
  readonly type: string
  readonly reason: string
  readonly parked_at: string
}

const toCheckpoint = (row: CheckpointRow): ProjectionCheckpoint => ({
  name: row.name,
  version: row.version,
  position: row.position,
  stage: row.stage,
  updatedAt: row.updated_at,
})

const toParked = (row: ParkedRow): ParkedEvent => ({
  projection: row.name,
  version: row.version,
  position: row.position,
  streamId: row.stream_id,
  revision: row.revision,
  eventId: row.event_id,
  type: row.type,
  reason: row.reason,
  parkedAt: row.parked_at,
})

/** The SQL of one `find`: conditions on indexed fields, a cursor, id order. */
const findSql = (
  table: string,
  where: ReadonlyArray<Condition>,
  options: FindOptions,
): { readonly sql: string; readonly params: Array<string | number> } => {
  const clauses: string[] = []
  const params: Array<string | number> = []
  // Each condition compares `json_extract` (what the field's index holds) and then checks the JSON
  // type: `json_extract` gives true and false as 1 and 0, and an object or array as its text, so
  // the value alone would let 1 match true, or a string match an object written as that string.
  for (const [field, value] of where) {
    const path = `'$.${checkFieldName(field, 'where')}'`
    const extracted = `json_extract(body, ${path})`
    // SQL NULL: the field is JSON null, or absent.
    if (value === null) clauses.push(`${extracted} IS NULL`)
    else if (typeof value === 'boolean')
      clauses.push(`${extracted} = ${value ? 1 : 0} AND json_type(body, ${path}) = '${value ? 'true' : 'false'}'`)
    else {
      clauses.push(
        `${extracted} = ? AND json_type(body, ${path}) ${typeof value === 'string' ? "= 'text'" : "IN ('integer', 'real')"}`,
      )
      params.push(value)
    }
  }
  if (options.after !== undefined) {
    clauses.push('id > ?')
    params.push(options.after)
  }
  const whereSql = clauses.length === 0 ? '' : ` WHERE ${clauses.join(' AND ')}`
  const count = checkFindLimit(options.limit)
  const limit = count === undefined ? '' : ` LIMIT ${count}`
  return { sql: `SELECT id, body FROM "${table}"${whereSql} ORDER BY id${limit}`, params }
}

/**
 * Documents one statement writes. Rows of one INSERT are written in order, each meeting the one
 * before on conflict, so an id given twice ends with its last body, as it would one row at a time.
 */
const UPSERT_ROWS = 64

const upsertSql = (table: string, rows: number): string =>
  `INSERT INTO "${table}" (id, body) VALUES ${Array.from({ length: rows }, () => '(?, ?)').join(', ')} ON CONFLICT (id) DO UPDATE SET body = excluded.body`

/** Prepared statements of one connection, by SQL text. */
const statementCache = (db: Database): ((sql: string) => Statement<unknown[], unknown>) => {
  const cache = new Map<string, Statement<unknown[], unknown>>()
  return (sql) => {
    let statement = cache.get(sql)
    if (statement === undefined) {
      statement = db.prepare<unknown[], unknown>(sql)
      cache.set(sql, statement)
    }
    return statement
  }
}

/** Plain SQL on a connection; booleans are bound as 1 and 0, as SQLite stores them. */
const sqlOn = (db: Database): SqlHandle => ({
  dialect: 'sqlite',
  query: async <Row extends object>(text: string, params: ReadonlyArray<SqlValue> = []) =>
    db.prepare<unknown[], Row>(text).all(...params.map(bindable)),
  execute: async (text, params = []) => db.prepare(text).run(...params.map(bindable)).changes,
})

/** Scoped SQL handles of one connection, kept by scope so each keeps its checked statements. */
const scopedOn = (db: Database): ((scope: SqlScope) => SqlHandle) => {
  const handles = new Map<string, SqlHandle>()
  return (scope) => {
    const key = `${scope.access}:${checkTablePrefix(scope.prefix)}`
    let handle = handles.get(key)
    if (handle === undefined) {
      handle = scopedSqlOn(db, scope)
      handles.set(key, handle)
    }
    return handle
  }
}

/** Reads on a connection: documents, checkpoints and parked events. */
const readerOn = (db: Database, cached: (sql: string) => Statement<unknown[], unknown>): ReadModelReader => ({
  sql: sqlOn(db),
  scopedSql: scopedOn(db),
  getDocument: async (table, id) => {
    const row = cached(`SELECT body FROM "${checkTable(table)}" WHERE id = ?`).get(id) as { body: string } | undefined
    return row === undefined ? undefined : (JSON.parse(row.body) as JsonObject)
  },
  findDocuments: async (table, where, options) => {
    const { sql, params } = findSql(checkTable(table), where, options)
    return (cached(sql).all(...params) as Array<{ id: string; body: string }>).map(
      (row) => [row.id, JSON.parse(row.body) as JsonObject] as const,
    )
  },
  checkpoints: async (name) =>
    (
      cached(
        'SELECT name, version, position, stage, updated_at FROM projection_checkpoints WHERE name = ? ORDER BY version',
      ).all(name) as CheckpointRow[]
    ).map(toCheckpoint),
  parked: async (name, version) =>
    (
      cached('SELECT * FROM projection_parked WHERE name = ? AND version = ? ORDER BY position').all(
        name,
        version,
      ) as ParkedRow[]
    ).map(toParked),
})

/** The transaction object over the writer connection; the caller has begun the transaction. */
export const writerTransaction = (db: Database): ReadModelTransaction => {
  const cached = statementCache(db)
  /** Each table's two upserts, kept by table name: their SQL is long, and built once. */
  const upserts = new Map<string, { readonly one: Statement; readonly many: Statement }>()
  const upsertsOf = (table: string): { readonly one: Statement; readonly many: Statement } => {
    let found = upserts.get(table)
    if (found === undefined) {
      found = { one: db.prepare(upsertSql(table, 1)), many: db.prepare(upsertSql(table, UPSERT_ROWS)) }
      upserts.set(table, found)
    }
    return found
  }
  return {
    ...readerOn(db, cached),
    ensureCollection: async (table, indexes) => {
      checkTable(table)
      db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)`)
      for (const field of indexes) {
        checkFieldName(field, 'indexes')
        db.exec(`CREATE INDEX IF NOT EXISTS "${table}__${field}" ON "${table}" (json_extract(body, '$.${field}'), id)`)
      }
    },
    dropTables: async (prefix) => {
      checkTablePrefix(prefix)
      const tables = db
        .prepare<[number, string], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?",
        )
        .all(prefix.length, prefix)
      for (const { name } of tables) db.exec(`DROP TABLE "${checkTable(name)}"`)
    },
    writeDocuments: async (table, puts, deletes) => {
      checkTable(table)
      // Many rows a statement, then the rest one by one: a catch-up batch writes hundreds of
      // documents, and each call into SQLite costs about as much as the row it writes.
      let i = 0
      if (puts.length >= UPSERT_ROWS) {
        const { many } = upsertsOf(table)
        const params = new Array<string>(2 * UPSERT_ROWS)
        for (; i + UPSERT_ROWS <= puts.length; i += UPSERT_ROWS) {
          for (let k = 0; k < UPSERT_ROWS; k++) {
            const [id, json] = puts[i + k] as readonly [string, string]
            params[2 * k] = id
            params[2 * k + 1] = json
          }
          many.run(params)
        }
      }
      if (i < puts.length) {
        const { one } = upsertsOf(table)
        for (; i < puts.length; i++) {
          const [id, json] = puts[i] as readonly [string, string]
          one.run(id, json)
        }
      }
      if (deletes.length > 0) {
        const remove = cached(`DELETE FROM "${table}" WHERE id = ?`)
        for (const id of deletes) remove.run(id)
      }
    },
    lockCheckpoint: async (name, version) => {
      // The transaction holds SQLite's one write lock already: nobody else can move a checkpoint.
      const row = cached(
        'SELECT name, version, position, stage, updated_at FROM projection_checkpoints WHERE name = ? AND version = ?',
      ).get(name, version) as CheckpointRow | undefined
      return row === undefined ? undefined : toCheckpoint(row)
    },
    saveCheckpoint: async (c) => {
      cached(
        `INSERT INTO projection_checkpoints (name, version, position, stage, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name, version) DO UPDATE SET position = excluded.position, stage = excluded.stage, updated_at = excluded.updated_at`,
      ).run(c.name, c.version, c.position, c.stage, c.updatedAt)
    },
    deleteCheckpoint: async (name, version) => {
      cached('DELETE FROM projection_checkpoints WHERE name = ? AND version = ?').run(name, version)
      cached('DELETE FROM projection_parked WHERE name = ? AND version = ?').run(name, version)
    },
    park: async (p) => {
      cached(
        `INSERT OR REPLACE INTO projection_parked (name, version, position, stream_id, revision, event_id, type, reason, parked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(p.projection, p.version, p.position, p.streamId, p.revision, p.eventId, p.type, p.reason, p.parkedAt)
    },
    unpark: async (name, version, positions) => {
      const remove = cached('DELETE FROM projection_parked WHERE name = ? AND version = ? AND position = ?')
      for (const position of positions) remove.run(name, version, position)
    },
  }
}

/** Reads on the reader connection. */
export const readerOf = (db: Database): ReadModelReader => readerOn(db, statementCache(db))

/** What the read models need of the store: its connections, its writer and whether commits fsync. */
export interface ReadModelParts {
  readonly db: Database
  readonly reader: Database
  readonly writer: SqliteWriter
  /** The transaction read models are written in, the writer's (keys erased in it commit with it). */
  readonly tx: ReadModelTransaction
  readonly durable: boolean
  readonly ensureOpen: () => void
}

/** The read-model storage of the ledger file. */
export const sqliteReadModels = (parts: ReadModelParts): ReadModelStorage => {
  const { db, reader, writer, tx, durable, ensureOpen } = parts
  const readerTurns = createMutex()
  const readModelReader = readerOf(reader)
  return {
    dialect: 'sqlite',
    // Read models are derived from events already committed with the store's durability: a power
    // cut can only lose their last batches, which are then processed again. So their commits skip
    // the fsync that synchronous=FULL would add, and stay atomic and crash-safe (WAL, NORMAL).
    transaction: (work) =>
      writer.holding(async () => {
        ensureOpen()
        if (durable) db.pragma('synchronous = NORMAL')
        try {
          return await writer.transact('the read-model batch', () => work(tx))
        } finally {
          if (durable) db.pragma('synchronous = FULL')
        }
      }),
    read: (work) =>
      readerTurns(async () => {
        ensureOpen()
        reader.exec('BEGIN')
        try {
          return await work(readModelReader)
        } finally {
          reader.exec('COMMIT')
        }
      }),
    setInlineHandler: (handler) => {
      writer.inline = handler
    },
  }
}
