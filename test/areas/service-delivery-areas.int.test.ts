/**
 * Service delivery areas as the Think Communities report makes them, on a real SQLite file and on
 * PostgreSQL: the shipped reference data (every ward vintage included) and a scheme of named areas
 * grouping PCNs load through ordinary commands; a run from an extract with practices outside the
 * PCN reference is recorded with them counted, and the read model shows the counts, each area with
 * its PCNs, and each LSOA with its dominant PCN and area; a definition with an unknown PCN or a PCN
 * in two areas, a run naming a PCN reference that does not exist, and an override to an area the
 * scheme lacks are refused and write nothing; a 2016 ward code no later release has is found.
 */
import type { DefineSchemeInput, RunAssignmentInput } from '@civic-ledger/areas'
import {
  AREA_DATA_STEWARD,
  areasPlugin,
  areasPolicy,
  createAreaQueries,
  districtAreaDefinitions,
  GEOGRAPHY_OFFICER,
  importReferenceData,
  lsoa2021Centroids,
  modelRegistrations,
  practiceRows,
  publishModelledScheme,
  REFERENCE_PCN_ID,
  schemeDecisions,
  schemeLsoaDocs,
  serviceDeliveryAreas,
  serviceDeliveryAreaSchemes,
} from '@civic-ledger/areas'
import type { CommandError } from '@civic-ledger/core'
import test from 'ava'
import type { Either } from 'fp-ts/Either'
import { isLeft, isRight } from 'fp-ts/Either'

import type { StoreKind } from '../security/ledgers'
import { freshLedger } from '../security/ledgers'

const officer = { id: 'geo-1', organisation: 'GB-LAE-CAM', role: GEOGRAPHY_OFFICER }
const steward = { id: 'steward-1', organisation: 'GB-LAE-CAM', role: AREA_DATA_STEWARD }

const rejected = (result: Either<CommandError, unknown>, code: string): boolean =>
  isLeft(result) && result.left._tag === 'Rejected' && result.left.code === code

for (const kind of ['sqlite', 'postgres'] as const satisfies ReadonlyArray<StoreKind>) {
  test(`${kind}: a scheme of named PCN groups loads and projects; practices outside the reference are counted, not fatal; bad schemes write nothing`, async (t) => {
    const ledger = await freshLedger(t, kind, {
      policy: areasPolicy,
      plugins: [areasPlugin],
      events: areasPlugin.events,
    })
    await importReferenceData(ledger, officer)
    await publishModelledScheme(ledger, officer, steward)
    const context = { actor: officer }

    // Refused, writing nothing: an unknown PCN, a PCN in two areas, a reference that does not exist.
    const head = await ledger.events.headPosition()
    const lsoas = lsoa2021Centroids().map((l) => l.code)
    const define = (areas: DefineSchemeInput['areas'], pcnReference = REFERENCE_PCN_ID): DefineSchemeInput => ({
      type: 'DefineScheme',
      schemeId: 'refused',
      name: 'Refused',
      lsoaVintage: '2021',
      scope: { description: 'all', lsoas },
      pcnReference,
      areas,
    })
    t.true(
      rejected(
        await ledger.decide(schemeDecisions, define([{ areaId: 'a', name: 'A', pcns: ['U09999'] }]), context)(),
        'unknown-pcn',
      ),
    )
    t.true(
      rejected(
        await ledger.decide(
          schemeDecisions,
          define([
            { areaId: 'a', name: 'A', pcns: ['U88254'] },
            { areaId: 'b', name: 'B', pcns: ['U24388', 'U88254'] },
          ]),
          context,
        )(),
        'duplicate-pcn',
      ),
    )
    t.true(
      rejected(
        await ledger.decide(
          schemeDecisions,
          define([{ areaId: 'a', name: 'A', pcns: ['U88254'] }], 'no-such-ref'),
          context,
        )(),
        'no-reference',
      ),
    )
    const extract = modelRegistrations(lsoa2021Centroids(), practiceRows(), '2024-03-01')
    const rerun = (pcnReference: string): RunAssignmentInput => ({
      type: 'RunAssignment',
      schemeId: 'cambs-pboro-sda',
      pcnReference,
      extract: {
        publication: extract.publication,
        extractDate: extract.extractDate,
        source: { name: 'modelled, with practices over the county boundary added by hand', licence: 'OGL v3 inputs' },
        modelled: true,
        // Practices of Lincolnshire and Norfolk, as a national extract has them.
        rows: [
          ...extract.rows,
          { practice: 'C83001', lsoa: 'E01015589', patients: 120 },
          { practice: 'C83001', lsoa: 'E01026001', patients: 900 },
          { practice: 'D82001', lsoa: 'E01026500', patients: 300 },
        ],
      },
    })
    t.true(rejected(await ledger.decide(schemeDecisions, rerun('no-such-ref'), context)(), 'no-reference'))
    t.is(await ledger.events.headPosition(), head, 'nothing was written by the refused commands')

    // A run with practices outside the reference is recorded, with them counted.
    const ran = await ledger.decide(schemeDecisions, rerun(REFERENCE_PCN_ID), context)()
    t.true(isRight(ran), isLeft(ran) ? ran.left.message : '')
    const overrideTo = (area: string) =>
      ledger.execute(
        serviceDeliveryAreaSchemes,
        { type: 'OverrideLsoa', schemeId: 'cambs-pboro-sda', version: 2, lsoa: 'E01015589', area, reason: 'test' },
        context,
      )()
    t.true(rejected(await overrideTo('rutland'), 'unknown-area'))
    t.true(isRight(await overrideTo('fenland')))
    await ledger.projections.waitUntilCaughtUp()

    const queries = createAreaQueries(ledger.projections)
    const [v2, v1] = await queries.schemeVersions('cambs-pboro-sda')
    t.like(v1, { version: 1, status: 'published', excludedPractices: 0, excludedPatients: 0 })
    t.like(v2, {
      version: 2,
      status: 'draft',
      pcnReference: REFERENCE_PCN_ID,
      excludedPractices: 2,
      excludedPatients: 1320,
      excludedPracticesInScope: ['C83001'],
      excludedPatientsInScope: 120,
    })
    const areas = await queries.schemeAreas('cambs-pboro-sda')
    t.deepEqual(
      areas.map((a) => [a.areaId, a.name, a.pcns.map((p) => p.code)]),
      districtAreaDefinitions().map((a) => [a.areaId, a.name, a.pcns]),
    )
    t.true(
      areas.every((a) => a.pcns.every((p) => p.name.endsWith('PCN'))),
      'each PCN with its name',
    )
    const docs = await ledger.projections.query(serviceDeliveryAreas, schemeLsoaDocs).find({ lsoa: 'E01015589' })
    const inV1 = docs.find((d) => d.version === 1)
    const inV2 = docs.find((d) => d.version === 2)
    t.regex(inV1?.pcn ?? '', /^U\d{5}$/)
    t.true(areas.find((a) => a.areaId === inV1?.area)?.pcns.some((p) => p.code === inV1?.pcn) ?? false)
    t.like(inV2, { area: 'fenland', override: 'test', pcn: inV1?.pcn ?? '' })
    const fenland = await queries.lsoasOf('fenland', { scheme: { schemeId: 'cambs-pboro-sda', version: 2 } })
    t.true(fenland.includes('E01015589'), 'the overridden LSOA is in its new area')
    const [brampton] = await queries.area('E05002763')
    t.like(brampton, { name: 'Brampton', type: 'ward', vintage: '2016', releaseId: 'ons-wards-2016' })
  })
}
