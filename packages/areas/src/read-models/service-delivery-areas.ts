/**
 * The `service-delivery-areas` read model: every scheme's areas with their PCNs, every version with
 * the extract it was built from and the practices that extract had outside the PCN reference, and
 * where each LSOA sits in each version — its area, its dominant PCN, and whether by hand.
 */
import type { ProjectionContext } from '@civic-ledger/core'
import { defineCollection, defineProjection } from '@civic-ledger/core'

import type { SchemeEvent } from '../sda-scheme/events'
import { AssignmentRun, LsoaOverridden, SchemeDefined, SchemePublished, SchemeSuperseded } from '../sda-scheme/events'

// --- documents ---

/** A version of a scheme (and, as version 0, the scheme's name before any run). */
export interface SchemeVersionDoc {
  readonly schemeId: string
  readonly name: string
  readonly version: number
  readonly status: 'draft' | 'published' | 'superseded'
  readonly extract: string
  readonly extractDate: string
  readonly modelled: boolean
  /** The PCN reference each practice's PCN was read from. */
  readonly pcnReference: string
  /** Practices of the extract with no PCN in the reference on its date, left out; and their patients. */
  readonly excludedPractices: number
  readonly excludedPatients: number
  /** Those of them with patients in the scheme's LSOAs, and those patients. */
  readonly excludedPracticesInScope: ReadonlyArray<string>
  readonly excludedPatientsInScope: number
  readonly publishedAt: string | null
  readonly supersededAt: string | null
}

/** A service delivery area of a scheme: its name and the PCNs it groups. */
export interface SchemeAreaDoc {
  readonly schemeId: string
  readonly areaId: string
  /** Its place among the scheme's areas, from 0, as the definition lists them. */
  readonly position: number
  readonly name: string
  readonly pcns: ReadonlyArray<{ readonly code: string; readonly name: string }>
}

/** Where an LSOA sits in a version of a scheme. */
export interface SchemeLsoaDoc {
  readonly schemeId: string
  readonly version: number
  readonly lsoa: string
  /** Its area: by override if `override` says why, else its dominant PCN's; null when it has none. */
  readonly area: string | null
  /** Its dominant PCN, or null when no patient of it is registered at the reference's practices. */
  readonly pcn: string | null
  readonly patients: number
  readonly total: number
  readonly share: number
  readonly runnerUp: string | null
  readonly tie: boolean
  readonly override: string | null
}

/** The `scheme-versions` collection: each run of a scheme, with its extract and the practices left out. */
export const schemeVersionDocs = defineCollection<SchemeVersionDoc, 'schemeId'>('scheme-versions', {
  indexes: ['schemeId'],
})
/** The `scheme-areas` collection: each area of a scheme, with its PCNs. */
export const schemeAreaDocs = defineCollection<SchemeAreaDoc, 'schemeId'>('scheme-areas', { indexes: ['schemeId'] })
/**
 * The `scheme-lsoas` collection: where each LSOA sits in each version — its area, dominant PCN, and
 * whether by hand.
 */
export const schemeLsoaDocs = defineCollection<SchemeLsoaDoc, 'lsoa' | 'area' | 'schemeId'>('scheme-lsoas', {
  indexes: ['lsoa', 'area', 'schemeId'],
})

// --- applying each event ---

type DataOf<T extends SchemeEvent['type']> = Extract<SchemeEvent, { readonly type: T }>['data']

const versionKey = (schemeId: string, version: number): string => `${schemeId}@v${version}`

const defined = async (d: DataOf<'areas.SchemeDefined'>, ctx: ProjectionContext): Promise<void> => {
  await ctx.collection(schemeVersionDocs).put(`name:${d.schemeId}`, {
    schemeId: d.schemeId,
    name: d.name,
    version: 0,
    status: 'draft',
    extract: '',
    extractDate: '',
    modelled: false,
    pcnReference: d.pcnReference,
    excludedPractices: 0,
    excludedPatients: 0,
    excludedPracticesInScope: [],
    excludedPatientsInScope: 0,
    publishedAt: null,
    supersededAt: null,
  })
  const areas = ctx.collection(schemeAreaDocs)
  for (const [position, area] of d.areas.entries())
    await areas.put(`${d.schemeId}:${area.areaId}`, {
      schemeId: d.schemeId,
      areaId: area.areaId,
      position,
      name: area.name,
      pcns: area.pcns.map((p) => ({ code: p.code, name: p.name })),
    })
}

const ran = async (d: DataOf<'areas.AssignmentRun'>, ctx: ProjectionContext): Promise<void> => {
  const versions = ctx.collection(schemeVersionDocs)
  const lsoas = ctx.collection(schemeLsoaDocs)
  const key = versionKey(d.schemeId, d.version)
  await versions.put(key, {
    schemeId: d.schemeId,
    name: (await versions.get(`name:${d.schemeId}`))?.name ?? d.schemeId,
    version: d.version,
    status: 'draft',
    extract: d.extract.publication,
    extractDate: d.extract.extractDate,
    modelled: d.extract.modelled,
    pcnReference: d.pcnReference,
    excludedPractices: d.excluded.practices,
    excludedPatients: d.excluded.patients,
    excludedPracticesInScope: [...d.excluded.practicesInScope],
    excludedPatientsInScope: d.excluded.patientsInScope,
    publishedAt: null,
    supersededAt: null,
  })
  // A re-run of a draft replaces its LSOAs.
  for (const old of await lsoas.find({ schemeId: d.schemeId }))
    if (old.version === d.version) await lsoas.delete(`${key}:${old.lsoa}`)
  const none = { area: null, pcn: null, patients: 0, total: 0, share: 0, runnerUp: null, tie: false, override: null }
  for (const lsoa of d.unassigned)
    await lsoas.put(`${key}:${lsoa}`, { schemeId: d.schemeId, version: d.version, lsoa, ...none })
  for (const a of d.assignments)
    await lsoas.put(`${key}:${a.lsoa}`, {
      schemeId: d.schemeId,
      version: d.version,
      lsoa: a.lsoa,
      area: a.area ?? null,
      pcn: a.pcn,
      patients: a.patients,
      total: a.total,
      share: a.share,
      runnerUp: a.runnerUp?.pcn ?? null,
      tie: a.tie,
      override: null,
    })
}

const overridden = async (d: DataOf<'areas.LsoaOverridden'>, ctx: ProjectionContext): Promise<void> => {
  const lsoas = ctx.collection(schemeLsoaDocs)
  const id = `${versionKey(d.schemeId, d.version)}:${d.lsoa}`
  const before = await lsoas.get(id)
  if (before !== undefined) await lsoas.put(id, { ...before, area: d.area, override: d.reason })
}

const statusChanged = async (
  d: DataOf<'areas.SchemePublished' | 'areas.SchemeSuperseded'>,
  change: Pick<SchemeVersionDoc, 'status'> & Partial<Pick<SchemeVersionDoc, 'publishedAt' | 'supersededAt'>>,
  ctx: ProjectionContext,
): Promise<void> => {
  const versions = ctx.collection(schemeVersionDocs)
  const id = versionKey(d.schemeId, d.version)
  const before = await versions.get(id)
  if (before !== undefined) await versions.put(id, { ...before, ...change })
}

// --- the projection ---

/**
 * The `service-delivery-areas` read model: schemes, their versions and areas, and each LSOA's place in them.
 */
export const serviceDeliveryAreas = defineProjection({
  name: 'service-delivery-areas',
  // 2: areas are named groups of PCNs; LSOAs record their dominant PCN; runs count excluded practices.
  version: 2,
  events: [SchemeDefined, AssignmentRun, LsoaOverridden, SchemePublished, SchemeSuperseded],
  collections: [schemeVersionDocs, schemeAreaDocs, schemeLsoaDocs],
  apply: async (event, ctx) => {
    switch (event.type) {
      case 'areas.SchemeDefined':
        return defined(event.data, ctx)
      case 'areas.AssignmentRun':
        return ran(event.data, ctx)
      case 'areas.LsoaOverridden':
        return overridden(event.data, ctx)
      case 'areas.SchemePublished':
        return statusChanged(event.data, { status: 'published', publishedAt: event.metadata.occurredAt }, ctx)
      case 'areas.SchemeSuperseded':
        return statusChanged(event.data, { status: 'superseded', supersededAt: event.metadata.occurredAt }, ctx)
    }
  },
})
