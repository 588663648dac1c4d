// The log the benchmarks that need a realistic ledger write: grant applications, awards and
// withdrawals, and volunteer hours, with full metadata (about 600 characters of JSON per event).
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

const WARDS = ['E05013050', 'E05013051', 'E05011563', 'E05015426', 'E05015436', 'E05011268', 'E05011295', 'E05010806']
const FUNDS = ['community-resilience-2026', 'warm-spaces-2026', 'food-security-2026', 'youth-activities-2026']
const META = (n) => ({
  actor: { id: `officer-${n % 40}`, organisation: 'GB-LAE-CAM', role: 'grants-officer' },
  correlationId: `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`,
  causationId: `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`,
  occurredAt: '2026-04-01T10:15:00.000Z',
})

/** Event `n` of the log, with its stream: every ten, three submitted, three awarded, one withdrawn, three hours. */
export const eventAt = (n) => {
  const k = n % 10
  const app = Math.floor(n / 10) * 3 + (k % 3)
  const event = (type, data) => ({ eventId: randomUUID(), type, schemaVersion: 1, data, metadata: META(n) })
  if (k < 3)
    return {
      streamId: `grants.application-${app}`,
      event: event('grants.ApplicationSubmitted', {
        applicationId: `application-${app}`,
        fundId: FUNDS[app % FUNDS.length],
        applicant: { orgId: `GB-CHC-${1_100_000 + (app % 5_000)}`, name: `Community group ${app % 5_000}` },
        requested: { amount: 1_000_000 + (app % 997) * 100, currency: 'GBP' },
        ward: { code: WARDS[app % WARDS.length], type: 'ward', vintage: '2025' },
        title: 'Repair café and warm space at the village hall, two evenings a week through the winter',
        submittedOn: '2026-03-14',
      }),
    }
  if (k < 6)
    return {
      streamId: `grants.application-${app}`,
      event: event('grants.GrantAwarded', {
        applicationId: `application-${app}`,
        fundId: FUNDS[app % FUNDS.length],
        amount: { amount: 900_000 + (app % 991) * 100, currency: 'GBP' },
        ward: { code: WARDS[app % WARDS.length], type: 'ward', vintage: '2025' },
        conditions: ['Quarterly monitoring returns', 'Acknowledge the council in publicity'],
        awardedOn: '2026-04-01',
      }),
    }
  if (k === 6)
    return {
      streamId: `grants.application-${app}`,
      event: event('grants.GrantWithdrawn', { applicationId: `application-${app}`, reason: 'The group merged' }),
    }
  const volunteer = n % 3_000
  return {
    streamId: `volunteers.timesheet-${volunteer}-${Math.floor(n / 30_000)}`,
    event: event('volunteers.HoursLogged', {
      volunteerId: `volunteer-${volunteer}`,
      placementId: `placement-${volunteer % 700}`,
      date: `2026-${String(1 + (Math.floor(n / 1_000) % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
      hours: 1 + (n % 6),
      ward: { code: WARDS[n % WARDS.length], type: 'ward', vintage: '2025' },
    }),
  }
}

/**
 * Writes `total` events of the log to a new SQLite ledger at `path`, 1000 per transaction. With
 * `streams`, the events go round that many long streams instead of the log's own (a third of its
 * events start a new stream). `root` is the checkout whose store writes it (default this one).
 */
export const populate = async (path, total, streams = 0, root = new URL('..', import.meta.url).pathname) => {
  const { openSqliteEventStore } = require(`${root}/packages/store-sqlite/dist/index.js`)
  const store = await openSqliteEventStore({ path, synchronous: 'NORMAL' })
  for (let from = 0; from < total; from += 1_000) {
    const byStream = new Map()
    for (let n = from; n < Math.min(total, from + 1_000); n++) {
      const at = eventAt(n)
      const streamId = streams > 0 ? `ledger.stream-${n % streams}` : at.streamId
      const event = at.event
      const events = byStream.get(streamId) ?? []
      events.push(event)
      byStream.set(streamId, events)
    }
    await store.appendMulti([...byStream].map(([streamId, events]) => ({ streamId, events, expectedRevision: 'any' })))
  }
  await store.close()
}
