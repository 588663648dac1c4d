/** Each role does only its part: applicants for their own organisation, assessors as themselves. */
import type { Actor, AuthorisationRequest } from '@civic-ledger/core'
import test from 'ava'

import { APPLICANT, ASSESSOR, FINANCE_OFFICER, GRANTS_OFFICER, grantsPolicy, PANEL_MEMBER } from './index'

const ask = (role: string, aggregate: string, command: string, extra: Partial<AuthorisationRequest> = {}): boolean =>
  grantsPolicy({
    actor: { id: 'person-1', organisation: 'local:ramsey-timebank', role } as Actor,
    context: 'grants',
    aggregate,
    command,
    streamId: `grants.${aggregate}-a1`,
    state: { status: 'submitted', applicant: 'local:ramsey-timebank' },
    input: { type: command, applicationId: 'a1', assessor: 'person-1' },
    ...extra,
  }).allowed

test('each role sends only the commands of its part', (t) => {
  const parts: ReadonlyArray<readonly [string, string, string]> = [
    [GRANTS_OFFICER, 'fund', 'DefineFund'],
    [GRANTS_OFFICER, 'application', 'AssignAssessor'],
    [GRANTS_OFFICER, 'closures', 'CloseGrant'],
    [APPLICANT, 'drafts', 'DraftApplication'],
    [APPLICANT, 'submissions', 'SubmitApplication'],
    [APPLICANT, 'application', 'SignGrantAgreement'],
    [APPLICANT, 'application', 'SubmitMonitoring'],
    [ASSESSOR, 'application', 'ScoreApplication'],
    [ASSESSOR, 'application', 'DeclareConflict'],
    [PANEL_MEMBER, 'awards', 'AwardGrant'],
    [PANEL_MEMBER, 'variations', 'ApproveVariation'],
    [PANEL_MEMBER, 'application', 'DeclineApplication'],
    [FINANCE_OFFICER, 'application', 'ApprovePayment'],
    [FINANCE_OFFICER, 'application', 'MakePayment'],
  ]
  const roles = [GRANTS_OFFICER, APPLICANT, ASSESSOR, PANEL_MEMBER, FINANCE_OFFICER]
  for (const [role, aggregate, command] of parts) {
    t.true(ask(role, aggregate, command), `${role} may ${command}`)
    for (const other of roles.filter((r) => r !== role))
      t.false(ask(other, aggregate, command), `${other} may not ${command}`)
  }
  t.false(ask(APPLICANT, 'application', 'MakePayment'), 'no applicant pays themselves')
  t.false(ask(ASSESSOR, 'awards', 'AwardGrant'), 'an assessor does not decide')
  t.false(ask('volunteer-coordinator', 'application', 'SubmitMonitoring'), 'an unknown role may do nothing')
})

test('an applicant acts for their own organisation only', (t) => {
  const other = { status: 'submitted', applicant: 'local:another-group' }
  t.false(ask(APPLICANT, 'application', 'WithdrawApplication', { state: other }))
  t.false(
    ask(APPLICANT, 'drafts', 'DraftApplication', {
      state: { application: { status: 'none' }, fund: { status: 'open' } },
      input: { type: 'DraftApplication', applicant: 'local:another-group' },
    }),
    'no draft in another group’s name',
  )
  t.true(
    ask(APPLICANT, 'drafts', 'DraftApplication', {
      state: { application: { status: 'none' }, fund: { status: 'open' } },
      input: { type: 'DraftApplication', applicant: 'local:ramsey-timebank' },
    }),
  )
  t.false(
    ask(APPLICANT, 'submissions', 'SubmitApplication', { state: { application: other, fund: { status: 'open' } } }),
  )
  t.true(ask(GRANTS_OFFICER, 'application', 'OfferGrant', { state: other }), 'an officer acts for every applicant')
})

test('an assessor scores and declares conflicts as themselves only', (t) => {
  const as = (assessor: string) => ({ input: { type: 'ScoreApplication', applicationId: 'a1', assessor } })
  t.true(ask(ASSESSOR, 'application', 'ScoreApplication', as('person-1')))
  t.false(ask(ASSESSOR, 'application', 'ScoreApplication', as('person-2')))
  t.false(ask(ASSESSOR, 'application', 'DeclareConflict', as('person-2')))
})
