/**
 * Grants by fund, round and area: what was applied for, awarded and paid, and the savings the
 * awarded applications projected — read from the grants context's totals, each figure explained by
 * the events of the applications it counts (from the register), and a choropleth of the amount
 * awarded by district: an application counts in every district its LSOAs lie in (or that it names).
 */
import { streamId } from '@civic-ledger/core'
import type { RegisterEntry } from '@civic-ledger/grants'
import {
  createGrantQueries,
  fundDocs,
  fundPositions,
  grantsRegister,
  grantTotals,
  registerDocs,
  totalDocs,
} from '@civic-ledger/grants'

import type { ReportDefinition } from '../definition'
import type { DraftCell, DraftTable } from '../draft'
import { cellId, figure, finishReport, label } from '../draft'
import { count, money } from '../format'
import { boundaries, districtOfLsoa, DISTRICTS } from '../geography'
import type { BarChart, EventPick, MapSpec } from '../model'
import { basisOf } from '../source'

const NAME = 'grants'

type Figure = 'applied' | 'requested' | 'awarded' | 'amountAwarded' | 'paid' | 'projectedSavings'

/** Whether an application counts in a figure at all, and the events of its stream that make its part. */
const contributes: Record<Figure, { readonly when: (e: RegisterEntry) => boolean; readonly types: string[] }> = {
  applied: { when: (e) => e.dates.submitted !== null, types: ['grants.ApplicationSubmitted'] },
  requested: {
    when: (e) => e.dates.submitted !== null,
    types: ['grants.ApplicationDrafted', 'grants.ApplicationSubmitted'],
  },
  awarded: { when: (e) => e.dates.awarded !== null, types: ['grants.GrantAwarded'] },
  amountAwarded: { when: (e) => e.dates.awarded !== null, types: ['grants.GrantAwarded', 'grants.VariationApproved'] },
  paid: { when: (e) => e.paid !== 0 || e.repaid !== 0, types: ['grants.PaymentMade', 'grants.RepaymentRecorded'] },
  projectedSavings: {
    when: (e) => e.dates.awarded !== null && (e.projectedSaving ?? 0) !== 0,
    types: ['grants.ApplicationDrafted', 'grants.GrantAwarded'],
  },
}

const picksOf = (entries: ReadonlyArray<RegisterEntry>, what: Figure): ReadonlyArray<EventPick> =>
  entries
    .filter(contributes[what].when)
    .map((e) => ({ stream: streamId('grants', 'application', e.applicationId), types: contributes[what].types }))

interface Figures {
  readonly applied: number
  readonly amountRequested: number
  readonly awarded: number
  readonly amountAwarded: number
  readonly paid: number
  readonly projectedSavings: number
}

const FIGURE_COLUMNS = [
  { id: 'applied', label: 'Applications', kind: 'count' },
  { id: 'requested', label: 'Requested', kind: 'money' },
  { id: 'awarded', label: 'Awarded (grants)', kind: 'count' },
  { id: 'amountAwarded', label: 'Awarded', kind: 'money' },
  { id: 'paid', label: 'Paid', kind: 'money' },
  { id: 'projectedSavings', label: 'Projected savings', kind: 'money' },
] as const

const figureCells = (f: Figures, entries: ReadonlyArray<RegisterEntry>): Record<string, DraftCell> => ({
  applied: figure(f.applied, count(f.applied), picksOf(entries, 'applied')),
  requested: figure(f.amountRequested, money(f.amountRequested), picksOf(entries, 'requested')),
  awarded: figure(f.awarded, count(f.awarded), picksOf(entries, 'awarded')),
  amountAwarded: figure(f.amountAwarded, money(f.amountAwarded), picksOf(entries, 'amountAwarded')),
  paid: figure(f.paid, money(f.paid), picksOf(entries, 'paid')),
  projectedSavings: figure(f.projectedSavings, money(f.projectedSavings), picksOf(entries, 'projectedSavings')),
})

/** The figures of a set of applications, from the register: what a district's row counts. */
const figuresOf = (entries: ReadonlyArray<RegisterEntry>): Figures => {
  const submitted = entries.filter(contributes.applied.when)
  const awarded = entries.filter(contributes.awarded.when)
  const sum = (xs: ReadonlyArray<number>): number => xs.reduce((n, x) => n + x, 0)
  return {
    applied: submitted.length,
    amountRequested: sum(submitted.map((e) => e.requested)),
    awarded: awarded.length,
    amountAwarded: sum(awarded.map((e) => e.awarded)),
    paid: sum(entries.map((e) => e.paid - e.repaid)),
    projectedSavings: sum(awarded.map((e) => e.projectedSaving ?? 0)),
  }
}

/**
 * Whether an application serves a district: it names it, one of its LSOAs lies in it, or a 2025
 * ward it names does.
 */
const servesDistrict = (e: RegisterEntry, district: string): boolean =>
  e.areas.includes(district) ||
  e.lsoas.some((lsoa) => districtOfLsoa(lsoa) === district) ||
  e.areas.some((code) => boundaries().wards.get(code)?.properties.district === district)

const areaName = (code: string): string => {
  const { wards, lsoas } = boundaries()
  return wards.get(code)?.properties.name ?? lsoas.get(code)?.properties.name ?? code
}

export const grantsReport: ReportDefinition = {
  name: NAME,
  title: 'Grants by fund, round and area',
  projections: [fundPositions, grantsRegister, grantTotals],
  produce: async (source) => {
    const grants = createGrantQueries(source)
    const register = await source.query(grantsRegister, registerDocs).find()
    const fundsDefined = new Map((await source.query(fundPositions, fundDocs).find()).map((f) => [f.fundId, f]))
    const totals = await source.query(grantTotals, totalDocs).find()

    // --- funds ---
    const fundRows = [...fundsDefined.values()]
      .sort((a, b) => a.fundId.localeCompare(b.fundId))
      .map((fund) => {
        const total = totals.find((t) => t.dimension === 'fund' && t.fundId === fund.fundId)
        const entries = register.filter((e) => e.fundId === fund.fundId)
        const fundStream = streamId('grants', 'fund', fund.fundId)
        const zero = { applied: 0, amountRequested: 0, awarded: 0, amountAwarded: 0, paid: 0, projectedSavings: 0 }
        return {
          key: fund.fundId,
          cells: {
            fund: label(fund.name),
            budget: figure(fund.budget, money(fund.budget), [
              { stream: fundStream, types: ['grants.FundDefined', 'grants.BudgetChanged'] },
            ]),
            ...figureCells(total ?? zero, entries),
          },
        }
      })

    // --- rounds ---
    const roundRows = totals
      .filter((t) => t.dimension === 'round')
      .sort((a, b) => `${a.fundId}/${a.key}`.localeCompare(`${b.fundId}/${b.key}`))
      .map((t) => {
        const entries = register.filter((e) => e.fundId === t.fundId && e.roundId === t.key)
        const round = fundsDefined.get(t.fundId)?.rounds[t.key]
        const cells: Record<string, DraftCell> = {
          fund: label(fundsDefined.get(t.fundId)?.name ?? t.fundId),
          round: label(round === undefined ? t.key : `${t.key} (${round.opensOn} to ${round.closesOn})`),
          ...figureCells(t, entries),
        }
        return { key: `${t.fundId}.${t.key}`, cells }
      })

    // --- areas as the applications name them, across funds ---
    const named = new Set(register.flatMap((e) => e.areas))
    const codes = [...new Set(totals.filter((t) => t.dimension === 'area').map((t) => t.key))]
      .filter((code) => named.has(code))
      .sort()
    const areaRows: Array<{ readonly key: string; readonly cells: Record<string, DraftCell> }> = []
    for (const code of codes) {
      const total = await grants.byArea(code)
      if (total === undefined) continue
      const entries = register.filter((e) => e.areas.includes(code) || e.lsoas.includes(code))
      areaRows.push({
        key: code,
        cells: { code: label(code), name: label(areaName(code)), ...figureCells(total, entries) },
      })
    }

    const districtRows = districtRowsOf(register)

    const chart: BarChart = {
      id: 'rounds-chart',
      title: 'Requested, awarded and paid, by round',
      unit: 'money',
      series: [
        { id: 'requested', label: 'Requested' },
        { id: 'amountAwarded', label: 'Awarded' },
        { id: 'paid', label: 'Paid' },
      ],
      groups: roundRows.map((r) => ({
        label: `${r.cells['fund']?.text ?? ''}: ${r.key.split('.').slice(1).join('.')}`,
        bars: (['requested', 'amountAwarded', 'paid'] as const).map((s) => ({
          cell: cellId('rounds', r.key, s),
          value: Number(r.cells[s]?.value ?? 0),
          text: r.cells[s]?.text ?? '',
        })),
      })),
    }
    const map = districtMap(districtRows)
    return finishReport(source.log, {
      name: NAME,
      title: 'Grants by fund, round and area',
      basis: await basisOf(source, []),
      notes: [
        'An application counts in its fund, its round, and every area it names: areas of a fund do not sum to the fund.',
        'Awarded is the grant as awarded then varied; paid is net of repayments; projected savings are those the awarded applications projected when drafted.',
        'A district counts every application whose LSOAs lie in it, or that names it: an application serving two districts counts in both.',
      ],
      tables: tablesOf(fundRows, roundRows, districtRows, areaRows),
      maps: [map],
      charts: [chart],
    })
  },
}

type Rows = DraftTable['rows']

/** Each district, with the figures of the applications serving it. */
const districtRowsOf = (register: ReadonlyArray<RegisterEntry>): Rows =>
  Object.entries(DISTRICTS)
    .sort(([, a], [, b]) => a.localeCompare(b))
    .map(([code, name]) => {
      const entries = register.filter((e) => servesDistrict(e, code))
      return { key: code, cells: { code: label(code), name: label(name), ...figureCells(figuresOf(entries), entries) } }
    })

/** The amount awarded by district, each district drawn as its LSOAs merged. */
const districtMap = (districtRows: Rows): MapSpec => {
  const lsoasOf = new Map<string, string[]>()
  for (const lsoa of boundaries().lsoas.keys()) {
    const district = districtOfLsoa(lsoa)
    if (district !== undefined) lsoasOf.set(district, [...(lsoasOf.get(district) ?? []), lsoa])
  }
  return {
    id: 'awarded-map',
    title: 'Amount awarded, by district',
    layer: 'district',
    groups: Object.fromEntries(lsoasOf),
    areas: districtRows.map((r) => {
      const cell = r.cells['amountAwarded']
      return {
        code: r.key,
        name: r.cells['name']?.text ?? r.key,
        value: Number(cell?.value ?? 0),
        text: cell?.text ?? '',
        cell: cellId('districts', r.key, 'amountAwarded'),
      }
    }),
    legend: 'Grants awarded (as varied) to applications serving the district, all funds',
    unit: 'money',
  }
}
const tablesOf = (fundRows: Rows, roundRows: Rows, districtRows: Rows, areaRows: Rows): DraftTable[] => [
  {
    id: 'funds',
    title: 'By fund',
    columns: [
      { id: 'fund', label: 'Fund', kind: 'label' },
      { id: 'budget', label: 'Budget', kind: 'money' },
      ...FIGURE_COLUMNS,
    ],
    rows: fundRows,
  },
  {
    id: 'rounds',
    title: 'By round',
    columns: [
      { id: 'fund', label: 'Fund', kind: 'label' },
      { id: 'round', label: 'Round', kind: 'label' },
      ...FIGURE_COLUMNS,
    ],
    rows: roundRows,
    note: 'Direct awards have no round.',
  },
  {
    id: 'districts',
    title: 'By district served (all funds)',
    columns: [
      { id: 'code', label: 'Code', kind: 'label' },
      { id: 'name', label: 'District', kind: 'label' },
      ...FIGURE_COLUMNS,
    ],
    rows: districtRows,
    note: 'An application serving two districts counts in both: districts do not sum to the funds.',
  },
  {
    id: 'areas',
    title: 'By area named (all funds)',
    columns: [
      { id: 'code', label: 'Code', kind: 'label' },
      { id: 'name', label: 'Area', kind: 'label' },
      ...FIGURE_COLUMNS,
    ],
    rows: areaRows,
  },
]
