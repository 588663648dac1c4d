/**
 * Every command of the partnerships context, sent through a real ledger under the partnerships
 * policy, first by every actor who should not send it, then by one who should, in the order of a
 * partnership's life: the register of organisations, a board with a seat and its members and
 * representatives, its meetings, decisions and reports, a Health Deal and a data-sharing agreement
 * drafted, signed by each party, reviewed, varied and terminated, a programme kept by the lead and by
 * the officer, a place-based post and a delivery plan against a published service delivery area
 * scheme, then representatives standing down, a member withdrawing and organisations dissolving.
 *
 * The wrong actors: every other role of the partnerships context and of the others (and the
 * council's auditor and data protection officer), roles nobody holds (unknown, `*`, an allowed role
 * in capitals or padded); for a signature, an authorised signatory of another organisation (a party
 * to the same agreement). Each must be `Forbidden` and write nothing. Who may send what is written
 * out here from the policy's description, not read from it; a command two roles may send is sent by
 * each of them in turn; and the commands sent must be every command the package's exported
 * aggregates and decisions decode, so a command added without its rule, a role added to a rule or
 * one taken from it fails this test.
 */
import {
  AREA_DATA_STEWARD,
  areasPlugin,
  areasPolicy,
  GEOGRAPHY_OFFICER,
  importReferenceData,
  publishModelledScheme,
} from '@civic-ledger/areas'
import type { Ledger } from '@civic-ledger/core'
import { byContext } from '@civic-ledger/core'
import {
  AUTHORISED_SIGNATORY,
  BOARD_SECRETARY,
  PARTNERSHIP_OFFICER,
  partnershipsPlugin,
  partnershipsPolicy,
  PROGRAMME_LEAD,
} from '@civic-ledger/partnerships'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { partnershipsDoors } from '../fuzz/doors'
import { recordSweep } from './counts'
import type { StoreKind } from './ledgers'
import { freshLedger } from './ledgers'
import type { Actor, RoleStep } from './roles'
import { refusedToEach, sendStep } from './roles'

const COUNTY = 'GB-LAE-CAM'
const DISTRICT = 'GB-LAE-HUN'
const CCG = 'GB-NHS-06H'
const ICB = 'local:cambs-pboro-icb'
const FORUM = 'local:hunts-forum'
const OLD_FORUM = 'local:old-hunts-forum'
const SCHEME = 'cambs-pboro-sda'
const AREA = 'huntingdonshire'

// Who may send what, from the policy's description: the officer keeps the register, boards,
// agreements, posts and delivery plans; the secretary records meetings, decisions and reports (as
// may the officer); a signatory signs for their own organisation only; the lead keeps programmes
// and records progress on delivery plans (as may the officer).
const officer = [PARTNERSHIP_OFFICER]
const secretariat = [PARTNERSHIP_OFFICER, BOARD_SECRETARY]
const signatory = [AUTHORISED_SIGNATORY]
const programme = [PARTNERSHIP_OFFICER, PROGRAMME_LEAD]

/** A step of the life: where it goes, the command, the roles that may send it, and who sends it. */
interface Step extends RoleStep {
  readonly by: string
}

const step = (
  door: string,
  roles: ReadonlyArray<string>,
  command: Record<string, unknown>,
  by = roles[0] ?? '',
): Step => ({ door: `partnerships.${door}/${String(command['type'])}`, command, roles, by })

const register = (orgId: string, name: string, organisationType: string, extra: Record<string, unknown> = {}) =>
  step('organisation', officer, {
    type: 'RegisterOrganisation',
    orgId,
    name,
    organisationType,
    on: '2026-01-02',
    ...extra,
  })
const ofBoard = (
  boardId: string,
  type: string,
  roles: ReadonlyArray<string>,
  extra: Record<string, unknown>,
  by?: string,
) => step('board', roles, { type, boardId, on: '2026-01-20', ...extra }, by)
const ofAgreement = (agreementId: string, type: string, extra: Record<string, unknown>, roles = officer) =>
  step('agreement', roles, { type, agreementId, on: '2026-02-01', ...extra })
const signs = (agreementId: string, orgId: string, on: string) =>
  ofAgreement(agreementId, 'SignAgreement', { orgId, signatory: 'Chief Executive', on }, signatory)

/** A programme's life, kept by `by` (the lead or the officer). */
const programmeLife = (programmeId: string, by: string): ReadonlyArray<Step> => {
  const of = (type: string, extra: Record<string, unknown>) =>
    step('programme', programme, { type, programmeId, on: '2026-02-20', ...extra }, by)
  return [
    of('DefineProgramme', { name: `Think Communities (${programmeId})`, boardId: 'psb' }),
    of('AddTheme', { themeId: 'prevention', name: 'Prevention' }),
    of('AddWorkstream', { workstreamId: 'hubs', name: 'Community hubs', themeIds: ['prevention'], lead: DISTRICT }),
    of('PlanAction', {
      actionId: 'a1',
      workstreamId: 'hubs',
      description: 'Open a hub in St Neots',
      owner: DISTRICT,
      due: '2026-06-30',
    }),
    of('UpdateAction', { actionId: 'a1', status: 'in-progress' }),
    of('SetMilestone', { milestoneId: 'm1', workstreamId: 'hubs', description: 'Venue found', due: '2026-04-30' }),
    of('ReachMilestone', { milestoneId: 'm1', reachedOn: '2026-02-18' }),
    of('StartPilot', {
      pilotId: 'p1',
      name: 'Hub pilot',
      place: { code: 'E07000011', type: 'district', vintage: '2023' },
      startsOn: '2026-02-01',
      endsOn: '2026-09-30',
    }),
    of('RecordLearning', { pilotId: 'p1', learning: 'People come on market day' }),
    of('EndPilot', { pilotId: 'p1', endedOn: '2026-02-19' }),
  ]
}

const LIFE: ReadonlyArray<Step> = [
  register(COUNTY, 'Cambridgeshire County Council', 'county-council', { gssCode: 'E10000003' }),
  register(DISTRICT, 'Huntingdonshire District Council', 'district-council'),
  register(CCG, 'NHS Cambridgeshire and Peterborough CCG', 'nhs-body'),
  register(ICB, 'NHS Cambridgeshire and Peterborough ICB', 'nhs-body'),
  register(FORUM, 'Hunts Forum', 'voluntary-sector'),
  register(OLD_FORUM, 'Old Hunts Forum', 'voluntary-sector'),
  step('organisation', officer, {
    type: 'RenameOrganisation',
    orgId: FORUM,
    name: 'Hunts Forum of Voluntary Organisations',
    on: '2026-01-03',
  }),
  ofBoard('hwb', 'DefineBoard', officer, {
    name: 'Health and Wellbeing Board',
    purpose: 'Health and wellbeing',
    geography: ['E10000003'],
    termsOfReference: 'Meets quarterly',
    on: '2026-01-05',
  }),
  ofBoard('psb', 'DefineBoard', officer, {
    name: 'Public Services Board',
    purpose: 'Community resilience',
    geography: ['E10000003', 'E06000031'],
    termsOfReference: 'Meets quarterly',
    reportsTo: { boardId: 'hwb', everyMonths: 3 },
    on: '2026-01-05',
  }),
  ofBoard('psb', 'AmendTermsOfReference', officer, { termsOfReference: 'Meets every two months', on: '2026-01-06' }),
  ofBoard('psb', 'DefineSeat', officer, {
    seatId: 'health',
    description: 'The NHS seat',
    organisationTypes: ['nhs-body'],
    on: '2026-01-06',
  }),
  ...[COUNTY, DISTRICT, CCG, FORUM].map((orgId) =>
    step('admissions', officer, { type: 'AdmitMember', boardId: 'psb', orgId, on: '2026-01-06' }),
  ),
  ofBoard('psb', 'AppointRepresentative', officer, {
    representativeId: 'rep-cam',
    orgId: COUNTY,
    name: 'A. Chief-Executive',
    position: 'chair',
    on: '2026-01-07',
  }),
  ofBoard('psb', 'AppointRepresentative', officer, {
    representativeId: 'rep-nhs',
    orgId: CCG,
    name: 'B. Accountable-Officer',
    position: 'member',
    seatId: 'health',
    on: '2026-01-07',
  }),
  ofBoard('psb', 'HoldMeeting', secretariat, { meetingId: 'psb-2026-01', heldOn: '2026-01-20' }, BOARD_SECRETARY),
  ofBoard(
    'psb',
    'HoldMeeting',
    secretariat,
    { meetingId: 'psb-extraordinary', heldOn: '2026-01-20' },
    PARTNERSHIP_OFFICER,
  ),
  ofBoard(
    'psb',
    'RecordDecision',
    secretariat,
    { meetingId: 'psb-2026-01', decisionId: 'd1', summary: 'Adopt the Think Communities approach' },
    BOARD_SECRETARY,
  ),
  ofBoard(
    'psb',
    'RecordDecision',
    secretariat,
    { meetingId: 'psb-extraordinary', decisionId: 'd2', summary: 'Agree the Health Deal' },
    PARTNERSHIP_OFFICER,
  ),
  ofBoard('psb', 'SubmitReport', secretariat, { title: 'First quarterly report' }, BOARD_SECRETARY),
  ofBoard('psb', 'SubmitReport', secretariat, { title: 'Second quarterly report' }, PARTNERSHIP_OFFICER),
  ofAgreement('health-deal', 'DraftAgreement', {
    kind: 'health-deal',
    title: 'Health Deal',
    parties: [COUNTY, CCG],
    purposes: ['Work together on prevention'],
    reviewOn: '2027-01-10',
    on: '2026-01-10',
  }),
  ofAgreement('health-deal', 'FinaliseAgreement', { on: '2026-01-12' }),
  signs('health-deal', COUNTY, '2026-01-15'),
  signs('health-deal', CCG, '2026-01-15'),
  ofAgreement('dsa', 'DraftAgreement', {
    kind: 'data-sharing',
    title: 'Early help data-sharing agreement',
    parties: [COUNTY, CCG],
    purposes: ['Early help'],
    on: '2026-01-10',
  }),
  ofAgreement('dsa', 'SetDataSharingTerms', {
    lawfulBases: [
      { orgId: COUNTY, basis: 'public-task' },
      { orgId: CCG, basis: 'public-task', specialCategoryCondition: 'Article 9(2)(h): health or social care' },
    ],
    dataCategories: ['contact details', 'health needs'],
    retention: 'six years after the case closes',
    reviewOn: '2027-01-10',
    on: '2026-01-11',
  }),
  ofAgreement('dsa', 'FinaliseAgreement', { on: '2026-01-12' }),
  signs('dsa', CCG, '2026-01-16'),
  signs('dsa', COUNTY, '2026-01-16'),
  ofAgreement('health-deal', 'RecordReview', { nextReviewOn: '2027-02-01', on: '2026-02-01' }),
  ofAgreement('health-deal', 'VaryAgreement', {
    summary: 'The district joins the deal',
    addParties: [DISTRICT],
    on: '2026-02-02',
  }),
  signs('health-deal', DISTRICT, '2026-02-03'),
  ofAgreement('dsa', 'TerminateAgreement', { reason: 'replaced by the ICB agreement', on: '2026-02-04' }),
  ...programmeLife('tc', PROGRAMME_LEAD),
  ...programmeLife('tc-officer', PARTNERSHIP_OFFICER),
  step('post-definitions', officer, {
    type: 'DefinePost',
    postId: 'tc-hunts',
    title: 'Think Communities co-ordinator',
    employer: DISTRICT,
    schemeId: SCHEME,
    areaId: AREA,
    on: '2026-02-01',
  }),
  step('post', officer, {
    type: 'FillPost',
    postId: 'tc-hunts',
    holderRef: 'staff-4411',
    from: '2026-03-01',
    on: '2026-03-01',
  }),
  step('post', officer, { type: 'VacatePost', postId: 'tc-hunts', reason: 'moved on', on: '2026-09-01' }),
  step('delivery-plan-agreements', officer, {
    type: 'AgreeDeliveryPlan',
    planId: 'hunts-2026',
    schemeId: SCHEME,
    schemeVersion: 1,
    areaId: AREA,
    title: 'Huntingdonshire delivery plan 2026',
    priorities: [{ priorityId: 'p1', description: 'A community hub in St Neots', lead: DISTRICT }],
    on: '2026-02-10',
  }),
  step(
    'delivery-plan',
    programme,
    { type: 'RecordProgress', planId: 'hunts-2026', priorityId: 'p1', note: 'Venue agreed', on: '2026-04-01' },
    PROGRAMME_LEAD,
  ),
  step(
    'delivery-plan',
    programme,
    { type: 'RecordProgress', planId: 'hunts-2026', priorityId: 'p1', note: 'Hub open', on: '2026-06-01' },
    PARTNERSHIP_OFFICER,
  ),
  step('delivery-plan', officer, {
    type: 'CloseDeliveryPlan',
    planId: 'hunts-2026',
    reason: 'the year is over',
    on: '2026-12-31',
  }),
  ofBoard('psb', 'StandDownRepresentative', officer, { representativeId: 'rep-cam', reason: 'left post' }),
  ofBoard('psb', 'WithdrawMember', officer, { orgId: FORUM, reason: 'joined the district forum' }),
  step('organisation', officer, {
    type: 'DissolveOrganisation',
    orgId: OLD_FORUM,
    reason: 'merged informally',
    on: '2026-07-01',
  }),
  step('successions', officer, {
    type: 'DissolveInto',
    orgId: CCG,
    successor: ICB,
    reason: 'CCGs became ICBs',
    on: '2026-07-01',
  }),
]

/** Roles of every context, the council's, and roles nobody holds. */
const ROLES = [
  PARTNERSHIP_OFFICER,
  BOARD_SECRETARY,
  AUTHORISED_SIGNATORY,
  PROGRAMME_LEAD,
  'geography-officer',
  'area-data-steward',
  'volunteer-coordinator',
  'volunteer-manager',
  'safeguarding-officer',
  'volunteer',
  'grants-officer',
  'applicant',
  'assessor',
  'panel-member',
  'finance-officer',
  'auditor',
  'data-protection-officer',
  'unknown',
  '*',
  'PARTNERSHIP-OFFICER',
  'Authorised-Signatory',
  ' board-secretary',
  'programme-lead ',
]

/**
 * The actor a role sends a step as: of the organisation the command signs for (so a refusal of a
 * signature is for the role alone), else of the county council.
 */
const actorFor = (role: string, step: Step) => ({
  id: `${role.trim() || 'x'}-1`,
  organisation:
    typeof step.command['orgId'] === 'string' && step.roles.includes(AUTHORISED_SIGNATORY)
      ? step.command['orgId']
      : COUNTY,
  role,
})

/** A signatory of another party to the same agreement. */
const otherSignatory = (step: Step) => ({
  id: 'authorised-signatory-elsewhere',
  organisation: step.command['orgId'] === CCG ? COUNTY : CCG,
  role: AUTHORISED_SIGNATORY,
})

const send = (ledger: Ledger, step: Step, actor: Actor) => sendStep(partnershipsDoors, ledger, step, actor)

const refusedAll = async (t: ExecutionContext, ledger: Ledger, step: Step): Promise<number> => {
  const wrong: ReadonlyArray<Actor> = [
    ...ROLES.filter((role) => !step.roles.includes(role)).map((role) => actorFor(role, step)),
    ...(step.roles.includes(AUTHORISED_SIGNATORY) ? [otherSignatory(step)] : []),
  ]
  return refusedToEach(t, partnershipsDoors, ledger, step, wrong)
}

const setUpScheme = async (ledger: Ledger): Promise<void> => {
  const geography = { id: 'geo-1', organisation: COUNTY, role: GEOGRAPHY_OFFICER }
  const steward = { id: 'steward-1', organisation: COUNTY, role: AREA_DATA_STEWARD }
  await importReferenceData(ledger, geography)
  await publishModelledScheme(ledger, geography, steward, SCHEME)
}

test('the life covers every command the partnerships package takes', (t) => {
  t.deepEqual([...new Set(LIFE.map((s) => s.door))].sort(), partnershipsDoors.map((d) => d.door).sort())
  t.is(partnershipsDoors.length, 37)
})

test('each command is sent by every role that may send it, and a step says the same roles as its door', (t) => {
  for (const door of new Set(LIFE.map((s) => s.door))) {
    const steps = LIFE.filter((s) => s.door === door)
    const roles = [...(steps[0]?.roles ?? [])].sort()
    for (const s of steps) t.deepEqual([...s.roles].sort(), roles, `${door}: the same roles at every step`)
    t.deepEqual([...new Set(steps.map((s) => s.by))].sort(), roles, `${door}: sent by each role that may`)
  }
})

for (const kind of ['memory', 'sqlite'] as ReadonlyArray<StoreKind>)
  test(`${kind}: each partnerships command is refused to every wrong actor and recorded for the right one`, async (t) => {
    t.timeout(5 * 60_000)
    const ledger = await freshLedger(t, kind, {
      policy: byContext({ areas: areasPolicy, partnerships: partnershipsPolicy }),
      plugins: [areasPlugin, partnershipsPlugin],
    })
    await setUpScheme(ledger)
    let refusals = 0
    for (const step of LIFE) {
      refusals += await refusedAll(t, ledger, step)
      const head = await ledger.events.headPosition()
      const result = await send(ledger, step, actorFor(step.by, step))
      if (E.isLeft(result)) t.fail(`${step.door} by ${step.by}: ${result.left._tag} ${result.left.message}`)
      else t.not(await ledger.events.headPosition(), head, `${step.door} by ${step.by}: recorded`)
    }
    t.log(`${LIFE.length} commands, ${refusals} wrong actors refused, each writing nothing`)
    recordSweep('partnerships-roles', kind, { commands: LIFE.length, refusals })
  })
