/**
 * Connection strings and ledger paths as doors (RELIABILITY "Security"): no error, whatever went
 * wrong, repeats a password or secret option of the connection string it was given, and a SQLite
 * path that is not a plain file — one with a NUL byte, `:memory:`, a `file:` URI — is refused with
 * a typed error before anything is opened.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createLedger, InvalidArgumentError, openEventStore, redactConnection, systemClock } from '@civic-ledger/core'
import { openPostgresEventStore, postgresStoreProvider } from '@civic-ledger/store-postgres'
import { openSqliteEventStore, sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import test from 'ava'

const SECRET = 'Hunter2-s3cret'

/** Everything an error carries that a log line could print: message, stack, and its causes'. */
const textOf = (error: unknown): string => {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    parts.push(current instanceof Error ? `${current.message}\n${current.stack ?? ''}` : JSON.stringify(current))
    parts.push(JSON.stringify(current, Object.getOwnPropertyNames(current)))
    current = (current as { cause?: unknown }).cause
  }
  return parts.join('\n')
}

const failureOf = async (attempt: () => Promise<unknown>): Promise<unknown> => {
  try {
    await attempt()
  } catch (error) {
    return error
  }
  throw new Error('the attempt was expected to fail')
}

const connections = [
  `postgres://postgres:${SECRET}@127.0.0.1:1/test`,
  `postgresql://ledger:${SECRET}@no-such-host.invalid:5432/test?schema=ledger`,
  `postgres://ledger:${SECRET}@127.0.0.1:1/test?sslmode=disable&password=${SECRET}`,
  `postgres://ledger:${encodeURIComponent(SECRET + '@x')}@127.0.0.1:1/test`,
  `postgres://ledger:${SECRET}@[::1:1/test`,
  `nosuchstore://admin:${SECRET}@host/db`,
  `sqlite:./ledger.db?password=${SECRET}`,
  `mysql://root:${SECRET}@127.0.0.1/db`,
]

test('no error from opening a store repeats the password of its connection string', async (t) => {
  for (const connection of connections) {
    const error = await failureOf(() =>
      createLedger({ store: connection, storeProviders: [sqliteStoreProvider, postgresStoreProvider] }),
    )
    t.false(textOf(error).includes(SECRET), `${redactConnection(connection)}: ${textOf(error).slice(0, 300)}`)
    t.true(error instanceof Error)
  }
  const direct = await failureOf(() =>
    openPostgresEventStore({ connectionString: `not a url :${SECRET}@`, schema: 'ledger' }),
  )
  t.false(textOf(direct).includes(SECRET))
  const registry = await failureOf(() => openEventStore(`nosuch://u:${SECRET}@h/d`, { clock: systemClock }))
  t.false(textOf(registry).includes(SECRET))
})

test('redactConnection hides passwords and secret options, and keeps the rest for the reader', (t) => {
  t.is(
    redactConnection(`postgres://u:${SECRET}@db.example:5432/x?schema=s`),
    'postgres://u:***@db.example:5432/x?schema=s',
  )
  t.is(redactConnection(`postgres://u:a@b@db/x`), 'postgres://u:***@db/x')
  t.is(redactConnection(`host=db user=u password=${SECRET} dbname=x`), 'host=db user=u password=*** dbname=x')
  t.is(redactConnection(`postgres://db/x?sslpassword=${SECRET}&x=1`), 'postgres://db/x?sslpassword=***&x=1')
  t.is(redactConnection('sqlite:./var/ledger.db'), 'sqlite:./var/ledger.db')
  t.is(redactConnection('postgres://u@db/x'), 'postgres://u@db/x')
})

test('a SQLite path with a NUL byte, :memory: or a file: URI is refused, and no file is made', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-paths-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const victim = join(dir, 'victim.db')
  writeFileSync(victim, '')
  const before = readdirSync(dir).sort()
  for (const path of [`${victim}\u0000.other.db`, ':memory:', 'file:ledger.db?mode=memory', `file:${victim}`, '']) {
    const error = await failureOf(() => openSqliteEventStore({ path }))
    t.true(error instanceof InvalidArgumentError, `${JSON.stringify(path)}: ${String(error)}`)
    const viaLedger = await failureOf(() =>
      createLedger({ store: `sqlite:${path}`, storeProviders: [sqliteStoreProvider] }),
    )
    t.true(viaLedger instanceof InvalidArgumentError, `sqlite:${JSON.stringify(path)}: ${String(viaLedger)}`)
  }
  const nul = await failureOf(() => openSqliteEventStore({ path: `${victim}\u0000.other.db` }))
  t.regex((nul as Error).message, /NUL/)
  const memory = await failureOf(() =>
    createLedger({ store: 'sqlite::memory:', storeProviders: [sqliteStoreProvider] }),
  )
  t.regex((memory as Error).message, /use memory:/)
  t.deepEqual(readdirSync(dir).sort(), before, 'nothing was created or opened beside the victim')
  t.false(existsSync(join(dir, 'victim.db-wal')))
})
