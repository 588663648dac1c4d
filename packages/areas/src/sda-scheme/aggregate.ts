/**
 * ServiceDeliveryAreaScheme (stream `areas.sda-scheme-<id>`): service delivery areas made, as the
 * Think Communities report describes, by grouping PCNs into named areas and giving each LSOA to the
 * area of its dominant PCN; versioned. Each run of the assignment makes a draft version, which can
 * be overridden LSOA by LSOA with a reason, and published only when every LSOA in scope is in
 * exactly one area. A published version never changes; publishing the next supersedes it.
 *
 * Two doors, one policy key (`areas.sda-scheme`): `schemeDecisions` takes `DefineScheme` and
 * `RunAssignment`, decided on the scheme's stream and the PCN reference's together (the reference
 * is read, never written); `serviceDeliveryAreaSchemes` takes the commands that need the scheme alone.
 */
import { defineAggregate, defineDecision, streamOf } from '@civic-ledger/core'
import { map } from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'

import { pcnReferences } from '../pcn-reference/aggregate'
import { SchemeCommand, SchemeDecisionCommand } from './commands'
import { decideScheme, decideSchemeWithReference } from './decide'
import { schemeEvents } from './events'
import { evolveScheme, initialSchemeState } from './state'

/** The scheme's aggregate: override, publish, supersede. */
export const serviceDeliveryAreaSchemes = defineAggregate({
  context: 'areas',
  name: 'sda-scheme',
  commands: SchemeCommand,
  events: schemeEvents,
  id: (command) => command.schemeId,
  decider: { initialState: initialSchemeState, evolve: evolveScheme, decide: decideScheme },
})

/** Define a scheme and run its assignment: decided on the scheme and its PCN reference together. */
export const schemeDecisions = defineDecision({
  context: 'areas',
  name: 'sda-scheme',
  commands: SchemeDecisionCommand,
  streams: (command: SchemeDecisionCommand) => ({
    scheme: streamOf(serviceDeliveryAreaSchemes, command.schemeId),
    reference: streamOf(pcnReferences, command.pcnReference),
  }),
  decide: (command, { scheme, reference }) =>
    pipe(
      decideSchemeWithReference(command, scheme, reference),
      map((events) => ({ scheme: events })),
    ),
})
