/**
 * Runs the grants-by-ward plug-in on a fresh SQLite ledger: records awards in real 2025 wards,
 * reads the read model by district, withdraws a grant, then deploys version 2 of the projection and
 * watches it build beside version 1 and take over.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

import type { EventMetadata, Ledger, NewEvent } from '@civic-ledger/core'
import { createLedger } from '@civic-ledger/core'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'

import { GrantAwarded, GrantWithdrawn } from './events'
import { grantsByWard, wardTotals } from './projection'
import { WARDS } from './wards'

const LEDGER = resolve(process.env['CIVIC_LEDGER_CUSTOM_PROJECTION_DB'] ?? 'var/custom-projection.db')

const metadata = {
  actor: { id: 'officer-7', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
  correlationId: 'community-fund-round-1',
  causationId: 'community-fund-round-1',
  occurredAt: '2026-06-01T10:00:00.000Z',
} as EventMetadata

const event = (type: string, data: object): NewEvent => ({
  eventId: randomUUID(),
  type,
  schemaVersion: 1,
  data: data as NewEvent['data'],
  metadata,
})

/** Two awards per ward, to example organisations (`360G-example-…`: not real organisations). */
const awards = WARDS.flatMap((ward, i) =>
  [0, 1].map((k) => ({
    grantId: `cf1-${ward.code}-${k}`,
    fundId: 'community-fund-2026',
    recipient: { orgId: `360G-example-org-${(i + k) % 5}`, name: `Example community group ${(i + k) % 5}` },
    amount: { amount: 250_000 + 50_000 * ((i * 2 + k) % 7), currency: 'GBP' },
    ward: { code: ward.code, type: 'ward', vintage: '2025' },
    district: ward.district,
  })),
)

const pounds = (pence: number): string => `£${(pence / 100).toLocaleString('en-GB')}`
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

const printDistricts = async (ledger: Ledger, log: (line: string) => void): Promise<void> => {
  for (const district of [...new Set(WARDS.map((w) => w.district))]) {
    const rows = await ledger.projections.query('grants-by-ward', wardTotals).find({ district })
    const line = rows
      .map((r) => {
        const name = WARDS.find((w) => w.code === r.wardCode)?.name ?? r.wardCode
        const orgs = r.organisations === undefined ? '' : `, ${count(r.organisations.length, 'organisation')}`
        return `${name} ${count(r.grants, 'grant')} ${pounds(r.awardedPence)}${orgs}`
      })
      .join('; ')
    log(`  ${district}: ${line}`)
  }
}

export const main = async (log: (line: string) => void = console.log): Promise<void> => {
  mkdirSync(dirname(LEDGER), { recursive: true })
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${LEDGER}${suffix}`, { force: true })
  const store = `sqlite:${LEDGER}`

  // 1. The plug-in is loaded from its module, as a CLI config would name it.
  const first = await createLedger({
    store,
    storeProviders: [sqliteStoreProvider],
    events: [GrantAwarded, GrantWithdrawn],
    plugins: [join(__dirname, 'projection.js')],
  })
  for (const award of awards)
    await first.trusted.store.appendToStream(`grants.grant-${award.grantId}`, [event(GrantAwarded.type, award)], {
      expectedRevision: 'noStream',
    })
  await first.trusted.store.appendToStream(
    'grants.grant-cf1-E05011268-1',
    [event(GrantWithdrawn.type, { grantId: 'cf1-E05011268-1', reason: 'the group merged with another' })],
    { expectedRevision: 0 },
  )
  const head = await first.projections.waitUntilCaughtUp()
  log(`version 1 caught up at position ${head}`)
  await printDistricts(first, log)
  await first.close()

  // 2. Version 2 is deployed: it builds beside version 1, which answers queries until it is ready.
  const second = await createLedger({
    store,
    storeProviders: [sqliteStoreProvider],
    events: [GrantAwarded, GrantWithdrawn],
    projections: [grantsByWard(2)],
  })
  const stages: string[] = []
  const watching = second.projections.statusOf$('grants-by-ward').subscribe((s) => {
    if (stages[stages.length - 1] !== s.stage) stages.push(s.stage)
  })
  await second.projections.waitUntilCaughtUp()
  await new Promise((r) => setTimeout(r, 50))
  watching.unsubscribe()
  log(`version 2: ${stages.join(' → ')}`)
  await printDistricts(second, log)
  await second.close()
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
