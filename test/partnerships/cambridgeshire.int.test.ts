/**
 * What the council reports describe, recorded through the partnerships context on a SQLite file:
 * the Health and Wellbeing Board, the Public Services Board (chief executives of the councils, the
 * CCG, police and fire) and the Think Communities Partnership Board (the Public Services Board's
 * members plus voluntary-sector bodies, Healthwatch and the NHS alliances); the Health Deal; a
 * data-sharing agreement; the six workstreams of Stronger Together (2016) and the three priority
 * themes of the Think Communities report (2020); a delivery plan for each service delivery area of
 * the (modelled) scheme. Every read model shows them.
 *
 * Identifiers: the councils' are the org-id register's (data/); the CCG's is its ODS code (06H, as
 * in the practice data); everyone else has a local identifier, marked local.
 */
import {
  AREA_DATA_STEWARD,
  areasPolicy,
  districtAreaDefinitions,
  GEOGRAPHY_OFFICER,
  pcnReferences,
  publishModelledScheme,
  referencePcnImport,
} from '@civic-ledger/areas'
import type { CommandError, Ledger } from '@civic-ledger/core'
import { byContext } from '@civic-ledger/core'
import {
  admissions,
  agreements,
  AUTHORISED_SIGNATORY,
  boards,
  councilRows,
  createPartnershipQueries,
  deliveryPlanAgreements,
  organisations,
  PARTNERSHIP_OFFICER,
  partnershipsPlugin,
  partnershipsPolicy,
  programmes,
  registerCouncils,
} from '@civic-ledger/partnerships'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'

import { freshLedger } from '../security/ledgers'

const officer = { actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: PARTNERSHIP_OFFICER } }
const signatoryOf = (organisation: string) => ({
  actor: { id: `ce-${organisation}`, organisation, role: AUTHORISED_SIGNATORY },
})
const geography = { id: 'geo-1', organisation: 'GB-LAE-CAM', role: GEOGRAPHY_OFFICER }
const steward = { id: 'steward-1', organisation: 'GB-LAE-CAM', role: AREA_DATA_STEWARD }

const NHS = [
  ['GB-NHS-06H', 'NHS Cambridgeshire and Peterborough CCG', 'nhs-body'],
  ['local:north-alliance', 'North Alliance (NHS)', 'nhs-alliance'],
  ['local:south-alliance', 'South Alliance (NHS)', 'nhs-alliance'],
] as const
const BLUE_LIGHT = [
  ['local:cambridgeshire-constabulary', 'Cambridgeshire Constabulary', 'police'],
  ['local:cambridgeshire-fire-and-rescue', 'Cambridgeshire Fire and Rescue Service', 'fire'],
] as const
const VOLUNTARY = [
  ['local:hunts-forum', 'Hunts Forum of Voluntary Organisations', 'voluntary-sector'],
  ['local:peterborough-cvs', 'Peterborough Council for Voluntary Service', 'voluntary-sector'],
  ['local:healthwatch-cambs-pboro', 'Healthwatch Cambridgeshire and Peterborough', 'healthwatch'],
] as const

const WORKSTREAMS_2016 = [
  ['communication', 'Communication'],
  ['people-helping-people', 'People helping people'],
  ['council-members', 'Council members'],
  ['workforce', 'Workforce'],
  ['community-hubs', 'Community hubs'],
  ['partnerships', 'Partnerships'],
] as const
const THEMES_2020 = [
  ['communications-and-engagement', 'Communications and engagement'],
  ['data-and-intelligence', 'Data and intelligence'],
  ['workforce-reform', 'Workforce reform'],
] as const

const ok = async (t: ExecutionContext, task: TaskEither<CommandError, unknown>, what: string): Promise<void> => {
  const r = await task()
  if (E.isLeft(r)) t.fail(`${what}: ${r.left.message}`)
}

const board = (boardId: string, name: string, extra: Record<string, unknown>) => ({
  type: 'DefineBoard',
  boardId,
  name,
  purpose: name,
  geography: ['E10000003', 'E06000031'],
  termsOfReference: 'Meets quarterly; terms of reference agreed by its members',
  on: '2026-01-05',
  ...extra,
})

const record = async (t: ExecutionContext, ledger: Ledger): Promise<ReadonlyArray<string>> => {
  t.true(E.isRight(await registerCouncils(ledger, officer, '2026-01-02')))
  for (const [orgId, name, organisationType] of [...NHS, ...BLUE_LIGHT, ...VOLUNTARY])
    await ok(
      t,
      ledger.execute(
        organisations,
        { type: 'RegisterOrganisation', orgId, name, organisationType, on: '2026-01-02' },
        officer,
      ),
      orgId,
    )
  await ok(t, ledger.execute(boards, board('hwb', 'Health and Wellbeing Board', {}), officer), 'hwb')
  await ok(
    t,
    ledger.execute(
      boards,
      board('psb', 'Public Services Board', { reportsTo: { boardId: 'hwb', everyMonths: 3 } }),
      officer,
    ),
    'psb',
  )
  await ok(
    t,
    ledger.execute(
      boards,
      board('tcpb', 'Think Communities Partnership Board', {
        reportsTo: { boardId: 'psb', everyMonths: 3 },
        includesAllMembersOf: 'psb',
      }),
      officer,
    ),
    'tcpb',
  )
  const councils = councilRows().map((c) => c.orgId)
  const psb = [...councils, 'GB-NHS-06H', ...BLUE_LIGHT.map(([id]) => id)]
  const tcpb = [...psb, ...VOLUNTARY.map(([id]) => id), 'local:north-alliance', 'local:south-alliance']
  const hwb = [
    ...councils.filter((c) => c === 'GB-LAE-CAM' || c === 'GB-LAE-PTE'),
    'GB-NHS-06H',
    'local:healthwatch-cambs-pboro',
  ]
  for (const [boardId, members] of [
    ['psb', psb],
    ['tcpb', tcpb],
    ['hwb', hwb],
  ] as const)
    for (const orgId of members)
      await ok(
        t,
        ledger.decide(admissions, { type: 'AdmitMember', boardId, orgId, on: '2026-01-06' }, officer),
        `${boardId} ${orgId}`,
      )

  // The Health Deal between all agencies, signed by each.
  const parties = psb
  await ok(
    t,
    ledger.execute(
      agreements,
      {
        type: 'DraftAgreement',
        agreementId: 'health-deal',
        kind: 'health-deal',
        title: 'Health Deal',
        parties,
        purposes: ['Working together on prevention and early help'],
        on: '2026-01-10',
      },
      officer,
    ),
    'health deal',
  )
  await ok(
    t,
    ledger.execute(agreements, { type: 'FinaliseAgreement', agreementId: 'health-deal', on: '2026-01-12' }, officer),
    'finalise',
  )
  for (const orgId of parties)
    await ok(
      t,
      ledger.execute(
        agreements,
        { type: 'SignAgreement', agreementId: 'health-deal', orgId, signatory: 'Chief Executive', on: '2026-01-20' },
        signatoryOf(orgId),
      ),
      `sign ${orgId}`,
    )
  // A data-sharing agreement with its terms, finalised, signed by two of its three parties.
  const dsa = ['GB-LAE-CAM', 'GB-LAE-PTE', 'GB-NHS-06H']
  await ok(
    t,
    ledger.execute(
      agreements,
      {
        type: 'DraftAgreement',
        agreementId: 'tc-dsa',
        kind: 'data-sharing',
        title: 'Think Communities data-sharing agreement',
        parties: dsa,
        purposes: ['Place-based profiles and early help'],
        on: '2026-01-10',
      },
      officer,
    ),
    'dsa',
  )
  await ok(
    t,
    ledger.execute(
      agreements,
      {
        type: 'SetDataSharingTerms',
        agreementId: 'tc-dsa',
        lawfulBases: dsa.map((orgId) => ({ orgId, basis: 'public-task' })),
        dataCategories: ['household composition', 'service contacts'],
        retention: 'two years after the last contact',
        reviewOn: '2027-01-31',
        on: '2026-01-15',
      },
      officer,
    ),
    'terms',
  )
  await ok(
    t,
    ledger.execute(agreements, { type: 'FinaliseAgreement', agreementId: 'tc-dsa', on: '2026-01-20' }, officer),
    'finalise dsa',
  )
  for (const orgId of dsa.slice(0, 2))
    await ok(
      t,
      ledger.execute(
        agreements,
        {
          type: 'SignAgreement',
          agreementId: 'tc-dsa',
          orgId,
          signatory: 'Senior Information Risk Owner',
          on: '2026-01-25',
        },
        signatoryOf(orgId),
      ),
      `sign dsa ${orgId}`,
    )

  // Stronger Together's six workstreams, and the three themes of the 2020 report.
  await ok(
    t,
    ledger.execute(
      programmes,
      {
        type: 'DefineProgramme',
        programmeId: 'stronger-together',
        name: 'Stronger Together (2016)',
        boardId: 'psb',
        on: '2026-01-10',
      },
      officer,
    ),
    'st',
  )
  for (const [workstreamId, name] of WORKSTREAMS_2016)
    await ok(
      t,
      ledger.execute(
        programmes,
        {
          type: 'AddWorkstream',
          programmeId: 'stronger-together',
          workstreamId,
          name,
          themeIds: [],
          lead: 'GB-LAE-CAM',
          on: '2026-01-10',
        },
        officer,
      ),
      workstreamId,
    )
  await ok(
    t,
    ledger.execute(
      programmes,
      {
        type: 'DefineProgramme',
        programmeId: 'think-communities',
        name: 'Think Communities (2020)',
        boardId: 'tcpb',
        on: '2026-01-10',
      },
      officer,
    ),
    'tc',
  )
  for (const [themeId, name] of THEMES_2020)
    await ok(
      t,
      ledger.execute(
        programmes,
        { type: 'AddTheme', programmeId: 'think-communities', themeId, name, on: '2026-01-10' },
        officer,
      ),
      themeId,
    )
  await ok(
    t,
    ledger.execute(
      programmes,
      {
        type: 'AddWorkstream',
        programmeId: 'think-communities',
        workstreamId: 'profiles',
        name: 'Place-based profiles',
        themeIds: ['data-and-intelligence'],
        lead: 'GB-LAE-CAM',
        on: '2026-01-10',
      },
      officer,
    ),
    'profiles',
  )
  await ok(
    t,
    ledger.execute(
      programmes,
      {
        type: 'PlanAction',
        programmeId: 'think-communities',
        actionId: 'a1',
        workstreamId: 'profiles',
        description: 'Publish a profile for each service delivery area',
        owner: 'GB-LAE-CAM',
        due: '2026-03-31',
        on: '2026-01-10',
      },
      officer,
    ),
    'a1',
  )

  // A delivery plan for each area of the published (modelled) scheme.
  const reference = await ledger.execute(pcnReferences, referencePcnImport(), { actor: geography })()
  t.true(E.isRight(reference))
  await publishModelledScheme(ledger, geography, steward)
  const areas = districtAreaDefinitions().map((a) => a.areaId)
  for (const areaId of areas)
    await ok(
      t,
      ledger.decide(
        deliveryPlanAgreements,
        {
          type: 'AgreeDeliveryPlan',
          planId: `${areaId}-2026`,
          schemeId: 'cambs-pboro-sda',
          schemeVersion: 1,
          areaId,
          title: `${areaId} delivery plan 2026`,
          priorities: [{ priorityId: 'hubs', description: 'A community hub the area agrees on', lead: 'GB-LAE-CAM' }],
          on: '2026-02-01',
        },
        officer,
      ),
      `plan ${areaId}`,
    )
  return areas
}

test('the boards, agreements, workstreams, themes and delivery plans of the council reports are recorded, and every read model shows them', async (t) => {
  t.timeout(5 * 60_000)
  const ledger = await freshLedger(t, 'sqlite', {
    policy: byContext({ partnerships: partnershipsPolicy, areas: areasPolicy }),
    plugins: [partnershipsPlugin],
  })
  const areas = await record(t, ledger)
  await ledger.projections.waitUntilCaughtUp({ timeoutMs: 60_000 })
  const q = createPartnershipQueries(ledger.projections)
  t.is(
    (await q.boardRegister('psb'))?.members.length,
    11,
    'eight councils and the combined authority, the CCG, police and fire',
  )
  t.is((await q.boardRegister('tcpb'))?.members.length, 16)
  t.deepEqual((await q.boardRegister('tcpb'))?.missingMembers, [], 'the partnership board includes every PSB member')
  t.is((await q.boardRegister('hwb'))?.members.length, 4)
  t.true((await q.organisation('local:north-alliance'))?.local)
  t.like((await q.agreements('in-force'))[0], { agreementId: 'health-deal', version: 1 })
  t.like((await q.agreements('finalised'))[0], { agreementId: 'tc-dsa', signed: ['GB-LAE-CAM', 'GB-LAE-PTE'] })
  t.deepEqual(
    (await q.reviewsDue('2027-01-01')).map((r) => r.agreementId),
    [],
    'the DSA is not in force, so not reviewed',
  )
  t.deepEqual(Object.keys(await q.overdueActions('2026-04-01')), ['GB-LAE-CAM'])
  t.deepEqual(
    (await q.programme('stronger-together')).workstreams.map((w) => w.name).sort(),
    WORKSTREAMS_2016.map(([, name]) => name).sort(),
  )
  t.deepEqual(
    (await q.programme('think-communities')).themes.map((th) => th.name).sort(),
    THEMES_2020.map(([, name]) => name).sort(),
  )
  const plans = await q.deliveryPlans('cambs-pboro-sda')
  t.deepEqual(Object.keys(plans).sort(), [...areas].sort())
  t.is(areas.length, 6)
  t.deepEqual((await q.reportsDue('2026-06-01')).map((r) => [r.boardId, r.overdue]).sort(), [
    ['psb', true],
    ['tcpb', true],
  ])
  t.true(ledger.projections.names.every((n) => ledger.projections.status(n).state !== 'halted'))
})
