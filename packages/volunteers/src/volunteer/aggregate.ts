/**
 * Volunteer: from application to placement — references, a guardian's consent under 18, approval,
 * DBS checks and the risk assessment of one that is not clear, training, placements (made by the
 * `placements` decision, which reads the role), suspension, consent by purpose.
 */
import { defineAggregate } from '@civic-ledger/core'

import { VolunteerCommand } from './commands'
import { decideVolunteer } from './decide'
import { volunteerEvents } from './events'
import { evolveVolunteer, initialVolunteer } from './state'

/**
 * The Volunteer aggregate (`volunteers.volunteer-<id>`): application, references, consent, DBS checks, training, suspension; placing is the `placements` decision. Personal fields are encrypted.
 */
export const volunteers = defineAggregate({
  context: 'volunteers',
  name: 'volunteer',
  commands: VolunteerCommand,
  events: volunteerEvents,
  id: (c) => c.volunteerId,
  decider: { initialState: initialVolunteer, evolve: evolveVolunteer, decide: decideVolunteer },
})
