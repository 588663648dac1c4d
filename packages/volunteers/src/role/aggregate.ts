/**
 * VolunteerRole: what a role asks of the people who take it — whether it is regulated activity
 * (with children, adults, both or neither), the DBS level it needs, the minimum age, the training
 * it requires (for how long a completion counts and which accreditation it must have, when the
 * role says), and how it is supervised.
 */
import { defineAggregate } from '@civic-ledger/core'

import { RoleCommand } from './commands'
import { decideRole } from './decide'
import { roleEvents } from './events'
import { evolveRole, initialRole } from './state'

/**
 * The VolunteerRole aggregate (`volunteers.role-<id>`): a role defined, with its safeguarding levels, minimum age and training, and retired.
 */
export const volunteerRoles = defineAggregate({
  context: 'volunteers',
  name: 'role',
  commands: RoleCommand,
  events: roleEvents,
  id: (c) => c.roleId,
  decider: { initialState: initialRole, evolve: evolveRole, decide: decideRole },
})
