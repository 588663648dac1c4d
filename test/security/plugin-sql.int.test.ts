/**
 * A projection's SQL reaches its own tables and nothing else (RELIABILITY "Security"), on SQLite and
 * PostgreSQL: a plug-in's `ctx.sql` cannot read the key table or the events, read or change another
 * projection's rows, attach a database, change settings, or leave a trigger, view or index behind
 * on a table not its own; a host's read-only `projections.sql` cannot write. What it may do — make,
 * fill, index, read and drop its own tables — still works.
 */
import type { AnyProjection, ProjectionSql, SqlHandle } from '@civic-ledger/core'
import { defineProjection, InvalidArgumentError } from '@civic-ledger/core'
import { applicants, applyCommand, roster, rosterProjection, VolunteerApplied } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { freshLedger } from './ledgers'

const actor = { actor: { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } }
const OTHER = 'rm_roster_v1__roster'

/** Statements a hostile plug-in tries, whatever the store; `own` is its own table. */
const attacks = (own: string, dialect: 'sqlite' | 'postgres'): ReadonlyArray<string> => [
  'SELECT subject, key FROM privacy_keys',
  'SELECT * FROM privacy_erased',
  'SELECT count(*) FROM events',
  `SELECT * FROM ${OTHER}`,
  `DELETE FROM ${OTHER}`,
  `UPDATE ${OTHER} SET body = body`,
  `INSERT INTO ${own} (id, note) SELECT subject, 'stolen' FROM privacy_keys`,
  `SELECT * FROM ${own} WHERE id IN (SELECT subject FROM privacy_keys)`,
  `WITH k AS (SELECT subject FROM privacy_keys) SELECT * FROM k`,
  'DELETE FROM privacy_keys',
  `DROP TABLE ${OTHER}`,
  `CREATE INDEX ${own}_on_other ON ${OTHER} (id)`,
  `CREATE TABLE ${own}_copy AS SELECT * FROM privacy_keys`,
  `CREATE VIEW ${own}_keys AS SELECT * FROM privacy_keys`,
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT x',
  ...(dialect === 'sqlite'
    ? [
        `ATTACH DATABASE ':memory:' AS other`,
        'PRAGMA writable_schema = 1',
        'VACUUM',
        `CREATE TRIGGER ${own}_t AFTER INSERT ON ${own} BEGIN DELETE FROM privacy_keys; END`,
        'SELECT name, sql FROM sqlite_temp_master',
        `INSERT INTO ${own} (id, note) SELECT name, 'x' FROM temp.sqlite_master`,
      ]
    : [
        "SELECT query_to_xml('SELECT * FROM privacy_keys', true, true, '')",
        "SELECT ts_stat('SELECT to_tsvector(subject) FROM privacy_keys')",
        'SELECT * FROM pg_stats',
        'SELECT query FROM pg_stat_activity',
        "SELECT set_config('role', 'postgres', true)",
        'SET ROLE postgres',
        'RESET ROLE',
        "SELECT pg_read_file('/etc/passwd')",
        `CREATE TABLE ${own}_fk (id text REFERENCES privacy_keys (subject))`,
        `CREATE FUNCTION ${own}_f() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
        'DO $$ BEGIN DELETE FROM privacy_keys; END $$',
      ]),
]

interface Tried {
  readonly statement: string
  readonly outcome: 'refused' | 'ran' | 'failed'
  readonly message: string
}

const tryAll = async (sql: SqlHandle, statements: ReadonlyArray<string>): Promise<Tried[]> => {
  const out: Tried[] = []
  for (const statement of statements)
    try {
      await sql.query(statement)
      out.push({ statement, outcome: 'ran', message: '' })
    } catch (error) {
      out.push({
        statement,
        outcome: error instanceof InvalidArgumentError ? 'refused' : 'failed',
        message: error instanceof Error ? error.message : String(error),
      })
    }
  return out
}

/** What the hostile plug-in found, and what its own tables let it do. */
const results: { attacks: Tried[]; own: string[] } = { attacks: [], own: [] }

const probe = (dialect: 'sqlite' | 'postgres'): AnyProjection =>
  defineProjection({
    name: 'probe',
    version: 1,
    events: [VolunteerApplied],
    setup: async (ctx) => {
      const sql = ctx.sql as ProjectionSql
      const own = sql.table('notes')
      await sql.execute(`CREATE TABLE IF NOT EXISTS ${own} (id text PRIMARY KEY, note text)`)
      await sql.execute(`CREATE INDEX IF NOT EXISTS ${own}_by_note ON ${own} (note)`)
    },
    apply: async (event, ctx) => {
      const sql = ctx.sql as ProjectionSql
      const own = sql.table('notes')
      await sql.execute(
        `INSERT INTO ${own} (id, note) VALUES ($1, $2)`.replace(/\$\d/g, dialect === 'sqlite' ? '?' : '$&'),
        [event.data.volunteerId, 'applied'],
      )
      if (event.data.volunteerId !== 'v-3') return
      results.attacks = await tryAll(sql, attacks(own, dialect))
      results.own = (await sql.query<{ id: string }>(`SELECT id FROM ${own} ORDER BY id`)).map((r) => r.id)
      const scratch = sql.table('scratch')
      await sql.execute(`CREATE TABLE ${scratch} (n integer)`)
      await sql.execute(`DROP TABLE ${scratch}`)
    },
    erase: async (subject, ctx) => {
      const sql = ctx.sql as ProjectionSql
      await sql.execute(`DELETE FROM ${sql.table('notes')} WHERE id = ${dialect === 'sqlite' ? '?' : '$1'}`, [subject])
    },
  })

for (const dialect of ['sqlite', 'postgres'] as const)
  test.serial(
    `${dialect}: a plug-in's SQL and a host's read-only SQL reach only the projection's own tables`,
    async (t) => {
      results.attacks = []
      results.own = []
      const ledger = await freshLedger(t, dialect, { projections: [rosterProjection, probe(dialect)] })
      for (let n = 1; n <= 4; n++) {
        const r = await ledger.execute(applicants, applyCommand(n), actor)()
        if (E.isLeft(r)) t.fail(r.left.message)
      }
      await ledger.projections.waitUntilCaughtUp()
      const keysBefore = await ledger.trusted.readModels.read(async (r) =>
        (r.sql as SqlHandle).query<{ n: number | string }>('SELECT count(*) AS n FROM privacy_keys'),
      )

      const ran = results.attacks.filter((a) => a.outcome === 'ran')
      t.deepEqual(ran, [], 'no hostile statement ran')
      const failed = results.attacks.filter((a) => a.outcome === 'failed')
      t.deepEqual(failed, [], 'each was refused with an InvalidArgumentError, not left to the database')
      t.true(results.attacks.length >= 18, `${results.attacks.length} statements tried`)
      t.deepEqual(results.own, ['v-1', 'v-2', 'v-3'], 'its own table works')

      // The host's read-only handle: reads its tables, refuses writes and everyone else's.
      const host = await ledger.projections.sql('probe', async (sql, table) => {
        const own = table('notes')
        const rows = await sql.query<{ id: string }>(`SELECT id FROM ${own} ORDER BY id`)
        const tried = await tryAll(sql, [
          `DELETE FROM ${own}`,
          `INSERT INTO ${own} (id, note) VALUES ('x', 'y')`,
          `CREATE TABLE ${table('more')} (a text)`,
          `DROP TABLE ${own}`,
          'SELECT subject FROM privacy_keys',
          `SELECT * FROM ${OTHER}`,
        ])
        return { rows: rows.map((r) => r.id), tried }
      })
      t.deepEqual(host.rows, ['v-1', 'v-2', 'v-3', 'v-4'])
      t.deepEqual(
        host.tried.filter((a) => a.outcome !== 'refused'),
        [],
        'the host handle refused every write and every other table',
      )

      t.deepEqual(
        await ledger.projections
          .query(rosterProjection, roster)
          .entries()
          .then((e) => e.length),
        4,
      )
      const keysAfter = await ledger.trusted.readModels.read(async (r) =>
        (r.sql as SqlHandle).query<{ n: number | string }>('SELECT count(*) AS n FROM privacy_keys'),
      )
      t.deepEqual(keysAfter, keysBefore, 'the key table is as it was')
      t.is(Number(keysAfter[0]?.n), 4)
    },
  )
