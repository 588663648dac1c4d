/**
 * `@civic-ledger/store-postgres`: the store for a shared PostgreSQL server. Importing the package
 * registers the `postgres:` and `postgresql:` schemes, so
 * `createLedger({ store: 'postgres://user@host/db?schema=civic_ledger' })` opens a ledger.
 */
import type { StoreProvider } from '@civic-ledger/core'
import { registerStoreProvider } from '@civic-ledger/core'

import { openPostgresEventStore, parsePostgresConnection } from './postgres-store'

export type { PostgresEventStore, PostgresEventStoreOptions } from './postgres-store'
export { DEFAULT_APPEND_LOCK_TIMEOUT_MS, openPostgresEventStore, parsePostgresConnection } from './postgres-store'
export type { PostgresLedgerProblem } from './schema'
export { isSchemaName, PostgresLedgerError, SCHEMA_VERSION } from './schema'

/** Opens `postgres://` connection strings. Registered when the package is imported. */
export const postgresStoreProvider: StoreProvider = {
  schemes: ['postgres', 'postgresql'],
  open: async (connection) => openPostgresEventStore(parsePostgresConnection(connection)),
}

registerStoreProvider(postgresStoreProvider)
