/**
 * Subjects' keys in the ledger's schema (`privacy_keys`), and the subjects erased
 * (`privacy_erased`), so no new key is ever made for them; and the purge after an erasure.
 */
import { randomBytes } from 'node:crypto'

import type { KeyStore } from '@civic-ledger/core'
import { StoreUnavailableError, SubjectErasedError } from '@civic-ledger/core'
import { checkSubject, partsPrefix, subjectAndOwners } from '@civic-ledger/core/store-kit'

import type { LedgerDb } from './queries'

export const postgresKeyStore = (db: LedgerDb, ensureOpen: () => void): KeyStore => ({
  keyFor: async (subject) => {
    ensureOpen()
    checkSubject(subject)
    const candidate = randomBytes(32)
    // One statement: refuses an erased subject, keeps the first key made, returns the kept one.
    const rows = await db.query<{ key: Buffer | null; erased: boolean }>(
      `WITH gone AS (SELECT 1 FROM ${db.s}.privacy_erased WHERE subject = ANY($3::text[])),
            made AS (INSERT INTO ${db.s}.privacy_keys (subject, key, created_at)
                     SELECT $1, $2, now() WHERE NOT EXISTS (SELECT 1 FROM gone)
                     ON CONFLICT (subject) DO NOTHING RETURNING key)
       SELECT coalesce((SELECT key FROM made), (SELECT key FROM ${db.s}.privacy_keys WHERE subject = $1)) AS key,
              EXISTS (SELECT 1 FROM gone) AS erased`,
      [subject, candidate, subjectAndOwners(subject)],
    )
    const row = rows[0]
    if (row?.erased === true) throw new SubjectErasedError(subject)
    if (row?.key === null || row?.key === undefined) throw new StoreUnavailableError('the key was not kept')
    return row.key
  },
  find: async (subject) => {
    ensureOpen()
    const rows = await db.query<{ key: Buffer }>(`SELECT key FROM ${db.s}.privacy_keys WHERE subject = $1`, [
      checkSubject(subject),
    ])
    return rows[0]?.key
  },
  erase: async (subject) => {
    ensureOpen()
    checkSubject(subject)
    const rows = await db.query<{ fresh: boolean }>(
      `WITH dropped AS (DELETE FROM ${db.s}.privacy_keys WHERE subject = $1 OR left(subject, $3) = $4),
            before AS (SELECT 1 FROM ${db.s}.privacy_erased WHERE subject = ANY($2::text[])),
            marked AS (INSERT INTO ${db.s}.privacy_erased (subject, erased_at) VALUES ($1, now())
                       ON CONFLICT (subject) DO NOTHING RETURNING 1)
       SELECT NOT EXISTS (SELECT 1 FROM before) AS fresh`,
      [subject, subjectAndOwners(subject), subject.length + 1, partsPrefix(subject)],
    )
    return rows[0]?.fresh === true
  },
  isErased: async (subject) => {
    ensureOpen()
    const rows = await db.query(`SELECT 1 FROM ${db.s}.privacy_erased WHERE subject = ANY($1::text[])`, [
      subjectAndOwners(checkSubject(subject)),
    ])
    return rows.length > 0
  },
})

// Deleted rows stay in the table files until rewritten: rewrite the key table and the read
// models, so an erased subject's key and rows are gone from the files this schema owns. (The
// server's own write-ahead log and backups are the database administrator's to manage.)
export const purgeErased = async (db: LedgerDb): Promise<void> => {
  // A deleted row survives VACUUM while any transaction older than the deletion may still see
  // it. Wait (up to a minute) until every such transaction in this database has ended.
  const [mark] = await db.query<{ xid: string }>('SELECT pg_current_xact_id()::xid::text AS xid')
  const until = Date.now() + 60_000
  while (mark !== undefined && Date.now() < until) {
    const [waiting] = await db.query<{ older: number }>(
      `SELECT count(*)::int AS older FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND backend_xmin IS NOT NULL AND age(backend_xmin) >= age($1::xid)`,
      [mark.xid],
    )
    if ((waiting?.older ?? 0) === 0) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const tables = await db.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND (tablename LIKE 'rm\\_%' OR tablename IN ('privacy_keys', 'projection_parked'))",
    [db.schema],
  )
  for (const { tablename } of tables) await db.query(`VACUUM FULL ${db.s}."${tablename}"`)
}
