/**
 * Placing a volunteer in a role: a decision across the volunteer's stream and the role's. The
 * role's requirements — its organisation, regulated activity and the barred list it needs, DBS
 * level, minimum age and training — are read from the role's stream as it stands, never from the
 * command, so a caller cannot place someone against requirements of its own choosing, nor in another
 * organisation's role by naming its own. The placement is recorded in the volunteer's stream with
 * the requirements it was checked against.
 */
import { AreaRef, defineDecision, isErased, IsoDate, own, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { PlacementId, RoleId, VolunteerId } from '../ids'
import { volunteerRoles } from '../role/aggregate'
import type { RoleDefinition } from '../role/events'
import { ageOn, dbsProblem, trainingGaps } from '../rules/safeguarding'
import { volunteers } from '../volunteer/aggregate'
import type { VolunteerEvent } from '../volunteer/events'
import { VolunteerPlaced } from '../volunteer/events'
import type { VolunteerState } from '../volunteer/state'

/** The codec of the `Place` command of the `placements` decision. */
export const PlaceCommand = t.readonly(
  t.type({
    type: t.literal('Place'),
    volunteerId: VolunteerId,
    roleId: RoleId,
    placementId: PlacementId,
    area: AreaRef,
    startsOn: IsoDate,
    on: IsoDate,
  }),
)
/** The `Place` command of the `placements` decision, as decoded. */
export type PlaceCommand = t.TypeOf<typeof PlaceCommand>
/** The `Place` command as an app sends it to `ledger.decide`, before decoding. */
export type PlaceCommandInput = t.OutputOf<typeof PlaceCommand>

const ageProblems = (state: VolunteerState, role: RoleDefinition, startsOn: string): ReadonlyArray<string> => {
  const dob = state.dateOfBirth
  if (dob === undefined || isErased(dob)) return ['the date of birth is not known, so age rules cannot be checked']
  const age = ageOn(dob, startsOn)
  return [
    ...(age < role.minimumAge ? [`the volunteer is ${age}; the role needs ${role.minimumAge} or over`] : []),
    ...(age < 18 && !state.guardianConsent ? ['under 18 without a guardian’s consent'] : []),
  ]
}

/** Why `state` cannot take a placement in `role` starting `startsOn`; empty when every rule holds. */
export const placementProblems = (
  state: VolunteerState,
  role: RoleDefinition,
  startsOn: string,
): ReadonlyArray<string> => {
  const problems: string[] = []
  if (state.status !== 'approved')
    problems.push(`the volunteer is ${state.status === 'none' ? 'unknown' : state.status}, not approved`)
  if (state.suspended) problems.push('the volunteer is suspended')
  const dbs = dbsProblem(state.dbs, role, startsOn)
  if (dbs !== undefined) problems.push(dbs)
  const gaps = trainingGaps(state.training, role.training, startsOn)
  if (gaps.length > 0) problems.push(`training not current on ${startsOn}: ${gaps.join(', ')}`)
  return [...problems, ...ageProblems(state, role, startsOn)]
}

/** Places a volunteer in a role, on the role's requirements as its stream holds them. */
export const placements = defineDecision({
  context: 'volunteers',
  name: 'placement',
  commands: PlaceCommand,
  streams: (c: PlaceCommand) => ({
    volunteer: streamOf(volunteers, c.volunteerId),
    role: streamOf(volunteerRoles, c.roleId),
  }),
  decide: (c, { volunteer, role }) => {
    if (role.status !== 'open')
      return reject('role-not-open', `role ${c.roleId} is ${role.status === 'none' ? 'not defined' : 'retired'}`)
    if (own(volunteer.placements, c.placementId) !== undefined)
      return reject('placement-exists', `placement ${c.placementId} is recorded already`)
    const problems = placementProblems(volunteer, role.role, c.startsOn)
    if (problems.length > 0) return reject('safeguarding', problems.join('; '))
    const placed: VolunteerEvent = VolunteerPlaced.create({
      volunteerId: c.volunteerId,
      placementId: c.placementId,
      role: {
        roleId: role.role.roleId,
        organisation: role.role.organisation,
        regulatedActivity: role.role.regulatedActivity,
        dbsLevel: role.role.dbsLevel,
        minimumAge: role.role.minimumAge,
        training: role.role.training.map((course) => course.course),
      },
      area: c.area,
      startsOn: c.startsOn,
    })
    return E.right({ volunteer: [placed] })
  },
})
