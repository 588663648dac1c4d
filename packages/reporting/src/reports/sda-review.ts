/**
 * Service delivery area review: the proposed areas of a scheme version over the LSOAs — each area's
 * PCNs, LSOAs, registrations, how decisively its LSOAs were won (the dominant PCN's share), ties,
 * overrides and the districts it crosses — and each LSOA with its dominant PCN, share, runner-up,
 * tie and override. Two maps: the areas, and the dominant PCN's share.
 */
import { serviceDeliveryAreas } from '@civic-ledger/areas'

import type { ReportDefinition } from '../definition'
import type { DraftCell } from '../draft'
import { cellId, figure, finishReport, label } from '../draft'
import { count, percent } from '../format'
import { boundaries, districtOfLsoa, DISTRICTS } from '../geography'
import type { MapSpec } from '../model'
import type { SchemeChoice } from '../schemes'
import type { SchemeInUse } from '../schemes'
import { areaPicks, lsoaPicks, schemeInUse } from '../schemes'
import { basisOf } from '../source'

const NAME = 'sda-review'

export const sdaReview: ReportDefinition<SchemeChoice> = {
  name: NAME,
  title: 'Service delivery area review',
  projections: [serviceDeliveryAreas],
  produce: async (source, options = {}) => {
    const scheme = await schemeInUse(source, options)
    const basis = await basisOf(source, scheme === undefined ? [] : [scheme.label])
    if (scheme === undefined)
      return finishReport(source.log, {
        name: NAME,
        title: 'Service delivery area review',
        basis,
        notes: ['The ledger has no service delivery area scheme with a run assignment.'],
        tables: [],
        maps: [],
        charts: [],
      })
    const registrations = scheme.version.modelled ? 'Modelled registrations' : 'Registrations'
    const lsoaNames = boundaries().lsoas
    const areaName = new Map(scheme.areas.map((a) => [a.areaId, a.name]))

    // --- areas ---
    const areaRows = scheme.areas.map((area) => {
      const docs = scheme.lsoas.filter((d) => d.area === area.areaId)
      const picks = areaPicks(scheme, area.areaId)
      const patients = docs.reduce((s, d) => s + d.total, 0)
      const shares = docs.filter((d) => d.pcn !== null).map((d) => d.share)
      const lowest = shares.length === 0 ? null : Math.min(...shares)
      const districts = [...new Set(docs.map((d) => districtOfLsoa(d.lsoa) ?? 'unknown'))].sort()
      const cells: Record<string, DraftCell> = {
        area: label(area.name),
        pcns: label(area.pcns.map((p) => p.name).join('; ')),
        lsoas: figure(docs.length, count(docs.length), picks),
        registrations: figure(patients, count(patients), picks),
        lowestShare: figure(lowest, lowest === null ? '–' : percent(lowest), picks),
        ties: figure(docs.filter((d) => d.tie).length, count(docs.filter((d) => d.tie).length), picks),
        overrides: figure(
          docs.filter((d) => d.override !== null).length,
          count(docs.filter((d) => d.override !== null).length),
          picks,
        ),
        districts: figure(
          districts.length,
          `${districts.length}: ${districts.map((d) => DISTRICTS[d] ?? d).join(', ')}`,
          picks,
        ),
      }
      return { key: area.areaId, cells }
    })

    // --- LSOAs ---
    const lsoaRows = scheme.lsoas.map((d) => {
      const picks = lsoaPicks(scheme, d.lsoa)
      const district = districtOfLsoa(d.lsoa)
      const cells: Record<string, DraftCell> = {
        lsoa: label(d.lsoa),
        name: label(lsoaNames.get(d.lsoa)?.properties.name ?? ''),
        district: label(district === undefined ? '' : (DISTRICTS[district] ?? district)),
        area: figure(d.area, d.area === null ? 'none' : (areaName.get(d.area) ?? d.area), picks),
        pcn: figure(d.pcn, d.pcn ?? 'none', picks),
        share: figure(d.share, d.pcn === null ? '–' : percent(d.share), picks),
        registrations: figure(d.total, count(d.total), picks),
        runnerUp: figure(d.runnerUp, d.runnerUp ?? '–', picks),
        tie: figure(d.tie, d.tie ? 'tie' : '', picks),
        override: figure(d.override, d.override ?? '', picks),
      }
      return { key: d.lsoa, cells }
    })

    const [mapOfAreas, mapOfShares] = mapsOf(scheme, registrations)
    const v = scheme.version
    return finishReport(source.log, {
      name: NAME,
      title: 'Service delivery area review',
      basis,
      notes: [
        `${v.name}: version ${v.version}, ${v.status}; extract ${v.extract} (${v.extractDate}); PCN reference ${v.pcnReference}.`,
        ...(v.modelled
          ? [
              'Registrations are modelled from practice and LSOA locations, not NHS registration data: every count of registrations here is modelled.',
            ]
          : []),
        `Practices outside the PCN reference: ${count(v.excludedPractices)} (${count(v.excludedPatients)} patients) left out; ${count(v.excludedPracticesInScope.length)} of them with patients in scope (${count(v.excludedPatientsInScope)}).`,
        'Districts are those of the LSOAs in the ONS boundary file (LADCD).',
      ],
      tables: [
        {
          id: 'areas',
          title: 'Proposed areas',
          columns: [
            { id: 'area', label: 'Area', kind: 'label' },
            { id: 'pcns', label: 'PCNs', kind: 'label' },
            { id: 'lsoas', label: 'LSOAs', kind: 'count' },
            { id: 'registrations', label: registrations, kind: 'count' },
            { id: 'lowestShare', label: 'Lowest dominant share', kind: 'percent' },
            { id: 'ties', label: 'Ties', kind: 'count' },
            { id: 'overrides', label: 'Overrides', kind: 'count' },
            { id: 'districts', label: 'Districts crossed', kind: 'count' },
          ],
          rows: areaRows,
        },
        {
          id: 'lsoas',
          title: 'LSOAs',
          columns: [
            { id: 'lsoa', label: 'LSOA', kind: 'label' },
            { id: 'name', label: 'Name', kind: 'label' },
            { id: 'district', label: 'District', kind: 'label' },
            { id: 'area', label: 'Area', kind: 'text' },
            { id: 'pcn', label: 'Dominant PCN', kind: 'text' },
            { id: 'share', label: 'Share', kind: 'percent' },
            { id: 'registrations', label: registrations, kind: 'count' },
            { id: 'runnerUp', label: 'Runner-up', kind: 'text' },
            { id: 'tie', label: 'Tie', kind: 'text' },
            { id: 'override', label: 'Override', kind: 'text' },
          ],
          rows: lsoaRows,
        },
      ],
      maps: [mapOfAreas, mapOfShares],
      charts: [],
    })
  },
}

const mapsOf = (scheme: SchemeInUse, registrations: string): [MapSpec, MapSpec] => {
  const lsoaNames = boundaries().lsoas
  const areaName = new Map(scheme.areas.map((a) => [a.areaId, a.name]))
  const mapOfAreas: MapSpec = {
    id: 'areas-map',
    title: `Proposed areas (${scheme.label})`,
    layer: 'lsoa',
    areas: scheme.lsoas.map((d) => ({
      code: d.lsoa,
      name: `${d.lsoa} ${lsoaNames.get(d.lsoa)?.properties.name ?? ''}`,
      value: d.area === null ? null : (areaName.get(d.area) ?? d.area),
      text: `${d.area === null ? 'no area' : (areaName.get(d.area) ?? d.area)}${d.override === null ? '' : ` (override: ${d.override})`}${d.tie ? ' (tie)' : ''}`,
      cell: cellId('lsoas', d.lsoa, 'area'),
      marked: d.tie || d.override !== null,
    })),
    legend: `Service delivery area of each LSOA, by the PCN holding most of its ${registrations.toLowerCase()}`,
    marked: 'LSOA decided by a tie or placed by an override',
  }
  const mapOfShares: MapSpec = {
    id: 'share-map',
    title: 'Share of the dominant PCN',
    layer: 'lsoa',
    areas: scheme.lsoas.map((d) => ({
      code: d.lsoa,
      name: `${d.lsoa} ${lsoaNames.get(d.lsoa)?.properties.name ?? ''}`,
      value: d.pcn === null ? null : d.share,
      text: d.pcn === null ? 'no registrations' : `${percent(d.share)} at ${d.pcn}; runner-up ${d.runnerUp ?? 'none'}`,
      cell: cellId('lsoas', d.lsoa, 'share'),
      marked: d.tie,
    })),
    legend: `Dominant PCN's share of the LSOA's ${registrations.toLowerCase()}`,
    unit: 'percent',
    marked: 'tie between PCNs',
  }

  return [mapOfAreas, mapOfShares]
}
