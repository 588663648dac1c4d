/**
 * How SQLite's codes are told to the caller (`storage-errors.ts`), for the codes a test cannot
 * easily cause on a real file: a failed sync, a damaged file, a failure that is not the storage's.
 * The faults a test can cause are in `storage-faults.int.test.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { EventIdConflictError, StoreUnavailableError } from '@civic-ledger/core'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'

import { ext4ErrorWatch, isStorageFailure, openError, storageError } from './storage-errors'

const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-storage-errors-'))
test.after.always(() => rmSync(dir, { recursive: true, force: true }))
const path = join(dir, 'ledger.db')

const sqliteError = (code: string, message: string): Error => new BetterSqlite3.SqliteError(message, code)

const typed = (error: unknown): StoreUnavailableError => {
  if (!(error instanceof StoreUnavailableError)) throw new Error(`not a StoreUnavailableError: ${String(error)}`)
  return error
}

test('a failed sync at the commit leaves the outcome unknown, and says to retry with the same ids', (t) => {
  const error = typed(
    storageError(sqliteError('SQLITE_IOERR_FSYNC', 'disk I/O error'), {
      path,
      operation: 'the append',
      stage: 'commit',
    }),
  )
  t.is(error.written, 'unknown')
  t.is(error.code, 'SQLITE_IOERR_FSYNC')
  t.is(error.reason, 'io-error')
  t.regex(error.message, /may or may not have been written/)
  t.regex(error.message, /same event ids/)
})

test('a commit whose sync the file system may not have kept is of unknown outcome, never acknowledged', (t) => {
  // What the ext4 watch throws when the file system recorded an error as the commit was synced.
  const doubt = Object.assign(new Error('the ext4 file system on loop0 recorded an error'), { code: 'EIO' })
  const error = typed(storageError(doubt, { path, operation: 'the append', stage: 'commit' }))
  t.is(error.written, 'unknown')
  t.is(error.code, 'EIO')
  t.regex(error.message, /may or may not have been written/)
  t.regex(error.message, /same event ids/)
  // This test's directory is on a file system of the machine: a watch if it is ext4, none if not;
  // either way, with no error recorded meanwhile, it passes.
  const watch = ext4ErrorWatch(path)
  t.notThrows(() => watch?.check())
  watch?.close()
})

test('a full disk at the commit, or any failure before it, is not written', (t) => {
  const full = typed(
    storageError(sqliteError('SQLITE_FULL', 'database or disk is full'), {
      path,
      operation: 'the append',
      stage: 'commit',
    }),
  )
  t.is(full.written, 'no')
  t.is(full.reason, 'no-space')
  t.is(full.retry, 'retry-when-fixed')
  const before = typed(
    storageError(sqliteError('SQLITE_IOERR_FSYNC', 'disk I/O error'), {
      path,
      operation: 'the import',
      stage: 'rolled-back',
    }),
  )
  t.is(before.written, 'no')
  t.regex(before.message, /the import was not written \(the transaction was rolled back\)/)
})

test('a lock held too long, a damaged file: what to check and whether to retry', (t) => {
  const busy = typed(
    storageError(sqliteError('SQLITE_BUSY', 'database is locked'), {
      path,
      operation: 'the append',
      stage: 'not-begun',
    }),
  )
  t.is(busy.reason, 'busy')
  t.is(busy.retry, 'retry')
  t.is(busy.written, 'no')
  t.regex(busy.message, /busyTimeoutMs/)
  const corrupt = typed(
    storageError(sqliteError('SQLITE_CORRUPT', 'database disk image is malformed'), {
      path,
      operation: 'the read-model batch',
      stage: 'commit',
    }),
  )
  t.is(corrupt.reason, 'corrupt')
  t.is(corrupt.retry, 'do-not-retry')
  t.is(corrupt.written, 'unknown')
  t.is(corrupt.file, path)
})

test('typed errors and refusals pass through; other failures keep their message', (t) => {
  const conflict = new EventIdConflictError('e-1', 'is already stored')
  t.is(storageError(conflict, { path, operation: 'the append', stage: 'rolled-back' }), conflict)
  const other = typed(storageError(new Error('something else'), { path, operation: 'the append', stage: 'commit' }))
  t.is(other.reason, 'unavailable')
  t.regex(other.message, /something else/)
  t.false(isStorageFailure(new Error('something else')))
  t.false(isStorageFailure(sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: events.event_id')))
  t.true(isStorageFailure(sqliteError('SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database')))
})

test('a ledger that cannot be opened says what to check, and that nothing in it changed', (t) => {
  const error = openError(
    sqliteError('SQLITE_READONLY', 'attempt to write a readonly database'),
    path,
    'could not be opened',
  )
  t.is(error.problem, 'read-only')
  t.is(error.storage?.reason, 'read-only')
  t.is(error.storage?.written, 'no')
  t.regex(error.message, /nothing in it was changed/)
})
