/**
 * The areas read models over a ledger holding the real reference data and a published scheme: which
 * areas contain an LSOA (with the method and source of each answer, and the scheme version in force
 * on a date), and which LSOAs make up an area.
 */
import type { Ledger } from '@civic-ledger/core'
import { createLedger } from '@civic-ledger/core'
import test from 'ava'

import { areaProfiles } from '../indicator/aggregate'
import { lsoa2021Centroids, REFERENCE_PCN_ID } from '../lib/practices'
import { AREA_DATA_STEWARD, areasPolicy, GEOGRAPHY_OFFICER } from '../policy'
import { schemeDecisions } from '../sda-scheme/aggregate'
import { publishModelledScheme } from '../workflows/modelled-scheme'
import { importReferenceData } from '../workflows/reference-data'
import { areasPlugin } from './plugin'
import type { AreaQueries } from './queries'
import { createAreaQueries } from './queries'
import { schemeLsoaDocs, serviceDeliveryAreas } from './service-delivery-areas'

const officer = { id: 'geo-1', organisation: 'GB-LAE-CAM', role: GEOGRAPHY_OFFICER }
const steward = { id: 'steward-1', organisation: 'GB-LAE-CAM', role: AREA_DATA_STEWARD }

let ledger: Ledger
let queries: AreaQueries

test.before(async () => {
  ledger = await createLedger({ policy: areasPolicy, plugins: [areasPlugin], events: areasPlugin.events })
  await importReferenceData(ledger, officer)
  await publishModelledScheme(ledger, officer, steward)
  await ledger.projections.waitUntilCaughtUp()
  queries = createAreaQueries(ledger.projections)
})

test.after.always(() => ledger.close())

test('an LSOA of 2021 is in a 2025 ward (derived by centroid), its district, and a service delivery area', async (t) => {
  const found = await queries.areasContaining('E01015589', { lsoaVintage: '2021' })
  t.deepEqual(
    found.filter((c) => c.type === 'ward').map((c) => [c.code, c.vintage, c.method]),
    [['E05010805', '2025', 'derived']],
  )
  t.true(found.some((c) => c.type === 'district' && c.code === 'E06000031' && c.method === 'exact'))
  const sda = found.filter((c) => c.type === 'service-delivery-area')
  t.is(sda.length, 1)
  t.is(sda[0]?.code, 'peterborough', 'an area of the scheme, not a PCN')
  t.is(sda[0]?.via, 'scheme cambs-pboro-sda version 1')
  t.is(sda[0]?.method, 'dominant-lsoa')
})

test('an LSOA of 2011 is in a ward by best-fit, and through that ward in a county division, marked best-fit', async (t) => {
  const found = await queries.areasContaining('E01017994', { lsoaVintage: '2011' })
  const ward = found.find((c) => c.type === 'ward')
  t.is(ward?.method, 'best-fit')
  const divisions = found.filter((c) => c.type === 'county-division')
  t.true(divisions.length >= 1)
  t.true(divisions.every((d) => d.method === 'best-fit' && d.via.includes('then ons-ward19-ced19')))
})

test('the LSOAs of a ward, and of every service delivery area: together, each LSOA of 2021 once', async (t) => {
  const inWard = await queries.lsoasOf('E05010805')
  t.true(inWard.includes('E01015589'))
  const [sda] = (await queries.areasContaining('E01015589')).filter((c) => c.type === 'service-delivery-area')
  const members = await queries.lsoasOf(sda?.code ?? '', { scheme: { schemeId: 'cambs-pboro-sda' } })
  t.true(members.includes('E01015589'))
  t.deepEqual(await queries.area('U88254'), [], 'PCNs are in the PCN reference, not in a boundary release')
  const areas = new Set(
    (await ledger.projections.query(serviceDeliveryAreas, schemeLsoaDocs).find({ schemeId: 'cambs-pboro-sda' })).map(
      (d) => d.area ?? '',
    ),
  )
  t.is(areas.size, 6)
  const all: string[] = []
  for (const area of areas)
    all.push(...(await queries.lsoasOf(area, { scheme: { schemeId: 'cambs-pboro-sda', version: 1 } })))
  t.is(all.length, 516)
  t.is(new Set(all).size, 516)
})

test('an indicator is aggregated to 2025 wards through the derived lookup, and to the scheme’s areas', async (t) => {
  // Hand-made values for the arithmetic: 1 per LSOA, so a ward's sum is its number of LSOAs.
  const lsoas = (await queries.lsoasOf('E05010805')).filter((l) => l.startsWith('E01'))
  const officerContext = { actor: officer }
  const define = await ledger.execute(
    areaProfiles,
    { type: 'DefineIndicator', indicatorId: 'lsoa-count', name: 'LSOAs', unit: 'count', aggregation: 'sum' },
    officerContext,
  )()
  t.true(define._tag === 'Right')
  const all = lsoa2021Centroids().map((l) => ({ lsoa: l.code, value: 1, population: 1650 }))
  const recorded = await ledger.execute(
    areaProfiles,
    {
      type: 'RecordIndicatorValues',
      indicatorId: 'lsoa-count',
      period: '2021',
      lsoaVintage: '2021',
      source: { name: 'hand-made', licence: 'none' },
      values: all,
    },
    officerContext,
  )()
  t.true(recorded._tag === 'Right')
  await ledger.projections.waitUntilCaughtUp()
  const byWard = await queries.profile('lsoa-count', '2021', { type: 'ward', vintage: '2025' })
  t.deepEqual(byWard.methods, ['derived'])
  t.is(byWard.areas.length, 120)
  t.is(
    byWard.areas.reduce((s, a) => s + (a.value ?? 0), 0),
    516,
  )
  const barnack = byWard.areas.find((a) => a.area === 'E05010805')
  t.true((barnack?.value ?? 0) >= 1 && (barnack?.lsoasInArea ?? 0) <= lsoas.length)
  const bySda = await queries.profile('lsoa-count', '2021', { scheme: { schemeId: 'cambs-pboro-sda' } })
  t.is(bySda.groupedBy, 'scheme cambs-pboro-sda version 1')
  t.is(bySda.areas.length, 6)
  t.is(
    bySda.areas.reduce((s, a) => s + (a.value ?? 0), 0),
    516,
  )
})

test('before the scheme was published no version was in force; the version list says what it was built from', async (t) => {
  const before = await queries.areasContaining('E01015589', { asOf: '2020-01-01' })
  t.false(before.some((c) => c.type === 'service-delivery-area'))
  const [v1] = await queries.schemeVersions('cambs-pboro-sda')
  t.like(v1, { version: 1, status: 'published', modelled: true, pcnReference: REFERENCE_PCN_ID, excludedPractices: 0 })
  t.regex(v1?.extract ?? '', /not NHS data/)
})

test('a scheme’s areas are shown with the PCNs each groups, by name; each LSOA with its dominant PCN', async (t) => {
  const areas = await queries.schemeAreas('cambs-pboro-sda')
  t.deepEqual(
    areas.map((a) => a.areaId),
    ['peterborough', 'cambridge', 'east-cambridgeshire', 'fenland', 'huntingdonshire', 'south-cambridgeshire'],
  )
  const cambridge = areas.find((a) => a.areaId === 'cambridge')
  t.is(cambridge?.name, 'Cambridge')
  t.deepEqual(
    cambridge?.pcns.map((p) => p.code),
    ['U24388', 'U65941', 'U71777', 'U88254'],
  )
  t.is(cambridge?.pcns.find((p) => p.code === 'U88254')?.name, 'CAM MEDICAL PCN')
  t.is(
    areas.reduce((n, a) => n + a.pcns.length, 0),
    22,
  )
  const docs = await ledger.projections.query(serviceDeliveryAreas, schemeLsoaDocs).find({ lsoa: 'E01015589' })
  const doc = docs.find((d) => d.schemeId === 'cambs-pboro-sda')
  t.regex(doc?.pcn ?? '', /^U\d{5}$/)
  t.true(areas.find((a) => a.areaId === doc?.area)?.pcns.some((p) => p.code === doc?.pcn) ?? false)
})

test('a run’s practices outside the PCN reference are visible, counted, in the scheme’s versions', async (t) => {
  const context = { actor: officer }
  const defined = await ledger.decide(
    schemeDecisions,
    {
      type: 'DefineScheme',
      schemeId: 'border-demo',
      name: 'Border demonstration',
      lsoaVintage: '2021',
      scope: { description: 'one LSOA', lsoas: ['E01015589'] },
      pcnReference: REFERENCE_PCN_ID,
      areas: [{ areaId: 'peterborough', name: 'Peterborough', pcns: ['U89134', 'U75549'] }],
    },
    context,
  )()
  t.true(defined._tag === 'Right')
  const ran = await ledger.decide(
    schemeDecisions,
    {
      type: 'RunAssignment',
      schemeId: 'border-demo',
      pcnReference: REFERENCE_PCN_ID,
      extract: {
        publication: 'hand-made',
        extractDate: '2024-03-01',
        source: { name: 'hand-made', licence: 'none' },
        modelled: true,
        rows: [
          { practice: 'D81615', lsoa: 'E01015589', patients: 30 },
          { practice: 'C83001', lsoa: 'E01015589', patients: 70 },
          { practice: 'C83002', lsoa: 'E01026000', patients: 400 },
        ],
      },
    },
    context,
  )()
  t.true(ran._tag === 'Right', ran._tag === 'Left' ? ran.left.message : '')
  await ledger.projections.waitUntilCaughtUp()
  const [v1] = await queries.schemeVersions('border-demo')
  t.like(v1, {
    version: 1,
    excludedPractices: 2,
    excludedPatients: 470,
    excludedPracticesInScope: ['C83001'],
    excludedPatientsInScope: 70,
  })
})

test('a 2016 ward code no later release has can be named, with its district', async (t) => {
  const [brampton] = await queries.area('E05002763')
  t.like(brampton, { name: 'Brampton', type: 'ward', vintage: '2016', releaseId: 'ons-wards-2016' })
  const within = await ledger.projections
    .query(serviceDeliveryAreas, schemeLsoaDocs)
    .find({ schemeId: 'cambs-pboro-sda', lsoa: 'E05002763' })
  t.deepEqual(within, [], 'a ward is not an LSOA of a scheme')
})
