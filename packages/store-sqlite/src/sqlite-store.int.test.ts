/**
 * The SQLite store against the EventStore contract, the model-based property and the projection
 * contract, on real files.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { eventStoreContract, projectionContract } from '@civic-ledger/testing'

import { openSqliteEventStore } from './sqlite-store'

const tempLedger = (): { readonly path: string; readonly dispose: () => Promise<void> } => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-sqlite-'))
  return { path: join(dir, 'ledger.db'), dispose: async () => rmSync(dir, { recursive: true, force: true }) }
}

const subject = async () => {
  const { path, dispose } = tempLedger()
  const store = await openSqliteEventStore({ path })
  return {
    store,
    reopen: async () => {
      await store.close()
      return openSqliteEventStore({ path })
    },
    dispose,
  }
}

eventStoreContract('sqlite', subject, { modelRuns: 50 })
projectionContract('sqlite', subject, { inline: true, durable: true, sql: true })
