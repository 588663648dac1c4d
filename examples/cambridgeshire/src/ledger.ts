/**
 * The example's ledger: the four contexts' own policies (and an auditor who may seal), their
 * standard read models, a clock the history moves to each step's day, and name-based ids, so that
 * two runs record the same events.
 */
import { areasPlugin, areasPolicy } from '@civic-ledger/areas'
import type { IdGenerator, Ledger, LedgerOptions, Policy } from '@civic-ledger/core'
import { byContext, createLedger, fixedClock, rolePolicy, uuidV5 } from '@civic-ledger/core'
import { grantsPlugin, grantsPolicy } from '@civic-ledger/grants'
import { partnershipsPlugin, partnershipsPolicy } from '@civic-ledger/partnerships'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import { volunteersPlugin, volunteersPolicy } from '@civic-ledger/volunteers'

import type { SettableClock } from './history/timeline'
import { EXAMPLE_NAMESPACE } from './history/timeline'

/** The role that may seal the ledger (`audit.ledger` / `SealLedger`). */
export const AUDITOR = 'auditor'

/** Who may do what: each context's own policy, and the auditor's seal. */
export const examplePolicy: Policy = byContext({
  areas: areasPolicy,
  partnerships: partnershipsPolicy,
  grants: grantsPolicy,
  volunteers: volunteersPolicy,
  audit: rolePolicy({ 'audit.ledger': { SealLedger: [AUDITOR] } }),
})

/** The standard read models of the four contexts. */
export const examplePlugins = [areasPlugin, partnershipsPlugin, grantsPlugin, volunteersPlugin] as const

/** Ids for anything a command does not name itself: name-based, counting up, the same on every run. */
export const deterministicIds = (seed = 'cambridgeshire'): IdGenerator => {
  let n = 0
  return { uuid: () => uuidV5(EXAMPLE_NAMESPACE, `${seed}/id/${++n}`) }
}

/** The day the example's clock starts on, before the first step moves it. */
export const EXAMPLE_EPOCH = '2016-01-04T09:00:00.000Z'

export interface ExampleLedger {
  readonly ledger: Ledger
  readonly clock: SettableClock
}

/**
 * Opens a ledger for the example on `store` (`sqlite:…`, `memory:`) with the example's policy,
 * read models, clock and ids; `options` may add to them (a logger, a projection runner's batch).
 */
export const openExampleLedger = async (
  store: string,
  options: Omit<Partial<LedgerOptions>, 'store' | 'clock' | 'ids' | 'policy'> = {},
): Promise<ExampleLedger> => {
  const clock = fixedClock(EXAMPLE_EPOCH)
  const ledger = await createLedger({
    store,
    storeProviders: [sqliteStoreProvider],
    policy: examplePolicy,
    plugins: [...examplePlugins],
    clock,
    ids: deterministicIds(),
    ...options,
  })
  return { ledger, clock }
}
