/**
 * Who may do what with partnerships:
 *
 * - a **partnership officer** keeps the register of organisations, defines boards and their seats,
 *   admits and withdraws members, appoints representatives, drafts, finalises, varies, reviews and
 *   terminates agreements, keeps programmes, defines, fills and vacates posts, and agrees and closes
 *   delivery plans;
 * - a **board secretary** records meetings and their decisions and submits the board's reports;
 * - an **authorised signatory** signs agreements, for their own organisation only: the command's
 *   `orgId` must be the actor's organisation, so no one signs for a party they do not belong to;
 * - a **programme lead** keeps programmes — themes, workstreams, actions, milestones and pilots —
 *   and records progress on delivery plans.
 *
 * Everything else is denied.
 */
import type { AuthorisationRequest, Policy } from '@civic-ledger/core'
import { allOf, organisationScope, rolePolicy } from '@civic-ledger/core'

/** The role that keeps organisations, boards, agreements, programmes, posts and delivery plans. */
export const PARTNERSHIP_OFFICER = 'partnership-officer'
/** The role that records a board's meetings and decisions and submits its reports. */
export const BOARD_SECRETARY = 'board-secretary'
/** The role that signs agreements, for its own organisation only. */
export const AUTHORISED_SIGNATORY = 'authorised-signatory'
/** The role that keeps programmes and records progress on delivery plans. */
export const PROGRAMME_LEAD = 'programme-lead'

const officer = [PARTNERSHIP_OFFICER]
const secretariat = [PARTNERSHIP_OFFICER, BOARD_SECRETARY]
const programme = [PARTNERSHIP_OFFICER, PROGRAMME_LEAD]

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined

/** The party a signature is given for: its organisation must be the signatory's. */
const signingFor = (request: AuthorisationRequest): string | undefined => {
  const orgId = field(request.input, 'orgId')
  return request.command === 'SignAgreement' && typeof orgId === 'string' ? orgId : undefined
}

/** Who may do what with partnerships: each role above; everything else denied. */
export const partnershipsPolicy: Policy = allOf(
  rolePolicy({
    'partnerships.organisation': {
      RegisterOrganisation: officer,
      RenameOrganisation: officer,
      DissolveOrganisation: officer,
    },
    'partnerships.successions': { DissolveInto: officer },
    'partnerships.board': {
      DefineBoard: officer,
      AmendTermsOfReference: officer,
      DefineSeat: officer,
      WithdrawMember: officer,
      AppointRepresentative: officer,
      StandDownRepresentative: officer,
      HoldMeeting: secretariat,
      RecordDecision: secretariat,
      SubmitReport: secretariat,
    },
    'partnerships.admissions': { AdmitMember: officer },
    'partnerships.agreement': {
      DraftAgreement: officer,
      SetDataSharingTerms: officer,
      FinaliseAgreement: officer,
      SignAgreement: [AUTHORISED_SIGNATORY],
      VaryAgreement: officer,
      RecordReview: officer,
      TerminateAgreement: officer,
    },
    'partnerships.post-definitions': { DefinePost: officer },
    'partnerships.post': { FillPost: officer, VacatePost: officer },
    'partnerships.delivery-plan-agreements': { AgreeDeliveryPlan: officer },
    'partnerships.delivery-plan': { RecordProgress: programme, CloseDeliveryPlan: officer },
    'partnerships.programme': {
      DefineProgramme: programme,
      AddTheme: programme,
      AddWorkstream: programme,
      PlanAction: programme,
      UpdateAction: programme,
      SetMilestone: programme,
      ReachMilestone: programme,
      StartPilot: programme,
      RecordLearning: programme,
      EndPilot: programme,
    },
  }),
  organisationScope({ 'partnerships.agreement': signingFor }),
)
