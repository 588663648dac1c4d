/** The grants context as a plug-in: every event it records, and its read models. */
import { definePlugin } from '@civic-ledger/core'

import { applicationEvents } from '../application/events'
import { councillorEvents } from '../councillor/events'
import { fundEvents } from '../fund/events'
import { fundPositions } from './funds'

export const grantsPlugin = definePlugin({
  name: 'grants',
  events: [...fundEvents.definitions, ...applicationEvents.definitions, ...councillorEvents.definitions],
  projections: [fundPositions],
})
