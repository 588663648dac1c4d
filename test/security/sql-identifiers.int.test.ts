/**
 * Hostile identifiers against every store (RELIABILITY "Security"): a field name, collection name,
 * table prefix or limit that reaches SQL through a query or the read-model port is refused with a
 * typed error, on memory, SQLite and PostgreSQL alike, and neither the key table nor a canary table
 * nor another projection's rows can be read or changed through it.
 */
import type { Ledger } from '@civic-ledger/core'
import { InvalidArgumentError } from '@civic-ledger/core'
import { tablePrefix } from '@civic-ledger/core/store-kit'
import { applicants, applyCommand, roster, rosterProjection } from '@civic-ledger/testing'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { recordSweep } from './counts'
import { freshLedger } from './ledgers'

const actor = { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' }

/** Field names and collection names an attacker might hand to `find`, each aimed at the key table. */
const hostileFields = [
  "x') = ? UNION SELECT subject, json_quote(hex(key)) FROM privacy_keys --",
  "x' ) IS NOT NULL OR 1=1 --",
  "name' = '' OR '1'='1",
  'x"; DROP TABLE canary; --',
  "x') = 1); DELETE FROM rm_roster_v1__roster; --",
  'name\u0000',
  '$.name',
  'name.inner',
  '',
  'a'.repeat(64),
]

const hostileCollections = ['roster" UNION SELECT subject, key FROM privacy_keys --', 'Roster', '../roster', 'roster;']

const seed = async (t: ExecutionContext, ledger: Ledger): Promise<void> => {
  for (let n = 1; n <= 5; n++) {
    const result = await ledger.execute(applicants, applyCommand(n), { actor })()
    if (E.isLeft(result)) t.fail(result.left.message)
  }
  await ledger.projections.waitUntilCaughtUp()
}

/** Everything the attacks must leave as it was: the read model and, on SQL stores, a canary table. */
const snapshot = async (ledger: Ledger): Promise<string> => {
  const docs = await ledger.projections.query(rosterProjection, roster).entries()
  const canary = await ledger.trusted.readModels.read(async (r) =>
    r.sql === undefined ? [] : r.sql.query('SELECT id, note FROM canary ORDER BY id'),
  )
  return JSON.stringify({ docs, canary })
}

/** The attack resolved to nothing an attacker wants: it was refused with a typed error naming the argument. */
const refused = async (t: ExecutionContext, what: string, attack: () => Promise<unknown>): Promise<void> => {
  try {
    const result = await attack()
    t.fail(`${what} was not refused; it returned ${JSON.stringify(result).slice(0, 200)}`)
  } catch (error) {
    t.true(error instanceof InvalidArgumentError, `${what} failed with ${String(error)}, not InvalidArgumentError`)
  }
}

for (const kind of ['memory', 'sqlite', 'postgres'] as const) {
  test(`${kind}: hostile field names, collection names, prefixes and limits are refused and change nothing`, async (t) => {
    const ledger = await freshLedger(t, kind, { projections: [rosterProjection] })
    await seed(t, ledger)
    await ledger.trusted.readModels.transaction(async (tx) => {
      if (tx.sql === undefined) return
      await tx.sql.execute('CREATE TABLE canary (id integer PRIMARY KEY, note text)')
      await tx.sql.execute("INSERT INTO canary (id, note) VALUES (1, 'still here')")
    })
    const before = await snapshot(ledger)
    t.is((JSON.parse(before) as { docs: unknown[] }).docs.length, 5)
    const table = `${tablePrefix(rosterProjection.name, rosterProjection.version)}roster`

    let attacks = 0
    for (const field of hostileFields) {
      // A host's query with a forged collection definition that "indexes" the hostile field.
      const forged = { name: 'roster', indexes: [field] } as unknown as typeof roster
      await refused(t, `query find on ${JSON.stringify(field)}`, () =>
        ledger.projections.query(rosterProjection, forged).find({ [field]: 1 }),
      )
      await refused(t, `query entries on ${JSON.stringify(field)}`, () =>
        ledger.projections.query(rosterProjection, forged).entries({ [field]: 'x' }),
      )
      // The storage port itself, as a tool or another store's code would call it.
      await refused(t, `findDocuments on ${JSON.stringify(field)}`, () =>
        ledger.trusted.readModels.read((r) => r.findDocuments(table, [[field, 1]], {})),
      )
      await refused(t, `ensureCollection indexing ${JSON.stringify(field)}`, () =>
        ledger.trusted.readModels.transaction((tx) => tx.ensureCollection(table, [field])),
      )
      attacks += 4
    }
    for (const name of hostileCollections) {
      const forged = { name, indexes: [] } as unknown as typeof roster
      await refused(t, `query of collection ${JSON.stringify(name)}`, () =>
        ledger.projections.query(rosterProjection, forged).find(),
      )
      attacks += 1
    }
    for (const prefix of ['rm_', 'rm_roster', '', 'rm_roster_v1__roster" --', 'canary']) {
      await refused(t, `dropTables(${JSON.stringify(prefix)})`, () =>
        ledger.trusted.readModels.transaction((tx) => tx.dropTables(prefix)),
      )
      attacks += 1
    }
    for (const limit of ['1; DROP TABLE canary', -1, 1.5, Number.NaN, '10']) {
      await refused(t, `limit ${JSON.stringify(limit)}`, () =>
        ledger.trusted.readModels.read((r) => r.findDocuments(table, [], { limit: limit as number })),
      )
      attacks += 1
    }
    t.is(await snapshot(ledger), before, `${attacks} attacks left the read model and the canary as they were`)
    recordSweep('sql-identifiers', kind, { 'hostile identifiers refused': attacks })
  })
}
