/**
 * The PostgreSQL store against the EventStore contract and the model-based property, on the real
 * server, each case in its own schema.
 */
import { eventStoreContract } from '@civic-ledger/testing'
import { openPostgresEventStore } from './postgres-store'
import { PG_URL, dropSchema, freshSchema, postgresAvailable } from './test-database'

if (postgresAvailable('postgres contract')) {
  eventStoreContract(
    'postgres',
    async () => {
      const schema = freshSchema()
      const open = () => openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 4, pollIntervalMs: 200 })
      const store = await open()
      return {
        store,
        reopen: async () => {
          await store.close()
          return open()
        },
        dispose: () => dropSchema(schema),
      }
    },
    { serial: true, modelRuns: 25 },
  )
}
