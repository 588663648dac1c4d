/**
 * Who may do what with grants — each only their part:
 *
 * - a **grants officer** keeps funds (streams, rounds, budget) and the register of county councillors
 *   and their divisions, assigns assessors, offers grants,
 *   schedules payments, sets monitoring requirements and accepts or returns what is submitted, and
 *   closes grants;
 * - an **applicant** drafts, submits and withdraws applications, signs the grant agreement, submits
 *   monitoring returns and asks for variations — for their own organisation only: the
 *   application's applicant must be the actor's organisation;
 * - an **assessor** declares conflicts and scores — as themselves only: the command's `assessor`
 *   must be the actor's id, so no one scores in another's name;
 * - a **panel member** awards or declines, and approves or rejects variations;
 * - a **finance officer** schedules, approves, makes and cancels payments, and records repayments.
 *
 * Everything else is denied.
 */
import type { AuthorisationRequest, Policy } from '@civic-ledger/core'
import { allOf, organisationScope, rolePolicy } from '@civic-ledger/core'

/**
 * The role that keeps funds and councillors, assigns assessors, offers, schedules, monitors and
 * closes grants.
 */
export const GRANTS_OFFICER = 'grants-officer'
/**
 * The role that drafts, submits and withdraws applications and signs and reports on grants, for its
 * own organisation.
 */
export const APPLICANT = 'applicant'
/** The role that declares conflicts and scores applications, as themselves only. */
export const ASSESSOR = 'assessor'
/** The role that awards or declines applications, and approves or rejects variations. */
export const PANEL_MEMBER = 'panel-member'
/** The role that schedules, approves, makes and cancels payments, and records repayments. */
export const FINANCE_OFFICER = 'finance-officer'

const officer = [GRANTS_OFFICER]
const applicant = [APPLICANT]
const panel = [PANEL_MEMBER]
const finance = [FINANCE_OFFICER]

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** The organisation an application is made for: from its state, or from the draft being made. */
const applicantOf = (request: AuthorisationRequest): string | undefined =>
  text(field(request.state, 'applicant')) ??
  text(field(field(request.state, 'application'), 'applicant')) ??
  text(field(request.input, 'applicant'))

/** An assessor acts as themselves: a command naming an assessor must name the actor. */
const asThemselves: Policy = (request) => {
  const assessor = text(field(request.input, 'assessor'))
  return request.actor.role !== ASSESSOR || assessor === undefined || assessor === request.actor.id
    ? { allowed: true }
    : { allowed: false, reason: `${request.actor.id} may not act as assessor ${assessor}` }
}

/** Who may do what with grants: each role above, only its part; everything else denied. */
export const grantsPolicy: Policy = allOf(
  rolePolicy({
    'grants.fund': { DefineFund: officer, AddStream: officer, OpenRound: officer, ChangeBudget: officer },
    'grants.councillor': { RegisterCouncillor: officer, RecordTerm: officer, EndTerm: officer },
    'grants.drafts': { DraftApplication: applicant },
    'grants.submissions': { SubmitApplication: applicant },
    'grants.application': {
      WithdrawApplication: applicant,
      AssignAssessor: officer,
      DeclareConflict: [ASSESSOR],
      ScoreApplication: [ASSESSOR],
      DeclineApplication: panel,
      OfferGrant: officer,
      SignGrantAgreement: applicant,
      SchedulePayment: [GRANTS_OFFICER, FINANCE_OFFICER],
      ApprovePayment: finance,
      MakePayment: finance,
      CancelPayment: finance,
      RecordRepayment: finance,
      RequireMonitoring: officer,
      SubmitMonitoring: applicant,
      AcceptMonitoring: officer,
      ReturnMonitoring: officer,
      RequestVariation: applicant,
      RejectVariation: panel,
    },
    'grants.awards': { AwardGrant: panel },
    'grants.variations': { ApproveVariation: panel },
    'grants.closures': { CloseGrant: officer },
  }),
  organisationScope(
    {
      'grants.drafts': applicantOf,
      'grants.submissions': applicantOf,
      'grants.application': applicantOf,
    },
    { everyOrganisation: [GRANTS_OFFICER, ASSESSOR, PANEL_MEMBER, FINANCE_OFFICER] },
  ),
  asThemselves,
)
