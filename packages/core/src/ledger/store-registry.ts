/**
 * Stores by connection string. `memory:` is built in; each store package registers its scheme
 * (`sqlite:`, `postgres:`, `kurrentdb:`) with `registerStoreProvider`, or is passed to
 * `createLedger` directly.
 */
import type { Clock } from '../kernel/clock'
import { InvalidArgumentError } from '../kernel/errors'
import { createMemoryEventStore } from '../memory/memory-store'
import type { EventStore } from '../port/event-store'

/** Opens a store for connection strings of some schemes. */
export interface StoreProvider {
  /** Schemes without the colon, e.g. `['postgres', 'postgresql']`. */
  readonly schemes: ReadonlyArray<string>
  /** Opens the store a connection string names; rejects with `InvalidArgumentError` on one it cannot use. */
  readonly open: (connection: string, deps: { readonly clock: Clock }) => Promise<EventStore>
}

/** The built-in provider of `memory:`. */
export const memoryStoreProvider: StoreProvider = {
  schemes: ['memory'],
  open: async (_connection, { clock }) => createMemoryEventStore({ clock }),
}

const providers = new Map<string, StoreProvider>([['memory', memoryStoreProvider]])

/** Makes a provider's schemes available to every `createLedger` in the process. */
export const registerStoreProvider = (provider: StoreProvider): void => {
  for (const scheme of provider.schemes) providers.set(scheme, provider)
}

/**
 * A connection string as it may be shown in an error or a log: the password of `user:password@`
 * and the value of every `password`, `pass`, `secret`, `token`, `key` or `sslkey` option (in a query
 * string or a `key=value` list) become `***`. Errors name the store a caller meant, never its
 * credentials.
 */
export const redactConnection = (connection: string): string =>
  String(connection)
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:?#\s]*):[^/?#\s]*@/i, '$1:***@')
    .replace(/([?&;\s]|^)((?:[a-z_]*pass(?:word)?|secret|token|api[_-]?key|sslkey|sslpassword)=)[^&;\s]*/gi, '$1$2***')

/** The scheme of a connection string: `sqlite:./ledger.db` → `sqlite`. */
export const connectionScheme = (connection: string): string | undefined =>
  /^([a-z][a-z0-9+.-]*):/i.exec(connection)?.[1]?.toLowerCase()

/** Opens the store a connection string names, with `extra` providers taking precedence. */
export const openEventStore = async (
  connection: string,
  deps: { readonly clock: Clock },
  extra: ReadonlyArray<StoreProvider> = [],
): Promise<EventStore> => {
  if (typeof connection !== 'string' || connection.length === 0)
    throw new InvalidArgumentError('store', 'a connection string is required, e.g. memory: or sqlite:./ledger.db')
  const scheme = connectionScheme(connection)
  const local = new Map(providers)
  for (const provider of extra) for (const s of provider.schemes) local.set(s, provider)
  const provider = scheme === undefined ? undefined : local.get(scheme)
  if (provider === undefined)
    throw new InvalidArgumentError(
      'store',
      `no store is registered for ${scheme === undefined ? 'a connection string without a scheme' : `the scheme ${scheme}:`}; known schemes: ${[...local.keys()].sort().join(', ')} (import the store package that provides it)`,
    )
  return provider.open(connection, deps)
}
