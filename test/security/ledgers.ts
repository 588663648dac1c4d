/**
 * Fresh ledgers for the security tests, on each store: a connection string whose directory or
 * schema goes when the test ends, and a ledger opened on it with every store registered.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Ledger, LedgerOptions } from '@civic-ledger/core'
import { allowAll, createLedger } from '@civic-ledger/core'
import { postgresStoreProvider } from '@civic-ledger/store-postgres'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import type { ExecutionContext } from 'ava'

import { dropSchema, freshSchema, PG_URL, requirePostgres } from '../postgres'

export type StoreKind = 'memory' | 'sqlite' | 'postgres'

/** A connection string for a new, empty store of `kind`, removed when the test ends. */
export const freshStore = async (t: ExecutionContext, kind: StoreKind): Promise<string> => {
  if (kind === 'memory') return 'memory:'
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-security-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    return `sqlite:${join(dir, 'ledger.db')}`
  }
  await requirePostgres(`security tests (${t.title})`)
  const schema = freshSchema()
  t.teardown(() => dropSchema(schema))
  return `${PG_URL}?schema=${schema}`
}

/** Opens a ledger on `store` (a connection string) with every store registered; allowAll unless told. */
export const openLedger = (store: string, options: Partial<LedgerOptions> = {}): Promise<Ledger> =>
  createLedger({ store, storeProviders: [sqliteStoreProvider, postgresStoreProvider], policy: allowAll, ...options })

/** A new ledger of `kind`, closed and removed when the test ends. */
export const freshLedger = async (
  t: ExecutionContext,
  kind: StoreKind,
  options: Partial<LedgerOptions> = {},
): Promise<Ledger> => {
  const ledger = await openLedger(await freshStore(t, kind), options)
  t.teardown(() => ledger.close())
  return ledger
}
