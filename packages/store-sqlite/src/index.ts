/**
 * `@civic-ledger/store-sqlite`: the embedded default store. Importing the package registers the
 * `sqlite:` scheme, so `createLedger({ store: 'sqlite:./ledger.db' })` opens a ledger file.
 */
import type { StoreProvider } from '@civic-ledger/core'
import { InvalidArgumentError, redactConnection, registerStoreProvider } from '@civic-ledger/core'

import type { SqliteEventStoreOptions } from './sqlite-store'
import { openSqliteEventStore } from './sqlite-store'

export type { LedgerFileProblem } from './schema'
export { APPLICATION_ID, LedgerFileError, SCHEMA_VERSION } from './schema'
export type { SqliteEventStore, SqliteEventStoreOptions, SqliteWriteStats } from './sqlite-store'
export { openSqliteEventStore } from './sqlite-store'

/**
 * Reads `sqlite:<path>[?synchronous=full|normal]` into store options. The path is taken as written
 * (relative paths from the working directory).
 */
export const parseSqliteConnection = (connection: string): Pick<SqliteEventStoreOptions, 'path' | 'synchronous'> => {
  const match = /^sqlite:(?:\/\/)?([^?]+)(?:\?(.*))?$/i.exec(connection)
  const path = match?.[1]
  if (path === undefined || path.length === 0)
    throw new InvalidArgumentError('store', `${JSON.stringify(redactConnection(connection))} is not sqlite:<path>`)
  const params = new URLSearchParams(match?.[2] ?? '')
  const synchronous = params.get('synchronous')?.toUpperCase()
  for (const key of params.keys())
    if (key !== 'synchronous')
      throw new InvalidArgumentError(
        'store',
        `unknown option ${JSON.stringify(key)} in ${JSON.stringify(redactConnection(connection))} (known: synchronous)`,
      )
  if (synchronous !== undefined && synchronous !== 'FULL' && synchronous !== 'NORMAL')
    throw new InvalidArgumentError('store', `synchronous must be full or normal, got ${synchronous.toLowerCase()}`)
  return synchronous === undefined ? { path } : { path, synchronous }
}

/** Opens `sqlite:` connection strings. Registered when the package is imported. */
export const sqliteStoreProvider: StoreProvider = {
  schemes: ['sqlite'],
  open: async (connection, { clock }) => openSqliteEventStore({ ...parseSqliteConnection(connection), clock }),
}

registerStoreProvider(sqliteStoreProvider)
