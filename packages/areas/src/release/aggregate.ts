/**
 * GeographyRelease (stream `areas.release-<id>`): one published product of boundaries — the areas
 * of one or more kinds at a vintage, and the lookups between them — recorded exactly as published.
 * A release is immutable: a correction is a new release that names the one it corrects. Lookups are
 * kept as pairs, so a ward in two county divisions or a parish spanning wards stays many-to-many;
 * nothing assumes nesting.
 */
import { defineAggregate } from '@civic-ledger/core'

import { ReleaseCommand } from './commands'
import { decideRelease } from './decide'
import { releaseEvents } from './events'
import { evolveRelease, initialReleaseState } from './state'

/**
 * The GeographyRelease aggregate (`areas.release-<id>`): takes one command, `ImportRelease`, the
 * release whole, as published.
 */
export const geographyReleases = defineAggregate({
  context: 'areas',
  name: 'release',
  commands: ReleaseCommand,
  events: releaseEvents,
  id: (command) => command.releaseId,
  decider: { initialState: initialReleaseState, evolve: evolveRelease, decide: decideRelease },
})
