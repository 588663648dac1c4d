/**
 * Erasing a volunteer of the volunteers context, with its standard read models running, on SQLite
 * and on PostgreSQL: afterwards no file of the SQLite ledger, and no row or table file of the
 * PostgreSQL schema, holds their name, email, phone or date of birth — nor their referee's name or
 * DBS certificate number; the aggregate still loads; another volunteer is untouched.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Ledger } from '@civic-ledger/core'
import { allowAll, createLedger, isErased } from '@civic-ledger/core'
import { openPostgresEventStore } from '@civic-ledger/store-postgres'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import { volunteers, volunteersPlugin } from '@civic-ledger/volunteers'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'
import pg from 'pg'

const PG_URL = process.env['CIVIC_LEDGER_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const context = { actor: { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } }

const secrets = (n: number) => ({
  name: `Volunteer${n} Testperson`,
  email: `volunteer${n}.testperson@example.org`,
  phone: `07700 91${String(n).padStart(4, '0')}`,
  dateOfBirth: `19${60 + n}-0${1 + (n % 9)}-2${n % 9}`,
  refereeName: `Referee${n} Testperson`,
  certificateNumber: `DBS${String(n).padStart(9, '0')}`,
})

const enrol = async (ledger: Ledger, n: number): Promise<void> => {
  const s = secrets(n)
  const volunteerId = `v-${n}`
  const on = '2026-01-20'
  for (const command of [
    {
      type: 'Apply',
      volunteerId,
      on: '2026-01-05',
      name: s.name,
      email: s.email,
      phone: s.phone,
      dateOfBirth: s.dateOfBirth,
      homeLsoa: 'E01015589',
    },
    { type: 'RecordReference', volunteerId, on, refereeName: s.refereeName, outcome: 'satisfactory' },
    { type: 'Approve', volunteerId, on },
    {
      type: 'RecordDbsCheck',
      volunteerId,
      on,
      checkId: 'c1',
      certificateNumber: s.certificateNumber,
      level: 'basic',
      issuedOn: '2025-06-01',
      clear: true,
      updateService: false,
      decision: 'accepted',
    },
  ]) {
    const result = await ledger.execute(volunteers, command, context)()
    if (E.isLeft(result)) throw new Error(result.left.message)
  }
}

const erasureCase = async (
  t: ExecutionContext,
  ledger: Ledger,
  scan: (text: string) => Promise<ReadonlyArray<string>>,
): Promise<void> => {
  for (let n = 1; n <= 12; n++) await enrol(ledger, n)
  await ledger.projections.waitUntilCaughtUp()
  t.deepEqual(
    await ledger.privacy.erase('v-3', 'the volunteer asked', context)(),
    E.right({ recorded: true, complete: true, waitingFor: [] }),
  )
  for (const [field, text] of Object.entries(secrets(3))) t.deepEqual(await scan(text), [], `no trace of the ${field}`)
  const loaded = await ledger.execute(
    volunteers,
    { type: 'Suspend', volunteerId: 'v-3', on: '2026-02-01', reason: 'check' },
    context,
  )()
  t.true(E.isRight(loaded) && isErased(loaded.right.state.dateOfBirth), 'the aggregate loads with Erased values')
  const other = await ledger.execute(
    volunteers,
    { type: 'Suspend', volunteerId: 'v-4', on: '2026-02-01', reason: 'check' },
    context,
  )()
  t.true(E.isRight(other) && other.right.state.dateOfBirth === secrets(4).dateOfBirth, 'another volunteer is untouched')
  t.deepEqual(
    await ledger.privacy.erase('v-3', 'again', context)(),
    E.right({ recorded: false, complete: true, waitingFor: [] }),
  )
}

test.serial('volunteers on SQLite: nothing of an erased volunteer remains in any file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-volunteers-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ledger = await createLedger({
    store: `sqlite:${join(dir, 'ledger.db')}`,
    storeProviders: [sqliteStoreProvider],
    policy: allowAll,
    plugins: [volunteersPlugin],
  })
  const scan = async (text: string) =>
    readdirSync(dir).filter((name) => readFileSync(join(dir, name)).includes(Buffer.from(text)))
  await erasureCase(t, ledger, scan)
  await ledger.close()
  for (const [field, text] of Object.entries(secrets(3)))
    t.deepEqual(await scan(text), [], `closed: no trace of the ${field}`)
})

const reachable = async (): Promise<boolean> => {
  const client = new pg.Client({ connectionString: PG_URL })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
}

test.serial(
  'volunteers on PostgreSQL: nothing of an erased volunteer remains in the schema’s rows or files',
  async (t) => {
    if (!(await reachable())) {
      const message = `PostgreSQL at ${PG_URL} is unreachable: the volunteers erasure test did not run`
      if (process.env['CI'] === 'true') t.fail(message)
      else {
        console.warn(`\n*** ${message} ***\n`)
        t.pass()
      }
      return
    }
    const schema = `cl_test_${randomBytes(5).toString('hex')}`
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema })
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    t.teardown(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin.end()
    })
    const ledger = await createLedger({ store, policy: allowAll, plugins: [volunteersPlugin] })
    const scan = async (text: string): Promise<ReadonlyArray<string>> => {
      const hits: string[] = []
      const tables = await admin.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [
        schema,
      ])
      for (const { tablename } of tables.rows) {
        const rows = await admin.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${tablename}" t`)
        if (rows.rows.some((r) => r.row.includes(text))) hits.push(`rows of ${tablename}`)
      }
      await admin.query('CHECKPOINT').catch(() => undefined)
      const dir =
        (await admin.query<{ d: string }>('SELECT current_setting($1) AS d', ['data_directory'])).rows[0]?.d ?? ''
      const files = await admin.query<{ relname: string; path: string | null }>(
        `SELECT c.relname, pg_relation_filepath(c.oid) AS path FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`,
        [schema],
      )
      for (const { relname, path } of files.rows)
        if (path !== null && existsSync(join(dir, path)) && readFileSync(join(dir, path)).includes(Buffer.from(text)))
          hits.push(`file of ${relname}`)
      return hits
    }
    await erasureCase(t, ledger, scan)
    await ledger.close()
    await store.close()
  },
)
