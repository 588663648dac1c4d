/**
 * Opening a PostgreSQL ledger: the scheme registers itself, a schema is created and migrated once,
 * and what cannot be opened is refused with a PostgresLedgerError naming the problem.
 */
import { createLedger, InvalidArgumentError } from '@civic-ledger/core'
import { testEvents } from '@civic-ledger/testing'
import test from 'ava'
import pg from 'pg'

import { parsePostgresConnection, PostgresLedgerError, postgresStoreProvider, SCHEMA_VERSION } from './index'
import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const withParams = (params: Record<string, string>, base = PG_URL): string => {
  const url = new URL(base)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return url.toString()
}

const refusal = async (
  t: {
    throwsAsync: (
      fn: () => Promise<unknown>,
      expectations: { instanceOf: typeof PostgresLedgerError },
    ) => Promise<PostgresLedgerError | undefined>
  },
  open: () => Promise<unknown>,
): Promise<PostgresLedgerError | undefined> => t.throwsAsync(open, { instanceOf: PostgresLedgerError })

test('parsePostgresConnection takes the schema out of the URL and refuses other schemes', (t) => {
  t.deepEqual(parsePostgresConnection('postgres://u@h:5432/db?schema=council_a&application_name=x'), {
    connectionString: 'postgres://u@h:5432/db?application_name=x',
    schema: 'council_a',
  })
  t.throws(() => parsePostgresConnection('mysql://u@h/db'), { instanceOf: InvalidArgumentError })
  t.throws(() => parsePostgresConnection('not a url'), { instanceOf: InvalidArgumentError })
})

if (postgresAvailable('postgres open')) {
  test.serial('createLedger opens a postgres:// URL, and two opens of one schema migrate it once', async (t) => {
    const schema = freshSchema()
    t.teardown(() => dropSchema(schema))
    const url = withParams({ schema })
    const [a, b] = await Promise.all([
      createLedger({ store: url, storeProviders: [postgresStoreProvider] }),
      createLedger({ store: url, storeProviders: [postgresStoreProvider] }),
    ])
    await a.trusted.store.appendToStream('test.stream-a', testEvents(2), { expectedRevision: 'noStream' })
    t.is(await b.events.headPosition(), 2, 'both instances see one ledger')
    await a.close()
    await b.close()
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    const { rows } = await client.query<{ value: string }>(
      `SELECT value FROM "${schema}".ledger_meta WHERE key = 'schema_version'`,
    )
    await client.end()
    t.is(Number(rows[0]?.value), SCHEMA_VERSION)
  })

  test.serial('a role that does not exist is refused as authentication-failed', async (t) => {
    const url = new URL(PG_URL)
    url.username = 'no_such_civic_role'
    const error = await refusal(t, () =>
      openPostgresEventStore({ connectionString: url.toString(), schema: freshSchema() }),
    )
    t.is(error?.problem, 'authentication-failed')
  })

  test.serial('a database that does not exist is refused as missing-database', async (t) => {
    const url = new URL(PG_URL)
    url.pathname = '/no_such_civic_database'
    const error = await refusal(t, () =>
      openPostgresEventStore({ connectionString: url.toString(), schema: freshSchema() }),
    )
    t.is(error?.problem, 'missing-database')
  })

  test.serial('a server that does not answer is refused as unreachable', async (t) => {
    const url = new URL(PG_URL)
    url.port = '1'
    const error = await refusal(t, () =>
      openPostgresEventStore({ connectionString: url.toString(), schema: freshSchema() }),
    )
    t.is(error?.problem, 'unreachable')
  })

  test.serial('a schema name that is not a plain identifier is refused before connecting', async (t) => {
    const error = await refusal(t, () =>
      openPostgresEventStore({ connectionString: PG_URL, schema: 'x"; DROP TABLE y; --' }),
    )
    t.is(error?.problem, 'invalid-options')
  })

  test.serial('a schema written by a newer release is refused and left as it was', async (t) => {
    const schema = freshSchema()
    t.teardown(() => dropSchema(schema))
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema })
    await store.appendToStream('test.stream-a', testEvents(1), { expectedRevision: 'noStream' })
    await store.close()
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    t.teardown(() => client.end())
    await client.query(`UPDATE "${schema}".ledger_meta SET value = $1 WHERE key = 'schema_version'`, [
      String(SCHEMA_VERSION + 1),
    ])
    const error = await refusal(t, () => openPostgresEventStore({ connectionString: PG_URL, schema }))
    t.is(error?.problem, 'newer-schema')
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".events`)
    t.is(Number(rows[0]?.n), 1)
  })

  test.serial('synchronous_commit = off is refused unless the caller accepts the risk', async (t) => {
    const schema = freshSchema()
    t.teardown(() => dropSchema(schema))
    const asynchronous = withParams({ options: '-c synchronous_commit=off' })
    const error = await refusal(t, () => openPostgresEventStore({ connectionString: asynchronous, schema }))
    t.is(error?.problem, 'asynchronous-commit')
    const store = await openPostgresEventStore({
      connectionString: asynchronous,
      schema,
      allowAsynchronousCommit: true,
    })
    t.is(await store.headPosition(), 0)
    await store.close()
  })
}
