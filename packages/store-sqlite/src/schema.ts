/**
 * The ledger file: how it is recognised, checked and migrated. A Civic Ledger file carries its own
 * `application_id` and its schema version in `user_version`, so a file that is not a ledger, or a
 * ledger written by a newer release, is refused before anything in it is changed.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

import type { StorageFailure } from '@civic-ledger/core'
import { canonicalJson, chainHash, GENESIS_HASH, InvalidArgumentError } from '@civic-ledger/core'
import type { Database } from 'better-sqlite3'

// --- model ---

/** `PRAGMA application_id` of a Civic Ledger file: "CvLg". */
export const APPLICATION_ID = 0x43764c67

/** Why a file cannot be opened as a ledger. */
export type LedgerFileProblem = 'not-a-ledger' | 'newer-schema' | 'read-only' | 'cannot-open'

/**
 * A file that cannot be opened as a ledger; nothing in it was changed. When SQLite failed on the
 * storage beneath it (a full disk, a read-only file system, a lock held, a damaged file), `storage`
 * says which, and what to do, as a `StoreUnavailableError` would.
 */
export class LedgerFileError extends Error {
  readonly storage?: StorageFailure
  constructor(
    readonly problem: LedgerFileProblem,
    readonly path: string,
    message: string,
    options?: { readonly cause?: unknown; readonly storage?: StorageFailure },
  ) {
    super(`${path}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LedgerFileError'
    if (options?.storage !== undefined) this.storage = options.storage
  }
}

/** One step of the schema, applied once, in order, inside one write transaction. */
interface Migration {
  readonly version: number
  readonly sql: string
  /** Work SQL alone cannot do, run after `sql` in the same transaction. */
  readonly run?: (db: Database) => void
}

/**
 * Brings events written before the hash chain into it: data and metadata rewritten as canonical
 * JSON, and every stream's chain computed in position order. Reads a page at a time.
 */
const chainExistingEvents = (db: Database): void => {
  const page = db.prepare<
    [number],
    {
      position: number
      revision: number
      event_id: string
      type: string
      schema_version: number
      data: string
      metadata: string
      recorded_at: string
      stream: number
      name: string
    }
  >(
    `SELECT e.position, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, e.stream, s.name
     FROM events e JOIN streams s ON s.id = e.stream WHERE e.position > ? ORDER BY e.position LIMIT 1000`,
  )
  const update = db.prepare<[string, string, Buffer, number]>(
    'UPDATE events SET data = ?, metadata = ?, hash = ? WHERE position = ?',
  )
  const setHead = db.prepare<[Buffer, number]>('UPDATE streams SET head_hash = ? WHERE id = ?')
  const heads = new Map<number, string>()
  for (let after = 0; ;) {
    const rows = page.all(after)
    if (rows.length === 0) break
    for (const row of rows) {
      const data = canonicalJson(JSON.parse(row.data))
      const metadata = canonicalJson(JSON.parse(row.metadata))
      const hash = chainHash(heads.get(row.stream) ?? GENESIS_HASH, {
        eventId: row.event_id,
        streamId: row.name,
        revision: row.revision,
        position: row.position,
        type: row.type,
        schemaVersion: row.schema_version,
        data,
        metadata,
        recordedAt: row.recorded_at,
      })
      heads.set(row.stream, hash)
      update.run(data, metadata, Buffer.from(hash, 'hex'), row.position)
      after = row.position
    }
  }
  for (const [stream, hash] of heads) setHead.run(Buffer.from(hash, 'hex'), stream)
}

// Stream names map to integer ids so the (stream, revision) index is on integers; `position` is the
// rowid, assigned max + 1 by SQLite, so positions are gap-free and follow commit order (one writer
// at a time, and a rolled-back insert does not consume a rowid).
const MIGRATIONS: ReadonlyArray<Migration> = [
  {
    version: 1,
    sql: `
      CREATE TABLE streams (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        revision INTEGER NOT NULL
      );
      CREATE TABLE events (
        position INTEGER PRIMARY KEY,
        stream INTEGER NOT NULL REFERENCES streams (id),
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        data TEXT NOT NULL,
        metadata TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX events_by_stream ON events (stream, revision);
      CREATE UNIQUE INDEX events_by_event_id ON events (event_id);
      CREATE TABLE snapshots (
        stream INTEGER PRIMARY KEY REFERENCES streams (id),
        revision INTEGER NOT NULL,
        snapshot_version INTEGER NOT NULL,
        state TEXT NOT NULL,
        tenant TEXT,
        taken_at TEXT NOT NULL
      );
    `,
  },
  {
    // Projections: each version's checkpoint, and the events it parked. Read models themselves are
    // tables named rm_<projection>_v<version>__<collection>, made as projections declare them.
    version: 2,
    sql: `
      CREATE TABLE projection_checkpoints (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        position INTEGER NOT NULL,
        stage TEXT NOT NULL CHECK (stage IN ('active', 'building')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (name, version)
      ) WITHOUT ROWID;
      CREATE TABLE projection_parked (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        position INTEGER NOT NULL,
        stream_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        reason TEXT NOT NULL,
        parked_at TEXT NOT NULL,
        PRIMARY KEY (name, version, position)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Subjects' keys for personal data, and the subjects erased (so no new key is ever made for them).
    version: 3,
    sql: `
      CREATE TABLE privacy_keys (
        subject TEXT PRIMARY KEY NOT NULL,
        key BLOB NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE privacy_erased (
        subject TEXT PRIMARY KEY NOT NULL,
        erased_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    // The hash chain (encoding civic-ledger-chain/1): each event's hash, and (until schema 6) each
    // stream's last hash.
    version: 4,
    sql: `
      ALTER TABLE events ADD COLUMN hash BLOB;
      ALTER TABLE streams ADD COLUMN head_hash BLOB;
    `,
    run: chainExistingEvents,
  },
  {
    // Tenancy was withdrawn (one ledger serves one data controller): snapshots no longer carry one.
    version: 5,
    sql: `ALTER TABLE snapshots DROP COLUMN tenant;`,
  },
  {
    // A stream's head (last revision and hash) is read from its last event, found from the top of
    // the (stream, revision) index, instead of being kept in its row: an append no longer updates
    // the stream's row, so a commit writes one page fewer to the write-ahead log. The
    // row keeps only the stream's name and the integer key its events use.
    version: 6,
    sql: `
      ALTER TABLE streams DROP COLUMN revision;
      ALTER TABLE streams DROP COLUMN head_hash;
    `,
  },
]

/** The schema version this release writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0

const SQLITE_HEADER = 'SQLite format 3\u0000'

// --- checks before opening ---

/**
 * Refuses a path that cannot hold a writable ledger, without creating or changing anything: a
 * directory that does not exist or cannot be written (WAL needs its -wal and -shm files beside the
 * database), a read-only file, or a non-empty file that is not SQLite.
 */
export const checkLedgerPath = (path: string): void => {
  if (typeof path !== 'string' || path.length === 0)
    throw new InvalidArgumentError('path', 'a ledger file path is required, e.g. ./var/ledger.db')
  // SQLite's C API ends the name at a NUL: `victim.db\0.other.db` would open victim.db.
  if (path.includes('\0')) throw new InvalidArgumentError('path', 'a ledger file path cannot hold a NUL character')
  if (path === ':memory:' || /^file:/i.test(path))
    throw new InvalidArgumentError(
      'path',
      `${JSON.stringify(path)} is not a file path: the store's connections would each see a database of their own (use memory: for a ledger in memory)`,
    )
  const file = resolve(path)
  const dir = dirname(file)
  if (!existsSync(dir)) throw new LedgerFileError('cannot-open', file, `the directory ${dir} does not exist`)
  try {
    accessSync(dir, constants.W_OK)
  } catch (cause) {
    throw new LedgerFileError('read-only', file, `the directory ${dir} is not writable`, { cause })
  }
  if (!existsSync(file)) return
  const stat = statSync(file)
  if (!stat.isFile()) throw new LedgerFileError('cannot-open', file, 'is not a regular file')
  try {
    accessSync(file, constants.R_OK | constants.W_OK)
  } catch (cause) {
    throw new LedgerFileError('read-only', file, 'is not writable', { cause })
  }
  if (stat.size === 0) return
  const header = Buffer.alloc(16)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, header, 0, 16, 0)
  } finally {
    closeSync(fd)
  }
  if (header.toString('latin1') !== SQLITE_HEADER)
    throw new LedgerFileError('not-a-ledger', file, 'is not a SQLite database, so not a Civic Ledger file')
}

// --- checks after opening, before writing ---

/**
 * Reads the identity of an open database and refuses it unless it is empty or a ledger this
 * release understands. Only reads: nothing is written before this passes.
 */
export const checkLedgerIdentity = (db: Database, path: string): { readonly version: number } => {
  let applicationId: number
  let version: number
  let tables: number
  try {
    applicationId = db.pragma('application_id', { simple: true }) as number
    version = db.pragma('user_version', { simple: true }) as number
    tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n
  } catch (cause) {
    throw new LedgerFileError('not-a-ledger', path, 'could not be read as a SQLite database', { cause })
  }
  if (applicationId === 0 && tables === 0 && version === 0) return { version: 0 }
  if (applicationId !== APPLICATION_ID)
    throw new LedgerFileError(
      'not-a-ledger',
      path,
      `is a SQLite database of another application (application_id ${applicationId}), not a Civic Ledger file`,
    )
  if (version > SCHEMA_VERSION)
    throw new LedgerFileError(
      'newer-schema',
      path,
      `was written by a newer release (schema ${version}; this release knows up to ${SCHEMA_VERSION}); upgrade @civic-ledger/store-sqlite`,
    )
  return { version }
}

// --- migration ---

/** Applies the migrations the file lacks, in one write transaction. */
export const migrate = (db: Database): void => {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue
      db.exec(migration.sql)
      migration.run?.(db)
      db.pragma(`user_version = ${migration.version}`)
    }
    db.pragma(`application_id = ${APPLICATION_ID}`)
  }).immediate()
}
