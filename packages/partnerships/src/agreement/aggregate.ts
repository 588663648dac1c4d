/**
 * Agreement: a Health Deal, a data-sharing agreement or a memorandum — drafted, finalised, signed by
 * each party, in force when all have signed, varied (and signed again), reviewed, terminated.
 */
import { defineAggregate } from '@civic-ledger/core'

import { AgreementCommand } from './commands'
import { decideAgreement } from './decide'
import { agreementEvents } from './events'
import { evolveAgreement, initialAgreement } from './state'

export const agreements = defineAggregate({
  context: 'partnerships',
  name: 'agreement',
  commands: AgreementCommand,
  events: agreementEvents,
  id: (c) => c.agreementId,
  decider: { initialState: initialAgreement, evolve: evolveAgreement, decide: decideAgreement },
})
