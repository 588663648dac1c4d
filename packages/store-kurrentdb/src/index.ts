/**
 * `@civic-ledger/store-kurrentdb`: the store for a KurrentDB (formerly EventStoreDB) server or
 * cluster. Importing the package registers the `kurrentdb:`, `esdb:` (and the client's other)
 * schemes, so `createLedger({ store: 'kurrentdb://node1:2113,node2:2113,node3:2113?tls=true' })`
 * opens a ledger. Writing needs KurrentDB 25.1 or later (multi-stream appends).
 */
import type { EventStore, StoreProvider } from '@civic-ledger/core'
import { openEventStore, redactConnection, registerStoreProvider } from '@civic-ledger/core'
import { KurrentDBClient } from '@kurrent/kurrentdb-client'

import { asKurrentClient } from './client'
import { KURRENTDB_SCHEMES, parseKurrentDBConnection } from './connection'
import { openKurrentDBEventStore } from './kurrentdb-store'

export type { KurrentClient } from './client'
export type { KurrentDBConnection } from './connection'
export { KURRENTDB_SCHEMES, parseKurrentDBConnection } from './connection'
export { KurrentDBAccessDeniedError, MultiStreamAppendNotSupportedError } from './errors'
export type { KurrentDBEventStoreOptions } from './kurrentdb-store'
export { openKurrentDBEventStore } from './kurrentdb-store'

/** Opens a KurrentDB connection string, with the read models of the store its `readModels=` names. */
export const openKurrentDBConnection = async (
  connection: string,
  deps: Parameters<StoreProvider['open']>[1],
): Promise<EventStore> => {
  const parsed = parseKurrentDBConnection(connection)
  const readModelStore = parsed.readModels === undefined ? undefined : await openEventStore(parsed.readModels, deps)
  const client = KurrentDBClient.connectionString(parsed.clientConnection)
  const ledger = parsed.ledger ?? 'civic-ledger'
  return openKurrentDBEventStore({
    client: asKurrentClient(client),
    ledger,
    name: `the KurrentDB ledger ${ledger} at ${redactConnection(parsed.clientConnection)}`,
    clock: deps.clock,
    ...(readModelStore?.readModels === undefined ? {} : { readModels: readModelStore.readModels }),
    ...(readModelStore?.keyStore === undefined ? {} : { keyStore: readModelStore.keyStore }),
    ...(readModelStore === undefined ? {} : { onClose: () => readModelStore.close() }),
  })
}

/** Opens KurrentDB connection strings. Registered when the package is imported. */
export const kurrentDBStoreProvider: StoreProvider = {
  schemes: KURRENTDB_SCHEMES,
  open: openKurrentDBConnection,
}

registerStoreProvider(kurrentDBStoreProvider)
