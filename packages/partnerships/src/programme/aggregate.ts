/**
 * Programme: a strategy's themes and workstreams, the actions each workstream plans (owner
 * organisation, due date, status), its milestones, and the pilots it runs (place, dates, learning).
 */
import { defineAggregate } from '@civic-ledger/core'

import { ProgrammeCommand } from './commands'
import { decideProgramme } from './decide'
import { programmeEvents } from './events'
import { evolveProgramme, initialProgramme } from './state'

/**
 * The Programme aggregate (`partnerships.programme-<id>`): themes, workstreams, actions, milestones
 * and pilots.
 */
export const programmes = defineAggregate({
  context: 'partnerships',
  name: 'programme',
  commands: ProgrammeCommand,
  events: programmeEvents,
  id: (c) => c.programmeId,
  decider: { initialState: initialProgramme, evolve: evolveProgramme, decide: decideProgramme },
})
