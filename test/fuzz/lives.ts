/**
 * The life each context lives before it is fuzzed — so that fuzzed commands name a release, a PCN
 * reference, a scheme, a role, volunteers, a placement and hours that exist — and the candidate
 * values commands are made of.
 */
import { districtHierarchyRelease, lsoa2021Ward2025Release, referencePcnImport } from '@civic-ledger/areas'
import type { Ledger } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'

import type { Pools } from './codec-arbitrary'
import type { Door } from './doors'
import { RISKY } from './doors'

// --- who, and the lives played first ---

const COUNCIL = 'GB-LAE-CAM'
const PARTNER = 'GB-CHC-1000001'
export const actor = { id: 'fuzz-officer', organisation: COUNCIL, role: 'geography-officer' }

export interface Seed {
  readonly door: string
  readonly command: unknown
}

const L1 = 'E01015589'
const L2 = 'E01015590'
const L3 = 'E01015591'
const handMade = { name: 'hand-made', licence: 'none' }

/** The PCN the shipped reference puts a practice in. */
const pcnOf = (practice: string): string => {
  const reference = referencePcnImport() as {
    readonly practices: ReadonlyArray<{ readonly code: string; readonly pcn: string }>
  }
  const found = reference.practices.find((p) => p.code === practice)
  if (found === undefined) throw new Error(`the reference has no practice ${practice}`)
  return found.pcn
}

/** The areas context's life: a shipped release, the PCN reference, a place index, an indicator and a draft scheme. */
export const areasLife = (): ReadonlyArray<Seed> => [
  { door: 'areas.release/ImportRelease', command: lsoa2021Ward2025Release() },
  { door: 'areas.pcn-reference/ImportPcnReference', command: referencePcnImport() },
  {
    door: 'areas.place-index/BuildPlaceIndex',
    command: {
      type: 'BuildPlaceIndex',
      indexId: 'current',
      lsoaVintage: '2021',
      releases: ['derived-lsoa21-ward25-by-centroid'],
    },
  },
  {
    door: 'areas.indicator/DefineIndicator',
    command: {
      type: 'DefineIndicator',
      indicatorId: 'claimant-rate',
      name: 'Claimant rate',
      unit: 'percent',
      aggregation: 'population-weighted-mean',
    },
  },
  {
    door: 'areas.indicator/DefineIndicator',
    command: {
      type: 'DefineIndicator',
      indicatorId: 'households',
      name: 'Households',
      unit: 'count',
      aggregation: 'sum',
    },
  },
  {
    door: 'areas.sda-scheme/DefineScheme',
    command: {
      type: 'DefineScheme',
      schemeId: 'hunts-sda',
      name: 'Huntingdonshire delivery areas',
      lsoaVintage: '2021',
      scope: { description: 'three LSOAs', lsoas: [L1, L2, L3] },
      pcnReference: '06H-2024-03',
      areas: [
        { areaId: 'north', name: 'North', pcns: [pcnOf('D81001')] },
        { areaId: 'south', name: 'South', pcns: [pcnOf('D81004')] },
      ],
    },
  },
  {
    door: 'areas.sda-scheme/RunAssignment',
    command: {
      type: 'RunAssignment',
      schemeId: 'hunts-sda',
      pcnReference: '06H-2024-03',
      extract: {
        publication: 'hand-made',
        extractDate: '2024-03-01',
        source: handMade,
        modelled: true,
        rows: [
          { practice: 'D81001', lsoa: L1, patients: 40 },
          { practice: 'D81004', lsoa: L2, patients: 40 },
          { practice: 'D81004', lsoa: L3, patients: 10 },
        ],
      },
    },
  },
]

const area = { code: 'E05010805', type: 'ward', vintage: '2025' }

/** The volunteers context's life: a role, an approved and checked volunteer, a placement, hours and credits. */
export const volunteersLife = (): ReadonlyArray<Seed> => [
  {
    door: 'volunteers.role/DefineRole',
    command: {
      type: 'DefineRole',
      roleId: 'walk-leader',
      title: 'Health walk leader',
      organisation: PARTNER,
      regulatedActivity: 'none',
      dbsLevel: 'basic',
      minimumAge: 16,
      training: [{ course: 'walk-leader', validForMonths: 36 }],
      supervision: 'monthly with the co-ordinator',
    },
  },
  {
    door: 'volunteers.role/DefineRole',
    command: {
      type: 'DefineRole',
      roleId: 'befriender',
      title: 'Befriender',
      organisation: COUNCIL,
      regulatedActivity: 'none',
      dbsLevel: 'none',
      minimumAge: 18,
      training: [],
      supervision: 'fortnightly',
    },
  },
  ...['v-1', 'v-2', 'v-3'].map((volunteerId) => ({
    door: 'volunteers.volunteer/Apply',
    command: {
      type: 'Apply',
      volunteerId,
      on: '2026-01-05',
      name: 'Alex Example',
      email: 'alex@example.org',
      phone: '07700 900000',
      dateOfBirth: '1990-05-17',
      homeLsoa: L1,
    },
  })),
  ...['v-1', 'v-2'].flatMap((volunteerId) => [
    {
      door: 'volunteers.volunteer/RecordReference',
      command: { type: 'RecordReference', volunteerId, on: '2026-01-10', refereeName: 'Sam', outcome: 'satisfactory' },
    },
    { door: 'volunteers.volunteer/Approve', command: { type: 'Approve', volunteerId, on: '2026-01-12' } },
  ]),
  {
    door: 'volunteers.volunteer/RecordDbsCheck',
    command: {
      type: 'RecordDbsCheck',
      volunteerId: 'v-1',
      on: '2025-01-20',
      checkId: 'c1',
      certificateNumber: '001234567890',
      level: 'enhanced',
      issuedOn: '2025-01-15',
      clear: true,
      updateService: false,
      decision: 'accepted',
    },
  },
  {
    door: 'volunteers.volunteer/CompleteTraining',
    command: {
      type: 'CompleteTraining',
      volunteerId: 'v-1',
      on: '2026-01-20',
      course: 'walk-leader',
      completedOn: '2026-01-20',
      expiresOn: '2029-01-20',
    },
  },
  {
    door: 'volunteers.placement/Place',
    command: {
      type: 'Place',
      volunteerId: 'v-1',
      roleId: 'walk-leader',
      placementId: 'p1',
      area,
      startsOn: '2026-02-01',
      on: '2026-01-25',
    },
  },
  ...[
    ['e1', '2026-02-10', 3.5],
    ['e2', '2026-02-11', 2],
    ['e3', '2026-02-12', 4],
  ].map(([entryId, date, hours]) => ({
    door: 'volunteers.hours/LogHours',
    command: { type: 'LogHours', volunteerId: 'v-1', placementId: 'p1', entryId, date, hours, area, on: '2026-03-01' },
  })),
  {
    door: 'volunteers.timesheet/VerifyHours',
    command: { type: 'VerifyHours', volunteerId: 'v-1', entryId: 'e1', on: '2026-03-01' },
  },
  {
    door: 'volunteers.earnings/EarnCredits',
    command: { type: 'EarnCredits', volunteerId: 'v-1', entryId: 'e1', on: '2026-03-02' },
  },
  {
    door: 'volunteers.credits/AdjustCredits',
    command: { type: 'AdjustCredits', volunteerId: 'v-1', credits: 5, on: '2026-03-02', reason: 'paper hours' },
  },
]

/** The partnerships context's life: organisations, a board with members, an agreement, a programme. */
export const partnershipsLife = (): ReadonlyArray<Seed> => [
  ...[
    [COUNCIL, 'county-council'],
    ['GB-LAE-PTE', 'unitary-council'],
    [PARTNER, 'voluntary-sector'],
    ['local:hunts-forum', 'voluntary-sector'],
  ].map(([orgId, organisationType]) => ({
    door: 'partnerships.organisation/RegisterOrganisation',
    command: { type: 'RegisterOrganisation', orgId, name: `Organisation ${orgId}`, organisationType, on: '2026-01-02' },
  })),
  {
    door: 'partnerships.board/DefineBoard',
    command: {
      type: 'DefineBoard',
      boardId: 'psb',
      name: 'Public Services Board',
      purpose: 'Chief executives together',
      geography: ['E10000003'],
      termsOfReference: 'Meets quarterly',
      reportsTo: { boardId: 'hwb', everyMonths: 3 },
      on: '2026-01-05',
    },
  },
  {
    door: 'partnerships.board/DefineSeat',
    command: {
      type: 'DefineSeat',
      boardId: 'psb',
      seatId: 'seat-1',
      description: 'A council',
      organisationTypes: [],
      on: '2026-01-05',
    },
  },
  ...[COUNCIL, 'GB-LAE-PTE'].map((orgId) => ({
    door: 'partnerships.admissions/AdmitMember',
    command: { type: 'AdmitMember', boardId: 'psb', orgId, on: '2026-01-06' },
  })),
  {
    door: 'partnerships.board/AppointRepresentative',
    command: {
      type: 'AppointRepresentative',
      boardId: 'psb',
      representativeId: 'rep-1',
      orgId: COUNCIL,
      name: 'Alex Example',
      position: 'chair',
      on: '2026-01-07',
    },
  },
  {
    door: 'partnerships.board/HoldMeeting',
    command: { type: 'HoldMeeting', boardId: 'psb', meetingId: 'm1', heldOn: '2026-01-20', on: '2026-01-20' },
  },
  {
    door: 'partnerships.agreement/DraftAgreement',
    command: {
      type: 'DraftAgreement',
      agreementId: 'dsa-1',
      kind: 'data-sharing',
      title: 'Data sharing',
      parties: [COUNCIL, 'GB-LAE-PTE'],
      purposes: ['Early help'],
      on: '2026-01-10',
    },
  },
  {
    door: 'partnerships.programme/DefineProgramme',
    command: { type: 'DefineProgramme', programmeId: 'tc', name: 'Think Communities', on: '2026-01-10' },
  },
  {
    door: 'partnerships.programme/AddWorkstream',
    command: {
      type: 'AddWorkstream',
      programmeId: 'tc',
      workstreamId: 'hubs',
      name: 'Hubs',
      themeIds: [],
      lead: COUNCIL,
      on: '2026-01-10',
    },
  },
]

/** Steps of one application, through its own aggregate's door, on one day. */
const grantSteps = (applicationId: string, steps: ReadonlyArray<Record<string, unknown>>): ReadonlyArray<Seed> =>
  steps.map((step) => ({
    door: `grants.application/${String(step['type'])}`,
    command: { applicationId, on: '2026-03-02', ...step },
  }))

/**
 * The grants context's life: two releases and the place index built from them (the fund's area
 * rule is decided on it), a councillor with a term, a fund with a stream and a round;
 * applications drafted, submitted and in review; one awarded, offered, signed, part paid,
 * monitored and asking for a variation.
 */
export const grantsLife = (): ReadonlyArray<Seed> => [
  { door: 'areas.release/ImportRelease', command: lsoa2021Ward2025Release() },
  { door: 'areas.release/ImportRelease', command: districtHierarchyRelease() },
  {
    door: 'areas.place-index/BuildPlaceIndex',
    command: {
      type: 'BuildPlaceIndex',
      indexId: 'current',
      lsoaVintage: '2021',
      releases: ['derived-lsoa21-ward25-by-centroid', 'ons-lad-hierarchy'],
    },
  },
  {
    door: 'grants.councillor/RegisterCouncillor',
    command: {
      type: 'RegisterCouncillor',
      councillorId: 'cllr-1',
      name: 'Jo Example',
      council: COUNCIL,
      on: '2026-01-05',
    },
  },
  {
    door: 'grants.councillor/RecordTerm',
    command: {
      type: 'RecordTerm',
      councillorId: 'cllr-1',
      division: 'E58000097',
      from: '2025-05-01',
      on: '2026-01-05',
    },
  },
  {
    door: 'grants.fund/DefineFund',
    command: {
      type: 'DefineFund',
      fundId: 'innovate',
      name: 'Innovate and Cultivate',
      funder: COUNCIL,
      administrators: [PARTNER],
      eligibility: { areasIncluded: [], areasExcluded: ['E06000031'], applicantTypes: [], priorityOutcomes: [] },
      budget: 1_000_000,
      directAwards: true,
      asksForSavings: false,
      on: '2026-01-05',
    },
  },
  {
    door: 'grants.fund/AddStream',
    command: {
      type: 'AddStream',
      fundId: 'innovate',
      streamId: 'small',
      name: 'Small',
      limits: { minimum: 1, maximum: 500_000 },
      on: '2026-01-05',
    },
  },
  {
    door: 'grants.fund/OpenRound',
    command: {
      type: 'OpenRound',
      fundId: 'innovate',
      roundId: 'r1',
      opensOn: '2026-01-01',
      closesOn: '2026-12-31',
      limits: [],
      on: '2026-01-05',
    },
  },
  ...['g-1', 'g-2', 'g-3'].flatMap((applicationId) => [
    {
      door: 'grants.drafts/DraftApplication',
      command: {
        type: 'DraftApplication',
        applicationId,
        fundId: 'innovate',
        streamId: 'small',
        roundId: 'r1',
        applicant: PARTNER,
        title: 'A walking group',
        amountRequested: 300_000,
        areas: ['E07000010'],
        outcomes: ['more people active'],
        councillorId: 'cllr-1',
        on: '2026-02-01',
      },
    },
    {
      door: 'grants.submissions/SubmitApplication',
      command: { type: 'SubmitApplication', applicationId, fundId: 'innovate', on: '2026-02-02' },
    },
    {
      door: 'grants.application/AssignAssessor',
      command: { type: 'AssignAssessor', applicationId, assessor: 'assessor-1', on: '2026-02-03' },
    },
  ]),
  ...grantSteps('g-1', [
    { type: 'ScoreApplication', assessor: 'assessor-1', scores: [{ criterion: 'need', score: 4, outOf: 5 }] },
  ]),
  {
    door: 'grants.awards/AwardGrant',
    command: {
      type: 'AwardGrant',
      applicationId: 'g-1',
      fundId: 'innovate',
      amount: 300_000,
      conditions: ['a report in a year'],
      on: '2026-03-01',
    },
  },
  ...grantSteps('g-1', [
    { type: 'OfferGrant' },
    { type: 'SignGrantAgreement', signedBy: 'A. Treasurer' },
    { type: 'SchedulePayment', paymentId: 'p-1', kind: 'initial', amount: 100_000, dueOn: '2026-04-01' },
    { type: 'SchedulePayment', paymentId: 'p-2', kind: 'final', amount: 100_000, dueOn: '2026-09-01' },
    { type: 'ApprovePayment', paymentId: 'p-1' },
    { type: 'MakePayment', paymentId: 'p-1' },
    { type: 'RequireMonitoring', requirementId: 'm-1', kind: 'outcomes', description: 'Year one', dueOn: '2027-03-01' },
    { type: 'RequestVariation', variationId: 'v-1', amount: 350_000, reason: 'more sessions' },
  ]),
]

// --- candidate values ---

/**
 * Well-formed candidates for strings and refinements: ids, dates, codes of every kind the areas
 * context knows, and the values of the lives above (so commands name what exists). Each refinement
 * takes those it accepts.
 */
export const poolsFor = (lives: ReadonlyArray<Seed>): Pools => {
  const byField = new Map<string, unknown[]>()
  for (const seed of lives) fieldValues(seed.command, undefined, byField)
  const harvested = [...byField.values()].flat().filter((v): v is string => typeof v === 'string' && v.length <= 64)
  const strings = [
    ...new Set([
      ...harvested,
      ...[
        'v-1',
        'v-2',
        'v-3',
        'v-9',
        'p1',
        'p2',
        'e1',
        'e2',
        'e9',
        'c1',
        'c2',
        'north',
        'south',
        'psb',
        'm1',
        'rep-1',
        'innovate',
        'small',
        'r1',
        'g-1',
      ],
      ...['walk-leader', 'befriender', 'hunts-sda', 'claimant-rate', 'households', 'derived-lsoa21-ward25-by-centroid'],
      ...['06H-2024-03', 'fuzz-release', 'fuzz-ref', 'fuzz-scheme', 'fuzz-indicator', '2024-Q1', '2024-Q2'],
      ...[
        '2024-05-01',
        '2024-02-29',
        '2026-01-05',
        '2026-02-10',
        '2026-03-01',
        '2026-07-21',
        '1990-05-17',
        '2012-01-01',
      ],
      ...['2029-01-20', '2023-02-29', '2026-13-01', '2024-05-01T09:30:00Z'],
      ...['E01018107', 'E01015589', 'E05002702', 'E05010805', 'E07000008', 'E38000260', 'E10000003', 'W01000001'],
      ...['S01000001', 'U12345', 'U00001', 'U00003', 'U99001', 'U24388', 'D81001', 'D81004', 'D81999'],
      ...['2021', '2025', '2011', '2019-12', 'ward', 'lsoa', 'district', 'pcn', 'practice', 'sum', 'basic', 'none'],
      ...[COUNCIL, PARTNER, 'Alex Example', 'alex@example.org', 'a reason', 'satisfactory', 'photos'],
      '0b6f6c1e-6a43-4c3e-9a0e-4c7b8d1f2a01',
    ]),
  ]
  const numbers = [0, 1, 2, 3, 1.5, 3.5, 4, 5, 10, 16, 18, 24, 25, 36, 40, 99, 100, -1, 0.25, 2 ** 31, 1e-9]
  return { strings, numbers, byField, risky: RISKY }
}

/** The strings and numbers a value holds, by the name of the field they are under (items under their array's). */
const fieldValues = (value: unknown, field: string | undefined, into: Map<string, unknown[]>): void => {
  if (typeof value === 'string' || typeof value === 'number') {
    if (field === undefined) return
    const seen = into.get(field) ?? []
    if (seen.length < 8 && !seen.includes(value)) seen.push(value)
    into.set(field, seen)
  } else if (Array.isArray(value)) for (const item of value) fieldValues(item, field, into)
  else if (typeof value === 'object' && value !== null)
    for (const [key, inner] of Object.entries(value)) fieldValues(inner, key, into)
}

// --- cases ---

/** Plays a life on a ledger, as the fuzzing actor; throws if any of it is refused. */
export const play = async (ledger: Ledger, doors: ReadonlyArray<Door>, life: ReadonlyArray<Seed>): Promise<void> => {
  for (const seed of life) {
    const door = doors.find((d) => d.door === seed.door)
    if (door === undefined) throw new Error(`the life names ${seed.door}, which is no door here`)
    const played = await door.send(ledger, seed.command, { actor })
    if (E.isLeft(played)) throw new Error(`${seed.door} in the life: ${played.left.message.slice(0, 500)}`)
  }
}
