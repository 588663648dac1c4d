/** The rules of a delivery plan: progress against a priority it has, while it is open; closed once. */
import type { DomainError } from '@civic-ledger/core'
import { accept, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { DeliveryPlanCommand } from './commands'
import type { DeliveryPlanEvent } from './events'
import { DeliveryPlanClosed, ProgressRecorded } from './events'
import type { DeliveryPlanState } from './state'

type Decided = Either<DomainError, ReadonlyArray<DeliveryPlanEvent>>

export const decideDeliveryPlan = (command: DeliveryPlanCommand, state: DeliveryPlanState): Decided => {
  if (state.status === 'none') return reject('unknown-plan', `delivery plan ${command.planId} is not agreed`)
  if (state.status === 'closed') return reject('plan-closed', `delivery plan ${command.planId} is closed`)
  switch (command.type) {
    case 'RecordProgress':
      return state.priorities.includes(command.priorityId)
        ? accept<DeliveryPlanEvent>(
            ProgressRecorded.create({
              planId: command.planId,
              priorityId: command.priorityId,
              note: command.note,
              on: command.on,
            }),
          )
        : reject('unknown-priority', `delivery plan ${command.planId} has no priority ${command.priorityId}`)
    case 'CloseDeliveryPlan':
      return accept<DeliveryPlanEvent>(
        DeliveryPlanClosed.create({ planId: command.planId, on: command.on, reason: command.reason }),
      )
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
