/** What is recorded of a delivery plan for a service delivery area. */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

/** A priority of a delivery plan: what it is, and the organisation that leads it. */
export const Priority = t.readonly(t.type({ priorityId: Id, description: NonEmptyString, lead: Id }))

/** Agreed locally for one area of one published version of a scheme. */
export const DeliveryPlanAgreed = defineEvent({
  type: 'partnerships.DeliveryPlanAgreed',
  codec: t.readonly(
    t.type({
      planId: Id,
      schemeId: Id,
      schemeVersion: t.number,
      areaId: Id,
      title: NonEmptyString,
      priorities: t.readonlyArray(Priority),
      agreedOn: IsoDate,
    }),
  ),
})
/** Progress on a priority of a delivery plan, as a note on a day. */
export const ProgressRecorded = defineEvent({
  type: 'partnerships.ProgressRecorded',
  codec: t.readonly(t.type({ planId: Id, priorityId: Id, note: NonEmptyString, on: IsoDate })),
})
/** A delivery plan was closed, with a reason. */
export const DeliveryPlanClosed = defineEvent({
  type: 'partnerships.DeliveryPlanClosed',
  codec: t.readonly(t.type({ planId: Id, on: IsoDate, reason: NonEmptyString })),
})

const definitions = [DeliveryPlanAgreed, ProgressRecorded, DeliveryPlanClosed] as const
/** The catalog of a delivery plan's events: encodes new ones, and upcasts and decodes stored ones. */
export const deliveryPlanEvents = eventCatalog(...definitions)
/** An event of a delivery plan's stream: one of those `deliveryPlanEvents` encodes and decodes. */
export type DeliveryPlanEvent = CatalogEvent<typeof deliveryPlanEvents>
