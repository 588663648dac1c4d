/** The `area-lookups` read model: every pair of every lookup, searchable from either end. */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import type { AreaType } from '../lib/codes'
import { LookupRecorded } from '../release/events'

/** A document of the `links` collection of the `area-lookups` read model. */
export interface LinkDoc {
  readonly releaseId: string
  readonly fromCode: string
  readonly fromType: AreaType
  readonly fromVintage: string
  readonly toCode: string
  readonly toType: AreaType
  readonly toVintage: string
  readonly method: 'exact' | 'best-fit' | 'derived'
}

/** The `links` collection of `area-lookups`: each published pair of a lookup, findable by either code. */
export const linkDocs = defineCollection<LinkDoc, 'fromCode' | 'toCode'>('links', { indexes: ['fromCode', 'toCode'] })

/** The `area-lookups` read model: every lookup between two sets of areas, pair by pair, as published. */
export const areaLookups = defineProjection({
  name: 'area-lookups',
  version: 1,
  events: [LookupRecorded],
  collections: [linkDocs],
  apply: async (event, ctx) => {
    const links = ctx.collection(linkDocs)
    const { releaseId, from, to, method } = event.data
    for (const [a, b] of event.data.pairs)
      await links.put(`${releaseId}:${from.type}@${from.vintage}>${to.type}@${to.vintage}:${a}>${b}`, {
        releaseId,
        fromCode: a,
        fromType: from.type,
        fromVintage: from.vintage,
        toCode: b,
        toType: to.type,
        toVintage: to.vintage,
        method,
      })
  },
})
