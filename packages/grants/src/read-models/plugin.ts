/** The grants context as a plug-in: every event it records, and its read models. */
import { definePlugin } from '@civic-ledger/core'

import { applicationEvents } from '../application/events'
import { councillorEvents } from '../councillor/events'
import { fundEvents } from '../fund/events'
import { grantPublishing } from '../publishing/projection'
import { fundPositions } from './funds'
import { grantMonitoring } from './monitoring'
import { grantsRegister } from './register'
import { grantTotals } from './totals'

/**
 * The grants context as a ledger plug-in: its events, and the read models of funds, the register,
 * totals, monitoring and publishing.
 */
export const grantsPlugin = definePlugin({
  name: 'grants',
  events: [...fundEvents.definitions, ...applicationEvents.definitions, ...councillorEvents.definitions],
  projections: [fundPositions, grantsRegister, grantTotals, grantMonitoring, grantPublishing],
})
