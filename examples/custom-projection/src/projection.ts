/**
 * The plug-in: community grants by ward, for a dashboard that shows each ward's total and lets
 * officers list a district's wards. Version 2 adds the number of organisations funded in each ward;
 * deploying it rebuilds the read model beside version 1, which serves until version 2 catches up.
 *
 * The module exports `plugin`, so a ledger can load it by path: `createLedger({ plugins: ['./projection.js'] })`.
 */
import { defineCollection, definePlugin, defineProjection } from '@civic-ledger/core'

import { GrantAwarded, GrantWithdrawn } from './events'

/** One ward's totals. `organisations` is there from version 2. */
export interface WardTotal {
  readonly wardCode: string
  readonly district: string
  readonly grants: number
  readonly awardedPence: number
  readonly organisations?: ReadonlyArray<string>
}

/** Each award, kept so a withdrawal knows what to take away. */
export interface Award {
  readonly grantId: string
  readonly wardCode: string
  readonly orgId: string
  readonly amountPence: number
}

export const wardTotals = defineCollection<WardTotal, 'district'>('ward-totals', { indexes: ['district'] })
export const awards = defineCollection<Award, 'wardCode'>('awards', { indexes: ['wardCode'] })

const events = [GrantAwarded, GrantWithdrawn] as const

/** Builds the projection at a version: 1 counts grants and pence; 2 also lists the organisations. */
export const grantsByWard = (version: 1 | 2) =>
  defineProjection({
    name: 'grants-by-ward',
    version,
    events,
    collections: [wardTotals, awards],
    onFailure: { kind: 'dead-letter' },
    apply: async (event, ctx) => {
      const totals = ctx.collection(wardTotals)
      const kept = ctx.collection(awards)
      const change = async (award: Award, sign: 1 | -1, district: string): Promise<void> => {
        const before = (await totals.get(award.wardCode)) ?? {
          wardCode: award.wardCode,
          district,
          grants: 0,
          awardedPence: 0,
          ...(version === 2 ? { organisations: [] } : {}),
        }
        const wardAwards = version === 2 ? await kept.find({ wardCode: award.wardCode }) : []
        await totals.put(award.wardCode, {
          ...before,
          grants: before.grants + sign,
          awardedPence: before.awardedPence + sign * award.amountPence,
          ...(version === 2 ? { organisations: [...new Set(wardAwards.map((a) => a.orgId))].sort() } : {}),
        })
      }
      if (event.type === 'grants.GrantAwarded') {
        const data = event.data
        const award: Award = {
          grantId: data.grantId,
          wardCode: data.ward.code,
          orgId: data.recipient.orgId,
          amountPence: data.amount.amount,
        }
        // Applying an award twice must not count it twice: the award's own document says it is in.
        if ((await kept.get(award.grantId)) !== undefined) return
        await kept.put(award.grantId, award)
        await change(award, 1, data.district)
      } else {
        const award = await kept.get(event.data.grantId)
        if (award === undefined) return
        await kept.delete(award.grantId)
        const district = (await totals.get(award.wardCode))?.district ?? ''
        await change(award, -1, district)
      }
    },
  })

export const plugin = definePlugin({
  name: 'grants-by-ward',
  events: [GrantAwarded, GrantWithdrawn],
  projections: [grantsByWard(1)],
})
