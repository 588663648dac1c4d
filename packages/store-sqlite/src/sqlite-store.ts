/**
 * The EventStore on one SQLite file (better-sqlite3). Durable by default (WAL with
 * `synchronous=FULL`), serialised by SQLite's single writer (`BEGIN IMMEDIATE`), and with group
 * commit: appends that arrive while the event loop is busy are written in one transaction, each in
 * its own savepoint with its own expected-revision check and its own result, so many concurrent
 * callers share one fsync instead of queueing for one each.
 */
import type {
  ChainCheckRequest,
  Clock,
  EventStore,
  JsonValue,
  ReadModelTransaction,
  StoreUnavailableError,
} from '@civic-ledger/core'
import { InvalidArgumentError, systemClock } from '@civic-ledger/core'
import type { SnapshotDriver, StoreDriver, StoreKit, StoreLimits } from '@civic-ledger/core/store-kit'
import { checkSnapshotRevision, checkSubject, defineEventStore, locateEach } from '@civic-ledger/core/store-kit'
import type { Database } from 'better-sqlite3'
import BetterSqlite3 from 'better-sqlite3'
import { merge } from 'rxjs'

import { eraseKeyIn, sqliteKeyStore } from './keys'
import { sqliteReadModels, writerTransaction } from './read-models'
import { SqliteReader } from './reader'
import { checkLedgerIdentity, checkLedgerPath, LedgerFileError, migrate } from './schema'
import type { ReaderStatements, WriterStatements } from './statements'
import { readerStatements, writerStatements } from './statements'
import { closedError as closedLedgerError, ext4ErrorWatch, openError, storageError } from './storage-errors'
import type { ChainCheck } from './threads/chain-checks'
import { startChainCheck } from './threads/chain-checks'
import { SqliteWriter } from './writer'

// --- options ---

/**
 * How a SQLite store is opened: the file, how durable a commit is, and how it waits, polls and groups
 * appends. `sqlite:./ledger.db?synchronous=NORMAL` sets the same through a connection string.
 */
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

/** How long each of the store's connections waits for another process's lock, in ms. */
const busyTimeoutOf = (options: SqliteEventStoreOptions): number =>
  Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))

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
    throw openError(cause, path, 'could not be opened')
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
    throw openError(error, path, 'could not be prepared as a ledger')
  }
  // Reads use a connection of their own: they see committed state only, even while the writer is
  // inside a transaction that an inline projection or a projection batch keeps open across awaits.
  let reader: Database
  try {
    reader = new BetterSqlite3(path, { fileMustExist: true, readonly: true })
    reader.pragma(`busy_timeout = ${busyTimeoutOf(options)}`)
  } catch (cause) {
    db.close()
    throw openError(cause, path, 'could not be opened for reading')
  }
  return createStore(db, reader, options)
}

/**
 * The store's parts, each in its own file: the writer (`writer.ts`: group commit, the chain,
 * imports), the reader (`reader.ts`: pages, read-ahead, subscriptions), read models
 * (`read-models.ts`), keys (`keys.ts`), the chain check's threads (`threads/`) and the file's schema
 * (`schema.ts`). The store kit applies every shared check and rule around them.
 */
const createStore = (db: Database, reader: Database, options: SqliteEventStoreOptions): SqliteEventStore => {
  let writer: SqliteWriter | undefined
  const store = defineEventStore((kit) => {
    const parts = sqliteDriver(db, reader, options, kit)
    writer = parts.writer
    return parts.driver
  })
  return {
    ...store,
    path: options.path,
    writeStats: () => ({ transactions: writer?.transactions ?? 0, appends: writer?.appendsCommitted ?? 0 }),
  }
}

const sqliteDriver = (
  db: Database,
  reader: Database,
  options: SqliteEventStoreOptions,
  kit: StoreKit,
): { readonly driver: StoreDriver; readonly writer: SqliteWriter } => {
  const clock = options.clock ?? systemClock
  const closedError = (): StoreUnavailableError => closedLedgerError(options.path)
  const w = writerStatements(db)
  const r = readerStatements(reader)
  const tx: ReadModelTransaction = {
    ...writerTransaction(db),
    // Inside a transaction the store's writer has begun: the key goes when the transaction commits.
    eraseKey: async (subject) => {
      eraseKeyIn(w, clock, checkSubject(subject))
    },
  }
  // Under synchronous=FULL, each commit checks its sync was kept (ext4 only: see ext4ErrorWatch).
  const watch =
    options.synchronous === 'NORMAL' || options.path === ':memory:' ? undefined : ext4ErrorWatch(options.path)
  const writer = new SqliteWriter(
    w,
    {
      path: options.path,
      clock,
      limits: () => kit.limits,
      maxGroupSize: options.maxGroupSize ?? 1_000,
      closedError,
      afterSync: watch?.check,
    },
    () => tx,
  )
  // Open until the writer has drained and the files are about to close.
  const ensureOpen = (): void => {
    if (writer.closing) throw closedError()
    kit.ensureOpen()
  }
  const reads = new SqliteReader(reader, r, {
    path: options.path,
    busyTimeoutMs: busyTimeoutOf(options),
    pollIntervalMs: options.pollIntervalMs ?? 50,
    readAheadFrom: options.readAhead === false ? undefined : (options.readAhead?.from ?? 50_000),
    ensureOpen,
    isClosed: () => writer.closing,
  })
  const chainChecks = new Set<ChainCheck>()
  const driver: StoreDriver = {
    name: `the ledger ${options.path}`,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    write: (appends) => writer.write(appends),
    locate: locateEach((eventId) => writer.locate(eventId)),
    readStream: (streamId, o) => reads.readStream(streamId, o),
    readAll: (o) => reads.readAll(o),
    readStored: (o) => reads.readStored(o),
    streamHeads: (position) => reads.streamHeads(position),
    readBatch: async (fromPosition, request) => reads.readBatch(fromPosition, request),
    commits: merge(writer.commits, reads.foreignCommits),
    importStored: (events) => writer.importStored(events),
    headPosition: async () => reads.head(),
    snapshots: sqliteSnapshots(w, r, clock, options.path),
    readModels: sqliteReadModels({ db, reader, writer, tx, durable: options.synchronous !== 'NORMAL', ensureOpen }),
    keyStore: sqliteKeyStore(writer, w, r, clock, ensureOpen),
    // The write-ahead log still holds old versions of pages (an erased key, read-model rows before
    // erasure): checkpoint everything into the file, where deleted content is zeroed, and empty it.
    purge: () =>
      writer.holding(async () => {
        ensureOpen()
        db.pragma('wal_checkpoint(TRUNCATE)')
      }),
    checkChains: async (request: ChainCheckRequest) => {
      // Each thread follows the streams it reads by name: two stream rows with one name (which the
      // schema forbids) would be two chains there, and one in the log read in order.
      if (r.selectSharedStreamName.get() !== undefined) return { intact: false, events: 0, streams: 0 }
      const check = startChainCheck({ path: options.path, busyTimeoutMs: busyTimeoutOf(options) }, request)
      chainChecks.add(check)
      try {
        return await check.result
      } finally {
        chainChecks.delete(check)
      }
    },
    close: async () => {
      // Appends already queued are written before the file is closed.
      await writer.drain()
      reads.stop()
      for (const check of chainChecks) check.stop(closedLedgerError(options.path, 'was'))
      chainChecks.clear()
      db.close()
      reader.close()
      watch?.close()
    },
  }
  return { driver, writer }
}

const sqliteSnapshots = (w: WriterStatements, r: ReaderStatements, clock: Clock, path: string): SnapshotDriver => ({
  read: async (streamId) => {
    const row = r.selectSnapshot.get(streamId)
    if (row === undefined) return undefined
    return {
      streamId,
      revision: row.revision,
      version: row.snapshot_version,
      state: JSON.parse(row.state) as JsonValue,
    }
  },
  write: async (snapshot) => {
    const stream = w.selectStream.get(snapshot.streamId)
    checkSnapshotRevision(snapshot, stream)
    try {
      w.upsertSnapshot.run(
        stream.id,
        snapshot.revision,
        snapshot.version,
        JSON.stringify(snapshot.state),
        clock.now().toISOString(),
      )
    } catch (cause) {
      // One statement, committed on its own: it is written whole or not at all.
      throw storageError(cause, { path, operation: 'the snapshot', stage: 'commit' })
    }
  },
})
