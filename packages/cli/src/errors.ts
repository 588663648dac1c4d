/**
 * What went wrong, as one line and an exit code: the errors of the stores, the kernel and the
 * program, each mapped to the code docs/cli.md gives it.
 */
import type { CommandError } from '@civic-ledger/core'
import { EventStoreError, InvalidArgumentError, ProjectionError } from '@civic-ledger/core'
import { PostgresLedgerError } from '@civic-ledger/store-postgres'
import { LedgerFileError } from '@civic-ledger/store-sqlite'

import { CliError, ExitCode } from './exit-codes'

/** The SQLite result code an error (or what caused it) carries, e.g. `SQLITE_BUSY`. */
const sqliteCode = (error: unknown): string | undefined => {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { readonly code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code
  }
  return undefined
}

/** One line: newlines and runs of spaces folded. */
export const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim()

const fromSqlite = (
  error: unknown,
  message: string,
): { readonly code: ExitCode; readonly message: string } | undefined => {
  const code = sqliteCode(error)
  if (code === undefined) return undefined
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return {
      code: ExitCode.locked,
      message: `${message}: the ledger is locked by another process (try again, or wait longer with --wait)`,
    }
  if (code.startsWith('SQLITE_READONLY'))
    return { code: ExitCode.readOnly, message: `${message}: the ledger is read-only` }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT'))
    return { code: ExitCode.cannotOpen, message: `${message}: not a ledger (the file is not a sound SQLite database)` }
  return undefined
}

/** The exit code and the one-line message for an error. */
export const describeFailure = (error: unknown): { readonly code: ExitCode; readonly message: string } => {
  const message = oneLine(error instanceof Error ? error.message : String(error))
  if (error instanceof CliError) return { code: error.code, message }
  if (error instanceof LedgerFileError) {
    const sqlite = fromSqlite(error.cause, message)
    if (sqlite !== undefined) return sqlite
    if (error.problem === 'read-only')
      return { code: ExitCode.readOnly, message: `${message} (the ledger is read-only)` }
    return { code: ExitCode.cannotOpen, message }
  }
  if (error instanceof PostgresLedgerError)
    return { code: error.problem === 'invalid-options' ? ExitCode.usage : ExitCode.cannotOpen, message }
  const sqlite = fromSqlite(error, message)
  if (sqlite !== undefined) return sqlite
  if (error instanceof InvalidArgumentError) return { code: ExitCode.usage, message }
  if (error instanceof ProjectionError) return { code: ExitCode.failed, message }
  if (error instanceof EventStoreError) return { code: ExitCode.failed, message }
  return { code: ExitCode.internal, message }
}

/** A refused door (seal, erase, disclose) as a `CliError`: forbidden 6, invalid 2, unavailable 3, else 7. */
export const commandFailure = (error: CommandError): CliError => {
  switch (error._tag) {
    case 'Forbidden':
      return new CliError(ExitCode.forbidden, `forbidden: ${oneLine(error.message)}`)
    case 'InvalidCommand':
      return new CliError(ExitCode.usage, oneLine(error.message))
    case 'StoreUnavailable':
      return new CliError(ExitCode.cannotOpen, `the store is unavailable: ${oneLine(error.message)}`)
    default:
      return new CliError(ExitCode.failed, oneLine(error.message))
  }
}
