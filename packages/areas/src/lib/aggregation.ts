/**
 * Aggregating LSOA values to areas: counts are summed; rates and scores are averaged weighted by
 * population. Each aggregate says how it was made: the method, and how many of the area's LSOAs
 * had values.
 */
import * as t from 'io-ts'

// --- model ---

/** How an indicator's LSOA values add up to an area's. */
export const Aggregation = t.keyof({ sum: null, 'population-weighted-mean': null }, 'Aggregation')
export type Aggregation = t.TypeOf<typeof Aggregation>

/** An indicator aggregated to one area: the value (by the aggregation named), and how many LSOAs had one. */
export interface AggregatedValue {
  readonly area: string
  /** Undefined when no LSOA of the area has a value (or, for a weighted mean, any population). */
  readonly value: number | undefined
  readonly aggregation: Aggregation
  readonly lsoasWithValues: number
  readonly lsoasInArea: number
  readonly population: number | undefined
}

// --- aggregation ---

/**
 * Aggregates LSOA values to areas. `grouping` is `[lsoa, area]` pairs, as a lookup or a scheme
 * gives them: an LSOA in two areas (a many-to-many lookup) counts fully in both, as ONS lookups do.
 */
export const aggregateIndicator = (
  values: ReadonlyArray<{ readonly lsoa: string; readonly value: number; readonly population?: number }>,
  grouping: ReadonlyArray<readonly [lsoa: string, area: string]>,
  aggregation: Aggregation,
): ReadonlyArray<AggregatedValue> => {
  const byLsoa = new Map(values.map((v) => [v.lsoa, v]))
  const areas = new Map<string, string[]>()
  for (const [lsoa, area] of grouping) areas.set(area, [...(areas.get(area) ?? []), lsoa])
  return [...areas.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([area, lsoas]) => {
      const present = [...new Set(lsoas)].flatMap((l) => {
        const v = byLsoa.get(l)
        return v === undefined ? [] : [v]
      })
      const population = present.every((v) => v.population !== undefined)
        ? present.reduce((s, v) => s + (v.population ?? 0), 0)
        : undefined
      let value: number | undefined
      if (aggregation === 'sum') value = present.length === 0 ? undefined : present.reduce((s, v) => s + v.value, 0)
      else {
        const weight = present.reduce((s, v) => s + (v.population ?? 0), 0)
        value = weight === 0 ? undefined : present.reduce((s, v) => s + v.value * (v.population ?? 0), 0) / weight
      }
      return {
        area,
        value,
        aggregation,
        lsoasWithValues: present.length,
        lsoasInArea: new Set(lsoas).size,
        population,
      }
    })
}
