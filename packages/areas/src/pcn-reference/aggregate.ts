/**
 * The PCN reference of one sub-ICB (stream `areas.pcn-reference-<id>`): Primary Care Networks (NHS
 * `U` codes) with the dates they opened and closed, GP practices (ODS codes), and which PCN each
 * practice belonged to on any date. Changes are dated events, so the membership in force on the
 * date of a registration extract can be asked — which is what a scheme's assignment does.
 */
import { defineAggregate } from '@civic-ledger/core'

import { PcnCommand } from './commands'
import { decidePcnReference } from './decide'
import { pcnEvents } from './events'
import { evolvePcnReference, initialPcnReferenceState } from './state'

/**
 * The PCN reference aggregate (`areas.pcn-reference-<id>`): PCNs opened and closed, and practices
 * moved between them, on dated events.
 */
export const pcnReferences = defineAggregate({
  context: 'areas',
  name: 'pcn-reference',
  commands: PcnCommand,
  events: pcnEvents,
  id: (command) => command.referenceId,
  decider: { initialState: initialPcnReferenceState, evolve: evolvePcnReference, decide: decidePcnReference },
})
