/** The `area-profiles` read model: indicators, and their values per LSOA and period. */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import { IndicatorDefined, IndicatorValuesRecorded } from '../indicator/events'
import type { Aggregation } from '../lib/aggregation'

/** A document of the `indicators` collection of the `area-profiles` read model. */
export interface IndicatorDoc {
  readonly indicatorId: string
  readonly name: string
  readonly unit: string
  readonly aggregation: Aggregation
}

/** A document of the `indicator-values` collection of the `area-profiles` read model. */
export interface IndicatorValueDoc {
  readonly indicatorId: string
  readonly key: string
  readonly period: string
  readonly lsoaVintage: string
  readonly lsoa: string
  readonly value: number
  readonly population: number | null
  readonly source: string
}

/** The `indicators` collection of `area-profiles`: each indicator as defined. */
export const indicatorDocs = defineCollection<IndicatorDoc>('indicators')
/** The `indicator-values` collection of `area-profiles`: each indicator's value for an LSOA in a period. */
export const indicatorValueDocs = defineCollection<IndicatorValueDoc, 'key'>('indicator-values', { indexes: ['key'] })

/** The `area-profiles` read model: indicators and their values per LSOA, for aggregating to any grouping. */
export const areaProfileValues = defineProjection({
  name: 'area-profiles',
  version: 1,
  events: [IndicatorDefined, IndicatorValuesRecorded],
  collections: [indicatorDocs, indicatorValueDocs],
  apply: async (event, ctx) => {
    if (event.type === 'areas.IndicatorDefined') {
      const { indicatorId, name, unit, aggregation } = event.data
      await ctx.collection(indicatorDocs).put(indicatorId, { indicatorId, name, unit, aggregation })
      return
    }
    const d = event.data
    const values = ctx.collection(indicatorValueDocs)
    for (const v of d.values)
      await values.put(`${d.indicatorId}@${d.period}:${v.lsoa}`, {
        indicatorId: d.indicatorId,
        key: `${d.indicatorId}@${d.period}`,
        period: d.period,
        lsoaVintage: d.lsoaVintage,
        lsoa: v.lsoa,
        value: v.value,
        population: v.population ?? null,
        source: d.source.name,
      })
  },
})
