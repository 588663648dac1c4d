/**
 * The PostgreSQL the cross-package tests use: `CIVIC_LEDGER_PG_URL`, by default the server every
 * machine of the project runs. Each test makes its own schema and drops it afterwards. When the
 * server does not answer, the tests say so loudly and fail under CI=true, where they must run.
 */
import { randomBytes } from 'node:crypto'

import pg from 'pg'

export const PG_URL = process.env['CIVIC_LEDGER_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh schema name for one test. */
export const freshSchema = (): string => `cl_test_${randomBytes(5).toString('hex')}`

/** Runs `work` with a connected client, always closing it. */
export const withClient = async <A>(work: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Drops a test's schema and everything in it. */
export const dropSchema = (schema: string): Promise<unknown> =>
  withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))

/**
 * Resolves when PostgreSQL answers; otherwise throws, after a loud warning, so the test that needs
 * it fails rather than passing without having run.
 */
export const requirePostgres = async (suite: string): Promise<void> => {
  try {
    await withClient(async () => undefined)
  } catch (error) {
    const message = `PostgreSQL at ${PG_URL} is unreachable (${error instanceof Error ? error.message : String(error)}): the ${suite} cannot run`
    console.warn(`\n*** ${message} ***\n`)
    throw new Error(message)
  }
}
