/**
 * The EventStore on PostgreSQL (`pg`), for several app instances sharing one database. Appends go
 * through one server-side function, one round trip each, serialised by an advisory lock so that
 * positions are gap-free and in commit order as every reader sees them (see `schema.ts`). Live
 * subscriptions hear commits through LISTEN/NOTIFY, with a slow poll behind it in case a
 * notification connection drops.
 */
import { randomBytes } from 'node:crypto'

import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  InlineHandler,
  JsonValue,
  NewEvent,
  ReadAllOptions,
  ReadStoredOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEvent,
  StreamAppend,
  StreamHead,
  SubscribeOptions,
} from '@civic-ledger/core'
import {
  CorruptEventError,
  EventIdConflictError,
  InvalidArgumentError,
  isEventStoreError,
  ProjectionFailedError,
  StoreUnavailableError,
  SubjectErasedError,
  toRecorded as storedToRecorded,
  WrongExpectedRevisionError,
} from '@civic-ledger/core'
import type { CheckedStreamAppend, PagedIterable, PageRequest, StoreLimits } from '@civic-ledger/core/store-kit'
import {
  acknowledgeRetry,
  batchUpToHead,
  catchUpSubscription,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkSnapshot,
  checkSnapshotRevision,
  checkStoredEvents,
  checkStreamAppend,
  checkStreamAppends,
  checkStreamId,
  checkSubject,
  checkSubscribeOptions,
  continueChains,
  DEFAULT_LIMITS,
  logPageCursor,
  pagedIterable,
  partsPrefix,
  recordedEvents,
  revisionMatches,
  streamPageCursor,
  subjectAndOwners,
} from '@civic-ledger/core/store-kit'
import type { Pool, PoolClient, QueryResultRow } from 'pg'
import pg, { escapeLiteral } from 'pg'
import { interval, map, merge, Observable, share, Subject } from 'rxjs'

import type { HeldConnection } from './checkout'
import { checkout, isConnectionLost } from './checkout'
import { copyRows } from './copy-read'
import { begin as beginIn, postgresReadModels, transactionOn } from './read-models'
import { appendLockKey, channelOf, isoTimeSql, isSchemaName, migrate, PostgresLedgerError } from './schema'

// --- options ---

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
  /** How often live subscriptions poll, behind LISTEN/NOTIFY (default 1000 ms). */
  readonly pollIntervalMs?: number
  readonly limits?: Partial<StoreLimits>
}

/** An EventStore on PostgreSQL, with the schema it lives in. */
export interface PostgresEventStore extends EventStore {
  readonly schema: string
}

// --- rows ---

interface EventRow extends QueryResultRow {
  readonly position: number
  readonly revision: number
  readonly event_id: string
  readonly type: string
  readonly schema_version: number
  readonly data: JsonValue
  readonly metadata: RecordedEvent['metadata']
  readonly recorded_at: Date
  readonly stream_name: string
}

const toRecorded = (row: EventRow): RecordedEvent => ({
  eventId: row.event_id,
  streamId: row.stream_name,
  revision: row.revision,
  position: row.position,
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at.toISOString(),
})

// bigint columns arrive as JavaScript numbers; a value past 2^53 is refused rather than rounded.
const parseBigint = (text: string): number => {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new StoreUnavailableError(`a stored integer ${text} is beyond 2^53`)
  return n
}
const typeParsers = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20
      ? parseBigint
      : (pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown)) as typeof pg.types.getTypeParser,
}

const DEFAULT_BATCH_SIZE = 1_000

/** The fields of a `readStored` row, as text, in this order. */
type StoredFields = [
  position: string,
  streamId: string,
  revision: string,
  eventId: string,
  type: string,
  schemaVersion: string,
  data: string,
  metadata: string,
  recordedAt: string,
  hash: string,
]

const fromStoredFields = (f: StoredFields): StoredEvent => ({
  eventId: f[3],
  streamId: f[1],
  revision: parseBigint(f[2]),
  position: parseBigint(f[0]),
  type: f[4],
  schemaVersion: Number(f[5]),
  data: f[6],
  metadata: f[7],
  recordedAt: f[8],
  hash: f[9],
})

/** A stored JSON column, parsed; text that is not JSON (altered in the table) is named by position. */
const parseStoredJson = (text: string, f: StoredFields, column: string): JsonValue => {
  try {
    return JSON.parse(text) as JsonValue
  } catch {
    throw new CorruptEventError(parseBigint(f[0]), f[1], parseBigint(f[2]), `its stored ${column} is not valid JSON`)
  }
}

/** A recorded event from the fields of a row of the log (the first nine of `StoredFields`). */
const recordedFromFields = (fields: string[]): RecordedEvent => {
  const f = fields as StoredFields
  return {
    eventId: f[3],
    streamId: f[1],
    revision: parseBigint(f[2]),
    position: parseBigint(f[0]),
    type: f[4],
    schemaVersion: Number(f[5]),
    data: parseStoredJson(f[6], f, 'data'),
    metadata: parseStoredJson(f[7], f, 'metadata') as RecordedEvent['metadata'],
    recordedAt: f[8],
  }
}

const unavailable = (what: string, cause: unknown): StoreUnavailableError =>
  new StoreUnavailableError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })

const pgCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined

/**
 * True when the error, or one it was caused by (an inline projection's failure wraps the query's),
 * is a lost connection: the operation may be sent again, unlike the projection's own refusal.
 */
const causedByLostConnection = (error: unknown): boolean => {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (isConnectionLost(current)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/** A reader's pages, fetched one query at a time; `nextPage` returns `undefined` when done. */
const paged = <A>(nextPage: () => Promise<ReadonlyArray<A> | undefined>): PagedIterable<A> => pagedIterable(nextPage)

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

const createStore = (pool: Pool, schema: string, options: PostgresEventStoreOptions): PostgresEventStore => {
  const limits: StoreLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const poolSize = options.poolSize ?? 10
  const s = `"${schema}"`
  const localCommits = new Subject<void>()
  let closed = false
  let inline: InlineHandler | undefined

  const ensureOpen = (): void => {
    if (closed) throw new StoreUnavailableError(`the ledger in schema ${schema} is closed`)
  }

  /**
   * Runs a query on a pooled connection. A read that fails because its connection was dropped (the
   * server restarted, a backend was terminated) is run again, up to once per pooled connection:
   * reads are safe to repeat, and a pool can hold several connections that died while idle.
   */
  const retried = async <A>(read: () => Promise<A>): Promise<A> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read()
      } catch (error) {
        if (attempt < poolSize && isConnectionLost(error)) continue
        throw isEventStoreError(error) ? error : unavailable('the query failed', error)
      }
    }
  }
  const query = <R extends QueryResultRow>(sql: string, params: ReadonlyArray<unknown> = []): Promise<R[]> =>
    retried(async () => (await pool.query<R>(sql, params as unknown[])).rows)
  /** The same, with each row as an array: no object is built per row, for the reads that return many. */
  const queryArrays = <R extends unknown[]>(sql: string, params: ReadonlyArray<unknown> = []): Promise<R[]> =>
    retried(async () => (await pool.query<R>({ text: sql, values: params as unknown[], rowMode: 'array' })).rows)

  // --- writing ---

  const appendSql = `SELECT first_revision, last_revision, first_position, last_position FROM ${s}.append_events($1, $2, $3, $4, $5, $6, $7)`

  const appendParams = (append: CheckedStreamAppend): unknown[] => [
    append.streamId,
    String(append.expectedRevision),
    append.events.map(({ event }) => event.eventId),
    append.events.map(({ event }) => event.type),
    append.events.map(({ event }) => event.schemaVersion),
    `[${append.events.map((e) => e.data).join(',')}]`,
    `[${append.events.map((e) => e.metadata).join(',')}]`,
  ]

  const runAppend = async (client: Pool | PoolClient, append: CheckedStreamAppend): Promise<AppendResult> => {
    const { rows } = await client.query<{
      first_revision: number
      last_revision: number
      first_position: number
      last_position: number
    }>(appendSql, appendParams(append))
    const row = rows[0]
    if (row === undefined) throw new StoreUnavailableError('the append returned no result')
    return {
      streamId: append.streamId,
      firstRevision: row.first_revision,
      lastRevision: row.last_revision,
      firstPosition: row.first_position,
      lastPosition: row.last_position,
      alreadyStored: false,
    }
  }

  const retriesOf = async (appends: ReadonlyArray<CheckedStreamAppend>): Promise<Array<AppendResult | undefined>> => {
    const ids = appends.flatMap((a) => a.events.map(({ event }) => event.eventId))
    const rows = await query<{
      event_id: string
      stream_name: string
      revision: number
      position: number
      type: string
    }>(
      `SELECT e.event_id::text, s.name AS stream_name, e.revision, e.position, e.type
       FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream WHERE e.event_id = ANY($1::uuid[])`,
      [ids],
    )
    const found = new Map(rows.map((r) => [r.event_id, r]))
    return appends.map((append) =>
      acknowledgeRetry(
        append.streamId,
        append.events.map(({ event }) => event),
        append.events.map(({ event }) => {
          const r = found.get(event.eventId)
          return r === undefined
            ? undefined
            : { eventId: r.event_id, streamId: r.stream_name, revision: r.revision, position: r.position, type: r.type }
        }),
      ),
    )
  }

  /**
   * What a failed append was: a retry of an append already stored (acknowledged), a conflict, or
   * the failure itself, typed.
   */
  const settleFailure = async (
    appends: ReadonlyArray<CheckedStreamAppend>,
    error: unknown,
  ): Promise<ReadonlyArray<AppendResult>> => {
    const code = pgCode(error)
    if (code === 'CL001' || code === '23505') {
      const retried = await retriesOf(appends)
      if (retried.every((r) => r !== undefined)) return retried
      const first = retried.findIndex((r) => r !== undefined)
      if (first >= 0)
        throw new EventIdConflictError(
          appends[first]?.events[0]?.event.eventId ?? '',
          'is already stored, but the rest of this multi-stream batch is not',
        )
      if (code === 'CL001') {
        const actual = Number((error as { detail?: string }).detail ?? -1)
        const failed = await firstWrongExpectation(appends, actual)
        throw new WrongExpectedRevisionError(failed.streamId, failed.expectedRevision, failed.actual)
      }
      // A unique violation with none of the ids stored: a concurrent writer took the same
      // (stream, revision) first; report it as the stream having moved.
      const append = appends[0]
      if (append !== undefined) throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, -1)
    }
    throw unavailable('the append failed and nothing is known to have been written', error)
  }

  const firstWrongExpectation = async (
    appends: ReadonlyArray<CheckedStreamAppend>,
    reported: number,
  ): Promise<{ streamId: string; expectedRevision: CheckedStreamAppend['expectedRevision']; actual: number }> => {
    if (appends.length === 1 && appends[0] !== undefined)
      return { streamId: appends[0].streamId, expectedRevision: appends[0].expectedRevision, actual: reported }
    const rows = await query<{ name: string; revision: number }>(
      `SELECT name, revision FROM ${s}.streams WHERE name = ANY($1::text[])`,
      [appends.map((a) => a.streamId)],
    )
    const revisions = new Map(rows.map((r) => [r.name, r.revision]))
    for (const a of appends) {
      const actual = revisions.get(a.streamId) ?? -1
      const ok = revisionMatches(a.expectedRevision, actual)
      if (!ok) return { streamId: a.streamId, expectedRevision: a.expectedRevision, actual }
    }
    const a = appends[0]
    return { streamId: a?.streamId ?? '', expectedRevision: a?.expectedRevision ?? 'any', actual: reported }
  }

  /**
   * Runs `work` in one transaction on a client of its own, names resolving in the ledger's schema:
   * committed if `work` resolves, rolled back if it throws. Resolves with what failed, if anything,
   * for the caller to classify. A client that failed for a reason that is neither the server's
   * answer nor the store's own refusal (a lost connection, say) is closed instead of pooled.
   */
  const inTransaction = async (
    work: (client: PoolClient) => Promise<void>,
  ): Promise<{ readonly failure: unknown } | undefined> => {
    const held = await checkout(pool, 'for an append')
    const client = held.client
    let failed: { readonly failure: unknown } | undefined
    try {
      await beginIn(client, schema)
      await work(client)
      await client.query('COMMIT')
    } catch (failure) {
      // A connection lost under the transaction is the caller's outage, whatever the query said.
      failed = {
        failure:
          held.lost() === undefined && !causedByLostConnection(failure)
            ? failure
            : unavailable('the connection was lost', failure),
      }
      await client.query('ROLLBACK').catch(() => undefined)
    } finally {
      held.release(failed !== undefined && pgCode(failed.failure) === undefined && !isEventStoreError(failed.failure))
    }
    return failed
  }

  /**
   * Appends with inline projections: in one transaction, the events are written, handed to the
   * inline handler with the same client, and committed together. If the handler throws, nothing is
   * written and its `ProjectionFailedError` is what the caller gets.
   */
  const appendInline = async (
    appends: ReadonlyArray<CheckedStreamAppend>,
    handler: InlineHandler,
  ): Promise<ReadonlyArray<AppendResult>> => {
    const results: AppendResult[] = []
    const failed = await inTransaction(async (client) => {
      for (const append of appends) results.push(await runAppend(client, append))
      // Each stream's part was stamped by its own call (to the millisecond): read the times back.
      const { rows: stamps } = await client.query<{ position: number; recorded_at: string }>(
        `SELECT position, ${isoTimeSql('recorded_at')} AS recorded_at FROM events WHERE position = ANY($1::bigint[])`,
        [results.map((r) => r.firstPosition)],
      )
      const recordedAt = new Map(stamps.map((r) => [r.position, r.recorded_at]))
      const events = appends
        .flatMap((append, a) => {
          const result = results[a]
          return result === undefined
            ? []
            : recordedEvents(
                append,
                { revision: result.firstRevision, position: result.firstPosition },
                recordedAt.get(result.firstPosition) ?? '',
              )
        })
        .sort((x, y) => x.position - y.position)
      await handler(events, transactionOn(client, schema))
    })
    if (failed === undefined) {
      localCommits.next()
      return results
    }
    if (failed.failure instanceof ProjectionFailedError) throw failed.failure
    return settleFailure(appends, failed.failure)
  }

  const appendOne = async (append: CheckedStreamAppend): Promise<AppendResult> => {
    try {
      const result = await runAppend(pool, append)
      localCommits.next()
      return result
    } catch (error) {
      const [settled] = await settleFailure([append], error)
      if (settled === undefined) throw unavailable('the append failed', error)
      return settled
    }
  }

  const appendMany = async (appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> => {
    const results: AppendResult[] = []
    const failed = await inTransaction(async (client) => {
      for (const append of appends) results.push(await runAppend(client, append))
    })
    if (failed === undefined) {
      localCommits.next()
      return results
    }
    return settleFailure(appends, failed.failure)
  }

  // --- reading ---

  const filterSql = (filter: EventFilter | undefined, params: unknown[]): string => {
    let sql = ''
    if (filter?.types !== undefined) {
      params.push(filter.types)
      sql += ` AND e.type = ANY($${params.length}::text[])`
    }
    if (filter?.streamPrefixes !== undefined) {
      const clauses = filter.streamPrefixes.map((prefix) => {
        params.push(prefix.length, prefix)
        return `left(s.name, $${params.length - 1}) = $${params.length}`
      })
      sql += ` AND (${clauses.join(' OR ')})`
    }
    return sql
  }

  const COLUMNS = `e.position, e.revision, e.event_id::text AS event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, s.name AS stream_name`

  /** One page of the log: positions `low..high` in the page's order, filtered. */
  const readAllPage = async (
    page: PageRequest,
    filter: EventFilter | undefined,
  ): Promise<ReadonlyArray<RecordedEvent>> => {
    const params: unknown[] = [page.low, page.high, page.limit]
    const where = filterSql(filter, params)
    const rows = await query<EventRow>(
      `SELECT ${COLUMNS} FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
       WHERE e.position BETWEEN $1 AND $2${where} ORDER BY e.position ${page.backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      params,
    )
    return rows.map(toRecorded)
  }

  const head = async (): Promise<number> =>
    (await query<{ head: number }>(`SELECT coalesce(max(position), 0)::bigint AS head FROM ${s}.events`))[0]?.head ?? 0

  // --- the chain ---

  // Forward reads of many events stream through COPY (copy-read.ts): one query, one snapshot, the
  // rows split by the client. COPY takes no parameters: the query is built from checked numbers and
  // escaped literals.
  const copyOfLog = (
    columns: string,
    low: number,
    high: number,
    maxCount: number | undefined,
    types: ReadonlyArray<string> | undefined,
  ): string =>
    `SELECT ${columns} FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
     WHERE e.position BETWEEN ${Math.floor(low)} AND ${Math.floor(high)}${
       types === undefined
         ? ''
         : ` AND e.type IN (${types.length === 0 ? 'NULL' : types.map(escapeLiteral).join(', ')})`
     } ORDER BY e.position${maxCount === undefined ? '' : ` LIMIT ${Math.floor(maxCount)}`}`
  const COPY_COLUMNS = `e.position, s.name, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, ${isoTimeSql('e.recorded_at')}`
  const copyError = (error: unknown): Error =>
    isEventStoreError(error) ? error : unavailable('reading the log failed', error)

  /**
   * Events `low..high` of the log forwards, of `types` when given, at most `maxCount`, as `read`
   * turns each row's fields into one. A lost connection resumes after the last event delivered.
   */
  const copyLog = <A extends { readonly position: number }>(
    columns: string,
    low: number,
    high: number,
    maxCount: number | undefined,
    types: ReadonlyArray<string> | undefined,
    read: (fields: string[]) => A,
  ): PagedIterable<A> =>
    copyRows(pool, {
      select: (last, delivered) =>
        copyOfLog(
          columns,
          last === undefined ? low : last.position + 1,
          high,
          maxCount === undefined ? undefined : maxCount - delivered,
          types,
        ),
      fromFields: read,
      toError: copyError,
      retries: poolSize,
      isConnectionLost,
    })

  const copyEvents = (
    low: number,
    high: number,
    maxCount: number | undefined,
    types: ReadonlyArray<string> | undefined,
  ): PagedIterable<RecordedEvent> => copyLog(COPY_COLUMNS, low, high, maxCount, types, recordedFromFields)

  /** Events `low..high` exactly as stored: data and metadata as text, the time as the chain writes it. */
  const copyStored = (low: number, high: number): PagedIterable<StoredEvent> =>
    copyLog(`${COPY_COLUMNS}, encode(e.hash, 'hex')`, low, high, undefined, undefined, (fields) =>
      fromStoredFields(fields as StoredFields),
    )

  /**
   * Every stream's last event at or below $1, in one statement (one snapshot). A stream no event
   * after $1 touched is at its head, kept in `streams`; only the streams touched later are looked
   * up, each by its (stream, revision) index from the top down. At the head, nothing was touched.
   */
  const STREAM_HEADS_SQL = `WITH touched AS (SELECT DISTINCT stream FROM ${s}.events WHERE position > $1)
    SELECT s.name, s.revision, encode(s.head_hash, 'hex') FROM ${s}.streams s
    WHERE s.revision >= 0 AND NOT EXISTS (SELECT 1 FROM touched t WHERE t.stream = s.id)
    UNION ALL
    SELECT s.name, e.revision, encode(e.hash, 'hex')
    FROM touched t JOIN ${s}.streams s ON s.id = t.stream
    CROSS JOIN LATERAL (
      SELECT x.revision, x.hash FROM ${s}.events x WHERE x.stream = t.stream AND x.position <= $1
      ORDER BY x.revision DESC LIMIT 1
    ) e`

  /**
   * Writes imported events in one transaction under the append lock: the log's head read and the
   * events checked against it (positions, canonical text, ids not yet stored, each stream's chain),
   * then rows and stream heads written as given, and inline projections run on the same
   * transaction. Any failure rolls back everything.
   */
  const importEvents = async (events: ReadonlyArray<StoredEvent>): Promise<void> => {
    const failed = await inTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [appendLockKey(schema)])
      const { rows: logHead } = await client.query<{ head: number }>(
        'SELECT coalesce(max(position), 0)::bigint AS head FROM events',
      )
      const checked = checkStoredEvents(events, logHead[0]?.head ?? 0, limits)
      const { rows: taken } = await client.query<{ event_id: string }>(
        'SELECT event_id::text AS event_id FROM events WHERE event_id = ANY($1::uuid[])',
        [checked.map((e) => e.eventId)],
      )
      if (taken.length > 0) {
        const stored = new Set(taken.map((r) => r.event_id))
        const first = checked.find((e) => stored.has(e.eventId))
        throw new EventIdConflictError(first?.eventId ?? taken[0]?.event_id ?? '', 'is already stored')
      }
      const { rows: current } = await client.query<{ name: string; revision: number; hash: string | null }>(
        "SELECT name, revision, encode(head_hash, 'hex') AS hash FROM streams WHERE name = ANY($1::text[])",
        [[...new Set(checked.map((e) => e.streamId))]],
      )
      const next = continueChains(
        checked,
        new Map(
          current.flatMap((r): Array<[string, StreamHead]> =>
            r.hash === null ? [] : [[r.name, { streamId: r.name, revision: r.revision, hash: r.hash }]],
          ),
        ),
      )
      const touched = [...next.values()]
      const { rows: streamIds } = await client.query<{ id: number; name: string }>(
        `INSERT INTO streams (name, revision, head_hash)
           SELECT u.name, u.revision, decode(u.hash, 'hex')
           FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u (name, revision, hash)
         ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, head_hash = excluded.head_hash
         RETURNING id, name`,
        [touched.map((h) => h.streamId), touched.map((h) => h.revision), touched.map((h) => h.hash)],
      )
      const idOf = new Map(streamIds.map((r) => [r.name, r.id]))
      await client.query(
        `INSERT INTO events
             (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)
           SELECT u.position, u.stream, u.revision, u.event_id, u.type, u.schema_version, u.data::json, u.metadata::json,
                  u.recorded_at::timestamptz, decode(u.hash, 'hex')
           FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::uuid[], $5::text[], $6::integer[], $7::text[],
                       $8::text[], $9::text[], $10::text[])
             AS u (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)`,
        [
          checked.map((e) => e.position),
          checked.map((e) => idOf.get(e.streamId)),
          checked.map((e) => e.revision),
          checked.map((e) => e.eventId),
          checked.map((e) => e.type),
          checked.map((e) => e.schemaVersion),
          checked.map((e) => e.data),
          checked.map((e) => e.metadata),
          checked.map((e) => e.recordedAt),
          checked.map((e) => e.hash),
        ],
      )
      await client.query('SELECT pg_notify($1, $2)', [
        channelOf(schema),
        String(checked[checked.length - 1]?.position ?? 0),
      ])
      if (inline !== undefined) await inline(checked.map(storedToRecorded), transactionOn(client, schema))
    })
    if (failed === undefined) {
      localCommits.next()
      return
    }
    const { failure } = failed
    if (isEventStoreError(failure)) throw failure
    // A data exception (class 22): a value PostgreSQL cannot hold, such as a time outside its range.
    if (pgCode(failure)?.startsWith('22') === true)
      throw new InvalidArgumentError('events', `cannot be stored: ${(failure as Error).message}`)
    throw unavailable('the import failed and nothing is known to have been written', failure)
  }

  // Commits of other app instances arrive as notifications; a slow poll covers a dropped listener.
  const notifications = new Observable<void>((subscriber) => {
    const client = new pg.Client({ connectionString: options.connectionString })
    let ended = false
    client.on('notification', () => subscriber.next())
    client.on('error', () => undefined)
    client
      .connect()
      .then(() => client.query(`LISTEN ${channelOf(schema)}`))
      .then(() => subscriber.next())
      .catch(() => undefined)
    return () => {
      if (ended) return
      ended = true
      void client.end().catch(() => undefined)
    }
  }).pipe(share())
  const commits = merge(
    localCommits,
    notifications,
    interval(Math.max(10, options.pollIntervalMs ?? 1_000)).pipe(map(() => undefined)),
  ).pipe(share())

  const store: PostgresEventStore = {
    schema,
    readModels: postgresReadModels(pool, schema, ensureOpen, (handler) => {
      inline = handler
    }),

    appendToStream: async (streamId: string, events: ReadonlyArray<NewEvent>, appendOptions: AppendOptions) => {
      ensureOpen()
      const append = checkStreamAppend(streamId, events, appendOptions, limits)
      if (inline !== undefined) {
        const [result] = await appendInline([append], inline)
        if (result === undefined) throw new StoreUnavailableError('the append produced no result')
        return result
      }
      return appendOne(append)
    },

    appendMulti: async (appends: ReadonlyArray<StreamAppend>) => {
      ensureOpen()
      const checked = checkStreamAppends(appends, limits)
      return inline === undefined ? appendMany(checked) : appendInline(checked, inline)
    },

    readStream: (streamId: string, readOptions?: ReadStreamOptions) => {
      ensureOpen()
      checkStreamId(streamId)
      const o = checkReadStreamOptions(readOptions)
      const cursor = streamPageCursor(o, DEFAULT_BATCH_SIZE)
      const until = o.until ?? Number.MAX_SAFE_INTEGER
      return paged(async () => {
        const page = cursor.next()
        if (page === undefined) return undefined
        ensureOpen()
        const rows = await query<EventRow>(
          `SELECT ${COLUMNS} FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
           WHERE s.name = $1 AND e.revision BETWEEN $2 AND $3 AND e.position <= $4
           ORDER BY e.revision ${page.backwards ? 'DESC' : 'ASC'} LIMIT $5`,
          [streamId, page.low, page.high, until, page.limit],
        )
        cursor.advance(rows.length, rows[rows.length - 1]?.revision)
        return rows.map(toRecorded)
      })
    },

    readAll: (readOptions?: ReadAllOptions) => {
      ensureOpen()
      const o = checkReadAllOptions(readOptions)
      // Forwards, filtered by type at most: one COPY of the range.
      if (o.direction !== 'backwards' && o.filter?.streamPrefixes === undefined)
        return copyEvents(
          Math.max(o.fromPosition ?? 1, 1),
          o.toPosition ?? Number.MAX_SAFE_INTEGER,
          o.maxCount,
          o.filter?.types,
        )
      const cursor = logPageCursor(o, DEFAULT_BATCH_SIZE)
      return paged(async () => {
        const page = cursor.next()
        if (page === undefined) return undefined
        ensureOpen()
        const events = await readAllPage(page, o.filter)
        cursor.advance(events.length, events[events.length - 1]?.position)
        return events
      })
    },

    subscribe: (subscribeOptions?: SubscribeOptions) => {
      ensureOpen()
      const o = checkSubscribeOptions(subscribeOptions)
      const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE
      return catchUpSubscription({
        fromPosition: Math.max(o.fromPosition ?? 1, 1),
        commits,
        read: async (fromPosition) => {
          if (closed) return { events: [], nextPosition: fromPosition, reachedHead: true }
          // Every position up to the head read first is committed and visible (commits are
          // serialised), so the page can stop there and the next read start after it.
          const headNow = await head()
          const page =
            headNow < fromPosition
              ? []
              : await readAllPage({ low: fromPosition, high: headNow, backwards: false, limit: batchSize }, o.filter)
          return batchUpToHead(page, fromPosition, headNow, batchSize)
        },
      })
    },

    readStored: (readOptions?: ReadStoredOptions) => {
      ensureOpen()
      const o = checkReadAllOptions(readOptions)
      return copyStored(Math.max(o.fromPosition ?? 1, 1), o.toPosition ?? Number.MAX_SAFE_INTEGER)
    },

    streamHeads: (position: number) => {
      ensureOpen()
      if (typeof position !== 'number' || Number.isNaN(position))
        throw new InvalidArgumentError('position', `must be a position, got ${String(position)}`)
      const at = Math.min(Math.max(Math.floor(position), 0), Number.MAX_SAFE_INTEGER)
      return {
        async *[Symbol.asyncIterator]() {
          ensureOpen()
          for (const [streamId, revision, hash] of await queryArrays<[string, number, string]>(STREAM_HEADS_SQL, [at]))
            yield { streamId, revision, hash }
        },
      }
    },

    importStored: async (events: ReadonlyArray<StoredEvent>) => {
      ensureOpen()
      await importEvents(events)
    },

    headPosition: async () => {
      ensureOpen()
      return head()
    },

    keyStore: {
      keyFor: async (subject) => {
        ensureOpen()
        checkSubject(subject)
        const candidate = randomBytes(32)
        // One statement: refuses an erased subject, keeps the first key made, returns the kept one.
        const rows = await query<{ key: Buffer | null; erased: boolean }>(
          `WITH gone AS (SELECT 1 FROM ${s}.privacy_erased WHERE subject = ANY($3::text[])),
                made AS (INSERT INTO ${s}.privacy_keys (subject, key, created_at)
                         SELECT $1, $2, now() WHERE NOT EXISTS (SELECT 1 FROM gone)
                         ON CONFLICT (subject) DO NOTHING RETURNING key)
           SELECT coalesce((SELECT key FROM made), (SELECT key FROM ${s}.privacy_keys WHERE subject = $1)) AS key,
                  EXISTS (SELECT 1 FROM gone) AS erased`,
          [subject, candidate, subjectAndOwners(subject)],
        )
        const row = rows[0]
        if (row?.erased === true) throw new SubjectErasedError(subject)
        if (row?.key === null || row?.key === undefined) throw new StoreUnavailableError('the key was not kept')
        return row.key
      },
      find: async (subject) => {
        ensureOpen()
        const rows = await query<{ key: Buffer }>(`SELECT key FROM ${s}.privacy_keys WHERE subject = $1`, [
          checkSubject(subject),
        ])
        return rows[0]?.key
      },
      erase: async (subject) => {
        ensureOpen()
        checkSubject(subject)
        const rows = await query<{ fresh: boolean }>(
          `WITH dropped AS (DELETE FROM ${s}.privacy_keys WHERE subject = $1 OR left(subject, $3) = $4),
                before AS (SELECT 1 FROM ${s}.privacy_erased WHERE subject = ANY($2::text[])),
                marked AS (INSERT INTO ${s}.privacy_erased (subject, erased_at) VALUES ($1, now())
                           ON CONFLICT (subject) DO NOTHING RETURNING 1)
           SELECT NOT EXISTS (SELECT 1 FROM before) AS fresh`,
          [subject, subjectAndOwners(subject), subject.length + 1, partsPrefix(subject)],
        )
        return rows[0]?.fresh === true
      },
      isErased: async (subject) => {
        ensureOpen()
        const rows = await query(`SELECT 1 FROM ${s}.privacy_erased WHERE subject = ANY($1::text[])`, [
          subjectAndOwners(checkSubject(subject)),
        ])
        return rows.length > 0
      },
    },

    // Deleted rows stay in the table files until rewritten: rewrite the key table and the read
    // models, so an erased subject's key and rows are gone from the files this schema owns. (The
    // server's own write-ahead log and backups are the database administrator's to manage.)
    purge: async () => {
      ensureOpen()
      // A deleted row survives VACUUM while any transaction older than the deletion may still see
      // it. Wait (up to a minute) until every such transaction in this database has ended.
      const [mark] = await query<{ xid: string }>('SELECT pg_current_xact_id()::xid::text AS xid')
      const until = Date.now() + 60_000
      while (mark !== undefined && Date.now() < until) {
        const [waiting] = await query<{ older: number }>(
          `SELECT count(*)::int AS older FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()
             AND backend_xmin IS NOT NULL AND age(backend_xmin) >= age($1::xid)`,
          [mark.xid],
        )
        if ((waiting?.older ?? 0) === 0) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const tables = await query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND (tablename LIKE 'rm\\_%' OR tablename IN ('privacy_keys', 'projection_parked'))",
        [schema],
      )
      for (const { tablename } of tables) await query(`VACUUM FULL ${s}."${tablename}"`)
    },

    snapshots: {
      readSnapshot: async (streamId) => {
        ensureOpen()
        const [row] = await query<{
          revision: number
          snapshot_version: number
          state: JsonValue
        }>(
          `SELECT sn.revision, sn.snapshot_version, sn.state FROM ${s}.snapshots sn
           JOIN ${s}.streams s ON s.id = sn.stream WHERE s.name = $1`,
          [checkStreamId(streamId)],
        )
        if (row === undefined) return undefined
        return {
          streamId,
          revision: row.revision,
          version: row.snapshot_version,
          state: row.state,
        }
      },
      writeSnapshot: async (candidate) => {
        ensureOpen()
        const snapshot = checkSnapshot(candidate)
        const [stream] = await query<{ id: number; revision: number }>(
          `SELECT id, revision FROM ${s}.streams WHERE name = $1`,
          [snapshot.streamId],
        )
        checkSnapshotRevision(snapshot, stream)
        // A snapshot never replaces one taken at a later revision.
        await query(
          `INSERT INTO ${s}.snapshots (stream, revision, snapshot_version, state, taken_at)
           VALUES ($1, $2, $3, $4::jsonb, clock_timestamp())
           ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, snapshot_version = excluded.snapshot_version,
             state = excluded.state, taken_at = excluded.taken_at
           WHERE excluded.revision >= ${s}.snapshots.revision`,
          [stream.id, snapshot.revision, snapshot.version, JSON.stringify(snapshot.state)],
        )
      },
    },

    close: async () => {
      if (closed) return
      closed = true
      localCommits.complete()
      await pool.end()
    },
  }
  return store
}
