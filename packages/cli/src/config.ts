/**
 * Where the CLI's settings come from, most specific first: options, then the environment
 * (`CIVIC_LEDGER_STORE`, `CIVIC_LEDGER_ACTOR`), then `civic-ledger.config.json` in the working
 * directory (or the file `--config` names), then the defaults.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'

import type { Actor } from '@civic-ledger/core'
import { connectionScheme } from '@civic-ledger/core'

import { actorFromConfig, parseActor } from './actor'
import { usage } from './exit-codes'
import type { Io } from './io'

// --- model ---

/** The config file the CLI reads from the working directory, unless `--config` names another. */
export const CONFIG_FILE = 'civic-ledger.config.json'
/** The store the CLI opens when no option, `CIVIC_LEDGER_STORE` or config file names one. */
export const DEFAULT_STORE = 'sqlite:./civic-ledger.db'
/** The plug-ins a ledger runs when the config names none: the four contexts. */
export const DEFAULT_PLUGINS: ReadonlyArray<string> = [
  '@civic-ledger/areas',
  '@civic-ledger/partnerships',
  '@civic-ledger/grants',
  '@civic-ledger/volunteers',
]

/** The roles the CLI's policy lets do what is not a domain command. */
export interface Roles {
  readonly seal: ReadonlyArray<string>
  readonly erase: ReadonlyArray<string>
  readonly disclose: ReadonlyArray<string>
}

/**
 * Who may seal (auditors), and erase or disclose personal data (data protection officers), unless
 * the config file's `roles` says otherwise.
 */
export const DEFAULT_ROLES: Roles = {
  seal: ['auditor'],
  erase: ['data-protection-officer'],
  disclose: ['data-protection-officer'],
}

/** What `export --format 360giving` publishes as, when the options do not say. */
export interface ThreeSixtyGivingSettings {
  readonly prefix?: string
  readonly publisherName?: string
  readonly publisherId?: string
  readonly license?: string
  readonly schemeId?: string
}

/**
 * What a run of the CLI works with, resolved from its options, the environment, the config file and
 * the defaults, in that order.
 */
export interface Settings {
  /** The connection string, with a `sqlite:` path made absolute. */
  readonly store: string
  /** Where the store was named: the option, `CIVIC_LEDGER_STORE`, the config file or the default. */
  readonly storeFrom: 'option' | 'environment' | 'config' | 'default'
  /** Plug-in modules: package names, or absolute paths. */
  readonly plugins: ReadonlyArray<string>
  /** Report modules (each exports `reports`), absolute paths or package names. */
  readonly reports: ReadonlyArray<string>
  readonly actor: Actor | undefined
  readonly roles: Roles
  readonly threeSixtyGiving: ThreeSixtyGivingSettings
  /** The config file read, if any. */
  readonly configFile: string | undefined
}

/** The options every command takes: `--store`, `--actor` and `--config`. */
export interface GlobalOptions {
  readonly store?: string
  readonly actor?: string
  readonly config?: string
}

// --- reading the file ---

const KEYS = ['store', 'plugins', 'reports', 'actor', 'roles', 'threeSixtyGiving'] as const

const stringList = (value: unknown, what: string): ReadonlyArray<string> => {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0))
    throw usage(`${what} must be a list of non-empty strings`)
  return value as ReadonlyArray<string>
}

const objectOf = (value: unknown, what: string): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usage(`${what} must be an object`)
  return value as Record<string, unknown>
}

/** Reads and checks a config file: a usage error naming the file and the key otherwise. */
export const readConfig = (file: string): Record<string, unknown> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw usage(`${file}: cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const config = objectOf(parsed, file)
  for (const key of Object.keys(config))
    if (!(KEYS as ReadonlyArray<string>).includes(key))
      throw usage(`${file}: unknown key ${JSON.stringify(key)} (known: ${KEYS.join(', ')})`)
  return config
}

// --- resolving ---

/** A `sqlite:` connection string with its path made absolute from `base`; others as they are. */
export const absoluteStore = (connection: string, base: string): string => {
  if (connectionScheme(connection) !== 'sqlite') return connection
  const match = /^sqlite:(?:\/\/)?([^?]*)(\?.*)?$/i.exec(connection)
  const path = match?.[1] ?? ''
  if (path === '') throw usage(`store: ${JSON.stringify(connection)} is not sqlite:<path>`)
  return `sqlite:${isAbsolute(path) ? path : resolve(base, path)}${match?.[2] ?? ''}`
}

/** A module specifier from the config: a path (made absolute from the config's directory) or a package name. */
const moduleFrom = (specifier: string, base: string): string =>
  specifier.startsWith('.') || isAbsolute(specifier) ? resolve(base, specifier) : specifier

const rolesFrom = (value: unknown, file: string): Roles => {
  if (value === undefined) return DEFAULT_ROLES
  const roles = objectOf(value, `${file}: roles`)
  for (const key of Object.keys(roles))
    if (!['seal', 'erase', 'disclose'].includes(key))
      throw usage(`${file}: roles: unknown key ${JSON.stringify(key)} (known: seal, erase, disclose)`)
  return {
    seal: roles['seal'] === undefined ? DEFAULT_ROLES.seal : stringList(roles['seal'], `${file}: roles.seal`),
    erase: roles['erase'] === undefined ? DEFAULT_ROLES.erase : stringList(roles['erase'], `${file}: roles.erase`),
    disclose:
      roles['disclose'] === undefined
        ? DEFAULT_ROLES.disclose
        : stringList(roles['disclose'], `${file}: roles.disclose`),
  }
}

const THREE_SIXTY_KEYS = ['prefix', 'publisherName', 'publisherId', 'license', 'schemeId'] as const

const threeSixtyFrom = (value: unknown, file: string): ThreeSixtyGivingSettings => {
  if (value === undefined) return {}
  const given = objectOf(value, `${file}: threeSixtyGiving`)
  const out: Record<string, string> = {}
  for (const [key, v] of Object.entries(given)) {
    if (!(THREE_SIXTY_KEYS as ReadonlyArray<string>).includes(key))
      throw usage(
        `${file}: threeSixtyGiving: unknown key ${JSON.stringify(key)} (known: ${THREE_SIXTY_KEYS.join(', ')})`,
      )
    if (typeof v !== 'string' || v.length === 0)
      throw usage(`${file}: threeSixtyGiving.${key} must be a non-empty string`)
    out[key] = v
  }
  return out
}

/** The settings a run uses, from its options, environment and config file. */
export const resolveSettings = (options: GlobalOptions, io: Pick<Io, 'env' | 'cwd'>): Settings => {
  const named = options.config
  const configFile = named === undefined ? resolve(io.cwd, CONFIG_FILE) : resolve(io.cwd, named)
  if (named !== undefined && !existsSync(configFile)) throw usage(`--config: ${configFile} does not exist`)
  const config = existsSync(configFile) ? readConfig(configFile) : undefined
  const base = dirname(configFile)
  const file = configFile
  const envStore = io.env['CIVIC_LEDGER_STORE']
  const [store, storeFrom] =
    options.store !== undefined
      ? ([absoluteStore(options.store, io.cwd), 'option'] as const)
      : envStore !== undefined && envStore !== ''
        ? ([absoluteStore(envStore, io.cwd), 'environment'] as const)
        : config?.['store'] !== undefined
          ? typeof config['store'] === 'string' && config['store'] !== ''
            ? ([absoluteStore(config['store'], base), 'config'] as const)
            : (() => {
                throw usage(`${file}: store must be a connection string, e.g. ${DEFAULT_STORE}`)
              })()
          : ([absoluteStore(DEFAULT_STORE, io.cwd), 'default'] as const)
  const envActor = io.env['CIVIC_LEDGER_ACTOR']
  const actor =
    options.actor !== undefined
      ? parseActor(options.actor)
      : envActor !== undefined && envActor !== ''
        ? parseActor(envActor, 'CIVIC_LEDGER_ACTOR')
        : config?.['actor'] !== undefined
          ? actorFromConfig(config['actor'], file)
          : undefined
  const plugins =
    config?.['plugins'] === undefined ? DEFAULT_PLUGINS : stringList(config['plugins'], `${file}: plugins`)
  const reports = config?.['reports'] === undefined ? [] : stringList(config['reports'], `${file}: reports`)
  return {
    store,
    storeFrom,
    plugins: plugins.map((p) => moduleFrom(p, base)),
    reports: reports.map((r) => moduleFrom(r, base)),
    actor,
    roles: rolesFrom(config?.['roles'], file),
    threeSixtyGiving: threeSixtyFrom(config?.['threeSixtyGiving'], file),
    configFile: config === undefined ? undefined : configFile,
  }
}
