/**
 * Area profile: the indicators recorded for LSOAs, aggregated (as each indicator says: summed, or a
 * population-weighted mean) to service delivery areas, districts or wards, for each indicator's
 * latest period (or the one asked for), with a map of the first indicator.
 */
import type { AggregatedValue } from '@civic-ledger/areas'
import {
  areaLookups,
  areaProfileValues,
  createAreaQueries,
  indicatorDocs,
  indicatorValueDocs,
  linkDocs,
  serviceDeliveryAreas,
} from '@civic-ledger/areas'
import { streamId } from '@civic-ledger/core'

import type { ReportDefinition } from '../definition'
import type { DraftCell } from '../draft'
import { cellId, figure, finishReport, label } from '../draft'
import { count, number } from '../format'
import { boundaries, DISTRICTS } from '../geography'
import type { EventPick, MapSpec } from '../model'
import type { SchemeChoice } from '../schemes'
import type { SchemeInUse } from '../schemes'
import { areaPicks, schemeInUse } from '../schemes'
import { basisOf } from '../source'

const NAME = 'area-profile'

export interface AreaProfileOptions extends SchemeChoice {
  /** What to aggregate to (default: service delivery areas). */
  readonly groupBy?: 'service-delivery-area' | 'district' | 'ward'
  /** A period, where the latest of each indicator is not wanted. */
  readonly period?: string
}

export const areaProfileReport: ReportDefinition<AreaProfileOptions> = {
  name: NAME,
  title: 'Area profile',
  projections: [serviceDeliveryAreas, areaProfileValues, areaLookups],
  produce: async (source, options = {}) => {
    const groupBy = options.groupBy ?? 'service-delivery-area'
    const queries = createAreaQueries(source)
    const scheme = groupBy === 'service-delivery-area' ? await schemeInUse(source, options) : undefined
    const indicators = [...(await source.query(areaProfileValues, indicatorDocs).find())].sort((a, b) =>
      a.indicatorId.localeCompare(b.indicatorId),
    )
    const values = await source.query(areaProfileValues, indicatorValueDocs).find()
    const vintage = '2025'
    const releases = [
      ...new Set(
        (await source.query(areaLookups, linkDocs).find())
          .filter((l) => l.fromType === 'lsoa' && l.toType === groupBy && l.toVintage === vintage)
          .map((l) => l.releaseId),
      ),
    ]
    const columns: Array<{ id: string; label: string; kind: 'number' }> = []
    const byArea = new Map<string, Record<string, DraftCell>>()
    const notes: string[] = []
    for (const indicator of indicators) {
      const periods = [
        ...new Set(values.filter((v) => v.indicatorId === indicator.indicatorId).map((v) => v.period)),
      ].sort()
      const period = options.period ?? periods[periods.length - 1]
      if (period === undefined || !periods.includes(period)) continue
      const profile = await queries.profile(
        indicator.indicatorId,
        period,
        scheme !== undefined
          ? { scheme: { schemeId: scheme.schemeId, version: scheme.version.version } }
          : { type: groupBy === 'service-delivery-area' ? 'district' : groupBy, vintage },
      )
      columns.push({
        id: indicator.indicatorId,
        label: `${indicator.name} (${indicator.unit}, ${period})`,
        kind: 'number',
      })
      notes.push(
        `${indicator.name}: ${indicator.aggregation}, ${period}, grouped by ${profile.groupedBy} (${profile.methods.join(', ') || 'no method'}).`,
      )
      const indicatorPicks: EventPick[] = [
        { stream: streamId('areas', 'indicator', indicator.indicatorId), types: ['areas.IndicatorDefined'] },
        {
          stream: streamId('areas', 'indicator', indicator.indicatorId),
          types: ['areas.IndicatorValuesRecorded'],
          where: { period },
        },
      ]
      for (const a of profile.areas) {
        const grouping: ReadonlyArray<EventPick> =
          scheme !== undefined
            ? areaPicks(scheme, a.area)
            : releases.map((r) => ({ stream: streamId('areas', 'release', r), types: ['areas.LookupRecorded'] }))
        const cells = byArea.get(a.area) ?? {}
        cells[indicator.indicatorId] = figure(a.value ?? null, textOf(a), [...indicatorPicks, ...grouping])
        byArea.set(a.area, cells)
      }
    }
    const nameOf = (code: string): string =>
      scheme?.areas.find((a) => a.areaId === code)?.name ??
      DISTRICTS[code] ??
      boundaries().wards.get(code)?.properties.name ??
      code
    const rows = [...byArea.entries()]
      .sort(([a], [b]) => nameOf(a).localeCompare(nameOf(b)))
      .map(([code, cells]) => ({ key: code, cells: { code: label(code), area: label(nameOf(code)), ...cells } }))

    const maps = mapsOf(groupBy, columns[0], byArea, nameOf, scheme)
    return finishReport(source.log, {
      name: NAME,
      title: `Area profile by ${groupBy.replace(/-/g, ' ')}`,
      basis: await basisOf(source, scheme === undefined ? [] : [scheme.label]),
      notes: indicators.length === 0 ? ['No indicators are recorded.'] : notes,
      tables: [
        {
          id: 'profile',
          title: `Indicators by ${groupBy.replace(/-/g, ' ')}`,
          columns: [
            { id: 'code', label: 'Code', kind: 'label' },
            { id: 'area', label: 'Area', kind: 'label' },
            ...columns,
          ],
          rows,
          note: "Each figure says how many of the area's LSOAs had a value where not all did.",
        },
      ],
      maps,
      charts: [],
    })
  },
}

const textOf = (a: AggregatedValue): string =>
  a.value === undefined
    ? 'no value'
    : `${a.aggregation === 'sum' ? count(a.value) : number(a.value)}${a.lsoasWithValues < a.lsoasInArea ? ` (${a.lsoasWithValues} of ${a.lsoasInArea} LSOAs)` : ''}`

const mapsOf = (
  groupBy: NonNullable<AreaProfileOptions['groupBy']>,
  first: { readonly id: string; readonly label: string } | undefined,
  byArea: ReadonlyMap<string, Record<string, DraftCell>>,
  nameOf: (code: string) => string,
  scheme: SchemeInUse | undefined,
): MapSpec[] => {
  const maps: MapSpec[] = []
  if (first !== undefined) {
    const layer = groupBy
    const codes =
      layer === 'ward'
        ? [...boundaries().wards.keys()]
        : layer === 'district'
          ? Object.keys(DISTRICTS)
          : (scheme?.areas.map((a) => a.areaId) ?? [])
    const groups =
      layer === 'district'
        ? Object.fromEntries(
            Object.keys(DISTRICTS).map((d) => [
              d,
              [...boundaries().lsoas.values()].filter((l) => l.properties.district === d).map((l) => l.properties.code),
            ]),
          )
        : Object.fromEntries(scheme?.lsoasOfArea ?? [])
    maps.push({
      id: 'profile-map',
      title: first.label,
      layer,
      ...(layer === 'ward' ? {} : { groups }),
      areas: codes.map((code) => {
        const cell = byArea.get(code)?.[first.id]
        return {
          code,
          name: nameOf(code),
          value: cell === undefined ? null : (cell.value as number | null),
          text: cell?.text ?? 'no value',
          ...(cell === undefined ? {} : { cell: cellId('profile', code, first.id) }),
        }
      }),
      legend: first.label,
    })
  }
  return maps
}
