/**
 * The read models of the areas context — projection plug-ins of the same kind any integrator writes
 * — and the queries host apps ask of them: which areas contain an LSOA (in a release, or in the
 * service delivery area scheme in force on a date), and which LSOAs make up an area. Every answer
 * carries where it came from: the release and its method, or the scheme and its version.
 */
import type { ProjectionRunner } from '@civic-ledger/core'
import { defineCollection, definePlugin, defineProjection } from '@civic-ledger/core'

import type { AreaType } from './codes'
import { pcnEvents } from './pcn'
import type { AggregatedValue, Aggregation } from './profile'
import { aggregateIndicator, IndicatorDefined, IndicatorValuesRecorded, profileEvents } from './profile'
import { AreasRecorded, LookupRecorded, releaseEvents, ReleaseImported } from './release'
import { AssignmentRun, LsoaOverridden, SchemeDefined, schemeEvents, SchemePublished, SchemeSuperseded } from './scheme'

// --- documents ---

export interface AreaDoc {
  readonly code: string
  readonly name: string
  readonly type: AreaType
  readonly vintage: string
  readonly releaseId: string
}

export interface ReleaseDoc {
  readonly releaseId: string
  readonly title: string
  readonly publisher: string
  readonly source: string
  readonly licence: string
  readonly corrects: string | null
  readonly importedAt: string
}

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

export interface SchemeVersionDoc {
  readonly schemeId: string
  readonly name: string
  readonly version: number
  readonly status: 'draft' | 'published' | 'superseded'
  readonly extract: string
  readonly extractDate: string
  readonly modelled: boolean
  readonly publishedAt: string | null
  readonly supersededAt: string | null
}

export interface SchemeLsoaDoc {
  readonly schemeId: string
  readonly version: number
  readonly lsoa: string
  readonly area: string | null
  readonly patients: number
  readonly total: number
  readonly share: number
  readonly runnerUp: string | null
  readonly tie: boolean
  readonly override: string | null
}

export const areaDocs = defineCollection<AreaDoc, 'code' | 'type'>('areas', { indexes: ['code', 'type'] })
export const releaseDocs = defineCollection<ReleaseDoc>('releases')
export const linkDocs = defineCollection<LinkDoc, 'fromCode' | 'toCode'>('links', { indexes: ['fromCode', 'toCode'] })
export const schemeVersionDocs = defineCollection<SchemeVersionDoc, 'schemeId'>('scheme-versions', {
  indexes: ['schemeId'],
})
export const schemeLsoaDocs = defineCollection<SchemeLsoaDoc, 'lsoa' | 'area' | 'schemeId'>('scheme-lsoas', {
  indexes: ['lsoa', 'area', 'schemeId'],
})

// --- projections ---

/** Every area of every release, and the releases themselves. */
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

/** Every pair of every lookup, searchable from either end. */
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

/** Every version of every scheme, and where each LSOA sits in it. */
export const serviceDeliveryAreas = defineProjection({
  name: 'service-delivery-areas',
  version: 1,
  events: [SchemeDefined, AssignmentRun, LsoaOverridden, SchemePublished, SchemeSuperseded],
  collections: [schemeVersionDocs, schemeLsoaDocs],
  apply: async (event, ctx) => {
    const versions = ctx.collection(schemeVersionDocs)
    const lsoas = ctx.collection(schemeLsoaDocs)
    const versionKey = (schemeId: string, version: number): string => `${schemeId}@v${version}`
    switch (event.type) {
      case 'areas.SchemeDefined': {
        await versions.put(`name:${event.data.schemeId}`, {
          schemeId: event.data.schemeId,
          name: event.data.name,
          version: 0,
          status: 'draft',
          extract: '',
          extractDate: '',
          modelled: false,
          publishedAt: null,
          supersededAt: null,
        })
        return
      }
      case 'areas.AssignmentRun': {
        const d = event.data
        const name = (await versions.get(`name:${d.schemeId}`))?.name ?? d.schemeId
        await versions.put(versionKey(d.schemeId, d.version), {
          schemeId: d.schemeId,
          name,
          version: d.version,
          status: 'draft',
          extract: d.extract.publication,
          extractDate: d.extract.extractDate,
          modelled: d.extract.modelled,
          publishedAt: null,
          supersededAt: null,
        })
        // A re-run of a draft replaces its LSOAs.
        for (const old of await lsoas.find({ schemeId: d.schemeId }))
          if (old.version === d.version) await lsoas.delete(`${versionKey(d.schemeId, d.version)}:${old.lsoa}`)
        for (const a of d.assignments)
          await lsoas.put(`${versionKey(d.schemeId, d.version)}:${a.lsoa}`, {
            schemeId: d.schemeId,
            version: d.version,
            lsoa: a.lsoa,
            area: a.area,
            patients: a.patients,
            total: a.total,
            share: a.share,
            runnerUp: a.runnerUp?.area ?? null,
            tie: a.tie,
            override: null,
          })
        for (const lsoa of d.unassigned)
          await lsoas.put(`${versionKey(d.schemeId, d.version)}:${lsoa}`, {
            schemeId: d.schemeId,
            version: d.version,
            lsoa,
            area: null,
            patients: 0,
            total: 0,
            share: 0,
            runnerUp: null,
            tie: false,
            override: null,
          })
        return
      }
      case 'areas.LsoaOverridden': {
        const id = `${versionKey(event.data.schemeId, event.data.version)}:${event.data.lsoa}`
        const before = await lsoas.get(id)
        if (before !== undefined) await lsoas.put(id, { ...before, area: event.data.area, override: event.data.reason })
        return
      }
      case 'areas.SchemePublished':
      case 'areas.SchemeSuperseded': {
        const id = versionKey(event.data.schemeId, event.data.version)
        const before = await versions.get(id)
        if (before === undefined) return
        await versions.put(
          id,
          event.type === 'areas.SchemePublished'
            ? { ...before, status: 'published', publishedAt: event.metadata.occurredAt }
            : { ...before, status: 'superseded', supersededAt: event.metadata.occurredAt },
        )
      }
    }
  },
})

export interface IndicatorDoc {
  readonly indicatorId: string
  readonly name: string
  readonly unit: string
  readonly aggregation: Aggregation
}

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

export const indicatorDocs = defineCollection<IndicatorDoc>('indicators')
export const indicatorValueDocs = defineCollection<IndicatorValueDoc, 'key'>('indicator-values', { indexes: ['key'] })

/** Indicator values per LSOA and period. */
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

/** The areas context's read models as one plug-in. */
export const areasPlugin = definePlugin({
  name: 'areas',
  // Every event the context records, so a ledger that declares events knows all of them.
  events: [
    ...releaseEvents.definitions,
    ...pcnEvents.definitions,
    ...schemeEvents.definitions,
    ...profileEvents.definitions,
  ],
  projections: [areaRegistry, areaLookups, serviceDeliveryAreas, areaProfileValues],
})

// --- queries ---

/** One area an LSOA sits in, and how that is known. */
export interface Containment {
  readonly type: AreaType | 'service-delivery-area'
  readonly code: string
  readonly vintage: string
  /** The release and method, or the scheme and version, the answer comes from. */
  readonly via: string
  readonly method: 'exact' | 'best-fit' | 'derived' | 'dominant-lsoa' | 'override'
}

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
  /** A scheme's versions, newest first. */
  schemeVersions(schemeId: string): Promise<ReadonlyArray<SchemeVersionDoc>>
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
    profile: (indicatorId, period, groupBy) => profileOf(v, indicatorId, period, groupBy),
  }
}
