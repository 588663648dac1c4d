/**
 * Organisation: a council, NHS body, police or fire service, voluntary-sector body, parish council,
 * hub or provider, under its org-id identifier or a local one; renamed; dissolved, with a successor
 * when one takes on its work (a CCG whose work passed to an ICB).
 */
import { defineAggregate } from '@civic-ledger/core'

import { OrganisationCommand } from './commands'
import { decideOrganisation } from './decide'
import { organisationEvents } from './events'
import { evolveOrganisation, initialOrganisation } from './state'

/**
 * The Organisation aggregate (`partnerships.organisation-<id>`): registered, renamed, dissolved;
 * dissolving into a successor is the `successions` decision.
 */
export const organisations = defineAggregate({
  context: 'partnerships',
  name: 'organisation',
  commands: OrganisationCommand,
  events: organisationEvents,
  id: (c) => c.orgId,
  decider: { initialState: initialOrganisation, evolve: evolveOrganisation, decide: decideOrganisation },
})
