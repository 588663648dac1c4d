/**
 * Councillor (stream `grants.councillor-<id>`): a county councillor some funds ask an application to
 * be made with (Cultivating Communities), their council, and the county divisions they represent
 * over time. The `drafts` decision reads it to record the councillor and the division they
 * represented on the application's date.
 */
import { defineAggregate } from '@civic-ledger/core'

import { CouncillorCommand } from './commands'
import { decideCouncillor } from './decide'
import { councillorEvents } from './events'
import { evolveCouncillor, initialCouncillor } from './state'

/**
 * The Councillor aggregate (`grants.councillor-<id>`): a county councillor registered, and their
 * terms for divisions recorded and ended.
 */
export const councillors = defineAggregate({
  context: 'grants',
  name: 'councillor',
  commands: CouncillorCommand,
  events: councillorEvents,
  id: (c) => c.councillorId,
  decider: { initialState: initialCouncillor, evolve: evolveCouncillor, decide: decideCouncillor },
})
