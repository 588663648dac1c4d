/** The volunteers context as a plug-in: every event it records, and its standard read models. */
import { definePlugin } from '@civic-ledger/core'

import { creditEvents } from '../credits/events'
import { roleEvents } from '../role/events'
import { timesheetEvents } from '../timesheet/events'
import { volunteerEvents } from '../volunteer/events'
import { activeVolunteers } from './active'
import { timeCreditBalances } from './balances'
import { safeguardingCompliance } from './compliance'
import { volunteerHours } from './hours'

/**
 * The volunteers context as a ledger plug-in: its events, and the read models of hours, active
 * volunteers, compliance and credits.
 */
export const volunteersPlugin = definePlugin({
  name: 'volunteers',
  // Every event the context records, so a ledger that declares events knows all of them.
  events: [
    ...roleEvents.definitions,
    ...volunteerEvents.definitions,
    ...timesheetEvents.definitions,
    ...creditEvents.definitions,
  ],
  projections: [volunteerHours, activeVolunteers, safeguardingCompliance, timeCreditBalances],
})
