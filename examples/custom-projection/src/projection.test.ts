/**
 * The plug-in's own tests, as an integrator writes them: given events, then the read model —
 * applied one at a time, as a full rebuild, and each event twice.
 */
import type { RecordedEvent } from '@civic-ledger/core'
import { projectionSpec, testMetadata } from '@civic-ledger/testing'
import test from 'ava'

import { grantsByWard } from './projection'

let position = 0
const recorded = (type: string, data: RecordedEvent['data']): RecordedEvent => {
  position++
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId: `grants.grant-${position}`,
    revision: 0,
    position,
    type,
    schemaVersion: 1,
    data,
    metadata: testMetadata(),
    recordedAt: '2026-06-01T10:00:00.000Z',
  }
}

const awarded = (grantId: string, ward: string, orgId: string, pence: number) =>
  recorded('grants.GrantAwarded', {
    grantId,
    fundId: 'community-fund-2026',
    recipient: { orgId, name: 'Example group' },
    amount: { amount: pence, currency: 'GBP' },
    ward: { code: ward, type: 'ward', vintage: '2025' },
    district: 'E07000008',
  })

const history = [
  awarded('g-1', 'E05013050', '360G-example-a', 300_000),
  awarded('g-2', 'E05013050', '360G-example-b', 200_000),
  awarded('g-3', 'E05013051', '360G-example-a', 100_000),
  recorded('grants.GrantWithdrawn', { grantId: 'g-2', reason: 'declined' }),
]

test('version 1 totals each ward, and a withdrawal takes its award away', async (t) => {
  await projectionSpec(grantsByWard(1))(t)
    .given(history, { twice: true })
    .then({
      'ward-totals': {
        E05013050: { wardCode: 'E05013050', district: 'E07000008', grants: 1, awardedPence: 300_000 },
        E05013051: { wardCode: 'E05013051', district: 'E07000008', grants: 1, awardedPence: 100_000 },
      },
      awards: {
        'g-1': { grantId: 'g-1', wardCode: 'E05013050', orgId: '360G-example-a', amountPence: 300_000 },
        'g-3': { grantId: 'g-3', wardCode: 'E05013051', orgId: '360G-example-a', amountPence: 100_000 },
      },
    })
})

test('version 2 also lists the organisations funded in each ward', async (t) => {
  await projectionSpec(grantsByWard(2))(t)
    .given(history, { twice: true })
    .then({
      'ward-totals': {
        E05013050: {
          wardCode: 'E05013050',
          district: 'E07000008',
          grants: 1,
          awardedPence: 300_000,
          organisations: ['360G-example-a'],
        },
        E05013051: {
          wardCode: 'E05013051',
          district: 'E07000008',
          grants: 1,
          awardedPence: 100_000,
          organisations: ['360G-example-a'],
        },
      },
      awards: {
        'g-1': { grantId: 'g-1', wardCode: 'E05013050', orgId: '360G-example-a', amountPence: 300_000 },
        'g-3': { grantId: 'g-3', wardCode: 'E05013051', orgId: '360G-example-a', amountPence: 100_000 },
      },
    })
})
