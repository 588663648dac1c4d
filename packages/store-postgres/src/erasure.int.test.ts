/**
 * Erasure on PostgreSQL (RELIABILITY "Erasure"): after a volunteer is erased, none of their
 * plaintext (name, email, phone, date of birth) is in any row of any table of the ledger's schema,
 * nor — where the test can read the server's data directory, as on the project's machines — in the
 * files of those tables and their indexes. The aggregate still loads with `Erased` values, the other
 * volunteers are untouched, erasing twice is harmless. (The server's own write-ahead log is outside
 * the schema and is the administrator's to manage; see docs/privacy.md.)
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { allowAll, createLedger, loadAggregate } from '@civic-ledger/core'
import { applicants, applicantSecrets, applyCommand, roster, rosterProjection } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'
import pg from 'pg'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const actor = { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' }

/** Which tables' rows, and which of the schema's files, hold `text`. */
const scan = async (schema: string, text: string): Promise<ReadonlyArray<string>> => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    const hits: string[] = []
    const tables = await client.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [
      schema,
    ])
    for (const { tablename } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${tablename}" t`)
      if (rows.rows.some((r) => r.row.includes(text))) hits.push(`rows of ${tablename}`)
    }
    await client.query('CHECKPOINT').catch(() => undefined)
    const dir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory ?? ''
    const files = await client.query<{ relname: string; path: string | null }>(
      `SELECT c.relname, pg_relation_filepath(c.oid) AS path FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 OR c.oid IN (SELECT reltoastrelid FROM pg_class c2 JOIN pg_namespace n2 ON n2.oid = c2.relnamespace WHERE n2.nspname = $1)`,
      [schema],
    )
    for (const { relname, path } of files.rows) {
      if (path === null) continue
      const file = join(dir, path)
      if (existsSync(file) && readFileSync(file).includes(Buffer.from(text))) hits.push(`file of ${relname}`)
    }
    return hits
  } finally {
    await client.end()
  }
}

const canReadDataFiles = async (): Promise<boolean> => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    const dir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory ?? ''
    return existsSync(join(dir, 'PG_VERSION'))
  } finally {
    await client.end()
  }
}

if (postgresAvailable('postgres erasure')) {
  test.serial('an erased volunteer leaves no plaintext in the schema’s rows or files; the rest stays', async (t) => {
    const schema = freshSchema()
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema })
    t.teardown(() => dropSchema(schema))
    const ledger = await createLedger({ store, policy: allowAll, projections: [rosterProjection] })
    for (let n = 1; n <= 30; n++) {
      const result = await ledger.execute(applicants, applyCommand(n), { actor })()
      if (E.isLeft(result)) return t.fail(result.left.message)
    }
    await ledger.projections.waitUntilCaughtUp()
    const target = applicantSecrets(7)
    const other = applicantSecrets(8)
    const files = await canReadDataFiles()
    if (!files) t.log('the data directory is not readable here: only rows are scanned')
    t.true((await scan(schema, target.name)).length > 0, 'before erasure the name is in the read model')
    t.deepEqual(await scan(schema, target.email), [], 'the events hold only ciphertext')

    // A transaction older than the erasure can still see the rows it deletes, so the purge must wait
    // for it: hold one open for half a second.
    const older = new pg.Client({ connectionString: PG_URL })
    await older.connect()
    await older.query('BEGIN ISOLATION LEVEL REPEATABLE READ')
    await older.query(`SELECT count(*) FROM "${schema}".events`)
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        void older
          .query('COMMIT')
          .then(() => older.end())
          .then(resolve)
      }, 500),
    )
    const started = Date.now()
    t.deepEqual(
      await ledger.privacy.erase('v-7', 'the volunteer asked', { actor })(),
      E.right({ recorded: true, complete: true, waitingFor: [] }),
    )
    t.true(Date.now() - started >= 450, 'the purge waited for the older transaction')
    await released
    for (const [field, text] of Object.entries(target))
      t.deepEqual(await scan(schema, text), [], `nothing of the schema holds the erased volunteer's ${field}`)
    t.true((await scan(schema, other.name)).length > 0, 'another volunteer is untouched')
    t.deepEqual(await ledger.projections.query(rosterProjection, roster).get('v-8'), {
      name: other.name,
      role: 'health-walk-leader',
    })
    const loaded = await loadAggregate(store, applicants, 'volunteers.applicant-v-7', {
      privacy: ledger.privacy,
    })
    if (E.isRight(loaded)) t.deepEqual(loaded.right.state.name, { _tag: 'Erased', subject: 'v-7' })
    else t.fail(loaded.left.message)
    t.deepEqual(
      await ledger.privacy.erase('v-7', 'asked twice', { actor })(),
      E.right({ recorded: false, complete: true, waitingFor: [] }),
    )
    const again = await ledger.execute(applicants, applyCommand(7), { actor })()
    t.true(E.isLeft(again) && again.left._tag === 'Rejected' && again.left.code === 'subject-erased')
    await ledger.close()
    await store.close()
  })
}
