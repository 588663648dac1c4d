/**
 * The service delivery area scheme version a report uses — the one named, or the version in force on
 * the report's day (else the latest) — with its areas and where each LSOA sits, and the picks that
 * name the events deciding an LSOA's area.
 */
import type { SchemeAreaDoc, SchemeLsoaDoc, SchemeVersionDoc } from '@civic-ledger/areas'
import { schemeAreaDocs, schemeLsoaDocs, schemeVersionDocs, serviceDeliveryAreas } from '@civic-ledger/areas'
import { streamId } from '@civic-ledger/core'

import type { EventPick } from './model'
import type { ReportSource } from './source'

/** A scheme, and optionally its version; by default the first scheme and its version in force. */
export interface SchemeChoice {
  readonly schemeId?: string
  readonly version?: number
}

export interface SchemeInUse {
  readonly schemeId: string
  readonly version: SchemeVersionDoc
  readonly areas: ReadonlyArray<SchemeAreaDoc>
  readonly lsoas: ReadonlyArray<SchemeLsoaDoc>
  /** `cambs-pboro-sda v1 (published, modelled registrations)`. */
  readonly label: string
  /** The LSOAs of each area, by area id. */
  readonly lsoasOfArea: ReadonlyMap<string, ReadonlyArray<string>>
}

export const schemeStream = (schemeId: string): string => streamId('areas', 'sda-scheme', schemeId)

const inForce = (v: SchemeVersionDoc, day: string): boolean =>
  v.publishedAt !== null &&
  v.publishedAt.slice(0, 10) <= day &&
  (v.supersededAt === null || v.supersededAt.slice(0, 10) > day)

/** The scheme version to report on, or undefined when the ledger has no run scheme. */
export const schemeInUse = async (
  source: ReportSource,
  choice: SchemeChoice = {},
): Promise<SchemeInUse | undefined> => {
  const all = (await source.query(serviceDeliveryAreas, schemeVersionDocs).find()).filter((v) => v.version > 0)
  const schemeId = choice.schemeId ?? [...new Set(all.map((v) => v.schemeId))].sort()[0]
  if (schemeId === undefined) return undefined
  const versions = all.filter((v) => v.schemeId === schemeId).sort((a, b) => b.version - a.version)
  const version =
    choice.version === undefined
      ? (versions.find((v) => inForce(v, source.day)) ?? versions[0])
      : versions.find((v) => v.version === choice.version)
  if (version === undefined) return undefined
  const areas = [...(await source.query(serviceDeliveryAreas, schemeAreaDocs).find({ schemeId }))].sort(
    (a, b) => a.position - b.position,
  )
  const lsoas = (await source.query(serviceDeliveryAreas, schemeLsoaDocs).find({ schemeId }))
    .filter((d) => d.version === version.version)
    .sort((a, b) => a.lsoa.localeCompare(b.lsoa))
  const lsoasOfArea = new Map<string, string[]>()
  for (const d of lsoas) if (d.area !== null) lsoasOfArea.set(d.area, [...(lsoasOfArea.get(d.area) ?? []), d.lsoa])
  const label = `${schemeId} v${version.version} (${version.status}${version.modelled ? ', modelled registrations' : ''})`
  return { schemeId, version, areas, lsoas, label, lsoasOfArea }
}

/** The events that decided where an LSOA sits: the definition, the run, its overrides, the publication. */
export const lsoaPicks = (scheme: SchemeInUse, lsoa: string): ReadonlyArray<EventPick> => {
  const stream = schemeStream(scheme.schemeId)
  const version = scheme.version.version
  return [
    { stream, types: ['areas.SchemeDefined'] },
    { stream, types: ['areas.AssignmentRun'], where: { version } },
    { stream, types: ['areas.LsoaOverridden'], where: { version, lsoa } },
    { stream, types: ['areas.SchemePublished'], where: { version } },
  ]
}

/** The events behind a whole area: those of each of its LSOAs (the run, and each override). */
export const areaPicks = (scheme: SchemeInUse, area: string): ReadonlyArray<EventPick> =>
  (scheme.lsoasOfArea.get(area) ?? []).flatMap((lsoa) => lsoaPicks(scheme, lsoa))
