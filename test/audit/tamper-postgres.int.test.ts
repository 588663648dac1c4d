/**
 * Tamper evidence on a PostgreSQL ledger: every attack of `tampering.ts`, done with SQL straight on
 * the schema's tables while no ledger is open, is caught by verify and the right event or seal named.
 */
import { openPostgresEventStore } from '@civic-ledger/store-postgres'
import test from 'ava'
import pg from 'pg'

import { dropSchema, freshSchema, PG_URL, requirePostgres } from '../postgres'
import type { Storage, Subject } from './tampering'
import { tamperingCases } from './tampering'

/** `?` placeholders as PostgreSQL's `$1, $2, …`. */
const numbered = (sql: string): string => {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

const postgresSubject = async (): Promise<Subject> => {
  await requirePostgres('tamper tests')
  const schema = freshSchema()
  return {
    open: () => openPostgresEventStore({ connectionString: PG_URL, schema }),
    storage: async (): Promise<Storage> => {
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      await client.query(`SET search_path TO "${schema}"`)
      return {
        run: async (sql, params = []) => {
          await client.query(numbered(sql), [...params])
        },
        setHash: async (position, hash) => {
          await client.query("UPDATE events SET hash = decode($1, 'hex') WHERE position = $2", [hash, position])
        },
        close: () => client.end(),
      }
    },
    dispose: () => dropSchema(schema).then(() => undefined),
  }
}

tamperingCases(test, 'postgres', postgresSubject)
