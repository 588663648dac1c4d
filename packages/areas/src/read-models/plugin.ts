/** The areas context's read models as one plug-in, declaring every event the context records. */
import { definePlugin } from '@civic-ledger/core'

import { profileEvents } from '../indicator/events'
import { pcnEvents } from '../pcn-reference/events'
import { placeIndexEvents } from '../places/events'
import { releaseEvents } from '../release/events'
import { schemeEvents } from '../sda-scheme/events'
import { areaLookups } from './area-lookups'
import { areaProfileValues } from './area-profiles'
import { areaRegistry } from './area-registry'
import { serviceDeliveryAreas } from './service-delivery-areas'

/**
 * The areas context as a ledger plug-in: its events, and the read models of areas, lookups, schemes
 * and profiles.
 */
export const areasPlugin = definePlugin({
  name: 'areas',
  // Every event the context records, so a ledger that declares events knows all of them.
  events: [
    ...releaseEvents.definitions,
    ...pcnEvents.definitions,
    ...schemeEvents.definitions,
    ...profileEvents.definitions,
    ...placeIndexEvents.definitions,
  ],
  projections: [areaRegistry, areaLookups, serviceDeliveryAreas, areaProfileValues],
})
