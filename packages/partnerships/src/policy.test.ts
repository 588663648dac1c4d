/**
 * The partnerships policy, door by door and role by role: who may admit members, record decisions,
 * sign for a party, fill a post — and that the table below names every command of every aggregate
 * and decision the package exports, so a new command cannot slip past it. A signatory signs only
 * for their own organisation.
 */
import type { AuthorisationRequest } from '@civic-ledger/core'
import { typeNames } from '@civic-ledger/core'
import test from 'ava'

import * as partnerships from './index'
import { AUTHORISED_SIGNATORY, BOARD_SECRETARY, PARTNERSHIP_OFFICER, partnershipsPolicy, PROGRAMME_LEAD } from './index'

const officer = [PARTNERSHIP_OFFICER]
const secretariat = [PARTNERSHIP_OFFICER, BOARD_SECRETARY]
const programme = [PARTNERSHIP_OFFICER, PROGRAMME_LEAD]
const ROLES = [PARTNERSHIP_OFFICER, BOARD_SECRETARY, AUTHORISED_SIGNATORY, PROGRAMME_LEAD, 'volunteer-coordinator']

/** Who may send each command, by `<context>.<aggregate or decision>/<command>`. */
const RULES: Readonly<Record<string, ReadonlyArray<string>>> = {
  'partnerships.organisation/RegisterOrganisation': officer,
  'partnerships.organisation/RenameOrganisation': officer,
  'partnerships.organisation/DissolveOrganisation': officer,
  'partnerships.successions/DissolveInto': officer,
  'partnerships.board/DefineBoard': officer,
  'partnerships.board/AmendTermsOfReference': officer,
  'partnerships.board/DefineSeat': officer,
  'partnerships.board/WithdrawMember': officer,
  'partnerships.board/AppointRepresentative': officer,
  'partnerships.board/StandDownRepresentative': officer,
  'partnerships.board/HoldMeeting': secretariat,
  'partnerships.board/RecordDecision': secretariat,
  'partnerships.board/SubmitReport': secretariat,
  'partnerships.admissions/AdmitMember': officer,
  'partnerships.agreement/DraftAgreement': officer,
  'partnerships.agreement/SetDataSharingTerms': officer,
  'partnerships.agreement/FinaliseAgreement': officer,
  'partnerships.agreement/SignAgreement': [AUTHORISED_SIGNATORY],
  'partnerships.agreement/VaryAgreement': officer,
  'partnerships.agreement/RecordReview': officer,
  'partnerships.agreement/TerminateAgreement': officer,
  'partnerships.programme/DefineProgramme': programme,
  'partnerships.programme/AddTheme': programme,
  'partnerships.programme/AddWorkstream': programme,
  'partnerships.programme/PlanAction': programme,
  'partnerships.programme/UpdateAction': programme,
  'partnerships.programme/SetMilestone': programme,
  'partnerships.programme/ReachMilestone': programme,
  'partnerships.programme/StartPilot': programme,
  'partnerships.programme/RecordLearning': programme,
  'partnerships.programme/EndPilot': programme,
  'partnerships.post-definitions/DefinePost': officer,
  'partnerships.post/FillPost': officer,
  'partnerships.post/VacatePost': officer,
  'partnerships.delivery-plan-agreements/AgreeDeliveryPlan': officer,
  'partnerships.delivery-plan/RecordProgress': programme,
  'partnerships.delivery-plan/CloseDeliveryPlan': officer,
}

/** Every door the package exports: aggregates and decisions, one per command type. */
const doors = Object.values(partnerships).flatMap((value) => {
  const v = value as {
    readonly context?: unknown
    readonly name?: unknown
    readonly commands?: { readonly decode?: unknown }
  }
  if (typeof v !== 'object' || v === null || typeof v.context !== 'string' || typeof v.name !== 'string') return []
  if (typeof v.commands?.decode !== 'function') return []
  return typeNames(v.commands).map((type) => ({
    context: v.context as string,
    aggregate: v.name as string,
    command: type,
  }))
})

const ask = (door: (typeof doors)[number], role: string, input: object = {}, organisation = 'GB-LAE-CAM') =>
  partnershipsPolicy({
    actor: { id: `${role}-1`, organisation, role },
    context: door.context,
    aggregate: door.aggregate,
    command: door.command,
    streamId: 'x',
    state: undefined,
    input,
  } as AuthorisationRequest).allowed

test('the table names every command of every door the package exports, and nothing else', (t) => {
  const found = doors.map((d) => `${d.context}.${d.aggregate}/${d.command}`).sort()
  t.deepEqual(found, Object.keys(RULES).sort())
})

test('each command is allowed to the roles the table names and denied to every other', (t) => {
  let checked = 0
  for (const door of doors) {
    const allowed = RULES[`${door.context}.${door.aggregate}/${door.command}`] ?? []
    for (const role of ROLES) {
      const input = door.command === 'SignAgreement' ? { orgId: 'GB-LAE-CAM' } : {}
      t.is(ask(door, role, input), allowed.includes(role), `${door.aggregate}/${door.command} as ${role}`)
      checked++
    }
  }
  t.is(checked, Object.keys(RULES).length * ROLES.length)
})

test('a signatory signs only for their own organisation', (t) => {
  const sign = doors.find((d) => d.command === 'SignAgreement')
  if (sign === undefined) return t.fail('no SignAgreement door')
  t.true(ask(sign, AUTHORISED_SIGNATORY, { orgId: 'GB-LAE-PTE' }, 'GB-LAE-PTE'))
  t.false(ask(sign, AUTHORISED_SIGNATORY, { orgId: 'GB-LAE-CAM' }, 'GB-LAE-PTE'))
  t.false(
    ask({ ...sign, context: 'volunteers' }, AUTHORISED_SIGNATORY, { orgId: 'GB-LAE-PTE' }, 'GB-LAE-PTE'),
    'another context is denied',
  )
})
