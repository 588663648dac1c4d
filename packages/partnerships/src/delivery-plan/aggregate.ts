/**
 * DeliveryPlan: the priorities partners agreed locally for one service delivery area, linked to the
 * published version of the scheme that drew the area, and the progress recorded against them.
 */
import { defineAggregate } from '@civic-ledger/core'

import { DeliveryPlanCommand } from './commands'
import { decideDeliveryPlan } from './decide'
import { deliveryPlanEvents } from './events'
import { evolveDeliveryPlan, initialDeliveryPlan } from './state'

/**
 * The DeliveryPlan aggregate (`partnerships.delivery-plan-<id>`): progress recorded against an
 * agreed plan, and its closing; agreeing one is the `deliveryPlanAgreements` decision.
 */
export const deliveryPlans = defineAggregate({
  context: 'partnerships',
  name: 'delivery-plan',
  commands: DeliveryPlanCommand,
  events: deliveryPlanEvents,
  id: (c) => c.planId,
  decider: { initialState: initialDeliveryPlan, evolve: evolveDeliveryPlan, decide: decideDeliveryPlan },
})
