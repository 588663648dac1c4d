/**
 * Read models in the ledger's PostgreSQL schema: each collection is a table of jsonb documents
 * (`id text COLLATE "C"`, `body jsonb`) with an expression index on `body -> '<field>'` per indexed
 * field. Checkpoints and parked events are tables beside them, so a batch's documents and its
 * checkpoint commit in one transaction, and inline projections share the append's transaction.
 *
 * Several app instances may run the same projection: each batch locks its checkpoint row
 * (`FOR UPDATE`) and checks it has not moved, so each event still has its effect exactly once.
 */
import { createHash } from 'node:crypto'

import type {
  Condition,
  FindOptions,
  JsonObject,
  ParkedEvent,
  ProjectionCheckpoint,
  ReadModelReader,
  ReadModelStorage,
  ReadModelTransaction,
  SqlValue,
} from '@civic-ledger/core'
import { InvalidArgumentError, StoreUnavailableError } from '@civic-ledger/core'
import {
  checkFieldName,
  checkFindLimit,
  checkSubject,
  checkTablePrefix,
  partsPrefix,
} from '@civic-ledger/core/store-kit'
import type { Pool, PoolClient, QueryResultRow } from 'pg'

import { checkout, isConnectionLost } from './checkout'
import { scopedSqlOn } from './sql-scope'

const TABLE = /^rm_[a-z0-9_]{1,60}$/

const checkTable = (table: string): string => {
  if (!TABLE.test(table)) throw new InvalidArgumentError('table', `${JSON.stringify(table)} is not a read-model table`)
  return `"${table}"`
}

/** Index names are unique per schema and at most 63 bytes: derive one from the table and field. */
const indexName = (table: string, field: string): string =>
  `rm_ix_${createHash('sha256').update(`${table}.${field}`).digest('hex').slice(0, 32)}`

interface CheckpointRow extends QueryResultRow {
  readonly name: string
  readonly version: number
  readonly position: string | number
  readonly stage: 'active' | 'building'
  readonly updated_at: string
}

interface ParkedRow extends QueryResultRow {
  readonly name: string
  readonly version: number
  readonly position: string | number
  readonly stream_id: string
  readonly revision: string | number
  readonly event_id: string
  readonly type: string
  readonly reason: string
  readonly parked_at: string
}

const toCheckpoint = (row: CheckpointRow): ProjectionCheckpoint => ({
  name: row.name,
  version: row.version,
  position: Number(row.position),
  stage: row.stage,
  updatedAt: row.updated_at,
})

const toParked = (row: ParkedRow): ParkedEvent => ({
  projection: row.name,
  version: row.version,
  position: Number(row.position),
  streamId: row.stream_id,
  revision: Number(row.revision),
  eventId: row.event_id,
  type: row.type,
  reason: row.reason,
  parkedAt: row.parked_at,
})

const CHECKPOINT_COLUMNS = 'name, version, position, stage, updated_at'

const findSql = (
  table: string,
  where: ReadonlyArray<Condition>,
  options: FindOptions,
): { readonly sql: string; readonly params: unknown[] } => {
  const clauses: string[] = []
  const params: unknown[] = []
  for (const [field, value] of where) {
    checkFieldName(field, 'where')
    if (value === null) clauses.push(`coalesce(body -> '${field}', 'null'::jsonb) = 'null'::jsonb`)
    else {
      params.push(JSON.stringify(value))
      clauses.push(`body -> '${field}' = $${params.length}::jsonb`)
    }
  }
  if (options.after !== undefined) {
    params.push(options.after)
    clauses.push(`id > $${params.length}`)
  }
  const whereSql = clauses.length === 0 ? '' : ` WHERE ${clauses.join(' AND ')}`
  const count = checkFindLimit(options.limit)
  const limit = count === undefined ? '' : ` LIMIT ${count}`
  return { sql: `SELECT id, body FROM ${checkTable(table)}${whereSql} ORDER BY id${limit}`, params }
}

type Run = <R extends QueryResultRow>(sql: string, params?: ReadonlyArray<unknown>) => Promise<R[]>

const readerOn = (run: Run): ReadModelReader => ({
  sql: {
    dialect: 'postgres',
    query: async <Row extends object>(text: string, params: ReadonlyArray<SqlValue> = []) =>
      (await run(text, params)) as unknown as Row[],
    execute: async (text, params = []) => (await run(text, params)).length,
  },
  getDocument: async (table, id) => {
    const rows = await run<{ body: JsonObject }>(`SELECT body FROM ${checkTable(table)} WHERE id = $1`, [id])
    return rows[0]?.body
  },
  findDocuments: async (table, where, options) => {
    const { sql, params } = findSql(table, where, options)
    return (await run<{ id: string; body: JsonObject }>(sql, params)).map((row) => [row.id, row.body] as const)
  },
  checkpoints: async (name) =>
    (
      await run<CheckpointRow>(
        `SELECT ${CHECKPOINT_COLUMNS} FROM projection_checkpoints WHERE name = $1 ORDER BY version`,
        [name],
      )
    ).map(toCheckpoint),
  parked: async (name, version) =>
    (
      await run<ParkedRow>('SELECT * FROM projection_parked WHERE name = $1 AND version = $2 ORDER BY position', [
        name,
        version,
      ])
    ).map(toParked),
})

/** The transaction object over a client inside `BEGIN`, with the search path set to the ledger's schema. */
export const transactionOn = (client: PoolClient, schema: string): ReadModelTransaction => {
  const run: Run = async <R extends QueryResultRow>(sql: string, params: ReadonlyArray<unknown> = []) =>
    (await client.query<R>(sql, params as unknown[])).rows
  return {
    ...readerOn(run),
    sql: {
      dialect: 'postgres',
      query: async <Row extends object>(text: string, params: ReadonlyArray<SqlValue> = []) =>
        (await client.query(text, params as unknown[])).rows as Row[],
      execute: async (text, params = []) => (await client.query(text, params as unknown[])).rowCount ?? 0,
    },
    scopedSql: (scope) => scopedSqlOn(client, schema, { ...scope, prefix: checkTablePrefix(scope.prefix) }),
    // The key table is in the same schema: the deletion commits with the transaction.
    eraseKey: async (subject) => {
      checkSubject(subject)
      await run(
        `WITH dropped AS (DELETE FROM "${schema}".privacy_keys WHERE subject = $1 OR left(subject, $2) = $3)
         INSERT INTO "${schema}".privacy_erased (subject, erased_at) VALUES ($1, now()) ON CONFLICT (subject) DO NOTHING`,
        [subject, subject.length + 1, partsPrefix(subject)],
      )
    },
    ensureCollection: async (table, indexes) => {
      const name = checkTable(table)
      // Two instances creating the same table at once would collide in the catalogue: take turns.
      await run('SELECT pg_advisory_xact_lock(hashtext($1))', [`civic-ledger-rm:${schema}.${table}`])
      await run(`CREATE TABLE IF NOT EXISTS ${name} (id text COLLATE "C" PRIMARY KEY, body jsonb NOT NULL)`)
      for (const field of indexes) {
        checkFieldName(field, 'indexes')
        // Ending in the id, so a page of a find (`field = $1 AND id > $2 ORDER BY id LIMIT n`) is
        // read in order from the index, and never sorts every match.
        await run(`CREATE INDEX IF NOT EXISTS "${indexName(table, field)}" ON ${name} ((body -> '${field}'), id)`)
      }
    },
    dropTables: async (prefix) => {
      checkTablePrefix(prefix)
      const tables = await run<{ tablename: string }>(
        'SELECT tablename FROM pg_tables WHERE schemaname = $1 AND left(tablename, $2) = $3',
        [schema, prefix.length, prefix],
      )
      for (const { tablename } of tables) await run(`DROP TABLE ${checkTable(tablename)}`)
    },
    writeDocuments: async (table, puts, deletes) => {
      const name = checkTable(table)
      if (puts.length > 0) {
        // One statement may not change a row twice (ON CONFLICT refuses it): an id put more than
        // once is written once, with its last body, as writing them in order would leave it.
        const last = new Map(puts)
        await run(
          `INSERT INTO ${name} (id, body) SELECT u.id, u.body::jsonb FROM unnest($1::text[], $2::text[]) AS u (id, body)
           ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
          [[...last.keys()], [...last.values()]],
        )
      }
      if (deletes.length > 0) await run(`DELETE FROM ${name} WHERE id = ANY($1::text[])`, [deletes])
    },
    lockCheckpoint: async (name, version) => {
      const rows = await run<CheckpointRow>(
        `SELECT ${CHECKPOINT_COLUMNS} FROM projection_checkpoints WHERE name = $1 AND version = $2 FOR UPDATE`,
        [name, version],
      )
      return rows[0] === undefined ? undefined : toCheckpoint(rows[0])
    },
    saveCheckpoint: async (c) => {
      await run(
        `INSERT INTO projection_checkpoints (name, version, position, stage, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name, version) DO UPDATE SET position = excluded.position, stage = excluded.stage, updated_at = excluded.updated_at`,
        [c.name, c.version, c.position, c.stage, c.updatedAt],
      )
    },
    deleteCheckpoint: async (name, version) => {
      await run('DELETE FROM projection_checkpoints WHERE name = $1 AND version = $2', [name, version])
      await run('DELETE FROM projection_parked WHERE name = $1 AND version = $2', [name, version])
    },
    park: async (p) => {
      await run(
        `INSERT INTO projection_parked (name, version, position, stream_id, revision, event_id, type, reason, parked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (name, version, position) DO UPDATE SET reason = excluded.reason, parked_at = excluded.parked_at`,
        [p.projection, p.version, p.position, p.streamId, p.revision, p.eventId, p.type, p.reason, p.parkedAt],
      )
    },
    unpark: async (name, version, positions) => {
      await run('DELETE FROM projection_parked WHERE name = $1 AND version = $2 AND position = ANY($3::bigint[])', [
        name,
        version,
        positions,
      ])
    },
  }
}

/**
 * Starts a transaction on `client` whose unqualified names resolve in the ledger's schema: one round
 * trip, the two statements sent as one simple query (the schema name is a checked identifier).
 */
export const begin = async (
  client: PoolClient,
  schema: string,
  mode = ' ISOLATION LEVEL READ COMMITTED',
): Promise<void> => {
  await client.query(`BEGIN${mode}; SET LOCAL search_path TO "${schema}"`)
}

/** Read-model storage on a pool; `inline` holds the handler the append path calls. */
export const postgresReadModels = (
  pool: Pool,
  schema: string,
  ensureOpen: () => void,
  onInline: (handler: Parameters<NonNullable<ReadModelStorage['setInlineHandler']>>[0]) => void,
): ReadModelStorage => {
  const withClient = async <A>(mode: string, work: (client: PoolClient) => Promise<A>): Promise<A> => {
    ensureOpen()
    const held = await checkout(pool, 'for read models')
    const client = held.client
    let broken = false
    try {
      await begin(client, schema, mode)
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true
      })
      const lost = held.lost() ?? (isConnectionLost(error) ? error : undefined)
      if (lost !== undefined && !(error instanceof StoreUnavailableError))
        throw new StoreUnavailableError(
          `the connection for read models was lost: ${lost instanceof Error ? lost.message : 'no reason given'}`,
          { cause: error },
        )
      throw error
    } finally {
      held.release(broken)
    }
  }
  return {
    dialect: 'postgres',
    transaction: (work) =>
      withClient(' ISOLATION LEVEL READ COMMITTED', (client) => work(transactionOn(client, schema))),
    read: (work) =>
      withClient(' ISOLATION LEVEL REPEATABLE READ READ ONLY', (client) => work(transactionOn(client, schema))),
    setInlineHandler: onInline,
  }
}
