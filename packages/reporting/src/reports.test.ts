/**
 * The reports from small ledgers built by commands: the figures each report gives, small counts
 * suppressed without a total giving them away, `explain` naming exactly the events behind a cell,
 * reports as of an earlier position, and the CSV, JSON and HTML shapes.
 */
import { areaProfiles, lsoa2021Ward2025Release } from '@civic-ledger/areas'
import type { Ledger } from '@civic-ledger/core'
import { streamId } from '@civic-ledger/core'
import test from 'ava'

import {
  openTestLedger,
  recordAreas,
  recordGrants,
  recordPartnerships,
  recordVolunteers,
  sender,
} from './ledger.test-fixture'
import type { ReportData } from './model'
import { explain, explainIn, produceReports } from './registry'
import { toCsv, toJson } from './render/formats'
import { renderHtml } from './render/html'
import { protect } from './suppression'

const positionsOf = async (ledger: Ledger, stream: string, types: ReadonlyArray<string>): Promise<number[]> => {
  const out: number[] = []
  for await (const e of ledger.events.readStream(stream)) if (types.includes(e.type)) out.push(e.position)
  return out
}

const table = (report: ReportData, id: string) => {
  const found = report.tables.find((t) => t.id === id)
  if (found === undefined) throw new Error(`no table ${id}`)
  return found
}
const cell = (report: ReportData, id: string) => {
  const found = report.tables.flatMap((t) => t.rows.flatMap((r) => r.cells)).find((c) => c.id === id)
  if (found === undefined) throw new Error(`no cell ${id}`)
  return found
}

let shared: Promise<Ledger> | undefined
const ledgerWithEverything = (): Promise<Ledger> =>
  (shared ??= (async () => {
    const ledger = await openTestLedger()
    await recordAreas(ledger)
    await recordGrants(ledger)
    await recordVolunteers(ledger)
    await recordPartnerships(ledger, 'cambs-pboro-sda', 'cambridge')
    return ledger
  })())

test.after.always(async () => {
  if (shared !== undefined) await (await shared).close()
})

// --- grants ---

test('grants: figures by fund, round and area, and explain lists exactly the events behind a cell', async (t) => {
  const ledger = await ledgerWithEverything()
  const [grants] = await produceReports(ledger, ['grants'])
  if (grants === undefined) return t.fail()
  t.like(cell(grants, 'funds/innovate/applied'), { value: 3, text: '3' })
  t.like(cell(grants, 'funds/innovate/amountAwarded'), { value: 750_000, text: '£7,500' })
  t.like(cell(grants, 'funds/innovate/budget'), { value: 10_000_000, text: '£100,000' })
  t.like(cell(grants, 'areas/E05013050/amountAwarded'), { value: 750_000 })
  t.like(cell(grants, 'areas/E05010805/amountAwarded'), { value: 250_000 })
  t.like(cell(grants, 'rounds/innovate.r1/requested'), { value: 1_050_000 })

  const awarded = await explain(ledger, 'grants', 'funds/innovate/amountAwarded')
  const expected = [
    ...(await positionsOf(ledger, streamId('grants', 'application', 'a-1'), ['grants.GrantAwarded'])),
    ...(await positionsOf(ledger, streamId('grants', 'application', 'a-2'), ['grants.GrantAwarded'])),
  ].sort((a, b) => a - b)
  t.deepEqual(
    awarded?.events.map((e) => e.position),
    expected,
  )
  t.true(awarded?.events.every((e) => e.type === 'grants.GrantAwarded' && e.who.startsWith('officer-1')))
  // Barnack's applications: a-2 awarded, a-3 not; only a-2's award is behind its amount.
  const barnack = explainIn(grants, 'areas/E05010805/amountAwarded')
  t.deepEqual(
    barnack?.events.map((e) => e.stream),
    [streamId('grants', 'application', 'a-2')],
  )
  const applied = explainIn(grants, 'areas/E05010805/applied')
  t.deepEqual(
    applied?.events.map((e) => [e.stream, e.type]),
    [
      [streamId('grants', 'application', 'a-2'), 'grants.ApplicationSubmitted'],
      [streamId('grants', 'application', 'a-3'), 'grants.ApplicationSubmitted'],
    ],
  )
  t.is(grants.maps[0]?.areas.length, 6, 'every district is drawn')
  t.like(cell(grants, 'districts/E07000008/amountAwarded'), { value: 750_000 }, 'Cambridge, by its ward Abbey')
  t.like(cell(grants, 'districts/E06000031/amountAwarded'), { value: 250_000 }, 'Peterborough, by its ward Barnack')
  t.like(cell(grants, 'districts/E07000010/amountAwarded'), { value: 0 }, 'Fenland: nothing')
  t.deepEqual(
    explainIn(grants, 'districts/E06000031/amountAwarded')?.events.map((e) => e.stream),
    [streamId('grants', 'application', 'a-2')],
  )
})

test('a report as of an earlier position gives the figures of then, and says where it stands', async (t) => {
  const ledger = await ledgerWithEverything()
  const [award] = await positionsOf(ledger, streamId('grants', 'application', 'a-1'), ['grants.GrantAwarded'])
  if (award === undefined) return t.fail()
  const [before] = await produceReports(ledger, ['grants'], { asOf: { position: award - 1 } })
  const [after] = await produceReports(ledger, ['grants'], { asOf: { position: award } })
  t.is(before?.basis.position, award - 1)
  t.like(cell(before as ReportData, 'funds/innovate/amountAwarded'), { value: 0 })
  t.like(cell(after as ReportData, 'funds/innovate/amountAwarded'), { value: 500_000 })
  const explained = await explain(ledger, 'grants', 'funds/innovate/amountAwarded', { asOf: { position: award } })
  t.deepEqual(
    explained?.events.map((e) => e.position),
    [award],
  )
})

// --- volunteering ---

test('volunteering: counts under 5 are "<5", totals do not let them be recovered, and their events are not listed', async (t) => {
  const ledger = await ledgerWithEverything()
  const [report] = await produceReports(ledger, ['volunteering'])
  if (report === undefined) return t.fail()
  const areas = table(report, 'areas')
  t.deepEqual(
    areas.rows.map((r) => r.key),
    ['peterborough', 'cambridge', 'total'],
  )
  // Six volunteers in Cambridge, one in Peterborough: with all seven published as the total, Cambridge's
  // six would give Peterborough's one away, so they are withheld too.
  t.like(cell(report, 'areas/total/volunteers'), { value: 7, text: '7' })
  t.like(cell(report, 'areas/cambridge/volunteers'), { value: null, text: 'c' })
  t.regex(cell(report, 'areas/cambridge/volunteers').withheld ?? '', /cannot be worked out/)
  t.regex(cell(report, 'areas/total/volunteers').withheld ?? '', /would reveal/)
  const small = cell(report, 'areas/peterborough/volunteers')
  t.like(small, { value: null, text: '<5' })
  t.is(small.evidence, undefined)
  t.like(cell(report, 'areas/peterborough/hours'), { value: null })
  t.is((await explain(ledger, 'volunteering', small.id))?.events.length, 0)
  // Hours: Peterborough withheld, so Cambridge or the total must be too.
  for (const column of ['volunteers', 'hours', 'credits']) {
    const withheld = ['cambridge', 'peterborough', 'total'].filter(
      (row) => cell(report, `areas/${row}/${column}`).value === null,
    )
    t.true(withheld.length >= 2, `${column}: ${withheld.join(', ')}`)
  }
  t.false(JSON.stringify(report).includes('"value":9'), 'Peterborough’s 9 hours appear nowhere')
  t.like(cell(report, 'detail/cambridge.health-walk-leader/volunteers'), { value: null, text: 'c' })
  // With every count disclosed, the events behind a cell are those of the verified entries.
  const [open] = await produceReports(ledger, ['volunteering'], { reports: { volunteering: { disclose: true } } })
  const hours = explainIn(open as ReportData, 'areas/peterborough/hours')
  t.like(cell(open as ReportData, 'areas/peterborough/hours'), { value: 9 })
  t.deepEqual(
    hours?.events.map((e) => e.type),
    ['volunteers.HoursLogged', 'volunteers.HoursVerified'],
  )
  t.true(hours?.events.every((e) => e.stream === streamId('volunteers', 'timesheet', 'v-7')))
  t.like(cell(open as ReportData, 'areas/total/hours'), { value: 3 + 4 + 5 + 6 + 7 + 8 + 9 })
  t.like(cell(open as ReportData, 'areas/cambridge/checksExpiring'), { value: 1 })
})

test('protect: one withheld member of a group beside a published total takes another, or the total, with it', (t) => {
  const values = new Map([
    ['a', 3],
    ['b', 10],
    ['c', 20],
    ['t', 33],
  ])
  const groups = [{ total: 't', members: ['a', 'b', 'c'] }]
  t.deepEqual(
    [...protect(values, new Set(['a']), groups)],
    [
      ['a', 'primary'],
      ['b', 'secondary'],
    ],
  )
  t.deepEqual(
    [...protect(values, new Set(['a']), [{ total: 't', members: ['a'] }])],
    [
      ['a', 'primary'],
      ['t', 'secondary'],
    ],
  )
  t.is(protect(values, new Set(), groups).size, 0)
  // A total withheld (for a group above it) is not left as the sum of its published members.
  t.deepEqual(
    [...protect(values, new Set(['t']), [{ total: 't', members: ['b'] }])],
    [
      ['t', 'primary'],
      ['b', 'secondary'],
    ],
  )
})

// --- service delivery areas, partnerships, area profile ---

test('sda review: every area and LSOA of the published version, explained by the scheme events that placed it', async (t) => {
  const ledger = await ledgerWithEverything()
  const [review] = await produceReports(ledger, ['sda-review'])
  if (review === undefined) return t.fail()
  t.is(table(review, 'areas').rows.length, 6)
  t.is(table(review, 'lsoas').rows.length, 516)
  t.deepEqual(review.basis.schemes, ['cambs-pboro-sda v1 (published, modelled registrations)'])
  t.true(review.notes.some((n) => n.includes('modelled')))
  t.is(table(review, 'areas').columns.find((c) => c.id === 'registrations')?.label, 'Modelled registrations')
  const why = explainIn(review, 'lsoas/E01017980/area')
  t.deepEqual(
    why?.events.map((e) => e.type),
    ['areas.SchemeDefined', 'areas.AssignmentRun', 'areas.SchemePublished'],
  )
  t.is(review.maps[0]?.areas.length, 516)
  // Every LSOA cell of the table shares one list of events: kept once.
  t.true(Object.keys(review.evidence).length < 20)
})

test('partnerships: members, seats, signatures, milestones and posts', async (t) => {
  const ledger = await ledgerWithEverything()
  const [report] = await produceReports(ledger, ['partnerships'])
  if (report === undefined) return t.fail()
  t.like(cell(report, 'boards/tcpb/members'), { value: 3 })
  t.like(cell(report, 'agreements/health-deal/signed'), { text: '1 of 2' })
  t.like(cell(report, 'milestones/think-communities.m1/status'), { value: 'reached 2026-01-30' })
  t.like(cell(report, 'posts/cambridge/filled'), { value: 1 })
  const signed = explainIn(report, 'agreements/health-deal/signed')
  t.deepEqual(
    signed?.events.map((e) => e.type),
    ['partnerships.AgreementDrafted', 'partnerships.AgreementSigned'],
  )
  t.is(report.maps[0]?.areas.length, 6)
})

test('area profile: indicators recorded for LSOAs, summed or averaged to each service delivery area and district', async (t) => {
  const ledger = await openTestLedger()
  await recordAreas(ledger)
  const lsoas = [
    ...new Set(
      (lsoa2021Ward2025Release().lookups ?? [])
        .filter((l) => l.from.type === 'lsoa')
        .flatMap((l) => l.pairs.map(([lsoa]) => lsoa)),
    ),
  ]
  const send = sender(ledger)
  const source = { name: 'Test values: one per LSOA', licence: 'none' }
  const indicator = async (indicatorId: string, aggregation: string, value: number) => {
    await send.to(areaProfiles, { type: 'DefineIndicator', indicatorId, name: indicatorId, unit: 'count', aggregation })
    await send.to(areaProfiles, {
      type: 'RecordIndicatorValues',
      indicatorId,
      period: '2024',
      lsoaVintage: '2021',
      source,
      values: lsoas.map((lsoa) => ({ lsoa, value, population: 100 })),
    })
  }
  await indicator('lsoas', 'sum', 1)
  await indicator('steady', 'population-weighted-mean', 7)
  const column = (report: ReportData | undefined, id: string) =>
    (report?.tables[0]?.rows ?? []).map((row) => {
      const at = report?.tables[0]?.columns.findIndex((c) => c.id === id) ?? -1
      return row.cells[at]?.value
    })
  for (const groupBy of ['service-delivery-area', 'district'] as const) {
    const [report] = await produceReports(ledger, ['area-profile'], { reports: { 'area-profile': { groupBy } } })
    t.is(report?.tables[0]?.rows.length, 6, `${groupBy}: six areas`)
    const counts = column(report, 'lsoas')
    t.is(
      counts.reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0),
      lsoas.length,
      `${groupBy}: every LSOA counted once`,
    )
    t.deepEqual(
      column(report, 'steady'),
      Array.from({ length: 6 }, () => 7),
      `${groupBy}: a constant's mean`,
    )
    t.is(report?.maps[0]?.areas.length, 6)
    const first = report?.tables[0]?.rows[0]?.cells.find((c) => c.id.endsWith('/lsoas'))
    const why = first === undefined || report === undefined ? undefined : explainIn(report, first.id)
    t.true(
      why?.events.some((e) => e.type === 'areas.IndicatorValuesRecorded') === true,
      'a figure is explained by the values recorded',
    )
  }
  await ledger.close()
})

test('area profile: with no indicators recorded it says so', async (t) => {
  const ledger = await ledgerWithEverything()
  const [report] = await produceReports(ledger, ['area-profile'])
  t.deepEqual(report?.notes, ['No indicators are recorded.'])
})

// --- formats ---

test('CSV, JSON and HTML: shapes', async (t) => {
  const ledger = await ledgerWithEverything()
  const [grants] = await produceReports(ledger, ['grants'])
  if (grants === undefined) return t.fail()
  const long = toCsv(grants).split('\r\n')
  t.is(long[0], 'table,row,column,value,text,withheld,evidence')
  t.true(long.some((l) => l.startsWith('funds,innovate,amountAwarded,750000,"£7,500",,e')))
  const wide = toCsv(grants, { table: 'funds' }).split('\r\n')
  t.is(wide[0], 'key,Fund,Budget,Applications,Requested,Awarded (grants),Awarded,Paid,Projected savings')
  t.is(wide[1], 'innovate,Innovate and Cultivate Fund,10000000,3,1050000,2,750000,0,200000')
  t.throws(() => toCsv(grants, { table: 'nope' }))
  t.deepEqual(JSON.parse(toJson(grants)), JSON.parse(JSON.stringify(grants)))
  const html = renderHtml([grants], { title: 'Grants' })
  t.false(/(src|href)="(https?:)?\/\//.test(html), 'nothing fetched from elsewhere')
  t.false(html.includes('<script'))
  for (const key of Object.keys(grants.evidence)) t.true(html.includes(`id="ev-grants-${key}"`))
  t.true(html.includes('Contains OS data © Crown copyright and database right'))
  t.true(html.includes(`Ledger position ${grants.basis.position}`))
})
