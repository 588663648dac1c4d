/**
 * Opening a ledger for a command: the store the settings name (a `sqlite:` file must exist unless
 * the command makes one), the plug-ins, the CLI's policy; and every way that can fail turned into a
 * one-line error with its exit code.
 */
import { existsSync, statSync } from 'node:fs'

import { areasPlugin } from '@civic-ledger/areas'
import type { EventStore, Ledger, LedgerPlugin, StoreProvider } from '@civic-ledger/core'
import { createLedger, loadPlugin, openEventStore, redactConnection, systemClock } from '@civic-ledger/core'
import { grantsPlugin } from '@civic-ledger/grants'
import { partnershipsPlugin } from '@civic-ledger/partnerships'
import { kurrentDBStoreProvider } from '@civic-ledger/store-kurrentdb'
import { postgresStoreProvider } from '@civic-ledger/store-postgres'
import { openSqliteEventStore, parseSqliteConnection } from '@civic-ledger/store-sqlite'
import { volunteersPlugin } from '@civic-ledger/volunteers'

import type { Settings } from './config'
import { describeFailure } from './errors'
import { CliError, ExitCode } from './exit-codes'
import type { Io } from './io'
import { cliPolicy } from './policy'

// --- the store ---

export interface OpenOptions {
  /** False for commands that make the ledger (`init`, `import`); otherwise a missing file is refused. */
  readonly mustExist: boolean
  /** How long to wait for another process's write lock, in milliseconds. */
  readonly waitMs: number
}

/** The `sqlite:` path of a connection string, if it is one. */
export const sqlitePath = (connection: string): string | undefined =>
  /^sqlite:/i.test(connection) ? parseSqliteConnection(connection).path : undefined

const sqliteProvider = (options: OpenOptions): StoreProvider => ({
  schemes: ['sqlite'],
  open: async (connection, { clock }) => {
    const { path, synchronous } = parseSqliteConnection(connection)
    if (options.mustExist && !(existsSync(path) && statSync(path).size > 0))
      throw new CliError(ExitCode.cannotOpen, `${path}: there is no ledger here (make one with civic-ledger init)`)
    return openSqliteEventStore({
      path,
      clock,
      busyTimeoutMs: options.waitMs,
      ...(synchronous === undefined ? {} : { synchronous }),
    })
  },
})

const providers = (options: OpenOptions): ReadonlyArray<StoreProvider> => [
  sqliteProvider(options),
  postgresStoreProvider,
  kurrentDBStoreProvider,
]

/** Runs `work`, turning what opening a store throws into a `CliError` with its exit code. */
const opening = async <A>(connection: string, work: () => Promise<A>): Promise<A> => {
  try {
    return await work()
  } catch (error) {
    if (error instanceof CliError) throw error
    const { code, message } = describeFailure(error)
    const where = redactConnection(connection)
    const path = /^sqlite:/i.test(connection)
      ? connection.replace(/^sqlite:(?:\/\/)?/i, '').replace(/\?.*$/, '')
      : where
    throw new CliError(
      code === ExitCode.internal ? ExitCode.cannotOpen : code,
      message.includes(path) ? message : `${where}: ${message}`,
      {
        cause: error,
      },
    )
  }
}

/** The store alone, with no projections running: for verify, export and import. */
export const openStore = (settings: Settings, options: OpenOptions): Promise<EventStore> =>
  opening(settings.store, () => openEventStore(settings.store, { clock: systemClock }, providers(options)))

// --- plug-ins ---

/** The contexts' plug-ins, by the package names a config file lists them with. */
const CONTEXT_PLUGINS: Readonly<Record<string, LedgerPlugin>> = {
  '@civic-ledger/areas': areasPlugin,
  '@civic-ledger/partnerships': partnershipsPlugin,
  '@civic-ledger/grants': grantsPlugin,
  '@civic-ledger/volunteers': volunteersPlugin,
}

/** The plug-ins the settings name: the contexts by package name, others loaded from their module. */
export const loadPlugins = async (settings: Settings, io: Pick<Io, 'cwd'>): Promise<ReadonlyArray<LedgerPlugin>> => {
  const loaded: LedgerPlugin[] = []
  for (const specifier of settings.plugins) {
    const known = Object.hasOwn(CONTEXT_PLUGINS, specifier) ? CONTEXT_PLUGINS[specifier] : undefined
    if (known !== undefined) loaded.push(known)
    else
      try {
        loaded.push(await loadPlugin(specifier, io.cwd))
      } catch (error) {
        throw new CliError(ExitCode.usage, error instanceof Error ? error.message : String(error), { cause: error })
      }
  }
  return loaded
}

// --- the ledger ---

/** Where projection failures go: to stderr with `--verbose`, otherwise to `status`. */
export interface LedgerLogging {
  readonly verbose: boolean
  readonly io: Pick<Io, 'stderr'>
}

/** A ledger with the settings' plug-ins and the CLI's policy; projections start catching up at once. */
export const openLedger = async (
  settings: Settings,
  options: OpenOptions,
  logging: LedgerLogging,
  plugins: ReadonlyArray<LedgerPlugin>,
  store?: EventStore,
): Promise<Ledger> =>
  opening(settings.store, () =>
    createLedger({
      store: store ?? settings.store,
      storeProviders: providers(options),
      plugins,
      policy: cliPolicy(settings.roles),
      logger: {
        warn: (message) => {
          if (logging.verbose) logging.io.stderr.write(`civic-ledger: warning: ${message.replace(/\s*\n\s*/g, ' ')}\n`)
        },
      },
    }),
  )
