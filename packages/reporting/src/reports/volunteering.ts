/**
 * Volunteering and safeguarding by programme and service delivery area: verified hours, the people
 * who gave them, time credits earned for them, volunteers placed with current training, and DBS
 * checks expired or expiring within 60 days — with counts of fewer than five people suppressed (and
 * what would let them be worked out withheld too), and a map of hours by service delivery area.
 *
 * A programme is a volunteer role. Hours and credits count where the hours were given; training and
 * checks count where each volunteer is placed. A ward (or LSOA) counts in the service delivery area
 * holding most of its LSOAs in the scheme version used.
 */
import { areaLookups, linkDocs, serviceDeliveryAreas } from '@civic-ledger/areas'
import { addDays, streamId } from '@civic-ledger/core'
import {
  activeDocs,
  activeVolunteers,
  complianceDocs,
  entryDocs,
  safeguardingCompliance,
  volunteerHours,
} from '@civic-ledger/volunteers'

import type { ReportDefinition } from '../definition'
import type { DraftCell } from '../draft'
import { cellId, figure, finishReport, label } from '../draft'
import { count, number } from '../format'
import type { EventPick, MapSpec } from '../model'
import { creditsByEntry, entryCreditDocs } from '../read-models/credits-by-entry'
import type { SchemeChoice, SchemeInUse } from '../schemes'
import { schemeInUse } from '../schemes'
import type { ReportSource } from '../source'
import { basisOf } from '../source'
import type { Group } from '../suppression'
import type { Suppression } from '../suppression'
import { isSmall, protect, SMALL_COUNT } from '../suppression'

const NAME = 'volunteering'
const UNMAPPED = 'unmapped'

// --- where an area ref lies ---

/** The service delivery area of each area code met: itself, its LSOA's, or most of its LSOAs'. */
const areaResolver = (source: ReportSource, scheme: SchemeInUse | undefined) => {
  const areaOfLsoa = new Map(scheme?.lsoas.map((d) => [d.lsoa, d.area]) ?? [])
  const known = new Set(scheme?.areas.map((a) => a.areaId) ?? [])
  const cache = new Map<string, string>()
  return async (code: string): Promise<string> => {
    const held = cache.get(code)
    if (held !== undefined) return held
    let area = UNMAPPED
    if (known.has(code)) area = code
    else if (areaOfLsoa.has(code)) area = areaOfLsoa.get(code) ?? UNMAPPED
    else {
      const lsoas = (await source.query(areaLookups, linkDocs).find({ toCode: code }))
        .filter((l) => l.fromType === 'lsoa')
        .map((l) => l.fromCode)
      const votes = new Map<string, number>()
      for (const lsoa of new Set(lsoas)) {
        const a = areaOfLsoa.get(lsoa)
        if (a !== undefined && a !== null) votes.set(a, (votes.get(a) ?? 0) + 1)
      }
      const order = scheme?.areas.map((a) => a.areaId) ?? []
      area =
        [...votes.entries()].sort((a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]))[0]?.[0] ??
        UNMAPPED
    }
    cache.set(code, area)
    return area
  }
}

/** Each role's title, from its definition in the role's stream. */
const roleTitlesOf = async (source: ReportSource, roleIds: ReadonlyArray<string>): Promise<Map<string, string>> => {
  const titles = new Map<string, string>()
  for (const roleId of roleIds)
    for await (const e of source.log.readStream(streamId('volunteers', 'role', roleId), { until: source.position }))
      if (e.type === 'volunteers.RoleDefined') {
        const title = (e.data as { readonly title?: unknown }).title
        if (typeof title === 'string') titles.set(roleId, title)
      }
  return titles
}

// --- the figures of one cell ---

interface Tally {
  /** Verified entries: `<volunteer>/<entry>` → hours. */
  readonly entries: Map<string, { volunteerId: string; entryId: string; hours: number; credits: number }>
  /** Placed volunteers with current training, and with checks expiring: volunteer → placement ids. */
  readonly trained: Map<string, Set<string>>
  readonly expiring: Map<string, Set<string>>
}

const emptyTally = (): Tally => ({ entries: new Map(), trained: new Map(), expiring: new Map() })

const COLUMNS = ['volunteers', 'hours', 'credits', 'trained', 'checksExpiring'] as const
type FigureColumn = (typeof COLUMNS)[number]
const PEOPLE: ReadonlySet<FigureColumn> = new Set(['volunteers', 'trained', 'checksExpiring'])

const valuesOf = (t: Tally): Record<FigureColumn, number> => {
  const entries = [...t.entries.values()]
  return {
    volunteers: new Set(entries.map((e) => e.volunteerId)).size,
    hours: entries.reduce((s, e) => s + e.hours, 0),
    credits: entries.reduce((s, e) => s + e.credits, 0),
    trained: t.trained.size,
    checksExpiring: t.expiring.size,
  }
}

const picksOf = (t: Tally, column: FigureColumn): ReadonlyArray<EventPick> => {
  const entries = [...t.entries.values()]
  const placed = (people: Map<string, Set<string>>, types: string[]): EventPick[] =>
    [...people.entries()].flatMap(([volunteerId, placements]) => {
      const stream = streamId('volunteers', 'volunteer', volunteerId)
      return [
        { stream, types },
        ...[...placements].map((placementId) => ({
          stream,
          types: ['volunteers.VolunteerPlaced'],
          where: { placementId },
        })),
      ]
    })
  switch (column) {
    case 'volunteers':
    case 'hours':
      return entries.map((e) => ({
        stream: streamId('volunteers', 'timesheet', e.volunteerId),
        types: ['volunteers.HoursLogged', 'volunteers.HoursCorrected', 'volunteers.HoursVerified'],
        where: { entryId: e.entryId },
      }))
    case 'credits':
      return entries
        .filter((e) => e.credits !== 0)
        .map((e) => ({
          stream: streamId('volunteers', 'credits', e.volunteerId),
          types: ['volunteers.CreditsEarned'],
          where: { entryId: e.entryId },
        }))
    case 'trained':
      return placed(t.trained, ['volunteers.TrainingCompleted'])
    case 'checksExpiring':
      return placed(t.expiring, ['volunteers.DbsCheckRecorded', 'volunteers.RiskAssessmentRecorded'])
  }
}

const merge = (tallies: ReadonlyArray<Tally>): Tally => {
  const out = emptyTally()
  for (const t of tallies) {
    for (const [k, v] of t.entries) out.entries.set(k, v)
    for (const [key, from] of [
      ['trained', t.trained],
      ['expiring', t.expiring],
    ] as const)
      for (const [vol, ps] of from) out[key].set(vol, new Set([...(out[key].get(vol) ?? []), ...ps]))
  }
  return out
}

/** Each (area, role)'s tally: verified entries where given, trained and expiring where placed. */
const talliesOf = async (source: ReportSource, scheme: SchemeInUse | undefined): Promise<Map<string, Tally>> => {
  const resolve = areaResolver(source, scheme)
  const credits = new Map(
    (await source.query(creditsByEntry, entryCreditDocs).find()).map((c) => [
      `${c.volunteerId}/${c.entryId}`,
      c.credits,
    ]),
  )
  const tallies = new Map<string, Tally>()
  const tallyOf = (area: string, roleId: string): Tally => {
    const key = `${area}|${roleId}`
    let t = tallies.get(key)
    if (t === undefined) {
      t = emptyTally()
      tallies.set(key, t)
    }
    return t
  }
  // Entries are keyed `<volunteer>/<entry>`.
  for (const { id, doc: e } of await source.query(volunteerHours, entryDocs).entries()) {
    if (e.status !== 'verified') continue
    tallyOf(await resolve(e.area), e.roleId).entries.set(id, {
      volunteerId: e.volunteerId,
      entryId: id.slice(e.volunteerId.length + 1),
      hours: e.hours,
      credits: credits.get(id) ?? 0,
    })
  }
  const compliance = new Map(
    (await source.query(safeguardingCompliance, complianceDocs).find()).map((c) => [c.volunteerId, c]),
  )
  const horizon = addDays(source.day, 60)
  for (const v of await source.query(activeVolunteers, activeDocs).find()) {
    const c = compliance.get(v.volunteerId)
    if (c === undefined) continue
    const trained = Object.values(c.training).some((until) => until === null || until > source.day)
    const expiring = c.hasDbs && c.dbsValidUntil !== null && c.dbsValidUntil <= horizon
    for (const [placementId, p] of Object.entries(v.placements)) {
      const t = tallyOf(await resolve(p.area), p.roleId)
      if (trained) t.trained.set(v.volunteerId, new Set([...(t.trained.get(v.volunteerId) ?? []), placementId]))
      if (expiring) t.expiring.set(v.volunteerId, new Set([...(t.expiring.get(v.volunteerId) ?? []), placementId]))
    }
  }

  return tallies
}

const figureColumns = [
  { id: 'volunteers', label: 'Volunteers (verified hours)', kind: 'count' },
  { id: 'hours', label: 'Verified hours', kind: 'number' },
  { id: 'credits', label: 'Time credits earned', kind: 'number' },
  { id: 'trained', label: 'Placed, training current', kind: 'count' },
  { id: 'checksExpiring', label: 'DBS checks expired or expiring in 60 days', kind: 'count' },
] as const

/** Which cells to withhold, and the groups (a total and its members) that decided it. */
const suppressionOf = (
  detail: ReadonlyArray<{ readonly key: string; readonly area: string; readonly tally: Tally }>,
  byArea: ReadonlyArray<{ readonly key: string; readonly tally: Tally }>,
  all: Tally,
  disclose: boolean,
) => {
  // --- suppression: primary on small counts of people, secondary through each group ---
  const values = new Map<string, number>()
  const primary = new Set<string>()
  const note = (table: string, row: string, tally: Tally) => {
    const v = valuesOf(tally)
    for (const column of COLUMNS) {
      const id = cellId(table, row, column)
      values.set(id, v[column])
      if (PEOPLE.has(column) && isSmall(v[column])) primary.add(id)
    }
    // Hours and credits given by fewer than five people would tell on them.
    if (isSmall(v.volunteers)) {
      primary.add(cellId(table, row, 'hours'))
      primary.add(cellId(table, row, 'credits'))
    }
  }
  for (const d of detail) note('detail', d.key, d.tally)
  for (const a of byArea) note('areas', a.key, a.tally)
  note('areas', 'total', all)
  const groups: Group[] = COLUMNS.flatMap((column) => [
    ...byArea.map((a) => ({
      total: cellId('areas', a.key, column),
      members: detail.filter((d) => d.area === a.key).map((d) => cellId('detail', d.key, column)),
    })),
    { total: cellId('areas', 'total', column), members: byArea.map((a) => cellId('areas', a.key, column)) },
  ])
  const withheld: ReadonlyMap<string, Suppression> = disclose ? new Map() : protect(values, primary, groups)
  return { withheld, groups }
}

export interface VolunteeringOptions extends SchemeChoice {
  /** Show every count, unsuppressed: for officers only, never for publication. */
  readonly disclose?: boolean
}

export const volunteeringReport: ReportDefinition<VolunteeringOptions> = {
  name: NAME,
  title: 'Volunteering and safeguarding by programme and area',
  projections: [
    serviceDeliveryAreas,
    areaLookups,
    volunteerHours,
    activeVolunteers,
    safeguardingCompliance,
    creditsByEntry,
  ],
  produce: async (source, options = {}) => {
    const scheme = await schemeInUse(source, options)
    const tallies = await talliesOf(source, scheme)

    // --- rows: area × programme, area totals, the grand total ---
    const areaName = new Map<string, string>(scheme?.areas.map((a) => [a.areaId, a.name]) ?? [])
    areaName.set(UNMAPPED, 'Not in a service delivery area')
    const order = [...(scheme?.areas.map((a) => a.areaId) ?? []), UNMAPPED]
    const keys = [...tallies.keys()].sort((a, b) => {
      const [aa = '', ar = ''] = a.split('|')
      const [ba = '', br = ''] = b.split('|')
      return order.indexOf(aa) - order.indexOf(ba) || ar.localeCompare(br)
    })
    const areas = order.filter((a) => keys.some((k) => k.startsWith(`${a}|`)))
    const roleTitles = await roleTitlesOf(source, [...new Set(keys.map((k) => k.split('|')[1] ?? ''))])
    const detail = keys.map((k) => ({
      key: k.replace('|', '.'),
      area: k.split('|')[0] ?? '',
      role: k.split('|')[1] ?? '',
      tally: tallies.get(k) ?? emptyTally(),
    }))
    const byArea = areas.map((a) => ({ key: a, tally: merge(detail.filter((d) => d.area === a).map((d) => d.tally)) }))
    const all = merge(byArea.map((a) => a.tally))

    const { withheld, groups } = suppressionOf(detail, byArea, all, options.disclose === true)
    const reasonOf = (id: string): string | undefined =>
      withheld.get(id) === 'primary'
        ? `fewer than ${SMALL_COUNT} people`
        : withheld.get(id) === 'secondary'
          ? `withheld so that a count under ${SMALL_COUNT} cannot be worked out`
          : undefined
    // A total whose group withholds any member would, with its events listed, give that member away.
    const hidesMember = (id: string): boolean =>
      groups.some((g) => g.total === id && g.members.some((m) => withheld.has(m)))

    const cellsOf = (table: string, row: string, tally: Tally): Record<string, DraftCell> => {
      const v = valuesOf(tally)
      return Object.fromEntries(
        COLUMNS.map((column) => {
          const id = cellId(table, row, column)
          const reason = reasonOf(id)
          const format = column === 'hours' || column === 'credits' ? number : count
          if (reason !== undefined)
            return [
              column,
              {
                value: null,
                text: withheld.get(id) === 'primary' && PEOPLE.has(column) ? '<5' : 'c',
                withheld: reason,
              },
            ]
          if (hidesMember(id))
            return [
              column,
              {
                value: v[column],
                text: format(v[column]),
                withheld: 'events not listed: they would reveal a suppressed count',
              },
            ]
          return [column, figure(v[column], format(v[column]), picksOf(tally, column))]
        }),
      )
    }
    const areaRowCells = (key: string, tally: Tally) => ({
      area: label(areaName.get(key) ?? key),
      ...cellsOf('areas', key, tally),
    })
    const map = hoursMap(scheme, new Map(byArea.map((a) => [a.key, cellsOf('areas', a.key, a.tally)['hours']])))
    return finishReport(source.log, {
      name: NAME,
      title: 'Volunteering and safeguarding by programme and area',
      basis: await basisOf(source, scheme === undefined ? [] : [scheme.label]),
      notes: [
        `Counts of 1 to 4 people are shown as "<5"; "c" marks a figure withheld so that such a count cannot be worked out from a total. Their events are not listed.${options.disclose === true ? ' THIS COPY DISCLOSES EVERY COUNT: NOT FOR PUBLICATION.' : ''}`,
        'A programme is a volunteer role. Hours and credits count where the hours were given; training and DBS checks where each volunteer is placed now.',
        `Checks expiring are judged on ${source.day} (expired, or expiring by ${addDays(source.day, 60)}).`,
        'A ward counts in the service delivery area holding most of its LSOAs.',
      ],
      tables: [
        {
          id: 'areas',
          title: 'By service delivery area',
          columns: [{ id: 'area', label: 'Area', kind: 'label' }, ...figureColumns],
          rows: [
            ...byArea.map((a) => ({ key: a.key, cells: areaRowCells(a.key, a.tally) })),
            { key: 'total', cells: { area: label('All areas'), ...cellsOf('areas', 'total', all) } },
          ],
          note: 'People are counted once per row, however many programmes they give time to.',
        },
        {
          id: 'detail',
          title: 'By programme and area',
          columns: [
            { id: 'area', label: 'Area', kind: 'label' },
            { id: 'programme', label: 'Programme (role)', kind: 'label' },
            ...figureColumns,
          ],
          rows: detail.map((d) => ({
            key: d.key,
            cells: {
              area: label(areaName.get(d.area) ?? d.area),
              programme: label(roleTitles.get(d.role) ?? d.role),
              ...cellsOf('detail', d.key, d.tally),
            },
          })),
        },
      ],
      maps: scheme === undefined ? [] : [map],
      charts: [],
    })
  },
}

const hoursMap = (scheme: SchemeInUse | undefined, mapValues: ReadonlyMap<string, DraftCell | undefined>): MapSpec => {
  const map: MapSpec = {
    id: 'hours-map',
    title: 'Verified hours by service delivery area',
    layer: 'service-delivery-area',
    groups: Object.fromEntries(scheme?.lsoasOfArea ?? []),
    areas: (scheme?.areas ?? []).map((a) => {
      const cell = mapValues.get(a.areaId)
      return {
        code: a.areaId,
        name: a.name,
        value: cell === undefined ? 0 : (cell.value as number | null),
        text: cell === undefined ? 'no verified hours' : cell.text,
        ...(cell === undefined ? {} : { cell: cellId('areas', a.areaId, 'hours') }),
      }
    }),
    legend: 'Verified hours given in the area, all programmes (hatched: withheld, fewer than 5 volunteers)',
  }
  return map
}
