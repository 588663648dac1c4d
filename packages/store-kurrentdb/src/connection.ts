/**
 * Connection strings. Everything in a `kurrentdb://` (or `kurrentdb+discover://`, `kurrent://`,
 * `kdb://`, `esdb://`, `esdb+discover://`…) connection string is passed to the client exactly as
 * written — hosts or gossip seeds, `tls`, `tlsVerifyCert`, `tlsCAFile`, `nodePreference`,
 * `defaultDeadline`, credentials, `keepAlive…` and whatever later clients add — except two options
 * of Civic Ledger's own, which the client would otherwise warn about and ignore:
 *
 * - `ledger=<name>`: the ledger's name on the server (its streams are `<name>/<streamId>`), default
 *   `civic-ledger`;
 * - `readModels=<connection string>` (URL-encoded): the SQLite or PostgreSQL store whose read models
 *   and keys the ledger uses, e.g. `readModels=sqlite%3A.%2Fread-models.db`.
 */
import { InvalidArgumentError } from '@civic-ledger/core'

/** The schemes the client accepts (its `parseConnectionString`), all registered. */
export const KURRENTDB_SCHEMES = [
  'kurrentdb',
  'kurrentdb+discover',
  'kurrent',
  'kurrent+discover',
  'kdb',
  'kdb+discover',
  'esdb',
  'esdb+discover',
] as const

/**
 * A KurrentDB connection string taken apart: what the client is given, and Civic Ledger's own
 * options (`ledger=`, `readModels=`).
 */
export interface KurrentDBConnection {
  /** The connection string for the client: the original without Civic Ledger's own options. */
  readonly clientConnection: string
  /** The ledger's name on the server (`ledger=`). */
  readonly ledger?: string
  /** The connection string of the read models' store (`readModels=`, URL-encoded). */
  readonly readModels?: string
}

const OWN = new Map([
  ['ledger', 'ledger'],
  ['readmodels', 'readModels'],
])

/** The client's way of naming an option: case and `-`/`_` do not matter. */
const flat = (key: string): string => key.toLowerCase().replace(/[-_]/g, '')

const LEDGER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/

/**
 * Takes Civic Ledger's own options out of a KurrentDB connection string and leaves the client's.
 * Throws `InvalidArgumentError` for another scheme, a malformed option or an invalid ledger name.
 */
export const parseKurrentDBConnection = (connection: string): KurrentDBConnection => {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(connection)?.[1]?.toLowerCase()
  if (scheme === undefined || !(KURRENTDB_SCHEMES as ReadonlyArray<string>).includes(scheme))
    throw new InvalidArgumentError(
      'store',
      `a KurrentDB connection string starts with ${KURRENTDB_SCHEMES.map((s) => `${s}://`).join(', ')}`,
    )
  const q = connection.indexOf('?')
  if (q < 0) return { clientConnection: connection }
  const kept: string[] = []
  const own: Record<string, string> = {}
  for (const part of connection.slice(q + 1).split('&')) {
    const eq = part.indexOf('=')
    const key = eq < 0 ? part : part.slice(0, eq)
    const name = OWN.get(flat(key))
    if (name === undefined) {
      if (part.length > 0) kept.push(part)
      continue
    }
    let value: string
    try {
      value = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1))
    } catch {
      throw new InvalidArgumentError('store', `the ${name} option of the connection string is not URL-encoded text`)
    }
    if (value.length === 0)
      throw new InvalidArgumentError('store', `the ${name} option of the connection string is empty`)
    own[name] = value
  }
  const ledger = own['ledger']
  if (ledger !== undefined && !LEDGER_NAME.test(ledger))
    throw new InvalidArgumentError(
      'store',
      `ledger=${ledger}: a ledger name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    )
  return {
    clientConnection: kept.length === 0 ? connection.slice(0, q) : `${connection.slice(0, q)}?${kept.join('&')}`,
    ...(ledger === undefined ? {} : { ledger }),
    ...(own['readModels'] === undefined ? {} : { readModels: own['readModels'] }),
  }
}
