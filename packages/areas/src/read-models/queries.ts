/**
 * The queries host apps ask of the areas read models: which areas contain an LSOA (through the
 * lookups, and in the service delivery area scheme in force on a date), which LSOAs make up an
 * area, a scheme's versions and areas, and an indicator aggregated to any grouping. Every answer
 * carries where it came from: the release and its method, or the scheme and its version.
 */
import type { ProjectionRunner } from '@civic-ledger/core'

import type { AggregatedValue } from '../lib/aggregation'
import { aggregateIndicator } from '../lib/aggregation'
import type { AreaType } from '../lib/codes'
import type { LinkDoc } from './area-lookups'
import { areaLookups, linkDocs } from './area-lookups'
import type { IndicatorDoc } from './area-profiles'
import { areaProfileValues, indicatorDocs, indicatorValueDocs } from './area-profiles'
import type { AreaDoc } from './area-registry'
import { areaDocs, areaRegistry } from './area-registry'
import type { SchemeAreaDoc, SchemeVersionDoc } from './service-delivery-areas'
import { schemeAreaDocs, schemeLsoaDocs, schemeVersionDocs, serviceDeliveryAreas } from './service-delivery-areas'

/** One area an LSOA sits in, and how that is known. */
export interface Containment {
  readonly type: AreaType | 'service-delivery-area'
  readonly code: string
  readonly vintage: string
  /** The release and method, or the scheme and version, the answer comes from. */
  readonly via: string
  readonly method: 'exact' | 'best-fit' | 'derived' | 'dominant-lsoa' | 'override'
}

/** The questions `createAreaQueries` answers from the areas read models. */
export interface AreaQueries {
  /** The areas with this code, in every release that records it. */
  area(code: string): Promise<ReadonlyArray<AreaDoc>>
  /**
   * The areas an LSOA sits in: through every lookup from it (and one step on, e.g. ward → district,
   * marked with both methods), and in each scheme's service delivery area — the version in force on
   * `asOf` (an ISO date), or the version named.
   */
  areasContaining(
    lsoa: string,
    options?: {
      readonly asOf?: string
      readonly scheme?: { readonly schemeId: string; readonly version?: number }
      /** Only lookups from the LSOA as it was in this vintage (an unchanged LSOA keeps its code). */
      readonly lsoaVintage?: string
    },
  ): Promise<ReadonlyArray<Containment>>
  /** The LSOAs of an area: by lookup, or, for a scheme's area, in the version in force or named. */
  lsoasOf(
    code: string,
    options?: { readonly asOf?: string; readonly scheme?: { readonly schemeId: string; readonly version?: number } },
  ): Promise<ReadonlyArray<string>>
  /**
   * A scheme's versions, newest first, each with the extract it was built from and the practices
   * that extract had outside the PCN reference (left out, and counted).
   */
  schemeVersions(schemeId: string): Promise<ReadonlyArray<SchemeVersionDoc>>
  /** A scheme's service delivery areas, in the order it defines them, each with the PCNs it groups. */
  schemeAreas(schemeId: string): Promise<ReadonlyArray<SchemeAreaDoc>>
  /**
   * An indicator for a period, aggregated to areas: of a kind through the lookups from the values'
   * LSOA vintage (`{ type, vintage }`), or to a scheme's service delivery areas. Says how.
   */
  profile(
    indicatorId: string,
    period: string,
    groupBy:
      | { readonly type: AreaType; readonly vintage?: string }
      | { readonly scheme: { readonly schemeId: string; readonly version?: number }; readonly asOf?: string },
  ): Promise<{
    readonly indicator: IndicatorDoc | undefined
    readonly groupedBy: string
    readonly methods: ReadonlyArray<string>
    readonly areas: ReadonlyArray<AggregatedValue>
  }>
}

const weakest = (a: LinkDoc['method'], b: LinkDoc['method']): LinkDoc['method'] =>
  a === 'derived' || b === 'derived' ? 'derived' : a === 'best-fit' || b === 'best-fit' ? 'best-fit' : 'exact'

/** The read models the queries read. */
const viewsOf = (runner: Pick<ProjectionRunner, 'query'>) => ({
  areas: runner.query(areaRegistry, areaDocs),
  links: runner.query(areaLookups, linkDocs),
  versions: runner.query(serviceDeliveryAreas, schemeVersionDocs),
  lsoaDocs: runner.query(serviceDeliveryAreas, schemeLsoaDocs),
  schemeAreas: runner.query(serviceDeliveryAreas, schemeAreaDocs),
  indicators: runner.query(areaProfileValues, indicatorDocs),
  indicatorValues: runner.query(areaProfileValues, indicatorValueDocs),
})
type Views = ReturnType<typeof viewsOf>

const schemeVersionsIn = async (v: Views, schemeId: string): Promise<ReadonlyArray<SchemeVersionDoc>> =>
  (await v.versions.find({ schemeId })).filter((d) => d.version > 0).sort((a, b) => b.version - a.version)

/** The version to answer from: the one named, or the published one in force on `asOf` (default: now). */
const versionOf = async (v: Views, schemeId: string, version?: number, asOf?: string): Promise<number | undefined> => {
  if (version !== undefined) return version
  const day = asOf ?? new Date().toISOString()
  const inForce = (await schemeVersionsIn(v, schemeId)).find(
    (d) =>
      d.publishedAt !== null &&
      d.publishedAt.slice(0, 10) <= day.slice(0, 10) &&
      (d.supersededAt === null || d.supersededAt.slice(0, 10) > day.slice(0, 10)),
  )
  return inForce?.version
}

const areasContaining = async (
  v: Views,
  lsoa: string,
  options: Parameters<AreaQueries['areasContaining']>[1] = {},
): Promise<ReadonlyArray<Containment>> => {
  const out: Containment[] = []
  for (const link of await v.links.find({ fromCode: lsoa })) {
    if (options.lsoaVintage !== undefined && link.fromVintage !== options.lsoaVintage) continue
    out.push({
      type: link.toType,
      code: link.toCode,
      vintage: link.toVintage,
      via: link.releaseId,
      method: link.method,
    })
    for (const next of await v.links.find({ fromCode: link.toCode }))
      // GSS codes change when boundaries do, so the same code in another product is the same area.
      if (next.fromType === link.toType)
        out.push({
          type: next.toType,
          code: next.toCode,
          vintage: next.toVintage,
          via: `${link.releaseId} then ${next.releaseId}`,
          method: weakest(link.method, next.method),
        })
  }
  const schemes =
    options.scheme === undefined
      ? [...new Set((await v.lsoaDocs.find({ lsoa })).map((d) => d.schemeId))]
      : [options.scheme.schemeId]
  for (const schemeId of schemes) {
    const version = await versionOf(v, schemeId, options.scheme?.version, options.asOf)
    if (version === undefined) continue
    const doc = (await v.lsoaDocs.find({ lsoa, schemeId })).find((d) => d.version === version)
    if (doc?.area === undefined || doc.area === null) continue
    out.push({
      type: 'service-delivery-area',
      code: doc.area,
      vintage: `${schemeId} v${version}`,
      via: `scheme ${schemeId} version ${version}`,
      method: doc.override === null ? 'dominant-lsoa' : 'override',
    })
  }
  const seen = new Set<string>()
  return out.filter((c) => {
    const key = `${c.type}|${c.code}|${c.vintage}|${c.via}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const profileOf = async (
  v: Views,
  ...[indicatorId, period, groupBy]: Parameters<AreaQueries['profile']>
): ReturnType<AreaQueries['profile']> => {
  const indicator = await v.indicators.get(indicatorId)
  const values = await v.indicatorValues.find({ key: `${indicatorId}@${period}` })
  const vintage = values[0]?.lsoaVintage
  const aggregation = indicator?.aggregation ?? 'sum'
  let grouping: Array<readonly [string, string]>
  let groupedBy: string
  let methods: string[]
  if ('scheme' in groupBy) {
    const { schemeId } = groupBy.scheme
    const version = await versionOf(v, schemeId, groupBy.scheme.version, groupBy.asOf)
    const docs = (await v.lsoaDocs.find({ schemeId })).filter((d) => d.version === version && d.area !== null)
    grouping = docs.map((d) => [d.lsoa, d.area ?? ''] as const)
    groupedBy =
      version === undefined ? `scheme ${schemeId}: no version in force` : `scheme ${schemeId} version ${version}`
    methods = [...new Set(docs.map((d) => (d.override === null ? 'dominant-lsoa' : 'override')))].sort()
  } else {
    const matching = (await v.links.find()).filter(
      (l) =>
        l.fromType === 'lsoa' &&
        l.fromVintage === vintage &&
        l.toType === groupBy.type &&
        (groupBy.vintage === undefined || l.toVintage === groupBy.vintage),
    )
    grouping = matching.map((l) => [l.fromCode, l.toCode] as const)
    groupedBy = `${groupBy.type} via ${[...new Set(matching.map((l) => l.releaseId))].join(', ') || 'no lookup'}`
    methods = [...new Set(matching.map((l) => l.method))].sort()
  }
  return {
    indicator,
    groupedBy,
    methods,
    areas: aggregateIndicator(
      values.map((v) => ({
        lsoa: v.lsoa,
        value: v.value,
        ...(v.population === null ? {} : { population: v.population }),
      })),
      grouping,
      aggregation,
    ),
  }
}

/**
 * The questions an app asks of the areas read models (see `AreaQueries`), on a ledger's projections.
 *
 * @example
 * ```ts
 * const areas = createAreaQueries(ledger.projections)
 * const lsoas = await areas.lsoasOf('E05010814')
 * ```
 */
export const createAreaQueries = (runner: Pick<ProjectionRunner, 'query'>): AreaQueries => {
  const v = viewsOf(runner)
  return {
    area: (code) => v.areas.find({ code }),
    areasContaining: (lsoa, options) => areasContaining(v, lsoa, options),
    lsoasOf: async (code, options = {}) => {
      if (options.scheme !== undefined) {
        const version = await versionOf(v, options.scheme.schemeId, options.scheme.version, options.asOf)
        if (version === undefined) return []
        return (await v.lsoaDocs.find({ area: code, schemeId: options.scheme.schemeId }))
          .filter((d) => d.version === version)
          .map((d) => d.lsoa)
          .sort()
      }
      return [
        ...new Set((await v.links.find({ toCode: code })).filter((l) => l.fromType === 'lsoa').map((l) => l.fromCode)),
      ].sort()
    },
    schemeVersions: (schemeId) => schemeVersionsIn(v, schemeId),
    schemeAreas: async (schemeId) =>
      [...(await v.schemeAreas.find({ schemeId }))].sort((a, b) => a.position - b.position),
    profile: (indicatorId, period, groupBy) => profileOf(v, indicatorId, period, groupBy),
  }
}
