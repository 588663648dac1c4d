/**
 * Every command of the grants context, sent through a real ledger under the grants policy, first by
 * every actor who should not send it, then by one who should, in the order of a grant's life: a
 * fund, a councillor, an application from draft to close, one declined after a conflict, one
 * withdrawn. The wrong actors: every other role of the grants context and of the others (and the
 * council's auditor and data protection officer), roles nobody holds (unknown, `*`, an allowed role
 * in capitals or padded); for an applicant's command, an applicant of another organisation; for an
 * assessor's, another assessor. Each must be `Forbidden` and write nothing. Who may send what is
 * written out here from the policy's description, not read from it, and the commands sent must be
 * every command the package's exported aggregates and decisions decode, so a command added without
 * its rule fails this test.
 */
import type { Ledger } from '@civic-ledger/core'
import { byContext } from '@civic-ledger/core'
import {
  APPLICANT,
  ASSESSOR,
  FINANCE_OFFICER,
  GRANTS_OFFICER,
  grantsPlugin,
  grantsPolicy,
  PANEL_MEMBER,
} from '@civic-ledger/grants'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { grantsDoors } from '../fuzz/doors'
import { recordSweep } from './counts'
import type { StoreKind } from './ledgers'
import { freshLedger } from './ledgers'
import type { Actor, RoleStep } from './roles'
import { refusedToEach, sendStep } from './roles'

const COUNCIL = 'GB-LAE-CAM'
const GROUP = 'local:ramsey-timebank'
const OTHER_GROUP = 'local:another-group'
const fundId = 'cultivating-communities'

const officer = [GRANTS_OFFICER]
const applicant = [APPLICANT]
const assessor = [ASSESSOR]
const panel = [PANEL_MEMBER]
const finance = [FINANCE_OFFICER]

type Step = RoleStep

const fund = (type: string, roles: ReadonlyArray<string>, extra: Record<string, unknown>): Step => ({
  door: `grants.fund/${type}`,
  command: { type, fundId, on: '2026-01-05', ...extra },
  roles,
})
const of = (
  applicationId: string,
  type: string,
  roles: ReadonlyArray<string>,
  extra: Record<string, unknown> = {},
): Step => ({
  door: `grants.application/${type}`,
  command: { type, applicationId, on: '2026-03-02', ...extra },
  roles,
})
const decision = (
  name: string,
  type: string,
  roles: ReadonlyArray<string>,
  command: Record<string, unknown>,
): Step => ({
  door: `grants.${name}/${type}`,
  command: { type, fundId, on: '2026-03-02', ...command },
  roles,
})
const drafted = (applicationId: string): ReadonlyArray<Step> => [
  decision('drafts', 'DraftApplication', applicant, {
    applicationId,
    streamId: 'cultivate',
    roundId: 'spring',
    applicant: GROUP,
    title: 'Ramsey timebank',
    amountRequested: 300_000,
    areas: ['E07000011'],
    outcomes: ['people helping people'],
    councillorId: 'cllr-1',
    on: '2026-02-10',
  }),
  decision('submissions', 'SubmitApplication', applicant, { applicationId, on: '2026-02-11' }),
]

const LIFE: ReadonlyArray<Step> = [
  fund('DefineFund', officer, {
    name: 'Cultivating Communities',
    funder: COUNCIL,
    administrators: [COUNCIL],
    eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
    budget: 2_000_000,
    directAwards: false,
    asksForSavings: false,
    asksForCouncillor: true,
  }),
  fund('AddStream', officer, {
    streamId: 'cultivate',
    name: 'Cultivate',
    limits: { minimum: 50_000, maximum: 1_000_000 },
  }),
  fund('OpenRound', officer, { roundId: 'spring', opensOn: '2026-02-01', closesOn: '2026-03-01', limits: [] }),
  fund('ChangeBudget', officer, { change: 500_000, reason: 'in-year top-up' }),
  {
    door: 'grants.councillor/RegisterCouncillor',
    command: {
      type: 'RegisterCouncillor',
      councillorId: 'cllr-1',
      name: 'Jo Example',
      council: COUNCIL,
      on: '2026-01-05',
    },
    roles: officer,
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
    roles: officer,
  },
  ...drafted('a1'),
  of('a1', 'AssignAssessor', officer, { assessor: 'assessor-jo' }),
  of('a1', 'ScoreApplication', assessor, {
    assessor: 'assessor-jo',
    scores: [{ criterion: 'need', score: 4, outOf: 5 }],
  }),
  decision('awards', 'AwardGrant', panel, { applicationId: 'a1', amount: 300_000, conditions: ['report in a year'] }),
  of('a1', 'OfferGrant', officer),
  of('a1', 'SignGrantAgreement', applicant, { signedBy: 'Treasurer' }),
  of('a1', 'SchedulePayment', [GRANTS_OFFICER, FINANCE_OFFICER], {
    paymentId: 'p1',
    kind: 'initial',
    amount: 200_000,
    dueOn: '2026-04-01',
  }),
  of('a1', 'ApprovePayment', finance, { paymentId: 'p1' }),
  of('a1', 'MakePayment', finance, { paymentId: 'p1' }),
  of('a1', 'SchedulePayment', [GRANTS_OFFICER, FINANCE_OFFICER], {
    paymentId: 'p2',
    kind: 'final',
    amount: 100_000,
    dueOn: '2026-09-01',
  }),
  of('a1', 'CancelPayment', finance, { paymentId: 'p2', reason: 'the project finished early' }),
  of('a1', 'RecordRepayment', finance, { repaymentId: 'r1', amount: 10_000, reason: 'unspent' }),
  of('a1', 'RequireMonitoring', officer, {
    requirementId: 'm1',
    kind: 'final',
    description: 'Final report',
    dueOn: '2026-12-01',
  }),
  of('a1', 'SubmitMonitoring', applicant, { requirementId: 'm1', summary: '40 members', outcomesAchieved: [] }),
  of('a1', 'ReturnMonitoring', officer, { requirementId: 'm1', reason: 'no figures', dueOn: '2027-01-05' }),
  of('a1', 'SubmitMonitoring', applicant, {
    requirementId: 'm1',
    summary: '40 members, 900 hours',
    outcomesAchieved: ['people helping people'],
  }),
  of('a1', 'AcceptMonitoring', officer, { requirementId: 'm1' }),
  of('a1', 'RequestVariation', applicant, { variationId: 'v1', amount: 250_000, reason: 'fewer sessions' }),
  of('a1', 'RejectVariation', panel, { variationId: 'v1', reason: 'keep the grant as it is' }),
  of('a1', 'RequestVariation', applicant, { variationId: 'v2', amount: 200_000, reason: 'finished early' }),
  decision('variations', 'ApproveVariation', panel, { applicationId: 'a1', variationId: 'v2' }),
  decision('closures', 'CloseGrant', officer, { applicationId: 'a1', reason: 'complete' }),
  ...drafted('a2'),
  of('a2', 'AssignAssessor', officer, { assessor: 'assessor-sam' }),
  of('a2', 'DeclareConflict', assessor, { assessor: 'assessor-sam', interest: 'a trustee of the group' }),
  of('a2', 'DeclineApplication', panel, { reason: 'outside the priorities' }),
  ...drafted('a3'),
  of('a3', 'WithdrawApplication', applicant, { reason: 'the hall closed' }),
  {
    door: 'grants.councillor/EndTerm',
    command: { type: 'EndTerm', councillorId: 'cllr-1', until: '2029-05-03', on: '2026-06-01' },
    roles: officer,
  },
]

/** Roles of every context, the council's, and roles nobody holds. */
const ROLES = [
  GRANTS_OFFICER,
  APPLICANT,
  ASSESSOR,
  PANEL_MEMBER,
  FINANCE_OFFICER,
  'geography-officer',
  'area-data-steward',
  'volunteer-coordinator',
  'volunteer-manager',
  'partnership-officer',
  'board-secretary',
  'authorised-signatory',
  'programme-lead',
  'auditor',
  'data-protection-officer',
  'unknown',
  '*',
  'GRANTS-OFFICER',
  ' panel-member',
]

/** The actor a role sends a step as: an applicant for their group, an assessor as the one named. */
const actorFor = (role: string, step: Step) => ({
  id:
    role === ASSESSOR && typeof step.command['assessor'] === 'string'
      ? step.command['assessor']
      : `${role.trim() || 'x'}-1`,
  organisation: role === APPLICANT ? GROUP : COUNCIL,
  role,
})

const send = (ledger: Ledger, step: Step, actor: Actor) => sendStep(grantsDoors, ledger, step, actor)

const refusedAll = async (t: ExecutionContext, ledger: Ledger, step: Step): Promise<number> => {
  const wrong: ReadonlyArray<Actor> = [
    ...ROLES.filter((role) => !step.roles.includes(role)).map((role) => actorFor(role, step)),
    ...(step.roles.includes(APPLICANT) ? [{ id: 'applicant-2', organisation: OTHER_GROUP, role: APPLICANT }] : []),
    ...(step.roles.includes(ASSESSOR) ? [{ id: 'assessor-someone-else', organisation: COUNCIL, role: ASSESSOR }] : []),
  ]
  return refusedToEach(t, grantsDoors, ledger, step, wrong)
}

test('the life covers every command the grants package takes', (t) => {
  t.deepEqual([...new Set(LIFE.map((s) => s.door))].sort(), grantsDoors.map((d) => d.door).sort())
})

for (const kind of ['memory', 'sqlite'] as ReadonlyArray<StoreKind>)
  test(`${kind}: each grants command is refused to every wrong actor and recorded for the right one`, async (t) => {
    t.timeout(5 * 60_000)
    const ledger = await freshLedger(t, kind, { policy: byContext({ grants: grantsPolicy }), plugins: [grantsPlugin] })
    let refusals = 0
    for (const step of LIFE) {
      refusals += await refusedAll(t, ledger, step)
      const role = step.roles[0] ?? ''
      const result = await send(ledger, step, actorFor(role, step))
      if (E.isLeft(result)) t.fail(`${step.door} by ${role}: ${result.left._tag} ${result.left.message}`)
    }
    t.log(`${LIFE.length} commands, ${refusals} wrong actors refused, each writing nothing`)
    recordSweep('grants-roles', kind, { commands: LIFE.length, refusals })
  })
