/**
 * Grants by fund, round and area: what was applied for, awarded and paid, and the savings the
 * awarded applications projected — read from the grants context's totals, each figure explained by
 * the events of the applications it counts (from the register), and a choropleth of the amount
 * awarded by ward.
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
import { boundaries } from '../geography'
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

    // --- areas, across funds ---
    const codes = [...new Set(totals.filter((t) => t.dimension === 'area').map((t) => t.key))].sort()
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
    const awardedByWard = new Map(
      areaRows.flatMap((r) =>
        r.cells['amountAwarded'] === undefined ? [] : [[r.key, r.cells['amountAwarded']] as const],
      ),
    )
    const map: MapSpec = {
      id: 'awarded-map',
      title: 'Amount awarded, by ward (2025 wards)',
      layer: 'ward',
      areas: [...boundaries().wards.values()].map((w) => {
        const cell = awardedByWard.get(w.properties.code)
        return {
          code: w.properties.code,
          name: w.properties.name,
          value: cell === undefined ? 0 : Number(cell.value),
          text: cell === undefined ? 'no grants' : cell.text,
          ...(cell === undefined ? {} : { cell: cellId('areas', w.properties.code, 'amountAwarded') }),
        }
      }),
      legend: 'Grants awarded (as varied) to applications naming the ward, all funds',
      unit: 'money',
    }
    const unmapped = areaRows.filter((r) => !boundaries().wards.has(r.key)).map((r) => r.key)
    return finishReport(source.log, {
      name: NAME,
      title: 'Grants by fund, round and area',
      basis: await basisOf(source, []),
      notes: [
        'An application counts in its fund, its round, and every area it names: areas of a fund do not sum to the fund.',
        'Awarded is the grant as awarded then varied; paid is net of repayments; projected savings are those the awarded applications projected when drafted.',
        ...(unmapped.length === 0
          ? []
          : [`Areas not on the 2025 ward map (other area types or earlier ward codes): ${unmapped.join(', ')}.`]),
      ],
      tables: tablesOf(fundRows, roundRows, areaRows),
      maps: [map],
      charts: [chart],
    })
  },
}

type Rows = DraftTable['rows']
const tablesOf = (fundRows: Rows, roundRows: Rows, areaRows: Rows): DraftTable[] => [
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
    id: 'areas',
    title: 'By area (all funds)',
    columns: [
      { id: 'code', label: 'Code', kind: 'label' },
      { id: 'name', label: 'Area', kind: 'label' },
      ...FIGURE_COLUMNS,
    ],
    rows: areaRows,
  },
]
