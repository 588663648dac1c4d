/** The partnerships context as a plug-in: every event it records, and its standard read models. */
import { definePlugin } from '@civic-ledger/core'

import { agreementEvents } from '../agreement/events'
import { boardEvents } from '../board/events'
import { deliveryPlanEvents } from '../delivery-plan/events'
import { organisationEvents } from '../organisation/events'
import { postEvents } from '../post/events'
import { programmeEvents } from '../programme/events'
import { agreementStatus } from './agreements'
import { placeCoverage } from './places'
import { programmeTracker } from './programmes'
import { partnershipRegister } from './register'

/**
 * The partnerships context as a ledger plug-in: its events, and the read models of the register,
 * agreements, programmes and places.
 */
export const partnershipsPlugin = definePlugin({
  name: 'partnerships',
  events: [
    ...organisationEvents.definitions,
    ...boardEvents.definitions,
    ...agreementEvents.definitions,
    ...programmeEvents.definitions,
    ...postEvents.definitions,
    ...deliveryPlanEvents.definitions,
  ],
  projections: [partnershipRegister, agreementStatus, programmeTracker, placeCoverage],
})
