/**
 * AreaProfile (stream `areas.indicator-<id>`): an indicator's values per LSOA (value, unit, source,
 * period), aggregated by the read models to any grouping of LSOAs — a ward, a parish, a district, a
 * service delivery area — through a lookup or a scheme.
 */
import { defineAggregate } from '@civic-ledger/core'

import { ProfileCommand } from './commands'
import { decideProfile } from './decide'
import { profileEvents } from './events'
import { evolveProfile, initialProfileState } from './state'

/**
 * The AreaProfile aggregate (`areas.indicator-<id>`): an indicator defined, and its values per LSOA recorded.
 */
export const areaProfiles = defineAggregate({
  context: 'areas',
  name: 'indicator',
  commands: ProfileCommand,
  events: profileEvents,
  id: (command) => command.indicatorId,
  decider: { initialState: initialProfileState, evolve: evolveProfile, decide: decideProfile },
})
