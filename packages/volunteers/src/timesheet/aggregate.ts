/**
 * Timesheet: a volunteer's hours, day by day, on every placement they hold — one stream per
 * volunteer, so the daily cap holds across placements and an entry id is the volunteer's own.
 */
import { defineAggregate } from '@civic-ledger/core'

import { TimesheetCommand } from './commands'
import { decideTimesheet } from './decide'
import { timesheetEvents } from './events'
import { evolveTimesheet, initialTimesheet } from './state'

/**
 * The Timesheet aggregate (`volunteers.timesheet-<id>`): hours verified, rejected and corrected; logging them is the `hours` decision.
 */
export const timesheets = defineAggregate({
  context: 'volunteers',
  name: 'timesheet',
  commands: TimesheetCommand,
  events: timesheetEvents,
  id: (c) => c.volunteerId,
  decider: { initialState: initialTimesheet, evolve: evolveTimesheet, decide: decideTimesheet },
})
