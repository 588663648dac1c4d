/**
 * Storage failures of the ledger file, told to the caller. better-sqlite3 reports SQLite's codes
 * (`SQLITE_FULL`, `SQLITE_IOERR_WRITE`, …) with SQLite's terse texts ("disk I/O error"); every part
 * of the store turns them, here and only here, into a `StoreUnavailableError` that says whether the
 * caller's operation was written, what to check, and whether to retry. Messages name the file, the
 * operation and the code: never event data, personal values or keys.
 *
 * SQLite gives a failed write one code for several causes (a full disk with a short write is
 * `SQLITE_FULL`, but a write refused outright, at a file-size limit or on a file system gone
 * read-only, is `SQLITE_IOERR_WRITE`), so an I/O error is diagnosed once it has happened: whether the
 * file or its directory can still be written, the free space of its file system, and the process's
 * file-size limit against the sizes of the ledger's files.
 */
import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  statfsSync,
  statSync,
  utimesSync,
} from 'node:fs'
import { basename, dirname } from 'node:path'

import type { RetryAdvice, StorageFailure, StorageFailureReason, WriteOutcome } from '@civic-ledger/core'
import { isEventStoreError, StoreUnavailableError } from '@civic-ledger/core'
import { EventIdTakenError } from '@civic-ledger/core/store-kit'

import { LedgerFileError } from './schema'

// --- model ---

/**
 * Where a failure happened, which decides what became of the operation:
 * - `not-begun`: the transaction could not begin: not written;
 * - `rolled-back`: before the commit, and the caller has rolled the transaction back: not written;
 * - `commit`: the commit itself failed, and the transaction is gone;
 * - `read`: nothing was being written.
 */
export type FailureStage = 'not-begun' | 'rolled-back' | 'commit' | 'read'

export interface FailureSite {
  /** The ledger file. */
  readonly path: string
  /** What the caller asked for, as a noun: "the append", "the import", "the read-model batch". */
  readonly operation: string
  readonly stage: FailureStage
}

/** SQLite's primary codes that are failures of the storage beneath it, not of a statement. */
const STORAGE_CODES = new Set([
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_CANTOPEN',
])

/**
 * Codes of a commit that failed while writing the log, before its commit record was complete: SQLite
 * rolls the transaction back and the frames written are never part of the ledger. (In WAL mode, which
 * the store always uses, a commit writes its frames in order and the commit record last, then syncs;
 * recovery keeps only frames up to a complete commit record, and the next commit overwrites them.)
 * Any other failure of a commit (a failed sync above all) leaves whether it will survive unknown.
 */
const COMMIT_NOT_WRITTEN = new Set([
  'SQLITE_FULL',
  'SQLITE_IOERR_WRITE',
  'SQLITE_READONLY',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
])

/** The driver's code of an error (`SQLITE_IOERR_WRITE`), if it has one. */
export const sqliteCodeOf = (error: unknown): string | undefined => {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined
}

/** `SQLITE_IOERR_WRITE` → `SQLITE_IOERR`. */
const primaryOf = (code: string): string => code.split('_').slice(0, 2).join('_')

/** True for an error of the storage beneath SQLite (full, read-only, busy, corrupt, I/O, cannot open). */
export const isStorageFailure = (error: unknown): boolean => {
  const code = sqliteCodeOf(error)
  return code !== undefined && STORAGE_CODES.has(primaryOf(code))
}

// --- diagnosis ---

/** Free space below this on the ledger's file system counts as full: a commit writes many pages. */
const NEARLY_FULL_BYTES = 1 << 20

interface Diagnosis {
  readonly reason: StorageFailureReason
  /** What happened, in a person's words. */
  readonly what: string
}

/** An error code of the file system saying a change is not allowed (a missing file says nothing). */
const REFUSED = new Set(['EROFS', 'EACCES', 'EPERM'])

const refused = (error: unknown): boolean => REFUSED.has(String((error as { code?: unknown }).code))

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch (error) {
    return !refused(error)
  }
}

const sizeOf = (path: string): number => {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/** The process's soft file-size limit in bytes (Linux), or undefined when there is none or it is unknown. */
const fileSizeLimit = (): number | undefined => {
  try {
    const line = readFileSync('/proc/self/limits', 'latin1')
      .split('\n')
      .find((l) => l.startsWith('Max file size'))
    const soft = line?.slice('Max file size'.length).trim().split(/\s+/)[0]
    const bytes = soft === undefined ? Number.NaN : Number(soft)
    return Number.isSafeInteger(bytes) ? bytes : undefined
  } catch {
    return undefined
  }
}

const freeBytes = (dir: string): number | undefined => {
  try {
    const fs = statfsSync(dir)
    return fs.bavail * fs.bsize
  } catch {
    return undefined
  }
}

/**
 * True when the file system refuses a change to the file: a file system turned read-only after an
 * error (ext4's `errors=remount-ro`) still passes `access(W_OK)`, but not a change of the file's
 * times, here set to what they are.
 */
const refusesChanges = (path: string): boolean => {
  try {
    const { atime, mtime } = statSync(path)
    utimesSync(path, atime, mtime)
    return false
  } catch (error) {
    return refused(error)
  }
}

/**
 * A check, for after each commit's sync, that the ext4 file system holding the ledger has recorded
 * no error since the last check; `undefined` for a ledger on any other file system (or where
 * sysfs cannot be read). ext4 turning read-only after an error (`errors=remount-ro`, shown as
 * `emergency_ro`) can answer a sync as done without writing anything: the pages are dropped and the
 * commit is gone after a remount, though SQLite was told it succeeded. Its error count
 * (`/sys/fs/ext4/<device>/errors_count`) has gone up by then, so a commit that sees it move is told
 * as of unknown outcome, once. Reading it writes nothing; `close` lets the counter's file go.
 */
export const ext4ErrorWatch = (
  path: string,
): { readonly check: () => void; readonly close: () => void } | undefined => {
  let fd: number | undefined
  try {
    const dev = statSync(dirname(path)).dev
    // Linux's dev_t: the minor's low byte, the major's twelve bits, the minor's upper bits.
    const major = Math.floor(dev / 256) % 4096
    const minor = (dev % 256) + Math.floor(dev / 1_048_576) * 256
    const device = basename(readlinkSync(`/sys/dev/block/${major}:${minor}`))
    // Held open and read again from its start: about 2 µs a check, where opening it is 25.
    const counter = openSync(`/sys/fs/ext4/${device}/errors_count`, 'r')
    fd = counter
    const buffer = Buffer.alloc(32)
    const count = (): number => Number(buffer.toString('latin1', 0, readSync(counter, buffer, 0, 32, 0)).trim())
    let seen = count()
    if (!Number.isSafeInteger(seen)) throw new Error('not a count')
    return {
      check: () => {
        const now = count()
        if (now === seen) return
        seen = now
        throw Object.assign(
          new Error(
            `the ext4 file system on ${device} recorded an error as the commit was synced (errors_count ${now})`,
          ),
          { code: 'EIO' },
        )
      },
      close: () => closeSync(counter),
    }
  } catch {
    if (fd !== undefined) closeSync(fd)
    return undefined
  }
}

/** File system errors that leave a commit's sync in doubt. */
const FAILED_SYNC = new Set(['EROFS', 'EIO'])

/** Why a write to the ledger at `path` failed with an I/O error, as far as can be seen now. */
const diagnoseIoError = (path: string): Diagnosis => {
  const dir = dirname(path)
  if (!writable(path) || !writable(dir) || refusesChanges(path))
    return {
      reason: 'read-only',
      what: 'the file, its directory or its file system can no longer be written (read-only)',
    }
  const free = freeBytes(dir)
  if (free !== undefined && free < NEARLY_FULL_BYTES)
    return { reason: 'no-space', what: `the disk holding ${dir} is full` }
  const limit = fileSizeLimit()
  if (limit !== undefined) {
    const largest = Math.max(...['', '-wal', '-shm', '-journal'].map((suffix) => sizeOf(`${path}${suffix}`)))
    if (largest + NEARLY_FULL_BYTES >= limit)
      return { reason: 'no-space', what: `the process's file-size limit (ulimit -f, ${limit} bytes) is reached` }
  }
  return { reason: 'io-error', what: 'the device failed to read or write the file' }
}

const diagnose = (code: string, path: string): Diagnosis => {
  switch (primaryOf(code)) {
    case 'SQLITE_FULL': {
      const found = diagnoseIoError(path)
      return found.reason === 'no-space'
        ? found
        : { reason: 'no-space', what: "the disk, or the process's file-size limit (ulimit -f), is full" }
    }
    case 'SQLITE_READONLY':
      return { reason: 'read-only', what: 'the file, its directory or its file system is read-only' }
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return { reason: 'busy', what: "another process held the ledger's lock for longer than the busy timeout" }
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return { reason: 'corrupt', what: 'the database file is damaged' }
    case 'SQLITE_CANTOPEN':
      return { reason: 'cannot-open', what: 'a file of the ledger could not be opened' }
    case 'SQLITE_IOERR':
      return diagnoseIoError(path)
    default:
      return { reason: 'unavailable', what: 'SQLite failed' }
  }
}

const RETRY: Readonly<Record<StorageFailureReason, RetryAdvice>> = {
  'no-space': 'retry-when-fixed',
  'read-only': 'retry-when-fixed',
  busy: 'retry',
  corrupt: 'do-not-retry',
  'cannot-open': 'retry-when-fixed',
  'io-error': 'retry-when-fixed',
  closed: 'reopen',
  unavailable: 'retry',
}

const ADVICE: Readonly<Record<StorageFailureReason, string>> = {
  'no-space':
    'Free space on the disk, or raise the file-size limit, then retry: this open store carries on once there is room',
  'read-only':
    'Make the file, its directory and its file system writable again, then retry; reopen the store if its file system was remounted',
  busy: 'Retry, or give the store a longer busyTimeoutMs',
  corrupt: 'Do not retry: stop every writer, restore the file from a backup, and verify it',
  'cannot-open': 'Check that the file and its directory exist and can be opened, then retry',
  'io-error': "Check the disk's health (the system log), then retry",
  closed: 'Open the store again',
  unavailable: 'Retry',
}

// --- the error ---

const writtenAt = (stage: FailureStage, code: string | undefined): WriteOutcome =>
  stage !== 'commit' ||
  (code !== undefined && (COMMIT_NOT_WRITTEN.has(code) || COMMIT_NOT_WRITTEN.has(primaryOf(code))))
    ? 'no'
    : 'unknown'

const NOT_WRITTEN: Readonly<Record<FailureStage, string>> = {
  'not-begun': 'the write could not begin',
  'rolled-back': 'the transaction was rolled back',
  commit: 'the commit failed and was rolled back',
  read: '',
}

const outcomeText = (site: FailureSite, written: WriteOutcome): string =>
  site.stage === 'read'
    ? `${site.operation} failed`
    : written === 'no'
      ? `${site.operation} was not written (${NOT_WRITTEN[site.stage]})`
      : `${site.operation} may or may not have been written (the commit failed)`

/** What is known of a failure: why, in words, its code, and what to do. */
const describe = (
  error: unknown,
  path: string,
): Diagnosis & { readonly code: string | undefined; readonly advice: string; readonly retry: RetryAdvice } => {
  const errno = error instanceof Error ? (error as { code?: unknown }).code : undefined
  const code = sqliteCodeOf(error) ?? (typeof errno === 'string' && FAILED_SYNC.has(errno) ? errno : undefined)
  const found: Diagnosis =
    code === undefined
      ? { reason: 'unavailable', what: error instanceof Error ? error.message : String(error) }
      : FAILED_SYNC.has(code)
        ? diagnoseIoError(path)
        : STORAGE_CODES.has(primaryOf(code))
          ? diagnose(code, path)
          : { reason: 'unavailable', what: error instanceof Error ? error.message : String(error) }
  return { ...found, code, advice: ADVICE[found.reason], retry: RETRY[found.reason] }
}

/**
 * The error to give the caller for `error`, raised at `site`: the store's typed errors and the store
 * kit's refusals pass through; anything else becomes a `StoreUnavailableError` saying whether the
 * operation was written, what to check (from SQLite's code) and whether to retry.
 */
export const storageError = (error: unknown, site: FailureSite): Error => {
  if (isEventStoreError(error) || error instanceof EventIdTakenError) return error
  const found = describe(error, site.path)
  const written = writtenAt(site.stage, found.code)
  const unknown =
    written === 'unknown' ? '; retry with the same event ids and the store tells a retry from a new append' : ''
  const message = `${site.path}: ${outcomeText(site, written)}: ${found.what}${found.code === undefined ? '' : ` (${found.code})`}. ${found.advice}${unknown}.`
  return new StoreUnavailableError(message, {
    cause: error,
    written,
    reason: found.reason,
    ...(found.code === undefined ? {} : { code: found.code }),
    retry: found.retry,
    file: site.path,
  })
}

/**
 * The error of a ledger file that could not be opened or prepared (`what` says which), for `error`:
 * a `LedgerFileError` naming what to check, with the failure's typed description as `storage`.
 * Opening changes nothing in the file unless its migration commits, so nothing was written.
 */
export const openError = (error: unknown, path: string, what: string): LedgerFileError => {
  const found = describe(error, path)
  const storage: StorageFailure = {
    written: 'no',
    reason: found.reason,
    ...(found.code === undefined ? {} : { code: found.code }),
    retry: found.retry,
    file: path,
  }
  const problem = found.reason === 'read-only' ? 'read-only' : 'cannot-open'
  return new LedgerFileError(
    problem,
    path,
    `${what}, and nothing in it was changed: ${found.what}${found.code === undefined ? '' : ` (${found.code})`}. ${found.advice}.`,
    { cause: error, storage },
  )
}

/** The error of an operation on a store that is closed, or closing: nothing of it was written. */
export const closedError = (path: string, was = 'is'): StoreUnavailableError =>
  new StoreUnavailableError(`the ledger ${path} ${was} closed. ${ADVICE.closed}.`, {
    written: 'no',
    reason: 'closed',
    retry: 'reopen',
    file: path,
  })
