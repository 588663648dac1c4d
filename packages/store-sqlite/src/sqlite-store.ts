/**
 * The EventStore on one SQLite file (better-sqlite3). Durable by default (WAL with
 * `synchronous=FULL`), serialised by SQLite's single writer (`BEGIN IMMEDIATE`), and with group
 * commit: appends that arrive while the event loop is busy are written in one transaction, each in
 * its own savepoint with its own expected-revision check and its own result, so many concurrent
 * callers share one fsync instead of queueing for one each.
 */
import { randomBytes } from 'node:crypto'

import type {
  AppendOptions,
  AppendResult,
  ChainCheckRequest,
  Clock,
  EventFilter,
  EventStore,
  InlineHandler,
  JsonValue,
  NewEvent,
  ReadAllOptions,
  ReadModelTransaction,
  ReadStoredOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEvent,
  StreamAppend,
  StreamHead,
  SubscribeOptions,
} from '@civic-ledger/core'
import {
  chainHash,
  EventIdConflictError,
  GENESIS_HASH,
  InvalidArgumentError,
  isEventStoreError,
  StoreUnavailableError,
  SubjectErasedError,
  systemClock,
  toRecorded as storedToRecorded,
  WrongExpectedRevisionError,
} from '@civic-ledger/core'
import type {
  CheckedStreamAppend,
  PagedIterable,
  PageRequest,
  StoredEventLocation,
  StoreLimits,
} from '@civic-ledger/core/store-kit'
import {
  acknowledgeRetry,
  batchUpToHead,
  catchUpSubscription,
  checkChainCheckRequest,
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
  createMutex,
  DEFAULT_LIMITS,
  logPageCursor,
  pagedIterable,
  partsPrefix,
  recordedEvents,
  revisionMatches,
  streamPageCursor,
  subjectAndOwners,
} from '@civic-ledger/core/store-kit'
import type { Database, Statement } from 'better-sqlite3'
import BetterSqlite3 from 'better-sqlite3'
import type { Observable } from 'rxjs'
import { filter as keep, interval, map, merge, share, Subject } from 'rxjs'

import type { EventRow, StoredRow } from './columns'
import { EVENT_COLUMNS, STORED_COLUMNS, toStored } from './columns'
import { readerOf, writerTransaction } from './read-models'
import { toRecorded } from './rows'
import { checkLedgerIdentity, checkLedgerPath, LedgerFileError, migrate } from './schema'
import type { ChainCheck } from './threads/chain-checks'
import { startChainCheck } from './threads/chain-checks'
import type { ReadAhead } from './threads/read-ahead'
import { startReadAhead } from './threads/read-ahead'

// --- options ---

export interface SqliteEventStoreOptions {
  /** The ledger file; created with its directory's permissions if it does not exist. */
  readonly path: string
  /**
   * `FULL` (default): a commit survives a power cut. `NORMAL`: a commit survives the process being
   * killed, but the last commits before a power cut may be lost; appends are faster.
   */
  readonly synchronous?: 'FULL' | 'NORMAL'
  /** How long a writer waits for another process's write lock before failing (default 5000 ms). */
  readonly busyTimeoutMs?: number
  /** How often live subscriptions look for commits by other processes (default 50 ms). */
  readonly pollIntervalMs?: number
  /** The most appends written in one group-commit transaction (default 1000). */
  readonly maxGroupSize?: number
  /**
   * Pages the write-ahead log may hold before a commit copies them into the database file (default
   * 10000, about 40 MB; SQLite's own default is 1000). Under load a page the log rewrites often —
   * an index page, a stream's row — is copied once per checkpoint, so fewer, larger checkpoints
   * mean less I/O on the commits that run them; the price is a larger `-wal` file.
   */
  readonly walCheckpointPages?: number
  /**
   * Forward reads of the log over at least `from` positions (a projection rebuild, a replay) are
   * stepped through by a thread of their own, a few pages ahead, on a connection of its own, while
   * the reader's thread only parses: `false` never does (default `{ from: 50_000 }`).
   */
  readonly readAhead?: { readonly from: number } | false
  /**
   * The writer connection's page cache, in MiB (default 64; SQLite's own default is 2). Read models
   * are written, and their indexes built, through it: a read model larger than the cache is read
   * back from the file page by page as it is written, and an index built over it sorts in
   * temporary files.
   */
  readonly cacheMb?: number
  readonly clock?: Clock
  readonly limits?: Partial<StoreLimits>
}

// --- rows ---

/** A stored hash as hex; a missing one reads as empty, which no chain hash equals (verify names it). */
const hexOf = (hash: Buffer | null | undefined): string => hash?.toString('hex') ?? ''

/** A reader's pages; a failure that is not an Error becomes a StoreUnavailableError. */
const paged = <A>(
  nextPage: () => ReadonlyArray<A> | undefined | Promise<ReadonlyArray<A> | undefined>,
  abandon?: () => void,
): PagedIterable<A> =>
  pagedIterable(nextPage, (error) => (error instanceof Error ? error : unavailable('the read failed', error)), abandon)

/** How long each of the store's connections waits for another process's lock, in ms. */
const busyTimeoutOf = (options: SqliteEventStoreOptions): number =>
  Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))

const DEFAULT_BATCH_SIZE = 500
/** Rows a page of a read ahead, and pages it may be ahead of the reader. */
const READ_AHEAD_PAGE_ROWS = 100
const READ_AHEAD_CREDITS = 6
/** Reading the log as stored (verify, export) goes page by page through the whole of it. */
const STORED_BATCH_SIZE = 2_000

/** An append waiting for the next group commit. */
interface PendingWrite {
  readonly appends: ReadonlyArray<CheckedStreamAppend>
  readonly resolve: (results: ReadonlyArray<AppendResult>) => void
  readonly reject: (error: unknown) => void
}

/** What became of one caller's write in a group. */
interface Outcome {
  readonly results?: ReadonlyArray<AppendResult>
  readonly error?: unknown
}

/** Raised inside a savepoint when an event id is already stored; the append is then classified. */
class EventIdTaken extends Error {}

const isUniqueEventIdViolation = (error: unknown): boolean =>
  error instanceof Error &&
  (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
  error.message.includes('events.event_id')

const unavailable = (what: string, cause: unknown): StoreUnavailableError =>
  new StoreUnavailableError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })

// --- the store ---

/** How many write transactions the store has committed and how many appends they carried. */
export interface SqliteWriteStats {
  readonly transactions: number
  readonly appends: number
}

/** An EventStore on a SQLite file, with the file's path. */
export interface SqliteEventStore extends EventStore {
  readonly path: string
  /** Counts since the store was opened: appends per transaction shows group commit at work. */
  writeStats(): SqliteWriteStats
}

/**
 * Opens (creating if needed) a ledger file. Refuses, with a `LedgerFileError` and without changing
 * anything, a file that is not a ledger, a ledger of a newer schema, or a path that is read-only.
 */
export const openSqliteEventStore = async (options: SqliteEventStoreOptions): Promise<SqliteEventStore> => {
  const path = options.path
  checkLedgerPath(path)
  const checkpointPages = options.walCheckpointPages ?? 10_000
  if (!Number.isSafeInteger(checkpointPages) || checkpointPages < 1)
    throw new InvalidArgumentError('walCheckpointPages', `must be a whole number ≥ 1, got ${String(checkpointPages)}`)
  const cacheMb = options.cacheMb ?? 64
  if (!Number.isSafeInteger(cacheMb) || cacheMb < 1)
    throw new InvalidArgumentError('cacheMb', `must be a whole number of MiB ≥ 1, got ${String(cacheMb)}`)
  const readAhead: unknown = options.readAhead
  if (
    readAhead !== undefined &&
    readAhead !== false &&
    !(
      typeof readAhead === 'object' &&
      readAhead !== null &&
      Number.isSafeInteger((readAhead as { from?: unknown }).from) &&
      (readAhead as { from: number }).from >= 1
    )
  )
    throw new InvalidArgumentError('readAhead', 'must be false or { from: a whole number of positions ≥ 1 }')
  let db: Database
  try {
    db = new BetterSqlite3(path, { fileMustExist: false })
  } catch (cause) {
    throw new LedgerFileError('cannot-open', path, 'could not be opened', { cause })
  }
  try {
    checkLedgerIdentity(db, path)
    db.pragma(`busy_timeout = ${busyTimeoutOf(options)}`)
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`)
    // The store assigns stream keys itself; a foreign-key lookup per inserted event buys nothing.
    db.pragma('foreign_keys = OFF')
    // Deleted content (an erased subject's key, read-model rows) is overwritten, not left in free pages.
    db.pragma('secure_delete = ON')
    db.pragma(`cache_size = ${-cacheMb * 1024}`)
    db.pragma(`wal_autocheckpoint = ${checkpointPages}`)
    migrate(db)
  } catch (error) {
    db.close()
    if (error instanceof LedgerFileError) throw error
    throw new LedgerFileError('cannot-open', path, 'could not be prepared as a ledger', { cause: error })
  }
  // Reads use a connection of their own: they see committed state only, even while the writer is
  // inside a transaction that an inline projection or a projection batch keeps open across awaits.
  let reader: Database
  try {
    reader = new BetterSqlite3(path, { fileMustExist: true, readonly: true })
    reader.pragma(`busy_timeout = ${busyTimeoutOf(options)}`)
  } catch (cause) {
    db.close()
    throw new LedgerFileError('cannot-open', path, 'could not be opened for reading', { cause })
  }
  return createStore(db, reader, options)
}

const createStore = (db: Database, reader: Database, options: SqliteEventStoreOptions): SqliteEventStore => {
  const clock = options.clock ?? systemClock
  const limits: StoreLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const maxGroupSize = options.maxGroupSize ?? 1_000
  const localCommits = new Subject<void>()
  let closed = false
  let pending: PendingWrite[] = []
  let flushScheduled = false
  let transactions = 0
  let appendsCommitted = 0
  /** True while an async write transaction (inline projections, a projection batch) holds the writer. */
  let writerBusy = false
  let inline: InlineHandler | undefined
  const writerTurns = createMutex()
  const readerTurns = createMutex()
  const readModelTx: ReadModelTransaction = {
    ...writerTransaction(db),
    // Inside a transaction the store's writer has begun: the key goes when the transaction commits.
    eraseKey: async (subject) => {
      checkSubject(subject)
      deleteKey.run(subject, subject.length + 1, partsPrefix(subject))
      insertErased.run(subject, clock.now().toISOString())
    },
  }
  const durable = options.synchronous !== 'NORMAL'
  const readModelReader = readerOf(reader)

  // --- statements ---
  const selectStream = db.prepare<[string], { id: number; revision: number; head_hash: Buffer | null }>(
    'SELECT id, revision, head_hash FROM streams WHERE name = ?',
  )
  const selectStreamForRead = reader.prepare<[string], { id: number; revision: number }>(
    'SELECT id, revision FROM streams WHERE name = ?',
  )
  const insertStream = db.prepare<[string]>('INSERT INTO streams (name, revision) VALUES (?, -1)')
  const updateStream = db.prepare<[number, Buffer, number]>(
    'UPDATE streams SET revision = ?, head_hash = ? WHERE id = ?',
  )
  const insertEvent = db.prepare<[number, number, number, string, string, number, string, string, string, Buffer]>(
    'INSERT INTO events (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  // The writer's own view of the head: inside a write it includes the transaction's own events.
  const writerHead = db.prepare<[], { head: number | null }>('SELECT max(position) AS head FROM events')
  /**
   * The head as this transaction has left it, once known: later appends of the same group need not
   * ask. Forgotten whenever a transaction starts (another process may have written since) and
   * whenever a savepoint is rolled back.
   */
  let knownHead: number | undefined
  const headForWrite = (): number => (knownHead ??= writerHead.get()?.head ?? 0)
  const findEvent = db.prepare<[string], { position: number; revision: number; type: string; stream_name: string }>(
    'SELECT e.position, e.revision, e.type, s.name AS stream_name FROM events e JOIN streams s ON s.id = e.stream WHERE e.event_id = ?',
  )
  const selectSnapshot = reader.prepare<[string], { revision: number; snapshot_version: number; state: string }>(
    'SELECT sn.revision, sn.snapshot_version, sn.state FROM snapshots sn JOIN streams s ON s.id = sn.stream WHERE s.name = ?',
  )
  // A snapshot never replaces one taken at a later revision.
  const upsertSnapshot = db.prepare<[number, number, number, string, string]>(
    `INSERT INTO snapshots (stream, revision, snapshot_version, state, taken_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, snapshot_version = excluded.snapshot_version,
       state = excluded.state, taken_at = excluded.taken_at
     WHERE excluded.revision >= snapshots.revision`,
  )
  const selectKey = db.prepare<[string], { key: Buffer }>('SELECT key FROM privacy_keys WHERE subject = ?')
  const readKey = reader.prepare<[string], { key: Buffer }>('SELECT key FROM privacy_keys WHERE subject = ?')
  const selectErased = db.prepare<[string], { subject: string }>('SELECT subject FROM privacy_erased WHERE subject = ?')
  const readErased = reader.prepare<[string], { subject: string }>(
    'SELECT subject FROM privacy_erased WHERE subject = ?',
  )
  const insertKey = db.prepare<[string, Buffer, string]>(
    'INSERT INTO privacy_keys (subject, key, created_at) VALUES (?, ?, ?)',
  )
  const deleteKey = db.prepare<[string, number, string]>(
    'DELETE FROM privacy_keys WHERE subject = ? OR substr(subject, 1, ?) = ?',
  )
  const insertErased = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO privacy_erased (subject, erased_at) VALUES (?, ?)',
  )
  const selectSharedStreamName = reader
    .prepare<[], [string]>('SELECT name FROM streams GROUP BY name HAVING count(*) > 1 LIMIT 1')
    .raw(true)
  const selectStored = reader
    .prepare<[number, number, number], StoredRow>(
      `SELECT ${STORED_COLUMNS} FROM events e JOIN streams s ON s.id = e.stream WHERE e.position BETWEEN ? AND ? ORDER BY e.position LIMIT ?`,
    )
    .raw(true)
  // Streams no event after the position touched are at their head, kept in `streams`; only those
  // touched later are looked up, each by its (stream, revision) index from the top down. The cost
  // follows the events after the position, not the whole log.
  const selectHeads = reader.prepare<
    { readonly at: number },
    { stream_name: string; revision: number; hash: Buffer | null }
  >(
    `WITH touched AS (SELECT DISTINCT stream FROM events WHERE position > @at)
     SELECT name AS stream_name, revision, head_hash AS hash FROM streams
       WHERE revision >= 0 AND id NOT IN (SELECT stream FROM touched)
     UNION ALL
     SELECT s.name, e.revision, e.hash FROM touched t JOIN streams s ON s.id = t.stream
       JOIN events e ON e.stream = t.stream AND e.revision = (
         SELECT x.revision FROM events x WHERE x.stream = t.stream AND x.position <= @at
         ORDER BY x.revision DESC LIMIT 1)`,
  )
  const selectCurrentHeads = reader.prepare<[], { stream_name: string; revision: number; hash: Buffer | null }>(
    'SELECT name AS stream_name, revision, head_hash AS hash FROM streams WHERE revision >= 0',
  )
  const headStatement = reader.prepare<[], { head: number | null }>('SELECT max(position) AS head FROM events')
  const begin = db.prepare('BEGIN IMMEDIATE')
  const commit = db.prepare('COMMIT')
  const rollback = db.prepare('ROLLBACK')
  const savepoint = db.prepare('SAVEPOINT civic_ledger_append')
  const release = db.prepare('RELEASE civic_ledger_append')
  const rollbackTo = db.prepare('ROLLBACK TO civic_ledger_append')

  const beginWrite = (): void => {
    begin.run()
    knownHead = undefined
  }
  const undoAppend = (): void => {
    rollbackTo.run()
    knownHead = undefined
  }

  const ensureOpen = (): void => {
    if (closed) throw new StoreUnavailableError(`the ledger ${options.path} is closed`)
  }
  const head = (): number => headStatement.get()?.head ?? 0

  // --- writing ---

  const locate = (eventId: string): StoredEventLocation | undefined => {
    const row = findEvent.get(eventId)
    return row === undefined
      ? undefined
      : { eventId, streamId: row.stream_name, revision: row.revision, position: row.position, type: row.type }
  }

  const retryOf = (append: CheckedStreamAppend): AppendResult | undefined =>
    acknowledgeRetry(
      append.streamId,
      append.events.map(({ event }) => event),
      append.events.map(({ event }) => locate(event.eventId)),
    )

  /** Writes one stream's events; throws `EventIdTaken` if an id is already stored. */
  const writeStream = (append: CheckedStreamAppend, recordedAt: string): AppendResult => {
    const stream = selectStream.get(append.streamId)
    const actual = stream?.revision ?? -1
    if (!revisionMatches(append.expectedRevision, actual)) {
      const retried = retryOf(append)
      if (retried !== undefined) return retried
      throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, actual)
    }
    const streamKey = stream?.id ?? Number(insertStream.run(append.streamId).lastInsertRowid)
    // One writer at a time: the next position is the head plus one, known before the insert, so
    // each event's hash (which covers its position) is written with it.
    const firstPosition = headForWrite() + 1
    let revision = actual
    let position = firstPosition - 1
    let prev = stream?.head_hash?.toString('hex') ?? GENESIS_HASH
    for (const { event, data, metadata } of append.events) {
      revision++
      position++
      prev = chainHash(prev, {
        eventId: event.eventId,
        streamId: append.streamId,
        revision,
        position,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data,
        metadata,
        recordedAt,
      })
      try {
        insertEvent.run(
          position,
          streamKey,
          revision,
          event.eventId,
          event.type,
          event.schemaVersion,
          data,
          metadata,
          recordedAt,
          Buffer.from(prev, 'hex'),
        )
      } catch (error) {
        if (isUniqueEventIdViolation(error)) throw new EventIdTaken()
        throw error
      }
    }
    if (revision > actual) updateStream.run(revision, Buffer.from(prev, 'hex'), streamKey)
    knownHead = position
    return {
      streamId: append.streamId,
      firstRevision: actual + 1,
      lastRevision: revision,
      firstPosition,
      lastPosition: position,
      alreadyStored: false,
    }
  }

  /** A write refused because an id is stored already: a retry of this very write, or a conflict. */
  const classifyTaken = (write: PendingWrite): ReadonlyArray<AppendResult> => {
    const retried = write.appends.map(retryOf)
    if (retried.every((r) => r !== undefined)) return retried
    throw new EventIdConflictError(
      write.appends[retried.findIndex((r) => r !== undefined)]?.events[0]?.event.eventId ?? '',
      'is already stored, but the rest of this multi-stream batch is not',
    )
  }

  /**
   * Writes one caller's appends. A multi-stream batch is one unit: if some of its streams turn out
   * to be a retry and others new, it is neither, and is refused (the caller rolls back).
   */
  const writeAppends = (write: PendingWrite, recordedAt: string): ReadonlyArray<AppendResult> => {
    const results = write.appends.map((append) => writeStream(append, recordedAt))
    const retried = results.findIndex((r) => r.alreadyStored)
    if (retried >= 0 && results.some((r) => !r.alreadyStored))
      throw new EventIdConflictError(
        write.appends[retried]?.events[0]?.event.eventId ?? '',
        'is already stored, but the rest of this multi-stream batch is not',
      )
    return results
  }

  /** Writes one caller's appends inside a group's transaction, all or nothing, in a savepoint. */
  const writeInSavepoint = (write: PendingWrite, recordedAt: string): ReadonlyArray<AppendResult> => {
    savepoint.run()
    try {
      const results = writeAppends(write, recordedAt)
      release.run()
      return results
    } catch (error) {
      undoAppend()
      release.run()
      if (!(error instanceof EventIdTaken)) throw error
    }
    return classifyTaken(write)
  }

  const settle = (write: PendingWrite, outcome: Outcome): boolean => {
    if (outcome.results !== undefined) {
      write.resolve(outcome.results)
      return outcome.results.some((r) => !r.alreadyStored)
    }
    write.reject(isEventStoreError(outcome.error) ? outcome.error : unavailable('the append failed', outcome.error))
    return false
  }

  const rollbackQuietly = (): void => {
    try {
      rollback.run()
    } catch {
      // the transaction is already gone
    }
  }

  /** A group of one needs no savepoint: if it fails, the whole transaction is rolled back. */
  const flushOne = (write: PendingWrite, recordedAt: string): void => {
    let results: ReadonlyArray<AppendResult>
    try {
      results = writeAppends(write, recordedAt)
    } catch (error) {
      rollbackQuietly()
      let outcome: Outcome
      try {
        outcome = error instanceof EventIdTaken ? { results: classifyTaken(write) } : { error }
      } catch (classified) {
        outcome = { error: classified }
      }
      settle(write, outcome)
      return
    }
    try {
      commit.run()
    } catch (cause) {
      rollbackQuietly()
      write.reject(unavailable('the commit failed and nothing was written', cause))
      return
    }
    transactions++
    appendsCommitted++
    if (settle(write, { results })) localCommits.next()
  }

  /** The events one caller's write recorded, as an inline projection sees them. */
  const recordedOf = (write: PendingWrite, results: ReadonlyArray<AppendResult>, recordedAt: string): RecordedEvent[] =>
    write.appends
      .flatMap((append, a) => {
        const result = results[a]
        return result === undefined || result.alreadyStored
          ? []
          : recordedEvents(append, { revision: result.firstRevision, position: result.firstPosition }, recordedAt)
      })
      .sort((x, y) => x.position - y.position)

  /** Commits a group's transaction, then gives each caller its own outcome; a failed commit fails them all. */
  const commitGroup = (group: ReadonlyArray<PendingWrite>, outcomes: ReadonlyArray<Outcome>): void => {
    try {
      commit.run()
    } catch (cause) {
      rollbackQuietly()
      for (const write of group) write.reject(unavailable('the commit failed and nothing was written', cause))
      return
    }
    transactions++
    appendsCommitted += group.length
    let wrote = false
    group.forEach((write, i) => {
      wrote =
        settle(write, outcomes[i] ?? { error: new StoreUnavailableError('the append produced no outcome') }) || wrote
    })
    if (wrote) localCommits.next()
  }

  /** Begins a group's transaction; if it cannot be begun, every caller in the group is told why. */
  const beginGroup = (group: ReadonlyArray<PendingWrite>): boolean => {
    try {
      beginWrite()
      return true
    } catch (cause) {
      for (const write of group) write.reject(unavailable('could not start a write', cause))
      return false
    }
  }

  /**
   * Group commit with inline projections: as `flush`, but each caller's events are handed to the
   * inline handler inside its savepoint, before the commit. A handler that throws undoes that
   * caller's write alone. The writer is held meanwhile; appends arriving wait for the next group.
   */
  const flushInline = async (group: ReadonlyArray<PendingWrite>, handler: InlineHandler): Promise<void> => {
    if (!beginGroup(group)) return
    const recordedAt = clock.now().toISOString()
    const outcomes: Outcome[] = []
    for (const write of group) {
      savepoint.run()
      try {
        let results: ReadonlyArray<AppendResult>
        try {
          results = writeAppends(write, recordedAt)
        } catch (error) {
          if (!(error instanceof EventIdTaken)) throw error
          undoAppend()
          results = classifyTaken(write)
        }
        const events = recordedOf(write, results, recordedAt)
        if (events.length > 0) await handler(events, readModelTx)
        release.run()
        outcomes.push({ results })
      } catch (error) {
        undoAppend()
        release.run()
        outcomes.push({ error })
      }
    }
    commitGroup(group, outcomes)
  }

  /** Runs `work` holding the writer: group commits wait until it is done. */
  const holdingWriter = <A>(work: () => Promise<A>): Promise<A> =>
    writerTurns(async () => {
      writerBusy = true
      try {
        return await work()
      } finally {
        writerBusy = false
        if (pending.length > 0) schedule()
      }
    })

  /** Writes every pending append in one transaction: one commit, one fsync, many callers. */
  const flush = (): void => {
    flushScheduled = false
    if (writerBusy) return
    const handler = inline
    if (handler !== undefined && pending.length > 0 && !closed) {
      const group = pending.slice(0, maxGroupSize)
      pending = pending.slice(group.length)
      void holdingWriter(() => flushInline(group, handler))
      return
    }
    const group = pending.slice(0, maxGroupSize)
    pending = pending.slice(group.length)
    if (pending.length > 0) schedule()
    if (group.length === 0) return
    if (closed) {
      for (const write of group) write.reject(new StoreUnavailableError(`the ledger ${options.path} is closed`))
      return
    }
    if (!beginGroup(group)) return
    const recordedAt = clock.now().toISOString()
    const [only] = group
    if (group.length === 1 && only !== undefined) {
      flushOne(only, recordedAt)
      return
    }
    const outcomes: Outcome[] = []
    for (const write of group) {
      try {
        outcomes.push({ results: writeInSavepoint(write, recordedAt) })
      } catch (error) {
        outcomes.push({ error })
      }
    }
    commitGroup(group, outcomes)
  }

  const schedule = (): void => {
    if (flushScheduled) return
    flushScheduled = true
    queueMicrotask(flush)
  }

  const enqueue = (appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> =>
    new Promise((resolve, reject) => {
      pending.push({ appends, resolve, reject })
      schedule()
    })

  // --- reading ---

  const filterSql = (
    filter: EventFilter | undefined,
  ): { readonly sql: string; readonly params: ReadonlyArray<string | number> } => {
    const clauses: string[] = []
    const params: Array<string | number> = []
    if (filter?.types !== undefined) {
      clauses.push(`e.type IN (${filter.types.map(() => '?').join(', ')})`)
      params.push(...filter.types)
    }
    if (filter?.streamPrefixes !== undefined) {
      clauses.push(`(${filter.streamPrefixes.map(() => 'substr(s.name, 1, ?) = ?').join(' OR ')})`)
      for (const prefix of filter.streamPrefixes) params.push(prefix.length, prefix)
    }
    return { sql: clauses.map((c) => ` AND ${c}`).join(''), params }
  }

  const statements = new Map<string, Statement<unknown[], EventRow>>()
  const cached = (sql: string): Statement<unknown[], EventRow> => {
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = reader.prepare<unknown[], EventRow>(sql).raw(true)
      statements.set(sql, statement)
    }
    return statement
  }

  /** The SQL of one page of the log, taking low, high, the filter's parameters and a limit. */
  const logPageSql = (filterClauses: string, backwards: boolean): string =>
    `SELECT ${EVENT_COLUMNS} FROM events e JOIN streams s ON s.id = e.stream WHERE e.position BETWEEN ? AND ?${filterClauses} ORDER BY e.position ${backwards ? 'DESC' : 'ASC'} LIMIT ?`

  /** One page of the log: positions `low..high` in the page's order, filtered. */
  const readAllPage = (page: PageRequest, filter: EventFilter | undefined): ReadonlyArray<EventRow> => {
    const f = filterSql(filter)
    return cached(logPageSql(f.sql, page.backwards)).all(page.low, page.high, ...f.params, page.limit)
  }

  // --- reading far ahead ---

  const readAheads = new Set<ReadAhead>()
  /** Chain checks under way: closing the store stops their threads. */
  const chainChecks = new Set<ChainCheck>()
  const readAheadFrom = options.readAhead === false ? undefined : (options.readAhead?.from ?? 50_000)

  /** A long forward read of the log, stepped through on a thread of its own; undefined for others. */
  const readAheadOf = (o: ReadAllOptions): PagedIterable<RecordedEvent> | undefined => {
    if (readAheadFrom === undefined || o.direction === 'backwards' || o.maxCount !== undefined) return undefined
    const low = Math.max(o.fromPosition ?? 1, 1)
    const high = o.toPosition ?? Number.MAX_SAFE_INTEGER
    if (Math.min(high, head()) - low + 1 < readAheadFrom) return undefined
    const f = filterSql(o.filter)
    const ahead = startReadAhead(
      {
        path: options.path,
        busyTimeoutMs: busyTimeoutOf(options),
        sql: logPageSql(f.sql, false),
        params: f.params,
        low,
        high,
        // Pages of a hundred-odd rows: their text stays under V8's large-object size, so it is
        // allocated young and dies young, instead of piling up for a full collection.
        limit: Math.min(o.batchSize ?? DEFAULT_BATCH_SIZE, READ_AHEAD_PAGE_ROWS),
        credits: READ_AHEAD_CREDITS,
      },
      (from, last) =>
        toRecorded(readAllPage({ low: from, high: last, backwards: false, limit: last - from + 1 }, o.filter)),
    )
    readAheads.add(ahead)
    const finish = (): void => {
      readAheads.delete(ahead)
      ahead.stop()
    }
    return paged(async () => {
      ensureOpen()
      let page: ReadonlyArray<RecordedEvent> | undefined
      try {
        page = await ahead.next()
      } catch (error) {
        ensureOpen()
        throw error
      }
      if (page === undefined) finish()
      return page
    }, finish)
  }

  const streamPageSql = (backwards: boolean): string =>
    `SELECT ${EVENT_COLUMNS} FROM events e JOIN streams s ON s.id = e.stream WHERE e.stream = ? AND e.revision BETWEEN ? AND ? AND e.position <= ? ORDER BY e.revision ${backwards ? 'DESC' : 'ASC'} LIMIT ?`

  // Commits by other processes: `data_version` changes when another connection commits.
  const foreignCommits: Observable<void> = interval(Math.max(5, options.pollIntervalMs ?? 50)).pipe(
    map(() => (closed ? -1 : (reader.pragma('data_version', { simple: true }) as number))),
    keep(
      (() => {
        // The first poll counts as a change: a commit by another process between a subscriber's
        // catch-up read and this first look would otherwise be taken as the starting point.
        let last = -1
        return (version: number) => {
          const changed = version !== last
          last = version
          return changed
        }
      })(),
    ),
    map(() => undefined),
    share(),
  )
  const commits = merge(localCommits, foreignCommits)

  const store: SqliteEventStore = {
    path: options.path,
    writeStats: () => ({ transactions, appends: appendsCommitted }),

    appendToStream: async (streamId: string, events: ReadonlyArray<NewEvent>, appendOptions: AppendOptions) => {
      ensureOpen()
      const append = checkStreamAppend(streamId, events, appendOptions, limits)
      const [result] = await enqueue([append])
      if (result === undefined) throw new StoreUnavailableError('the append produced no result')
      return result
    },

    appendMulti: async (appends: ReadonlyArray<StreamAppend>) => {
      ensureOpen()
      return enqueue(checkStreamAppends(appends, limits))
    },

    readStream: (streamId: string, readOptions?: ReadStreamOptions) => {
      ensureOpen()
      checkStreamId(streamId)
      const o = checkReadStreamOptions(readOptions)
      const statement = cached(streamPageSql(o.direction === 'backwards'))
      const cursor = streamPageCursor(o, DEFAULT_BATCH_SIZE)
      const until = o.until ?? Number.MAX_SAFE_INTEGER
      let stream: { id: number; revision: number } | undefined
      let started = false
      return paged(() => {
        if (!started) {
          started = true
          stream = selectStreamForRead.get(streamId)
        }
        const page = stream === undefined ? undefined : cursor.next()
        if (stream === undefined || page === undefined) return undefined
        if (closed) throw new StoreUnavailableError(`the ledger ${options.path} is closed`)
        const rows = statement.all(stream.id, page.low, page.high, until, page.limit)
        cursor.advance(rows.length, rows[rows.length - 1]?.[1])
        return toRecorded(rows)
      })
    },

    readAll: (readOptions?: ReadAllOptions) => {
      ensureOpen()
      const o = checkReadAllOptions(readOptions)
      const ahead = readAheadOf(o)
      if (ahead !== undefined) return ahead
      const cursor = logPageCursor(o, DEFAULT_BATCH_SIZE)
      return paged(() => {
        const page = cursor.next()
        if (page === undefined) return undefined
        if (closed) throw new StoreUnavailableError(`the ledger ${options.path} is closed`)
        const rows = readAllPage(page, o.filter)
        cursor.advance(rows.length, rows[rows.length - 1]?.[0])
        return toRecorded(rows)
      })
    },

    subscribe: (subscribeOptions?: SubscribeOptions) => {
      ensureOpen()
      const o = checkSubscribeOptions(subscribeOptions)
      const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE
      const snapshotRead = reader.transaction((from: number) => {
        const rows = readAllPage(
          { low: from, high: Number.MAX_SAFE_INTEGER, backwards: false, limit: batchSize },
          o.filter,
        )
        return { rows, head: head() }
      })
      return catchUpSubscription({
        fromPosition: Math.max(o.fromPosition ?? 1, 1),
        commits,
        read: async (fromPosition) => {
          if (closed) return { events: [], nextPosition: fromPosition, reachedHead: true }
          // One read transaction: the rows and the head come from the same snapshot, so a filtered
          // read can skip to the head without passing a commit it did not see.
          const { rows, head: headNow } = snapshotRead(fromPosition)
          return batchUpToHead(toRecorded(rows), fromPosition, headNow, batchSize)
        },
      })
    },

    readStored: (readOptions?: ReadStoredOptions) => {
      ensureOpen()
      const o = checkReadAllOptions(readOptions)
      const cursor = logPageCursor({ ...o, direction: 'forwards' }, o.batchSize ?? STORED_BATCH_SIZE)
      return paged(() => {
        const page = cursor.next()
        if (page === undefined) return undefined
        if (closed) throw new StoreUnavailableError(`the ledger ${options.path} is closed`)
        const rows = selectStored.all(page.low, page.high, page.limit)
        cursor.advance(rows.length, rows[rows.length - 1]?.[0])
        return rows.map(toStored)
      })
    },

    checkChains: async (request: ChainCheckRequest) => {
      ensureOpen()
      checkChainCheckRequest(request)
      // Each thread follows the streams it reads by name: two stream rows with one name (which the
      // schema forbids) would be two chains there, and one in the log read in order.
      if (selectSharedStreamName.get() !== undefined) return { intact: false, events: 0, streams: 0 }
      const check = startChainCheck({ path: options.path, busyTimeoutMs: busyTimeoutOf(options) }, request)
      chainChecks.add(check)
      try {
        return await check.result
      } finally {
        chainChecks.delete(check)
      }
    },

    streamHeads: (position: number) => {
      ensureOpen()
      checkReadAllOptions({ toPosition: position })
      // At the head, each stream's row holds its head (written in the same transaction as its
      // events); earlier, each stream's last event at or before the position is looked up.
      const headsAt = reader.transaction(() =>
        position >= head() ? selectCurrentHeads.all() : selectHeads.all({ at: position }),
      )
      let done = false
      return paged(() => {
        if (done) return undefined
        done = true
        return headsAt().map((row) => ({
          streamId: row.stream_name,
          revision: row.revision,
          hash: hexOf(row.hash),
        }))
      })
    },

    importStored: (events: ReadonlyArray<StoredEvent>) =>
      holdingWriter(async () => {
        ensureOpen()
        beginWrite()
        try {
          const checked = checkStoredEvents(events, headForWrite(), limits)
          const heads = new Map<string, StreamHead>()
          const keys = new Map<string, number>()
          for (const event of checked) {
            if (keys.has(event.streamId)) continue
            const stream = selectStream.get(event.streamId)
            keys.set(event.streamId, stream?.id ?? Number(insertStream.run(event.streamId).lastInsertRowid))
            if (stream !== undefined && stream.revision >= 0)
              heads.set(event.streamId, {
                streamId: event.streamId,
                revision: stream.revision,
                hash: hexOf(stream.head_hash),
              })
          }
          const next = continueChains(checked, heads)
          for (const event of checked) {
            try {
              insertEvent.run(
                event.position,
                keys.get(event.streamId) ?? 0,
                event.revision,
                event.eventId,
                event.type,
                event.schemaVersion,
                event.data,
                event.metadata,
                event.recordedAt,
                Buffer.from(event.hash, 'hex'),
              )
            } catch (error) {
              if (isUniqueEventIdViolation(error)) throw new EventIdConflictError(event.eventId, 'is already stored')
              throw error
            }
          }
          for (const [streamId, h] of next)
            updateStream.run(h.revision, Buffer.from(h.hash, 'hex'), keys.get(streamId) ?? 0)
          if (inline !== undefined) await inline(checked.map(storedToRecorded), readModelTx)
          commit.run()
        } catch (error) {
          rollbackQuietly()
          throw isEventStoreError(error) ? error : unavailable('the import failed and nothing was written', error)
        }
        transactions++
        localCommits.next()
      }),

    headPosition: async () => {
      ensureOpen()
      return head()
    },

    readModels: {
      dialect: 'sqlite',
      // Read models are derived from events already committed with the store's durability: a power
      // cut can only lose their last batches, which are then processed again. So their commits skip
      // the fsync that synchronous=FULL would add, and stay atomic and crash-safe (WAL, NORMAL).
      transaction: (work) =>
        holdingWriter(async () => {
          ensureOpen()
          if (durable) db.pragma('synchronous = NORMAL')
          try {
            beginWrite()
            try {
              const result = await work(readModelTx)
              commit.run()
              return result
            } catch (error) {
              rollbackQuietly()
              throw error
            }
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
        inline = handler
      },
    },

    keyStore: {
      keyFor: (subject) =>
        holdingWriter(async () => {
          ensureOpen()
          if (subjectAndOwners(checkSubject(subject)).some((s) => selectErased.get(s) !== undefined))
            throw new SubjectErasedError(subject)
          const found = selectKey.get(subject)
          if (found !== undefined) return found.key
          const key = randomBytes(32)
          beginWrite()
          try {
            insertKey.run(subject, key, clock.now().toISOString())
            commit.run()
          } catch (cause) {
            rollbackQuietly()
            throw unavailable('the key was not kept', cause)
          }
          return key
        }),
      find: async (subject) => {
        ensureOpen()
        return readKey.get(checkSubject(subject))?.key
      },
      erase: (subject) =>
        holdingWriter(async () => {
          ensureOpen()
          checkSubject(subject)
          beginWrite()
          try {
            deleteKey.run(subject, subject.length + 1, partsPrefix(subject))
            const already = subjectAndOwners(subject).some((s) => selectErased.get(s) !== undefined)
            insertErased.run(subject, clock.now().toISOString())
            const fresh = !already
            commit.run()
            return fresh
          } catch (cause) {
            rollbackQuietly()
            throw unavailable('the key was not erased', cause)
          }
        }),
      isErased: async (subject) => {
        ensureOpen()
        return subjectAndOwners(checkSubject(subject)).some((s) => readErased.get(s) !== undefined)
      },
    },

    // The write-ahead log still holds old versions of pages (an erased key, read-model rows before
    // erasure): checkpoint everything into the file, where deleted content is zeroed, and empty it.
    purge: () =>
      holdingWriter(async () => {
        ensureOpen()
        db.pragma('wal_checkpoint(TRUNCATE)')
      }),

    snapshots: {
      readSnapshot: async (streamId) => {
        ensureOpen()
        const row = selectSnapshot.get(checkStreamId(streamId))
        if (row === undefined) return undefined
        return {
          streamId,
          revision: row.revision,
          version: row.snapshot_version,
          state: JSON.parse(row.state) as JsonValue,
        }
      },
      writeSnapshot: async (candidate) => {
        ensureOpen()
        const snapshot = checkSnapshot(candidate)
        const stream = selectStream.get(snapshot.streamId)
        checkSnapshotRevision(snapshot, stream)
        try {
          upsertSnapshot.run(
            stream.id,
            snapshot.revision,
            snapshot.version,
            JSON.stringify(snapshot.state),
            clock.now().toISOString(),
          )
        } catch (cause) {
          throw unavailable('the snapshot was not kept', cause)
        }
      },
    },

    close: async () => {
      if (closed) return
      // Let appends already queued be written before the file is closed.
      await writerTurns(async () => undefined)
      inline = undefined
      while (pending.length > 0) flush()
      closed = true
      localCommits.complete()
      for (const ahead of readAheads) ahead.stop()
      readAheads.clear()
      for (const check of chainChecks) check.stop(new StoreUnavailableError(`the ledger ${options.path} was closed`))
      chainChecks.clear()
      db.close()
      reader.close()
    },
  }
  return store
}
