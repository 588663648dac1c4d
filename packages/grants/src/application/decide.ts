/**
 * The rules of an application's own steps: submitted once, from draft; withdrawn by the applicant
 * before a decision; declined by the panel once submitted. A withdrawn, declined or awarded
 * application takes none of these: it has reached its end (or, awarded, goes on as a grant).
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { ApplicationCommand } from './commands'
import type { ApplicationEvent } from './events'
import { ApplicationDeclined, ApplicationSubmitted, ApplicationWithdrawn } from './events'
import type { ApplicationState } from './state'

type Decided = Either<DomainError, ReadonlyArray<ApplicationEvent>>

export const decideApplication = (command: ApplicationCommand, state: ApplicationState): Decided => {
  if (state.status === 'none')
    return reject('unknown-application', `application ${command.applicationId} is not drafted`)
  const { applicationId, on } = command
  switch (command.type) {
    case 'SubmitApplication':
      return state.status === 'draft'
        ? accept<ApplicationEvent>(ApplicationSubmitted.create({ applicationId, on }))
        : reject('not-draft', `application ${applicationId} is ${state.status}, not a draft`)
    case 'WithdrawApplication':
      return state.status === 'draft' || state.status === 'submitted'
        ? accept<ApplicationEvent>(ApplicationWithdrawn.create({ applicationId, reason: command.reason, on }))
        : reject('decided', `application ${applicationId} is ${state.status}; it can no longer be withdrawn`)
    case 'DeclineApplication':
      return state.status === 'submitted'
        ? accept<ApplicationEvent>(ApplicationDeclined.create({ applicationId, reason: command.reason, on }))
        : reject('not-submitted', `application ${applicationId} is ${state.status}, not awaiting a decision`)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
