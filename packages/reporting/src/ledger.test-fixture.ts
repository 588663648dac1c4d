/**
 * Small ledgers for the report tests, built through ordinary commands: the PCN reference, the LSOA →
 * 2025 ward release and the modelled service delivery area scheme; a fund with three applications;
 * seven volunteers (six in a Cambridge ward, one in Peterborough) with verified hours and credits;
 * a board, an agreement, a milestone and a post.
 */
import {
  areasPlugin,
  geographyReleases,
  lsoa2021Ward2025Release,
  pcnReferences,
  publishModelledScheme,
  referencePcnImport,
} from '@civic-ledger/areas'
import type {
  Aggregate,
  Command,
  Decision,
  DecisionStreams,
  DomainEvent,
  Ledger,
  LedgerOptions,
} from '@civic-ledger/core'
import { allowAll, createLedger } from '@civic-ledger/core'
import { applications, awards, drafts, funds, grantsPlugin, submissions } from '@civic-ledger/grants'
import {
  admissions,
  agreements,
  boards,
  organisations,
  partnershipsPlugin,
  postDefinitions,
  posts,
  programmes,
  registerCouncils,
} from '@civic-ledger/partnerships'
import {
  earnings,
  hours,
  placements,
  timesheets,
  volunteerRoles,
  volunteers,
  volunteersPlugin,
} from '@civic-ledger/volunteers'
import { isLeft } from 'fp-ts/Either'

export const ACTOR = { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'officer' }
const context = { actor: ACTOR }

/** A Cambridge ward (Abbey) and a Peterborough one (Barnack), 2025. */
export const ABBEY = 'E05013050'
export const BARNACK = 'E05010805'

/** A ledger with every context's plug-in, on `store` (default: memory). */
export const openTestLedger = (options: Partial<LedgerOptions> = {}) =>
  createLedger({
    store: 'memory:',
    policy: allowAll,
    plugins: [areasPlugin, grantsPlugin, volunteersPlugin, partnershipsPlugin],
    ...options,
  })

/** Sends commands, throwing on any refusal. */
export const sender = (ledger: Ledger) => ({
  to: async <C extends Command, E extends DomainEvent, S>(
    aggregate: Aggregate<C, E, S>,
    command: Record<string, unknown>,
  ) => {
    const r = await ledger.execute(aggregate, command, context)()
    if (isLeft(r)) throw new Error(`${String(command['type'])}: ${r.left.message}`)
  },
  decide: async <C extends Command, R extends DecisionStreams>(
    decision: Decision<C, R>,
    command: Record<string, unknown>,
  ) => {
    const r = await ledger.decide(decision, command, context)()
    if (isLeft(r)) throw new Error(`${String(command['type'])}: ${r.left.message}`)
  },
})

export const recordAreas = async (ledger: Ledger): Promise<void> => {
  const send = sender(ledger)
  await send.to(pcnReferences, referencePcnImport())
  await send.to(geographyReleases, lsoa2021Ward2025Release())
  await publishModelledScheme(ledger, ACTOR, ACTOR)
}

export const recordGrants = async (ledger: Ledger): Promise<void> => {
  const send = sender(ledger)
  const fund = (c: Record<string, unknown>) => send.to(funds, { fundId: 'innovate', on: '2026-01-05', ...c })
  await fund({
    type: 'DefineFund',
    name: 'Innovate and Cultivate Fund',
    funder: 'GB-LAE-CAM',
    administrators: ['GB-CHC-1114405'],
    eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
    budget: 10_000_000,
    directAwards: true,
    asksForSavings: true,
  })
  await fund({
    type: 'AddStream',
    streamId: 'cultivate',
    name: 'Cultivate',
    limits: { minimum: 200_000, maximum: 1_000_000 },
  })
  await fund({ type: 'OpenRound', roundId: 'r1', opensOn: '2026-01-06', closesOn: '2026-02-28', limits: [] })
  const apply = async (applicationId: string, areas: ReadonlyArray<string>, amount: number) => {
    await send.decide(drafts, {
      type: 'DraftApplication',
      applicationId,
      fundId: 'innovate',
      streamId: 'cultivate',
      roundId: 'r1',
      applicant: `GB-CHC-${applicationId.slice(2)}00000`,
      title: `Project ${applicationId}`,
      amountRequested: amount,
      areas,
      outcomes: ['fewer falls'],
      projectedSaving: 100_000,
      on: '2026-01-10',
    })
    await send.decide(submissions, { type: 'SubmitApplication', applicationId, fundId: 'innovate', on: '2026-01-12' })
  }
  await apply('a-1', [ABBEY], 500_000)
  await apply('a-2', [ABBEY, BARNACK], 300_000)
  await apply('a-3', [BARNACK], 250_000)
  for (const [id, amount] of [
    ['a-1', 500_000],
    ['a-2', 250_000],
  ] as const) {
    await send.to(applications, { type: 'AssignAssessor', applicationId: id, assessor: 'assessor-1', on: '2026-02-01' })
    await send.to(applications, {
      type: 'ScoreApplication',
      applicationId: id,
      assessor: 'assessor-1',
      scores: [{ criterion: 'demand reduced', score: 4, outOf: 5 }],
      on: '2026-02-10',
    })
    await send.decide(awards, {
      type: 'AwardGrant',
      applicationId: id,
      fundId: 'innovate',
      amount,
      conditions: [],
      on: '2026-03-01',
    })
  }
}

/** Volunteers `v-1`… in a health-walk role: `inAbbey` placed in Abbey, one more in Barnack. */
export const recordVolunteers = async (ledger: Ledger, inAbbey = 6): Promise<void> => {
  const send = sender(ledger)
  await send.to(volunteerRoles, {
    type: 'DefineRole',
    roleId: 'health-walk-leader',
    title: 'Health walk leader',
    organisation: 'GB-LAE-CAM',
    regulatedActivity: 'none',
    dbsLevel: 'basic',
    minimumAge: 16,
    training: [{ course: 'walk-leader', validForMonths: 36 }],
    supervision: 'monthly with the coordinator',
  })
  for (let i = 1; i <= inAbbey + 1; i++) {
    const volunteerId = `v-${i}`
    const to = (c: Record<string, unknown>) => send.to(volunteers, { volunteerId, on: '2026-01-05', ...c })
    await to({
      type: 'Apply',
      name: `Volunteer ${i}`,
      email: '',
      phone: '',
      dateOfBirth: '1980-01-01',
      homeLsoa: 'E01017980',
    })
    await to({ type: 'RecordReference', refereeName: 'A Referee', outcome: 'satisfactory' })
    await to({ type: 'Approve' })
    await to({
      type: 'RecordDbsCheck',
      checkId: 'c1',
      certificateNumber: '001234567890',
      level: 'basic',
      // The first volunteer's check lapses within 60 days of the report.
      issuedOn: i === 1 ? '2023-03-20' : '2025-12-01',
      clear: true,
      updateService: false,
      decision: 'accepted',
    })
    await to({ type: 'CompleteTraining', course: 'walk-leader', completedOn: '2026-01-05', expiresOn: '2029-01-05' })
    await send.decide(placements, {
      type: 'Place',
      volunteerId,
      roleId: 'health-walk-leader',
      placementId: 'p1',
      area: { code: i <= inAbbey ? ABBEY : BARNACK, type: 'ward', vintage: '2025' },
      startsOn: '2026-02-01',
      on: '2026-01-25',
    })
    await send.decide(hours, {
      type: 'LogHours',
      volunteerId,
      placementId: 'p1',
      entryId: 'e1',
      date: '2026-02-10',
      hours: 2 + i,
      area: { code: i <= inAbbey ? ABBEY : BARNACK, type: 'ward', vintage: '2025' },
      on: '2026-02-11',
    })
    await send.to(timesheets, { type: 'VerifyHours', volunteerId, entryId: 'e1', on: '2026-02-12' })
    await send.decide(earnings, { type: 'EarnCredits', volunteerId, entryId: 'e1', on: '2026-02-13' })
  }
}

export const recordPartnerships = async (
  ledger: Ledger,
  schemeId = 'cambs-pboro-sda',
  areaId?: string,
): Promise<void> => {
  const send = sender(ledger)
  const registered = await registerCouncils(ledger, context, '2026-01-02')
  if (isLeft(registered)) throw new Error('councils')
  await send.to(organisations, {
    type: 'RegisterOrganisation',
    orgId: 'local:hunts-forum',
    name: 'Hunts Forum of Voluntary Organisations',
    organisationType: 'voluntary-sector',
    on: '2026-01-02',
  })
  const board = (boardId: string, name: string, extra: Record<string, unknown>) =>
    send.to(boards, {
      type: 'DefineBoard',
      boardId,
      name,
      purpose: name,
      geography: ['E10000003', 'E06000031'],
      termsOfReference: 'Meets quarterly',
      on: '2026-01-05',
      ...extra,
    })
  await board('psb', 'Public Services Board', {})
  await board('tcpb', 'Think Communities Partnership Board', { reportsTo: { boardId: 'psb', everyMonths: 3 } })
  for (const orgId of ['GB-LAE-CAM', 'GB-LAE-PTE', 'local:hunts-forum'])
    await send.decide(admissions, { type: 'AdmitMember', boardId: 'tcpb', orgId, on: '2026-01-06' })
  await send.to(agreements, {
    type: 'DraftAgreement',
    agreementId: 'health-deal',
    kind: 'health-deal',
    title: 'Health Deal',
    parties: ['GB-LAE-CAM', 'GB-LAE-PTE'],
    purposes: ['Working together on prevention'],
    on: '2026-01-10',
  })
  await send.to(agreements, { type: 'FinaliseAgreement', agreementId: 'health-deal', on: '2026-01-12' })
  await send.to(agreements, {
    type: 'SignAgreement',
    agreementId: 'health-deal',
    orgId: 'GB-LAE-CAM',
    signatory: 'Chief Executive',
    on: '2026-01-20',
  })
  const programme = (c: Record<string, unknown>) =>
    send.to(programmes, { programmeId: 'think-communities', on: '2026-01-05', ...c })
  await programme({ type: 'DefineProgramme', name: 'Think Communities', boardId: 'tcpb' })
  await programme({
    type: 'AddWorkstream',
    workstreamId: 'hubs',
    name: 'Community hubs',
    themeIds: [],
    lead: 'GB-LAE-CAM',
  })
  await programme({
    type: 'SetMilestone',
    milestoneId: 'm1',
    workstreamId: 'hubs',
    description: 'First hub open',
    due: '2026-02-01',
  })
  await programme({
    type: 'SetMilestone',
    milestoneId: 'm2',
    workstreamId: 'hubs',
    description: 'Six hubs open',
    due: '2026-09-01',
  })
  await programme({ type: 'ReachMilestone', milestoneId: 'm1', reachedOn: '2026-01-30', on: '2026-01-31' })
  if (areaId !== undefined) {
    await send.decide(postDefinitions, {
      type: 'DefinePost',
      postId: 'coordinator-1',
      title: 'Think Communities co-ordinator',
      employer: 'GB-LAE-CAM',
      schemeId,
      areaId,
      on: '2026-01-15',
    })
    await send.to(posts, {
      type: 'FillPost',
      postId: 'coordinator-1',
      holderRef: 'holder-1',
      from: '2026-02-01',
      on: '2026-02-01',
    })
  }
}
