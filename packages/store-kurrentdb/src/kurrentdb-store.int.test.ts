/**
 * The KurrentDB store against the EventStore contract and the model-based property on a REAL
 * server: `CIVIC_LEDGER_KURRENTDB_URL`, e.g. `kurrentdb://localhost:2113?tls=false` (KurrentDB 25.1
 * or later). Each case gets a ledger of its own name on that server. Without the variable the
 * suite is skipped, and says so loudly: nothing here is ever run against a stand-in.
 */
import { randomBytes } from 'node:crypto'

import { eventStoreContract } from '@civic-ledger/testing'
import { KurrentDBClient } from '@kurrent/kurrentdb-client'
import test from 'ava'

import { asKurrentClient } from './client'
import { parseKurrentDBConnection } from './connection'
import { openKurrentDBEventStore } from './kurrentdb-store'

const URL = process.env['CIVIC_LEDGER_KURRENTDB_URL']

const subject = async () => {
  const ledger = `cl-test-${randomBytes(5).toString('hex')}`
  const { clientConnection } = parseKurrentDBConnection(URL ?? '')
  const open = () =>
    openKurrentDBEventStore({ client: asKurrentClient(KurrentDBClient.connectionString(clientConnection)), ledger })
  const store = open()
  return {
    store,
    reopen: async () => {
      await store.close()
      return open()
    },
  }
}

if (URL === undefined || URL.length === 0) {
  const message =
    'CIVIC_LEDGER_KURRENTDB_URL is not set: the KurrentDB contract suite and model-based test did NOT run against a server (set it to a KurrentDB 25.1+ connection string, e.g. kurrentdb://localhost:2113?tls=false)'
  console.warn(`\n*** ${message} ***\n`)
  if (process.env['CIVIC_LEDGER_KURRENTDB_REQUIRED'] === 'true')
    test('kurrentdb contract: a server is required (CIVIC_LEDGER_KURRENTDB_REQUIRED=true)', (t) => t.fail(message))
  else test.skip(`kurrentdb contract: skipped, ${message}`, () => undefined)
} else {
  eventStoreContract('kurrentdb server', subject, { serial: true, modelRuns: 10 })
}
