/**
 * Placing a volunteer in a role: a decision across the volunteer's stream and the role's. The
 * role's requirements — its organisation, regulated activity, DBS level, minimum age and training —
 * are read from the role's stream as it stands, never from the command, so a caller cannot place
 * someone against requirements of its own choosing, nor in another organisation's role by naming
 * its own. The placement is recorded in the volunteer's stream with the requirements it was
 * checked against.
 */
import { AreaRef as AreaRefCodec, defineDecision, EntityId, IsoDate, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { volunteerRoles } from './role'
import type { PlacementRole, VolunteerEvent } from './volunteer'
import { placementProblems, VolunteerPlaced, volunteers } from './volunteer'

export const PlaceCommand = t.readonly(
  t.type({
    type: t.literal('Place'),
    volunteerId: EntityId,
    roleId: EntityId,
    placementId: EntityId,
    area: AreaRefCodec,
    startsOn: IsoDate,
    on: IsoDate,
  }),
)
export type PlaceCommand = t.TypeOf<typeof PlaceCommand>
export type PlaceCommandInput = t.OutputOf<typeof PlaceCommand>

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
    if (volunteer.placements[c.placementId] !== undefined)
      return reject('placement-exists', `placement ${c.placementId} is recorded already`)
    const requirements: t.TypeOf<typeof PlacementRole> = {
      roleId: role.role.roleId,
      organisation: role.role.organisation,
      regulatedActivity: role.role.regulatedActivity,
      dbsLevel: role.role.dbsLevel,
      minimumAge: role.role.minimumAge,
      training: role.role.training.map((course) => course.course),
    }
    const problems = placementProblems(volunteer, requirements, c.startsOn)
    if (problems.length > 0) return reject('safeguarding', problems.join('; '))
    const placed: VolunteerEvent = VolunteerPlaced.create({
      volunteerId: c.volunteerId,
      placementId: c.placementId,
      role: requirements,
      area: c.area,
      startsOn: c.startsOn,
    })
    return E.right({ volunteer: [placed] })
  },
})
