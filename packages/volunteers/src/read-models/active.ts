/** Active volunteers: those with a placement not ended, and not suspended. */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import { PlacementEnded, VolunteerPlaced, VolunteerReinstated, VolunteerSuspended } from '../volunteer/events'

/** A document of the `volunteers` collection of the `active-volunteers` read model. */
export interface ActiveDoc {
  readonly volunteerId: string
  readonly placements: Readonly<Record<string, { readonly roleId: string; readonly area: string }>>
  readonly suspended: boolean
  readonly active: boolean
}
/** The `volunteers` collection of `active-volunteers`: placements, and whether active or suspended. */
export const activeDocs = defineCollection<ActiveDoc, 'active'>('volunteers', { indexes: ['active'] })

/** The `active-volunteers` read model: who is volunteering now. */
export const activeVolunteers = defineProjection({
  name: 'active-volunteers',
  version: 1,
  events: [VolunteerPlaced, PlacementEnded, VolunteerSuspended, VolunteerReinstated],
  collections: [activeDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(activeDocs)
    const before = (await docs.get(e.data.volunteerId)) ?? {
      volunteerId: e.data.volunteerId,
      placements: {},
      suspended: false,
      active: false,
    }
    let next: ActiveDoc
    if (e.type === 'volunteers.VolunteerPlaced')
      next = {
        ...before,
        placements: {
          ...before.placements,
          [e.data.placementId]: { roleId: e.data.role.roleId, area: e.data.area.code },
        },
      }
    else if (e.type === 'volunteers.PlacementEnded') {
      const { [e.data.placementId]: _ended, ...rest } = before.placements
      next = { ...before, placements: rest }
    } else next = { ...before, suspended: e.type === 'volunteers.VolunteerSuspended' }
    await docs.put(e.data.volunteerId, {
      ...next,
      active: !next.suspended && Object.keys(next.placements).length > 0,
    })
  },
})
