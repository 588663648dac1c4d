/**
 * The store's prepared statements: those of the writer connection, which writes and reads inside
 * its own transactions, and those of the reader connection, which sees committed state only.
 */
import type { Database, Statement } from 'better-sqlite3'

import type { StoredRow } from './columns'
import { STORED_COLUMNS } from './columns'

/** A stream head as stored: the stream's name, its last revision and that event's hash. */
export interface HeadRow {
  readonly stream_name: string
  readonly revision: number
  readonly hash: Buffer | null
}

/** The writer connection's statements. */
export interface WriterStatements {
  readonly selectStream: Statement<[string], { id: number; revision: number; head_hash: Buffer | null }>
  readonly insertStream: Statement<[string], unknown>
  readonly insertEvent: Statement<
    [number, number, number, string, string, number, string, string, string, Buffer],
    unknown
  >
  readonly writerHead: Statement<[], { head: number | null }>
  readonly findEvent: Statement<[string], { position: number; revision: number; type: string; stream_name: string }>
  readonly upsertSnapshot: Statement<[number, number, number, string, string], unknown>
  readonly selectKey: Statement<[string], { key: Buffer }>
  readonly selectErased: Statement<[string], { subject: string }>
  readonly insertKey: Statement<[string, Buffer, string], unknown>
  readonly deleteKey: Statement<[string, number, string], unknown>
  readonly insertErased: Statement<[string, string], unknown>
  readonly begin: Statement<unknown[], unknown>
  readonly commit: Statement<unknown[], unknown>
  readonly rollback: Statement<unknown[], unknown>
  readonly savepoint: Statement<unknown[], unknown>
  readonly release: Statement<unknown[], unknown>
  readonly rollbackTo: Statement<unknown[], unknown>
}

/**
 * A stream's key, last revision (-1 before its first event) and last hash, by name. The head is read
 * from the events themselves: the top of the stream's (stream, revision) index, then that row.
 */
const STREAM_HEAD_SQL = `SELECT s.id, coalesce(e.revision, -1) AS revision, e.hash AS head_hash FROM streams s
  LEFT JOIN events e ON e.position = (SELECT x.position FROM events x WHERE x.stream = s.id ORDER BY x.revision DESC LIMIT 1)
  WHERE s.name = ?`

export const writerStatements = (db: Database): WriterStatements => ({
  // A stream's head is its last event, found from the top of its (stream, revision) index: an append
  // touches no stream row (schema 6), so a commit writes fewer pages.
  selectStream: db.prepare<[string], { id: number; revision: number; head_hash: Buffer | null }>(STREAM_HEAD_SQL),
  insertStream: db.prepare<[string]>('INSERT INTO streams (name) VALUES (?)'),
  insertEvent: db.prepare<[number, number, number, string, string, number, string, string, string, Buffer]>(
    'INSERT INTO events (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  // The writer's own view of the head: inside a write it includes the transaction's own events.
  writerHead: db.prepare<[], { head: number | null }>('SELECT max(position) AS head FROM events'),
  findEvent: db.prepare<[string], { position: number; revision: number; type: string; stream_name: string }>(
    'SELECT e.position, e.revision, e.type, s.name AS stream_name FROM events e JOIN streams s ON s.id = e.stream WHERE e.event_id = ?',
  ),
  // A snapshot never replaces one taken at a later revision.
  upsertSnapshot: db.prepare<[number, number, number, string, string]>(
    `INSERT INTO snapshots (stream, revision, snapshot_version, state, taken_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, snapshot_version = excluded.snapshot_version,
       state = excluded.state, taken_at = excluded.taken_at
     WHERE excluded.revision >= snapshots.revision`,
  ),
  selectKey: db.prepare<[string], { key: Buffer }>('SELECT key FROM privacy_keys WHERE subject = ?'),
  selectErased: db.prepare<[string], { subject: string }>('SELECT subject FROM privacy_erased WHERE subject = ?'),
  insertKey: db.prepare<[string, Buffer, string]>(
    'INSERT INTO privacy_keys (subject, key, created_at) VALUES (?, ?, ?)',
  ),
  deleteKey: db.prepare<[string, number, string]>(
    'DELETE FROM privacy_keys WHERE subject = ? OR substr(subject, 1, ?) = ?',
  ),
  insertErased: db.prepare<[string, string]>('INSERT OR IGNORE INTO privacy_erased (subject, erased_at) VALUES (?, ?)'),
  begin: db.prepare('BEGIN IMMEDIATE'),
  commit: db.prepare('COMMIT'),
  rollback: db.prepare('ROLLBACK'),
  savepoint: db.prepare('SAVEPOINT civic_ledger_append'),
  release: db.prepare('RELEASE civic_ledger_append'),
  rollbackTo: db.prepare('ROLLBACK TO civic_ledger_append'),
})

/** The reader connection's statements. */
export interface ReaderStatements {
  readonly selectStream: Statement<[string], { id: number; revision: number }>
  readonly selectSnapshot: Statement<[string], { revision: number; snapshot_version: number; state: string }>
  readonly selectKey: Statement<[string], { key: Buffer }>
  readonly selectErased: Statement<[string], { subject: string }>
  readonly selectSharedStreamName: Statement<[], [string]>
  readonly selectStored: Statement<[number, number, number], StoredRow>
  readonly selectHeads: Statement<{ readonly at: number }, HeadRow>
  readonly selectCurrentHeads: Statement<[], HeadRow>
  readonly head: Statement<[], { head: number | null }>
}

export const readerStatements = (reader: Database): ReaderStatements => ({
  selectStream: reader.prepare<[string], { id: number; revision: number }>(STREAM_HEAD_SQL),
  selectSnapshot: reader.prepare<[string], { revision: number; snapshot_version: number; state: string }>(
    'SELECT sn.revision, sn.snapshot_version, sn.state FROM snapshots sn JOIN streams s ON s.id = sn.stream WHERE s.name = ?',
  ),
  selectKey: reader.prepare<[string], { key: Buffer }>('SELECT key FROM privacy_keys WHERE subject = ?'),
  selectErased: reader.prepare<[string], { subject: string }>('SELECT subject FROM privacy_erased WHERE subject = ?'),
  selectSharedStreamName: reader
    .prepare<[], [string]>('SELECT name FROM streams GROUP BY name HAVING count(*) > 1 LIMIT 1')
    .raw(true),
  selectStored: reader
    .prepare<[number, number, number], StoredRow>(
      `SELECT ${STORED_COLUMNS} FROM events e JOIN streams s ON s.id = e.stream WHERE e.position BETWEEN ? AND ? ORDER BY e.position LIMIT ?`,
    )
    .raw(true),
  // Each stream's head at a position: the top of its (stream, revision) index at or below it.
  selectHeads: reader.prepare<{ readonly at: number }, HeadRow>(
    `SELECT s.name AS stream_name, e.revision, e.hash FROM streams s
       JOIN events e ON e.position = (
         SELECT x.position FROM events x WHERE x.stream = s.id AND x.position <= @at
         ORDER BY x.revision DESC LIMIT 1)`,
  ),
  selectCurrentHeads: reader.prepare<[], HeadRow>(
    `SELECT s.name AS stream_name, e.revision, e.hash FROM streams s
       JOIN events e ON e.position = (SELECT x.position FROM events x WHERE x.stream = s.id ORDER BY x.revision DESC LIMIT 1)`,
  ),
  head: reader.prepare<[], { head: number | null }>('SELECT max(position) AS head FROM events'),
})
