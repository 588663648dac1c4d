/**
 * What an export reads from a ledger's read models: the `grants-publishing` documents, organisation
 * names from the partnership register, and what is known of each area from the areas read models —
 * its name and kind and, for an area with no 360Giving geoCodeType, the LSOAs it is made of and the
 * districts it lies in. The lookups are gathered first, so `threeSixtyGivingPackage` stays pure.
 * `exportThreeSixtyGiving` does both, for a ledger that runs the grants, areas and partnerships
 * plug-ins.
 */
import { areaLookups, createAreaQueries, linkDocs, schemeLsoaDocs, serviceDeliveryAreas } from '@civic-ledger/areas'
import type { ProjectionRunner } from '@civic-ledger/core'
import { createPartnershipQueries } from '@civic-ledger/partnerships'
import type { Either } from 'fp-ts/Either'

import type { AreaInfo } from './locations'
import { geoCodeTypeOf } from './locations'
import type { PublishingInput, PublishingOptions, PublishingProblem, ThreeSixtyGivingPackage } from './package'
import { threeSixtyGivingPackage } from './package'
import { fundPublishingDocs, grantPublishing, grantPublishingDocs } from './projection'

/** The service delivery area scheme whose areas (and PCNs) applications may name. */
export interface SchemeChoice {
  readonly schemeId: string
  /** The version to read; the one in force on `asOf` when absent. */
  readonly version?: number
  /** The day (`YYYY-MM-DD`) whose version is read; today when absent. */
  readonly asOf?: string
}

/** Every document of the `grants-publishing` read model. */
export const publishingInput = async (runner: Pick<ProjectionRunner, 'query'>): Promise<PublishingInput> => ({
  grants: await runner.query(grantPublishing, grantPublishingDocs).find(),
  funds: await runner.query(grantPublishing, fundPublishingDocs).find(),
})

/** Organisation names from the partnership register, for the org ids given. */
export const organisationLookup = async (
  runner: Pick<ProjectionRunner, 'query'>,
  orgIds: Iterable<string>,
): Promise<PublishingOptions['organisation']> => {
  const queries = createPartnershipQueries(runner)
  const names = new Map<string, { readonly name: string }>()
  for (const orgId of new Set(orgIds)) {
    const doc = await queries.organisation(orgId)
    if (doc !== undefined) names.set(orgId, { name: doc.name })
  }
  return (orgId) => names.get(orgId)
}

const unique = (codes: Iterable<string>): ReadonlyArray<string> => [...new Set(codes)].sort()

/**
 * What is known of each area named, and of the LSOAs and districts published in place of those with
 * no geoCodeType: by the area registry, else as a service delivery area or a PCN of `scheme`.
 */
export const areaLookup = async (
  runner: Pick<ProjectionRunner, 'query'>,
  codes: Iterable<string>,
  scheme?: SchemeChoice,
): Promise<PublishingOptions['area']> => {
  const queries = createAreaQueries(runner)
  const links = runner.query(areaLookups, linkDocs)
  const known = new Map<string, AreaInfo>()
  const schemeOption = scheme === undefined ? undefined : { schemeId: scheme.schemeId, ...versionOf(scheme) }
  const schemeAreas = scheme === undefined ? [] : await queries.schemeAreas(scheme.schemeId)

  const named = async (code: string): Promise<{ name: string; type: AreaInfo['type'] } | undefined> => {
    const docs = [...(await queries.area(code))].sort((a, b) => b.vintage.localeCompare(a.vintage))
    const latest = docs[0]
    if (latest !== undefined) return { name: latest.name, type: latest.type }
    const sda = schemeAreas.find((a) => a.areaId === code)
    if (sda !== undefined) return { name: sda.name, type: 'service-delivery-area' }
    const pcn = schemeAreas.flatMap((a) => a.pcns).find((p) => p.code === code)
    return pcn === undefined ? undefined : { name: pcn.name, type: 'pcn' }
  }

  /** The LSOAs in an area: linked to it, or to an area linked to it (ward → division, district → CA). */
  const lsoasBelow = async (code: string, type: AreaInfo['type']): Promise<ReadonlyArray<string>> => {
    if (type === 'service-delivery-area')
      return schemeOption === undefined ? [] : queries.lsoasOf(code, { scheme: schemeOption, ...asOfOf(scheme) })
    if (type === 'pcn') {
      if (schemeOption === undefined) return []
      const version = (await queries.schemeVersions(schemeOption.schemeId))[0]?.version
      const docs = await runner.query(serviceDeliveryAreas, schemeLsoaDocs).find({ schemeId: schemeOption.schemeId })
      const wanted = schemeOption.version ?? version
      return unique(docs.filter((d) => d.pcn === code && d.version === wanted).map((d) => d.lsoa))
    }
    const out: string[] = []
    for (const link of await links.find({ toCode: code })) {
      if (link.fromType === 'lsoa') out.push(link.fromCode)
      else
        for (const next of await links.find({ toCode: link.fromCode }))
          if (next.fromType === 'lsoa' && next.toType === link.fromType) out.push(next.fromCode)
    }
    return unique(out)
  }

  /** The districts an area lies in: those of its LSOAs, else the districts linked to it. */
  const districtsOf = async (code: string, lsoas: ReadonlyArray<string>): Promise<ReadonlyArray<string>> => {
    const out: string[] = []
    for (const lsoa of lsoas)
      for (const c of await queries.areasContaining(lsoa)) if (c.type === 'district') out.push(c.code)
    if (out.length === 0)
      for (const link of [...(await links.find({ toCode: code })), ...(await links.find({ fromCode: code }))]) {
        if (link.fromType === 'district' && link.toCode === code) out.push(link.fromCode)
        if (link.toType === 'district' && link.fromCode === code) out.push(link.toCode)
      }
    return unique(out)
  }

  const remember = async (code: string): Promise<AreaInfo | undefined> => {
    const seen = known.get(code)
    if (seen !== undefined) return seen
    const area = await named(code)
    if (area === undefined) return undefined
    known.set(code, area)
    return area
  }

  for (const code of new Set(codes)) {
    const area = await remember(code)
    if (area === undefined || geoCodeTypeOf(code) !== undefined) continue
    const lsoas = await lsoasBelow(code, area.type)
    const districts = await districtsOf(code, lsoas)
    known.set(code, { ...area, lsoas, districts })
    for (const part of [...lsoas, ...districts]) await remember(part)
  }
  return (code) => known.get(code)
}

const versionOf = (scheme: SchemeChoice): { readonly version?: number } =>
  scheme.version === undefined ? {} : { version: scheme.version }
const asOfOf = (scheme: SchemeChoice | undefined): { readonly asOf?: string } =>
  scheme?.asOf === undefined ? {} : { asOf: scheme.asOf }

/** The areas a set of grant documents names, with the LSOAs their drafts record. */
const areasNamed = (input: PublishingInput, wanted: ReadonlySet<string> | undefined): ReadonlyArray<string> =>
  input.grants
    .filter((g) => wanted === undefined || wanted.has(g.applicationId))
    .flatMap((g) => [...g.areas, ...(g.lsoas ?? [])])

/**
 * The 360Giving package of a ledger's grants: reads the `grants-publishing` documents, gathers the
 * organisation and area lookups from the partnership and areas read models, and builds the package.
 */
export const exportThreeSixtyGiving = async (
  runner: Pick<ProjectionRunner, 'query'>,
  options: Omit<PublishingOptions, 'organisation' | 'area'> & { readonly scheme?: SchemeChoice },
): Promise<Either<ReadonlyArray<PublishingProblem>, ThreeSixtyGivingPackage>> => {
  const input = await publishingInput(runner)
  const wanted = options.grants === undefined ? undefined : new Set(options.grants)
  const orgIds = [
    ...input.grants.filter((g) => wanted === undefined || wanted.has(g.applicationId)).map((g) => g.applicant),
    ...input.funds.map((f) => f.funder),
  ]
  const { scheme, ...rest } = options
  return threeSixtyGivingPackage(input, {
    ...rest,
    organisation: await organisationLookup(runner, orgIds),
    area: await areaLookup(runner, areasNamed(input, wanted), scheme),
  })
}
