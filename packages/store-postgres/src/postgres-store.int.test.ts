/**
 * The PostgreSQL store against the EventStore contract, the model-based property and the
 * projection contract, on the real server, each case in its own schema.
 */
import { eventStoreContract, projectionContract } from '@civic-ledger/testing'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const subject = async () => {
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
}

if (postgresAvailable('postgres contract')) {
  eventStoreContract('postgres', subject, { serial: true, modelRuns: 25 })
  projectionContract('postgres', subject, { serial: true, inline: true, durable: true, sql: true })
}
