/**
 * The PostgreSQL the integration tests use: `CIVIC_LEDGER_PG_URL`, by default the server every
 * machine of the project runs. Each test makes its own schema and drops it afterwards.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

import test from 'ava'
import pg from 'pg'

export const PG_URL = process.env['CIVIC_LEDGER_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Whether the server answers; asked once, synchronously, so tests can be registered or not. */
const probe = (): string | undefined => {
  const script = `const c = new (require('pg').Client)(${JSON.stringify({ connectionString: PG_URL })}); c.connect().then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1) })`
  const result = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 10_000 })
  return result.status === 0 ? undefined : result.stderr.trim() || 'no answer'
}

const unreachable = probe()

/**
 * True when PostgreSQL answers. When it does not, says so loudly and registers a test that is
 * skipped — or, under CI=true, one that fails, since CI must run these tests.
 */
export const postgresAvailable = (suite: string): boolean => {
  if (unreachable === undefined) return true
  const message = `PostgreSQL at ${PG_URL} is unreachable (${unreachable}): the ${suite} tests did not run`
  if (process.env['CI'] === 'true') test(`${suite}: PostgreSQL must be reachable under CI`, (t) => t.fail(message))
  else {
    console.warn(`\n*** ${message} ***\n`)
    test.skip(`${suite}: skipped, ${message}`, () => undefined)
  }
  return false
}

/** A fresh schema name for one test. */
export const freshSchema = (): string => `cl_test_${randomBytes(5).toString('hex')}`

/** Drops a test's schema and everything in it. */
export const dropSchema = async (schema: string): Promise<void> => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}
