/**
 * The EventStore on PostgreSQL (`pg`), for several app instances sharing one database: a driver of
 * core's store kit, in parts — the writer (`writer.ts`: appends through the schema's
 * `append_events` function, serialised by an advisory lock so positions are gap-free and in commit
 * order; imports), the reader (`reader.ts`: pages, COPY, LISTEN/NOTIFY), keys (`keys.ts`), read
 * models (`read-models.ts`), connections (`queries.ts`, `checkout.ts`) and the schema (`schema.ts`).
 */
import type { EventStore, JsonValue } from '@civic-ledger/core'
import { InvalidArgumentError, StoreUnavailableError } from '@civic-ledger/core'
import type { SnapshotDriver, StoreLimits } from '@civic-ledger/core/store-kit'
import { checkSnapshotRevision, defineEventStore } from '@civic-ledger/core/store-kit'
import pg from 'pg'
import { interval, map, merge, share } from 'rxjs'

import type { HeldConnection } from './checkout'
import { checkout } from './checkout'
import { postgresKeyStore, purgeErased } from './keys'
import type { LedgerDb } from './queries'
import { ledgerDb, pgCode } from './queries'
import { postgresReadModels } from './read-models'
import { DEFAULT_BATCH_SIZE, PostgresReader } from './reader'
import { typeParsers } from './rows'
import { isSchemaName, migrate, PostgresLedgerError } from './schema'
import { PostgresWriter } from './writer'

// --- options ---

/**
 * How a PostgreSQL store is opened: the server, the schema the ledger lives in, the pool, and how
 * often subscriptions poll.
 */
export interface PostgresEventStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly connectionString: string
  /** The schema the ledger lives in (default `civic_ledger`): lower-case letters, digits, `_`. */
  readonly schema?: string
  /** Connections in the pool (default 10). */
  readonly poolSize?: number
  /**
   * Allow a server whose `synchronous_commit` is `off`: an acknowledged append could then be lost
   * in a crash. Refused unless set.
   */
  readonly allowAsynchronousCommit?: boolean
  /**
   * The longest an append (or import) waits for the append lock, the advisory lock that keeps
   * commit order equal to position order, in milliseconds (default 5000). The lock is held for a
   * moment by each commit; a session that holds it longer (a transaction left open, a long import
   * or inline projection) would otherwise stall every writer behind it. An append that waits longer
   * fails with `AppendLockTimeoutError` (a `StoreUnavailableError`), having written nothing, and
   * may be sent again with the same event ids.
   */
  readonly appendLockTimeoutMs?: number
  /** How often live subscriptions poll, behind LISTEN/NOTIFY (default 1000 ms). */
  readonly pollIntervalMs?: number
  readonly limits?: Partial<StoreLimits>
}

/** An EventStore on PostgreSQL, with the schema it lives in. */
export interface PostgresEventStore extends EventStore {
  readonly schema: string
}

/** A connection string that does not parse is not repeated: where its password is cannot be known. */
const NOT_A_URL = 'the connection string is not a postgres:// URL (postgres://user:password@host:port/database)'

/** Splits `?schema=` off a connection string; `pg` does not know it. */
export const parsePostgresConnection = (
  connection: string,
): Pick<PostgresEventStoreOptions, 'connectionString' | 'schema'> => {
  let url: URL
  try {
    url = new URL(connection)
  } catch {
    throw new InvalidArgumentError('store', NOT_A_URL)
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new InvalidArgumentError('store', NOT_A_URL)
  const schema = url.searchParams.get('schema')
  url.searchParams.delete('schema')
  return schema === null ? { connectionString: url.toString() } : { connectionString: url.toString(), schema }
}

/** How long an append waits for the append lock unless told otherwise. */
export const DEFAULT_APPEND_LOCK_TIMEOUT_MS = 5_000
/** PostgreSQL's largest `lock_timeout`. */
const MAX_APPEND_LOCK_TIMEOUT_MS = 2_147_483_647

// --- opening ---

const openError = (error: unknown, where: string): PostgresLedgerError => {
  const code = pgCode(error)
  if (code === '28P01' || code === '28000')
    return new PostgresLedgerError('authentication-failed', `${where}: the server refused the credentials`, {
      cause: error,
    })
  if (code === '3D000')
    return new PostgresLedgerError('missing-database', `${where}: the database does not exist`, { cause: error })
  return new PostgresLedgerError(
    'unreachable',
    `${where}: could not connect (${error instanceof Error ? error.message : String(error)})`,
    { cause: error },
  )
}

/** The host a connection string names, for messages; never its credentials. */
const hostOf = (connectionString: unknown): string => {
  try {
    return new URL(String(connectionString)).host
  } catch {
    // Node's URL error keeps the whole input: not a thing to hand on as a cause.
    throw new PostgresLedgerError('invalid-options', NOT_A_URL)
  }
}

/**
 * The connection string with every session's default isolation pinned to READ COMMITTED. The
 * append reads the log's head after waiting for its lock: under REPEATABLE READ or SERIALIZABLE (a
 * server's or role's default) it would read a snapshot from before the wait, and refuse appends
 * that do not conflict. Any `options` of the string are kept, with the setting after them (pg
 * would let the string's `options` replace the pool's, so they travel together).
 */
const readCommitted = (connectionString: string): { connectionString: string; options: string } => {
  const url = new URL(connectionString)
  const given = url.searchParams.get('options')
  url.searchParams.delete('options')
  const pinned = '-c default_transaction_isolation=read\\ committed'
  return { connectionString: url.toString(), options: given === null ? pinned : `${given} ${pinned}` }
}

/**
 * Opens a ledger in a PostgreSQL schema, creating or migrating the schema. Refuses, with a
 * `PostgresLedgerError` naming the problem: wrong credentials, a missing database, a schema written
 * by a newer release, and a server with `synchronous_commit = off` unless allowed.
 */
export const openPostgresEventStore = async (options: PostgresEventStoreOptions): Promise<PostgresEventStore> => {
  const schema = options.schema ?? 'civic_ledger'
  if (!isSchemaName(schema))
    throw new PostgresLedgerError(
      'invalid-options',
      `schema ${JSON.stringify(schema)} must be lower-case letters, digits and _, starting with a letter or _`,
    )
  const lockTimeout = options.appendLockTimeoutMs ?? DEFAULT_APPEND_LOCK_TIMEOUT_MS
  if (!Number.isSafeInteger(lockTimeout) || lockTimeout < 1 || lockTimeout > MAX_APPEND_LOCK_TIMEOUT_MS)
    throw new PostgresLedgerError(
      'invalid-options',
      `appendLockTimeoutMs must be a whole number of milliseconds from 1 to ${MAX_APPEND_LOCK_TIMEOUT_MS}, got ${typeof lockTimeout === 'number' ? String(lockTimeout) : typeof lockTimeout}`,
    )
  const where = `${hostOf(options.connectionString)}/${schema}`
  const pool = new pg.Pool({
    ...readCommitted(options.connectionString),
    max: options.poolSize ?? 10,
    types: typeParsers,
  })
  pool.on('error', () => undefined) // an idle connection that drops is replaced on next use
  // Whatever holds a connection when its backend goes (between two queries of a caller, or in the
  // pool's own hands), the error event has a listener: the query it was for fails, not the process.
  pool.on('connect', (connection) => {
    connection.on('error', () => undefined)
  })
  let held: HeldConnection
  try {
    held = await checkout(pool, 'to open the ledger')
  } catch (error) {
    await pool.end().catch(() => undefined)
    throw openError(error instanceof StoreUnavailableError ? error.cause : error, where)
  }
  const client = held.client
  try {
    const sync = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')
    if (sync.rows[0]?.synchronous_commit === 'off' && options.allowAsynchronousCommit !== true)
      throw new PostgresLedgerError(
        'asynchronous-commit',
        `${where}: synchronous_commit is off, so acknowledged events could be lost in a crash; turn it on, or pass allowAsynchronousCommit: true to accept the risk`,
      )
    await migrate(client, schema)
  } catch (error) {
    held.release(true)
    await pool.end().catch(() => undefined)
    throw error instanceof PostgresLedgerError ? error : openError(error, where)
  }
  held.release()
  return createStore(pool, schema, options)
}

// --- the store ---

const createStore = (pool: pg.Pool, schema: string, options: PostgresEventStoreOptions): PostgresEventStore => {
  const db = ledgerDb(pool, schema, options.poolSize ?? 10)
  const store = defineEventStore((kit) => {
    // Closed from the moment closing begins: nothing starts on a pool that is ending.
    let closing = false
    const ensureOpen = (): void => {
      if (closing) throw new StoreUnavailableError(`the ledger in schema ${schema} is closed`)
      kit.ensureOpen()
    }
    const writer = new PostgresWriter(db, () => kit.limits, {
      lockTimeoutMs: options.appendLockTimeoutMs ?? DEFAULT_APPEND_LOCK_TIMEOUT_MS,
    })
    const reader = new PostgresReader(db, ensureOpen)
    // Commits of other app instances arrive as notifications; a slow poll covers a dropped listener.
    const commits = merge(
      writer.commits,
      reader.notifications(options.connectionString),
      interval(Math.max(10, options.pollIntervalMs ?? 1_000)).pipe(map(() => undefined)),
    ).pipe(share())
    return {
      name: `the ledger in schema ${schema}`,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      batchSize: DEFAULT_BATCH_SIZE,
      write: (appends) => writer.write(appends),
      locate: (eventIds) => writer.locate(eventIds),
      readStream: (streamId, o) => reader.readStream(streamId, o),
      readAll: (o) => reader.readAll(o),
      readStored: (o) => reader.readStored(o),
      streamHeads: (position) => reader.streamHeads(position),
      readBatch: (fromPosition, request) => reader.readBatch(fromPosition, request),
      commits,
      importStored: (events) => writer.importStored(events),
      headPosition: () => reader.head(),
      readModels: postgresReadModels(pool, schema, ensureOpen, (handler) => {
        writer.inline = handler
      }),
      keyStore: postgresKeyStore(db, ensureOpen),
      purge: () => purgeErased(db),
      snapshots: postgresSnapshots(db),
      close: async () => {
        closing = true
        // Appends already queued are written first.
        await writer.drain()
        writer.commits.complete()
        await pool.end()
      },
    }
  })
  return { ...store, schema }
}

const postgresSnapshots = (db: LedgerDb): SnapshotDriver => ({
  read: async (streamId) => {
    const [row] = await db.query<{ revision: number; snapshot_version: number; state: JsonValue }>(
      `SELECT sn.revision, sn.snapshot_version, sn.state FROM ${db.s}.snapshots sn
       JOIN ${db.s}.streams s ON s.id = sn.stream WHERE s.name = $1`,
      [streamId],
    )
    return row === undefined
      ? undefined
      : { streamId, revision: row.revision, version: row.snapshot_version, state: row.state }
  },
  write: async (snapshot) => {
    const [stream] = await db.query<{ id: number; revision: number }>(
      `SELECT id, revision FROM ${db.s}.streams WHERE name = $1`,
      [snapshot.streamId],
    )
    checkSnapshotRevision(snapshot, stream)
    // A snapshot never replaces one taken at a later revision.
    await db.query(
      `INSERT INTO ${db.s}.snapshots (stream, revision, snapshot_version, state, taken_at)
       VALUES ($1, $2, $3, $4::jsonb, clock_timestamp())
       ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, snapshot_version = excluded.snapshot_version,
         state = excluded.state, taken_at = excluded.taken_at
       WHERE excluded.revision >= ${db.s}.snapshots.revision`,
      [stream.id, snapshot.revision, snapshot.version, JSON.stringify(snapshot.state)],
    )
  },
})
