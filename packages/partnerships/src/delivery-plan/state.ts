/** A delivery plan as its stream holds it. */
import type { DeliveryPlanEvent } from './events'

/** A delivery plan's state: what its events fold to, and what its commands are decided on. */
export type DeliveryPlanState =
  { readonly status: 'none' } | { readonly status: 'agreed' | 'closed'; readonly priorities: ReadonlyArray<string> }

export const initialDeliveryPlan: DeliveryPlanState = { status: 'none' }

export const evolveDeliveryPlan = (s: DeliveryPlanState, e: DeliveryPlanEvent): DeliveryPlanState => {
  switch (e.type) {
    case 'partnerships.DeliveryPlanAgreed':
      return { status: 'agreed', priorities: e.data.priorities.map((p) => p.priorityId) }
    case 'partnerships.ProgressRecorded':
      return s
    case 'partnerships.DeliveryPlanClosed':
      return s.status === 'none' ? s : { ...s, status: 'closed' }
  }
}
