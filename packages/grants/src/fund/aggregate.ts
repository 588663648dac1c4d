/**
 * Fund: a funder's money for small grants — its administrators, eligibility, streams with their
 * limits, rounds (each with the limits of its streams), whether it makes direct awards, and its
 * budget, which no award may exceed.
 */
import { defineAggregate } from '@civic-ledger/core'

import { FundCommand } from './commands'
import { decideFund } from './decide'
import { fundEvents } from './events'
import { evolveFund, initialFund } from './state'

/**
 * The Fund aggregate (`grants.fund-<id>`): defined, given streams and rounds, its budget changed;
 * awards commit and closures release its budget through the decisions.
 */
export const funds = defineAggregate({
  context: 'grants',
  name: 'fund',
  commands: FundCommand,
  events: fundEvents,
  id: (c) => c.fundId,
  decider: { initialState: initialFund, evolve: evolveFund, decide: decideFund },
})
