/**
 * TimeCreditAccount: a volunteer's time credits — one account per volunteer, with the volunteer's id
 * — earned from verified hours, spent, given to another volunteer or a community pot, or adjusted by
 * a manager. The balance is never negative.
 */
import { defineAggregate } from '@civic-ledger/core'

import { CreditCommand } from './commands'
import { decideCredits } from './decide'
import { creditEvents } from './events'
import { evolveCredits, initialCredits } from './state'

export const timeCredits = defineAggregate({
  context: 'volunteers',
  name: 'credits',
  commands: CreditCommand,
  events: creditEvents,
  id: (c) => c.volunteerId,
  decider: { initialState: initialCredits, evolve: evolveCredits, decide: decideCredits },
})
