/** What can be asked of a delivery plan once agreed (agreeing one is the `deliveryPlanAgreements` decision). */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { ItemId, PlanId } from '../ids'

export const RecordProgress = t.readonly(
  t.type({ type: t.literal('RecordProgress'), planId: PlanId, priorityId: ItemId, note: NonEmptyString, on: IsoDate }),
)
export const CloseDeliveryPlan = t.readonly(
  t.type({ type: t.literal('CloseDeliveryPlan'), planId: PlanId, on: IsoDate, reason: NonEmptyString }),
)

/** The codec of the commands a delivery plan takes. */
export const DeliveryPlanCommand = t.union([RecordProgress, CloseDeliveryPlan])
/** A command a delivery plan takes, as decoded. */
export type DeliveryPlanCommand = t.TypeOf<typeof DeliveryPlanCommand>
/** A command to a delivery plan as an app sends it to `ledger.execute`, before decoding. */
export type DeliveryPlanCommandInput = t.OutputOf<typeof DeliveryPlanCommand>
