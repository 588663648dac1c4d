/** Application: a request to a fund, from draft to submission, then an award, a decline or a withdrawal. */
import { defineAggregate } from '@civic-ledger/core'

import { ApplicationCommand } from './commands'
import { decideApplication } from './decide'
import { applicationEvents } from './events'
import { evolveApplication, initialApplication } from './state'

export const applications = defineAggregate({
  context: 'grants',
  name: 'application',
  commands: ApplicationCommand,
  events: applicationEvents,
  id: (c) => c.applicationId,
  decider: { initialState: initialApplication, evolve: evolveApplication, decide: decideApplication },
})
