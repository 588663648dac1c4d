import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { ExecutionContext } from 'ava'
import test from 'ava'

import { DEFAULT_PLUGINS, DEFAULT_ROLES, resolveSettings } from './config'
import { CliError, ExitCode } from './exit-codes'

const dir = (t: ExecutionContext): string => {
  const d = mkdtempSync(join(tmpdir(), 'civic-ledger-config-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

const usageError = (t: ExecutionContext, work: () => unknown, message: RegExp): void => {
  const error = t.throws(work, { instanceOf: CliError })
  t.is(error?.code, ExitCode.usage)
  t.regex(error?.message ?? '', message)
}

test('with nothing given: sqlite:./civic-ledger.db in the working directory, the four contexts, no actor', (t) => {
  const cwd = dir(t)
  const settings = resolveSettings({}, { cwd, env: {} })
  t.is(settings.store, `sqlite:${join(cwd, 'civic-ledger.db')}`)
  t.is(settings.storeFrom, 'default')
  t.deepEqual(settings.plugins, DEFAULT_PLUGINS)
  t.is(settings.actor, undefined)
  t.deepEqual(settings.roles, DEFAULT_ROLES)
  t.is(settings.configFile, undefined)
})

test('the option wins over the environment, which wins over the config file', (t) => {
  const cwd = dir(t)
  writeFileSync(
    join(cwd, 'civic-ledger.config.json'),
    JSON.stringify({ store: 'sqlite:from-config.db', actor: 'a:ORG:auditor' }),
  )
  const env = { CIVIC_LEDGER_STORE: 'sqlite:from-env.db', CIVIC_LEDGER_ACTOR: 'b:ORG:auditor' }
  t.is(resolveSettings({}, { cwd, env: {} }).store, `sqlite:${join(cwd, 'from-config.db')}`)
  t.is(String(resolveSettings({}, { cwd, env: {} }).actor?.id), 'a')
  t.is(resolveSettings({}, { cwd, env }).store, `sqlite:${join(cwd, 'from-env.db')}`)
  t.is(resolveSettings({}, { cwd, env }).storeFrom, 'environment')
  t.is(String(resolveSettings({}, { cwd, env }).actor?.id), 'b')
  const option = resolveSettings({ store: 'sqlite:/abs/option.db', actor: 'c:ORG:auditor' }, { cwd, env })
  t.is(option.store, 'sqlite:/abs/option.db')
  t.is(option.storeFrom, 'option')
  t.is(String(option.actor?.id), 'c')
})

test('a PostgreSQL connection string is kept as given; a sqlite option is kept', (t) => {
  const cwd = dir(t)
  const pg = 'postgres://postgres@127.0.0.1:5432/test?schema=council'
  t.is(resolveSettings({ store: pg }, { cwd, env: {} }).store, pg)
  t.is(
    resolveSettings({ store: 'sqlite:l.db?synchronous=normal' }, { cwd, env: {} }).store,
    `sqlite:${join(cwd, 'l.db')}?synchronous=normal`,
  )
})

test('paths in the config file are read from its directory; the four contexts are named by package', (t) => {
  const cwd = dir(t)
  const other = dir(t)
  writeFileSync(
    join(other, 'ledger.json'),
    JSON.stringify({
      store: 'sqlite:./ledger.db',
      plugins: ['@civic-ledger/grants', './plugins/mine.js'],
      reports: ['./reports.js'],
      roles: { seal: ['records-manager'] },
      threeSixtyGiving: { prefix: 'cambscc', publisherId: 'GB-LAE-CAM' },
      actor: { id: 'x', organisation: 'local:ramsey', role: 'auditor' },
    }),
  )
  const settings = resolveSettings({ config: join(other, 'ledger.json') }, { cwd, env: {} })
  t.is(settings.store, `sqlite:${join(other, 'ledger.db')}`)
  t.deepEqual(settings.plugins, ['@civic-ledger/grants', join(other, 'plugins', 'mine.js')])
  t.deepEqual(settings.reports, [join(other, 'reports.js')])
  t.deepEqual(settings.roles, { ...DEFAULT_ROLES, seal: ['records-manager'] })
  t.deepEqual(settings.threeSixtyGiving, { prefix: 'cambscc', publisherId: 'GB-LAE-CAM' })
  t.deepEqual(settings.actor, { id: 'x', organisation: 'local:ramsey', role: 'auditor' })
})

test('a config file that is not JSON, has an unknown key or a value of the wrong kind is bad usage', (t) => {
  const cwd = dir(t)
  const file = join(cwd, 'civic-ledger.config.json')
  const resolve = () => resolveSettings({}, { cwd, env: {} })
  writeFileSync(file, '{ store: nope')
  usageError(t, resolve, /civic-ledger\.config\.json: cannot be read as JSON/)
  writeFileSync(file, '[]')
  usageError(t, resolve, /must be an object/)
  writeFileSync(file, '{"stores": "sqlite:x.db"}')
  usageError(t, resolve, /unknown key "stores" \(known: store, plugins/)
  writeFileSync(file, '{"plugins": "@civic-ledger/grants"}')
  usageError(t, resolve, /plugins must be a list of non-empty strings/)
  writeFileSync(file, '{"store": 7}')
  usageError(t, resolve, /store must be a connection string/)
  writeFileSync(file, '{"roles": {"erase": "dpo"}}')
  usageError(t, resolve, /roles\.erase must be a list/)
  writeFileSync(file, '{"actor": {"id": "x"}}')
  usageError(t, resolve, /actor must be id:organisation:role/)
  usageError(
    t,
    () => resolveSettings({ config: 'missing.json' }, { cwd, env: {} }),
    /--config: .*missing\.json does not exist/,
  )
})
