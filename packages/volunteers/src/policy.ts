/**
 * Who may do what with volunteers, role by role, and for which organisation:
 *
 * - a **volunteer co-ordinator** (at the council or at a partner) takes applications, references
 *   and consents, approves or turns down applicants, records training, defines and retires roles,
 *   places volunteers and ends placements, and keeps timesheets and time credits. For roles and
 *   placements they act for their own organisation only: a partner's co-ordinator defines that
 *   partner's roles and places people in them, and cannot place anyone in, or end a placement in,
 *   another organisation's role;
 * - a **volunteer manager** does what a co-ordinator does for every organisation, and alone may
 *   suspend and reinstate a volunteer and adjust a credit balance;
 * - a **safeguarding officer** records DBS checks and the risk assessment of one that is not clear,
 *   purges their details (erasing the check's part of the volunteer, never the volunteer), and may
 *   suspend and reinstate;
 * - a **volunteer** logs their own hours: their actor id is the volunteer id, and the placement is
 *   read from their stream, so they cannot log on another's timesheet.
 *
 * Everything else is denied, as is every command of another context. Timesheets and credits are
 * checked by role only: their records do not name the organisation of the placement.
 */
import type { AuthorisationRequest, Policy } from '@civic-ledger/core'
import { allOf, organisationScope, own, rolePolicy } from '@civic-ledger/core'

import type { RoleState } from './role/state'
import type { VolunteerState } from './volunteer/state'

/**
 * The role that takes applications, records training, defines roles and places volunteers, for its
 * own organisation.
 */
export const VOLUNTEER_COORDINATOR = 'volunteer-coordinator'
/**
 * The role that does what a co-ordinator does for every organisation, and suspends volunteers and
 * adjusts credits.
 */
export const VOLUNTEER_MANAGER = 'volunteer-manager'
/** The role that records DBS checks and risk assessments, purges their details, and may suspend. */
export const SAFEGUARDING_OFFICER = 'safeguarding-officer'
/** The role of a volunteer logging their own hours: the actor's id is their volunteer id. */
export const VOLUNTEER = 'volunteer'

const staff = [VOLUNTEER_COORDINATOR, VOLUNTEER_MANAGER]

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** A role's organisation: the one it is defined for, or the one it was defined with. */
const roleOwner = (request: AuthorisationRequest): string | undefined => {
  const state = request.state as RoleState | undefined
  if (state !== undefined && state.status !== 'none') return state.role.organisation
  return text(field(request.input, 'organisation'))
}

/** The organisation of the role a placement is made in, as the role's stream holds it. */
const placingOwner = (request: AuthorisationRequest): string | undefined => {
  const role = (request.state as { readonly role?: RoleState } | undefined)?.role
  return role === undefined || role.status === 'none' ? undefined : role.role.organisation
}

/** The organisation of the placement a volunteer's command ends: the one it was made in. */
const placementOwner = (request: AuthorisationRequest): string | undefined => {
  if (request.command !== 'EndPlacement') return undefined
  const placementId = text(field(request.input, 'placementId'))
  const placements = (request.state as VolunteerState | undefined)?.placements
  return placementId === undefined || placements === undefined ? undefined : own(placements, placementId)?.organisation
}

/**
 * Who may do what with volunteers: each role above, for the organisations it acts for; everything
 * else denied.
 */
export const volunteersPolicy: Policy = allOf(
  rolePolicy({
    'volunteers.role': { DefineRole: staff, RetireRole: staff },
    'volunteers.placement': { Place: staff },
    'volunteers.volunteer': {
      Apply: staff,
      RecordReference: staff,
      RecordGuardianConsent: staff,
      Approve: staff,
      RejectApplication: staff,
      RecordDbsCheck: [SAFEGUARDING_OFFICER],
      RecordRiskAssessment: [SAFEGUARDING_OFFICER],
      PurgeDbsDetails: [SAFEGUARDING_OFFICER],
      CompleteTraining: staff,
      EndPlacement: staff,
      Suspend: [VOLUNTEER_MANAGER, SAFEGUARDING_OFFICER],
      Reinstate: [VOLUNTEER_MANAGER, SAFEGUARDING_OFFICER],
      RecordConsent: staff,
    },
    'volunteers.hours': { LogHours: [...staff, VOLUNTEER] },
    'volunteers.timesheet': {
      VerifyHours: staff,
      RejectHours: staff,
      CorrectHours: staff,
    },
    'volunteers.earnings': { EarnCredits: staff },
    'volunteers.gifts': { GiftCredits: staff },
    'volunteers.credits': {
      SpendCredits: staff,
      DonateCredits: staff,
      AdjustCredits: [VOLUNTEER_MANAGER],
    },
    // The DBS details' purge erases the check's part of the volunteer: the officer who purges may.
    'privacy.subject': { EraseSubject: [SAFEGUARDING_OFFICER] },
  }),
  organisationScope(
    { 'volunteers.role': roleOwner, 'volunteers.placement': placingOwner, 'volunteers.volunteer': placementOwner },
    { everyOrganisation: [VOLUNTEER_MANAGER] },
  ),
  // A volunteer logs their own hours only: the placement's volunteer is read from their stream.
  (request) =>
    request.context === 'volunteers' &&
    request.aggregate === 'hours' &&
    request.actor.role === VOLUNTEER &&
    text(field(request.input, 'volunteerId')) !== request.actor.id
      ? {
          allowed: false,
          reason: `a volunteer logs their own hours only, not ${String(field(request.input, 'volunteerId'))}'s`,
        }
      : { allowed: true },
  // A safeguarding officer erases DBS details, never a whole person.
  (request) =>
    request.context === 'privacy' &&
    request.command === 'EraseSubject' &&
    !(text(field(request.input, 'part')) ?? '').startsWith('checkId=')
      ? { allowed: false, reason: `${request.actor.role} may erase a DBS check's details only` }
      : { allowed: true },
)
