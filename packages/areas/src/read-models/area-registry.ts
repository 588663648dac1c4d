/** The `area-registry` read model: every area of every release, and the releases themselves. */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import type { AreaType } from '../lib/codes'
import { AreasRecorded, ReleaseImported } from '../release/events'

// --- documents ---

/** A document of the `areas` collection of the `area-registry` read model. */
export interface AreaDoc {
  readonly code: string
  readonly name: string
  readonly type: AreaType
  readonly vintage: string
  readonly releaseId: string
}

/** A document of the `releases` collection of the `area-registry` read model. */
export interface ReleaseDoc {
  readonly releaseId: string
  readonly title: string
  readonly publisher: string
  readonly source: string
  readonly licence: string
  readonly corrects: string | null
  readonly importedAt: string
}

/** The `areas` collection of `area-registry`: each area of each release, by code and type. */
export const areaDocs = defineCollection<AreaDoc, 'code' | 'type'>('areas', { indexes: ['code', 'type'] })
/** The `releases` collection of `area-registry`: each geography release imported. */
export const releaseDocs = defineCollection<ReleaseDoc>('releases')

// --- the projection ---

/** The `area-registry` read model: the releases imported and the areas each recorded. */
export const areaRegistry = defineProjection({
  name: 'area-registry',
  version: 1,
  events: [ReleaseImported, AreasRecorded],
  collections: [areaDocs, releaseDocs],
  apply: async (event, ctx) => {
    if (event.type === 'areas.ReleaseImported') {
      const d = event.data
      await ctx.collection(releaseDocs).put(d.releaseId, {
        releaseId: d.releaseId,
        title: d.title,
        publisher: d.publisher,
        source: d.source.name,
        licence: d.source.licence,
        corrects: d.corrects ?? null,
        importedAt: event.metadata.occurredAt,
      })
      return
    }
    const areas = ctx.collection(areaDocs)
    for (const area of event.data.areas)
      await areas.put(`${event.data.releaseId}:${event.data.type}@${event.data.vintage}:${area.code}`, {
        code: area.code,
        name: area.name,
        type: event.data.type,
        vintage: event.data.vintage,
        releaseId: event.data.releaseId,
      })
  },
})
